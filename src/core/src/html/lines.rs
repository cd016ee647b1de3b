//! The line builder: start/text/end events of the walk in, block lines with contexts out.
//!
//! It keeps one frame per open element. Each frame caches what lines emitted under it need
//! from its ancestors (nearest block, nearest list, nearest row group, ancestor bits, nearest
//! frame with class hints), so emitting a line costs the same at depth 5 and at depth 100,000.

use html5ever::{Attribute, LocalName};

use super::{HtmlContext, HtmlPage};

/// Hint tokens kept per element, and per line (nearest first).
const HINTS_PER_ELEMENT: usize = 8;
const MAX_HINTS: usize = 16;
/// Image `alt`/`title` words kept per line.
pub const MAX_ALT_WORDS: usize = 40;
/// Share of linked characters from which a list item counts as a link.
const LINK_ITEM_SHARE: f64 = 0.6;

// Tag classes, as bit flags on a frame.
const DROP: u16 = 1;
const BLOCK: u16 = 1 << 1;
const ITEM: u16 = 1 << 2;
const LIST: u16 = 1 << 3;
/// Rows and tables: consecutive cells and rows in one of them are one group of lines.
const ROWS: u16 = 1 << 4;
const LINK: u16 = 1 << 5;
const PRE: u16 = 1 << 6;
const HR: u16 = 1 << 7;
const BR: u16 = 1 << 8;
const IMAGE: u16 = 1 << 9;

/// The classes of a tag, and its bit in `ANCESTORS` (figcaption counts as figure, dl and menu
/// as ul).
fn classify(tag: &str) -> (u16, u32) {
    use super::ancestor_bit as bit;
    match tag {
        // Subtrees whose text a reader never sees as content.
        "script" | "style" | "noscript" | "template" | "head" | "svg" | "iframe" | "object" | "embed" | "canvas"
        | "select" | "textarea" | "option" | "datalist" | "input" | "map" | "area" | "audio" | "video"
        | "source" | "track" | "meta" | "link" | "base" | "title" | "noframes" | "noembed" | "annotation"
        | "annotation-xml" => (DROP, 0),
        "li" | "dt" | "dd" | "td" | "th" => (BLOCK | ITEM, 0),
        "tr" => (BLOCK | ITEM | ROWS, 0),
        "tbody" => (BLOCK | ROWS, 0),
        "table" => (BLOCK | ROWS, bit("table")),
        "ul" => (BLOCK | LIST, bit("ul")),
        "ol" => (BLOCK | LIST, bit("ol")),
        "dl" => (BLOCK | LIST, bit("ul")),
        "menu" => (BLOCK | LIST, bit("ul")),
        "figure" | "figcaption" => (BLOCK, bit("figure")),
        "nav" | "header" | "footer" | "aside" | "form" | "blockquote" | "article" | "main" => (BLOCK, bit(tag)),
        "pre" => (BLOCK | PRE, 0),
        "address" | "body" | "details" | "dialog" | "div" | "fieldset" | "h1" | "h2" | "h3" | "h4" | "h5"
        | "h6" | "p" | "section" | "summary" | "thead" | "tfoot" | "caption" | "center" | "html" | "legend"
        | "hgroup" => (BLOCK, 0),
        "a" => (LINK, bit("a")),
        "hr" => (HR, 0),
        "br" => (BR, 0),
        "img" | "picture" => (IMAGE, 0),
        _ => (0, 0),
    }
}

/// Whether an element with this name starts a line of its own (a block).
pub fn is_block(tag: &str) -> bool {
    classify(tag).0 & BLOCK != 0
}

/// Whether the line builder drops the subtree of an element with this name, whatever its
/// attributes (the tree keeps no text for those: a page's inline scripts are never copied).
pub fn drops(tag: &str) -> bool {
    classify(tag).0 & DROP != 0
}

/// The attributes the builder reads; the tree keeps no others (links' `href`, `src`, `data-*`
/// are most of a page's attribute bytes).
pub fn reads_attr(name: &str) -> bool {
    matches!(name, "class" | "id" | "role" | "itemprop" | "rel" | "style" | "hidden" | "alt" | "title")
}

