//! Pass one: a linear model that scores every segment on its own features.
//!
//! Input is the featurizer's matrix: a dense block (shape, context, repetition, HTML facts) that
//! is standardised with the training set's mean and scale, followed by the hashed word and
//! character n-grams as a sparse block. The weights come from scikit-learn (multinomial
//! `LogisticRegression` or a one-vs-rest `SGDClassifier`); the probability rule is named by
//! the model (`Link`), so serving reproduces exactly what `predict_proba` gave at training time.
//!
//! Training computes its out-of-fold scores with this same code (through the bindings), so the
//! second pass is fitted on the scores serving will produce.

/// How raw class scores become probabilities (scikit-learn's two rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Multinomial logistic regression: softmax over the k scores.
    Softmax,
    /// One-vs-rest: a sigmoid per class, then divided by the row sum (uniform when it is 0).
    OvrSigmoid,
}

impl Link {
    pub fn parse(name: &str) -> Result<Link, String> {
        match name {
            "softmax" => Ok(Link::Softmax),
            "ovr_sigmoid" => Ok(Link::OvrSigmoid),
            other => Err(format!("unknown first-pass link {other:?} (expected \"softmax\" or \"ovr_sigmoid\")")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Link::Softmax => "softmax",
            Link::OvrSigmoid => "ovr_sigmoid",
        }
    }
}

/// The rows to score, borrowed from a feature matrix (CSR for the hashed block).
#[derive(Clone, Copy, Debug)]
pub struct Rows<'a> {
    pub n_rows: usize,
    /// Row-major `n_rows x n_dense`.
    pub dense: &'a [f32],
    /// `n_rows + 1` offsets into `indices`/`values`.
    pub indptr: &'a [u64],
    /// Column within the hashed block (0-based, `< n_hash`).
    pub indices: &'a [u32],
    pub values: &'a [f32],
}

impl<'a> Rows<'a> {
    /// Check the shapes against a model's sizes (the featurizer and the model must agree).
    pub fn check(&self, n_dense: usize, n_hash: usize) -> Result<(), String> {
        if self.dense.len() != self.n_rows.saturating_mul(n_dense) {
            return Err(format!("dense block has {} values, expected {} rows x {} features", self.dense.len(), self.n_rows, n_dense));
        }
        if self.indptr.len() != self.n_rows + 1 {
            return Err(format!("indptr has {} entries, expected {}", self.indptr.len(), self.n_rows + 1));
        }
        if self.indices.len() != self.values.len() {
            return Err(format!("indices ({}) and values ({}) differ in length", self.indices.len(), self.values.len()));
        }
        let mut prev = 0u64;
        for &p in self.indptr {
            if p < prev || p as usize > self.indices.len() {
                return Err("indptr is not a non-decreasing list of offsets into indices".to_string());
            }
            prev = p;
        }
        if self.indptr[0] != 0 || *self.indptr.last().unwrap_or(&0) as usize != self.indices.len() {
            return Err("indptr must start at 0 and end at len(indices)".to_string());
        }
        if let Some(&bad) = self.indices.iter().find(|&&i| i as usize >= n_hash) {
            return Err(format!("hashed column {bad} is out of range (model has {n_hash} hashed features)"));
        }
        Ok(())
    }
}

/// Fitted weights of pass one, folded for serving.
///
/// The standardisation is folded into the dense weights (`w / scale`, intercept minus
/// `w * mean / scale`), and the weights are stored feature-major (`k` values per feature), so
/// a row costs one pass over its dense values and one over its non-zeros.
#[derive(Clone, Debug)]
pub struct FirstPass {
    k: usize,
    n_dense: usize,
    n_hash: usize,
    /// Rows of the raw coefficient matrix: `k`, or 1 for a binary model (scikit-learn's shape).
    n_coef_rows: usize,
    link: Link,
    intercept: Vec<f64>,
    /// `(n_dense + n_hash) x n_coef_rows`, feature-major.
    weights: Vec<f32>,
}

