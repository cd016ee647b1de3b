//! Segments -> feature matrix: one row per segment, documents in order.
//!
//! The junk textsieve removes is rarely recognisable from a line's words alone: "Conclusion" is a
//! heading, "Map of Russia - Guide of the World" a gallery caption, "- Military Ties: Beyond the
//! Headlines" a table-of-contents entry and "- Linda Gray A Legendary Actress" an injected link.
//! What separates them is the line's *shape* and its *document context*: whether its words
//! appear elsewhere in the article (injected titles are off-topic), whether it repeats another
//! line, where it sits, what its neighbours look like. So every row carries:
//!
//! * the document it belongs to (`FeatureMatrix::doc`), which the second pass uses to find
//!   neighbours;
//! * named dense features ([`dense_feature_names`]): shape ([`shape`]), document context (this
//!   module) and, for HTML input, markup ([`html`]);
//! * hashed word uni/bigrams and char n-grams of a bounded prefix and suffix ([`hashing`]).
//!
//! Page-level statistics (title words, word counts across the page, duplicate counts, document
//! means, the page's link share, common class hints) are computed once per WHOLE document,
//! however long; local context (neighbours, runs) stays local. Every per-line statistic looks at
//! a bounded head/tail of the line, so a 100 MB line costs what a long paragraph does.

pub mod hashing;
pub mod html;
pub mod shape;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::html::HtmlContext;
use crate::segment::Segment;
use crate::text::prefix_bytes;

use self::hashing::{hash_line, HashScratch};
use self::html::HtmlScratch;
use self::shape::{line_shape, Shape, ShapeScratch, HEAD_CHARS};

/// Bumped whenever a feature's meaning, order or hashing changes: a model records the version it
/// was trained with and refuses to load against another.
pub const FEATURES_VERSION: u32 = 3;

/// Counts that grow with page size (segment index, segments to the end, segments in the page,
/// run lengths) are capped here before their log. Training documents have a few hundred lines;
/// a 10,000-line page would otherwise feed the linear first pass values (log1p(10^4) = 9.2)
/// it never saw. Past 2,000 lines, "very far from the start" is all the model needs to know.
pub const LOG_COUNT_CAP: f32 = 2000.0;

/// Lines longer than this count as "long" for `doc_long_share`; shorter than
/// [`SHORT_LINE_CHARS`] and unpunctuated for `short_run`.
const LONG_LINE_CHARS: u32 = 200;
const SHORT_LINE_CHARS: u32 = 120;
/// Blank-line counts are clipped: three blank lines say what ten do.
const MAX_BLANKS: u32 = 3;
/// Words an indented line needs to be read as an indented paragraph (see [`indented_paragraph`]).
const INDENTED_PARAGRAPH_WORDS: u32 = 8;

/// Is this line running text whose indentation is a paragraph's (a first-line indent, a quote,
/// a bulleted point), so that `indented` stays 0 for it? Eight words or more, ending like a
/// sentence or a quote, not a `Key : value` field unless its words run like prose (see
/// [`labeled_point`]), not mostly capitalised words. Why: the indented lines in
/// training are the generated author boxes' fields (`"  • Bio : Maiores in..."`), so the model
/// learned that indentation means an author box, and a paragraph indented among plain ones came
/// out author_meta, taking the paragraph after it along (a text of three paragraphs, the second
/// indented, kept one; `benchmarks/short_prose.py`, 2026-12-02). The training lines keep the
/// feature: of the 490 indented rows of the shipped recipe's table (481 author box fields, all
/// `Key : value`, and 9 lines of code), none is such a paragraph, so the table, and the model
/// trained on it, are the same with this rule as without it (checked 2026-12-02).
fn indented_paragraph(sh: &Shape) -> bool {
    sh.n_words >= INDENTED_PARAGRAPH_WORDS
        && (sh.terminal() || matches!(sh.last, '”' | '"' | '»' | '’'))
        && (!sh.kv || labeled_point(sh))
        && (sh.title as f32) < 0.7 * sh.n_words as f32
}

