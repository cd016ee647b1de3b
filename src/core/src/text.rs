//! Small text utilities shared by segmentation and features: Python-like character classes,
//! bounded prefix/suffix slicing, lower-casing into reusable buffers, stop words and the stable
//! hashes the featurizer uses.
//!
//! The Python implementation leaned on `str.strip()`, `str.isupper()` and the `re` module's
//! Unicode `\w`/`\d`/`\s`; these helpers give the same meaning with std `char` methods and no
//! regex engine, so every per-line scan is a single pass over a bounded slice.

/// Python's `str.isspace()`: Unicode White_Space plus the ASCII information separators
/// (U+001C..U+001F), which Python also strips.
#[inline]
pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f')
    } else {
        c.is_whitespace()
    }
}

/// Python regex `\w` (Unicode): alphanumeric or underscore.
#[inline]
pub fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric()
    }
}

/// A decimal digit (Python regex `\d`, close to `str.isdigit()` for text we meet). Non-ASCII
/// numerics (Arabic-Indic, fullwidth digits, superscripts) count too.
#[inline]
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric()
    }
}

/// A letter in the sense of the Python `[^\W\d_]` class: a word character that is neither a
/// digit nor underscore.
#[inline]
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic()
    }
}

/// Python `str.strip()`: the byte range of `s` without leading/trailing [`is_space`] chars.
/// Scans only the whitespace it removes, so a long line costs nothing here.
pub fn strip_range(s: &str) -> (usize, usize) {
    let start = s.char_indices().find(|&(_, c)| !is_space(c)).map_or(s.len(), |(i, _)| i);
    if start == s.len() {
        return (start, start);
    }
    let end = s.char_indices().rev().find(|&(_, c)| !is_space(c)).map(|(i, c)| i + c.len_utf8()).unwrap_or(start);
    (start, end)
}

/// Byte length of the first `n` chars of `s` (all of `s` when shorter). Looks at `n` chars at most.
#[inline]
pub fn prefix_bytes(s: &str, n: usize) -> usize {
    if s.len() <= n {
        return s.len(); // fewer bytes than n means fewer chars than n
    }
    if s.as_bytes()[..n].is_ascii() {
        return n; // n ASCII bytes are n chars, and the next char starts at byte n
    }
    match s.char_indices().nth(n) {
        Some((i, _)) => i,
        None => s.len(),
    }
}

/// Byte offset where the last `n` chars of `s` start (0 when `s` is shorter).
#[inline]
pub fn suffix_start(s: &str, n: usize) -> usize {
    if n == 0 {
        return s.len();
    }
    if s.len() >= n && s.as_bytes()[s.len() - n..].is_ascii() {
        return s.len() - n; // the last n bytes are ASCII: n chars, the first on a boundary
    }
    match s.char_indices().rev().nth(n - 1) {
        Some((i, _)) => i,
        None => 0,
    }
}

/// Number of chars in `s`, counting at most `cap` (a cheap count that stops early).
#[inline]
pub fn char_count_capped(s: &str, cap: usize) -> usize {
    if s.len() <= cap {
        return s.chars().count();
    }
    // Count non-continuation bytes until the cap is reached.
    let mut n = 0usize;
    for &b in s.as_bytes() {
        if (b as i8) >= -0x40 {
            n += 1;
            if n > cap {
                return cap;
            }
        }
    }
    n.min(cap)
}

/// Append the lower-case form of `c` to `out` (ASCII fast path).
#[inline]
pub fn push_lower(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        for l in c.to_lowercase() {
            out.push(l);
        }
    }
}

/// Function words of the languages textsieve is trained on. Their share separates running
/// prose (any language) from title lists, captions and form fields, and is stable across topics.
pub const STOP_EN: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been", "but", "by",
    "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "just", "more", "most", "my", "no", "not", "of", "on", "one", "only", "or",
    "other", "our", "out", "over", "she", "so", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "to", "up", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "will", "with", "would", "you", "your",
];

