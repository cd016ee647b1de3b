//! Text -> unwrapped text: a scraper's dump of text nodes read as block lines.
//!
//! `BeautifulSoup(html).get_text("\n")`, the text a five-line scraper emits, writes every text
//! node on a line of its own: a link or an emphasis inside a sentence cuts it in three
//! (`"Read the "`, `"docs"`, `" here."`), a paragraph hard-wrapped in the HTML source comes out
//! as several indented lines, and the source's formatting leaves indentation and runs of blank
//! lines everywhere. Read line by line, the fragments look like menu items, and the indented
//! lines like the indented author boxes the model learned; the model learned from text where a
//! paragraph is one line and indentation and blank runs mean layout.
//!
//! A line *continues* the non-blank line right before it (no blank line between) when that line
//! ends with a space, a tab or a no-break space, or when it starts with one: the edges such dumps
//! leave. Three exceptions keep a hand-made text's blocks apart:
//! - a list item (`"  • Username : ..."`, `"- Title "`, `"  2. step"`) neither continues a line
//!   nor takes the next one, and two `Key : value` lines in a row (a generated author box's
//!   indented `"  Name : Ann"`, `"  followers : 6638"`) stay two items;
//! - after a line that ends a sentence (`.`, `!`, `?`, `。`, `！`, `？`) both edges must say so;
//! - an edge counts only when fewer than nine in ten of the text's lines have it (a text whose
//!   every line ends with a space, or a layout where every line is indented, says nothing by it).
//!
//! A text in which at least [`MIN_CONTINUING`] (two) lines continue the line before is read as
//! such a dump: its continuing lines are joined to the line before (stripped, one space between),
//! every line is read without its indentation, and a run of blank lines counts as one. So is a
//! text of five lines or more with nine in ten of them indented (inscriptis's layout: nested
//! blocks indented as a browser shows them), with nothing joined, and so is a shorter text whose
//! every line is indented, unless a line is a short list item or `Key : value` field (a record of
//! a few indented paragraphs: its indentation is relative to nothing). Any other
//! text (a full-page dump of block lines from resiliparse or trafilatura, textsieve's own HTML
//! parser, a hand-made text file with a stray trailing space) is labeled exactly as it is, and
//! is not copied. The `'\r'` of a CRLF ending is part of the line end, not an edge.
//!
//! Labels come back to the source lines: [`Unwrapped::to_source`] maps a range of the unwrapped
//! text to the source lines it covers, and each keeps or drops itself as written.

use crate::segment::Segment;
use crate::text::{is_space, is_word, strip_range};

/// One non-blank source line's place in the unwrapped text: its stripped bytes
/// `src_start..src_start + len` are the unwrapped text's `start..start + len`; the source line
/// itself begins at `line_start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// 0-based source line.
    pub line: u32,
    pub line_start: usize,
    pub src_start: usize,
    pub start: usize,
    pub len: usize,
}

/// The unwrapped text of a document in which at least one line continues another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unwrapped {
    pub text: String,
    /// One piece per non-blank source line, in order (so `start` increases).
    pub pieces: Vec<Piece>,
}

/// A range of the unwrapped text on one source line: `start..end` are source byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceRange {
    pub line: u32,
    /// Where the source line begins.
    pub line_start: usize,
    pub start: usize,
    pub end: usize,
    /// The range begins where the line's text begins (a kept range keeps the line's indentation).
    pub starts_line: bool,
}

