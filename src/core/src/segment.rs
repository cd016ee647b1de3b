//! Text -> segments: the units the classifier labels.
//!
//! A segment is one non-blank source line, or one of two parts of a line when the line looks like
//! two blocks glued together because a scraper lost the newline between them
//! (`...geopolitical trends.- Steamunblocked Games Play ...` or
//! `...these critical shifts. Why you should start with why`).
//!
//! Glue is not decided here. This module only proposes *where* a line could have been glued (a
//! cheap pattern on the line's end) and cuts the line there provisionally; the classifier labels
//! both parts in their context, and the caller joins the parts again when they get the same
//! label. One learned decision instead of a second hand-tuned one.
//!
//! Offsets are BYTE offsets into the caller's `&str`; [`crate::text::char_offsets`] converts them
//! for Python, whose strings index by character. Lines are split on `'\n'` only and stripped like
//! Python's `str.strip()`, so `"\r\n"` endings and a lone `'\r'` are whitespace, never text.
//!
//! Every scan here is bounded: a line's glue candidate is searched among its last
//! [`MAX_TAIL_CHARS`] + a few chars, so a 100 MB line costs what a short one does (apart from
//! finding its end and stripping it).

use crate::text::{is_space, strip_range};

/// A glued tail is short: a heading, a caption, one link title. Longer "tails" are ordinary last
/// sentences and are left alone; a head shorter than [`MIN_HEAD_CHARS`] is not a paragraph.
pub const MIN_HEAD_CHARS: usize = 40;
pub const MAX_TAIL_CHARS: usize = 160;
pub const MIN_TAIL_CHARS: usize = 3;

/// One unit to label, with the layout facts the features need.
///
/// `part`/`parts` say whether the segment is a whole line (0/1) or the head (0/2) or tail (1/2)
/// of a provisionally cut line. `line_start` is where the source line begins, so the cleaner can
/// keep a kept line's indentation. `blank_before`/`blank_after` count the blank lines between
/// this segment and the previous/next one (0 between the two parts of a cut line, and 0 before
/// the first / after the last segment of the text).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    pub line: u32,
    pub start: usize,
    pub end: usize,
    pub line_start: usize,
    pub part: u8,
    pub parts: u8,
    pub blank_before: u32,
    pub blank_after: u32,
}

impl Segment {
    /// The segment's text in the document it was cut from.
    #[inline]
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        doc.get(self.start..self.end).unwrap_or("")
    }
}

/// Cut `text` into segments: non-blank lines, glued lines cut in two (when `split_glued`).
///
/// Blank lines are not segments, but how many surround a segment is kept because page layout is
/// a strong hint: gallery captions and author boxes often come one per paragraph, real
/// paragraphs in runs.
pub fn segment(text: &str, split_glued: bool) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut pending_blanks: u32 = 0;
    let mut line_no: u32 = 0;
    let mut line_start = 0usize;
    let bytes = text.as_bytes();
    loop {
        let line_end = match memchr_nl(&bytes[line_start..]) {
            Some(i) => line_start + i,
            None => bytes.len(),
        };
        let line = &text[line_start..line_end];
        let (a, b) = strip_range(line);
        if a == b {
            pending_blanks = pending_blanks.saturating_add(1);
        } else {
            let before = if out.is_empty() { 0 } else { pending_blanks };
            if let Some(prev) = out.last_mut() {
                prev.blank_after = before;
            }
            pending_blanks = 0;
            let start = line_start + a;
            let end = line_start + b;
            let stripped = &text[start..end];
            let seg = Segment {
                line: line_no,
                start,
                end,
                line_start,
                part: 0,
                parts: 1,
                blank_before: before,
                blank_after: 0,
            };
            match if split_glued { glue_offset(stripped) } else { None } {
                None => out.push(seg),
                Some(off) => {
                    let head_end = start + rstrip_len(&stripped[..off]);
                    out.push(Segment { end: head_end, parts: 2, ..seg });
                    out.push(Segment { start: start + off, part: 1, parts: 2, blank_before: 0, ..seg });
                }
            }
        }
        if line_end >= bytes.len() {
            break;
        }
        line_start = line_end + 1;
        line_no = line_no.saturating_add(1);
    }
    out
}

/// Position of the first `'\n'` in `bytes` (word-at-a-time scan; no dependency on memchr).
#[inline]
fn memchr_nl(bytes: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = LO * b'\n' as u64;
    let mut i = 0usize;
    while i + 8 <= bytes.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        let x = u64::from_le_bytes(w) ^ NL;
        if (x.wrapping_sub(LO) & !x & HI) != 0 {
            break; // a '\n' in this word: find it bytewise below
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| b == b'\n').map(|p| p + i)
}

