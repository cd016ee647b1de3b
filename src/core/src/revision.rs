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
//!    line sits in.
//!
//! Everything is computed from first-pass scores only, before any label is applied, so the order
//! in which rows are visited cannot change the result. Rows of one document must be contiguous
//! for the neighbour features (they are, in both training and serving); the document means
//! group by id wherever the rows sit.

use std::collections::HashMap;

/// How pass two looks at its neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevisionConfig {
    /// Segments on each side whose scores are inputs.
    pub window: usize,
    /// Include the raw dense features in pass two's input.
    pub dense: bool,
}

/// The largest window a model may ask for (bounds the row width).
pub const MAX_WINDOW: usize = 64;

/// Number of revision features for `k` labels and `n_dense` dense features.
pub fn n_revision_features(k: usize, window: usize, n_dense: usize, config_dense: bool) -> usize {
    k + if config_dense { n_dense } else { 0 } + 2 * window * (k + 1) + 2 * k
}

/// The names of the revision features, in column order.
pub fn revision_feature_names<S: AsRef<str>>(labels: &[S], window: usize, dense_names: Option<&[S]>) -> Vec<String> {
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
    window: usize,
    dense: Option<(&[f32], usize)>,
) -> Result<Vec<f64>, String> {
    let r = Revision::new(proba, k, doc, window, dense)?;
    let mut out = vec![0f64; doc.len() * r.width()];
    r.fill(0..doc.len(), &mut out);
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
    width: usize,
}

impl<'a> Revision<'a> {
    /// Check the shapes and compute the document means.
    pub fn new(
        proba: &'a [f64],
        k: usize,
        doc: &'a [u32],
        window: usize,
        dense: Option<(&'a [f32], usize)>,
    ) -> Result<Revision<'a>, String> {
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
        let width = n_revision_features(k, window, n_dense, dense.is_some());
        Ok(Revision { proba, k, doc, window, dense, means, width })
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_names_agree() {
        let labels = ["body", "junk"];
        let names = revision_feature_names(&labels, 1, None);
        assert_eq!(names.len(), n_revision_features(2, 1, 0, false));
        assert_eq!(names[..2], ["p:body", "p:junk"]);
        assert_eq!(names[2..8], ["p[-1]:body", "p[-1]:junk", "has[-1]", "p[+1]:body", "p[+1]:junk", "has[+1]"]);
        assert_eq!(names[8..], ["doc_mean:body", "doc_mean:junk", "wide_mean:body", "wide_mean:junk"]);
        let with_dense = revision_feature_names(&labels, 1, Some(&["chars", "words"][..]));
        assert_eq!(with_dense[2..4], ["dense:chars", "dense:words"]);
    }

    #[test]
    fn neighbours_stop_at_document_edges() {
        // Two documents: rows 0,1 (doc 7) and row 2 (doc 9); k = 2, window = 1.
        let proba = [0.9, 0.1, 0.2, 0.8, 0.5, 0.5];
        let x = revision_features(&proba, 2, &[7, 7, 9], 1, None).unwrap();
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
        let x = revision_features(&[1.0, 0.0], 2, &[0], 0, Some((&[3.5, -1.0], 2))).unwrap();
        assert_eq!(x, vec![1.0, 0.0, 3.5, -1.0, 1.0, 0.0, 1.0, 0.0]);
        assert!(revision_features(&[1.0], 2, &[0], 1, None).is_err());
        assert!(revision_features(&[1.0, 0.0], 2, &[0], 1, Some((&[1.0], 2))).is_err());
        assert!(revision_features(&[1.0, 0.0], 2, &[0], MAX_WINDOW + 1, None).is_err());
        assert!(revision_features(&[], 2, &[], 3, None).unwrap().is_empty());
    }
}