/// A line's content without its `'\n'` and without the `'\r'` of a CRLF ending.
fn line_body(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// A fragment edge that says the text went on: a space, a tab or a no-break space.
fn is_edge(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t' | '\u{a0}'))
}

/// Does the stripped line start with a list marker: a bullet or dash and a space, or a number
/// of up to three digits, `.` or `)`, and a space?
fn starts_list_item(stripped: &str) -> bool {
    let mut chars = stripped.chars();
    let first = chars.next();
    if matches!(first, Some('•' | '·' | '▪' | '●' | '◦' | '‣' | '∙' | '-' | '*' | '+' | '–' | '—')) {
        return chars.next().is_some_and(is_space);
    }
    let digits = stripped.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && matches!(stripped.as_bytes().get(digits), Some(b'.' | b')'))
        && stripped[digits + 1..].chars().next().is_some_and(is_space)
}

/// Does the stripped line end a sentence?
fn ends_sentence(stripped: &str) -> bool {
    matches!(stripped.chars().next_back(), Some('.' | '!' | '?' | '。' | '！' | '？'))
}

/// Is the stripped line a `Key : value` item, as in a (generated) author box: `Name : Ann`,
/// `followers : 6638`, `Date de naissance:  1985-09-09`? Up to four words and 32 characters
/// before a colon that a space or the line's end follows.
fn starts_key_value(stripped: &str) -> bool {
    let (mut words, mut in_word) = (0, false);
    for (n, (i, c)) in stripped.char_indices().enumerate() {
        if n > 32 {
            return false;
        }
        if c == ':' {
            return words > 0 && stripped[i + 1..].chars().next().is_none_or(is_space);
        }
        if is_word(c) || matches!(c, '-' | '\'' | '\u{2019}' | '.') {
            if !in_word {
                words += 1;
                in_word = true;
            }
        } else if c == ' ' {
            in_word = false;
        } else {
            return false;
        }
        if words > 4 {
            return false;
        }
    }
    false
}

/// One non-blank source line, as the rule reads it.
#[derive(Clone, Copy)]
struct Line<'a> {
    raw: &'a str,
    stripped: &'a str,
}

/// Does the line end with a space, a tab or a no-break space (before a CRLF's `'\r'`)?
fn ends_with_edge(raw: &str) -> bool {
    is_edge(line_body(raw).chars().next_back())
}

/// Which whitespace edges can mark a continuation in a text: an edge on nine lines in ten or
/// more (a text whose every line ends with a space, or a layout where every line is indented)
/// says nothing by itself.
#[derive(Clone, Copy)]
struct Edges {
    trailing: bool,
    leading: bool,
    /// Nearly every line is indented: indentation is layout, not a sign of anything.
    indented_throughout: bool,
}

/// Lines a text needs before "nine in ten of its lines are indented" means anything; a shorter
/// text is indented throughout only when every line is (see [`short_text_indented_throughout`]);
/// either way a text read only for that joins nothing.
const MIN_LINES_INDENTED: usize = 5;

fn edges_of(text: &str) -> Edges {
    let (mut lines, mut trailing, mut leading, mut items) = (0usize, 0usize, 0usize, 0usize);
    for (_, _, raw, (a, b), _) in lines_of(text) {
        lines += 1;
        trailing += usize::from(ends_with_edge(raw));
        leading += usize::from(is_edge(raw.chars().next()));
        items += usize::from(is_short_item(&raw[a..b]));
    }
    let throughout = |n: usize| n * 10 >= lines * 9;
    Edges {
        trailing: !throughout(trailing),
        leading: !throughout(leading),
        indented_throughout: if lines >= MIN_LINES_INDENTED {
            throughout(leading)
        } else {
            short_text_indented_throughout(lines, leading, items)
        },
    }
}

/// A text of fewer than [`MIN_LINES_INDENTED`] non-blank lines, every one indented: a record of
/// a pipeline (a comment, a snippet, a few paragraphs) often keeps the indentation its source
/// had (first-line indents, a quoted block), and indentation relative to nothing says nothing.
/// Read as it is, the model takes such paragraphs for the indented author boxes it learned: a
/// text of three indented paragraphs kept one (2026-12-02; one indented line alone: 74 of 279
/// body paragraphs of the team's documents dropped with three spaces in front, 1 without). A
/// text of two lines or more with a short item (a list item or a `Key : value` field of at most
/// [`MAX_ITEM_CHARS`] characters) is left as it is: an author box on its own (`"  Name : Ann"`,
/// `"  • Staff writer since 2019"`) is what indentation does mean there. Paragraphs that open
/// with a bullet or a label run longer (`"  • Experience: Choose companies that have..."`), and
/// the features do not read such a line as indented either.
fn short_text_indented_throughout(lines: usize, leading: usize, items: usize) -> bool {
    lines > 0 && leading == lines && (lines == 1 || items == 0)
}

