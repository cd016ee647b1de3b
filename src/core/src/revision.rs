//! Pass two's view of a segment: its own first-pass scores in the context of its neighbours.
//!
//! jusText revises a doubtful block from the blocks around it with hand-written rules; here the
//! revision is learned (a tree ensemble, `trees.rs`) from these inputs, per row:
//!
//! 1. the segment's own first-pass probabilities (`p:<label>`),
//! 2. optionally the raw dense features (`dense:<name>`), so the trees can split on shape too,
//! 3. for every offset `-window..=window` except 0: the neighbour's probabilities
//!    (`p[-2]:<label>`) and a presence flag (`has[-2]`, 0 past either end of the document),
//! 4. the document's mean probabilities (`doc_mean:<label>`): a page that is mostly junk reads
//!    differently,
//! 5. the mean over the wider window `-2*window..=2*window` (`wide_mean:<label>`): the block a
//!    line sits in,
//! 6. optionally (`RevisionConfig::page`), where the line stands *within its page*, per label:
//!    its score minus the page's highest (`page_gap_max:<label>`, 0 for the page's best line),
//!    its score minus the page's 90th percentile (`page_gap_q90:<label>`), and the share of the
//!    page's other lines that score clearly higher, by more than [`PAGE_ABOVE_MARGIN`]
//!    (`page_above:<label>`, 0 for the best line). The margin keeps a page of many equally good
//!    lines (a long archive of articles) from ranking half its paragraphs "below the rest": a
//!    bare rank is uniform on such a page and read as junk there. No line count: a page far
//!    longer than any in training must not land in an untrained corner of the trees. With it,
//!    per label, the page's *run* (the stretch of lines scoring highest above one half):
//!    whether the line is inside it (`page_run_in:<label>`) and how far before or after it
//!    (`page_run_off:<label>`, a share of the page), so prose well below the article (comments,
//!    legal text) is known to be there.
//!
//! 7. optionally (`RevisionConfig::body_run`), the body score's view of the page weighted by
//!    length: the page's *body run by characters* (the stretch maximising the sum of
//!    `chars * (P(body) - 0.5)`): whether the line is inside it (`run_chars_in:body`) and how far
//!    before or after it (`run_chars_off:body`, a share of the page's lines); and the P(body) of
//!    the nearest line of at least [`LONG_LINE_CHARS`] characters before and after the line
//!    (`long_before:body`, `long_after:body`, -1 when there is none) with its distance
//!    (`long_before_gap`, `long_after_gap`, a share of the page's lines, -1 when none). Why:
//!    the run of (6.) counts lines, so a list of twenty short items between two paragraphs of an
//!    article outweighs them and splits the article, and so does a spec table in a product
//!    description; weighted by characters the paragraphs carry the stretch. The nearest long
//!    lines are jusText's rule for short blocks (a short block between good blocks is good),
//!    learned instead of written. The lengths come from the dense feature `log_chars`, so the
//!    block needs the dense features. Off by default: over twelve training seeds it did not move
//!    the held-out real pages (README, "Real pages in training"), though it keeps the generated
//!    archive page more often.
//!
//! Why the page-relative block: the document mean (4.) says "this page is mostly junk", and on a
//! page whose first 150 lines are navigation it pulled every line, the article's paragraphs too,
//! to junk (issue 12). A relative view keeps that context but lets each line speak: a real
//! paragraph on a 90%-chrome page still has the page's highest body score, ranks first and sits
//! far above the 90th percentile, which a menu line never does. Context informs the line; it
//! does not overrule it.
//!
//! Everything is computed from first-pass scores only, before any label is applied, so the order
//! in which rows are visited cannot change the result. Rows of one document must be contiguous
//! and in line order for the neighbour features and the page's run (they are, in both training
//! and serving); the document means and the other page statistics group by id wherever the rows
//! sit.

use std::collections::HashMap;

/// How pass two looks at its neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevisionConfig {
    /// Segments on each side whose scores are inputs.
    pub window: usize,
    /// Include the raw dense features in pass two's input.
    pub dense: bool,
    /// Include the page-relative block (`page_gap_max`, `page_gap_q90`, `page_above`, `page_run_in`, `page_run_off`). Off for models trained before it existed, whose trees index the columns
    /// without it.
    pub page: bool,
    /// The column of the body label when the body-run block (7. above) is on; `None` for
    /// models trained before it existed.
    pub body_run: Option<usize>,
}