/// Python's `str.isspace`: Unicode White_Space plus the information separators U+001C..U+001F.
#[inline]
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Characters that may sit between the links of a block of links ("One · Two | Three").
#[inline]
fn is_link_glue(c: char) -> bool {
    is_space(c)
        || matches!(
            c,
            '|' | '·' | '•' | ',' | ';' | '/' | '\\' | '-' | '–' | '—' | '»' | '›' | '>' | '«' | '‹' | '<' | ':' | '('
                | ')' | '[' | ']'
        )
}

fn attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a str> {
    attrs.iter().find(|a| &*a.name.local == name).map(|a| &*a.value)
}

/// `hidden`, `display:none` or `visibility:hidden`: hidden until a script or a click shows it.
fn is_hidden(attrs: &[Attribute]) -> bool {
    if attrs.iter().any(|a| &*a.name.local == "hidden") {
        return true;
    }
    match attr(attrs, "style") {
        Some(style) if !style.is_empty() => {
            // CSS allows any white space around the colon (`display:\tnone`, a line break).
            let s: String = style.chars().filter(|c| !c.is_ascii_whitespace()).flat_map(char::to_lowercase).collect();
            s.contains("display:none") || s.contains("visibility:hidden")
        }
        _ => false,
    }
}

/// Lower-case words of an `alt`/`title` value: runs of letters, inner apostrophes kept
/// ("Smith's"), punctuation and digits dropped. The same words the featurizer finds in a line,
/// so the two can be compared.
fn alt_words(value: &str, out: &mut Vec<String>) {
    let mut word = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if out.len() >= MAX_ALT_WORDS {
            return; // a megabyte of alt text costs no more than forty words
        }
        if c.is_alphabetic() {
            word.extend(c.to_lowercase());
        } else if (c == '\'' || c == '’') && !word.is_empty() && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            word.push(c);
        } else if !word.is_empty() {
            push_alt(out, std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        push_alt(out, word);
    }
}

fn push_alt(out: &mut Vec<String>, word: String) {
    if out.len() < MAX_ALT_WORDS && !out.contains(&word) {
        out.push(word);
    }
}

struct Frame {
    /// The element's local name, or "" for a dropped element (an atom: no allocation).
    tag: LocalName,
    flags: u16,
    /// Unique per frame: lines under the same block/list/row share a group by serial.
    serial: u64,
    had_br: bool,
    /// This element's hint tokens: `hint_tokens[hints.0..hints.1]`.
    hints: (usize, usize),
    /// Nearest frame (this one included) with hint tokens.
    hint_frame: Option<usize>,
    /// Hint tokens a line here gets: this frame's and its ancestors', at most `MAX_HINTS`.
    hints_total: usize,
    /// Nearest block frame, this one included.
    block: Option<usize>,
    /// Nearest list frame (ul, ol, dl, menu), this one included.
    list: Option<usize>,
    /// Nearest list/table/tbody/tr frame, this one included.
    rows: Option<usize>,
    /// Ancestor bits of this element and all above it.
    ancestors: u32,
    /// For lists: lines emitted inside, how many of them are links, and their line numbers.
    items: u32,
    link_items: u32,
    lines: Vec<usize>,
}

#[derive(Default)]
pub struct Builder {
    /// Read `<noscript>` content as an ordinary block (the fallback pass of `parse_html` for
    /// pages whose text is all inside `<noscript>`); otherwise its subtree is dropped.
    show_noscript: bool,
    stack: Vec<Frame>,
    serial: u64,
    /// Text of the current block: `piece_text[start..end]`, with the id of the link holding it (0: none).
    piece_text: String,
    pieces: Vec<(usize, usize, u32)>,
    link_counter: u32,
    link_stack: Vec<u32>,
    hint_text: String,
    hint_tokens: Vec<(usize, usize)>,
    text: String,
    contexts: Vec<Option<HtmlContext>>,
    /// Group of the last emitted line when it was item-like.
    last_group: Option<u64>,
    /// A `<br><br>` or `<hr>` since the last line: the next line starts a new paragraph.
    gap: bool,
    pending_alt: Vec<String>,
    pending_image: bool,
    in_pre: u32,
    /// No element opened or closed since the last text: the next text continues the same piece
    /// (text split only by a comment is one piece, as in the Python parser).
    text_run: bool,
    /// Scratch buffers, kept to avoid allocating per line.
    units: Vec<(usize, usize, f64)>,
    unit_text: String,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// A builder that reads `<noscript>` content as visible (see `show_noscript`).
    pub fn showing_noscript() -> Builder {
        Builder { show_noscript: true, ..Builder::default() }
    }

