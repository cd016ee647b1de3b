//! Hashed n-grams of a bounded snippet of each line: word uni+bigrams and `char_wb` 3-4-grams.
//!
//! What the Python featurizer got from scikit-learn's `HashingVectorizer`, with our own stable
//! hash instead of murmur3 (the model is retrained on these indices):
//!
//! * the snippet is the first `max_chars` chars of the line, plus (when the line is longer than
//!   `max_chars + max_chars/4`) a space and its last `max_chars/4` chars, lower-cased: headings,
//!   link titles and captions live at a line's start, glued junk at its end;
//! * word tokens are maximal runs of word chars (`(?u)\b\w+\b`); unigrams and bigrams ("w1 w2")
//!   hash into `[0, n_word)`;
//! * char n-grams: each whitespace-separated word of the snippet's first `char_chars` chars is
//!   padded with one space on each side; its 3- and 4-grams (or the whole padded word when it is
//!   shorter than n) hash into `[n_word, n_word + n_char)`;
//! * counts are summed per index, each block is L2-normalised separately, and a row's indices are
//!   sorted (canonical CSR).
//!
//! Hash: FNV-1a over a word's UTF-8 bytes from a seeded offset (a bigram combines its two words'
//! states); a char n-gram packs its code points (three 21-bit code points fit one u64 exactly).
//! Then murmur3's 64-bit finaliser, scaled to the block size by multiply-shift. Stable across
//! processes and machines; pinned by a test.

use crate::text::{
    fmix64, fnv_bytes, fnv_unit, is_space, is_word, prefix_bytes, push_lower, suffix_start, FNV_OFFSET, FNV_PRIME,
};

const WORD_SEED: u64 = 0x776f_7264_5f6e_6772; // "word_ngr"
const CHAR_SEED: u64 = 0x6368_6172_5f6e_6772; // "char_ngr"
const CHAR_SEED4: u64 = 0x6368_6172_345f_6772; // "char4_gr"

/// Reusable buffers: no heap allocation per line once warmed up.
#[derive(Default)]
pub struct HashScratch {
    low: String,
    tokens: Vec<(u32, u32)>,
    units: Vec<u32>,
    tmp: Vec<u32>,
    idx: Vec<u32>,
}

/// Bucket of a finished FNV state in a block of `n` columns: the mixed hash's high bits scaled
/// to `[0, n)` (multiply-shift, no division; works for any `n`).
#[inline]
fn bucket(h: u64, n: u32) -> u32 {
    ((fmix64(h) as u128 * n as u128) >> 64) as u32
}

/// A bigram's state from its two words' states (order matters: "a b" != "b a").
#[inline]
fn bigram(prev: u64, cur: u64) -> u64 {
    fmix64(prev.rotate_left(23) ^ BIGRAM_SEED).wrapping_add(cur).wrapping_mul(FNV_PRIME)
}

const BIGRAM_SEED: u64 = 0x6269_6772_616d_5f5f; // "bigram__"