/// A line at least this long counts as a "long line" in `long_before:body` / `long_after:body`.
pub const LONG_LINE_CHARS: f64 = 60.0;

/// Values in the body-run block: `run_chars_in`, `run_chars_off`, `long_before`,
/// `long_before_gap`, `long_after`, `long_after_gap`.
pub const BODY_RUN_BLOCK: usize = 6;

/// The dense feature the body-run block reads line lengths from (`ln(1 + chars)`, column 0 of
/// every dense layout).
const LOG_CHARS_COLUMN: usize = 0;

/// The quantile `page_gap_q90:<label>` measures from.
pub const PAGE_QUANTILE: f64 = 0.9;

/// How much higher another line must score to count in `page_above:<label>`.
pub const PAGE_ABOVE_MARGIN: f64 = 0.1;

/// Values per label in the page block: `page_gap_max`, `page_gap_q90`, `page_above`,
/// `page_run_in`, `page_run_off`.
pub const PAGE_BLOCK: usize = 5;

/// The largest window a model may ask for (bounds the row width).
pub const MAX_WINDOW: usize = 64;

/// Number of revision features for `k` labels and `n_dense` dense features.
pub fn n_revision_features(k: usize, window: usize, n_dense: usize, config_dense: bool, page: bool, body_run: bool) -> usize {
    k + if config_dense { n_dense } else { 0 }
        + 2 * window * (k + 1)
        + 2 * k
        + if page { PAGE_BLOCK * k } else { 0 }
        + if body_run { BODY_RUN_BLOCK } else { 0 }
}

/// The names of the revision features, in column order.
pub fn revision_feature_names<S: AsRef<str>>(
    labels: &[S],
    window: usize,
    dense_names: Option<&[S]>,
    page: bool,
    body_run: bool,
) -> Vec<String> {
    let mut names = Vec::new();
    for l in labels {
        names.push(format!("p:{}", l.as_ref()));
    }
    if let Some(d) = dense_names {
        for n in d {
            names.push(format!("dense:{}", n.as_ref()));
        }
    }
    for off in offsets(window) {
        for l in labels {
            names.push(format!("p[{off:+}]:{}", l.as_ref()));
        }
        names.push(format!("has[{off:+}]"));
    }
    for l in labels {
        names.push(format!("doc_mean:{}", l.as_ref()));
    }
    for l in labels {
        names.push(format!("wide_mean:{}", l.as_ref()));
    }
    if page {
        for prefix in ["page_gap_max", "page_gap_q90", "page_above", "page_run_in", "page_run_off"] {
            for l in labels {
                names.push(format!("{prefix}:{}", l.as_ref()));
            }
        }
    }
    if body_run {
        names.extend(
            ["run_chars_in:body", "run_chars_off:body", "long_before:body", "long_before_gap", "long_after:body", "long_after_gap"]
                .map(String::from),
        );
    }
    names
}

fn offsets(window: usize) -> impl Iterator<Item = isize> {
    let w = window as isize;
    (-w..=w).filter(|&o| o != 0)
}

/// Revision features, row-major `n x n_revision_features(..)`.
///
/// `proba` is row-major `n x k`; `doc` gives each row's document; `dense` (row-major
/// `n x n_dense`) is included when given.
pub fn revision_features(
    proba: &[f64],
    k: usize,
    doc: &[u32],
    config: RevisionConfig,
    dense: Option<(&[f32], usize)>,
) -> Result<Vec<f64>, String> {
    let r = Revision::new(proba, k, doc, config, dense)?;
    let mut out = vec![0f64; doc.len() * r.width()];
    r.fill(0..doc.len(), &mut out);
    Ok(out)
}

/// Revision features of the given `rows` only (in that order), each still computed from its
/// whole document: training fits pass two on a sample of rows, and building every row of a
/// large training set (wide, f64) only to keep a fifth of them cost more than the fit.
pub fn revision_features_of_rows(
    proba: &[f64],
    k: usize,
    doc: &[u32],
    config: RevisionConfig,
    dense: Option<(&[f32], usize)>,
    rows: &[usize],
) -> Result<Vec<f64>, String> {
    if let Some(&bad) = rows.iter().find(|&&r| r >= doc.len()) {
        return Err(format!("row {bad} is out of range for {} rows", doc.len()));
    }
    let r = Revision::new(proba, k, doc, config, dense)?;
    let width = r.width();
    let mut out = vec![0f64; rows.len() * width];
    for (i, &row) in rows.iter().enumerate() {
        r.fill(row..row + 1, &mut out[i * width..(i + 1) * width]);
    }
    Ok(out)
}