/// German, French and Spanish function words (a word listed in English too counts as English).
pub const STOP_OTHER: &[&str] = &[
    "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "einen", "dem", "den", "des", "mit", "sich", "auf",
    "für", "von", "zu", "im", "auch", "es", "sie", "er", "wir", "ich", "aber", "als", "wie", "oder", "wenn", "noch",
    "nach", "bei", "aus", "um", "hat", "sind", "war", "werden", "wird", "kann", "le", "la", "les", "et", "est", "un",
    "une", "des", "du", "de", "dans", "pour", "pas", "que", "qui", "sur", "au", "aux", "avec", "ce", "cette", "il",
    "elle", "nous", "vous", "ils", "sont", "mais", "ou", "plus", "par", "se", "ne", "son", "sa", "ses", "leur", "été",
    "être", "el", "los", "las", "y", "es", "un", "una", "unos", "del", "al", "en", "por", "para", "con", "que", "se",
    "no", "su", "sus", "lo", "como", "más", "pero", "o", "muy", "ya", "este", "esta", "ha", "son", "fue", "ser",
    "está", "entre", "cuando", "también",
];

/// What kind of function word a lower-case word is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    None,
    English,
    Other,
}

struct StopTable {
    slots: Vec<(u64, u8)>, // (hash, kind) ; kind 0 = empty
    mask: usize,
}

fn stop_table() -> &'static StopTable {
    static TABLE: std::sync::OnceLock<StopTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let size = 1024usize;
        let mut slots = vec![(0u64, 0u8); size];
        let mut insert = |w: &str, kind: u8| {
            let h = word_hash(w.as_bytes());
            let mut i = (h as usize) & (size - 1);
            loop {
                if slots[i].1 == 0 {
                    slots[i] = (h, kind);
                    return;
                }
                if slots[i].0 == h {
                    return; // first insertion wins: English before other languages
                }
                i = (i + 1) & (size - 1);
            }
        };
        for w in STOP_EN {
            insert(w, 1);
        }
        for w in STOP_OTHER {
            insert(w, 2);
        }
        StopTable { slots, mask: size - 1 }
    })
}

/// The hash the stop table and the content-word sets use for a lower-case word: FNV-1a of its
/// UTF-8 bytes, finalised. Callers may compute it streaming (see [`fnv_bytes`]) without building
/// the lower-case string.
#[inline]
pub fn word_hash(lower_utf8: &[u8]) -> u64 {
    fmix64(fnv_bytes(FNV_OFFSET, lower_utf8))
}

/// Longest stop word in bytes ("también"); longer words skip the lookup.
pub const MAX_STOP_BYTES: usize = 8;

/// Look a lower-case word up in the stop lists (64-bit hash table, built once).
pub fn stop_kind(lower_word: &str) -> Stop {
    stop_kind_hashed(word_hash(lower_word.as_bytes()), lower_word.len())
}

/// [`stop_kind`] for a word already hashed with [`word_hash`] (`byte_len` is its UTF-8 length).
#[inline]
pub fn stop_kind_hashed(h: u64, byte_len: usize) -> Stop {
    if byte_len > MAX_STOP_BYTES {
        return Stop::None;
    }
    let t = stop_table();
    let mut i = (h as usize) & t.mask;
    loop {
        let (sh, kind) = t.slots[i];
        match kind {
            0 => return Stop::None,
            _ if sh == h => return if kind == 1 { Stop::English } else { Stop::Other },
            _ => i = (i + 1) & t.mask,
        }
    }
}

// ---- stable hashing -------------------------------------------------------------------------
// FNV-1a over bytes (or code points), then a murmur3 finaliser so the low bits used for the
// bucket index are well mixed. Seeded constants, never std's RandomState: a feature index must
// be the same in every process, on every machine, for the life of a model.

pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Feed `bytes` into an FNV-1a state.
#[inline]
pub fn fnv_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Feed one unit (a code point) into an FNV-style state.
#[inline]
pub fn fnv_unit(h: u64, unit: u32) -> u64 {
    (h ^ unit as u64).wrapping_mul(FNV_PRIME)
}

/// murmur3's 64-bit finaliser.
#[inline]
pub fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

/// Stable 64-bit hash of `bytes` under `seed`.
#[inline]
pub fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    fmix64(fnv_bytes(FNV_OFFSET ^ seed, bytes))
}

/// Number of bytes of `b` that start a char (every byte but UTF-8 continuation bytes). Counted
/// in byte-wide lanes, 255 bytes at a time so a lane cannot overflow: the compiler vectorises
/// this at full byte width, where a `usize` sum widens every byte first.
#[inline]
fn count_char_starts(b: &[u8]) -> usize {
    b.chunks(255).map(|c| c.iter().fold(0u8, |n, &x| n + ((x as i8) >= -0x40) as u8) as usize).sum()
}

