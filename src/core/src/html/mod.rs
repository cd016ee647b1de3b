//! HTML -> block lines, plus what each line's markup says about it.
//!
//! The classifier works on lines, so a page becomes the lines a reader sees or a script shows:
//! one per heading, paragraph, list item, table cell, caption, `<br>`-separated run of text, or
//! block-level element with direct text. Script, style, noscript, template and form controls are
//! dropped. Hidden blocks (`hidden`, `display:none`, `visibility:hidden`) are read and marked
//! (ancestor `hidden`): scripts show much of that text (streamed React content, shop pages hidden
//! until their script runs, tabs), and dropping it emptied real articles; a hidden inline piece
//! is dropped, so it never joins a visible line unmarked. Only a page with next to no other text (fewer than
//! [`NOSCRIPT_FALLBACK_WORDS`] words) is read again with its `<noscript>` content as visible,
//! and that reading is kept when the `<noscript>` content adds at least as many words. A block that is nothing but several links
//! (`<div><a>One</a> · <a>Two</a></div>`) gives one line per link, because that is how a
//! related-posts widget reads. Blocks are separated by a blank line; consecutive items of one
//! list, row or table, and the lines of one `<br>`-separated block or `<pre>`, are not.
//!
//! Every line also gets an [`HtmlContext`]: the facts plain text cannot show (link share, block
//! tag, semantic ancestors, lists of links, class/id hints, images and their `alt` words).
//!
//! The page is parsed by html5ever (the WHATWG algorithm browsers use, so broken markup, a
//! missing `<body>` or text outside `<html>` land where a browser puts them) into an arena
//! (`dom`), then walked without recursion by the line builder (`lines`). This is the port of
//! the Python `textsieve.html` builder, with two fixes: `<br>`-separated lines are tagged "br",
//! and `alt` words are letters only, lower-cased, at most 40 per line.

mod dom;
mod lines;

pub use lines::MAX_ALT_WORDS;

/// Semantic containers a line can sit in; `HtmlContext::ancestors` is a bit set over these.
/// `hidden` is not a tag: an element hidden by attribute or inline style.
pub const ANCESTORS: [&str; 14] = [
    "figure", "nav", "header", "footer", "aside", "table", "form", "blockquote", "article", "main", "ul", "ol", "a",
    "hidden",
];

/// Markup facts about one extracted line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HtmlContext {
    /// The block element holding the line ("p", "h2", "li", "td", "figcaption", "div", ...;
    /// "a" when the line is one link split out of a block of links; "br" for a `<br>`-separated run).
    pub tag: String,
    /// Share of the line's characters that sit inside links (0..=1, three decimals; each text
    /// piece counted without its end spaces). 1 for a line split out of a block of links.
    pub link_share: f32,
    /// Bit `i` set when the line sits inside `ANCESTORS[i]` (figcaption counts as figure, dl and
    /// menu as ul; "a" only while a link is still open when the line ends).
    pub ancestors: u32,
    /// The line sits in a list (ul, ol, dl, menu) of at least 3 lines, 60% of them mostly links.
    pub link_list: bool,
    /// Lower-case `[a-z]+` tokens of class, id, role, itemprop and rel of the open elements,
    /// nearest first: at most 8 per element, 16 in all.
    pub hints: Vec<String>,
    /// An `<img>` or `<picture>` came since the previous line (in the block or just before it).
    pub image: bool,
    /// Words of those images' `alt`/`title`: lower-case runs of letters (inner apostrophes kept,
    /// as in "hawk's"; digits and punctuation dropped), each once, at most `MAX_ALT_WORDS`.
    pub alt: Vec<String>,
}

impl HtmlContext {
    pub fn has_ancestor(&self, name: &str) -> bool {
        self.ancestors & ancestor_bit(name) != 0
    }
}

/// The bit of `name` in `HtmlContext::ancestors` (0 for a name not in `ANCESTORS`).
pub fn ancestor_bit(name: &str) -> u32 {
    ANCESTORS.iter().position(|a| *a == name).map_or(0, |i| 1 << i)
}

/// A parsed page: its text (one line per block, blank lines between blocks) and one context
/// per line of `text` (`text.lines()`: the text ends with a newline, so splitting on '\n' gives one
/// item more; `None` for blank lines).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HtmlPage {
    pub text: String,
    pub contexts: Vec<Option<HtmlContext>>,
    /// The lines come from the `<noscript>` reading (see [`parse_html`]).
    pub noscript: bool,
}