impl FirstPass {
    /// Build from scikit-learn's arrays. `coef` is row-major `(rows, n_dense + n_hash)` with
    /// `rows == k`, or `rows == 1` for a binary model (then `p1 = sigmoid(z)`, `p0 = 1 - p1`).
    pub fn new(
        k: usize,
        n_dense: usize,
        n_hash: usize,
        mean: &[f32],
        scale: &[f32],
        coef: &[f32],
        intercept: &[f32],
        link: Link,
    ) -> Result<FirstPass, String> {
        if k < 2 {
            return Err(format!("a classifier needs at least 2 labels, got {k}"));
        }
        if mean.len() != n_dense || scale.len() != n_dense {
            return Err(format!("dense_mean/dense_scale have {}/{} values, expected {n_dense}", mean.len(), scale.len()));
        }
        let n_features = n_dense.checked_add(n_hash).ok_or("feature count overflows")?;
        let n_coef_rows = if k == 2 && intercept.len() == 1 { 1 } else { k };
        if intercept.len() != n_coef_rows {
            return Err(format!("first_intercept has {} values, expected {k}", intercept.len()));
        }
        if coef.len() != n_coef_rows.saturating_mul(n_features) {
            return Err(format!(
                "first_coef has {} values, expected {n_coef_rows} x {n_features} (dense {n_dense} + hashed {n_hash})",
                coef.len()
            ));
        }
        if let Some(i) = scale.iter().position(|s| !s.is_finite() || *s == 0.0) {
            return Err(format!("dense_scale[{i}] is {} (must be finite and non-zero)", scale[i]));
        }
        if mean.iter().chain(coef).chain(intercept).any(|v| !v.is_finite()) {
            return Err("first-pass weights contain NaN or infinity".to_string());
        }
        let mut weights = vec![0f32; n_features * n_coef_rows];
        let mut icpt: Vec<f64> = intercept.iter().map(|&v| v as f64).collect();
        for c in 0..n_coef_rows {
            let row = &coef[c * n_features..(c + 1) * n_features];
            for j in 0..n_dense {
                let w = row[j] as f64 / scale[j] as f64;
                weights[j * n_coef_rows + c] = w as f32;
                icpt[c] -= w * mean[j] as f64;
            }
            for j in n_dense..n_features {
                weights[j * n_coef_rows + c] = row[j];
            }
        }
        if icpt.iter().any(|v| !v.is_finite()) || weights.iter().any(|w| !w.is_finite()) {
            return Err("first-pass weights overflow after standardisation (dense_scale too small)".to_string());
        }
        Ok(FirstPass { k, n_dense, n_hash, n_coef_rows, link, intercept: icpt, weights })
    }

    pub fn n_labels(&self) -> usize {
        self.k
    }
    pub fn n_dense(&self) -> usize {
        self.n_dense
    }
    pub fn n_hash(&self) -> usize {
        self.n_hash
    }
    pub fn link(&self) -> Link {
        self.link
    }

    /// Probabilities, row-major `n_rows x k`. Non-finite feature values count as 0.
    pub fn proba(&self, rows: &Rows) -> Result<Vec<f64>, String> {
        rows.check(self.n_dense, self.n_hash)?;
        let (k, m) = (self.k, self.n_coef_rows);
        let mut out = vec![0f64; rows.n_rows * k];
        let mut z = vec![0f64; m];
        for r in 0..rows.n_rows {
            z.copy_from_slice(&self.intercept);
            let dense = &rows.dense[r * self.n_dense..(r + 1) * self.n_dense];
            for (j, &x) in dense.iter().enumerate() {
                if x != 0.0 && x.is_finite() {
                    let w = &self.weights[j * m..(j + 1) * m];
                    for c in 0..m {
                        z[c] += w[c] as f64 * x as f64;
                    }
                }
            }
            let (lo, hi) = (rows.indptr[r] as usize, rows.indptr[r + 1] as usize);
            for (&col, &x) in rows.indices[lo..hi].iter().zip(&rows.values[lo..hi]) {
                if x.is_finite() {
                    let j = self.n_dense + col as usize;
                    let w = &self.weights[j * m..(j + 1) * m];
                    for c in 0..m {
                        z[c] += w[c] as f64 * x as f64;
                    }
                }
            }
            link_into(self.link, &z, &mut out[r * k..(r + 1) * k]);
        }
        Ok(out)
    }
}

