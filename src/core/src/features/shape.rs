//! Per-line shape: the facts one line's own text gives (length, words, case, function words,
//! list markers, "Key: value", URLs, separators...), computed once per segment and reused by the
//! line itself and by its neighbours' context features.
//!
//! Every statistic looks at a bounded head of the line ([`HEAD_CHARS`] chars) except the
//! counting-style ones (length, sentence ends), which stop at fixed caps; the last char is read
//! from the end in O(1). So a 100 MB line costs what a long paragraph does.

use crate::text::{
    char_count_capped, fmix64, fnv_bytes, fnv_unit, is_digit, is_letter, is_space, is_word, prefix_bytes,
    stop_kind_hashed, Stop, FNV_OFFSET, FNV_PRIME,
};

/// Chars of a line that feed the per-line statistics.
pub const HEAD_CHARS: usize = 300;
/// Length cap far above anything in training (the longest training line has ~1,300 chars): it
/// keeps a 100 MB line from becoming a value the linear first pass extrapolates to nonsense.
pub const MAX_CHARS: usize = 20_000;
/// Sentence-end count cap (training lines have at most ~9 sentences); the count scans at most
/// `2 * MAX_CHARS` chars.
pub const MAX_SENTENCES: u32 = 100;
/// Content words are longer than this (in chars) and no function word.
const CONTENT_MIN_CHARS: usize = 4;

const KEY_SEED: u64 = 0x6b65_795f_6475_7073;
const EXACT_SEED: u64 = 0x6578_6163_745f_6475;

/// One line's shape.
#[derive(Clone, Copy, Debug, Default)]
pub struct Shape {
    /// Length in chars, capped at [`MAX_CHARS`].
    pub chars: u32,
    /// `ln(1 + chars)`, computed once: the line and its four neighbours' context features use it.
    pub log_chars: f32,
    pub n_words: u32,
    /// Words starting with an upper-case letter.
    pub title: u32,
    /// All-caps words of two or more letters.
    pub caps: u32,
    pub stop_en: u32,
    /// English or other-language function words.
    pub stop_any: u32,
    /// Non-space chars of the head per word.
    pub mean_len: f32,
    pub first: char,
    pub last: char,
    pub marker: bool,
    pub kv: bool,
    pub spaced_colon: bool,
    pub url: bool,
    pub email: bool,
    pub handle: bool,
    pub head_chars: u32,
    pub digits: u32,
    pub commas: u32,
    pub sentences: u32,
    pub dash_seps: u32,
    pub pipe_seps: u32,
    pub dot_seps: u32,
    /// Hash of the whole text (bounded: length + first and last 4 KiB), for exact duplicates.
    pub exact: u64,
    /// Hash of the normalised head (marker removed, punctuation runs -> one space, lower case).
    pub key: u64,
}

impl Shape {
    /// The line ends like a sentence.
    #[inline]
    pub fn terminal(&self) -> bool {
        matches!(self.last, '.' | '!' | '?')
    }

    /// Share of title-cased words among all words (the context features' version).
    #[inline]
    pub fn title_share(&self) -> f32 {
        if self.n_words > 0 {
            self.title as f32 / self.n_words as f32
        } else {
            0.0
        }
    }
}

/// Reusable buffers for [`line_shape`].
#[derive(Default)]
pub struct ShapeScratch {
    head: Vec<char>,
}

