//! A trained model as data: the arrays of model file format v2 plus its settings, validated once.
//!
//! The Python loader (`textsieve.model`) reads `model.npz` without pickle, checks the manifest
//! (format and features versions, sha256, array names, dtypes and shapes) and hands the arrays
//! here. Construction re-checks every shape and value the inference relies on, so a damaged or
//! hand-edited model is refused with a message saying what is wrong, and inference afterwards
//! can index without checks and never panics.

use std::fmt;

use crate::features::{dense_feature_names, FeatureConfig};
use crate::first_pass::{FirstPass, Link, Rows};
use crate::revision::{n_revision_features, Revision, RevisionConfig, MAX_WINDOW};
use crate::trees::{TreeArrays, Trees};

/// Why a model cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError(pub String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

impl From<String> for ModelError {
    fn from(s: String) -> Self {
        ModelError(s)
    }
}

/// The arrays of `model.npz` (names as in the file).
#[derive(Clone, Debug, Default)]
pub struct ModelArrays {
    pub dense_mean: Vec<f32>,
    pub dense_scale: Vec<f32>,
    /// Row-major `(k, n_dense + n_hash)` (or `(1, ..)` for a binary model).
    pub first_coef: Vec<f32>,
    pub first_intercept: Vec<f32>,
    pub tree_offsets: Vec<i64>,
    pub tree_class: Vec<i32>,
    pub node_feature: Vec<i32>,
    pub node_threshold: Vec<f64>,
    pub node_missing_left: Vec<u8>,
    pub node_left: Vec<i32>,
    pub node_right: Vec<i32>,
    pub node_is_leaf: Vec<u8>,
    pub node_value: Vec<f64>,
    pub second_baseline: Vec<f64>,
}

/// The settings from `manifest.json` that inference needs.
#[derive(Clone, Debug)]
pub struct ModelConfig {
    /// Labels in the order of the model's probability columns.
    pub labels: Vec<String>,
    pub features: FeatureConfig,
    pub revision: RevisionConfig,
    pub link: Link,
}

/// A validated model: featurizer settings, pass one, pass two.
#[derive(Clone, Debug)]
pub struct Model {
    labels: Vec<String>,
    features: FeatureConfig,
    revision: RevisionConfig,
    first: FirstPass,
    trees: Trees,
    n_dense: usize,
}