/// Hash one line and append its row (sorted indices, L2-normalised values per block).
#[allow(clippy::too_many_arguments)]
pub fn hash_line(
    text: &str,
    n_word: u32,
    n_char: u32,
    max_chars: usize,
    char_chars: usize,
    scratch: &mut HashScratch,
    indices: &mut Vec<u32>,
    values: &mut Vec<f32>,
) {
    let tail = (max_chars / 4).max(1);
    // Snippet, lower-cased into `low`; `char_end` marks its first `char_chars` (source) chars.
    let low = &mut scratch.low;
    low.clear();
    let head_end = prefix_bytes(text, max_chars + tail);
    let (first, second) = if head_end >= text.len() {
        (text, "")
    } else {
        (&text[..prefix_bytes(text, max_chars)], &text[suffix_start(text, tail)..])
    };
    let mut char_end = usize::MAX;
    if first.is_ascii() && second.is_ascii() {
        // Fast path: one byte per char, bulk copy and lower-case.
        low.push_str(first);
        if !second.is_empty() {
            low.push(' ');
            low.push_str(second);
        }
        low.make_ascii_lowercase();
        char_end = char_chars;
    } else {
        let mut n_src = 0usize;
        for c in first.chars() {
            if n_src == char_chars {
                char_end = low.len();
            }
            push_lower(low, c);
            n_src += 1;
        }
        if !second.is_empty() {
            if n_src == char_chars {
                char_end = low.len();
            }
            low.push(' ');
            n_src += 1;
            for c in second.chars() {
                if n_src == char_chars {
                    char_end = low.len();
                }
                push_lower(low, c);
                n_src += 1;
            }
        }
    }
    let char_end = char_end.min(low.len());
    let low: &str = low;

    // Word uni+bigrams.
    if n_word > 0 {
        let idx = &mut scratch.idx;
        idx.clear();
        if low.is_ascii() {
            word_ngrams_ascii(low.as_bytes(), n_word, idx);
        } else {
            word_ngrams(low, n_word, &mut scratch.tokens, idx);
        }
        push_block(idx, n_word, &mut scratch.tmp, 0, indices, values);
    }

    // char_wb 3-4-grams.
    if n_char > 0 {
        let idx = &mut scratch.idx;
        idx.clear();
        let units = &mut scratch.units;
        units.clear();
        for c in low[..char_end].chars() {
            if is_space(c) {
                if !units.is_empty() {
                    units.push(' ' as u32);
                    char_ngrams(units, n_char, idx);
                    units.clear();
                }
            } else {
                if units.is_empty() {
                    units.push(' ' as u32);
                }
                units.push(c as u32);
            }
        }
        if !units.is_empty() {
            units.push(' ' as u32);
            char_ngrams(units, n_char, idx);
        }
        push_block(idx, n_char, &mut scratch.tmp, n_word, indices, values);
    }
}

/// Bucket indices of the word unigrams and bigrams of lower-cased `low`, in token order
/// (each unigram, then the bigram it ends): tokens are maximal runs of word chars.
fn word_ngrams(low: &str, n_word: u32, tokens: &mut Vec<(u32, u32)>, idx: &mut Vec<u32>) {
    tokens.clear();
    let bytes = low.as_bytes();
    let mut start: Option<usize> = None;
    let mut i = 0usize;
    while i < bytes.len() {
        let (word, len) = if bytes[i] < 0x80 {
            let c = bytes[i];
            (c.is_ascii_alphanumeric() || c == b'_', 1)
        } else {
            let c = low[i..].chars().next().unwrap_or(' ');
            (is_word(c), c.len_utf8())
        };
        if word {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            tokens.push((s as u32, i as u32));
        }
        i += len;
    }
    if let Some(s) = start {
        tokens.push((s as u32, bytes.len() as u32));
    }
    let seed = FNV_OFFSET ^ WORD_SEED;
    let mut prev: Option<u64> = None;
    for &(s, e) in tokens.iter() {
        let h = fnv_bytes(seed, &bytes[s as usize..e as usize]);
        idx.push(bucket(h, n_word));
        if let Some(p) = prev {
            idx.push(bucket(bigram(p, h), n_word));
        }
        prev = Some(h);
    }
}

/// [`word_ngrams`] of an ASCII snippet (most lines): tokens found and hashed in one pass over
/// the bytes, each token's state fed as its bytes go by. The same indices in the same order,
/// without the token list and the second loop (whose exit mispredicts once per token).
fn word_ngrams_ascii(low: &[u8], n_word: u32, idx: &mut Vec<u32>) {
    let seed = FNV_OFFSET ^ WORD_SEED;
    let mut prev: Option<u64> = None;
    let mut emit = |h: u64, idx: &mut Vec<u32>| {
        idx.push(bucket(h, n_word));
        if let Some(p) = prev {
            idx.push(bucket(bigram(p, h), n_word));
        }
        prev = Some(h);
    };
    let mut h = seed;
    let mut in_token = false;
    for &c in low {
        if c.is_ascii_alphanumeric() || c == b'_' {
            h = (h ^ c as u64).wrapping_mul(FNV_PRIME);
            in_token = true;
        } else if in_token {
            emit(h, idx);
            h = seed;
            in_token = false;
        }
    }
    if in_token {
        emit(h, idx);
    }
}

