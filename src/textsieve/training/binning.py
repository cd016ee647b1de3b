"""Pass two's bin edges with sample weights, computed in one pass instead of 254.

Why: before it grows a tree, ``HistGradientBoostingClassifier`` cuts every feature into at most
255 bins at weighted quantiles. On a fit of at most 200,000 rows with sample weights (real
pages weigh ``real_weight``; every fold of a small training set), scikit-learn 1.8+ computes
each of the 254 edges of each feature with its own call of ``_weighted_percentile``, which
sorts the column and sums its weights again every time: about 0.2 s per feature of 20,000
rows, over half the time of a small training run (the trainings in the test suite spent 19 s
of 33 s there). Above 200,000 rows scikit-learn bins a weighted draw without weights, so the
shipped recipe's full fit never took this path.

:func:`binning_thresholds` gives the same edges, bit for bit, from one sort and one
cumulative sum per feature: the same sort, the same sums in the same order and the same
comparisons as scikit-learn's code, with the 254 searches done at once.
:func:`weighted_binning` puts it in place of scikit-learn's function while a fit runs and
restores it after. It is used only after checking, once per process, that it agrees with the
installed scikit-learn on columns with ties, missing values and zero weights; on any
disagreement (a scikit-learn that changed how it bins) the fit runs with scikit-learn's own
code, slower and otherwise the same. The model is the same either way.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Iterator

import numpy as np

_lock = threading.Lock()
_active = 0
_original = None
_agrees: bool | None = None


def weighted_percentiles(values: np.ndarray, weights: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """The weighted percentiles (``ranks`` in percent) of ``values`` by the averaged inverted
    CDF, as scikit-learn's ``_weighted_percentile(values, weights, rank, average=True)`` gives
    each of them: a rank that falls exactly on a point of the weighted CDF takes the mean of
    that value and the next one with weight; otherwise the value where the CDF first reaches
    it. Missing values (NaN) weigh nothing."""
    a = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    # scikit-learn's sort (unstable, over a column): ties keep its order, so its sums repeat.
    order = np.argsort(a.reshape(-1, 1), axis=0)[:, 0]
    sorted_w = w[order]
    if np.isnan(a[order[-1]]):
        sorted_w[np.isnan(a)[order]] = 0
    cdf = np.cumsum(sorted_w)
    target = np.asarray(ranks, dtype=np.float64) / 100 * cdf[-1]
    zero = target == 0  # rank 0: skip leading zero weights, as scikit-learn does
    target[zero] = np.nextafter(target[zero], target[zero] + 1)
    last = len(a) - 1
    at = np.clip(np.searchsorted(cdf, target), 0, last)
    here = order[at]
    between = (cdf[at] - target) > np.finfo(np.float64).eps
    nxt = order[np.clip(at + 1, 0, last)]
    for k in np.flatnonzero(w[nxt] == 0):  # the next value weighs nothing: the next that does
        j = np.searchsorted(cdf, cdf[at[k]], side="right")
        nxt[k] = order[at[k] if j > last else j]
    return np.where(between, a[here], (a[here] + a[nxt]) / 2)


def binning_thresholds(col_data: np.ndarray, max_bins: int, sample_weight: np.ndarray | None = None) -> np.ndarray:
    """scikit-learn's ``_find_binning_thresholds``: the increasing bin edges of one feature.
    Without weights, or with fewer distinct values than bins, it is scikit-learn's own code;
    with weights, the edges come from :func:`weighted_percentiles` in one call."""
    if sample_weight is None:
        return _sklearn_thresholds()(col_data, max_bins)
    from sklearn.ensemble._hist_gradient_boosting.binning import ALMOST_INF, X_DTYPE

    present = ~np.isnan(col_data)
    if not present.all():
        col_data, sample_weight = col_data[present], sample_weight[present]
    weighed = sample_weight != 0
    col_data, sample_weight = col_data[weighed], sample_weight[weighed]
    order = np.argsort(col_data)
    col_data, sample_weight = col_data[order], sample_weight[order]
    if len(np.unique(col_data).astype(X_DTYPE)) <= max_bins:
        return _sklearn_thresholds()(col_data, max_bins, sample_weight)
    edges = weighted_percentiles(col_data, sample_weight, np.linspace(0, 100, num=max_bins + 1)[1:-1])
    distinct = np.unique(edges)
    if distinct.shape[0] != edges.shape[0]:
        edges = distinct
    np.clip(edges, a_min=None, a_max=ALMOST_INF, out=edges)
    return edges


def _sklearn_thresholds():
    """scikit-learn's own ``_find_binning_thresholds`` (kept before it is ever replaced)."""
    global _original
    if _original is None:
        from sklearn.ensemble._hist_gradient_boosting import binning

        _original = binning._find_binning_thresholds
    return _original


def _sample_columns() -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Columns that exercise every branch: ties, missing values, zero weights, few values."""
    rng = np.random.default_rng(0)
    cols = []
    for k in range(12):
        n = 765 if k in (0, 2) else 300 + 37 * k
        x = [rng.normal(size=n), np.round(rng.normal(size=n), 1), rng.integers(0, 600, size=n).astype(float),
             rng.exponential(size=n) ** 3][k % 4]
        if k % 3 == 0:
            x[rng.random(n) < 0.1] = np.nan
        w = rng.choice([0.0, 0.2, 0.5, 1.0, 1.0, 3.0], size=n)
        if k == 2:  # 765 rows (3 x 255) of weight 1: edges fall exactly on the CDF's steps (the mean)
            w = np.ones(n)
        # 255 bins (the fits') on two columns; fewer on the rest keeps the check cheap
        cols.append((x, w, 255 if k in (0, 2) else (16, 5, 3)[k % 3]))
    return cols


def agrees_with_sklearn() -> bool:
    """Whether :func:`binning_thresholds` gives the installed scikit-learn's edges bit for bit
    on sample columns (checked once per process)."""
    global _agrees
    if _agrees is None:
        try:
            theirs_of = _sklearn_thresholds()
            ok = True
            for x, w, bins in _sample_columns():
                ours, theirs = binning_thresholds(x.copy(), bins, w.copy()), theirs_of(x.copy(), bins, w.copy())
                ok &= ours.shape == theirs.shape and np.array_equal(ours.view(np.uint64), theirs.view(np.uint64))
            _agrees = bool(ok)
        except Exception:  # a scikit-learn without this function or with another signature
            _agrees = False
    return _agrees


@contextlib.contextmanager
def weighted_binning() -> Iterator[bool]:
    """While the block runs, scikit-learn's histogram boosting bins weighted columns with
    :func:`binning_thresholds` (when it agrees with the installed scikit-learn; yields whether
    it does). Nested and concurrent blocks are counted, and the last one out restores
    scikit-learn's function."""
    global _active
    if not agrees_with_sklearn():
        yield False
        return
    from sklearn.ensemble._hist_gradient_boosting import binning

    with _lock:
        _active += 1
        binning._find_binning_thresholds = binning_thresholds
    try:
        yield True
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                binning._find_binning_thresholds = _original
