//! Rows per second of the second pass's tree ensemble alone, on arrays dumped from a model.
//!
//! `cargo run --release --example trees_speed -- DIR [--repeat N]`
//!
//! `python benchmarks/tree_rows.py DIR [--model MODEL_DIR]` writes DIR from a model and the
//! seed documents.
//!
//! DIR holds the model's tree arrays as raw little-endian files named after the `model.npz`
//! arrays (`tree_offsets.bin` i64, `tree_class.bin` i32, `node_feature.bin` i32,
//! `node_threshold.bin` f64, `node_missing_left.bin` u8, `node_left.bin` i32, `node_right.bin`
//! i32, `node_is_leaf.bin` u8, `node_value.bin` f64, `second_baseline.bin` f64) and `x.f64`, the
//! revision rows to score (numpy's `tofile`). Prints rows/s by CPU time (the scorer, the
//! interleaved walk and the plain walk) and checks that the scorer's probabilities equal a plain
//! node-by-node walk's, bit for bit.
use textsieve_core::trees::{TreeArrays, Trees};

fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()))
        .map_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64(), |ns| ns / 1e9)
}

fn read<T: Copy + Default>(dir: &str, name: &str, from: fn(&[u8]) -> T) -> Vec<T> {
    let b = std::fs::read(format!("{dir}/{name}")).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"));
    let w = std::mem::size_of::<T>();
    b.chunks_exact(w).map(from).collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: trees_speed DIR [--repeat N]");
    let mut repeat = 200usize;
    while let Some(a) = args.next() {
        if a == "--repeat" {
            repeat = args.next().and_then(|v| v.parse().ok()).unwrap_or(repeat);
        }
    }
    let i64s = |n: &str| read(&dir, n, |c| i64::from_le_bytes(c.try_into().unwrap()));
    let i32s = |n: &str| read(&dir, n, |c| i32::from_le_bytes(c.try_into().unwrap()));
    let f64s = |n: &str| read(&dir, n, |c| f64::from_le_bytes(c.try_into().unwrap()));
    let u8s = |n: &str| read(&dir, n, |c| c[0]);
    let (offsets, class, feature, threshold) =
        (i64s("tree_offsets.bin"), i32s("tree_class.bin"), i32s("node_feature.bin"), f64s("node_threshold.bin"));
    let (missing, left, right, leaf, value, baseline) = (
        u8s("node_missing_left.bin"),
        i32s("node_left.bin"),
        i32s("node_right.bin"),
        u8s("node_is_leaf.bin"),
        f64s("node_value.bin"),
        f64s("second_baseline.bin"),
    );
    let arrays = TreeArrays {
        tree_offsets: &offsets,
        tree_class: &class,
        node_feature: &feature,
        node_threshold: &threshold,
        node_missing_left: &missing,
        node_left: &left,
        node_right: &right,
        node_is_leaf: &leaf,
        node_value: &value,
        baseline: &baseline,
    };
    let x = f64s("x.f64");
    let k = baseline.len().max(2);
    let width = 1 + feature.iter().copied().max().unwrap_or(0) as usize;
    // The rows' width: x holds whole rows; take the smallest width >= the largest feature that divides it.
    let width = (width..=x.len()).find(|w| x.len() % w == 0).unwrap_or(width);
    let trees = Trees::new(&arrays, k, width).expect("valid trees");
    let n = x.len() / width;
    let reference = trees.proba_reference(&x).unwrap();
    let fast = trees.proba(&x).unwrap();
    let same = reference.iter().zip(&fast).all(|(a, b)| a.to_bits() == b.to_bits());
    println!("{n} rows x {width}, {} trees; fast == reference bit for bit: {same}", trees.n_trees());
    let big: Vec<f64> = (0..repeat).flat_map(|_| x.iter().copied()).collect();
    let t = cpu_seconds();
    let p = trees.proba(&big).unwrap();
    let s = cpu_seconds() - t;
    let t = cpu_seconds();
    let q = trees.proba_reference(&big).unwrap();
    let s_ref = cpu_seconds() - t;
    let t = cpu_seconds();
    let wq = trees.proba_walk(&big).unwrap();
    let s_walk = cpu_seconds() - t;
    assert_eq!(p.len(), q.len());
    assert_eq!(wq.len(), q.len());
    let rows = (n * repeat) as f64;
    println!(
        "fast: {:.0} rows/s ({:.2} us/row); interleaved walk: {:.2} us/row; plain walk: {:.0} rows/s ({:.2} us/row)",
        rows / s,
        s / rows * 1e6,
        s_walk / rows * 1e6,
        rows / s_ref,
        s_ref / rows * 1e6
    );
}