/// Revision features of a batch, computed a range of rows at a time: the document means are
/// computed once, and a caller that scores rows in chunks never holds the whole (wide) matrix.
pub struct Revision<'a> {
    proba: &'a [f64],
    k: usize,
    doc: &'a [u32],
    window: usize,
    dense: Option<(&'a [f32], usize)>,
    means: HashMap<u32, Vec<f64>>,
    /// Row-major `n x PAGE_BLOCK*k` when the page block is on, else empty.
    page: Vec<f64>,
    /// Row-major `n x BODY_RUN_BLOCK` when the body-run block is on, else empty.
    body_run: Vec<f64>,
    width: usize,
}

impl<'a> Revision<'a> {
    /// Check the shapes and compute the document means (and the page block when asked).
    pub fn new(
        proba: &'a [f64],
        k: usize,
        doc: &'a [u32],
        config: RevisionConfig,
        dense: Option<(&'a [f32], usize)>,
    ) -> Result<Revision<'a>, String> {
        let window = config.window;
        let n = doc.len();
        if k == 0 || proba.len() != n.saturating_mul(k) {
            return Err(format!("proba has {} values, expected {n} rows x {k} labels", proba.len()));
        }
        if window > MAX_WINDOW {
            return Err(format!("window {window} is larger than {MAX_WINDOW}"));
        }
        let n_dense = match dense {
            Some((d, nd)) => {
                if d.len() != n.saturating_mul(nd) {
                    return Err(format!("dense has {} values, expected {n} rows x {nd}", d.len()));
                }
                nd
            }
            None => 0,
        };
        let mut sums: HashMap<u32, (Vec<f64>, usize)> = HashMap::new();
        for (r, &d) in doc.iter().enumerate() {
            let e = sums.entry(d).or_insert_with(|| (vec![0.0; k], 0));
            for c in 0..k {
                e.0[c] += proba[r * k + c];
            }
            e.1 += 1;
        }
        let means = sums.into_iter().map(|(d, (s, cnt))| (d, s.iter().map(|v| v / cnt as f64).collect())).collect();
        let width = n_revision_features(k, window, n_dense, dense.is_some(), config.page, config.body_run.is_some());
        let page = if config.page { page_block(proba, k, doc) } else { Vec::new() };
        let body_run = match (config.body_run, dense) {
            (None, _) => Vec::new(),
            (Some(body), _) if body >= k => return Err(format!("body column {body} is out of range for {k} labels")),
            (Some(_), None) => return Err("the body-run block reads line lengths from the dense features: give them".into()),
            (Some(_), Some((_, 0))) => return Err("the body-run block needs the dense feature log_chars".into()),
            (Some(body), Some((d, nd))) => {
                let chars: Vec<f64> = (0..n).map(|r| (d[r * nd + LOG_CHARS_COLUMN] as f64).exp_m1()).collect();
                body_run_block(proba, k, doc, body, &chars)
            }
        };
        Ok(Revision { proba, k, doc, window, dense, means, page, body_run, width })
    }

    /// Values per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Write the rows `rows` into `out` (row-major, `rows.len() x width`, zero-filled).
    pub fn fill(&self, rows: std::ops::Range<usize>, out: &mut [f64]) {
        let (proba, k, doc, width) = (self.proba, self.k, self.doc, self.width);
        let n = doc.len();
        let w = self.window as isize;
        let same = |r: usize, j: isize| -> bool { j >= 0 && (j as usize) < n && doc[j as usize] == doc[r] };
        for (i, r) in rows.enumerate() {
            let row = &mut out[i * width..(i + 1) * width];
            let mut at = 0;
            row[..k].copy_from_slice(&proba[r * k..(r + 1) * k]);
            at += k;
            if let Some((d, nd)) = self.dense {
                for (slot, &x) in row[at..at + nd].iter_mut().zip(&d[r * nd..(r + 1) * nd]) {
                    *slot = x as f64;
                }
                at += nd;
            }
            for off in offsets(self.window) {
                let j = r as isize + off;
                if same(r, j) {
                    let j = j as usize;
                    row[at..at + k].copy_from_slice(&proba[j * k..(j + 1) * k]);
                    row[at + k] = 1.0;
                }
                at += k + 1;
            }
            row[at..at + k].copy_from_slice(&self.means[&doc[r]]);
            at += k;
            let mut count = 0usize;
            for off in -2 * w..=2 * w {
                let j = r as isize + off;
                if same(r, j) {
                    let j = j as usize;
                    for c in 0..k {
                        row[at + c] += proba[j * k + c];
                    }
                    count += 1;
                }
            }
            for c in 0..k {
                row[at + c] /= count.max(1) as f64;
            }
            at += k;
            if !self.page.is_empty() {
                let m = PAGE_BLOCK * k;
                row[at..at + m].copy_from_slice(&self.page[r * m..(r + 1) * m]);
                at += m;
            }
            if !self.body_run.is_empty() {
                let m = BODY_RUN_BLOCK;
                row[at..at + m].copy_from_slice(&self.body_run[r * m..(r + 1) * m]);
            }
        }
    }
}