impl Model {
    pub fn new(arrays: &ModelArrays, config: ModelConfig) -> Result<Model, ModelError> {
        let k = config.labels.len();
        if k < 2 {
            return Err(ModelError(format!("the model needs at least 2 labels, the manifest lists {k}")));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = config.labels.iter().find(|l| !seen.insert(l.as_str())) {
            return Err(ModelError(format!("label {dup:?} is listed twice")));
        }
        if config.revision.window > MAX_WINDOW {
            return Err(ModelError(format!("revision window {} is larger than {MAX_WINDOW}", config.revision.window)));
        }
        let n_dense = dense_feature_names(config.features.html).len();
        let n_hash = config.features.n_word_hash as usize + config.features.n_char_hash as usize;
        if n_hash == 0 || n_hash > (1 << 28) {
            return Err(ModelError(format!("hashed feature count {n_hash} is out of range (1 .. 2^28)")));
        }
        let first = FirstPass::new(
            k,
            n_dense,
            n_hash,
            &arrays.dense_mean,
            &arrays.dense_scale,
            &arrays.first_coef,
            &arrays.first_intercept,
            config.link,
        )
        .map_err(|e| ModelError(format!("first pass: {e}")))?;
        if let Some(body) = config.revision.body_run {
            if body >= k {
                return Err(ModelError(format!("the body-run block's body column {body} is out of range for {k} labels")));
            }
            if !config.revision.dense {
                return Err(ModelError("the body-run block reads line lengths from the dense features, which this model's revision leaves out".into()));
            }
        }
        let n_rev = n_revision_features(
            k,
            config.revision.window,
            n_dense,
            config.revision.dense,
            config.revision.page,
            config.revision.body_run.is_some(),
        );
        let trees = Trees::new(
            &TreeArrays {
                tree_offsets: &arrays.tree_offsets,
                tree_class: &arrays.tree_class,
                node_feature: &arrays.node_feature,
                node_threshold: &arrays.node_threshold,
                node_missing_left: &arrays.node_missing_left,
                node_left: &arrays.node_left,
                node_right: &arrays.node_right,
                node_is_leaf: &arrays.node_is_leaf,
                node_value: &arrays.node_value,
                baseline: &arrays.second_baseline,
            },
            k,
            n_rev,
        )
        .map_err(|e| ModelError(format!("second pass: {e}")))?;
        Ok(Model { labels: config.labels, features: config.features, revision: config.revision, first, trees, n_dense })
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }
    pub fn feature_config(&self) -> &FeatureConfig {
        &self.features
    }
    pub fn revision_config(&self) -> RevisionConfig {
        self.revision
    }
    pub fn n_dense(&self) -> usize {
        self.n_dense
    }
    pub fn first_pass(&self) -> &FirstPass {
        &self.first
    }
    pub fn trees(&self) -> &Trees {
        &self.trees
    }

    /// Pass one alone, row-major `n x k`.
    pub fn first_pass_proba(&self, rows: &Rows) -> Result<Vec<f64>, String> {
        self.first.proba(rows)
    }

    /// Both passes over the rows of one or more documents (`doc` per row, rows of a document
    /// contiguous); row-major `n x k`. Pass two's (wide) input is built and scored
    /// [`CHUNK_ROWS`] rows at a time, so a page of a million lines never holds it whole.
    pub fn proba(&self, rows: &Rows, doc: &[u32]) -> Result<Vec<f64>, String> {
        let first = self.first.proba(rows)?;
        let dense = if self.revision.dense { Some((rows.dense, self.n_dense)) } else { None };
        let k = self.labels.len();
        let revision = Revision::new(&first, k, doc, self.revision, dense)?;
        let n = doc.len();
        let mut out = Vec::with_capacity(n * k);
        let mut x = Vec::new();
        for lo in (0..n).step_by(CHUNK_ROWS) {
            let hi = (lo + CHUNK_ROWS).min(n);
            x.clear();
            x.resize((hi - lo) * revision.width(), 0.0);
            revision.fill(lo..hi, &mut x);
            out.extend(self.trees.proba(&x)?);
        }
        Ok(out)
    }
}

/// Rows of pass two's input built at a time.
pub const CHUNK_ROWS: usize = 1024;

/// A small model with deterministic pseudo-random weights, for tests of the inference path.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    fn lcg(state: &mut u64) -> f32 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((*state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    pub fn arrays(k: usize, n_dense: usize, n_hash: usize, n_rev: usize, seed: u64) -> ModelArrays {
        let mut s = seed;
        let mut a = ModelArrays {
            dense_mean: (0..n_dense).map(|_| lcg(&mut s)).collect(),
            dense_scale: (0..n_dense).map(|_| 1.0 + lcg(&mut s).abs()).collect(),
            first_coef: (0..k * (n_dense + n_hash)).map(|_| lcg(&mut s)).collect(),
            first_intercept: (0..k).map(|_| lcg(&mut s) * 0.1).collect(),
            tree_offsets: vec![0],
            second_baseline: vec![0.0; if k == 2 { 1 } else { k }],
            ..Default::default()
        };
        // Per class two depth-2 trees over random revision features.
        for t in 0..2 * a.second_baseline.len() {
            a.tree_class.push((t % a.second_baseline.len()) as i32);
            let f = |s: &mut u64| ((lcg(s).abs() * n_rev as f32) as i32).min(n_rev as i32 - 1);
            a.node_feature.extend([f(&mut s), f(&mut s), 0, 0, f(&mut s), 0, 0]);
            a.node_threshold.extend([0.3, 0.5, 0.0, 0.0, 0.2, 0.0, 0.0]);
            a.node_missing_left.extend([1, 0, 0, 0, 1, 0, 0]);
            a.node_left.extend([1, 2, 0, 0, 5, 0, 0]);
            a.node_right.extend([4, 3, 0, 0, 6, 0, 0]);
            a.node_is_leaf.extend([0, 0, 1, 1, 0, 1, 1]);
            for _ in 0..7 {
                a.node_value.push(lcg(&mut s) as f64);
            }
            a.tree_offsets.push(a.node_feature.len() as i64);
        }
        a
    }

    /// Labels body/caption/junk, small hash spaces, window 2, dense features in pass two.
    pub fn model(seed: u64) -> Model {
        let features = FeatureConfig { n_word_hash: 256, n_char_hash: 128, ..FeatureConfig::default() };
        let labels: Vec<String> = ["body", "caption", "junk"].iter().map(|s| s.to_string()).collect();
        let n_dense = dense_feature_names(features.html).len();
        let revision = RevisionConfig { window: 2, dense: true, page: false, body_run: None };
        let n_rev = n_revision_features(3, 2, n_dense, true, false, false);
        let a = arrays(3, n_dense, 384, n_rev, seed);
        Model::new(&a, ModelConfig { labels, features, revision, link: Link::Softmax }).expect("test model is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{arrays, model};
    use super::*;

    fn config(labels: &[&str]) -> ModelConfig {
        ModelConfig {
            labels: labels.iter().map(|s| s.to_string()).collect(),
            features: FeatureConfig { n_word_hash: 256, n_char_hash: 128, ..FeatureConfig::default() },
            revision: RevisionConfig { window: 2, dense: true, page: false, body_run: None },
            link: Link::Softmax,
        }
    }

    #[test]
    fn a_valid_model_builds_and_invalid_ones_are_errors() {
        let m = model(1);
        assert_eq!(m.labels(), ["body", "caption", "junk"]);
        let n_dense = m.n_dense();
        let n_rev = n_revision_features(3, 2, n_dense, true, false, false);
        let good = arrays(3, n_dense, 384, n_rev, 1);
        assert!(Model::new(&good, config(&["body", "caption", "junk"])).is_ok());
        // Each kind of damage is refused with a message, never a panic.
        let mut bad = good.clone();
        bad.first_coef.pop();
        assert!(Model::new(&bad, config(&["body", "caption", "junk"])).unwrap_err().0.contains("first pass"));
        let mut bad = good.clone();
        bad.node_feature[0] = n_rev as i32;
        assert!(Model::new(&bad, config(&["body", "caption", "junk"])).unwrap_err().0.contains("second pass"));
        let mut bad = good.clone();
        bad.dense_scale[3] = f32::NAN;
        assert!(Model::new(&bad, config(&["body", "caption", "junk"])).is_err());
        assert!(Model::new(&good, config(&["body", "caption"])).is_err(), "label count differs from the arrays");
        assert!(Model::new(&good, config(&["body", "body", "junk"])).unwrap_err().0.contains("twice"));
        let mut cfg = config(&["body", "caption", "junk"]);
        cfg.features.n_word_hash = 512;
        assert!(Model::new(&good, cfg).is_err(), "hash size differs from the weights");
        assert!(Model::new(&ModelArrays::default(), config(&["body", "caption", "junk"])).is_err());
    }

    #[test]
    fn chunked_second_pass_equals_the_whole_matrix() {
        let m = model(6);
        let (n, nd) = (2 * CHUNK_ROWS + 37, m.n_dense());
        let dense: Vec<f32> = (0..n * nd).map(|i| ((i * 7919) % 113) as f32 / 50.0).collect();
        let indptr: Vec<u64> = (0..=n as u64).collect();
        let indices: Vec<u32> = (0..n as u32).map(|i| (i * 31) % 384).collect();
        let values = vec![1.0f32; n];
        let doc: Vec<u32> = (0..n as u32).map(|i| i / 700).collect();
        let rows = Rows { n_rows: n, dense: &dense, indptr: &indptr, indices: &indices, values: &values };
        let chunked = m.proba(&rows, &doc).unwrap();
        let first = m.first_pass_proba(&rows).unwrap();
        let x = crate::revision::revision_features(&first, 3, &doc, RevisionConfig { window: 2, dense: true, page: false, body_run: None }, Some((&dense, nd))).unwrap();
        assert_eq!(chunked, m.trees().proba(&x).unwrap());
    }

    #[test]
    fn probabilities_are_distributions() {
        let m = model(2);
        let n_dense = m.n_dense();
        let dense = vec![0.5f32; 3 * n_dense];
        let rows = Rows { n_rows: 3, dense: &dense, indptr: &[0, 1, 1, 3], indices: &[5, 7, 300], values: &[1.0, 0.5, 2.0] };
        let p = m.proba(&rows, &[0, 0, 1]).unwrap();
        assert_eq!(p.len(), 9);
        for r in 0..3 {
            let s: f64 = p[r * 3..r * 3 + 3].iter().sum();
            assert!((s - 1.0).abs() < 1e-9 && p[r * 3..r * 3 + 3].iter().all(|v| v.is_finite()));
        }
        let empty = Rows { n_rows: 0, dense: &[], indptr: &[0], indices: &[], values: &[] };
        assert!(m.proba(&empty, &[]).unwrap().is_empty());
    }
}