impl HtmlPage {
    /// The page's lines with their contexts, one per line, for reading and for golden tests:
    /// `text<TAB>[tag link=0.5 anc=nav,ul list=true hints=a,b img=false alt=x,y]`, and an empty
    /// line for each blank line.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for (line, context) in self.text.lines().zip(&self.contexts) {
            if let Some(c) = context {
                let ancestors: Vec<&str> =
                    ANCESTORS.iter().enumerate().filter(|(i, _)| c.ancestors & (1 << i) != 0).map(|(_, a)| *a).collect();
                out.push_str(&format!(
                    "{line}\t[{} link={} anc={} list={} hints={} img={} alt={}]",
                    c.tag,
                    c.link_share,
                    ancestors.join(","),
                    c.link_list,
                    c.hints.join(","),
                    c.image,
                    c.alt.join(",")
                ));
            }
            out.push('\n');
        }
        out
    }
}

/// Input is handed to the parser in pieces of this size: html5ever's buffers count in `u32`,
/// so one piece must stay far below 4 GiB whatever the page's size.
const CHUNK: usize = 1 << 20;

/// Parse a page into lines with their contexts. Never panics on any input; a page with no
/// text outside scripts, styles and form controls gives an empty page.
pub fn parse_html(html: &str) -> HtmlPage {
    if html.chars().all(lines::is_space) {
        return HtmlPage::default();
    }
    let html = &*cap_attributes(html);
    let dom = parse_dom(html, false);
    let mut builder = lines::Builder::new();
    dom.walk(&mut builder);
    let page = builder.finish();
    if shown_words(&page) >= NOSCRIPT_FALLBACK_WORDS || !has_noscript(html) {
        return page;
    }
    // Almost nothing visible: some sites (Discourse forums) serve their whole content inside
    // `<noscript>` for crawlers. Parse again as a browser with scripting off would, so the
    // `<noscript>` content is markup, and read it as visible.
    let dom = parse_dom(html, true);
    let mut builder = lines::Builder::showing_noscript();
    dom.walk(&mut builder);
    let fallback = builder.finish();
    // A short notice ("enable JavaScript") is not content: keep the normal page unless the
    // `<noscript>` content brings a real amount of text.
    if word_count(&fallback.text) >= word_count(&page.text) + NOSCRIPT_FALLBACK_WORDS {
        HtmlPage { noscript: true, ..fallback }
    } else {
        page
    }
}

/// A page whose visible text has fewer words than this is parsed again with `<noscript>`
/// content read as visible, and that reading is kept only when it adds at least this many
/// words. Small on purpose: a page with a real paragraph of its own keeps exactly its normal
/// output, and a short "enable JavaScript" notice never becomes a line; only pages that show
/// next to nothing without scripts, such as forums that put every post inside `<noscript>`,
/// take the fallback.
pub const NOSCRIPT_FALLBACK_WORDS: usize = 10;

/// Words of the page's lines outside hidden elements: a forum that serves its posts in
/// `<noscript>` often has a hidden "loading" template, and that must not count as content.
fn shown_words(page: &HtmlPage) -> usize {
    let hidden = ancestor_bit("hidden");
    page.text
        .split('\n')
        .zip(&page.contexts)
        .filter(|(_, c)| c.as_ref().is_some_and(|c| c.ancestors & hidden == 0))
        .map(|(line, _)| word_count(line))
        .sum()
}

fn word_count(text: &str) -> usize {
    text.split(lines::is_space).filter(|w| !w.is_empty()).count()
}

/// Whether the page has a `<noscript` tag (ASCII case-insensitive), so the fallback parse
/// is only paid for pages that could gain from it.
fn has_noscript(html: &str) -> bool {
    html.as_bytes().windows(b"<noscript".len()).any(|w| w.eq_ignore_ascii_case(b"<noscript"))
}

/// `show_noscript`: parse with scripting disabled, so `<noscript>` content becomes elements
/// and text instead of one raw-text run, and keep that text in the tree.
fn parse_dom(html: &str, show_noscript: bool) -> dom::Dom {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Tokenizer};
    use html5ever::TokenizerResult;
    use html5ever::tree_builder::TreeBuilder;
    // About one node per 40 bytes of real pages; capped so a huge page does not reserve much up front.
    use html5ever::tree_builder::TreeBuilderOpts;
    let sink = dom::Sink::new((html.len() / 40).min(1 << 20), show_noscript);
    let opts = TreeBuilderOpts { scripting_enabled: !show_noscript, ..Default::default() };
    let guard = DepthGuard { builder: TreeBuilder::new(sink, opts) };
    let tokenizer = Tokenizer::new(guard, Default::default());
    let input = BufferQueue::default();
    let mut rest = html;
    loop {
        let mut cut = rest.len().min(CHUNK);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, tail) = rest.split_at(cut);
        if !piece.is_empty() {
            input.push_back(StrTendril::from_slice(piece));
        }
        // `Script` asks the caller to run a script before going on; there is none to run.
        while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
        rest = tail;
        if rest.is_empty() {
            break;
        }
    }
    tokenizer.end();
    use html5ever::tree_builder::TreeSink;
    tokenizer.sink.builder.sink.finish()
}