/// Char offsets for sorted byte offsets into `text`, in one pass over `text`.
///
/// Python callers slice with character offsets; the core works in bytes. Offsets must be
/// non-decreasing; an offset inside a multi-byte char maps to that char's index, and offsets past
/// the end map to the char length of `text`.
pub fn char_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(byte_offsets.len());
    let mut pos = 0usize; // byte position scanned so far
    let mut chars = 0usize; // chars in bytes[..pos]
    for &off in byte_offsets {
        let target = off.min(bytes.len()).max(pos); // unsorted offsets never move backwards
        chars += count_char_starts(&bytes[pos..target]);
        pos = target;
        // A target inside a char: the char started before target and was counted already.
        let inside = pos < bytes.len() && (bytes[pos] as i8) < -0x40;
        out.push(if inside { chars - 1 } else { chars });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_matches_python_whitespace_including_cr_and_separators() {
        let s = "\r\n\u{a0} x y \x1c\r";
        let (a, b) = strip_range(s);
        assert_eq!(&s[a..b], "x y");
        assert_eq!(strip_range(" \r\t"), (3, 3));
        assert_eq!(strip_range(""), (0, 0));
    }

    #[test]
    fn stop_words_are_found_by_language() {
        assert_eq!(stop_kind("the"), Stop::English);
        assert_eq!(stop_kind("und"), Stop::Other);
        assert_eq!(stop_kind("también"), Stop::Other);
        assert_eq!(stop_kind("no"), Stop::English); // listed in both: English wins
        assert_eq!(stop_kind("library"), Stop::None);
        assert_eq!(stop_kind(""), Stop::None);
    }

    #[test]
    fn char_offsets_count_chars_not_bytes() {
        let t = "aé€b\n𝄞c";
        let offs: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
        assert_eq!(char_offsets(t, &offs), (0..=t.chars().count()).collect::<Vec<_>>());
        assert_eq!(char_offsets(t, &[2]), vec![1]); // inside 'é' -> its index
        assert_eq!(char_offsets("", &[0, 5]), vec![0, 0]);
        // Long ranges (past one 255-byte lane chunk) of mixed widths count like `chars()`.
        let long = "aé€𝄞".repeat(200);
        let offs: Vec<usize> = long.char_indices().map(|(i, _)| i).step_by(37).chain([long.len()]).collect();
        let want: Vec<usize> = offs.iter().map(|&o| long[..o].chars().count()).collect();
        assert_eq!(char_offsets(&long, &offs), want);
        assert_eq!(count_char_starts(long.as_bytes()), long.chars().count());
    }

    #[test]
    fn prefix_suffix_and_capped_counts_are_char_based() {
        let s = "ééééé";
        assert_eq!(prefix_bytes(s, 2), 4);
        assert_eq!(prefix_bytes(s, 9), s.len());
        assert_eq!(suffix_start(s, 2), 6);
        assert_eq!(suffix_start(s, 9), 0);
        assert_eq!(char_count_capped(s, 3), 3);
        assert_eq!(char_count_capped(s, 30), 5);
        // ASCII runs take the shortcut; mixed text the char walk: same answers.
        for t in ["abcdef", "ab\u{e9}cdef", "abcd\u{e9}f", "\u{e9}bcdef", "abc\u{1d11e}"] {
            for n in 0..8 {
                let want_p = t.char_indices().nth(n).map_or(t.len(), |(i, _)| i);
                let want_s = if n == 0 { t.len() } else { t.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i) };
                assert_eq!((prefix_bytes(t, n), suffix_start(t, n)), (want_p, want_s), "{t:?} {n}");
            }
        }
    }

    #[test]
    fn hashing_is_stable_across_runs() {
        // Pinned values: a change here silently invalidates every trained model.
        assert_eq!(hash_bytes(b"textsieve", 0), hash_bytes(b"textsieve", 0));
        assert_ne!(hash_bytes(b"textsieve", 0), hash_bytes(b"textsieve", 1));
        assert_eq!(fnv_bytes(FNV_OFFSET, b"a"), 0xaf63dc4c8601ec8c); // published FNV-1a 64 vector
    }
}
