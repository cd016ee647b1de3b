"""Fitted scikit-learn estimators -> the arrays of the v2 model format (data, never a pickle).

The core (Rust) runs both passes at serving time, and training computes its out-of-fold
first-pass scores with the same core code, so what scikit-learn fitted has to be restated as
plain arrays that mean exactly one thing:

* the first pass: the dense block's standardisation (``dense_mean``, ``dense_scale``), one weight
  row per class over ``[dense, hashed]`` (``first_coef``) and ``first_intercept``, and the rule
  that turns scores into probabilities (``link``: ``softmax`` or ``ovr_sigmoid``). A binary model
  (one weight row in scikit-learn) is written as two rows, ``[0, w]`` with ``softmax``: softmax of
  ``(0, z)`` is the sigmoid of ``z``, so the core needs no binary special case.
* the second pass: every tree of a ``HistGradientBoostingClassifier`` concatenated into node
  arrays, trees in scikit-learn's order (iteration by iteration, class by class), each tagged with
  the class whose raw score it adds to, plus the baseline. Probabilities are the softmax of
  ``baseline + sum of leaf values`` (the sigmoid for a binary model), as in scikit-learn.

:func:`predict_first` and :func:`predict_second` are pure-numpy readings of those arrays: the
tests check them against scikit-learn's ``predict_proba``, which pins the meaning the core must
implement. The file layout itself (``model.npz`` + ``manifest.json``) is written by
:func:`textsieve.model.write_model`: serving owns the format.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["first_pass_arrays", "second_pass_arrays", "predict_first", "predict_second", "save_arrays"]


def first_pass_arrays(linear, dense_mean: np.ndarray, dense_scale: np.ndarray, classes) -> tuple[dict, str]:
    """Arrays of a fitted linear first pass (``LogisticRegression`` or ``SGDClassifier(log_loss)``),
    and its link (``softmax`` or ``ovr_sigmoid``, for the manifest).

    ``classes`` is the model's label order; the estimator may have seen fewer classes (a fold
    without any caption): the missing classes get weights 0 and intercept -1e4 (softmax), which
    is a probability of 0 to float precision, as the old code's zero column was.
    """
    classes = list(classes)
    coef = np.asarray(linear.coef_, dtype=np.float64)
    intercept = np.asarray(linear.intercept_, dtype=np.float64).reshape(-1)
    seen = [classes.index(c) for c in linear.classes_]
    link = _link(linear)
    if coef.shape[0] == 1:  # binary: sigmoid(z) == softmax(0, z)
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.array([0.0, intercept[0]])
        link = "softmax"
    k, n = len(classes), coef.shape[1]
    full_coef = np.zeros((k, n), dtype=np.float32)
    full_intercept = np.full(k, -1e4, dtype=np.float32)  # exp(-1e4) == 0: softmax and sigmoid alike
    full_coef[seen] = coef
    full_intercept[seen] = intercept
    arrays = {
        "dense_mean": np.asarray(dense_mean, dtype=np.float32),
        "dense_scale": np.asarray(dense_scale, dtype=np.float32),
        "first_coef": full_coef,
        "first_intercept": full_intercept,
    }
    return arrays, link


def _link(linear) -> str:
    """scikit-learn's probability rule for this estimator."""
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    if isinstance(linear, SGDClassifier):
        if linear.loss != "log_loss":
            raise ValueError(f"SGDClassifier(loss={linear.loss!r}) has no probabilities; use loss='log_loss'.")
        return "ovr_sigmoid"
    if isinstance(linear, LogisticRegression):
        # scikit-learn >= 1.5: multinomial for more than two classes with every solver but liblinear
        return "ovr_sigmoid" if linear.solver == "liblinear" else "softmax"
    raise TypeError(f"cannot export a first pass of type {type(linear).__name__}")


