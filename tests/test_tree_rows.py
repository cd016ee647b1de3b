"""benchmarks/tree_rows.py writes the rows the Rust tree benchmark times: they must be the rows
serving scores, or the benchmark times something else."""
import json

import numpy as np
from conftest import REPO, load_benchmark

from textsieve import Sieve
from textsieve import _core


def test_the_written_rows_scored_by_the_written_trees_give_the_models_probabilities(tmp_path):
    tree_rows = load_benchmark("tree_rows")
    assert tree_rows.main([str(tmp_path / "rows")]) == 0
    out = tmp_path / "rows"
    manifest = json.loads((REPO / "models" / "manifest.json").read_text(encoding="utf-8"))
    with np.load(REPO / "models" / "model.npz", allow_pickle=False) as npz:
        dtypes = {name: npz[name].dtype for name in tree_rows.TREE_ARRAYS}
    arrays = {name: np.fromfile(out / f"{name}.bin", dtype=dtypes[name]) for name in tree_rows.TREE_ARRAYS}
    width = len(manifest["revision_features"])
    x = np.fromfile(out / "x.f64", dtype=np.float64).reshape(-1, width)
    labels = manifest["labels"]
    proba = _core.tree_proba(arrays, len(labels), x)

    # The loaded model's two passes on the same documents' features, as serving runs them.
    features = _core.featurize(tree_rows.documents(), html=False, config=manifest["feature_config"])
    served = Sieve().model.core.predict_proba(features)
    assert len(x) == len(features["doc"]) > 0
    assert np.array_equal(proba, served)  # bit for bit, not close