    fn nearest_block(&self) -> Option<usize> {
        self.stack.last().and_then(|f| f.block)
    }

    fn push_frame(&mut self, tag: &LocalName, flags: u16, bits: u32, attrs: &[Attribute]) {
        self.serial += 1;
        let index = self.stack.len();
        let hints_start = self.hint_tokens.len();
        if !attrs.is_empty() {
            self.hint_tokens_of(attrs);
        }
        let parent = self.stack.last();
        let hints = (hints_start, self.hint_tokens.len());
        let own = |flag: u16, inherited: Option<usize>| if flags & flag != 0 { Some(index) } else { inherited };
        let frame = Frame {
            tag: tag.clone(),
            flags,
            serial: self.serial,
            had_br: false,
            hints,
            hint_frame: if hints.1 > hints.0 { Some(index) } else { parent.and_then(|p| p.hint_frame) },
            hints_total: (hints.1 - hints.0 + parent.map_or(0, |p| p.hints_total)).min(MAX_HINTS),
            block: own(BLOCK, parent.and_then(|p| p.block)),
            list: own(LIST, parent.and_then(|p| p.list)),
            rows: own(LIST | ROWS, parent.and_then(|p| p.rows)),
            ancestors: bits | parent.map_or(0, |p| p.ancestors),
            items: 0,
            link_items: 0,
            lines: Vec::new(),
        };
        self.stack.push(frame);
    }

    /// Lower-case `[a-z]+` tokens of class, id, role, itemprop and rel, at most 8.
    fn hint_tokens_of(&mut self, attrs: &[Attribute]) {
        let mut count = 0;
        for key in ["class", "id", "role", "itemprop", "rel"] {
            let Some(value) = attr(attrs, key) else { continue };
            let mut start: Option<usize> = None;
            for c in value.chars().flat_map(char::to_lowercase).chain(std::iter::once(' ')) {
                if c.is_ascii_lowercase() {
                    if start.is_none() {
                        start = Some(self.hint_text.len());
                    }
                    self.hint_text.push(c);
                } else if let Some(s) = start.take() {
                    if count == HINTS_PER_ELEMENT {
                        self.hint_text.truncate(s);
                        return;
                    }
                    self.hint_tokens.push((s, self.hint_text.len()));
                    count += 1;
                }
            }
        }
    }

    pub fn start(&mut self, tag: &LocalName, attrs: &[Attribute]) -> bool {
        self.text_run = false;
        let (flags, bits) =
            if self.show_noscript && &**tag == "noscript" { (BLOCK, 0) } else { classify(tag) };
        let hidden = is_hidden(attrs);
        // A hidden block is read and marked, not dropped: scripts show much of it (React's
        // streamed `<div hidden id="S:0">`, shop pages wrapped in `display:none` until their
        // script runs, tabs), and the model weighs the mark with everything else it sees. A
        // hidden inline piece (a span in a sentence) is still dropped: it would join a visible
        // line unmarked.
        if flags & DROP != 0 || (hidden && flags & BLOCK == 0) {
            self.push_frame(&LocalName::from(""), DROP, 0, &[]);
            return false;
        }
        let bits = if hidden { bits | super::ancestor_bit("hidden") } else { bits };
        if flags & IMAGE != 0 {
            for key in ["alt", "title"] {
                if let Some(value) = attr(attrs, key) {
                    alt_words(value, &mut self.pending_alt);
                }
            }
            self.pending_image = true;
        }
        if flags & BR != 0 {
            if self.piece_text.chars().all(is_space) {
                self.gap = true;
            }
            self.flush(true);
            if let Some(block) = self.nearest_block() {
                // The text after the last <br> is a br line too.
                self.stack[block].had_br = true;
            }
        } else if flags & (BLOCK | HR) != 0 {
            self.flush(false);
            if flags & HR != 0 {
                self.gap = true;
            }
        }
        self.push_frame(tag, flags, bits, attrs);
        if flags & LINK != 0 {
            self.link_counter += 1;
            self.link_stack.push(self.link_counter);
        } else if flags & PRE != 0 {
            self.in_pre += 1;
        }
        true
    }

