"""Pass two's weighted bin edges: scikit-learn's, bit for bit, in one pass per feature."""
import pytest

pytest.importorskip("sklearn", reason="training needs the 'train' extra (scikit-learn)")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.ensemble._hist_gradient_boosting import binning as sk_binning  # noqa: E402
from sklearn.utils.stats import _weighted_percentile  # noqa: E402

from textsieve.training.binning import (agrees_with_sklearn, binning_thresholds, weighted_binning,  # noqa: E402
                                        weighted_percentiles)


# scikit-learn bins weighted columns at averaged weighted percentiles from 1.8 on; before, its
# edges differ, the check fails and the fits use its own code (the last test covers both).
AVERAGED_WEIGHTED_BINNING = tuple(int(x) for x in sklearn.__version__.split(".")[:2]) >= (1, 8)
needs_averaged_binning = pytest.mark.skipif(not AVERAGED_WEIGHTED_BINNING,
                                            reason=f"scikit-learn {sklearn.__version__} bins weighted columns another way")


def _bits(a):
    return np.asarray(a, dtype=np.float64).view(np.uint64)


def _column(rng, kind: int, n: int) -> np.ndarray:
    return [rng.normal(size=n), np.round(rng.normal(size=n), 2), rng.integers(0, 400, size=n).astype(float),
            rng.integers(0, 5, size=n).astype(float), rng.exponential(size=n) ** 3][kind % 5]


@needs_averaged_binning
def test_every_edge_equals_scikit_learns_on_columns_with_ties_missing_values_and_zero_weights():
    sklearn_edges = sk_binning._find_binning_thresholds
    rng = np.random.default_rng(7)
    for trial in range(60):
        n = int(rng.integers(2, 1200))
        x = _column(rng, trial, n)
        if trial % 3 == 0:
            x[rng.random(n) < 0.1] = np.nan
        w = rng.choice([0.0, 0.1, 0.5, 1.0, 1.0, 3.0], size=n)
        if trial % 7 == 0:
            w[:] = 1.0
        bins = int(rng.choice([255, 16, 3]))
        ours, theirs = binning_thresholds(x.copy(), bins, w.copy()), sklearn_edges(x.copy(), bins, w.copy())
        assert ours.shape == theirs.shape and np.array_equal(_bits(ours), _bits(theirs)), trial
        ranks = np.linspace(0, 100, 17)
        if w.any():
            one_by_one = [_weighted_percentile(x, w, r, average=True) for r in ranks]
            assert np.array_equal(_bits(weighted_percentiles(x, w, ranks)), _bits(one_by_one)), trial


def test_a_weighted_fit_gives_the_same_trees_with_either_binning():
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.normal(size=3000), np.round(rng.exponential(size=3000), 1), rng.normal(size=3000)])
    X[rng.random(3000) < 0.05, 1] = np.nan
    y = (X[:, 0] + np.nan_to_num(X[:, 1]) > 1).astype(int) + (X[:, 2] > 1)
    w = rng.choice([0.5, 1.0], size=3000)

    def fit():
        model = HistGradientBoostingClassifier(max_iter=5, early_stopping=False, random_state=0)
        return model.fit(X, y, sample_weight=w)

    plain = fit()
    with weighted_binning() as used:
        fast = fit()
    # the fast edges are used where they agree, and from 1.8 on they must
    assert used is agrees_with_sklearn() and used is AVERAGED_WEIGHTED_BINNING
    for a, b in zip(plain._bin_mapper.bin_thresholds_, fast._bin_mapper.bin_thresholds_):
        assert np.array_equal(_bits(a), _bits(b))
    np.testing.assert_array_equal(plain.predict_proba(X), fast.predict_proba(X))


@needs_averaged_binning
def test_scikit_learns_function_is_back_after_the_block_even_on_error():
    original = sk_binning._find_binning_thresholds
    assert agrees_with_sklearn()
    with pytest.raises(RuntimeError):
        with weighted_binning():
            with weighted_binning():  # nested: the outer block still holds it
                assert sk_binning._find_binning_thresholds is binning_thresholds
            assert sk_binning._find_binning_thresholds is binning_thresholds
            raise RuntimeError("a fit failed")
    assert sk_binning._find_binning_thresholds is original