/// Attributes of one tag beyond this many are cut out before parsing.
///
/// html5ever checks each new attribute's name against every one before it in the tag, so a tag
/// of n attributes costs n² (100,000 attributes in one tag, 0.9 MB: 4.8 s; 200,000: 25 s). No
/// page needs thousands, and an attribute is never text a reader sees.
pub const MAX_ATTRIBUTES: usize = 1024;

/// `html` with every tag's attributes past [`MAX_ATTRIBUTES`] removed (borrowed, unchanged, on
/// every real page). The scan keeps in step with the tokenizer where it matters: names end at
/// white space, `/` or `>` (a name may hold `=` first, or `<`), values are quoted (across `>` and
/// lines) or end at white space or `>`; comments (`<!-- -->`, `<!-->`, `--!>`), bogus comments
/// (`<!x>`, `<?x>`, `</1>`) and the raw text of script, style, textarea, title, xmp, iframe,
/// noembed and noframes are skipped whole, and nothing after `<plaintext>` is a tag. A cut never
/// spans a `<`, a `style` or a `hidden`, so where the scan and the tokenizer could still disagree
/// (foreign content, a script's escaped states) no text is lost and no hidden text shows: such a
/// tag is left whole, to the tokenizer's quadratic check. One linear pass; a tag left open at
/// the end is cut too (the tokenizer drops it anyway).
fn cap_attributes(html: &str) -> std::borrow::Cow<'_, str> {
    let b = html.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let find = |from: usize, needle: &[u8]| -> Option<usize> {
        b.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p)
    };
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + off;
        let next = b.get(start + 1).copied().unwrap_or(0);
        if b[start..].starts_with(b"<!--") {
            // `<!-->` and `<!--->` end at once; otherwise at `-->` or `--!>`.
            let body = start + 4;
            i = if b[body..].starts_with(b">") {
                body + 1
            } else if b[body..].starts_with(b"->") {
                body + 2
            } else {
                // The first `--` followed by `>` or `!>`: one pass, however many comments.
                let mut k = body;
                loop {
                    match find(k, b"--") {
                        None => break b.len(),
                        Some(p) if b[p + 2..].starts_with(b">") => break p + 3,
                        Some(p) if b[p + 2..].starts_with(b"!>") => break p + 4,
                        Some(p) => k = p + 1,
                    }
                }
            };
            if i >= b.len() {
                break;
            }
            continue;
        }
        let end_tag = next == b'/';
        let name = start + 1 + usize::from(end_tag);
        if !b.get(name).is_some_and(u8::is_ascii_alphabetic) {
            // `<!x>`, `<?x>` and `</1>` are bogus comments to the next `>`; a `<` before anything
            // else is text.
            i = if matches!(next, b'!' | b'?') || end_tag {
                find(start + 2, b">").map_or(b.len(), |p| p + 1)
            } else {
                start + 1
            };
            continue;
        }
        let mut j = name;
        while j < b.len() && !ws(b[j]) && b[j] != b'>' && b[j] != b'/' {
            j += 1;
        }
        let tag = &b[name..j]; // compared ignoring case, without a copy per tag
        let (mut count, mut cut) = (0usize, None);
        loop {
            while j < b.len() && (ws(b[j]) || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            count += 1;
            if count == MAX_ATTRIBUTES + 1 {
                cut = Some(j);
            }
            j += 1; // a name's first character may be '=' (the tokenizer takes it as part of the name)
            while j < b.len() && !ws(b[j]) && !matches!(b[j], b'>' | b'=' | b'/') {
                j += 1;
            }
            let mut k = j;
            while k < b.len() && ws(b[k]) {
                k += 1;
            }
            if k < b.len() && b[k] == b'=' {
                k += 1;
                while k < b.len() && ws(b[k]) {
                    k += 1;
                }
                if k < b.len() && (b[k] == b'"' || b[k] == b'\'') {
                    let q = b[k];
                    j = b[k + 1..].iter().position(|&c| c == q).map_or(b.len(), |p| k + 1 + p + 1);
                } else {
                    j = k;
                    while j < b.len() && !ws(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                }
            }
        }
        if let Some(c) = cut {
            // Never across a `<` (where the scan and the tokenizer might disagree, text would go),
            // and never a `style` or `hidden` (text it hides would show): such a tag stays whole.
            let region = &b[c..j];
            let risky = region.contains(&b'<')
                || region.windows(5).any(|w| w.eq_ignore_ascii_case(b"style"))
                || region.windows(6).any(|w| w.eq_ignore_ascii_case(b"hidden"));
            if !risky {
                cuts.push((c, j)); // the tag's '>' at j stays
            }
        }
        i = (j + 1).min(b.len()).max(start + 1);
        if end_tag {
            continue;
        }
        if tag.eq_ignore_ascii_case(b"plaintext") {
            break;
        }
        const RAW_TEXT: [&[u8]; 8] = [b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes"];
        if let Some(raw) = RAW_TEXT.iter().find(|raw| tag.eq_ignore_ascii_case(raw)) {
            // Raw text up to the element's end tag, `</name` in any case.
            let close = [b"</".as_slice(), raw].concat();
            let mut k = i;
            i = loop {
                match b.get(k..).and_then(|rest| rest.iter().position(|&c| c == b'<')) {
                    None => break b.len(),
                    // `</name` then white space, `/` or `>` (`</scripty>` does not end a script)
                    Some(p) if b.len() > k + p + close.len()
                        && b[k + p..k + p + close.len()].eq_ignore_ascii_case(&close)
                        && matches!(b[k + p + close.len()], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>') => {
                        break k + p
                    }
                    Some(p) => k += p + 1,
                }
            };
        }
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for (c, j) in cuts {
        out.push_str(&html[from..c]); // cuts fall on ASCII bytes, so on char boundaries
        from = j;
    }
    out.push_str(&html[from..]);
    std::borrow::Cow::Owned(out)
}

/// Elements nested deeper than this are flattened: their start tags are ignored, so their
/// content joins the element at this depth. Browsers cap the tree the same way (Blink at 512).
/// Without a cap, the tree builder's scope checks scan the whole stack of open elements on every
/// tag, and a page of 100,000 nested `<div>`s takes minutes.
pub const MAX_DEPTH: u32 = 512;
/// How far past `MAX_DEPTH` an element whose text is never shown (svg, select, ...) may still
/// open, so that its text stays hidden.
const DROPPED_SLACK: u32 = 32;

/// Sits between the tokenizer and the tree builder and drops start tags that would nest
/// deeper than `MAX_DEPTH`. Tags that switch the tokenizer to raw text (script, style, ...)
/// always pass, so their content never turns into visible text. A dropped block's start tag
/// becomes an empty block: its content still starts a line of its own, so the items of a page whose
/// unclosed `<div>`s pile up past the cap are not glued into one line. The elements whose text
/// a reader never sees (svg, select, ...) pass up to `MAX_DEPTH + DROPPED_SLACK`, so their text
/// stays hidden without letting the stack grow without bound.
struct DepthGuard {
    builder: html5ever::tree_builder::TreeBuilder<dom::Handle, dom::Sink>,
}

impl html5ever::tokenizer::TokenSink for DepthGuard {
    type Handle = dom::Handle;

    fn process_token(
        &self,
        token: html5ever::tokenizer::Token,
        line_number: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<dom::Handle> {
        use html5ever::tokenizer::{EndTag, StartTag, Tag, TagKind, TagToken, TokenSinkResult};
        if let TagToken(tag) = &token {
            let depth = self.builder.sink.current_depth();
            if tag.kind == StartTag
                && depth >= MAX_DEPTH
                && !matches!(
                    &*tag.name,
                    "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes"
                        | "noscript" | "plaintext" | "template" | "area" | "base" | "br" | "col" | "embed" | "hr"
                        | "img" | "input" | "link" | "meta" | "source" | "track" | "wbr"
                )
                && !(lines::drops(&tag.name) && depth < MAX_DEPTH + DROPPED_SLACK)
            {
                if lines::is_block(&tag.name) {
                    // An empty block, opened and closed at once: it ends the line (and adds no
                    // blank line, as a <br> or <hr> would) and leaves the depth as it was.
                    let div = |kind: TagKind| Tag {
                        kind,
                        name: html5ever::local_name!("div"),
                        self_closing: false,
                        attrs: vec![],
                        had_duplicate_attributes: false,
                    };
                    let _ = self.builder.process_token(TagToken(div(StartTag)), line_number);
                    return self.builder.process_token(TagToken(div(EndTag)), line_number);
                }
                return TokenSinkResult::Continue;
            }
        }
        self.builder.process_token(token, line_number)
    }

    fn end(&self) {
        self.builder.end()
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder.adjusted_current_node_present_but_not_in_html_namespace()
    }
}

impl dom::Visitor for lines::Builder {
    fn enter(&mut self, local: &html5ever::LocalName, attrs: &[html5ever::Attribute]) -> bool {
        self.start(local, attrs)
    }
    fn text(&mut self, text: &str) {
        self.data(text)
    }
    fn leave(&mut self) {
        self.end()
    }
}

#[cfg(test)]
mod tests;