    pub fn end(&mut self) {
        self.text_run = false;
        let Some(frame) = self.stack.last() else { return };
        if frame.flags & BLOCK != 0 {
            let br = frame.had_br;
            self.flush(br);
        }
        let Some(frame) = self.stack.pop() else { return };
        // Frames close in stack order, so this frame's tokens are the last ones.
        self.hint_tokens.truncate(frame.hints.0);
        if let Some(&(_, e)) = self.hint_tokens.last() {
            self.hint_text.truncate(e);
        } else {
            self.hint_text.clear();
        }
        if frame.flags & LINK != 0 {
            self.link_stack.pop();
        } else if frame.flags & PRE != 0 {
            self.in_pre = self.in_pre.saturating_sub(1);
        }
        if frame.flags & LIST != 0
            && frame.items >= 3
            && frame.link_items as f64 >= LINK_ITEM_SHARE * frame.items as f64
        {
            for &line in &frame.lines {
                if let Some(Some(ctx)) = self.contexts.get_mut(line) {
                    ctx.link_list = true;
                }
            }
        }
    }

    pub fn data(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let link = self.link_stack.last().copied().unwrap_or(0);
        let start = self.piece_text.len();
        self.piece_text.push_str(text);
        if self.text_run {
            if let Some(last) = self.pieces.last_mut() {
                if last.1 == start && last.2 == link {
                    last.1 = self.piece_text.len();
                    return;
                }
            }
        }
        self.text_run = true;
        self.pieces.push((start, self.piece_text.len(), link));
    }

