"""Shared fixtures. The seed documents live outside the repo (../shared); tests that need them
skip with a message on a user's machine, where that folder does not exist."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def load_benchmark(name: str):
    """A script of ``benchmarks/`` as a module (they are scripts, not a package), so a test can
    call its ``main`` and helpers as a maintainer would run it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def sieve():
    from textsieve import Sieve

    return Sieve()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "gold").is_dir():
        pytest.skip(f"seed evaluation set not found at {SEEDS} (it ships with the team's shared folder, not the repo)")
    return SEEDS


@pytest.fixture(scope="session")
def example_text() -> str:
    return (DATA / "example_page.txt").read_text(encoding="utf-8")


def write_tiny_model(directory: Path, seed: int = 0, body_bias: float = 3.0,
                     labels: tuple[str, ...] = ("author_meta", "body", "caption", "link_spam")) -> Path:
    """A small v2 model with seeded random weights (no training, no scikit-learn): tests of the
    model format and the serving path use it, so they do not depend on the shipped model."""
    import numpy as np

    from textsieve import _core
    from textsieve.model import write_model

    rng = np.random.default_rng(seed)
    labels = list(labels)
    feature_config = {"n_word_hash": 256, "n_char_hash": 128, "max_chars": 200, "char_chars": 64, "html": True}
    dense_names = list(_core.dense_feature_names(True))
    window = 2
    revision_names = list(_core.revision_feature_names(labels, window, dense_names))
    k, n_dense, n_rev = len(labels), len(dense_names), len(revision_names)
    intercept = np.zeros(k, dtype=np.float32)
    intercept[labels.index("body")] = body_bias
    arrays = {
        "dense_mean": np.zeros(n_dense, dtype=np.float32),
        "dense_scale": np.ones(n_dense, dtype=np.float32),
        "first_coef": (rng.standard_normal((k, n_dense + 384)) * 0.2).astype(np.float32),
        "first_intercept": intercept,
    }
    # One stump per label over that label's own first-pass score: the second pass sharpens it.
    n_trees = k
    arrays.update({
        "tree_offsets": np.arange(0, 3 * n_trees + 1, 3, dtype=np.int64),
        "tree_class": np.arange(n_trees, dtype=np.int32),
        "node_feature": np.array([[c, 0, 0] for c in range(n_trees)], dtype=np.int32).ravel(),
        "node_threshold": np.tile([0.5, 0.0, 0.0], n_trees).astype(np.float64),
        "node_missing_left": np.tile([1, 0, 0], n_trees).astype(np.uint8),
        "node_left": np.tile([1, 0, 0], n_trees).astype(np.int32),
        "node_right": np.tile([2, 0, 0], n_trees).astype(np.int32),
        "node_is_leaf": np.tile([0, 1, 1], n_trees).astype(np.uint8),
        "node_value": np.tile([0.0, -1.0, 1.0], n_trees).astype(np.float64),
        "second_baseline": np.zeros(k, dtype=np.float64),
    })
    assert n_rev > k
    manifest = {
        "labels": labels, "dense_features": dense_names, "revision_features": revision_names,
        "feature_config": feature_config, "revision_config": {"window": window, "dense": True},
        "first_pass": {"link": "softmax"}, "seed": seed, "note": "test model with random weights",
    }
    write_model(directory, arrays, manifest)
    return directory


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return write_tiny_model(tmp_path_factory.mktemp("tiny-model"))