/// The body-run block of every row, row-major `n x BODY_RUN_BLOCK` (see the module docs, 7.):
/// the page's body run weighted by `chars` (in, signed offset over the page's row count), and
/// the P(body) of the nearest line of at least [`LONG_LINE_CHARS`] characters before and after
/// each row with its distance over the page's row count (-1 and -1 when there is none). Rows are
/// grouped by document id, in row order (a page's rows in line order). A non-finite score counts
/// as 0 in the run and is reported as 0; a non-finite length weighs 0.
fn body_run_block(proba: &[f64], k: usize, doc: &[u32], body: usize, chars: &[f64]) -> Vec<f64> {
    let m = BODY_RUN_BLOCK;
    let mut out = vec![0f64; doc.len() * m];
    let mut pages: HashMap<u32, Vec<usize>> = HashMap::new();
    for (r, &d) in doc.iter().enumerate() {
        pages.entry(d).or_default().push(r);
    }
    let mut gains: Vec<f64> = Vec::new();
    for rows in pages.values() {
        let count = rows.len() as f64;
        let score = |r: usize| finite_or_zero(proba[r * k + body]);
        let length = |r: usize| if chars[r].is_finite() { chars[r].max(0.0) } else { 0.0 };
        gains.clear();
        gains.extend(rows.iter().map(|&r| length(r) * (score(r) - 0.5)));
        if let Some(run) = best_stretch(&gains) {
            for (i, &r) in rows.iter().enumerate() {
                (out[r * m], out[r * m + 1]) = run_position(i, run, rows.len());
            }
        }
        // The nearest long line before each row (columns 2, 3), then after it (4, 5): one walk
        // over the page in each direction.
        let mut nearest_long = |order: &mut dyn Iterator<Item = usize>, col: usize| {
            let mut last: Option<usize> = None;
            for i in order {
                let r = rows[i];
                (out[r * m + col], out[r * m + col + 1]) = match last {
                    Some(j) => (score(rows[j]), i.abs_diff(j) as f64 / count),
                    None => (-1.0, -1.0),
                };
                if length(r) >= LONG_LINE_CHARS - 0.5 {
                    last = Some(i);
                }
            }
        };
        nearest_long(&mut (0..rows.len()), 2);
        nearest_long(&mut (0..rows.len()).rev(), 4);
    }
    out
}

/// Where row `i` of a page of `count` rows stands against the page's run `(a, b)`: 1 inside it
/// (else 0), and 0 inside it, else the signed distance to it over `count` (negative before it,
/// positive after it).
fn run_position(i: usize, (a, b): (usize, usize), count: usize) -> (f64, f64) {
    let count = count as f64;
    if i < a {
        (0.0, -((a - i) as f64) / count)
    } else if i > b {
        (0.0, (i - b) as f64 / count)
    } else {
        (1.0, 0.0)
    }
}