/// The 3- and 4-grams of one space-padded word (the whole word when shorter than n, as
/// scikit-learn's `char_wb` does: " a " is emitted for n=3 and again for n=4).
#[inline]
fn char_ngrams(padded: &[u32], n_char: u32, idx: &mut Vec<u32>) {
    let len = padded.len();
    for n in 3..=4usize {
        if len <= n {
            idx.push(bucket(units_hash(padded), n_char));
        } else {
            // `extend` over windows (exact length known) reserves once, no check per n-gram.
            idx.extend(padded.windows(n).map(|w| bucket(units_hash(w), n_char)));
        }
    }
}

/// Hash of 3 or 4 code points: three 21-bit code points pack exactly into 63 bits (no collision
/// before the final mix); a fourth is folded in after one mix. Equal strings hash equally
/// whatever n they came from.
#[inline]
fn units_hash(u: &[u32]) -> u64 {
    match u.len() {
        3 => pack3(u) ^ CHAR_SEED,
        4 => fmix64(pack3(u) ^ CHAR_SEED4).wrapping_add(u[3] as u64).wrapping_mul(FNV_PRIME),
        _ => u.iter().fold(FNV_OFFSET ^ CHAR_SEED, |h, &c| fnv_unit(h, c)), // not reached: padded words have >= 3
    }
}

#[inline]
fn pack3(u: &[u32]) -> u64 {
    (u[0] as u64) | (u[1] as u64) << 21 | (u[2] as u64) << 42
}

/// Sort `idx` (values < `n`), sum duplicates into counts, L2-normalise, append (offset by `base`).
fn push_block(idx: &mut [u32], n: u32, tmp: &mut Vec<u32>, base: u32, indices: &mut Vec<u32>, values: &mut Vec<f32>) {
    if idx.is_empty() {
        return;
    }
    radix_sort(idx, n, tmp);
    // Written into slots sized for the worst case (every index distinct), then cut to the
    // distinct count: no capacity check per entry as `push` has. Without branches on the data
    // (duplicates come at random): each index is written to the next free slot together with
    // where its run starts, and the slot is kept (`o` advances) only when the index is new; a
    // repeat's write lands in the next free slot, which the next new index overwrites.
    let m = idx.len();
    let from = values.len();
    indices.resize(from + m, 0);
    values.resize(from + m, 0.0);
    tmp.clear();
    tmp.resize(m + 1, 0);
    let starts = &mut tmp[..];
    let out_i = &mut indices[from..];
    let mut o = 0usize;
    let mut prev = u32::MAX; // never an index: indices are < n <= u32::MAX
    for (i, &x) in idx.iter().enumerate() {
        let new = x != prev;
        out_i[o] = base.wrapping_add(x);
        starts[o] = i as u32;
        o += new as usize;
        prev = x;
    }
    starts[o] = m as u32;
    let mut norm = 0u64; // sum of squared counts, exact
    for (v, w) in values[from..from + o].iter_mut().zip(starts.windows(2)) {
        let count = (w[1] - w[0]) as u64;
        norm += count * count;
        *v = count as f32;
    }
    indices.truncate(from + o);
    values.truncate(from + o);
    let inv = (1.0 / (norm as f64).sqrt()) as f32;
    for v in &mut values[from..] {
        *v *= inv;
    }
}