/// Share of stop words (any language) from which a `Key : value` line of running text reads as
/// a labeled point of prose (`"  • Taco Tuesday: Use black beans or seasoned tofu instead of
/// meat..."`, `"    Pros: One of only two sites to show actual baggage fees..."`) rather than a
/// generated author box's field. The fields' values are word salad from data generators
/// (`"• Bio : Religious son thousand you later information piece."`, lorem ipsum): of the 67
/// indented fields of eight words or more in the shipped recipe's table, none has more than
/// 0.18 stop words, while the held-out WCXB paragraphs that open with a label have a median of
/// 0.32 and 91% are at 0.2 or more (2026-12-02). Those paragraphs came out author_meta at P(body)
/// 0.01-0.38 when indented (`benchmarks/short_prose.py`, `indent_one`).
const LABELED_POINT_STOP_SHARE: f32 = 0.2;

/// A `Key : value` line whose words are running text (see [`LABELED_POINT_STOP_SHARE`]).
fn labeled_point(sh: &Shape) -> bool {
    sh.stop_any as f32 >= LABELED_POINT_STOP_SHARE * sh.n_words.max(1) as f32
}

/// Is this indentation a CJK paragraph's first-line indent: one or more ideographic spaces
/// (U+3000) and nothing else? Chinese and Japanese prose marks every paragraph that way (`"　　一波波…"`), so it
/// says "a paragraph starts", not "a box of fields": `indented` stays 0 for it. Without this,
/// four such paragraphs under a heading scored P(body) 0.01-0.06 (the same paragraphs without
/// the indent: 0.80-0.96). Unlike [`indented_paragraph`] it cannot look at words or sentence
/// ends: CJK text has no spaces between words. No training line is indented this way (the
/// shipped recipe's table is the same with the rule as without it, checked 2026-12-02).
fn cjk_first_line_indent(indent: &str) -> bool {
    !indent.is_empty() && indent.chars().all(|c| c == '\u{3000}')
}

/// Shape and document-context features, in column order.
pub const BASE_NAMES: [&str; 68] = [
    "log_chars",
    "log_words",
    "mean_word_len",
    "ends_terminal",
    "ends_colon",
    "ends_other",
    "starts_marker",
    "starts_digit",
    "starts_quote",
    "indented",
    "title_ratio",
    "caps_ratio",
    "stop_en",
    "stop_any",
    "key_value",
    "spaced_colon",
    "has_url",
    "has_email",
    "has_handle",
    "digit_ratio",
    "log_sentences",
    "dash_seps",
    "pipe_seps",
    "dot_seps",
    "commas_per_word",
    "doc_overlap",
    "log_content_words",
    "title_overlap",
    "log_exact_dups",
    "log_key_dups",
    "rel_position",
    "log_index",
    "log_from_end",
    "log_doc_segments",
    "blank_before",
    "blank_after",
    "is_tail",
    "has_tail",
    "rel_char_position",
    "doc_long_share",
    "doc_blank_share",
    "marker_run",
    "short_run",
    "neighbour_overlap",
    // The shape of the two lines before and after (zeros, with `*_present` 0, past the ends).
    "prev2_len",
    "prev2_terminal",
    "prev2_marker",
    "prev2_title",
    "prev2_kv",
    "prev2_present",
    "prev_len",
    "prev_terminal",
    "prev_marker",
    "prev_title",
    "prev_kv",
    "prev_present",
    "next_len",
    "next_terminal",
    "next_marker",
    "next_title",
    "next_kv",
    "next_present",
    "next2_len",
    "next2_terminal",
    "next2_marker",
    "next2_title",
    "next2_kv",
    "next2_present",
];
const CONTEXT_NAMES: [[&str; 6]; 4] = [
    ["prev2_len", "prev2_terminal", "prev2_marker", "prev2_title", "prev2_kv", "prev2_present"],
    ["prev_len", "prev_terminal", "prev_marker", "prev_title", "prev_kv", "prev_present"],
    ["next_len", "next_terminal", "next_marker", "next_title", "next_kv", "next_present"],
    ["next2_len", "next2_terminal", "next2_marker", "next2_title", "next2_kv", "next2_present"],
];
const TAG_NAMES: [&str; 9] =
    ["tag_h1", "tag_p", "tag_li", "tag_td", "tag_figcaption", "tag_pre", "tag_a", "tag_br", "tag_other"];