/// The page-relative block of every row, row-major `n x PAGE_BLOCK*k`: per label the gap to the
/// page's maximum, the gap to its [`PAGE_QUANTILE`] quantile, the share of the page's other rows
/// scoring more than [`PAGE_ABOVE_MARGIN`] higher, and where the row stands against the page's
/// *run* of that label (see [`best_run`]): `page_run_in` (1 inside it) and `page_run_off` (0
/// inside, else the signed distance to the run in rows over the page's row count: negative
/// before it, positive after it). Rows are grouped by document id wherever they sit (a page's
/// rows in line order); a NaN score counts as the lowest (it never comes from the first pass,
/// but the order must stay total).
///
/// Why the run: a page's main content is one stretch of lines, and what comes after it (comment
/// threads, cookie and legal text, an "about us" blurb) is prose that reads as body line by line.
/// The neighbours' scores see three lines; the run sees the whole page, so a paragraph far below
/// the article is known to be far below it.
fn page_block(proba: &[f64], k: usize, doc: &[u32]) -> Vec<f64> {
    let m = PAGE_BLOCK * k;
    let mut out = vec![0f64; doc.len() * m];
    let mut pages: HashMap<u32, Vec<usize>> = HashMap::new();
    for (r, &d) in doc.iter().enumerate() {
        pages.entry(d).or_default().push(r);
    }
    let key = |v: f64| if v.is_nan() { f64::NEG_INFINITY } else { v };
    let mut sorted: Vec<f64> = Vec::new();
    let mut scores: Vec<f64> = Vec::new();
    for rows in pages.values() {
        let count = rows.len();
        let others = (count - 1).max(1) as f64;
        for c in 0..k {
            sorted.clear();
            sorted.extend(rows.iter().map(|&r| key(proba[r * k + c])));
            scores.clear();
            scores.extend_from_slice(&sorted); // line order, before sorting
            let run = best_run(&scores);
            sorted.sort_by(|a, b| a.total_cmp(b)); // ascending
            let max = sorted[count - 1];
            // Nearest-rank quantile: ascending index floor(q * (count - 1)).
            let quantile = sorted[((PAGE_QUANTILE * (count - 1) as f64).floor() as usize).min(count - 1)];
            for (i, &r) in rows.iter().enumerate() {
                let raw = proba[r * k + c];
                let v = key(raw);
                // Rows scoring more than v + margin: those after the first value above it.
                let bar = v + PAGE_ABOVE_MARGIN;
                let above = count - sorted.partition_point(|&x| x <= bar);
                let row = &mut out[r * m..(r + 1) * m];
                row[c] = finite_or_zero(raw - max);
                row[k + c] = finite_or_zero(raw - quantile);
                row[2 * k + c] = above as f64 / others;
                if let Some(run) = run {
                    (row[3 * k + c], row[4 * k + c]) = run_position(i, run, count);
                }
            }
        }
    }
    out
}

/// The page's run of a label: the stretch of consecutive lines (first, last index) whose scores
/// minus 0.5 sum highest (the maximum-sum stretch: lines above 0.5 add, lines below subtract, so
/// a weak heading between strong paragraphs stays inside), or `None` when no line scores above
/// 0.5. On equal sums the earliest-ending, shortest stretch wins (a stretch is only extended
/// while its sum stays above 0), so the result depends on the scores alone. Non-finite scores
/// count as 0.
fn best_run(scores: &[f64]) -> Option<(usize, usize)> {
    let gains: Vec<f64> = scores.iter().map(|&v| if v.is_finite() { v - 0.5 } else { -0.5 }).collect();
    best_stretch(&gains)
}

/// The stretch of consecutive values (first, last index) with the highest positive sum, or
/// `None` when no value is positive; on equal sums the earliest-ending, shortest stretch.
fn best_stretch(gains: &[f64]) -> Option<(usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    let (mut sum, mut start) = (0.0f64, 0usize);
    for (i, &gain) in gains.iter().enumerate() {
        if sum <= 0.0 {
            sum = gain;
            start = i;
        } else {
            sum += gain;
        }
        if sum > 0.0 && best.map_or(true, |(s, _, _)| sum > s) {
            best = Some((sum, start, i));
        }
    }
    best.map(|(_, a, b)| (a, b))
}

fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(window: usize, page: bool) -> RevisionConfig {
        RevisionConfig { window, dense: false, page, body_run: None }
    }

    #[test]
    fn layout_and_names_agree() {
        let labels = ["body", "junk"];
        let names = revision_feature_names(&labels, 1, None, false, false);
        assert_eq!(names.len(), n_revision_features(2, 1, 0, false, false, false));
        assert_eq!(names[..2], ["p:body", "p:junk"]);
        assert_eq!(names[2..8], ["p[-1]:body", "p[-1]:junk", "has[-1]", "p[+1]:body", "p[+1]:junk", "has[+1]"]);
        assert_eq!(names[8..], ["doc_mean:body", "doc_mean:junk", "wide_mean:body", "wide_mean:junk"]);
        let with_dense = revision_feature_names(&labels, 1, Some(&["chars", "words"][..]), false, false);
        assert_eq!(with_dense[2..4], ["dense:chars", "dense:words"]);
    }

    #[test]
    fn neighbours_stop_at_document_edges() {
        // Two documents: rows 0,1 (doc 7) and row 2 (doc 9); k = 2, window = 1.
        let proba = [0.9, 0.1, 0.2, 0.8, 0.5, 0.5];
        let x = revision_features(&proba, 2, &[7, 7, 9], cfg(1, false), None).unwrap();
        let width = 12;
        let row = |r: usize| &x[r * width..(r + 1) * width];
        // Row 0: no left neighbour, right neighbour is row 1.
        assert_eq!(row(0)[2..8], [0.0, 0.0, 0.0, 0.2, 0.8, 1.0]);
        // Row 1: left is row 0, right is row 2 of another document: absent.
        assert_eq!(row(1)[2..8], [0.9, 0.1, 1.0, 0.0, 0.0, 0.0]);
        // Document means: doc 7 = (0.55, 0.45); doc 9 = its only row.
        assert!((row(0)[8] - 0.55).abs() < 1e-12 && (row(1)[9] - 0.45).abs() < 1e-12);
        assert_eq!(row(2)[8..10], [0.5, 0.5]);
        // Wide mean over +-2 within the document.
        assert!((row(0)[10] - 0.55).abs() < 1e-12);
        assert_eq!(row(2)[10..12], [0.5, 0.5]);
    }

    #[test]
    fn dense_block_and_bad_shapes() {
        let x = revision_features(&[1.0, 0.0], 2, &[0], cfg(0, false), Some((&[3.5, -1.0], 2))).unwrap();
        assert_eq!(x, vec![1.0, 0.0, 3.5, -1.0, 1.0, 0.0, 1.0, 0.0]);
        assert!(revision_features(&[1.0], 2, &[0], cfg(1, false), None).is_err());
        assert!(revision_features(&[1.0, 0.0], 2, &[0], cfg(1, false), Some((&[1.0], 2))).is_err());
        assert!(revision_features(&[1.0, 0.0], 2, &[0], cfg(MAX_WINDOW + 1, false), None).is_err());
        assert!(revision_features(&[], 2, &[], cfg(3, true), None).unwrap().is_empty());
    }

    /// The page block of a page: (body, junk) scores of its rows; columns by name.
    fn page_rows(proba: &[f64], doc: &[u32]) -> (Vec<String>, Vec<Vec<f64>>) {
        let labels = ["body", "junk"];
        let names = revision_feature_names(&labels, 0, None, true, false);
        let x = revision_features(proba, 2, doc, cfg(0, true), None).unwrap();
        let width = names.len();
        (names, x.chunks(width).map(|c| c.to_vec()).collect())
    }

    fn col(names: &[String], name: &str) -> usize {
        names.iter().position(|n| n == name).unwrap_or_else(|| panic!("no feature {name}"))
    }

    /// Nine menu lines and one paragraph: body scores 0.1 x 9 and 0.4.
    fn chrome_page() -> Vec<f64> {
        let mut proba = Vec::new();
        for _ in 0..9 {
            proba.extend([0.1, 0.9]);
        }
        proba.extend([0.4, 0.6]);
        proba
    }

    #[test]
    fn page_block_names_follow_the_wide_means() {
        let names = revision_feature_names(&["body", "junk"], 0, None, true, false);
        assert_eq!(names.len(), n_revision_features(2, 0, 0, false, true, false));
        assert_eq!(
            names[6..],
            [
                "page_gap_max:body",
                "page_gap_max:junk",
                "page_gap_q90:body",
                "page_gap_q90:junk",
                "page_above:body",
                "page_above:junk",
                "page_run_in:body",
                "page_run_in:junk",
                "page_run_off:body",
                "page_run_off:junk"
            ]
        );
    }

    #[test]
    fn the_run_is_the_stretch_scoring_highest_above_one_half() {
        assert_eq!(best_run(&[0.1, 0.9, 0.4, 0.9, 0.1, 0.6]), Some((1, 3)));
        assert_eq!(best_run(&[0.1, 0.2]), None);
        assert_eq!(best_run(&[]), None);
        assert_eq!(best_run(&[0.6, 0.0, 0.0, 0.6]), Some((0, 0))); // ties: the first stretch
        assert_eq!(best_run(&[f64::NAN, 0.9, f64::INFINITY]), Some((1, 1)));
    }

    #[test]
    fn page_run_says_where_a_line_stands_against_the_article() {
        // Menu, an article of two paragraphs with a weak heading between, then a comment that also reads as body.
        let body = [0.1, 0.1, 0.9, 0.45, 0.9, 0.2, 0.2, 0.2, 0.7, 0.1];
        let proba: Vec<f64> = body.iter().flat_map(|&b| [b, 1.0 - b]).collect();
        let (names, rows) = page_rows(&proba, &[3; 10]);
        let (inside, off) = (col(&names, "page_run_in:body"), col(&names, "page_run_off:body"));
        let ins: Vec<f64> = rows.iter().map(|r| r[inside]).collect();
        assert_eq!(ins, [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(rows[0][off], -0.2); // two rows before the run, of ten
        assert_eq!(rows[3][off], 0.0);
        assert_eq!(rows[8][off], 0.4); // the comment: four rows after it
        // A page with no line above one half has no run: both are 0 everywhere.
        let (_, flat) = page_rows(&[0.3, 0.7, 0.2, 0.8], &[1, 1]);
        assert!(flat.iter().all(|r| r[inside] == 0.0 && r[off] == 0.0));
    }

    #[test]
    fn page_gap_max_is_zero_for_the_best_line_of_a_chrome_page() {
        // The paragraph's body score (0.4) is low in absolute terms, but the page's highest.
        let (names, rows) = page_rows(&chrome_page(), &[3; 10]);
        let c = col(&names, "page_gap_max:body");
        assert_eq!(rows[9][c], 0.0);
        assert!((rows[0][c] - (0.1 - 0.4)).abs() < 1e-12);
        assert_eq!(rows[0][col(&names, "page_gap_max:junk")], 0.0);
    }

    #[test]
    fn page_gap_q90_measures_from_the_nearest_rank_quantile() {
        // Ten rows: the 0.9 quantile is ascending index floor(0.9 * 9) = 8, a menu line (0.1).
        let (names, rows) = page_rows(&chrome_page(), &[3; 10]);
        let c = col(&names, "page_gap_q90:body");
        assert!((rows[9][c] - 0.3).abs() < 1e-12);
        assert!(rows[0][c].abs() < 1e-12);
    }

    #[test]
    fn page_above_is_the_share_of_other_lines_scoring_clearly_higher() {
        let (names, rows) = page_rows(&chrome_page(), &[3; 10]);
        let c = col(&names, "page_above:body");
        assert_eq!(rows[9][c], 0.0);
        // A menu line: only the paragraph is clearly higher; its 8 equals are not.
        assert!((rows[0][c] - 1.0 / 9.0).abs() < 1e-12);
        let j = col(&names, "page_above:junk");
        assert_eq!(rows[9][j], 1.0);
        // A page of equally good lines (0.90..0.99): none is clearly above another.
        let archive: Vec<f64> = (0..10).flat_map(|i| [0.90 + 0.01 * i as f64, 0.10 - 0.01 * i as f64]).collect();
        let (_, rows) = page_rows(&archive, &[0; 10]);
        assert!(rows.iter().all(|r| r[c] == 0.0));
    }

    #[test]
    fn page_block_keeps_pages_apart() {
        let mut proba = chrome_page();
        proba.extend([0.7, 0.3, 0.2, 0.8]);
        let mut doc = vec![1u32; 10];
        doc.extend([2, 2]);
        let (names, rows) = page_rows(&proba, &doc);
        // The second page's ranks ignore the first page's rows.
        assert_eq!(rows[10][col(&names, "page_above:body")], 0.0);
        assert_eq!(rows[11][col(&names, "page_above:body")], 1.0);
        assert_eq!(rows[11][col(&names, "page_gap_max:body")], 0.2 - 0.7);
    }

    #[test]
    fn rows_of_a_batch_equal_the_full_matrix_rows() {
        let proba = chrome_page();
        let doc = [3u32; 10];
        let full = revision_features(&proba, 2, &doc, cfg(1, true), None).unwrap();
        let width = full.len() / 10;
        let some = revision_features_of_rows(&proba, 2, &doc, cfg(1, true), None, &[9, 0, 4]).unwrap();
        assert_eq!(some[..width], full[9 * width..10 * width]);
        assert_eq!(some[width..2 * width], full[..width]);
        assert_eq!(some[2 * width..], full[4 * width..5 * width]);
        assert!(revision_features_of_rows(&proba, 2, &doc, cfg(1, true), None, &[10]).is_err());
    }

    #[test]
    fn page_block_survives_one_line_pages_and_nan() {
        let (names, rows) = page_rows(&[f64::NAN, 0.5], &[0]);
        assert_eq!(rows[0][col(&names, "page_above:body")], 0.0);
        assert_eq!(rows[0][col(&names, "page_gap_max:body")], 0.0);
        assert!(names.iter().zip(&rows[0]).filter(|(n, _)| n.starts_with("page_")).all(|(_, v)| v.is_finite()));
    }

    /// A page of `(P(body), characters)` rows, revised with only the body-run block and the
    /// line length as the one dense feature; returns the block of each row.
    fn body_run_rows(page: &[(f64, usize)]) -> Vec<Vec<f64>> {
        let proba: Vec<f64> = page.iter().flat_map(|&(p, _)| [p, 1.0 - p]).collect();
        let dense: Vec<f32> = page.iter().map(|&(_, c)| (c as f32).ln_1p()).collect();
        let doc = vec![0u32; page.len()];
        let config = RevisionConfig { window: 0, dense: true, page: false, body_run: Some(0) };
        let x = revision_features(&proba, 2, &doc, config, Some((&dense, 1))).unwrap();
        let width = n_revision_features(2, 0, 1, true, false, true);
        assert_eq!(width, revision_feature_names(&["body", "junk"], 0, Some(&["log_chars"][..]), false, true).len());
        x.chunks(width).map(|row| row[width - BODY_RUN_BLOCK..].to_vec()).collect()
    }

    #[test]
    fn short_items_between_paragraphs_are_inside_the_run_by_characters() {
        // a paragraph, twenty two-word list items scored as junk, a paragraph, eight menu lines,
        // then a long comment
        let mut page = vec![(0.9, 400)];
        page.extend(std::iter::repeat((0.1, 12)).take(20));
        page.push((0.9, 400));
        page.extend(std::iter::repeat((0.05, 10)).take(8));
        page.push((0.7, 80));
        let rows = body_run_rows(&page);
        assert!(rows[..22].iter().all(|r| r[0] == 1.0), "by lines the items would split the article");
        assert!(rows[22..].iter().all(|r| r[0] == 0.0));
        assert!(rows[30][1] > 0.0, "the comment comes after the run");
        assert_eq!(best_run(&page.iter().map(|&(p, _)| p).collect::<Vec<_>>()), Some((0, 0)));
        // an item's nearest long lines are the two paragraphs
        assert!((rows[5][2] - 0.9).abs() < 1e-9 && (rows[5][4] - 0.9).abs() < 1e-9);
        assert!((rows[5][3] - 5.0 / 31.0).abs() < 1e-9 && (rows[5][5] - 16.0 / 31.0).abs() < 1e-9);
        assert_eq!(rows[0][2..4], [-1.0, -1.0]); // nothing long before the first line
        assert_eq!(rows[30][4..6], [-1.0, -1.0]); // nor after the last
    }

    #[test]
    fn the_body_run_block_needs_the_dense_features_and_a_body_column() {
        let config = RevisionConfig { window: 1, dense: false, page: false, body_run: Some(0) };
        assert!(revision_features(&[0.5, 0.5], 2, &[0], config, None).unwrap_err().contains("dense"));
        let config = RevisionConfig { body_run: Some(2), ..config };
        assert!(revision_features(&[0.5, 0.5], 2, &[0], config, Some((&[1.0], 1))).unwrap_err().contains("out of range"));
        // non-finite scores and lengths never panic and give finite values
        let config = RevisionConfig { body_run: Some(0), ..config };
        let x = revision_features(&[f64::NAN, 0.5, 0.9, 0.1], 2, &[0, 0], config, Some((&[f32::INFINITY, f32::NAN], 1)))
            .unwrap();
        let width = x.len() / 2;
        assert!(x.chunks(width).all(|row| row[width - BODY_RUN_BLOCK..].iter().all(|v| v.is_finite())));
    }
}