/// Longest line, in characters, that [`is_short_item`] takes for an author box's item: a box's
/// lines are short (`Email : ann@example.com`), while a paragraph that opens with a bullet or a
/// few words and a colon (`"• Experience: Choose companies that have moved..."`) runs on.
const MAX_ITEM_CHARS: usize = 80;

/// Is the stripped line a short list item or `Key : value` field (`"• Ann Miller"`,
/// `"Username : bvaillant"`)?
fn is_short_item(stripped: &str) -> bool {
    stripped.chars().nth(MAX_ITEM_CHARS).is_none() && (starts_list_item(stripped) || starts_key_value(stripped))
}

/// Does the first non-blank line start with whitespace? (A short text indented throughout does;
/// the cheap test that lets every other text without a whitespace edge between two lines pass
/// through in one scan. A longer text whose first line is not indented, with no two adjacent
/// lines, is not read as indented throughout even when nine lines in ten are.)
fn first_line_indented(text: &str) -> bool {
    lines_of(text).next().is_some_and(|(_, _, raw, _, _)| is_edge(raw.chars().next()))
}

/// Does the non-blank line `line` continue the non-blank line `prev` right before it?
/// `edges` says which whitespace edges mean anything in this text.
fn continues(prev: Line, line: Line, edges: Edges) -> bool {
    let items = starts_list_item(line.stripped)
        || starts_list_item(prev.stripped)
        || (starts_key_value(line.stripped) && starts_key_value(prev.stripped));
    if items {
        return false;
    }
    let trail = edges.trailing && ends_with_edge(prev.raw);
    let lead = edges.leading && is_edge(line.raw.chars().next());
    if ends_sentence(prev.stripped) {
        trail && lead
    } else {
        trail || lead
    }
}

/// Non-blank source lines: (line number, byte offset of the line, the line, its stripped range
/// within the line's body, whether a blank line came before it since the previous non-blank line).
fn lines_of(text: &str) -> impl Iterator<Item = (u32, usize, &str, (usize, usize), bool)> {
    let mut offset = 0usize;
    let mut blank = false;
    text.split('\n').enumerate().filter_map(move |(no, raw)| {
        let start = offset;
        offset += raw.len() + 1;
        let (a, b) = strip_range(line_body(raw));
        if a == b {
            blank = true;
            return None;
        }
        let after_blank = std::mem::replace(&mut blank, false);
        Some((no as u32, start, raw, (a, b), after_blank))
    })
}

/// Pairs of adjacent non-blank lines in `text` (no blank line between) that pass `pair`, counted
/// up to `at_most`.
fn count_pairs(text: &str, at_most: usize, pair: impl Fn(Line, Line) -> bool) -> usize {
    let mut n = 0;
    let mut prev: Option<Line> = None;
    for (_, _, raw, (a, b), after_blank) in lines_of(text) {
        let line = Line { raw, stripped: &raw[a..b] };
        if let (false, Some(p)) = (after_blank, prev) {
            if pair(p, line) {
                n += 1;
                if n >= at_most {
                    break;
                }
            }
        }
        prev = Some(line);
    }
    n
}

/// A text is read as a dump when at least this many of its lines continue the line before: one
/// stray space in a hand-made text must not change how the whole text is read.
pub const MIN_CONTINUING: usize = 2;

/// The unwrapped text of `text`, or `None` when fewer than [`MIN_CONTINUING`] lines continue
/// the line before and the text is not indented throughout (the text is then labeled as it is).
/// A text with no whitespace edge between two adjacent lines costs one scan that allocates
/// nothing.
pub fn unwrap(text: &str) -> Option<Unwrapped> {
    let edges = |p: Line, l: Line| ends_with_edge(p.raw) || is_edge(l.raw.chars().next());
    if count_pairs(text, 1, edges) == 0 && !first_line_indented(text) {
        return None;
    }
    let edges = edges_of(text);
    // A text read only because it is indented throughout joins nothing: one stray trailing
    // space must not glue a share line onto a paragraph (see MIN_CONTINUING).
    let dump = count_pairs(text, MIN_CONTINUING, |p, l| continues(p, l, edges)) >= MIN_CONTINUING;
    if !dump && !edges.indented_throughout {
        return None;
    }
    let mut out = Unwrapped { text: String::with_capacity(text.len() / 2), pieces: Vec::new() };
    let mut prev: Option<Line> = None;
    for (no, start, raw, (a, b), after_blank) in lines_of(text) {
        let line = Line { raw, stripped: &raw[a..b] };
        if let Some(p) = prev {
            let joined = dump && !after_blank && continues(p, line, edges);
            out.text.push_str(if joined { " " } else if after_blank { "\n\n" } else { "\n" });
        }
        out.pieces.push(Piece { line: no, line_start: start, src_start: start + a, start: out.text.len(), len: b - a });
        out.text.push_str(line.stripped);
        prev = Some(line);
    }
    if text.ends_with('\n') {
        out.text.push('\n');
    }
    Some(out)
}