const ANCESTOR_NAMES: [&str; 14] = [
    "in_figure",
    "in_nav",
    "in_header",
    "in_footer",
    "in_aside",
    "in_table",
    "in_form",
    "in_blockquote",
    "in_article",
    "in_main",
    "in_ul",
    "in_ol",
    "in_a",
    "in_hidden",
];
const HINT_NAMES: [&str; 7] =
    ["hint_author", "hint_related", "hint_caption", "hint_social", "hint_nav", "hint_content", "hint_comment"];
const NEAR_HINT_NAMES: [&str; 7] = [
    "near_hint_author",
    "near_hint_related",
    "near_hint_caption",
    "near_hint_social",
    "near_hint_nav",
    "near_hint_content",
    "near_hint_comment",
];

/// Markup features (only with `FeatureConfig::html`), in column order after [`BASE_NAMES`].
pub const HTML_NAMES: [&str; 49] = [
    "html",
    "link_share",
    "all_link",
    "link_list",
    "image",
    "alt_overlap",
    "log_link_run",
    "doc_link_share",
    "tag_h1",
    "tag_p",
    "tag_li",
    "tag_td",
    "tag_figcaption",
    "tag_pre",
    "tag_a",
    "tag_br",
    "tag_other",
    "in_figure",
    "in_nav",
    "in_header",
    "in_footer",
    "in_aside",
    "in_table",
    "in_form",
    "in_blockquote",
    "in_article",
    "in_main",
    "in_ul",
    "in_ol",
    "in_a",
    "in_hidden",
    "hint_author",
    "hint_related",
    "hint_caption",
    "hint_social",
    "hint_nav",
    "hint_content",
    "hint_comment",
    "near_hint_author",
    "near_hint_related",
    "near_hint_caption",
    "near_hint_social",
    "near_hint_nav",
    "near_hint_content",
    "near_hint_comment",
    "prev_link_share",
    "next_link_share",
    "same_tag_prev",
    "same_tag_next",
];

/// Every dense feature's name, in column order.
pub fn dense_feature_names(html: bool) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = BASE_NAMES.to_vec();
    if html {
        v.extend_from_slice(&HTML_NAMES);
    }
    v
}

/// Column of dense feature `name` (None when there is no such feature).
pub fn dense_feature_index(name: &str, html: bool) -> Option<usize> {
    BASE_NAMES.iter().chain(if html { &HTML_NAMES[..] } else { &[] }).position(|n| *n == name)
}

/// Featurizer settings. Hash sizes and snippet bounds are part of a model: save them with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureConfig {
    /// Columns for hashed word uni+bigrams (0 switches the block off).
    pub n_word_hash: u32,
    /// Columns for hashed char 3-4-grams (0 switches the block off).
    pub n_char_hash: u32,
    /// Word n-grams see a line's first `max_chars` chars and its last `max_chars / 4`.
    pub max_chars: usize,
    /// Char n-grams see a line's first `char_chars` chars.
    pub char_chars: usize,
    /// Append the markup features ([`HTML_NAMES`]); zeros for rows without an HTML context.
    pub html: bool,
    /// The `nav` hint group also reads the site-utility words of [`html::SITE_HINTS`] (cart,
    /// cookie, modal, copyright, ...). False for models trained before it existed, so their
    /// features stay exactly what they were trained on.
    pub site_hints: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            n_word_hash: 1 << 18,
            n_char_hash: 1 << 16,
            max_chars: 200,
            char_chars: 64,
            html: true,
            site_hints: false,
        }
    }
}

/// One document to featurize: its text, its segments (from [`crate::segment::segment`] over
/// that text) and, for HTML pages, one context per SOURCE line (indexed by `Segment::line`).
#[derive(Clone, Copy, Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    pub segments: &'a [Segment],
    pub html: Option<&'a [Option<HtmlContext>]>,
}

