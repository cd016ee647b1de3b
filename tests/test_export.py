"""The exported arrays mean what scikit-learn's estimators mean.

``predict_first``/``predict_second`` are the numpy reading of the model format that the core
implements; each is checked against the fitted estimator's own ``predict_proba``, including a
binary model, a fold that never saw a class, and missing values in the second pass's input.
"""
import numpy as np
import pytest
import scipy.sparse as sp

pytest.importorskip("sklearn")

from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402

from textsieve.training.export import (first_pass_arrays, merge_tree_arrays, predict_first, predict_second,  # noqa: E402
                                       second_pass_arrays)

CLASSES = ["author_meta", "body", "caption", "link_spam"]


def data(n=400, seed=0, classes=CLASSES):
    rng = np.random.RandomState(seed)
    dense = rng.randn(n, 5) * [1, 3, 0.5, 10, 1] + [0, 2, 0, 50, 0]
    hashed = sp.random(n, 64, density=0.1, format="csr", random_state=rng, dtype=np.float64)
    score = dense[:, 0] + 0.3 * dense[:, 1] + hashed @ rng.randn(64)
    y = np.asarray(classes)[np.digitize(score, np.quantile(score, np.linspace(0, 1, len(classes) + 1)[1:-1]))]
    return dense, hashed, y


def first_input(dense, hashed, mean, scale):
    return sp.hstack([sp.csr_matrix((dense - mean) / scale), hashed], format="csr")


@pytest.mark.parametrize("make", [
    lambda: LogisticRegression(C=1.0, max_iter=500),
    lambda: SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=5, tol=None, average=True, random_state=0),
])
@pytest.mark.parametrize("classes", [CLASSES, ["body", "link_spam"]])
def test_first_pass_arrays_reproduce_predict_proba(make, classes):
    dense, hashed, y = data(classes=classes)
    mean, scale = dense.mean(axis=0), dense.std(axis=0)
    est = make().fit(first_input(dense, hashed, mean, scale), y)
    arrays, link = first_pass_arrays(est, mean, scale, classes)
    assert arrays["first_coef"].shape == (len(classes), 5 + 64) and arrays["first_coef"].dtype == np.float32
    assert link == ("ovr_sigmoid" if isinstance(est, SGDClassifier) and len(classes) > 2 else "softmax")
    expected = est.predict_proba(first_input(dense, hashed, mean, scale))
    got = predict_first(arrays, link, dense, hashed)
    # float32 weights: equal to about 1e-6, and the same argmax wherever it is not a near tie
    np.testing.assert_allclose(got, expected, atol=2e-5)
    assert got.shape == (len(dense), len(classes))


def test_a_class_a_fold_never_saw_gets_probability_zero():
    dense, hashed, y = data()
    keep = y != "caption"
    mean, scale = dense.mean(axis=0), dense.std(axis=0)
    est = LogisticRegression(max_iter=500).fit(first_input(dense[keep], hashed[keep], mean, scale), y[keep])
    arrays, link = first_pass_arrays(est, mean, scale, CLASSES)
    got = predict_first(arrays, link, dense, hashed)
    assert np.all(got[:, CLASSES.index("caption")] == 0.0)
    expected = est.predict_proba(first_input(dense, hashed, mean, scale))
    np.testing.assert_allclose(np.delete(got, CLASSES.index("caption"), axis=1), expected, atol=2e-5)


@pytest.mark.parametrize("classes", [CLASSES, ["body", "link_spam"]])
def test_tree_arrays_reproduce_predict_proba_exactly(classes):
    dense, _, y = data(n=600, seed=1, classes=classes)
    X = np.hstack([dense, np.random.RandomState(2).rand(len(dense), 3)])
    X[::5, 1] = np.nan  # missing values take the learned side
    hgb = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=15, random_state=0).fit(X, y)
    arrays = second_pass_arrays(hgb, classes)
    n_trees = 15 * (len(classes) if len(classes) > 2 else 1)
    assert len(arrays["tree_offsets"]) == n_trees + 1 and arrays["tree_offsets"][-1] == len(arrays["node_value"])
    assert arrays["second_baseline"].shape == (len(classes),)
    test = np.vstack([X, np.random.RandomState(3).randn(50, X.shape[1]) * 20])
    test[-3:, 0] = np.nan  # NaN where training had none: goes the way scikit-learn sends it
    np.testing.assert_allclose(predict_second(arrays, test), hgb.predict_proba(test), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("classes", [CLASSES, ["body", "link_spam"]])
def test_merged_trees_score_the_mean_of_their_parts_raw_scores(classes):
    # TrainConfig.tree_bags: the parts' trees in one model, the raw scores (log-odds) averaged
    dense, _, y = data(n=600, seed=4, classes=classes)
    parts = []
    for seed in (0, 1, 2):
        rows = np.random.RandomState(seed).rand(len(y)) < 0.7  # each part fits its own draw of rows
        hgb = HistGradientBoostingClassifier(max_iter=10, max_leaf_nodes=7, random_state=seed).fit(dense[rows], y[rows])
        parts.append(second_pass_arrays(hgb, classes))
    merged = merge_tree_arrays(parts)
    assert len(merged["tree_class"]) == sum(len(p["tree_class"]) for p in parts)
    assert merged["tree_offsets"][-1] == len(merged["node_value"])
    logits = np.mean([np.log(predict_second(p, dense)) for p in parts], axis=0)
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(predict_second(merged, dense), expected, rtol=1e-9, atol=1e-12)
    # one part merged with itself is the part
    np.testing.assert_allclose(predict_second(merge_tree_arrays([parts[0]] * 2), dense),
                               predict_second(parts[0], dense), rtol=1e-12, atol=1e-15)
