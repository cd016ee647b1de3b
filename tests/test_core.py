"""The core's inference reproduces scikit-learn exactly, through the model arrays training exports.

Training fits with scikit-learn and serving runs the Rust core, so these tests pin the meaning of
the arrays: a fitted estimator, exported, must give the same probabilities in the core as
``predict_proba`` gives in scikit-learn (first pass: multinomial and one-vs-rest, binary too;
second pass: boosted trees with missing values, multi-class and binary).
"""
import numpy as np
import pytest
import scipy.sparse as sp

from textsieve import _core

sklearn = pytest.importorskip("sklearn", reason="scikit-learn comes with the test extra")
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402

from textsieve.training.export import first_pass_arrays, second_pass_arrays  # noqa: E402


def _data(n_classes: int, n=600, seed=0):
    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, 5)).astype(np.float32)
    hashed = sp.random(n, 40, density=0.1, format="csr", random_state=seed, dtype=np.float32)
    y = np.asarray(["body", "caption", "link_spam"][:n_classes])[
        (dense[:, 0] + hashed.sum(axis=1).A1 + rng.normal(size=n) * 0.3 > 0).astype(int)
        + (n_classes > 2) * (dense[:, 1] > 0.8)]
    return dense, hashed, y


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("estimator", [
    lambda: SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=20, tol=None, random_state=0, average=True),
    lambda: LogisticRegression(max_iter=300),
])
def test_first_pass_matches_predict_proba(n_classes, estimator):
    dense, hashed, y = _data(n_classes)
    mean, scale = dense.mean(axis=0).astype(np.float64), dense.std(axis=0).astype(np.float64)
    X = sp.hstack([sp.csr_matrix(((dense - mean) / scale).astype(np.float32)), hashed], format="csr")
    model = estimator().fit(X, y)
    arrays, link = first_pass_arrays(model, mean, scale, list(model.classes_))
    got = _core.first_pass_proba(dense, hashed.indptr.astype(np.int64), hashed.indices.astype(np.int32),
                                 hashed.data.astype(np.float32), arrays["dense_mean"], arrays["dense_scale"],
                                 arrays["first_coef"], arrays["first_intercept"], link)
    np.testing.assert_allclose(got, model.predict_proba(X), atol=2e-5)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_trees_match_predict_proba_with_missing_values(n_classes):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(800, 6))
    y = np.asarray(["a", "b", "c"][:n_classes])[(X[:, 0] > 0).astype(int) + (n_classes > 2) * (X[:, 2] > 1)]
    X[rng.random(X.shape) < 0.1] = np.nan  # HistGradientBoosting learns where missing values go
    hgb = HistGradientBoostingClassifier(max_iter=25, max_leaf_nodes=15, random_state=0).fit(X, y)
    arrays = second_pass_arrays(hgb, list(hgb.classes_))
    test = rng.normal(size=(300, 6))
    test[rng.random(test.shape) < 0.1] = np.nan
    got = _core.tree_proba(arrays, n_classes, np.ascontiguousarray(test))
    np.testing.assert_allclose(got, hgb.predict_proba(test), atol=1e-9)


def test_trees_fitted_on_some_columns_read_those_columns_of_the_full_row():
    # training fits the trees on a subset of the revision row (no markup features); the core
    # scores the full row, so the exported splits must name full-row columns
    rng = np.random.default_rng(2)
    X = rng.normal(size=(800, 7))
    y = np.asarray(["a", "b", "c"])[(X[:, 5] > 0).astype(int) + (X[:, 3] > 1)]
    columns = np.array([1, 3, 5, 6])
    hgb = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7, random_state=0).fit(X[:, columns], y)
    arrays = second_pass_arrays(hgb, list(hgb.classes_), columns)
    assert set(arrays["node_feature"][arrays["node_is_leaf"] == 0]) <= set(columns)
    test = rng.normal(size=(300, 7))
    got = _core.tree_proba(arrays, 3, np.ascontiguousarray(test))
    np.testing.assert_allclose(got, hgb.predict_proba(test[:, columns]), atol=1e-9)


def test_revision_features_have_names_and_the_documented_layout():
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    doc = np.array([0, 0, 1], dtype=np.uint32)
    x = _core.revision_features(proba, doc, 1)
    names = _core.revision_feature_names(["body", "junk"], 1)
    assert x.shape == (3, len(names))
    row = dict(zip(names, x[1]))
    assert row["p:junk"] == 0.8 and row["p[-1]:body"] == 0.9 and row["has[-1]"] == 1.0
    assert row["has[+1]"] == 0.0, "the next row belongs to another document"
    assert row["doc_mean:body"] == pytest.approx(0.55)
    # A window the features refuse is refused by the names too (it used to try to allocate them).
    for call in (lambda: _core.revision_features(proba, doc, 65), lambda: _core.revision_feature_names(["a"], 2**40)):
        with pytest.raises(ValueError, match="larger than 64"):
            call()


def test_featurize_returns_character_offsets_and_the_page_text():
    text = "Grüße aus Köln 😀\n\n  Zweite Zeile hier.\n"
    f = _core.featurize([text])
    assert [text[a:b] for a, b in zip(f["start"], f["end"])] == ["Grüße aus Köln 😀", "Zweite Zeile hier."]
    assert f["dense"].shape == (2, len(_core.dense_feature_names(True)))
    assert f["indptr"][-1] == len(f["indices"]) == len(f["values"])
    page = _core.featurize(["<ul><li><a href=a>One</a></li><li><a href=b>Two</a></li></ul><p>Body text.</p>"], html=True)
    assert page["texts"][0] == "One\nTwo\n\nBody text.\n"
    names = _core.dense_feature_names(True)
    assert page["dense"][0, names.index("link_share")] == 1.0
    assert page["dense"][2, names.index("link_share")] == 0.0


def test_decide_is_the_rule_serving_applies():
    """Training's cross-validation labels rows with the core's own decision rule."""
    proba = np.array([[0.41, 0.58, 0.01], [0.40, 0.30, 0.30], [0.20, 0.50, 0.30]])
    assert list(_core.decide(proba, 0, None)) == [1, 0, 1], "argmax"
    assert list(_core.decide(proba, 0, 0.35)) == [1, 0, 1], "a label over 0.55 wins; torn rows are body"
    assert list(_core.decide(proba, 0, 0.15)) == [1, 0, 0]
    with pytest.raises(ValueError, match="body"):
        _core.decide(proba, 3, 0.35)
