//! Tests of `parse_html`: the line structure and contexts on small pages, and the guarantees
//! (any input parses, nothing panics, deep pages do not overflow the stack).

use super::*;

fn lines(page: &HtmlPage) -> Vec<&str> {
    page.text.lines().collect()
}

/// The context of the (first) line whose text is `line`.
fn ctx<'a>(page: &'a HtmlPage, line: &str) -> &'a HtmlContext {
    let i = page.text.lines().position(|l| l == line).unwrap_or_else(|| panic!("no line {line:?} in {:?}", page.text));
    page.contexts[i].as_ref().expect("a text line has a context")
}

/// What every page must satisfy: one context per line, `None` exactly on blank lines, lines
/// trimmed and single-spaced, no blank line first, last or twice in a row.
fn check_shape(page: &HtmlPage) {
    let lines: Vec<&str> = page.text.lines().collect();
    assert_eq!(lines.len(), page.contexts.len(), "one context per line");
    assert!(page.text.is_empty() || page.text.ends_with('\n'));
    for (i, (line, context)) in lines.iter().zip(&page.contexts).enumerate() {
        assert_eq!(line.is_empty(), context.is_none(), "line {i} {line:?}");
        assert_eq!(*line, lines::normalize(line), "line {i} is normalised");
        if line.is_empty() {
            assert!(i > 0 && i + 1 < lines.len() && !lines[i - 1].is_empty(), "blank line {i} misplaced");
        }
        if let Some(c) = context {
            assert!((0.0..=1.0).contains(&c.link_share));
            assert!(c.hints.len() <= 16 && c.alt.len() <= MAX_ALT_WORDS);
        }
    }
}

fn parse(html: &str) -> HtmlPage {
    let page = parse_html(html);
    check_shape(&page);
    page
}

// -- line structure ---------------------------------------------------------------------------

#[test]
fn blocks_are_lines_separated_by_blank_lines() {
    let page = parse("<html><body><h1>Title</h1><p>One   para.</p><p>Two <b>bold</b>\n para.</p></body></html>");
    assert_eq!(lines(&page), ["Title", "", "One para.", "", "Two bold para."]);
    assert_eq!(ctx(&page, "Title").tag, "h1");
    assert_eq!(ctx(&page, "Two bold para.").tag, "p");
    assert!(page.contexts[1].is_none());
}

#[test]
fn items_of_one_list_are_consecutive_lines() {
    let page = parse("<p>Before</p><ul><li>one</li><li>two</li></ul><ol><li>three</li></ol>");
    assert_eq!(lines(&page), ["Before", "", "one", "two", "", "three"]);
    assert_eq!(ctx(&page, "one").tag, "li");
    assert!(ctx(&page, "one").has_ancestor("ul"));
    assert!(ctx(&page, "three").has_ancestor("ol"));
}

#[test]
fn cells_of_one_table_are_consecutive_lines() {
    let page = parse("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table><table><tr><td>d</td></tr></table>");
    // Cells of one row are consecutive; each row is its own group, like each list.
    assert_eq!(lines(&page), ["a", "b", "", "c", "", "d"]);
    assert_eq!(ctx(&page, "c").tag, "th");
    assert!(ctx(&page, "a").has_ancestor("table"));
}

#[test]
fn br_separated_runs_are_lines_tagged_br() {
    let page = parse("<div>a<br>b<br/>c</div><p>next</p>");
    assert_eq!(lines(&page), ["a", "b", "c", "", "next"]);
    for line in ["a", "b", "c"] {
        assert_eq!(ctx(&page, line).tag, "br", "line {line}");
    }
    assert_eq!(ctx(&page, "next").tag, "p");
}

#[test]
fn double_br_and_hr_start_a_new_paragraph() {
    let page = parse("<div>a<br><br>b<hr>c</div>");
    assert_eq!(lines(&page), ["a", "", "b", "", "c"]);
}