def second_pass_arrays(hgb, classes, columns: np.ndarray | None = None) -> dict:
    """Node arrays of a fitted ``HistGradientBoostingClassifier`` (numeric features only).

    ``columns``: when the trees were fitted on a subset of the row's columns, the full-row index
    of each fitted column; split nodes then name full-row columns, as the core reads them."""
    classes = list(classes)
    if [str(c) for c in hgb.classes_] != [str(c) for c in classes]:
        raise ValueError(f"second pass classes {list(hgb.classes_)} differ from the model's {classes}")
    if getattr(hgb, "is_categorical_", None) is not None and np.any(hgb.is_categorical_):
        raise ValueError("categorical splits are not part of the model format")
    offsets, tree_class = [0], []
    parts = {k: [] for k in ("feature", "threshold", "missing_left", "left", "right", "is_leaf", "value")}
    for per_class in hgb._predictors:
        for cls, predictor in enumerate(per_class):
            nodes = predictor.nodes
            parts["feature"].append(nodes["feature_idx"].astype(np.int32))
            parts["threshold"].append(nodes["num_threshold"].astype(np.float64))
            parts["missing_left"].append(nodes["missing_go_to_left"].astype(np.uint8))
            parts["left"].append(nodes["left"].astype(np.int32))
            parts["right"].append(nodes["right"].astype(np.int32))
            parts["is_leaf"].append(nodes["is_leaf"].astype(np.uint8))
            parts["value"].append(nodes["value"].astype(np.float64))
            offsets.append(offsets[-1] + len(nodes))
            tree_class.append(cls)
    baseline = np.asarray(hgb._baseline_prediction, dtype=np.float64).reshape(-1)
    if len(classes) == 2:
        # binary: one raw score, P(class 1) = sigmoid(raw); written as class 1's trees and a
        # baseline (0, b) so that softmax over (0, raw) reads the same.
        tree_class = [1] * len(tree_class)
        baseline = np.array([0.0, baseline[0]])
    out = {f"node_{k}": np.concatenate(v) for k, v in parts.items()}
    if columns is not None:
        split = out["node_is_leaf"] == 0
        out["node_feature"][split] = np.asarray(columns, dtype=np.int32)[out["node_feature"][split]]
    return {
        "tree_offsets": np.asarray(offsets, dtype=np.int64),
        "tree_class": np.asarray(tree_class, dtype=np.int32),
        **out,
        "second_baseline": baseline,
    }


def merge_tree_arrays(parts: list[dict]) -> dict:
    """One second pass from several: every part's trees, their leaf values divided by the number
    of parts, and the mean baseline, so the raw scores are the parts' mean (a bagged ensemble)."""
    k = len(parts)
    out = {name: np.concatenate([p[name] for p in parts]) for name in parts[0] if name.startswith("node_")}
    out["node_value"] = out["node_value"] / k
    offsets = [0]
    for p in parts:
        offsets.extend((np.asarray(p["tree_offsets"][1:]) + offsets[-1]).tolist())
    out["tree_offsets"] = np.asarray(offsets, dtype=np.int64)
    out["tree_class"] = np.concatenate([p["tree_class"] for p in parts]).astype(np.int32)
    out["second_baseline"] = np.mean([p["second_baseline"] for p in parts], axis=0)
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def predict_first(arrays: dict, link: str, dense: np.ndarray, hashed) -> np.ndarray:
    """First-pass probabilities from the arrays (reference for the core's first_pass.rs)."""
    coef = arrays["first_coef"].astype(np.float64)
    n_dense = len(arrays["dense_mean"])
    scaled = (np.asarray(dense, dtype=np.float64) - arrays["dense_mean"]) / arrays["dense_scale"]
    z = scaled @ coef[:, :n_dense].T + hashed @ coef[:, n_dense:].T + arrays["first_intercept"]
    z = np.asarray(z)
    if link == "softmax":
        return _softmax(z)
    from scipy.special import expit

    p = expit(z)
    return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-300)


def predict_second(arrays: dict, X: np.ndarray) -> np.ndarray:
    """Second-pass probabilities from the node arrays (reference for the core's trees.rs)."""
    X = np.asarray(X, dtype=np.float64)
    raw = np.tile(arrays["second_baseline"], (len(X), 1))
    offsets = arrays["tree_offsets"]
    for t in range(len(offsets) - 1):
        base = offsets[t]
        node = np.zeros(len(X), dtype=np.int64)
        active = ~arrays["node_is_leaf"][base + node].astype(bool)
        while active.any():
            rows = np.flatnonzero(active)
            g = base + node[rows]
            x = X[rows, arrays["node_feature"][g]]
            left = np.where(np.isnan(x), arrays["node_missing_left"][g] == 1, x <= arrays["node_threshold"][g])
            node[rows] = np.where(left, arrays["node_left"][g], arrays["node_right"][g])
            active[rows] = ~arrays["node_is_leaf"][base + node[rows]].astype(bool)
        raw[:, arrays["tree_class"][t]] += arrays["node_value"][base + node]
    return _softmax(raw)


def save_arrays(directory: str | Path, arrays: dict, manifest: dict) -> Path:
    """Write the model directory with serving's writer (one definition of the file layout), which
    also loads the written model back through every check."""
    from ..model import write_model

    return write_model(directory, arrays, manifest)