/// Byte length of `s` without trailing whitespace.
fn rstrip_len(s: &str) -> usize {
    s.char_indices().rev().find(|&(_, c)| !is_space(c)).map_or(0, |(i, c)| i + c.len_utf8())
}

// ---- glue candidates --------------------------------------------------------------------------

/// Chars that end a sentence glued to the next block without a space ("trends.- Title"):
/// lower-case letters, closing brackets/quotes, `%`, `*`.
#[inline]
fn tight_before(c: char) -> bool {
    matches!(c, 'a'..='z' | '%' | ')' | ']' | '*' | '"' | '\u{201d}' | '\u{2019}' | '\'' | '\u{df}'..='\u{ff}')
}

#[inline]
fn is_upper_start(c: char) -> bool {
    matches!(c, 'A'..='Z' | '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{de}' | '\u{100}'..='\u{17d}')
}

/// List markers and quotes that can open a glued block ("- Title", "» Next", "“Quote").
#[inline]
fn is_mark(c: char) -> bool {
    matches!(
        c,
        '-' | '–'
            | '—'
            | '•'
            | '*'
            | '·'
            | '»'
            | '›'
            | '→'
            | '▶'
            | '►'
            | '◦'
            | '●'
            | '■'
            | '▪'
            | '✓'
            | '✔'
            | '➤'
            | '➔'
            | '⇒'
            | '☞'
            | '★'
            | '#'
            | '\u{201c}'
            | '«'
            | '¿'
            | '¡'
    )
}

#[inline]
fn is_stop_punct(c: char) -> bool {
    matches!(c, '.' | '!' | '?')
}

/// A line whose last char is one of these ends like a sentence: no spaced glue candidate.
#[inline]
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ':' | ';' | ',' | '"' | '\u{201d}' | '\u{2019}' | '\'' | ')' | ']' | '»' | '…')
}

/// "Reality vs. Perception" is one heading, not a sentence end and a glued tail.
const ABBREVIATIONS: &[&str] = &[
    "vs", "v", "etc", "e.g", "i.e", "dr", "mr", "mrs", "ms", "st", "no", "nr", "fig", "p", "pp", "vol", "jr", "sr",
    "inc", "ltd", "co", "approx", "ca", "cf", "al", "prof", "gen", "sen", "rep",
];

/// How many chars from the end of the line the candidate search decodes: the tail window plus
/// room for the spaced pattern's look-back and the abbreviation check before it.
const SCAN_CHARS: usize = MAX_TAIL_CHARS + 2 + 3 + 24;