/// Compute one line's shape; push the hashes of its content words (unsorted, may repeat) to
/// `content`.
pub fn line_shape(text: &str, scratch: &mut ShapeScratch, content: &mut Vec<u64>) -> Shape {
    let mut s = Shape::default();
    let head_end = prefix_bytes(text, HEAD_CHARS);
    let head_str = &text[..head_end];
    let head = &mut scratch.head;
    head.clear();
    if head_str.is_ascii() {
        head.extend(head_str.bytes().map(char::from)); // no UTF-8 decoding
    } else {
        head.extend(head_str.chars());
    }
    let head: &[char] = head;
    s.head_chars = head.len() as u32;
    s.chars = char_count_capped(text, MAX_CHARS) as u32;
    s.log_chars = (s.chars as f32).ln_1p();
    s.first = head.first().copied().unwrap_or('\0');
    s.last = text.chars().next_back().unwrap_or('\0');

    // Byte counts (the counted chars are ASCII; UTF-8 continuation bytes never equal them):
    // branch-free sums the compiler vectorises.
    let hb = head_str.as_bytes();
    let count = |x: u8| hb.iter().map(|&b| (b == x) as u32).sum::<u32>();
    let spaces = count(b' ');
    s.commas = count(b',');
    s.digits = hb.iter().map(|&b| b.is_ascii_digit() as u32).sum::<u32>();
    if !head_str.is_ascii() {
        s.digits += head.iter().filter(|&&c| !c.is_ascii() && is_digit(c)).count() as u32;
    }
    let at_sign = hb.contains(&b'@');
    let colon60 = head[..head.len().min(60)].contains(&':');

    // Words: letters, joined by inner apostrophes ("don't", "l’homme"). Each word's lower-case
    // form is hashed on the fly (no string built) for the stop lists and the content-word set.
    let mut word_done = |s: &mut Shape, h: u64, byte_len: usize, n_chars: usize| {
        let h = fmix64(h);
        match stop_kind_hashed(h, byte_len) {
            Stop::English => {
                s.stop_en += 1;
                s.stop_any += 1;
            }
            Stop::Other => s.stop_any += 1,
            Stop::None => {
                if n_chars >= CONTENT_MIN_CHARS {
                    content.push(h);
                }
            }
        }
    };
    let mut i = 0usize;
    if head_str.is_ascii() {
        // ASCII (most lines): the same words and hashes from the bytes, each word hashed while
        // it is scanned (one pass; letters are ASCII letters, the only apostrophe is '\'').
        let n = hb.len();
        while i < n {
            if !hb[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let start = i;
            let (mut h, mut cased, mut all_upper) = (FNV_OFFSET, false, true);
            let mut j = i;
            loop {
                while j < n && hb[j].is_ascii_alphabetic() {
                    let c = hb[j];
                    all_upper &= !c.is_ascii_lowercase();
                    cased |= c.is_ascii_uppercase();
                    h = (h ^ c.to_ascii_lowercase() as u64).wrapping_mul(FNV_PRIME);
                    j += 1;
                }
                if j + 1 < n && hb[j] == b'\'' && hb[j + 1].is_ascii_alphabetic() {
                    h = (h ^ b'\'' as u64).wrapping_mul(FNV_PRIME);
                    j += 1;
                    continue;
                }
                break;
            }
            let len = j - start;
            s.n_words += 1;
            s.title += hb[start].is_ascii_uppercase() as u32;
            s.caps += (len > 1 && cased && all_upper) as u32;
            word_done(&mut s, h, len, len);
            i = j;
        }
    }
    while i < head.len() {
        let c = head[i];
        if !is_letter(c) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        loop {
            while j < head.len() && is_letter(head[j]) {
                j += 1;
            }
            if j + 1 < head.len() && matches!(head[j], '\'' | '\u{2019}') && is_letter(head[j + 1]) {
                j += 1;
                continue;
            }
            break;
        }
        let w = &head[start..j];
        s.n_words += 1;
        if w[0].is_uppercase() {
            s.title += 1;
        }
        let mut h = FNV_OFFSET;
        let mut byte_len = 0usize;
        let (mut cased, mut all_upper) = (false, true);
        for &c in w {
            if c.is_ascii() {
                all_upper &= !c.is_ascii_lowercase();
                cased |= c.is_ascii_uppercase();
                h = (h ^ c.to_ascii_lowercase() as u64).wrapping_mul(FNV_PRIME);
                byte_len += 1;
            } else {
                all_upper &= !c.is_lowercase();
                cased |= c.is_uppercase();
                for l in c.to_lowercase() {
                    let mut buf = [0u8; 4];
                    let enc = l.encode_utf8(&mut buf).as_bytes();
                    h = fnv_bytes(h, enc);
                    byte_len += enc.len();
                }
            }
        }
        if w.len() > 1 && cased && all_upper {
            s.caps += 1;
        }
        word_done(&mut s, h, byte_len, w.len());
        i = j;
    }
    if s.n_words > 0 {
        s.mean_len = (head.len() as u32 - spaces) as f32 / s.n_words as f32;
    }

    let marker_end = marker_len(head);
    s.marker = marker_end.is_some();
    s.kv = key_value(if s.marker { head.get(2..).unwrap_or(&[]) } else { head });
    s.spaced_colon = colon60
        && (contains(&head[..head.len().min(60)], &[' ', ':', ' '])
            || contains(&head[..head.len().min(40)], &[' ', ':']));
    s.url = has_url(head_str);
    s.email = at_sign && has_email(head);
    s.handle = at_sign && has_handle(head);
    let (dash, pipe, dot) = separators(head_str);
    s.dash_seps = dash;
    s.pipe_seps = pipe;
    s.dot_seps = dot;
    s.sentences = sentence_ends(text);
    s.exact = exact_hash(text);
    s.key = if head_str.is_ascii() {
        key_hash_ascii(&hb[marker_end.unwrap_or(0)..])
    } else {
        key_hash(&head[marker_end.unwrap_or(0)..])
    };
    s
}

/// Length in chars of a leading list marker and the whitespace after it ("- ", "1. ", "a) ",
/// "#3 ", "(12) "), or `None`.
pub fn marker_len(head: &[char]) -> Option<usize> {
    let first = *head.first()?;
    let mut end = if matches!(
        first,
        '-' | '–' | '—' | '•' | '*' | '·' | '»' | '→' | '>' | '+' | '▪' | '◦' | '●' | '■' | '□' | '✓' | '✔'
    ) {
        1
    } else if is_digit(first) {
        let d = head.iter().take_while(|c| is_digit(**c)).count();
        if d <= 3 && matches!(head.get(d), Some('.' | ')')) {
            d + 1
        } else {
            return None;
        }
    } else if first.is_ascii_alphabetic() && matches!(head.get(1), Some('.' | ')')) {
        2
    } else if first == '#' {
        let d = head[1..].iter().take_while(|c| is_digit(**c)).count();
        if d == 0 {
            return None;
        }
        1 + d
    } else if first == '(' {
        let d = head[1..].iter().take_while(|c| is_digit(**c)).count();
        if (1..=3).contains(&d) && head.get(1 + d) == Some(&')') {
            d + 2
        } else {
            return None;
        }
    } else {
        return None;
    };
    while end < head.len() && is_space(head[end]) {
        end += 1;
    }
    Some(end)
}

/// "Key: value" at the start of a line ("Photo: Reuters", "Tags: war, peace"): a letter, up to 32
/// name-like chars, an optional space, a colon and something after it.
pub fn key_value(head: &[char]) -> bool {
    let Some(&first) = head.first() else { return false };
    if !is_letter(first) {
        return false;
    }
    let name_char = |c: char| is_word(c) || matches!(c, ' ' | '.' | '\'' | '/' | '(' | ')' | '&' | '-');
    let mut p = 1usize;
    while p <= 32 && p < head.len() && name_char(head[p]) {
        p += 1;
    }
    // The run stops at a ':' or at a char that may be the optional whitespace before it.
    let colon = match head.get(p) {
        Some(':') => p,
        Some(&c) if is_space(c) && head.get(p + 1) == Some(&':') => p + 1,
        // A run that ended on ' ' already consumed the optional space: "Key :" needs p-1 == ' '.
        _ => return false,
    };
    head[colon + 1..].iter().any(|&c| !is_space(c))
}

fn contains(hay: &[char], needle: &[char]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// "http://", "https://", "www." or a dot + common top-level domain + word boundary
/// (`https?://|www\.|\.(com|org|net|io|co|de|fr|es|uk)\b`, case-insensitive).
pub fn has_url(head: &str) -> bool {
    const TLDS: [&[u8]; 9] = [b"com", b"org", b"net", b"io", b"co", b"de", b"fr", b"es", b"uk"];
    let b = head.as_bytes();
    // Every match needs one of these byte pairs: ":/" (a scheme), "w." (www.) or "." before a
    // letter that starts one of the domains. Most heads have none: one branch-free pass the
    // compiler vectorises rejects them before the scan below.
    let candidates = b.len() >= 2
        && b[..b.len() - 1].iter().zip(&b[1..]).fold(0u8, |acc, (&x, &y)| {
            let l = y | 0x20;
            let tld_first = (l == b'c') | (l == b'o') | (l == b'n') | (l == b'i') | (l == b'd') | (l == b'f')
                | (l == b'e') | (l == b'u');
            acc | (((x == b':') & (y == b'/')) | ((x == b'.') & tld_first) | (((x | 0x20) == b'w') & (y == b'.'))) as u8
        }) != 0;
    if !candidates {
        return false;
    }
    let at_ci = |i: usize, pat: &[u8]| b.len() >= i + pat.len() && b[i..i + pat.len()].eq_ignore_ascii_case(pat);
    // A word char starts at byte i (ASCII fast path; else decode).
    let word_at = |i: usize| match b.get(i) {
        None => false,
        Some(&c) if c < 0x80 => c.is_ascii_alphanumeric() || c == b'_',
        Some(_) => head.get(i..).and_then(|t| t.chars().next()).is_some_and(is_word),
    };
    // Anchor on the rare punctuation ("http://" has a ':', "www." and domains a '.') rather than
    // on letters that every English line is full of.
    for (i, &c) in b.iter().enumerate() {
        match c {
            b':' if b.get(i + 1..i + 3) == Some(b"//")
                && (i >= 4 && at_ci(i - 4, b"http") || i >= 5 && at_ci(i - 5, b"https")) =>
            {
                return true;
            }
            b'.' => {
                if i >= 3 && at_ci(i - 3, b"www") {
                    return true;
                }
                for tld in TLDS {
                    if at_ci(i + 1, tld) && !word_at(i + 1 + tld.len()) {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// Something like an e-mail address: `\w[\w.+-]*@\w[\w-]*\.\w`.
pub fn has_email(head: &[char]) -> bool {
    for (at, _) in head.iter().enumerate().filter(|(_, c)| **c == '@') {
        // Before: a run of [\w.+-] holding at least one word char.
        let mut k = at;
        let mut word_before = false;
        while k > 0 && (is_word(head[k - 1]) || matches!(head[k - 1], '.' | '+' | '-')) {
            k -= 1;
            word_before |= is_word(head[k]);
        }
        if !word_before {
            continue;
        }
        // After: \w [\w-]* \. \w
        let mut j = at + 1;
        if !head.get(j).is_some_and(|&c| is_word(c)) {
            continue;
        }
        while j < head.len() && (is_word(head[j]) || head[j] == '-') {
            j += 1;
        }
        if head.get(j) == Some(&'.') && head.get(j + 1).is_some_and(|&c| is_word(c)) {
            return true;
        }
    }
    false
}

/// A social handle: "@name" not preceded by a word char or dot (so not an e-mail address).
pub fn has_handle(head: &[char]) -> bool {
    head.iter().enumerate().any(|(i, &c)| {
        c == '@'
            && (i == 0 || !(is_word(head[i - 1]) || head[i - 1] == '.'))
            && head.get(i + 1).is_some_and(|&c| is_word(c))
            && head.get(i + 2).is_some_and(|&c| is_word(c))
    })
}

/// Counts of " - "/" – "/" — ", " | " and " · "/" • " separators (breadcrumbs, title bars),
/// non-overlapping like Python's `str.count`; a byte scan (all patterns start with a space).
pub fn separators(head: &str) -> (u32, u32, u32) {
    let b = head.as_bytes();
    // Most heads have no separator char after a space at all: that is seen in one branch-free
    // pass the compiler vectorises, and the counting loop below is skipped.
    let candidates = b.len() >= 2
        && b[..b.len() - 1].iter().zip(&b[1..]).fold(0u8, |acc, (&p, &c)| {
            acc | ((p == b' ') & ((c == b'-') | (c == b'|') | (c == 0xE2) | (c == 0xC2))) as u8
        }) != 0;
    if !candidates {
        return (0, 0, 0);
    }
    let (mut dash, mut pipe, mut dot) = (0, 0, 0);
    // Anchor on the separator chars' first bytes (rare) and look one byte back for the space.
    let mut free_from = 0usize; // non-overlapping: a match may not reuse an earlier match's bytes
    for (i, &c) in b.iter().enumerate() {
        if !matches!(c, b'-' | b'|' | 0xE2 | 0xC2) || i == 0 || i - 1 < free_from || b[i - 1] != b' ' {
            continue;
        }
        let (kind, len) = match &b[i..] {
            [b'-', b' ', ..] => (0, 1),
            [b'|', b' ', ..] => (1, 1),
            [0xE2, 0x80, 0x93 | 0x94, b' ', ..] => (0, 3), // – —
            [0xE2, 0x80, 0xA2, b' ', ..] => (2, 3),        // •
            [0xC2, 0xB7, b' ', ..] => (2, 2),              // ·
            _ => continue,
        };
        match kind {
            0 => dash += 1,
            1 => pipe += 1,
            _ => dot += 1,
        }
        free_from = i + len + 1;
    }
    (dash, pipe, dot)
}

/// Sentence ends (". ", "? ", "! ") among the first `2 * MAX_CHARS` chars, capped.
pub fn sentence_ends(text: &str) -> u32 {
    let limit = if text.len() > 2 * MAX_CHARS { prefix_bytes(text, 2 * MAX_CHARS) } else { text.len() };
    let b = &text.as_bytes()[..limit];
    // Chunked so the inner count vectorises and a long line still stops at the cap.
    let mut n = 0u32;
    let mut from = 0usize;
    while from + 1 < b.len() && n < MAX_SENTENCES {
        let to = (from + 4096).min(b.len() - 1);
        n += b[from..to]
            .iter()
            .zip(&b[from + 1..to + 1])
            .map(|(&p, &c)| ((c == b' ') & ((p == b'.') | (p == b'?') | (p == b'!'))) as u32)
            .sum::<u32>();
        from = to;
    }
    n.min(MAX_SENTENCES)
}

/// Bounded hash of a whole line: length plus the first and last 4 KiB. Two different lines that
/// agree on both ends and on length are vanishingly rare, and a 100 MB line costs 8 KiB.
pub fn exact_hash(text: &str) -> u64 {
    const PART: usize = 4096;
    let b = text.as_bytes();
    let h = FNV_OFFSET ^ EXACT_SEED ^ (b.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let h = if b.len() <= 2 * PART {
        hash_words(h, b)
    } else {
        hash_words(hash_words(h, &b[..PART]), &b[b.len() - PART..])
    };
    fmix64(h)
}

/// Eight bytes at a time: multiply-rotate mixing of little-endian words, then the tail bytes.
fn hash_words(mut h: u64, b: &[u8]) -> u64 {
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
    fnv_bytes(h, chunks.remainder())
}

/// Hash of a line's "key": the head after its list marker, runs of punctuation/space/underscore
/// collapsed to one space, trimmed, lower-cased. Lines with equal keys differ only in markers,
/// punctuation or case: a table-of-contents entry and its heading, a caption and its repeat.
pub fn key_hash(after_marker: &[char]) -> u64 {
    let mut h = FNV_OFFSET ^ KEY_SEED;
    let mut emitted = false;
    let mut pending_sep = false;
    for &c in after_marker {
        if is_word(c) && c != '_' {
            if pending_sep && emitted {
                h = fnv_unit(h, ' ' as u32);
            }
            if c.is_ascii() {
                h = fnv_unit(h, c.to_ascii_lowercase() as u32);
            } else {
                for l in c.to_lowercase() {
                    h = fnv_unit(h, l as u32);
                }
            }
            emitted = true;
            pending_sep = false;
        } else {
            pending_sep = true;
        }
    }
    fmix64(h)
}

/// [`key_hash`] of an ASCII head given as bytes (an ASCII char's code point is its byte): each
/// run of letters and digits is hashed in a tight loop, one space before every run but the
/// first (runs are separated by other chars), rather than a per-char test of where a
/// separator is pending.
pub fn key_hash_ascii(after_marker: &[u8]) -> u64 {
    let mut h = FNV_OFFSET ^ KEY_SEED;
    let (n, mut i) = (after_marker.len(), 0usize);
    let mut emitted = false;
    while i < n {
        if !after_marker[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        if emitted {
            h = fnv_unit(h, ' ' as u32);
        }
        while i < n && after_marker[i].is_ascii_alphanumeric() {
            h = fnv_unit(h, after_marker[i].to_ascii_lowercase() as u32);
            i += 1;
        }
        emitted = true;
    }
    fmix64(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn shape(s: &str) -> Shape {
        line_shape(s, &mut ShapeScratch::default(), &mut Vec::new())
    }

    #[test]
    fn words_case_and_function_words() {
        let s = shape("The NASA team didn't say Why");
        assert_eq!(s.n_words, 6);
        assert_eq!(s.title, 3); // The, NASA, Why
        assert_eq!(s.caps, 1);
        assert_eq!(s.stop_en, 1); // "the"
        let mut content = Vec::new();
        line_shape("Die Bibliothek und das Rathaus", &mut ShapeScratch::default(), &mut content);
        assert_eq!(content.len(), 2); // bibliothek, rathaus
    }

    /// Word statistics the plain way: letter runs joined by inner apostrophes, each word
    /// lower-cased char by char into a String and hashed whole.
    fn reference_words(line: &str) -> (u32, u32, u32, u32, u32, Vec<u64>) {
        let head: Vec<char> = line.chars().take(HEAD_CHARS).collect();
        let (mut n, mut title, mut caps, mut en, mut any, mut content) = (0, 0, 0, 0, 0, Vec::new());
        let mut i = 0;
        while i < head.len() {
            if !is_letter(head[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            loop {
                while j < head.len() && is_letter(head[j]) {
                    j += 1;
                }
                if j + 1 < head.len() && matches!(head[j], '\'' | '\u{2019}') && is_letter(head[j + 1]) {
                    j += 1;
                    continue;
                }
                break;
            }
            let w = &head[i..j];
            let lower: String = w.iter().flat_map(|c| c.to_lowercase()).collect();
            n += 1;
            title += w[0].is_uppercase() as u32;
            caps += (w.len() > 1 && w.iter().any(|c| c.is_uppercase()) && !w.iter().any(|c| c.is_lowercase())) as u32;
            match crate::text::stop_kind(&lower) {
                crate::text::Stop::English => (en, any) = (en + 1, any + 1),
                crate::text::Stop::Other => any += 1,
                crate::text::Stop::None if w.len() >= CONTENT_MIN_CHARS => content.push(crate::text::word_hash(lower.as_bytes())),
                crate::text::Stop::None => {}
            }
            i = j;
        }
        (n, title, caps, en, any, content)
    }

    #[test]
    fn word_statistics_match_the_plain_computation() {
        // ASCII lines take the byte path, the others the char walk: both against the plain way.
        let lines = [
            "The NASA team didn't say Why", "don't 'quoted' rock'n'roll O'NEIL ab'", "x", "A", "AB cD Ef GH",
            "Die Bibliothek und das Rathaus", "the and of to the", "word-word_word 123abc abc123",
            "İstanbul'da İSTANBUL ıi", "STRASSE Straße ß ẞ", "ΣΊΣΥΦΟΣ σοφός ΌΣΟΣ", "l’homme d’État",
            "e\u{301}te\u{301} café CAFÉ", "東京タワー 北京大学 한국어", "\0nul\0 text", "ǅungla Ǆ ǆ",
            "KELVIN \u{212a}elvin Ωmega", &"long words everywhere ".repeat(30),
        ];
        for line in lines {
            let mut content = Vec::new();
            let s = line_shape(line, &mut ShapeScratch::default(), &mut content);
            let (n, title, caps, en, any, want) = reference_words(line);
            assert_eq!((s.n_words, s.title, s.caps, s.stop_en, s.stop_any), (n, title, caps, en, any), "{line:?}");
            assert_eq!(content, want, "{line:?}");
        }
    }

    #[test]
    fn markers_are_recognised_with_their_trailing_space() {
        assert_eq!(marker_len(&chars("- item")), Some(2));
        assert_eq!(marker_len(&chars("12. item")), Some(4));
        assert_eq!(marker_len(&chars("1234. item")), None);
        assert_eq!(marker_len(&chars("b) item")), Some(3));
        assert_eq!(marker_len(&chars("#3 item")), Some(3));
        assert_eq!(marker_len(&chars("(12) item")), Some(5));
        assert_eq!(marker_len(&chars("Item")), None);
        assert_eq!(marker_len(&[]), None);
    }

    #[test]
    fn key_value_needs_a_short_name_a_colon_and_a_value() {
        assert!(key_value(&chars("Photo: Reuters")));
        assert!(key_value(&chars("Posted by : admin")));
        assert!(!key_value(&chars("Photo:")));
        assert!(!key_value(&chars("1 Photo: x")));
        assert!(!key_value(&chars(&format!("{}: x", "a".repeat(40)))));
    }

    #[test]
    fn urls_emails_handles() {
        assert!(has_url("see https://x.y"));
        assert!(has_url("Visit WWW.example"));
        assert!(has_url("example.com/page"));
        assert!(has_url("example.co.uk"));
        assert!(!has_url("the company's report"));
        assert!(!has_url("example.community"));
        assert!(!has_url("exemple.comé"));
        assert!(has_email(&chars("mail jo.doe+x@mail-host.org now")));
        assert!(!has_email(&chars("@mail.org")));
        assert!(has_handle(&chars("follow @textsieve")));
        assert!(!has_handle(&chars("jo@example.org")));
    }

    #[test]
    fn quick_rejects_never_hide_a_url_or_separator() {
        // Every pattern of has_url/separators next to text that only looks close, at the start,
        // middle and end of a head: the branch-free pre-checks must let each real one through.
        let urls = ["http://x", "HTTPS://x", "www.x", "WWW.", "a.com", "a.ORG", "a.net", "a.io", "a.co", "a.de",
                    "a.fr", "a.es", "a.uk", ".com"];
        for u in urls {
            for t in [u.to_string(), format!("see {u} now"), format!("text … {u}"), format!("«{u}»")] {
                assert!(has_url(&t), "{t:?}");
            }
        }
        for t in ["e.g. this", "3.5 km", "end. Next", "http:/x", "a.cot", "ww x", "the w. x", ""] {
            assert!(!has_url(t), "{t:?}");
        }
        assert_eq!(separators("a - b"), (1, 0, 0));
        assert_eq!(separators("a | b"), (0, 1, 0));
        assert_eq!(separators("a – b — c"), (2, 0, 0));
        assert_eq!(separators("a · b • c"), (0, 0, 2));
        assert_eq!(separators("a-b|c –d “quoted” x -"), (0, 0, 0));
        assert_eq!(separators(""), (0, 0, 0));
    }

    #[test]
    fn separators_and_sentence_ends_are_counted() {
        assert_eq!(separators("Home - News | World · Europe • x"), (1, 1, 2));
        assert_eq!(separators("a – b — c"), (2, 0, 0));
        assert_eq!(separators(" - - "), (1, 0, 0)); // non-overlapping
        assert_eq!(sentence_ends("One. Two? Three! Four."), 3);
        assert_eq!(sentence_ends(&"a. ".repeat(1000)), MAX_SENTENCES);
    }

    #[test]
    fn keys_ignore_markers_punctuation_and_case() {
        let a = chars("Military Ties: Beyond the Headlines");
        let b = chars("military ties -- beyond the headlines!");
        assert_eq!(key_hash(&a), key_hash(&b));
        assert_ne!(key_hash(&a), key_hash(&chars("Military Ties")));
        let m = chars("- Military Ties: Beyond the Headlines");
        assert_eq!(key_hash(&m[marker_len(&m).unwrap()..]), key_hash(&a));
    }

    #[test]
    fn ascii_keys_are_the_char_keys() {
        for t in ["", " ", "_", "a", "A_b", "  Military Ties: Beyond the Headlines!! ", "x--y__z 12.5%", "...a", "a...",
                  "\0\x01ab\x7fCD", "don't STOP", "tab\there"] {
            assert_eq!(key_hash_ascii(t.as_bytes()), key_hash(&chars(t)), "{t:?}");
        }
    }

    #[test]
    fn exact_hash_sees_length_and_both_ends() {
        let long_a = format!("{}x{}", "a".repeat(10_000), "b".repeat(10_000));
        let long_b = format!("{}y{}", "a".repeat(10_000), "b".repeat(10_000));
        assert_eq!(exact_hash(&long_a), exact_hash(&long_b)); // documented bound
        assert_ne!(exact_hash("abc"), exact_hash("abd"));
        assert_ne!(exact_hash(&long_a), exact_hash(&long_a[1..]));
    }
}