/// Sort bucket indices (uniform in `[0, n)`): distribute into `2 len` buckets by a monotone
/// scaling, then one insertion-sort pass fixes the order within buckets (expected O(len)).
/// Comparison sorts mispredict on every other comparison of random keys; this does not.
fn radix_sort(v: &mut [u32], n: u32, tmp: &mut Vec<u32>) {
    let m = v.len();
    if m <= 16 {
        v.sort_unstable();
        return;
    }
    let n = (n as u64).max(1);
    // 2m buckets (few collisions); floor(x * 2m / n) without a division per element: monotone
    // in x and < 2m for x < n.
    let k = 2 * m;
    let scale = ((k as u64) << 32) / n;
    let slot = |x: u32| (((x as u64).min(n - 1) * scale) >> 32) as usize;
    tmp.clear();
    tmp.resize(k + 1 + m, 0);
    let (counts, out) = tmp.split_at_mut(k + 1);
    for &x in v.iter() {
        counts[slot(x) + 1] += 1;
    }
    let mut acc = 0u32; // running sum: no store-to-load chain through `counts`
    for c in counts.iter_mut() {
        acc += *c;
        *c = acc;
    }
    for &x in v.iter() {
        let b = slot(x);
        out[counts[b] as usize] = x;
        counts[b] += 1;
    }
    // Insertion sort, its common steps without branches: an index out of order within its
    // bucket (a fifth of them, at random) swaps with its predecessor by min/max; only one that
    // also precedes the element before that (three in one bucket: rare) takes the loop.
    // `last` and `before` hold out[i - 1] and out[i - 2] in registers (no reload of a value
    // just stored).
    let (mut last, mut before) = (out[0], 0u32);
    for i in 1..m {
        let x = out[i];
        let (lo, hi) = (last.min(x), last.max(x));
        out[i - 1] = lo;
        out[i] = hi;
        last = hi;
        if i >= 2 && before > lo {
            let mut j = i - 1;
            while j > 0 && out[j - 1] > lo {
                out[j] = out[j - 1];
                j -= 1;
            }
            out[j] = lo;
            before = out[i - 1];
        } else {
            before = lo;
        }
    }
    v.copy_from_slice(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str, n_word: u32, n_char: u32) -> (Vec<u32>, Vec<f32>) {
        let (mut i, mut v) = (Vec::new(), Vec::new());
        hash_line(text, n_word, n_char, 200, 64, &mut HashScratch::default(), &mut i, &mut v);
        (i, v)
    }

    fn block_norm(idx: &[u32], val: &[f32], lo: u32, hi: u32) -> f32 {
        idx.iter().zip(val).filter(|(i, _)| (lo..hi).contains(*i)).map(|(_, v)| v * v).sum::<f32>().sqrt()
    }

    #[test]
    fn radix_sort_sorts_any_block_size() {
        let mut tmp = Vec::new();
        for n in [1u32, 255, 256, 1 << 16, 1 << 18, u32::MAX] {
            let mut v: Vec<u32> = (0..300u64).map(|i| (fmix64(i) % n as u64) as u32).collect();
            let mut expect = v.clone();
            expect.sort_unstable();
            radix_sort(&mut v, n, &mut tmp);
            assert_eq!(v, expect, "n = {n}");
        }
    }

    #[test]
    fn push_block_counts_like_a_plain_sort_and_run_count() {
        // The branch-free run counting against the obvious loop: sizes around the small-sort
        // cut-off, blocks from all-equal to all-distinct, an offset base.
        let (mut tmp, mut seed) = (Vec::new(), 1u64);
        for m in [1usize, 2, 3, 16, 17, 40, 129, 300] {
            for n in [1u32, 3, 50, 1 << 16, 1 << 18] {
                seed += 1;
                let idx: Vec<u32> = (0..m as u64).map(|i| (fmix64(seed * 1000 + i) % n as u64) as u32).collect();
                let (mut got_i, mut got_v) = (vec![7u32], vec![0.5f32]); // earlier rows stay
                push_block(&mut idx.clone(), n, &mut tmp, 100, &mut got_i, &mut got_v);
                let mut sorted = idx.clone();
                sorted.sort_unstable();
                let (mut want_i, mut counts) = (vec![7u32], Vec::new());
                for (j, &x) in sorted.iter().enumerate() {
                    if j > 0 && sorted[j - 1] == x {
                        *counts.last_mut().unwrap() += 1u64;
                    } else {
                        want_i.push(100 + x);
                        counts.push(1u64);
                    }
                }
                let inv = (1.0 / (counts.iter().map(|c| c * c).sum::<u64>() as f64).sqrt()) as f32;
                let want_v: Vec<f32> = [0.5f32].into_iter().chain(counts.iter().map(|&c| c as f32 * inv)).collect();
                assert_eq!(got_i, want_i, "m = {m}, n = {n}");
                assert_eq!(got_v.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                           want_v.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), "m = {m}, n = {n}");
            }
        }
    }

    #[test]
    fn ascii_word_ngrams_are_the_general_ones() {
        let lines = ["", " ", "a", "don't stop_me now", "  lead  and trail  ", "x1 2y __ a-b c.d", "end_",
                     "!!!", "one two three four five six seven eight nine ten eleven twelve"];
        for line in lines {
            let (mut want, mut got, mut tokens) = (Vec::new(), Vec::new(), Vec::new());
            word_ngrams(line, 1 << 18, &mut tokens, &mut want);
            word_ngrams_ascii(line.as_bytes(), 1 << 18, &mut got);
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn rows_are_canonical_csr_with_unit_norm_blocks() {
        let (idx, val) = row("The cat saw the other cat. The cat!", 1 << 10, 1 << 8);
        assert!(idx.windows(2).all(|w| w[0] < w[1]), "sorted and duplicate-free");
        assert!(idx.iter().all(|&i| i < (1 << 10) + (1 << 8)));
        assert!((block_norm(&idx, &val, 0, 1 << 10) - 1.0).abs() < 1e-5);
        assert!((block_norm(&idx, &val, 1 << 10, (1 << 10) + (1 << 8)) - 1.0).abs() < 1e-5);
        // "cat" appears three times: the largest word value is a summed count.
        let max_word = idx.iter().zip(&val).filter(|(i, _)| **i < 1 << 10).map(|(_, v)| *v).fold(0.0, f32::max);
        let min_word = idx.iter().zip(&val).filter(|(i, _)| **i < 1 << 10).map(|(_, v)| *v).fold(1.0, f32::min);
        assert!(max_word >= 2.5 * min_word);
    }

    #[test]
    fn hashing_is_deterministic_and_case_insensitive() {
        assert_eq!(row("Hello World", 1 << 18, 1 << 16), row("Hello World", 1 << 18, 1 << 16));
        assert_eq!(row("HELLO world", 1 << 18, 1 << 16), row("hello WORLD", 1 << 18, 1 << 16));
        assert_ne!(row("hello world", 1 << 18, 0).0, row("world hello", 1 << 18, 0).0);
        // bigrams differ
    }

    #[test]
    fn word_tokens_are_runs_of_word_chars() {
        // "don't" -> "don", "t": 2 unigrams + 1 bigram; punctuation only -> no word features.
        assert_eq!(row("don't", 1 << 20, 0).0.len(), 3);
        assert!(row("--- !!! ...", 1 << 20, 0).0.is_empty());
        assert!(row("", 1 << 20, 1 << 16).0.is_empty());
    }

    #[test]
    fn char_ngrams_pad_words_and_keep_short_words_whole() {
        // " a " is shorter than 4: emitted once for n=3 and once (whole) for n=4 -> one index, count 2.
        let (idx, val) = row("a", 0, 1 << 16);
        assert_eq!(idx.len(), 1);
        assert!((val[0] - 1.0).abs() < 1e-6);
        // " ab " -> 3-grams " ab", "ab "; 4-gram " ab ": three distinct (barring collisions).
        assert_eq!(row("ab", 0, 1 << 20).0.len(), 3);
    }

    #[test]
    fn only_a_bounded_prefix_and_suffix_are_hashed() {
        let middle_a = format!("{}{}{}", "start ".repeat(40), "alpha ".repeat(1000), "end ".repeat(20));
        let middle_b = format!("{}{}{}", "start ".repeat(40), "omega ".repeat(1000), "end ".repeat(20));
        assert_eq!(row(&middle_a, 1 << 18, 1 << 16), row(&middle_b, 1 << 18, 1 << 16));
        let end_a = format!("{}tail alpha", "start ".repeat(100));
        let end_b = format!("{}tail omega", "start ".repeat(100));
        assert_ne!(row(&end_a, 1 << 18, 0), row(&end_b, 1 << 18, 0));
    }

    #[test]
    fn char_ngrams_see_only_the_first_char_chars() {
        let a = format!("{} alpha", "x".repeat(70));
        let b = format!("{} omega", "x".repeat(70));
        assert_eq!(row(&a, 0, 1 << 16), row(&b, 0, 1 << 16));
    }
}