/// Where a (stripped) line may hold a second block glued to its end, or `None`.
///
/// The offset (in bytes) is the first char of the tail; whitespace between the parts belongs to
/// neither part. Only the last candidate is returned: injected junk lands at a paragraph's end.
/// Two patterns: a sentence end immediately followed by a capital, digit or list mark
/// ("Israel.Implications", "trends.- Steam", but not "2.5"); else, when the line itself does not
/// end like a sentence, a sentence end + whitespace + capital/mark ("shifts. Why you should").
pub fn glue_offset(line: &str) -> Option<usize> {
    if line.len() < MIN_HEAD_CHARS + MIN_TAIL_CHARS {
        return None; // fewer bytes, so fewer chars
    }
    // Quick reject on bytes (most lines): no tight candidate near the end, and the line ends like
    // a sentence so no spaced candidate either. The byte window covers the char window.
    let bytes = line.as_bytes();
    let near_end = &bytes[bytes.len().saturating_sub(4 * SCAN_CHARS)..];
    // OR-ed over the window without branches or early exit, in bytes over two shifted slices, so
    // the compiler vectorises it at full byte width: most lines have no hit and would scan the
    // whole window anyway.
    let tight_possible = near_end.len() >= 2
        && near_end[..near_end.len() - 1]
            .iter()
            .zip(&near_end[1..])
            .fold(0u8, |acc, (&p, &c)| {
                let stop = (p == b'.') | (p == b'!') | (p == b'?');
                let opener =
                    c.is_ascii_uppercase() | c.is_ascii_digit() | (c >= 0x80) | (c == b'-') | (c == b'*') | (c == b'#');
                acc | (stop & opener) as u8
            })
            != 0;
    if !tight_possible && line.chars().next_back().is_none_or(is_sentence_end) {
        return None;
    }
    // Decode the last SCAN_CHARS chars (with byte offsets); know n exactly only when short.
    let mut tail: [(usize, char); SCAN_CHARS] = [(0, '\0'); SCAN_CHARS];
    let mut k = 0usize;
    let mut it = line.char_indices().rev();
    while k < SCAN_CHARS {
        match it.next() {
            Some(x) => {
                tail[k] = x;
                k += 1;
            }
            None => break,
        }
    }
    let whole = it.next().is_none(); // the buffer holds the entire line
    tail[..k].reverse();
    let buf = &tail[..k];
    // Char index (within the whole line) of buf[0]: exact when whole, else "large" (> SCAN_CHARS),
    // and every test below only needs index relations near the end.
    let n_total: usize = if whole { k } else { usize::MAX / 4 };
    let base = n_total - k; // line index of buf[0]
    if n_total < MIN_HEAD_CHARS + MIN_TAIL_CHARS {
        return None;
    }
    let window_start = MIN_HEAD_CHARS.max(n_total.saturating_sub(MAX_TAIL_CHARS + 2));
    let at = |i: usize| -> Option<char> { i.checked_sub(base).and_then(|j| buf.get(j)).map(|x| x.1) };
    let byte_at = |i: usize| -> usize { buf[i - base].0 };
    let tail_ok = |off: usize| -> bool {
        let t = n_total - off;
        (MIN_TAIL_CHARS..=MAX_TAIL_CHARS).contains(&t)
    };

    // Tight pattern.
    let mut best: Option<usize> = None;
    for off in window_start.max(base + 2)..n_total {
        let (Some(p2), Some(p1), Some(c)) = (at(off - 2), at(off - 1), at(off)) else { continue };
        if !is_stop_punct(p1) {
            continue;
        }
        let hit = (tight_before(p2) && (is_upper_start(c) || is_mark(c) || c.is_ascii_digit()))
            || (p2.is_ascii_digit() && (is_upper_start(c) || is_mark(c)));
        if hit && tail_ok(off) && !after_abbreviation(buf, off - 1 - base, whole) {
            best = Some(off);
        }
    }
    if let Some(off) = best {
        return Some(byte_at(off));
    }
    if is_sentence_end(buf[k - 1].1) {
        return None;
    }

    // Spaced pattern: [.!?] optional closing quote, whitespace+, then an opener (lookahead).
    let mut p = window_start.saturating_sub(3).max(base);
    while p < n_total {
        let c = buf[p - base].1;
        if !is_stop_punct(c) {
            p += 1;
            continue;
        }
        let mut q = p + 1;
        if let Some(qc) = at(q) {
            if matches!(qc, '"' | '\u{201d}' | '\u{2019}' | '\'' | ')' | '»') {
                q += 1;
            }
        }
        let ws_start = q;
        while at(q).is_some_and(is_space) {
            q += 1;
        }
        let opener =
            at(q).is_some_and(|o| is_upper_start(o) || is_mark(o) || o == '"' || o.is_ascii_digit() || o == '(');
        if q == ws_start || !opener {
            p += 1;
            continue;
        }
        let off = q;
        if p + 1 >= MIN_HEAD_CHARS && tail_ok(off) && !after_abbreviation(buf, p - base, whole) {
            best = Some(off);
        }
        p = q;
    }
    best.map(byte_at)
}

