"""The two-pass line classifier.

Pass one scores every segment on its own features (a logistic-loss linear model over the dense shape and
context block plus the hashed n-grams). Pass two revises each score from the first-pass scores of
its neighbours, the way jusText revises "short" and "near-good" blocks from the blocks around
them, except that the revision is learned (a gradient-boosted tree model) rather than
hand-written. A lone title-cased line between two paragraphs is a heading; the same line in a run
of five off-topic title-cased lines is a link list.

All revised scores are computed from first-pass scores only, before any is applied, so the order
in which lines are visited cannot change the result.

The second pass is trained on *out-of-fold* first-pass scores, grouped by source document (the
``groups`` fit parameter), so it learns how far to trust pass one on documents pass one has not
seen, which is the situation at serving time.
"""
from __future__ import annotations

import threading

import numpy as np
from joblib import Parallel, delayed
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from .features import Features

__all__ = ["ContextClassifier"]


def _fit(model, X, y):
    return model.fit(X, y)


_controller = None
_controller_lock = threading.Lock()
SINGLE_THREAD_ROWS = 50_000


def _single_threaded():
    """OpenMP limited to one thread, for predicting a few documents at a time.

    Gradient boosting predicts tree by tree, and for a page's few hundred rows each OpenMP
    parallel region costs more than it saves; on a busy machine (every core cleaning) the threads
    also fight each other, which made cleaning one page at a time about 2x slower. The
    controller is built once: building one per call would cost milliseconds.
    """
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="openmp")


class ContextClassifier(ClassifierMixin, BaseEstimator):
    """Pass one per segment, pass two over a window of neighbours.

    ``window`` is how many segments on each side pass two looks at. ``alpha``/``epochs`` regularise and bound pass one. ``inner_folds`` is the number of grouped folds used to produce the
    out-of-fold scores pass two is trained on.
    """

    def __init__(self, window: int = 3, C: float = 4.0, tol: float = 1e-4, alpha: float | None = None,
                 epochs: int = 15, inner_folds: int = 3,
                 max_iter: int = 80, learning_rate: float = 0.15, max_leaf_nodes: int = 31, random_state: int = 0,
                 n_jobs: int | None = 2):
        self.window = window
        self.C = C
        self.tol = tol
        self.alpha = alpha
        self.epochs = epochs
        self.inner_folds = inner_folds
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- plumbing ---------------------------------------------------------------------------
    @staticmethod
    def _split(X: Features):
        if not isinstance(X, Features):
            raise TypeError("ContextClassifier takes the Features bundle made by SegmentFeaturizer.")
        return X.docs, X.dense, X.hashed

    def _first_input(self, dense, hashed, scaler):
        return sp.hstack([sp.csr_matrix(scaler.transform(dense).astype(np.float32)), hashed], format="csr")

    def _new_first(self):
        if self.alpha is None:
            return LogisticRegression(C=self.C, tol=self.tol, max_iter=300)
        # Logistic loss by SGD: a fixed number of epochs over the data, seeded, so it is both
        # quick (a few seconds on the shipped data) and deterministic.
        return SGDClassifier(loss="log_loss", alpha=self.alpha, max_iter=self.epochs, tol=None,
                             random_state=self.random_state, average=True)

    def _new_second(self):
        return HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=20,
            l2_regularization=1.0, early_stopping=False, random_state=self.random_state,
        )

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, X, y, groups=None):
        y = np.asarray(y)
        docs, dense, hashed = self._split(X)
        groups = docs if groups is None else np.asarray(groups)
        self.classes_ = np.unique(y)
        self.scaler_ = StandardScaler().fit(dense)
        first_input = self._first_input(dense, hashed, self.scaler_)

        oof = np.zeros((len(y), len(self.classes_)))
        n_folds = min(self.inner_folds, len(np.unique(groups)))
        folds = list(GroupKFold(n_splits=n_folds).split(first_input, y, groups))
        # The fold models and the final model are independent fits: run them side by side.
        everything = np.arange(len(y))
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit)(self._new_first(), first_input[rows], y[rows]) for rows in [*(f[0] for f in folds), everything]
        )
        for model, (_, test) in zip(fitted, folds):
            oof[np.ix_(test, np.searchsorted(self.classes_, model.classes_))] = model.predict_proba(first_input[test])
        self.first_ = fitted[-1]
        self.second_ = self._new_second().fit(self._revision_input(oof, docs, dense), y)
        return self

    # -- prediction -------------------------------------------------------------------------
    def first_pass_proba(self, X) -> np.ndarray:
        """Pass-one scores alone (for diagnostics and ablations)."""
        _, dense, hashed = self._split(X)
        return self.first_.predict_proba(self._first_input(dense, hashed, self.scaler_))

    def predict_proba(self, X) -> np.ndarray:
        docs, dense, hashed = self._split(X)
        if len(docs) == 0:
            return np.zeros((0, len(self.classes_)))
        first = self.first_.predict_proba(self._first_input(dense, hashed, self.scaler_))
        revision = self._revision_input(first, docs, dense)
        if len(docs) < SINGLE_THREAD_ROWS:
            # The limit is process-wide state: one thread at a time sets and restores it.
            with _controller_lock, _single_threaded():
                return self.second_.predict_proba(revision)
        return self.second_.predict_proba(revision)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    # -- pass two's view ---------------------------------------------------------------------
    def _revision_input(self, proba: np.ndarray, docs: np.ndarray, dense: np.ndarray) -> np.ndarray:
        """Each row: own scores, neighbours' scores (with a presence flag), document means."""
        n, k = proba.shape
        idx = np.arange(n)
        parts = [proba, dense]
        for off in [o for o in range(-self.window, self.window + 1) if o]:
            j = idx + off
            ok = (j >= 0) & (j < n)
            jj = np.clip(j, 0, max(n - 1, 0))
            ok &= docs[jj] == docs
            parts.append(np.where(ok[:, None], proba[jj], 0.0))
            parts.append(ok[:, None].astype(float))
        # Document-level mean of each score: a page that is mostly junk reads differently.
        uniq, inverse, counts = np.unique(docs, return_inverse=True, return_counts=True)
        sums = np.zeros((len(uniq), k))
        np.add.at(sums, inverse, proba)
        parts.append(sums[inverse] / counts[inverse, None])
        # Mean score over the wider window (+-2*window): the block a line sits in.
        wide = np.zeros_like(proba)
        cnt = np.zeros((n, 1))
        for off in range(-2 * self.window, 2 * self.window + 1):
            j = idx + off
            ok = (j >= 0) & (j < n)
            jj = np.clip(j, 0, max(n - 1, 0))
            ok &= docs[jj] == docs
            wide += np.where(ok[:, None], proba[jj], 0.0)
            cnt += ok[:, None]
        parts.append(wide / np.maximum(cnt, 1))
        return np.hstack(parts)