#[test]
fn a_block_of_links_gives_one_line_per_link() {
    let page = parse(r#"<div><a href="/1">One</a> · <a href="/2">Two <b>more</b></a> | <a href="/3">Three</a></div>"#);
    assert_eq!(lines(&page), ["One", "Two more", "Three"]);
    for line in ["One", "Two more", "Three"] {
        let c = ctx(&page, line);
        assert_eq!(c.tag, "a");
        assert_eq!(c.link_share, 1.0);
    }
}

#[test]
fn a_block_of_many_links_splits_in_linear_time() {
    // 50,000 links in one block: one line each (a quadratic split would take minutes).
    let links: String = (0..50_000).map(|i| format!("<a href=/{i}>l{i}</a> | ")).collect();
    let page = parse(&format!("<div>{links}</div>"));
    assert_eq!(page.contexts.len(), 50_000);
    assert_eq!(lines(&page)[49_999], "l49999");
}

#[test]
fn text_between_links_keeps_the_block_whole() {
    let page = parse(r#"<p>Read <a href="/1">this</a> and <a href="/2">that</a>.</p>"#);
    assert_eq!(lines(&page), ["Read this and that."]);
    let c = ctx(&page, "Read this and that.");
    assert_eq!(c.tag, "p");
    // 8 linked characters ("this", "that") of 16: each text piece counts without its end spaces.
    assert_eq!(c.link_share, 0.5);
}

#[test]
fn pre_keeps_its_lines() {
    let page = parse("<pre>line one\n  line   two\n\nline three</pre>");
    assert_eq!(lines(&page), ["line one", "line two", "line three"]);
    assert_eq!(ctx(&page, "line two").tag, "pre");
}

#[test]
fn nav_list_of_links_is_a_link_list_in_nav() {
    let page = parse(
        r#"<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
           <li><a href="/about">About us</a></li></ul></nav><p>Body text here.</p>"#,
    );
    assert_eq!(lines(&page), ["Home", "News", "About us", "", "Body text here."]);
    for line in ["Home", "News", "About us"] {
        let c = ctx(&page, line);
        assert!(c.link_list, "{line}");
        // The line ends with its <li>, after the link closed: "a" is not an ancestor.
        assert!(c.has_ancestor("nav") && c.has_ancestor("ul") && !c.has_ancestor("a"));
        assert_eq!(c.tag, "li");
        assert_eq!(c.hints, ["site", "nav"]);
        assert_eq!(c.link_share, 1.0);
    }
    let body = ctx(&page, "Body text here.");
    assert!(!body.link_list && !body.has_ancestor("nav"));
    assert_eq!(body.link_share, 0.0);
}

#[test]
fn a_list_of_text_is_not_a_link_list() {
    let page = parse("<ul><li>one</li><li>two</li><li><a href='/'>three</a></li></ul>");
    assert!(!ctx(&page, "one").link_list);
}

#[test]
fn figure_caption_has_image_and_alt_words() {
    let page = parse(
        r#"<p>Before.</p><figure><img src="x.jpg" alt="A Red-tailed HAWK, 2024!" title="Hawk's nest">
           <figcaption>A hawk over the field.</figcaption></figure>"#,
    );
    let c = ctx(&page, "A hawk over the field.");
    assert_eq!(c.tag, "figcaption");
    assert!(c.has_ancestor("figure"));
    assert!(c.image);
    assert_eq!(c.alt, ["a", "red", "tailed", "hawk", "hawk's", "nest"]);
    assert!(!ctx(&page, "Before.").image);
}

#[test]
fn alt_words_are_capped() {
    // 100 distinct words ("ba", "bb", ..., "ew"), each with punctuation around it.
    let alt: String = (0..100u8).map(|i| format!("({}{}!) ", (b'b' + i / 26) as char, (b'a' + i % 26) as char)).collect();
    let page = parse(&format!(r#"<img alt="{alt}"><p>after</p>"#));
    let c = ctx(&page, "after");
    assert_eq!(c.alt.len(), MAX_ALT_WORDS);
    assert_eq!(c.alt[..2], ["ba", "bb"]);
    assert!(c.alt.iter().all(|w| w.chars().all(|ch| ch.is_ascii_lowercase())));
}

#[test]
fn scripts_styles_and_form_controls_are_dropped() {
    let page = parse(
        r#"<head><title>Page title</title><style>p{}</style></head><body>
           <script>var x = "<p>no</p>";</script>
           <noscript>enable js</noscript><select><option>opt</option></select><textarea>ta</textarea>
           <template><p>later</p></template><p>Visible.</p></body>"#,
    );
    assert_eq!(lines(&page), ["Visible."]);
}

#[test]
fn hidden_elements_are_read_and_marked_hidden() {
    // React streams a page's content into `<div hidden id="S:0">` and a script moves it into
    // place; shops wrap their product in `display:none` until a script runs.
    let page = parse(
        r#"<body><p>Shown.</p>
           <div hidden id="S:0"><p>Streamed article.</p></div>
           <div style="DISPLAY: none"><main><p>Shop product.</p></main></div>
           <p style="visibility:hidden">Invisible.</p>
           <p>A sentence<span style="display:none"> with hidden words</span> stays whole.</p>
           <div style="display: block"><p>Styled but shown.</p></div></body>"#,
    );
    let shown: Vec<&str> = lines(&page).into_iter().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        shown,
        ["Shown.", "Streamed article.", "Shop product.", "Invisible.", "A sentence stays whole.", "Styled but shown."]
    );
    assert!(!ctx(&page, "Shown.").has_ancestor("hidden"));
    assert!(ctx(&page, "Streamed article.").has_ancestor("hidden"));
    let product = ctx(&page, "Shop product.");
    assert!(product.has_ancestor("hidden") && product.has_ancestor("main"));
    assert!(ctx(&page, "Invisible.").has_ancestor("hidden"));
    assert!(!ctx(&page, "Styled but shown.").has_ancestor("hidden"));
}

#[test]
fn hints_are_class_tokens_nearest_first() {
    let page = parse(
        r#"<div id="main-content" class="wrap"><article class="post entry-42"><p class="lead Intro_text">Text.</p></article></div>"#,
    );
    let c = ctx(&page, "Text.");
    // class before id on one element; the paragraph's own tokens first.
    assert_eq!(c.hints, ["lead", "intro", "text", "post", "entry", "wrap", "main", "content"]);
    assert!(c.has_ancestor("article"));
}

#[test]
fn hints_are_capped_per_element_and_per_line() {
    let class: String = (b'a'..=b'z').map(|c| format!("{} ", c as char)).collect();
    let page = parse(&format!(r#"<div class="{class}"><div class="{class}"><div class="{class}"><p>x</p></div></div></div>"#));
    let c = ctx(&page, "x");
    assert_eq!(c.hints.len(), 16);
    assert_eq!(c.hints[..9].join(""), "abcdefgha");
}

#[test]
fn image_marks_the_next_line() {
    let page = parse(r#"<p>one</p><img src="a.png"><p>two</p><p>three</p>"#);
    assert!(!ctx(&page, "one").image);
    assert!(ctx(&page, "two").image);
    assert!(!ctx(&page, "three").image);
    assert!(ctx(&page, "two").alt.is_empty());
}

#[test]
fn text_split_by_comments_is_one_piece() {
    // "Oct 18" is linked; " · 8 min read" counts as one piece of 12 characters, not three.
    let page = parse(r#"<p><a href="/d">Oct 18</a> <!-- -->·<!-- --> 8 min read</p>"#);
    assert_eq!(ctx(&page, "Oct 18 · 8 min read").link_share, 0.333);
}

#[test]
fn link_share_rounds_like_python() {
    // 9 of 16 characters: 0.5625 is a tie, rounded to even.
    let page = parse(r#"<p><a href="/x">aaaaaaaaa</a> bbbbbbb</p>"#);
    assert_eq!(ctx(&page, "aaaaaaaaa bbbbbbb").link_share, 0.562);
}

#[test]
fn raw_text_elements_show_no_text_even_when_deep() {
    let deep = "<div>".repeat(MAX_DEPTH as usize + 10);
    let page = parse(&format!("{deep}<script>if (a < b) {{ x = '<p>no</p>'; }}</script><style>p {{}}</style>yes"));
    assert_eq!(lines(&page), ["yes"]);
}

// -- guarantees ---------------------------------------------------------------------------------

#[test]
fn broken_markup_still_gives_the_text() {
    let page = parse("<p>unclosed <b>bold <i>both</p> after</b></i><div><span>x</div></span><table><p>stray</table>");
    let text = page.text.replace('\n', " ");
    for word in ["unclosed", "bold", "both", "after", "x", "stray"] {
        assert!(text.contains(word), "{word} missing from {:?}", page.text);
    }
}

#[test]
fn a_page_without_body_or_html() {
    assert_eq!(lines(&parse("<p>Hello</p><p>World</p>")), ["Hello", "", "World"]);
    assert_eq!(lines(&parse("just text")), ["just text"]);
    assert_eq!(ctx(&parse("just text"), "just text").tag, "body");
}

#[test]
fn text_outside_html_is_kept() {
    let page = parse("before<html><body><p>inside</p></body></html>after");
    let text = page.text.replace('\n', " ");
    for word in ["before", "inside", "after"] {
        assert!(text.contains(word), "{word} missing from {:?}", page.text);
    }
}

#[test]
fn a_page_with_no_text_is_empty() {
    for html in ["", "   \n\t", "<html><head><title>T</title></head><body><script>x()</script></body></html>", "<!-- only -->", "<br><hr><img src=x>"] {
        let page = parse(html);
        assert_eq!(page.text, "", "{html:?}");
        assert!(page.contexts.is_empty());
    }
}

#[test]
fn comments_xml_declarations_and_templates_give_no_text() {
    let page = parse(
        r#"<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html><body><!-- a comment -->
           <p>a<!-- inner -->b</p><template><p>template text</p></template><?php echo 1; ?><p>c</p><!-- unclosed"#,
    );
    assert_eq!(lines(&page), ["ab", "", "c"]);
}

#[test]
fn nul_bytes_and_garbage_do_not_fail() {
    let inputs = [
        "<p>a\0b</p>\0<\0div>",
        "<",
        "&",
        "< & << >> &amp &#xZZ; &#99999999999; &#0; <p <a href='",
        "</p></div></body></html>",
        "<!",
        "<!--",
        "<![CDATA[ x ]]>",
        "<svg><p>leaves svg</p></svg>",
        "<math><mi>x</mi><p>y</math>",
        "<table><td><table><td><caption>c</table>",
        "<frameset><frame></frameset>text",
        "<plaintext><p>literal",
        "\u{feff}<p>bom</p>",
        "\r\r\r<p>\r</p>",
    ];
    for html in inputs {
        parse(html);
    }
    let page = parse("<p>a\0b</p>");
    assert!(page.text.contains('a') && page.text.contains('b'));
    assert_eq!(lines(&parse("< & x")), ["< & x"]);
}

#[test]
fn deep_nesting_5000() {
    let html = format!("{}deep{}", "<div>".repeat(5000), "</div>".repeat(5000));
    assert_eq!(lines(&parse(&html)), ["deep"]);
    let html = format!("{}deep", "<span><b><i>".repeat(5000));
    assert_eq!(lines(&parse(&html)), ["deep"]);
    // Past MAX_DEPTH the nesting is flattened, but every item's text is still there.
    let html = "<ul><li>x".repeat(5000);
    let page = parse(&html);
    assert_eq!(page.text.matches('x').count(), 5000);
    assert!(page.text.lines().filter(|l| *l == "x").count() >= (MAX_DEPTH / 2 - 10) as usize);
}

/// 100,000 levels in a thread with the default 2 MiB stack: neither the parse, the walk nor the
/// drop of the tree recurses.
#[test]
fn deep_nesting_100000_fits_a_small_stack() {
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let html = format!("{}deep{}", "<div class=x>".repeat(100_000), "</div>".repeat(100_000));
            let page = parse_html(&html);
            assert_eq!(lines(&page), ["deep"]);
            assert_eq!(page.contexts[0].as_ref().unwrap().hints.len(), 16);
            let html = "<section><p>t".repeat(50_000);
            let page = parse_html(&html);
            assert_eq!(page.text.split_whitespace().map(str::len).sum::<usize>(), 50_000);
            assert!(page.text.lines().count() >= MAX_DEPTH as usize / 2);
        })
        .expect("spawn");
    worker.join().expect("deep page parsed in a 2 MiB stack");
}

#[test]
fn a_5mb_page() {
    let para = "<p class=\"body\">Some sentence with <a href=\"/x\">a link</a> and more words.</p>\n";
    let html = format!("<html><body>{}</body></html>", para.repeat(5 * 1024 * 1024 / para.len() + 1));
    assert!(html.len() > 5 * 1024 * 1024);
    let page = parse(&html);
    let n = html.matches("<p ").count();
    assert_eq!(page.text.lines().filter(|l| !l.is_empty()).count(), n);
    let text = "<p>".to_string() + &"word ".repeat(1_100_000);
    assert_eq!(parse(&text).text.len(), "word ".len() * 1_100_000);
}

/// Seeded random tag soup: never panics, always a well-shaped page. The parts lean on the tree
/// builder's hard cases (tables, foster parenting, formatting elements, foreign content,
/// templates, forms). `TEXTSIEVE_FUZZ_ROUNDS` runs more rounds than the default 300.
#[test]
fn random_tag_soup_never_fails() {
    const PARTS: [&str; 62] = [
        "<div>", "</div>", "<p>", "</p>", "<a href=x>", "</a>", "<br>", "<hr>", "<li>", "<ul>", "</ul>", "<table>",
        "<td>", "<tr>", "</table>", "<pre>", "</pre>", "<b>", "</i>", "<script>", "</script>", "<!--", "-->", "&amp;",
        "<img alt='x y'>", "<template>", "text ", " · ", "\0", "<", "</template>", "<svg>", "<foreignObject>",
        "</svg>", "<math>", "<mi>", "<annotation-xml encoding='text/html'>", "<select>", "<option>", "</select>",
        "<form>", "</form>", "<button>", "<nobr>", "<caption>", "<colgroup>", "<col>", "<frameset>", "<body class=b>",
        "<html id=h>", "<head>", "</body>", "</html>", "<textarea>", "<plaintext>", "<style>", "</style>", "<xmp>",
        "<table><tr><td>", "<h1>", "</h2>", "<dd>",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let rounds = std::env::var("TEXTSIEVE_FUZZ_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(300);
    for _ in 0..rounds {
        let n = (next() % 200) as usize;
        let html: String = (0..n).map(|_| PARTS[(next() % PARTS.len() as u64) as usize]).collect();
        parse(&html);
    }
}

#[test]
fn page_with_all_its_text_in_noscript_gives_that_text() {
    // As Discourse serves a topic to clients without scripts: every post inside <noscript>.
    let page = parse(
        "<html><head><noscript><link rel=stylesheet href=x.css></noscript></head><body>\
         <div id=app></div><script>boot()</script>\
         <noscript><div class=posts>\
         <p>Post one says the valve was replaced last spring and has held fine since then.</p>\
         <p>Post two asks which torque setting the manual gives for the <a href=/m>flange bolts</a>.</p>\
         </div></noscript></body></html>",
    );
    assert_eq!(
        lines(&page),
        [
            "Post one says the valve was replaced last spring and has held fine since then.",
            "",
            "Post two asks which torque setting the manual gives for the flange bolts.",
        ]
    );
    assert_eq!(ctx(&page, "Post one says the valve was replaced last spring and has held fine since then.").tag, "p");
    assert!(!page.text.contains("boot"), "scripts stay dropped in the fallback");
    assert!(page.noscript, "the page says it is the <noscript> reading");
}

#[test]
fn noscript_notice_on_a_page_with_text_stays_dropped() {
    let html = "<body><noscript><p>Please enable JavaScript to use this site.</p></noscript>\
                <article><p>The river rose two metres overnight and the lower town was evacuated before dawn.</p>\
                </article><noscript>Enable JavaScript</noscript></body>";
    let page = parse(html);
    assert_eq!(
        lines(&page),
        ["The river rose two metres overnight and the lower town was evacuated before dawn."]
    );
    assert!(!page.text.to_lowercase().contains("javascript"));
    assert!(!page.noscript);
}

#[test]
fn short_page_without_noscript_is_parsed_once_and_unchanged() {
    let page = parse("<p>Just a few words.</p><script>var x = '<noscript>';</script>");
    assert_eq!(lines(&page), ["Just a few words."]);
}

#[test]
fn short_noscript_notice_on_an_almost_empty_page_stays_dropped() {
    // Under the word threshold, but the notice adds too little to be taken for content.
    let page = parse("<body><p>Loading.</p><noscript><p>Please enable JavaScript to continue.</p></noscript></body>");
    assert_eq!(lines(&page), ["Loading."]);
}

#[test]
fn hidden_text_does_not_stop_the_noscript_fallback() {
    // A forum app's hidden loading template has words, but nothing a reader sees: the posts
    // inside <noscript> are still read.
    let page = parse(
        "<body><div hidden><p>Loading the discussion, this can take a moment on slow connections, please wait.</p></div>\
         <noscript><p>Post one says the valve was replaced last spring and has held fine since then.</p></noscript></body>",
    );
    assert!(lines(&page).contains(&"Post one says the valve was replaced last spring and has held fine since then."));
}

#[test]
fn fallbacks_browsers_never_show_and_tex_annotations_are_dropped() {
    // noembed/noframes content is raw text to the parser: it leaked as literal markup.
    let page = parse(
        r#"<body><p>Real text.</p><noembed><b>fallback</b></noembed><noframes><p>No frames.</p></noframes>
           <p>Area is <math><semantics><mi>r</mi><annotation encoding="application/x-tex">\pi r^2</annotation>
           </semantics></math> here.</p></body>"#,
    );
    assert_eq!(lines(&page), ["Real text.", "", "Area is r here."]);
}

#[test]
fn hidden_styles_allow_any_white_space_around_the_colon() {
    let page = parse("<p style=\"display:\tnone\">tabbed</p><p style=\"visibility:\n hidden\">broken</p><p>shown</p>");
    assert!(ctx(&page, "tabbed").has_ancestor("hidden") && ctx(&page, "broken").has_ancestor("hidden"));
    assert!(!ctx(&page, "shown").has_ancestor("hidden"));
}

#[test]
fn old_formatting_markup_keeps_every_link_and_line() {
    // A cap on open formatting elements tried in this session dropped tags: after 16 unclosed
    // <font>s in table cells, or 20 lines of <font><b><i>, later links lost their link share
    // and a block of links became one line.
    let cells = "<tr><td><font face=arial>x</td></tr>".repeat(20);
    let page = parse(&format!("<table>{cells}</table><p><a href=/x>a link</a></p>"));
    assert_eq!(ctx(&page, "a link").link_share, 1.0);
    let items = "<font><b><i>Item <a href=/m>more</a></i></b><br>".repeat(20);
    let page = parse(&format!("<div>{items}</div><div class=related><a href=/1>Related one</a> | \
                               <a href=/2>Related two</a></div><p>more plain text here</p>"));
    assert_eq!(ctx(&page, "Related one").link_share, 1.0);
    assert_eq!(ctx(&page, "Related two").link_share, 1.0);
    assert_eq!(ctx(&page, "more plain text here").link_share, 0.0);
    // An <a> start closes the open one, so a list of unclosed links keeps every link.
    let links: String = (0..40).map(|i| format!("<li><a href=/{i}>Item {i}")).collect();
    let page = parse(&format!("<ul>{links}</ul>"));
    assert_eq!(page.text.lines().filter(|l| l.starts_with("Item")).count(), 40);
    assert!(page.contexts.iter().flatten().all(|c| c.link_share == 1.0));
}

#[test]
fn a_tag_with_thousands_of_attributes_keeps_the_first_ones_and_the_text() {
    let many: String = (0..5000).map(|i| format!(" a{i}=\"v {i}\"")).collect();
    let html = format!("<p{many} class=late>Text after the tag.</p><p>Next.</p>");
    let capped = cap_attributes(&html);
    assert_eq!(capped.matches('=').count(), MAX_ATTRIBUTES);
    assert!(capped.ends_with(" a1023=\"v 1023\" >Text after the tag.</p><p>Next.</p>"));
    assert_eq!(lines(&parse(&html)), ["Text after the tag.", "", "Next."]);
    // Real pages come through untouched, borrowed.
    let page = "<div class=a id=b><!-- <p x y z> --><a href=x>One</a><script>if (a<b) {}</script></div>";
    assert!(matches!(cap_attributes(page), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn text_that_only_looks_like_a_huge_tag_is_never_cut_across_a_real_tag() {
    // In a script, "a<b" opens no tag, but the scan cannot know: the thousands of "attributes"
    // after it run into </script>, and a cut there would turn the rest of the page into script.
    let words = "w ".repeat(3000);
    let html = format!("<script>if (a<b {words}</script><p>After the script.</p>");
    assert_eq!(cap_attributes(&html), html);
    assert_eq!(lines(&parse(&html)), ["After the script."]);
}

#[test]
fn the_attribute_cap_keeps_in_step_with_the_tokenizer() {
    let many = |n: usize| (0..n).map(|i| format!(" a{i}=v")).collect::<String>();
    let capped = |html: &str| cap_attributes(html).matches(" a").count();
    // Ways the first scan lost step, each leaving the quadratic check on 100,000 attributes.
    for html in [
        format!("<!--><p{}>text</p>", many(3000)),                  // a comment closed at once
        format!("<!---><p{}>text</p>", many(3000)),
        format!("<!-- a --!><p{}>text</p>", many(3000)),
        format!("<script>var t = \"<a title='\";</script><p{}>text</p>", many(3000)), // a quote in a script
        format!("<p>text</p><p{}", many(3000)),                     // a tag open at the end
        format!("<p>text</p></p{}>", many(3000)),                   // an end tag's attributes
    ] {
        assert!(capped(&html) <= MAX_ATTRIBUTES + 2, "{}: {} attributes kept", &html[..20], capped(&html));
        assert!(lines(&parse(&html)).contains(&"text"));
    }
    // After many comments (each one searched to its end only: the scan stays linear).
    let html = format!("{}<p{}>text</p>", "<!--a-->".repeat(5000), many(3000));
    assert!(capped(&html) <= MAX_ATTRIBUTES + 2);
    // Raw text a reader sees (xmp, plaintext) is never cut, however tag-like.
    let words = (0..1100).map(|i| format!("w{i} ")).collect::<String>();
    for html in [format!("<xmp>if a<b then {words}-> end</xmp>"), format!("<plaintext>if a<b then {words}-> end")] {
        assert_eq!(cap_attributes(&html), html);
    }
}

#[test]
fn the_attribute_cap_never_loses_text_or_shows_hidden_text() {
    let junk = (0..1100).map(|i| format!("a{i} ")).collect::<String>();
    // `</scripty>` does not end a script: the rest of the script is not markup to cut in.
    let html = format!("<script>var a=\"</scripty>\"; var s=\"<x {junk}q='\"</script><p>Visible paragraph one</p>\
                        <script>\"'\"</script>");
    assert_eq!(lines(&parse(&html)), ["Visible paragraph one"]);
    // A cut that would span a '<' is not made, whatever the scan believes.
    let html = format!("<script><!--\ndocument.write(\"<script src=x.js></script>\");\nvar s=\"<x {junk}q='\";//--></script>\
                        <p>Visible paragraph one</p><script>'</script>");
    assert!(lines(&parse(&html)).contains(&"Visible paragraph one"));
    // A style or hidden past the cap keeps the tag whole, so hidden text stays hidden.
    let html = format!("<p>shown <span {junk}style=\"display:none\">secret words</span></p>");
    assert_eq!(cap_attributes(&html), html);
    assert_eq!(lines(&parse(&html)), ["shown"]);
}

#[test]
fn blocks_past_the_depth_cap_stay_lines_of_their_own() {
    // A comment list whose items never close their <div>: past the cap, each item must still be
    // a line, not glued onto the one before.
    let html = (0..1000).map(|i| format!("<div class=c>Comment number {i} says hello.")).collect::<String>();
    let page = parse(&html);
    let got: Vec<&str> = page.text.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(got.len(), 1000, "{:?}", &got[got.len().saturating_sub(3)..]);
    assert!(got.iter().enumerate().all(|(i, l)| *l == format!("Comment number {i} says hello.")));
    // Text a reader never sees stays hidden past the cap.
    let html = format!("{}<p>shown</p><svg><text>hidden</text></svg><select><option>no</option></select>", "<div>".repeat(600));
    assert_eq!(lines(&parse(&html)), ["shown"]);
}
