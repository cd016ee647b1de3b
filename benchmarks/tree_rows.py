"""Write a model's tree arrays and pass-two rows as raw files for the core's tree benchmark.

    python benchmarks/tree_rows.py OUT_DIR [--model DIR]
    cd src && cargo run --release -p textsieve-core --example trees_speed -- OUT_DIR

Why: the tree ensemble is a quarter of a line's time with the shipped model, and its scorer has a
build per instruction set (portable, AVX2, AVX-512). ``trees_speed`` times the scorer alone, in
Rust, without Python or the featurizer, and checks that it gives the plain walk's probabilities
bit for bit; this writes what it reads. The rows are the ones serving would score: the seed
documents (the team's training documents when ``../shared`` is absent) featurized as plain text,
pass one's probabilities, and the revision features built from them, all by the core.

Files: each ``model.npz`` tree array as ``NAME.bin`` (little-endian, the array's own dtype) and
``x.f64``, the rows (row-major float64).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
TREE_ARRAYS = ("tree_offsets", "tree_class", "node_feature", "node_threshold", "node_missing_left", "node_left",
               "node_right", "node_is_leaf", "node_value", "second_baseline")


def documents() -> list[str]:
    if SEEDS.is_dir():
        return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    from textsieve.training.corpus import read_corpus

    return [d.text for d in read_corpus(REPO / "training_data")]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path, help="directory to write the files into (created)")
    ap.add_argument("--model", type=Path, default=REPO / "models", help="model directory (default: the shipped model)")
    args = ap.parse_args(argv)
    from textsieve import _core

    manifest = json.loads((args.model / "manifest.json").read_text(encoding="utf-8"))
    with np.load(args.model / "model.npz", allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    f = _core.featurize(documents(), html=False, config=manifest["feature_config"])
    proba = _core.first_pass_proba(
        f["dense"], f["indptr"].astype(np.int64), f["indices"].astype(np.int32), f["values"].astype(np.float32),
        arrays["dense_mean"], arrays["dense_scale"], arrays["first_coef"], arrays["first_intercept"],
        manifest["first_pass"]["link"],
    )
    rc = manifest["revision_config"]
    labels = manifest["labels"]
    x = _core.revision_features(np.ascontiguousarray(proba), f["doc"].astype(np.uint32), rc["window"],
                                f["dense"] if rc.get("dense", True) else None, rc.get("page", False), None,
                                labels.index("body") if rc.get("body_run", False) else None)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in TREE_ARRAYS:
        np.ascontiguousarray(arrays[name]).tofile(args.out / f"{name}.bin")
    np.ascontiguousarray(x, dtype=np.float64).tofile(args.out / "x.f64")
    print(f"{x.shape[0]} rows x {x.shape[1]} features, {len(arrays['tree_class'])} trees -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