/// Featurizer output: row `r` is segment `r` of the batch, documents in order.
///
/// `dense` is row-major `n_rows x n_dense` (names from [`dense_feature_names`]); the hashed block
/// is CSR `n_rows x n_hash` (`n_hash = n_word_hash + n_char_hash`), each row's indices sorted
/// and unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeatureMatrix {
    pub n_rows: usize,
    pub n_dense: usize,
    pub dense: Vec<f32>,
    pub doc: Vec<u32>,
    pub n_hash: usize,
    pub indptr: Vec<u64>,
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl FeatureMatrix {
    /// Dense feature `name` of row `row` (None when no such column or row).
    pub fn dense_value(&self, row: usize, name: &str) -> Option<f32> {
        let col = dense_feature_index(name, self.n_dense > BASE_NAMES.len())?;
        (row < self.n_rows && col < self.n_dense).then(|| self.dense[row * self.n_dense + col])
    }
}

/// A cursor over one row's columns. In debug builds each write checks the column's name, so the
/// code that computes a feature and the exported name list cannot drift apart.
pub(crate) struct Row<'a> {
    cols: &'a mut [f32],
    i: usize,
    #[cfg(debug_assertions)]
    names: &'static [&'static str],
}

impl<'a> Row<'a> {
    #[inline]
    pub(crate) fn new(cols: &'a mut [f32], _names: &'static [&'static str]) -> Self {
        Row {
            cols,
            i: 0,
            #[cfg(debug_assertions)]
            names: _names,
        }
    }

    #[inline]
    pub(crate) fn put(&mut self, _name: &str, v: f32) {
        #[cfg(debug_assertions)]
        assert_eq!(self.names[self.i], _name, "feature written out of order");
        self.cols[self.i] = v;
        self.i += 1;
    }

    #[inline]
    pub(crate) fn zeros(&mut self, n: usize) {
        for v in &mut self.cols[self.i..self.i + n] {
            *v = 0.0;
        }
        self.i += n;
    }
}

/// For each position, the length of the run of true flags it belongs to (0 if false).
pub(crate) fn runs(flags: &[bool], out: &mut Vec<u32>) {
    out.clear();
    out.resize(flags.len(), 0);
    let mut i = 0;
    while i < flags.len() {
        if !flags[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < flags.len() && flags[j] {
            j += 1;
        }
        let len = (j - i).min(u32::MAX as usize) as u32;
        out[i..j].iter_mut().for_each(|v| *v = len);
        i = j;
    }
}

/// A pass-through hasher for keys that are already 64-bit hashes.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashCounts = HashMap<u64, u32, BuildHasherDefault<IdHasher>>;

/// Reusable per-document buffers (one set per thread).
#[derive(Default)]
struct Scratch {
    shape: ShapeScratch,
    hash: HashScratch,
    html: HtmlScratch,
    shapes: Vec<Shape>,
    texts_start: Vec<(usize, usize)>,
    heads: Vec<usize>,
    lengths: Vec<u32>,
    content: Vec<u64>,
    content_span: Vec<(u32, u32)>,
    word_docs: HashCounts,
    exact: HashCounts,
    keys: HashCounts,
    flags: Vec<bool>,
    marker_run: Vec<u32>,
    short_run: Vec<u32>,
}

/// Featurize a batch of documents: one row per segment, documents in order.
pub fn featurize(docs: &[Document], cfg: &FeatureConfig) -> FeatureMatrix {
    let n_dense = BASE_NAMES.len() + if cfg.html { HTML_NAMES.len() } else { 0 };
    let n_rows: usize = docs.iter().map(|d| d.segments.len()).sum();
    let mut m = FeatureMatrix {
        n_rows,
        n_dense,
        dense: vec![0.0; n_rows * n_dense],
        doc: Vec::with_capacity(n_rows),
        n_hash: cfg.n_word_hash as usize + cfg.n_char_hash as usize,
        indptr: Vec::with_capacity(n_rows + 1),
        // About 100 hashed entries per line with the default blocks: sized so that a typical
        // batch never regrows (each regrowth copies everything so far).
        indices: Vec::with_capacity(n_rows * 128),
        values: Vec::with_capacity(n_rows * 128),
    };
    m.indptr.push(0);
    let mut scratch = Scratch::default();
    let mut row0 = 0usize;
    for (d, doc) in docs.iter().enumerate() {
        let n = doc.segments.len();
        document_rows(doc, cfg, &mut scratch, &mut m.dense[row0 * n_dense..(row0 + n) * n_dense], n_dense);
        for seg in doc.segments {
            hash_line(
                seg.text(doc.text),
                cfg.n_word_hash,
                cfg.n_char_hash,
                cfg.max_chars,
                cfg.char_chars,
                &mut scratch.hash,
                &mut m.indices,
                &mut m.values,
            );
            m.indptr.push(m.indices.len() as u64);
        }
        m.doc.extend(std::iter::repeat_n(d.min(u32::MAX as usize) as u32, n));
        row0 += n;
    }
    m
}

/// Featurize on up to `threads` threads (documents split into contiguous chunks); the result is
/// identical to [`featurize`].
pub fn featurize_parallel(docs: &[Document], cfg: &FeatureConfig, threads: usize) -> FeatureMatrix {
    let threads = threads.max(1).min(docs.len().max(1));
    if threads == 1 {
        return featurize(docs, cfg);
    }
    // Balance chunks by segment count.
    let total: usize = docs.iter().map(|d| d.segments.len().max(1)).sum();
    let per = total.div_ceil(threads);
    let mut bounds = vec![0usize];
    let mut acc = 0usize;
    for (i, d) in docs.iter().enumerate() {
        acc += d.segments.len().max(1);
        if acc >= per * bounds.len() && i + 1 < docs.len() {
            bounds.push(i + 1);
        }
    }
    bounds.push(docs.len());
    bounds.dedup();
    let parts: Vec<FeatureMatrix> = std::thread::scope(|s| {
        let handles: Vec<_> =
            bounds.windows(2).map(|w| (w, s.spawn(move || featurize(&docs[w[0]..w[1]], cfg)))).collect();
        // A thread that failed (it cannot, but a lost chunk would silently shift every later row)
        // is redone on this thread.
        handles.into_iter().map(|(w, h)| h.join().unwrap_or_else(|_| featurize(&docs[w[0]..w[1]], cfg))).collect()
    });
    let mut out = FeatureMatrix {
        n_dense: BASE_NAMES.len() + if cfg.html { HTML_NAMES.len() } else { 0 },
        n_hash: cfg.n_word_hash as usize + cfg.n_char_hash as usize,
        indptr: vec![0],
        ..Default::default()
    };
    for (part, w) in parts.into_iter().zip(bounds.windows(2)) {
        let base = out.indices.len() as u64;
        out.n_rows += part.n_rows;
        out.dense.extend_from_slice(&part.dense);
        out.doc.extend(part.doc.iter().map(|&d| d + w[0] as u32));
        out.indptr.extend(part.indptr[1..].iter().map(|&p| p + base));
        out.indices.extend_from_slice(&part.indices);
        out.values.extend_from_slice(&part.values);
    }
    out
}

#[inline]
fn fl(b: bool) -> f32 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// `ln(1 + min(x, LOG_COUNT_CAP))`, from a table (most rows take several of these).
#[inline]
pub(crate) fn log_count(x: usize) -> f32 {
    static TABLE: std::sync::OnceLock<Vec<f32>> = std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| (0..=LOG_COUNT_CAP as usize).map(|i| (i as f32).ln_1p()).collect());
    t[x.min(t.len() - 1)]
}

/// Number of items of sorted `a` that are in sorted `b`.
fn sorted_overlap(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dense rows of one document (`out` is its `n x n_dense` slice).
fn document_rows(doc: &Document, cfg: &FeatureConfig, s: &mut Scratch, out: &mut [f32], n_dense: usize) {
    let segs = doc.segments;
    let n = segs.len();
    if n == 0 {
        return;
    }
    // Per-line shapes and content words (sorted, distinct, per segment).
    s.shapes.clear();
    s.content.clear();
    s.content_span.clear();
    s.heads.clear();
    s.lengths.clear();
    s.texts_start.clear();
    for seg in segs {
        let t = seg.text(doc.text);
        let from = s.content.len();
        let sh = line_shape(t, &mut s.shape, &mut s.content);
        let c = &mut s.content[from..];
        c.sort_unstable();
        let mut k = 0usize;
        for r in 0..c.len() {
            if r == 0 || c[r] != c[k - 1] {
                c[k] = c[r];
                k += 1;
            }
        }
        s.content.truncate(from + k);
        s.content_span.push((from as u32, (from + k) as u32));
        s.heads.push(prefix_bytes(t, HEAD_CHARS));
        s.lengths.push(sh.chars);
        s.shapes.push(sh);
    }
    // Page-level statistics, once per whole document.
    s.word_docs.clear();
    // Sized once rather than grown by rehashing (capped: a huge page's distinct words are far
    // fewer than its word occurrences).
    s.word_docs.reserve(s.content.len().min(1 << 16));
    for &w in &s.content {
        *s.word_docs.entry(w).or_insert(0) += 1; // content words are distinct per segment
    }
    s.exact.clear();
    s.keys.clear();
    s.exact.reserve(n.min(1 << 16));
    s.keys.reserve(n.min(1 << 16));
    for sh in &s.shapes {
        *s.exact.entry(sh.exact).or_insert(0) += 1;
        *s.keys.entry(sh.key).or_insert(0) += 1;
    }
    let total_chars: f64 = s.lengths.iter().map(|&l| l as f64).sum::<f64>().max(1.0);
    let long_share = s.lengths.iter().filter(|&&l| l > LONG_LINE_CHARS).count() as f32 / n as f32;
    let blank_share = segs.iter().filter(|g| g.blank_before > 0).count() as f32 / n as f32;
    let log_n = log_count(n);
    // Runs of list items and of short unpunctuated lines: link lists and author boxes come in
    // blocks, so the size of the block a line sits in is informative (local context).
    s.flags.clear();
    s.flags.extend(s.shapes.iter().map(|sh| sh.marker));
    runs(&s.flags, &mut s.marker_run);
    s.flags.clear();
    s.flags.extend(s.shapes.iter().map(|sh| sh.chars < SHORT_LINE_CHARS && !sh.terminal()));
    runs(&s.flags, &mut s.short_run);

    let span = |i: usize| -> &[u64] {
        let (a, b) = s.content_span[i];
        &s.content[a as usize..b as usize]
    };
    let title_words = span(0);
    let mut chars_before = 0f64;
    for i in 0..n {
        let seg = &segs[i];
        let sh = &s.shapes[i];
        let mut row = Row::new(&mut out[i * n_dense..(i + 1) * n_dense], &BASE_NAMES);
        let words = sh.n_words.max(1) as f32;
        let c = span(i);
        let (overlap, t_overlap, neigh) = if c.is_empty() {
            (0.0, 0.0, 0.0)
        } else {
            let len = c.len() as f32;
            let elsewhere = c.iter().filter(|w| s.word_docs.get(w).copied().unwrap_or(0) > 1).count();
            let t_overlap = if i > 0 { sorted_overlap(c, title_words) as f32 / len } else { 1.0 };
            let prev = if i > 0 { span(i - 1) } else { &[] };
            let next = if i + 1 < n { span(i + 1) } else { &[] };
            let neigh = c.iter().filter(|w| prev.binary_search(w).is_ok() || next.binary_search(w).is_ok()).count();
            (elsewhere as f32 / len, t_overlap, neigh as f32 / len)
        };
        let exact = s.exact.get(&sh.exact).copied().unwrap_or(1);
        let key = s.keys.get(&sh.key).copied().unwrap_or(1);
        row.put("log_chars", sh.log_chars);
        row.put("log_words", log_count(sh.n_words as usize)); // at most 300 words in the head
        row.put("mean_word_len", sh.mean_len.min(20.0));
        row.put("ends_terminal", fl(sh.terminal()));
        row.put("ends_colon", fl(sh.last == ':'));
        row.put("ends_other", fl(matches!(sh.last, ',' | ';' | ')' | '"' | '”' | '’' | '»' | '…')));
        row.put("starts_marker", fl(sh.marker));
        row.put("starts_digit", fl(crate::text::is_digit(sh.first)));
        row.put("starts_quote", fl(matches!(sh.first, '"' | '“' | '„' | '«' | '\'' | '‘')));
        let indent = doc.text.get(seg.line_start..seg.start).unwrap_or("");
        row.put("indented", fl(!indent.is_empty() && seg.part == 0 && !indented_paragraph(sh) && !cjk_first_line_indent(indent)));
        row.put(
            "title_ratio",
            if sh.n_words > 1 { (sh.title as f32 - 1.0) / (sh.n_words as f32 - 1.0) } else { sh.title as f32 },
        );
        row.put("caps_ratio", sh.caps as f32 / words);
        row.put("stop_en", sh.stop_en as f32 / words);
        row.put("stop_any", sh.stop_any as f32 / words);
        row.put("key_value", fl(sh.kv));
        row.put("spaced_colon", fl(sh.spaced_colon));
        row.put("has_url", fl(sh.url));
        row.put("has_email", fl(sh.email));
        row.put("has_handle", fl(sh.handle));
        row.put("digit_ratio", if sh.head_chars > 0 { sh.digits as f32 / sh.head_chars as f32 } else { 0.0 });
        row.put("log_sentences", log_count(sh.sentences as usize));
        row.put("dash_seps", sh.dash_seps as f32);
        row.put("pipe_seps", sh.pipe_seps as f32);
        row.put("dot_seps", sh.dot_seps as f32);
        row.put("commas_per_word", sh.commas as f32 / words);
        row.put("doc_overlap", overlap);
        row.put("log_content_words", log_count(c.len()));
        row.put("title_overlap", t_overlap);
        row.put("log_exact_dups", log_count(exact as usize - 1));
        row.put("log_key_dups", log_count(key.saturating_sub(exact) as usize));
        row.put("rel_position", i as f32 / n as f32);
        row.put("log_index", log_count(i));
        row.put("log_from_end", log_count(n - 1 - i));
        row.put("log_doc_segments", log_n);
        row.put("blank_before", seg.blank_before.min(MAX_BLANKS) as f32);
        row.put("blank_after", seg.blank_after.min(MAX_BLANKS) as f32);
        row.put("is_tail", fl(seg.part == 1));
        row.put("has_tail", fl(seg.parts == 2 && seg.part == 0));
        row.put("rel_char_position", (chars_before / total_chars) as f32);
        row.put("doc_long_share", long_share);
        row.put("doc_blank_share", blank_share);
        row.put("marker_run", log_count(s.marker_run[i] as usize));
        row.put("short_run", log_count(s.short_run[i] as usize));
        row.put("neighbour_overlap", neigh);
        for (side, off) in [-2isize, -1, 1, 2].into_iter().enumerate() {
            let j = i as isize + off;
            let names = &CONTEXT_NAMES[side];
            if j < 0 || j >= n as isize {
                row.zeros(6);
                continue;
            }
            let o = &s.shapes[j as usize];
            row.put(names[0], o.log_chars);
            row.put(names[1], fl(o.terminal()));
            row.put(names[2], fl(o.marker));
            row.put(names[3], o.title_share());
            row.put(names[4], fl(o.kv));
            row.put(names[5], 1.0);
        }
        chars_before += sh.chars as f64;
    }

    if cfg.html {
        let base = BASE_NAMES.len();
        let texts: Vec<&str> = segs.iter().map(|g| g.text(doc.text)).collect();
        let site_hints = cfg.site_hints;
        html::document_html(segs, doc.html, &texts, &s.lengths, &s.heads, &mut s.html, out, n_dense, base, site_hints);
    }
}

#[cfg(test)]
mod tests;