/// Numerically stable logistic function (shared with the tree pass's binary rule).
pub(crate) fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Raw scores -> probabilities. `z` has one value (binary) or `out.len()` values.
fn link_into(link: Link, z: &[f64], out: &mut [f64]) {
    let k = out.len();
    if z.len() == 1 {
        let p = sigmoid(z[0]);
        out[0] = 1.0 - p;
        out[1] = p;
        return;
    }
    match link {
        Link::Softmax => {
            let max = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let mut sum = 0.0;
            for c in 0..k {
                out[c] = (z[c] - max).exp();
                sum += out[c];
            }
            for v in out.iter_mut() {
                *v /= sum;
            }
        }
        Link::OvrSigmoid => {
            let mut sum = 0.0;
            for c in 0..k {
                out[c] = sigmoid(z[c]);
                sum += out[c];
            }
            if sum > 0.0 {
                for v in out.iter_mut() {
                    *v /= sum;
                }
            } else {
                out.fill(1.0 / k as f64);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows<'a>(dense: &'a [f32], indptr: &'a [u64], indices: &'a [u32], values: &'a [f32]) -> Rows<'a> {
        Rows { n_rows: indptr.len() - 1, dense, indptr, indices, values }
    }

    #[test]
    fn softmax_matches_hand_computation() {
        // 1 dense feature (mean 1, scale 2), 2 hashed; 3 classes.
        let coef = [1.0, 0.0, 0.5, /* c1 */ 0.0, 1.0, 0.0, /* c2 */ 0.0, 0.0, 0.0];
        let fp = FirstPass::new(3, 1, 2, &[1.0], &[2.0], &coef, &[0.0, 0.1, 0.0], Link::Softmax).unwrap();
        let p = fp.proba(&rows(&[5.0], &[0, 2], &[0, 1], &[1.0, 2.0])).unwrap();
        // z0 = (5-1)/2*1 + 0*1 + 0.5*2 = 3; z1 = 0.1 + 1*1 = 1.1; z2 = 0
        let z = [3.0f64, 1.1, 0.0];
        let s: f64 = z.iter().map(|v| v.exp()).sum();
        for c in 0..3 {
            assert!((p[c] - z[c].exp() / s).abs() < 1e-6, "{p:?}");
        }
    }

    #[test]
    fn ovr_normalises_sigmoids_and_binary_uses_one_row() {
        let fp = FirstPass::new(3, 0, 1, &[], &[], &[2.0, -1.0, 0.0], &[0.0, 0.0, 0.0], Link::OvrSigmoid).unwrap();
        let p = fp.proba(&rows(&[], &[0, 1], &[0], &[1.0])).unwrap();
        let s = [sigmoid(2.0), sigmoid(-1.0), 0.5];
        let t: f64 = s.iter().sum();
        for c in 0..3 {
            assert!((p[c] - s[c] / t).abs() < 1e-9);
        }
        let bin = FirstPass::new(2, 0, 1, &[], &[], &[3.0], &[-1.0], Link::OvrSigmoid).unwrap();
        let p = bin.proba(&rows(&[], &[0, 1, 1], &[0], &[1.0])).unwrap();
        assert!((p[1] - sigmoid(2.0)).abs() < 1e-9 && (p[0] + p[1] - 1.0).abs() < 1e-12);
        assert!((p[3] - sigmoid(-1.0)).abs() < 1e-9, "an empty row scores the intercept");
    }

    #[test]
    fn bad_shapes_and_values_are_errors() {
        assert!(FirstPass::new(3, 1, 1, &[0.0], &[1.0], &[0.0; 5], &[0.0; 3], Link::Softmax).is_err());
        assert!(FirstPass::new(2, 1, 0, &[0.0], &[0.0], &[1.0, 1.0], &[0.0, 0.0], Link::Softmax).is_err());
        assert!(FirstPass::new(2, 1, 0, &[0.0], &[1.0], &[f32::NAN, 1.0], &[0.0, 0.0], Link::Softmax).is_err());
        assert!(FirstPass::new(1, 0, 0, &[], &[], &[], &[0.0], Link::Softmax).is_err());
        let fp = FirstPass::new(2, 0, 2, &[], &[], &[1.0, 1.0, 1.0, 1.0], &[0.0, 0.0], Link::Softmax).unwrap();
        assert!(fp.proba(&rows(&[], &[0, 1], &[2], &[1.0])).is_err(), "column out of range");
        assert!(fp.proba(&rows(&[], &[0, 2], &[0], &[1.0])).is_err(), "indptr past the end");
        assert!(fp.proba(&rows(&[1.0], &[0, 0], &[], &[])).is_err(), "dense block of the wrong size");
    }
}