    /// End the current line(s): the pending text becomes one line, one line per link (a block of
    /// links), one line per text line (inside `<pre>`), or a `<br>`-separated line.
    fn flush(&mut self, br: bool) {
        if self.pieces.is_empty() {
            return;
        }
        // Units are ranges of `unit_text`, taken out of `self` while lines are emitted.
        let mut units = std::mem::take(&mut self.units);
        let mut unit_text = std::mem::take(&mut self.unit_text);
        units.clear();
        unit_text.clear();
        let kind: Option<&'static str> = if self.in_pre > 0 {
            for raw in self.piece_text.split('\n') {
                let start = unit_text.len();
                normalize_into(raw, &mut unit_text);
                units.push((start, unit_text.len(), 0.0));
            }
            Some("pre")
        } else {
            self.units_of(&mut units, &mut unit_text);
            if br {
                Some("br")
            } else {
                None
            }
        };
        self.pieces.clear();
        self.piece_text.clear();
        units.retain(|&(s, e, _)| e > s);
        let split_links = units.len() > 1 && kind.is_none();
        for &(s, e, share) in &units {
            self.emit(&unit_text[s..e], share, kind.or(if split_links { Some("a") } else { None }));
        }
        self.units = units;
        self.unit_text = unit_text;
    }

    /// The block's text with its link share, or one unit per link when the block is only links.
    fn units_of(&self, units: &mut Vec<(usize, usize, f64)>, out: &mut String) {
        let text = &self.piece_text;
        let mut first_link = 0u32;
        let mut several_links = false;
        let mut only_links = true;
        for &(s, e, link) in &self.pieces {
            if link != 0 {
                if first_link == 0 {
                    first_link = link;
                } else if link != first_link {
                    several_links = true;
                }
            } else if !text[s..e].chars().all(is_link_glue) {
                only_links = false;
            }
        }
        if several_links && only_links {
            // One unit per link, in order of first appearance; a link's pieces are joined first,
            // then normalised, so "<a>Two <b>more</b></a>" stays "Two more". Linear in the pieces
            // (a block can hold thousands of links).
            let mut slot_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
            let mut joined: Vec<String> = Vec::new();
            for &(s, e, link) in &self.pieces {
                if link == 0 {
                    continue;
                }
                let slot = *slot_of.entry(link).or_insert_with(|| {
                    joined.push(String::new());
                    joined.len() - 1
                });
                joined[slot].push_str(&text[s..e]);
            }
            for link_text in &joined {
                let start = out.len();
                normalize_into(link_text, out);
                units.push((start, out.len(), 1.0));
            }
            return;
        }
        let mut total = 0usize;
        let mut linked = 0usize;
        for &(s, e, link) in &self.pieces {
            let n = text[s..e].trim_matches(is_space).chars().count();
            total += n;
            if link != 0 {
                linked += n;
            }
        }
        let share = if total == 0 { 0.0 } else { linked as f64 / total as f64 };
        let start = out.len();
        normalize_into(text, out);
        units.push((start, out.len(), share));
    }

    fn emit(&mut self, text: &str, link_share: f64, kind: Option<&'static str>) {
        let top = self.stack.last();
        let block = top.and_then(|f| f.block).map(|i| &self.stack[i]);
        let block_tag: &str = block.map_or("body", |f| &f.tag);
        let mut group = block.map(|f| f.serial);
        let mut tag: &str = match kind {
            Some(k @ ("a" | "br")) => k,
            _ => block_tag,
        };
        if block_tag == "pre" {
            tag = "pre";
        }
        let item_like = kind.is_some() || block.is_some_and(|f| f.flags & ITEM != 0) && tag == block_tag;
        if item_like && kind.is_none() {
            if let Some(rows) = top.and_then(|f| f.rows) {
                group = Some(self.stack[rows].serial);
            }
        }
        let tag = tag.to_string();
        if !self.contexts.is_empty() && (self.gap || !item_like || group != self.last_group) {
            self.text.push('\n');
            self.contexts.push(None);
        }
        self.gap = false;
        self.last_group = if item_like { group } else { None };

        let mut hints = Vec::with_capacity(top.map_or(0, |f| f.hints_total));
        let mut at = top.and_then(|f| f.hint_frame);
        while let Some(i) = at {
            if hints.len() >= MAX_HINTS {
                break;
            }
            let f = &self.stack[i];
            for &(s, e) in &self.hint_tokens[f.hints.0..f.hints.1] {
                if hints.len() < MAX_HINTS {
                    hints.push(self.hint_text[s..e].to_string());
                }
            }
            at = if i == 0 { None } else { self.stack[i - 1].hint_frame };
        }
        let ancestors = top.map_or(0, |f| f.ancestors);
        let line = self.contexts.len();
        if let Some(list) = top.and_then(|f| f.list) {
            let f = &mut self.stack[list];
            f.items += 1;
            f.link_items += (link_share >= LINK_ITEM_SHARE) as u32;
            f.lines.push(line);
        }
        let context = HtmlContext {
            tag,
            link_share: round3(link_share) as f32,
            ancestors,
            link_list: false,
            hints,
            image: std::mem::take(&mut self.pending_image),
            alt: std::mem::take(&mut self.pending_alt),
        };
        self.text.push_str(text);
        self.text.push('\n');
        self.contexts.push(Some(context));
    }

    pub fn finish(mut self) -> HtmlPage {
        self.flush(false);
        // `text` holds each line followed by '\n'; blank separators were pushed as a bare '\n'.
        HtmlPage { text: self.text, contexts: self.contexts, noscript: false }
    }
}

/// `x` to three decimals exactly as Python's `round(x, 3)`: from the double's exact decimal
/// value, ties to even (0.0375 is 0.03749.. -> 0.037; 0.5625 -> 0.562), which the formatter does.
fn round3(x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return x;
    }
    format!("{x:.3}").parse().unwrap_or(x)
}

/// Python's `" ".join(text.split())`: runs of white space become one space, none at the ends.
#[cfg(test)]
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// `normalize`, appended to `out`.
fn normalize_into(text: &str, out: &mut String) {
    let start = out.len();
    for word in text.split(is_space).filter(|w| !w.is_empty()) {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(word);
    }
}