/// Whether the word ending just before `buf[dot]` is a known abbreviation ("vs", "e.g", "Fig").
fn after_abbreviation(buf: &[(usize, char)], dot: usize, whole: bool) -> bool {
    // The word runs back from the dot to the previous space; abbreviations are short, so a word
    // that does not start within the decoded buffer (or is long) is no abbreviation.
    let mut s = dot;
    while s > 0 && buf[s - 1].1 != ' ' {
        s -= 1;
        if dot - s > 16 {
            return false;
        }
    }
    if s == 0 && !whole {
        return false;
    }
    let mut word = String::with_capacity(16);
    let mut leading = true;
    for &(_, c) in &buf[s..dot] {
        if leading && matches!(c, '(' | '"' | '\u{201c}') {
            continue;
        }
        leading = false;
        crate::text::push_lower(&mut word, c);
    }
    ABBREVIATIONS.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARA: &str = "The committee met on Tuesday and agreed to extend the opening hours of the library.";

    fn texts<'a>(text: &'a str, segs: &[Segment]) -> Vec<&'a str> {
        segs.iter().map(|s| s.text(text)).collect()
    }

    fn tail(line: &str) -> Option<&str> {
        glue_offset(line).map(|o| &line[o..])
    }

    #[test]
    fn segments_are_non_blank_lines_with_offsets_and_blank_counts() {
        let text = "Title\n\n\nFirst paragraph.\r\n  indented line\n";
        let segs = segment(text, true);
        assert_eq!(texts(text, &segs), ["Title", "First paragraph.", "indented line"]);
        assert_eq!(segs.iter().map(|s| s.line).collect::<Vec<_>>(), [0, 3, 4]);
        let blanks: Vec<(u32, u32)> = segs.iter().map(|s| (s.blank_before, s.blank_after)).collect();
        assert_eq!(blanks, [(0, 2), (2, 0), (0, 0)]);
        assert_eq!(segs[2].line_start, text.find("  indented").unwrap());
    }

    #[test]
    fn leading_blank_lines_do_not_count_before_the_first_segment() {
        let text = "\n\n \nA\n\n";
        let segs = segment(text, true);
        assert_eq!(segs.len(), 1);
        assert_eq!((segs[0].line, segs[0].blank_before, segs[0].blank_after), (3, 0, 0));
    }

    #[test]
    fn tight_glue_after_a_sentence_end_is_a_candidate() {
        let line = format!("{PARA}- Ten Celebrities Who Secretly Hate Their Roles");
        assert_eq!(tail(&line), Some("- Ten Celebrities Who Secretly Hate Their Roles"));
        let heading = format!("{PARA}Opening Hours and Access");
        assert_eq!(tail(&heading), Some("Opening Hours and Access"));
    }

    #[test]
    fn spaced_glue_only_when_the_line_does_not_end_like_a_sentence() {
        let line = format!("{PARA} Library interior - City Archive");
        assert_eq!(tail(&line), Some("Library interior - City Archive"));
        assert_eq!(glue_offset(&format!("{PARA} It will open at eight.")), None);
    }

    #[test]
    fn no_candidate_in_short_lines_abbreviations_or_decimals() {
        assert_eq!(glue_offset("Short line.Next"), None);
        assert_eq!(glue_offset("- The Axis Narrative and Its Critics: Reality vs. Perception"), None);
        assert_eq!(glue_offset(&format!("{} costing 2.5 million pounds in total", &PARA[..PARA.len() - 1])), None);
    }

    #[test]
    fn a_long_line_is_searched_only_near_its_end() {
        let long = format!("{}{PARA}Opening Hours and Access", "word ".repeat(10_000));
        assert_eq!(tail(&long), Some("Opening Hours and Access"));
        let long_tail = format!("{PARA}Opening {}", "hours ".repeat(40)); // tail > 160 chars
        assert_eq!(glue_offset(long_tail.trim_end()), None);
    }

    #[test]
    fn non_ascii_text_before_the_glue_keeps_byte_offsets_on_char_boundaries() {
        let line = format!("{}Öffnungszeiten und Zugang", "Die Bibliothek öffnet täglich länger für alle Leserinnen.");
        assert_eq!(tail(&line), Some("Öffnungszeiten und Zugang"));
    }

    #[test]
    fn a_candidate_line_becomes_head_and_tail_of_the_same_line() {
        let text = format!("{PARA}Library interior - City Archive\nNext line.\n");
        let segs = segment(&text, true);
        assert_eq!(segs.len(), 3);
        let (head, tail, next) = (segs[0], segs[1], segs[2]);
        assert_eq!((head.part, head.parts, tail.part, tail.parts), (0, 2, 1, 2));
        assert_eq!((head.line, tail.line, next.line), (0, 0, 1));
        assert_eq!(head.text(&text), PARA);
        assert_eq!(tail.text(&text), "Library interior - City Archive");
        assert_eq!(segment(&text, false)[0].text(&text), format!("{PARA}Library interior - City Archive"));
    }

    #[test]
    fn spaced_cut_leaves_the_whitespace_to_neither_part() {
        let text = format!("{PARA}  Library interior - City Archive");
        let segs = segment(&text, true);
        assert_eq!(texts(&text, &segs), [PARA, "Library interior - City Archive"]);
    }

    #[test]
    fn nasty_inputs_never_panic() {
        for text in ["", "\r", "\r\r\n\r", "\0", "a\0b\n\0", "\n\n\n", "é", "\u{2028}x\u{2029}"] {
            let segs = segment(text, true);
            for s in &segs {
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end) && s.start < s.end);
            }
        }
        let blanks = "\n".repeat(100_000);
        assert!(segment(&blanks, true).is_empty());
        let cr = "\r\n".repeat(1000);
        assert!(segment(&cr, true).is_empty());
    }
}
