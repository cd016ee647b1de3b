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
    /// `n_dense x n_coef_rows`, feature-major: the f32 weights widened once (exactly) rather
    /// than per row.
    dense_weights: Vec<f64>,
    /// The hashed block's weights without its all-zero columns: row 0 is zeros, then one row
    /// of `n_coef_rows` per column with a non-zero weight, in column order. Most hashed columns
    /// of a trained model never occurred in training and have zero weights; leaving them out
    /// halves the table a row's random look-ups land in (better cached), and a zero column
    /// reads the shared zero row, which stays in L1.
    hashed_weights: Vec<f32>,
    /// One bit per hashed column: it has a row in `hashed_weights`.
    present: Vec<u64>,
    /// Per 64 columns: rows of `hashed_weights` used by the columns before them, plus 1.
    present_before: Vec<u32>,
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
        let mut dense_weights = vec![0f64; n_dense * n_coef_rows];
        let mut icpt: Vec<f64> = intercept.iter().map(|&v| v as f64).collect();
        for c in 0..n_coef_rows {
            let row = &coef[c * n_features..(c + 1) * n_features];
            for j in 0..n_dense {
                let w = row[j] as f64 / scale[j] as f64;
                dense_weights[j * n_coef_rows + c] = w as f32 as f64;
                icpt[c] -= w * mean[j] as f64;
            }
        }
        if icpt.iter().any(|v| !v.is_finite()) || dense_weights.iter().any(|w| !w.is_finite()) {
            return Err("first-pass weights overflow after standardisation (dense_scale too small)".to_string());
        }
        let mut hashed_weights = vec![0f32; n_coef_rows];
        let mut present = vec![0u64; n_hash.div_ceil(64)];
        let mut present_before = Vec::with_capacity(present.len());
        for j in 0..n_hash {
            if j % 64 == 0 {
                present_before.push(u32::try_from(hashed_weights.len() / n_coef_rows).map_err(|_| "too many hashed weights")?);
            }
            let col = |c: usize| coef[c * n_features + n_dense + j];
            if (0..n_coef_rows).any(|c| col(c) != 0.0) {
                present[j / 64] |= 1 << (j % 64);
                hashed_weights.extend((0..n_coef_rows).map(col));
            }
        }
        Ok(FirstPass { k, n_dense, n_hash, n_coef_rows, link, intercept: icpt, dense_weights, hashed_weights, present, present_before })
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
    ///
    /// A class's score adds the products in column order (dense block, then the row's sorted
    /// hashed columns), each product exact in f64, so the result does not depend on how the
    /// weights are stored. Zero values and zero weights are not skipped but multiplied (a
    /// product of zero leaves the sum unchanged; at most a zero's sign differs, which neither
    /// rule can see): no branch on the data, and the look-ups of a row are independent loads
    /// the processor overlaps.
    pub fn proba(&self, rows: &Rows) -> Result<Vec<f64>, String> {
        rows.check(self.n_dense, self.n_hash)?;
        let mut out = vec![0f64; rows.n_rows * self.k];
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the processor supports AVX2 and POPCNT (detected just above).
            unsafe { self.proba_avx2(rows, &mut out) };
            return Ok(out);
        }
        self.proba_any(rows, &mut out);
        Ok(out)
    }

    /// [`FirstPass::proba`] compiled for AVX2: a row's class scores are updated in one 256-bit
    /// register instead of two SSE2 ones. The same f64 products and sums in the same order per
    /// class (Rust never fuses a multiply and an add), so the result is identical bit for bit.
    /// With POPCNT (every AVX2 processor has it) a hashed column's weight row is found with one
    /// instruction where the baseline x86-64 build counts bits in a dozen.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    fn proba_avx2(&self, rows: &Rows, out: &mut [f64]) {
        self.proba_any(rows, out)
    }

    /// [`FirstPass::proba`]'s loop for any processor (inlined into each compiled variant).
    #[inline(always)]
    fn proba_any(&self, rows: &Rows, out: &mut [f64]) {
        match self.n_coef_rows {
            1 => self.proba_into::<1>(rows, out),
            2 => self.proba_into::<2>(rows, out),
            3 => self.proba_into::<3>(rows, out),
            4 => self.proba_into::<4>(rows, out),
            5 => self.proba_into::<5>(rows, out),
            6 => self.proba_into::<6>(rows, out),
            7 => self.proba_into::<7>(rows, out),
            8 => self.proba_into::<8>(rows, out),
            _ => self.proba_into_any(rows, out),
        }
    }

    /// Row `hashed_weights` of hashed column `col` (< n_hash), 0 for an all-zero column.
    #[inline(always)]
    fn hashed_row(&self, col: usize) -> usize {
        let (word, bit) = (self.present[col / 64], col % 64);
        let below = (word & ((1u64 << bit) - 1)).count_ones() as usize;
        let here = ((word >> bit) & 1) as usize;
        (self.present_before[col / 64] as usize + below) * here
    }

    /// [`FirstPass::proba`] with the class count fixed at compile time: the scores stay in
    /// registers.
    #[inline(always)]
    fn proba_into<const M: usize>(&self, rows: &Rows, out: &mut [f64]) {
        let k = self.k;
        let mut icpt = [0f64; M];
        icpt.copy_from_slice(&self.intercept);
        let dw = &self.dense_weights[..self.n_dense * M];
        for r in 0..rows.n_rows {
            let mut z = icpt;
            let dense = &rows.dense[r * self.n_dense..(r + 1) * self.n_dense];
            for (w, &x) in dw.chunks_exact(M).zip(dense) {
                let x = if x.is_finite() { x as f64 } else { 0.0 };
                for c in 0..M {
                    z[c] += w[c] * x;
                }
            }
            let (lo, hi) = (rows.indptr[r] as usize, rows.indptr[r + 1] as usize);
            for (&col, &x) in rows.indices[lo..hi].iter().zip(&rows.values[lo..hi]) {
                let x = if x.is_finite() { x as f64 } else { 0.0 };
                let at = self.hashed_row(col as usize) * M;
                let w = &self.hashed_weights[at..at + M];
                for c in 0..M {
                    z[c] += w[c] as f64 * x;
                }
            }
            link_into(self.link, &z, &mut out[r * k..(r + 1) * k]);
        }
    }

    /// [`FirstPass::proba`] for any class count.
    #[inline(always)]
    fn proba_into_any(&self, rows: &Rows, out: &mut [f64]) {
        let (k, m) = (self.k, self.n_coef_rows);
        let mut z = vec![0f64; m];
        for r in 0..rows.n_rows {
            z.copy_from_slice(&self.intercept);
            let dense = &rows.dense[r * self.n_dense..(r + 1) * self.n_dense];
            for (w, &x) in self.dense_weights.chunks_exact(m).zip(dense) {
                let x = if x.is_finite() { x as f64 } else { 0.0 };
                for c in 0..m {
                    z[c] += w[c] * x;
                }
            }
            let (lo, hi) = (rows.indptr[r] as usize, rows.indptr[r + 1] as usize);
            for (&col, &x) in rows.indices[lo..hi].iter().zip(&rows.values[lo..hi]) {
                let x = if x.is_finite() { x as f64 } else { 0.0 };
                let at = self.hashed_row(col as usize) * m;
                for c in 0..m {
                    z[c] += self.hashed_weights[at + c] as f64 * x;
                }
            }
            link_into(self.link, &z, &mut out[r * k..(r + 1) * k]);
        }
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

    /// The serving rule as first written: full feature-major weights, zero and non-finite
    /// values skipped. The compact table must give the same probabilities, bit for bit.
    fn reference(k: usize, n_dense: usize, n_hash: usize, mean: &[f32], scale: &[f32], coef: &[f32], icpt: &[f32], link: Link, r: &Rows) -> Vec<f64> {
        let nf = n_dense + n_hash;
        let m = icpt.len();
        let mut weights = vec![0f32; nf * m];
        let mut intercept: Vec<f64> = icpt.iter().map(|&v| v as f64).collect();
        for c in 0..m {
            for j in 0..nf {
                if j < n_dense {
                    let w = coef[c * nf + j] as f64 / scale[j] as f64;
                    weights[j * m + c] = w as f32;
                    intercept[c] -= w * mean[j] as f64;
                } else {
                    weights[j * m + c] = coef[c * nf + j];
                }
            }
        }
        let mut out = vec![0f64; r.n_rows * k];
        for row in 0..r.n_rows {
            let mut z = intercept.clone();
            let mut add = |j: usize, x: f32| {
                if x != 0.0 && x.is_finite() {
                    for c in 0..m {
                        z[c] += weights[j * m + c] as f64 * x as f64;
                    }
                }
            };
            for j in 0..n_dense {
                add(j, r.dense[row * n_dense + j]);
            }
            for i in r.indptr[row] as usize..r.indptr[row + 1] as usize {
                add(n_dense + r.indices[i] as usize, r.values[i]);
            }
            link_into(link, &z, &mut out[row * k..(row + 1) * k]);
        }
        out
    }

    #[test]
    fn compact_hashed_weights_give_the_full_tables_probabilities() {
        let mut s = 99u64;
        let mut rnd = || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 33) as u32
        };
        let specials = [0.0f32, -0.0, 1.0, -2.5, f32::NAN, f32::INFINITY, 1e-30, 3.75];
        // (labels, coefficient rows): binary with one row, 3 and 4 labels, 11 (no fixed size).
        for (k, m) in [(2, 1), (3, 3), (4, 4), (11, 11)] {
            let (n_dense, n_hash) = (5, 200);
            let nf = n_dense + n_hash;
            let mean: Vec<f32> = (0..n_dense).map(|j| j as f32 * 0.5 - 1.0).collect();
            let scale: Vec<f32> = (0..n_dense).map(|j| 0.25 + j as f32).collect();
            // Most hashed columns all zero, some with a zero in only some classes.
            let col_used: Vec<bool> = (0..n_hash).map(|_| rnd() % 3 == 0).collect();
            let coef: Vec<f32> = (0..m * nf)
                .map(|i| {
                    let j = i % nf;
                    if j >= n_dense && (!col_used[j - n_dense] || rnd() % 4 == 0) {
                        0.0
                    } else {
                        (rnd() % 2001) as f32 / 500.0 - 2.0
                    }
                })
                .collect();
            let icpt: Vec<f32> = (0..m).map(|c| c as f32 * 0.1 - 0.3).collect();
            let n_rows = 23;
            let dense: Vec<f32> = (0..n_rows * n_dense).map(|_| specials[rnd() as usize % specials.len()]).collect();
            let mut indptr = vec![0u64];
            let (mut indices, mut values) = (Vec::new(), Vec::new());
            for _ in 0..n_rows {
                let mut cols: Vec<u32> = (0..rnd() % 40).map(|_| rnd() % n_hash as u32).collect();
                cols.sort_unstable();
                cols.dedup();
                for c in cols {
                    indices.push(c);
                    values.push(if rnd() % 5 == 0 { specials[rnd() as usize % specials.len()] } else { (rnd() % 100) as f32 / 37.0 });
                }
                indptr.push(indices.len() as u64);
            }
            let r = Rows { n_rows, dense: &dense, indptr: &indptr, indices: &indices, values: &values };
            for link in [Link::Softmax, Link::OvrSigmoid] {
                let fp = FirstPass::new(k, n_dense, n_hash, &mean, &scale, &coef, &icpt, link).unwrap();
                let got: Vec<u64> = fp.proba(&r).unwrap().iter().map(|v| v.to_bits()).collect();
                let want: Vec<u64> = reference(k, n_dense, n_hash, &mean, &scale, &coef, &icpt, link, &r).iter().map(|v| v.to_bits()).collect();
                assert_eq!(got, want, "k = {k}, {link:?}");
            }
        }
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