impl Unwrapped {
    /// The source lines that the unwrapped range `start..end` covers, each with its part of the
    /// range in source offsets (the space that joined two lines belongs to neither).
    pub fn to_source(&self, start: usize, end: usize) -> Vec<SourceRange> {
        let first = self.pieces.partition_point(|p| p.start + p.len <= start);
        let mut out = Vec::new();
        for p in &self.pieces[first..] {
            if p.start >= end {
                break;
            }
            let lo = start.max(p.start);
            let hi = end.min(p.start + p.len);
            if lo < hi {
                out.push(SourceRange {
                    line: p.line,
                    line_start: p.line_start,
                    start: p.src_start + (lo - p.start),
                    end: p.src_start + (hi - p.start),
                    starts_line: lo == p.start,
                });
            }
        }
        out
    }

    /// A segment of the unwrapped text located in the source: its first source line, its
    /// offsets from where it starts on that line to where it ends on its last line, that first
    /// line's start, and the last line's number. Training labels a row from the source lines it
    /// covers.
    pub fn segment_in_source(&self, seg: &Segment) -> (Segment, u32) {
        let ranges = self.to_source(seg.start, seg.end);
        debug_assert!(!ranges.is_empty(), "a segment is stripped text, never only a joining space");
        match (ranges.first(), ranges.last()) {
            (Some(a), Some(b)) => {
                (Segment { line: a.line, start: a.start, end: b.end, line_start: a.line_start, ..*seg }, b.line)
            }
            _ => (*seg, seg.line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source_of(u: &Unwrapped, text: &str, start: usize, end: usize) -> Vec<String> {
        u.to_source(start, end).iter().map(|r| text[r.start..r.end].to_string()).collect()
    }

    /// Does `line` continue `prev` (trailing whitespace meaningful)?
    fn pair(prev: &str, line: &str) -> bool {
        let edges = Edges { trailing: true, leading: true, indented_throughout: false };
        continues(Line { raw: prev, stripped: prev.trim() }, Line { raw: line, stripped: line.trim() }, edges)
    }

    #[test]
    fn a_sentence_cut_by_a_link_is_one_line_again() {
        let text = "Menu\n\n\n  \nRead the \ndocs\n here.\n\nFooter\n";
        let u = unwrap(text).expect("joins");
        assert_eq!(u.text, "Menu\n\nRead the docs here.\n\nFooter\n", "blank runs count as one");
        let at = u.text.find("Read").unwrap();
        let end = at + "Read the docs here.".len();
        assert_eq!(source_of(&u, text, at, end), ["Read the", "docs", "here."]);
        let lines: Vec<u32> = u.to_source(at, end).iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 5, 6]);
    }

    #[test]
    fn a_hard_wrapped_indented_paragraph_is_one_line_and_indentation_goes() {
        let text = "    Title\r\n\r\n  Lorem ipsum dolor sit amet,\r\n      consectetur adipiscing elit, sed do\r\n      eiusmod tempor.\r\nNext\n";
        let u = unwrap(text).expect("joins");
        assert_eq!(u.text, "Title\n\nLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\nNext\n");
        let at = u.text.find("Lorem").unwrap();
        let r = u.to_source(at, u.text.find(".\n").unwrap() + 1);
        assert_eq!(r.len(), 3);
        assert!(r.iter().all(|r| r.starts_line));
        assert_eq!(&text[r[0].start..r[0].end], "Lorem ipsum dolor sit amet,");
        assert_eq!(&text[r[2].start..r[2].end], "eiusmod tempor.");
        assert_eq!(&text[r[2].line_start..r[2].start], "      ");
        assert_eq!(source_of(&u, text, 0, 5), ["Title"]);
    }

    #[test]
    fn a_line_continues_the_one_before_by_its_whitespace_edges() {
        assert!(pair("Read the ", "docs") && pair("docs", " here."));
        assert!(pair("Lorem ipsum dolor sit amet,", "      consectetur") && pair("a\u{a0}", "b"));
        assert!(!pair("Home", "News") && !pair("One paragraph.\r", "Another one.\r"), "block lines, CRLF");
        // A list item never continues a line or takes the next one.
        for (prev, line) in [("Detail Author:", "  • Name : Ann"), ("- Ten Best Things ", "A paragraph."),
                             ("intro ", "  12. step"), ("intro ", "  3) and"), ("intro ", "  - more")] {
            assert!(!pair(prev, line), "{prev:?} {line:?}");
        }
        // Two `Key : value` lines in a row are two items; one alone is ordinary text.
        assert!(!pair("  Name : René Lesage", "  Date de naissance:  1985-09-09"));
        assert!(!pair("  followers : 6638", "  following : 4681"));
        assert!(pair("Profile Details", "  Name : René Lesage") && pair("Update: the council voted", "   on Friday"));
        // After a sentence's end one edge is not enough.
        assert!(!pair("We would do it all again. ", "About the author: ..."));
        assert!(!pair("A paragraph of body text.", "    Posted by admin on 12 May"));
        assert!(pair("It took it on. ", "    Most of the trees"));
        // A number, a bullet without a space, or code is not a list item.
        assert!(pair("Total", "  1999 was a year") && pair("Total", "  •bold"));
        assert!(pair("with open(path) as f:", "    rows = f.read()"));
    }

    #[test]
    fn a_text_is_read_as_a_dump_only_when_two_lines_continue_others() {
        // One stray space, or none, leaves the text as it is.
        assert_eq!(unwrap("Title\n\nA paragraph that ends without a stop \nClick here to subscribe\n"), None);
        assert_eq!(unwrap("Home\nNews\nSport\n"), None);
        assert_eq!(unwrap("Ends with a space \n\n  after a blank line\n\nand \n\n again\n"), None);
        assert_eq!(unwrap(""), None);
        assert_eq!(unwrap("   \n\t\n"), None);
        // A text whose every line ends with a space says nothing by it.
        assert_eq!(unwrap("Title \nByline \nA paragraph \nCaption - Site \n"), None);
        // An author box joins its header at most: never a dump by itself.
        assert_eq!(unwrap("Profile Details\n  Name : René Lesage\n  Username : bvaillant\n  followers : 6638\n"), None);
        assert!(unwrap("Read the \ndocs\n here.\nMore\n").is_some());
    }

    #[test]
    fn a_layout_indented_throughout_is_read_without_its_indentation_and_joins_nothing() {
        // inscriptis indents nested blocks as a browser shows them: every line starts with
        // whitespace, so a leading edge says nothing, and the indentation is layout.
        let text = "    Skip to main content\n      Sell\n        Watchlist\n\n\n    A paragraph of body text.\n      Another block\n";
        let u = unwrap(text).expect("read without indentation");
        assert_eq!(u.text, "Skip to main content\nSell\nWatchlist\n\nA paragraph of body text.\nAnother block\n");
        // Fewer than five lines: every one must be indented, and none a short item.
        assert_eq!(unwrap("    one\n    two\n    three\n    four\n").expect("all indented").text, "one\ntwo\nthree\nfour\n");
        assert_eq!(unwrap("    One.\n    Two.\nThree.\n    Four.\n"), None, "one line not indented");
        assert_eq!(unwrap("  Profile\n  Name : Ann\n  followers : 6638\n"), None, "an author box on its own");
        assert_eq!(unwrap("  • Ann Miller\n  • Staff writer since 2019\n  • Email : ann@example.com\n"), None, "items");
        assert_eq!(unwrap("  Profile\n  Name : Ann\n"), None, "one field");
        // Paragraphs that open with a bullet or a label run longer: not items.
        let long = "  Pros: the best battery of the lot, a bright screen and a keyboard that is a joy to use.\n";
        let bullet = "  • Boil the water first, then let it stand for a minute before you pour it over the leaves.\n";
        assert_eq!(unwrap(&format!("{long}{bullet}")).expect("paragraphs").text,
                   format!("{}\n{}\n", long.trim(), bullet.trim()));
        // Read only because it is indented throughout: nothing is joined, not even on a stray
        // trailing space.
        let u = unwrap("    The harbour was quiet when the boats came back \n    Share this article\n").expect("indented");
        assert_eq!(u.text, "The harbour was quiet when the boats came back\nShare this article\n");
    }

    #[test]
    fn a_few_indented_paragraphs_between_blank_lines_are_read_without_their_indentation() {
        // A record of first-line-indented paragraphs: no two lines are adjacent, so no line
        // continues another; the indentation goes and the paragraphs stay apart.
        let text = "    The harbour was quiet.\n\n    Fishermen said the season was good.\n\n\tA third paragraph.\n";
        let u = unwrap(text).expect("read without indentation");
        assert_eq!(u.text, "The harbour was quiet.\n\nFishermen said the season was good.\n\nA third paragraph.\n");
        let at = u.text.find("Fishermen").unwrap();
        let r = u.to_source(at, at + "Fishermen".len());
        assert_eq!((r.len(), r[0].line, &text[r[0].line_start..r[0].start]), (1, 2, "    "));
        // Only some of them indented: the indentation may mean something, so as it is.
        assert_eq!(unwrap("The harbour was quiet.\n\n    Fishermen said the season was good.\n"), None);
    }

    #[test]
    fn a_lone_indented_line_is_read_without_its_indentation() {
        let u = unwrap("   A paragraph of its own.\n").expect("read without indentation");
        assert_eq!(u.text, "A paragraph of its own.\n");
        let r = u.to_source(0, u.text.len() - 1);
        assert_eq!((r.len(), r[0].start, r[0].end, r[0].starts_line), (1, 3, 26, true));
        assert!(unwrap("\t\u{a0}One line between blanks\n\n\n").is_some());
        // Not indented, or more than one line, or only a trailing space: as it is.
        assert_eq!(unwrap("A paragraph of its own.\n"), None);
        assert_eq!(unwrap("A paragraph that ends with a space \n"), None);
        assert_eq!(unwrap("Profile\n  Name : Ann\n"), None);
        assert_eq!(unwrap("  Name : Ann\n  followers : 6638\n"), None);
    }

    #[test]
    fn a_range_that_starts_inside_a_line_does_not_start_it() {
        let text = "alpha beta \ngamma delta\n epsilon";
        let u = unwrap(text).expect("joins");
        assert_eq!(u.text, "alpha beta gamma delta epsilon");
        let r = u.to_source(6, 22);
        assert_eq!(r.len(), 2);
        assert!(!r[0].starts_line && r[1].starts_line);
        assert_eq!(&text[r[0].start..r[0].end], "beta");
        assert_eq!(&text[r[1].start..r[1].end], "gamma delta");
        // The joining space alone maps to nothing.
        assert!(u.to_source(10, 11).is_empty());
    }

    #[test]
    fn every_non_blank_line_is_one_piece_whose_text_is_the_stripped_line() {
        let text = "\u{a0}a\u{a0}\n\t b \r\n c\n\n ü  \n\u{2003}\nd";
        let u = unwrap(text).expect("joins");
        let src: Vec<&str> = text.split('\n').map(|l| l.trim()).collect();
        let lines: Vec<u32> = u.pieces.iter().map(|p| p.line).collect();
        assert_eq!(lines, [0, 1, 2, 4, 6]);
        for p in &u.pieces {
            assert_eq!(&text[p.src_start..p.src_start + p.len], src[p.line as usize]);
            assert_eq!(&u.text[p.start..p.start + p.len], src[p.line as usize]);
            assert_eq!(text[..p.line_start].matches('\n').count(), p.line as usize);
        }
    }
}
