"""Training: labeled documents -> the core's features -> two passes fitted by scikit-learn -> arrays.

The stages, each timed in the report:

1. **data**: read and validate the labeled files and the junk bank, make the junk variants
   (:mod:`.synth`), render some of them as HTML pages and build archive pages from them
   (:mod:`.pages`), and read the real pages' ``train`` split (:mod:`.real_mix`).
2. **featurize**: the core segments and featurizes every document, the same code serving runs
   (:mod:`.table`), and every segment gets its gold label.
3. **first pass**: a linear model over the standardised dense block and the hashed n-grams.
   scikit-learn's ``SGDClassifier`` (logistic loss, averaged, a fixed number of epochs, seeded)
   fits it in seconds and deterministically. The old L-BFGS ``LogisticRegression`` took 200 s
   (four fits over 2M weights) for held-out scores no better.
4. **out-of-fold scores**: pass two must learn how far to trust pass one on documents pass one
   has not seen, the situation at serving time. So pass one is also fitted on ``inner_folds``
   grouped folds (by source document), and each fold model scores its held-out rows with the
   core's own first pass (the model exported to arrays), exactly as serving would.
5. **second pass**: the core turns those scores into revision features (own scores, the
   neighbours', document and wide-window means, the dense block, and where the line stands
   within its page: the ``page_*`` block), and a
   ``HistGradientBoostingClassifier`` learns from them.
6. **cv** (opt-in, ``folds``): grouped cross-validation of the whole procedure, scored by line
   like ``textsieve evaluate``. It refits everything once per fold, so it is off by default to
   keep ``textsieve train`` fast; ``textsieve train --folds 5`` records it in the manifest.

The result is exported to the v2 model format (:mod:`.export`): arrays and a JSON manifest.

Determinism: the generator, the folds and the estimators are seeded from ``seed``, the files
are read in sorted order and the ``.npz`` is written with fixed timestamps, so the same data and
seed give the same model, byte for byte.
"""
from __future__ import annotations

import platform
import time
from concurrent.futures import ThreadPoolExecutor
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .. import _core
from ..evaluate import evaluate_documents, summary
from .corpus import BLANK, JUNK_DIR, UNLABELED, LabeledDocument, corpus_digest, read_corpus
from .export import first_pass_arrays, merge_tree_arrays, save_arrays, second_pass_arrays
from .pages import ARCHIVE_EVERY, CHROME_LABEL
from .real_mix import EXCERPT_NAME, REAL_GROUP, RENDERINGS, is_prose_text
from .table import TrainingTable, featurize_documents, row_pieces

__all__ = ["train", "TrainConfig", "FittedModel", "fit_table", "cross_validate", "build_training_set", "read_real",
           "real_source_names", "DEFAULT_REAL_SOURCES"]

DEFAULT_VARIANTS = 4
HTML_EVERY = 2  # render every 2nd augmented variant as an HTML page
REAL_DIR = "real"  # the real labeled pages under the training folder (training_data/real)
DEFAULT_REAL_PAGES: int | None = None  # None: every real page of the train split
# Every real page gives all of its renderings: HTML block lines, the full-page text dump and
# markdown (see train(): why all three, and what it costs); a news page gives one of the two
# plain ones (real_mix.plain_renderings).
DEFAULT_REAL_RENDERINGS: tuple[str, ...] = RENDERINGS
# The real sources trained on by default: all five. The news articles (``newsarticles``, 2023)
# came in weighed by the news rules of :mod:`.real_mix` (a story lost in a huge page left out, one
# plain rendering per page): without the rules no run of five seeds kept the seed documents at the
# issue's minimum and the 2 MB archive page whole (benchmarks/EXPERIMENTS.md, "News articles in
# training", and "News articles in training, weighed" for the runs with them). trafilatura's pages
# are listed for ``snippet_pages``; they have no gold text and give nothing without it.
DEFAULT_REAL_SOURCES: tuple[str, ...] = ("canola", "newsarticles", "readability", "trafilatura", "wcxb")


@dataclass(frozen=True)
class TrainConfig:
    """The learning settings of a run (saved in the manifest).

    ``alpha``/``epochs``/``eta0``: pass one's L2 strength, passes over the data and step size.
    ``inner_folds``: grouped
    folds for the out-of-fold scores. ``window``: neighbours on each side pass two looks at, and
    ``revision_dense``: pass two also sees the dense features; ``revision_page``: and where each
    line's scores stand within its page (the core's ``page_*`` revision features);
    ``revision_body_run``: and the body-run block (the page's body run weighted by characters,
    and the P(body) of the nearest long line before and after: ``run_chars_*``, ``long_*``; see
    ``src/core/src/revision.rs``). The rest configure the boosted trees.

    ``body_threshold``: the model's decision threshold, written to the manifest and used by
    serving unless the user sets one: a line is body when P(body) is at least this, unless
    another label has more than 0.55 (``SURE_OTHER`` in the core; a retrain inherits both values
    as they are: check them with ``benchmarks/compare_models.py --body-threshold``). Why not the
    most probable label: the score that matters is body kept, and a line the model is torn on
    (P(body) 0.4-0.5, the rest spread over junk labels) is more often body than not. 0.4 was
    chosen on the *train* split of the real pages (full-page text, shipped model), by the rule
    that chose 0.35 for the model before it: the lowest threshold whose must-not leak stays
    within 0.01 of the argmax's (word F1 0.8466 -> 0.8486 at the same leak, 0.099; 0.35 leaked
    0.112). ``None``: argmax. A model trained with ``snippet_pages`` has fitted the train split's
    must-not snippets, so that split's leak no longer measures it: choose its threshold on sites
    it did not fit (a site-held-out part of the train split), never on the held-out evaluation
    sites the model is judged on.

    ``tree_markup``: whether the trees also split on the markup features (the dense block's
    HTML part: tags, ancestors, class hints). Off, they reach pass two through pass one's scores
    only: the trees fit on 144 of 193 revision features, about a quarter faster, which paid for
    the hidden elements' extra lines in the time budget. The core still computes every revision
    feature; the fitted trees' feature indices are mapped back to the full row.

    ``real_edge``/``real_keep``/``real_floor``: which rows of the real pages the estimators fit
    on (see :func:`fit_row_mask`). Every row is featurized and scored, so pages keep their context.
    ``real_weight``: the sample weight of a real page's fitted row (a team row weighs 1), in
    both passes: how much the real web's labeling conventions count against the team's;
    ``real_text_weight`` the same for their plain-text renderings (``None``: ``real_weight``).
    ``easy_keep``/``easy_p``: pass two fits on a seeded ``easy_keep`` share of the *easy* rows
    (out-of-fold probability of the gold label at least ``easy_p``), each weighted
    ``1/easy_keep`` so the trees' probabilities stay calibrated, and on every other row: the
    trees' cost is linear in rows, and the easy ones, most of them, change few splits.

    ``tree_exclude``: names of revision features (``_core.revision_feature_names``, e.g.
    ``"dense:rel_char_position"``) the trees never split on. A ``dense:`` input still feeds pass
    one, so it reaches pass two through pass one's scores, only not as a raw value the trees can
    cut at; a pass-two input (``p:``, ``doc_mean:``, ``page_*``) is simply gone.

    ``page_grid``: when above 0, the trees see the page-wide inputs (``PAGE_WIDE_PREFIXES``: the
    page's mean scores and its long/blank line shares, one value per page) floored to multiples
    of it, and each of their split thresholds is moved to the next multiple, so a raw value at
    serving time goes the way its floored value went in training. Why: on very clean pages few
    training documents lie there, and the trees cut those inputs finely (0.018 against 0.020),
    so where a long text landed moved with the seed (``benchmarks/long_prose.py --probe``).

    ``max_leaf_nodes``: 63 (31 before 2026-11-30's eighth session): see :func:`train`.

    ``tree_bags``: pass two is this many boosted models, each fitted on its own seeded draw of
    the real pages' body and boilerplate rows (``real_keep``/``real_floor``; every other row is
    in every draw) over the same out-of-fold scores, and their raw scores averaged
    (``export.merge_tree_arrays``: one model of all their trees, leaf values divided by the
    count, so serving needs no change). Why: which fifth of the real rows one model fits decided
    much of a run's luck (the seed pages' gallery lines, the 2 MB archive page); two draws see
    more distinct real rows and average their quirks out. Each bag costs one more tree fit in
    training and one more set of trees per line in serving.

    ``max_features``: the share of pass two's inputs each split of a tree may choose from (a
    seeded draw per split; scikit-learn's ``max_features``). 1.0, every input, is the recipe.
    Why the knob: pass two's many correlated inputs (the neighbours' scores, the page means) let
    one seed's trees lean on a few of them; drawing per split spreads the trees over more of
    them at no cost in serving (the same number and size of trees). Measured 2026-12-01 over
    eight seeds at 0.5: no gain beyond one seed's noise (``benchmarks/EXPERIMENTS.md``).
    """

    alpha: float = 1e-7
    epochs: int = 12
    eta0: float = 0.05
    inner_folds: int = 2
    window: int = 3
    revision_dense: bool = True
    revision_page: bool = True
    revision_body_run: bool = False
    real_edge: int = 0
    real_keep: float = 0.2
    real_floor: int = 10
    real_weight: float = 0.5
    real_text_weight: float | None = None
    easy_keep: float = 1.0
    easy_p: float = 0.95
    max_iter: int = 60
    learning_rate: float = 0.35
    max_leaf_nodes: int = 63
    min_samples_leaf: int = 20
    l2_regularization: float = 1.0
    body_threshold: float | None = 0.4
    tree_markup: bool = False
    tree_exclude: tuple[str, ...] = ()
    page_grid: float = 0.0
    tree_bags: int = 1
    max_features: float = 1.0


@dataclass
class FittedModel:
    """A fitted model as data: the v2 arrays and the settings the core needs to run them."""

    arrays: dict
    labels: list[str]
    link: str
    feature_config: dict
    config: TrainConfig
    dense_names: list[str]
    seconds: dict
    fit_rows: int = 0

    def core_model(self):
        """The core's model over these arrays (validated by the core, as when loaded from disk)."""
        return _core.Model({k: np.ascontiguousarray(v) for k, v in self.arrays.items()}, self.labels,
                           self.feature_config, self.config.window, self.config.revision_dense, self.link,
                           self.config.revision_page, self.config.revision_body_run)

    @property
    def revision_names(self) -> list[str]:
        return revision_names(self.labels, self.dense_names, self.config)


def revision_names(labels: Sequence[str], dense_names: Sequence[str], config: TrainConfig) -> list[str]:
    """The names of a run's revision inputs, in the core's column order (the dense block's only
    when ``config.revision_dense``)."""
    return list(_core.revision_feature_names(list(labels), config.window,
                                             list(dense_names) if config.revision_dense else None,
                                             config.revision_page, config.revision_body_run))


THIN_LABELS = ("body", "boilerplate")  # the labels whose long runs are thinned


def fitted_labels(y) -> list[str]:
    """The classes a model learns from these row labels: all but ``UNLABELED`` (context rows)."""
    return sorted({str(v) for v in y} - {UNLABELED})


def real_rows(table: TrainingTable) -> np.ndarray:
    """Which rows come from real pages (their documents' group starts ``real:``), the long
    all-prose texts aside (they share their pages' group for the folds, not their weighing)."""
    real_doc = np.asarray([(d.group or "").startswith(REAL_GROUP) and not is_prose_text(d) for d in table.documents],
                          dtype=bool)
    return real_doc[table.doc] if len(table.doc) else np.zeros(0, dtype=bool)


def fit_row_mask(table: TrainingTable, config: TrainConfig, seed: int = 0) -> np.ndarray:
    """Which rows the estimators fit on: every row of the team's documents, and of the real
    pages every row of a rare label (not body or boilerplate), every row within ``real_edge``
    rows of a label change or a page edge, at least ``real_floor`` rows of each thinned label
    per document (all of them when it has fewer), and a seeded ``real_keep`` share of the rest.

    Why: the real pages hold eight times the team's rows (804k lines against 101k), 93% of them
    body or boilerplate, most inside long runs of menu or article lines that teach little a
    sample of them does not; fitting on all of them made training over ten minutes long
    (measured: first pass and out-of-fold scores alone ran more than five minutes). Thinning is only for fitting: every row is still featurized,
    scored out of fold and given its revision features from the whole page, so a page looks to
    pass two exactly as it does at serving time.

    Why the floor: a share thins every page alike, so a product or listing page whose body is
    a dozen lines gave two or three of them, and the pages where the body is short and looks
    like chrome were the ones the model got wrong (held-out product, listing and collection
    pages: word F1 0.55-0.60 against 0.92 for articles). Ten rows per label and document cost
    7-16k fitted rows (316k -> 321-332k) and moved the held-out full-text word F1 (committed
    labels) from 0.799-0.818 over eight seeds to 0.820-0.827 over ten; 20 rows did no better and
    lost more of the 2 MB archive page.

    An ``UNLABELED`` row (a snippet page's context line) is never fitted.
    """
    n = len(table.y)
    if n == 0:
        return np.zeros(0, dtype=bool)
    real = real_rows(table)
    y, doc = table.y, table.doc
    idx = np.arange(n)
    start = np.ones(n, dtype=bool)
    start[1:] = (y[1:] != y[:-1]) | (doc[1:] != doc[:-1])
    run = np.cumsum(start) - 1
    run_start = idx[start]
    run_end = np.append(run_start[1:], n) - 1
    edge = np.minimum(idx - run_start[run], run_end[run] - idx) < config.real_edge
    thin = np.isin(y, THIN_LABELS)
    u = np.random.default_rng(seed).random(n)
    draw = u < config.real_keep
    if config.real_floor > 0:
        # Each document's first ``real_floor`` rows of each thinned label in the seeded draw's
        # order (rank within the document and label): a page with a handful of body lines keeps
        # them all, where the share kept a fifth; a long article gives nearly the share alone.
        order = np.lexsort((u, y, doc))
        sd, sy = doc[order], y[order]
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = (sd[1:] != sd[:-1]) | (sy[1:] != sy[:-1])
        group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n) - group_start
        draw |= rank < config.real_floor
    return (~real | edge | ~thin | draw) & (y != UNLABELED)


def _first_input(table: TrainingTable, rows: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> sp.csr_matrix:
    dense = ((table.dense[rows].astype(np.float64) - mean) / scale).astype(np.float32)
    return sp.hstack([sp.csr_matrix(dense), table.hashed[rows]], format="csr")


def _new_first(config: TrainConfig, seed: int):
    from sklearn.linear_model import SGDClassifier

    # Logistic loss by averaged SGD: a fixed number of epochs (tol=None), seeded, one-vs-rest over
    # the labels on ONE thread: with the adaptive step, 2 threads gave other weights than 1
    # (measured: first_coef differed by up to 0.05), and the same data and seed must give the
    # same model on any machine. A fixed step size, not scikit-learn's "optimal" schedule: that
    # one scales the steps by 1/alpha, and with the weak regularisation the hashed n-grams need
    # it grew weights in the thousands, whose saturated 0/1 scores gutted a page of unfamiliar
    # markup (every paragraph of a div-soup page scored link_spam with p = 1.00).
    return SGDClassifier(loss="log_loss", alpha=config.alpha, max_iter=config.epochs, tol=None, average=True,
                         learning_rate="adaptive", eta0=config.eta0, random_state=seed, n_jobs=1)


def _core_first_proba(table: TrainingTable, rows: np.ndarray, arrays: dict, link: str) -> np.ndarray:
    """Pass one's probabilities of ``rows`` by the core (the code serving runs)."""
    hashed = table.hashed[rows]
    return _core.first_pass_proba(
        np.ascontiguousarray(table.dense[rows]), hashed.indptr.astype(np.int64), hashed.indices.astype(np.int32),
        hashed.data.astype(np.float32), arrays["dense_mean"], arrays["dense_scale"], arrays["first_coef"],
        arrays["first_intercept"], link,
    )


def fit_first_pass(table: TrainingTable, rows: np.ndarray, config: TrainConfig,
                   seed: int = 0, fit: np.ndarray | None = None,
                   weight: np.ndarray | None = None) -> tuple[dict, str, np.ndarray, dict]:
    """Pass one on ``rows``: its arrays and link, and the out-of-fold probabilities of ``rows``.

    ``fit`` (a mask over ``rows``, default all) limits the rows the estimators fit on (an
    ``UNLABELED`` row never is, whatever the mask); every row of ``rows`` is scored out of fold;
    ``weight`` (over ``rows``) weighs the fitted rows."""
    from sklearn.model_selection import GroupKFold

    y = table.y[rows]
    fit = (y != UNLABELED) & (True if fit is None else np.asarray(fit, dtype=bool))
    labels = fitted_labels(y)
    seconds = {}
    t = time.perf_counter()
    dense = table.dense[rows[fit]].astype(np.float64)
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    scale[scale == 0] = 1.0  # StandardScaler's rule: a constant column is left unscaled
    # Only the fitted rows are assembled: every row is scored by the core, from the table.
    fit_rows = rows[fit]
    X = _first_input(table, fit_rows, mean, scale)
    y_fit = y[fit]
    w_fit = None if weight is None else np.asarray(weight, dtype=np.float64)[fit]
    groups = table.groups[rows]
    n_folds = min(config.inner_folds, len(set(groups)))
    if n_folds < 2:
        raise ValueError("out-of-fold scores need documents from at least two source groups")
    # Positions of every row within X (the fitted rows), -1 for a row not fitted.
    in_x = np.full(len(rows), -1)
    in_x[fit] = np.arange(int(fit.sum()))
    folds = list(GroupKFold(n_splits=n_folds).split(np.zeros(len(rows)), groups=groups))

    # The final model and one per fold are independent fits: they run side by side on the idle
    # cores (scikit-learn's SGD loop releases the GIL). Each is seeded and fitted on one thread,
    # so the models are the same whatever runs beside them.
    def fit_one(x_idx):
        if x_idx is None:
            return _new_first(config, seed).fit(X, y_fit, sample_weight=w_fit)
        return _new_first(config, seed).fit(X[x_idx], y_fit[x_idx],
                                            sample_weight=None if w_fit is None else w_fit[x_idx])

    from threadpoolctl import threadpool_limits

    jobs = [None] + [in_x[fit_idx[fit[fit_idx]]] for fit_idx, _ in folds]
    pool = ThreadPoolExecutor(max_workers=max(1, min(fit_threads(int(fit.sum())), len(jobs))))
    # BLAS on one thread: scikit-learn's SGD calls OpenBLAS's dot and axpy on the 300k-long
    # weight vector, which OpenBLAS splits over its threads when it can, and whether it can
    # depends on what else is running (the fits beside it): the partial sums round differently,
    # and the same data and seed gave two different models on one machine (2026-11-30).
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            models = list(pool.map(fit_one, jobs))
    finally:  # a failed fit is reported at once, not after the queued fits have run
        pool.shutdown(wait=False, cancel_futures=True)
    first, link = first_pass_arrays(models[0], mean, scale, labels)
    seconds["first_pass"] = time.perf_counter() - t  # the final model and the fold models, side by side

    # Out-of-fold first-pass scores, grouped by source document, computed by the core.
    t = time.perf_counter()
    oof = np.zeros((len(rows), len(labels)))
    for model, (_, score_idx) in zip(models[1:], folds):
        fold_arrays, fold_link = first_pass_arrays(model, mean, scale, labels)
        oof[score_idx] = _core_first_proba(table, rows[score_idx], fold_arrays, fold_link)
    seconds["out_of_fold"] = time.perf_counter() - t
    return first, link, oof, seconds


SMALL_FIT_ROWS = 20_000


def fit_threads(rows: int) -> int:
    """Threads for a fit on ``rows`` rows: :func:`idle_cores`, but one for a fit under
    :data:`SMALL_FIT_ROWS` rows, where starting and waking threads costs more than they save
    (a 369-row fit: trees 5.8 s on 2 threads, 2.2 s on 1; the binning's thread pool alone took
    4 s of it). The model is the same either way (``tests/test_train.py``)."""
    return 1 if rows < SMALL_FIT_ROWS else idle_cores()


def idle_cores() -> int:
    """How many threads training may use (pass one's fits side by side, the trees' OpenMP
    threads): the cores nobody else is busy on, at least 1.

    Why not all of them: OpenMP threads spin while they wait, so on a machine whose cores are
    busy (a 2-core machine shared with another job) 2 threads made the trees' fit 3x slower than
    1. Why not always 1: on an idle 2-core machine 2 threads halve the fit, the longest step. On
    Linux the others' use is measured (:func:`busy_elsewhere`); elsewhere the 1-minute load
    average stands in, which counts this process too, hence the + 1. The trees are the same for any count (histograms are built per feature;
    checked byte for byte: `--real-pages 0` with 1 and 2 threads), so this never changes the model.
    """
    import os

    from joblib import cpu_count

    # joblib's count respects a container's CPU quota, which the affinity mask does not show.
    cores = max(1, cpu_count())
    busy = busy_elsewhere()
    if busy is not None:
        others, host = busy
        return max(1, min(cores, round(host - others)))
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # Windows has no load average
        return 1
    return max(1, min(cores, round(cores - load + 1)))


def busy_elsewhere(seconds: float = 0.3) -> tuple[float, int] | None:
    """(cores that other processes keep busy, the machine's cores as ``/proc/stat`` counts them),
    measured over ``seconds`` from Linux's ``/proc/stat`` minus this process's own CPU time (None
    where there is no ``/proc``). A container may see the host's CPUs there: the caller caps the
    thread count at its own quota.

    Why not the load average alone: it trails by a minute, and pass one's two side-by-side fits
    push it to 2 by the time the trees start, so the trees fell back to one thread on an idle
    machine (84 s instead of 46 s). Called between stages, when this process itself is idle."""
    def sample():
        with open("/proc/stat", encoding="ascii") as fh:
            ticks = [int(v) for v in fh.readline().split()[1:9]]
            host = sum(1 for line in fh if line.startswith("cpu") and line[3:4].isdigit())
        with open("/proc/self/stat", encoding="ascii") as fh:
            own = fh.read().rsplit(")", 1)[1].split()  # utime, stime: fields 14 and 15 of the line
        return sum(ticks), ticks[3] + ticks[4], int(own[11]) + int(own[12]), host

    try:
        total0, idle0, own0, host = sample()
        time.sleep(seconds)
        total1, idle1, own1, _ = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total1 - total0
    if total <= 0 or host < 1:
        return None
    busy = (total - (idle1 - idle0)) - (own1 - own0)
    return max(0.0, busy / total * host), host


def fit_second_pass(table: TrainingTable, rows: np.ndarray, oof: np.ndarray, config: TrainConfig,
                    seed: int = 0, fit: np.ndarray | None = None, weight: np.ndarray | None = None,
                    seconds: dict | None = None) -> dict:
    """Pass two on ``rows``: boosted trees over the core's revision features of ``oof``
    (each row's computed from its whole page), fitted on the rows ``fit`` marks (default all;
    never an ``UNLABELED`` row).

    Only the fitted rows' revision features are built: the matrix is wide (f64), and building
    every row of a large training set to keep a fifth of them cost more than the fit.
    ``seconds`` (if given) gets ``revision`` and ``trees``."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    from .binning import weighted_binning

    t = time.perf_counter()
    labels = fitted_labels(table.y[rows])
    y = table.y[rows]
    fit = (y != UNLABELED) & (True if fit is None else np.asarray(fit, dtype=bool))
    w = np.ones(len(rows)) if weight is None else np.asarray(weight, dtype=np.float64).copy()
    if config.easy_keep < 1.0:
        known = y != UNLABELED
        gold_p = np.zeros(len(rows))
        gold_p[known] = oof[np.flatnonzero(known), np.searchsorted(labels, y[known])]
        easy = gold_p >= config.easy_p
        drawn = np.random.default_rng(seed + 1).random(len(rows)) < config.easy_keep
        fit &= ~easy | drawn
        w[easy] /= config.easy_keep
    doc = np.unique(table.doc[rows], return_inverse=True)[1].astype(np.uint32)
    picked = np.flatnonzero(fit).astype(np.int64)
    revision = _core.revision_features(np.ascontiguousarray(oof), doc, config.window,
                                       np.ascontiguousarray(table.dense[rows]) if config.revision_dense else None,
                                       config.revision_page, picked,
                                       labels.index("body") if config.revision_body_run else None)
    if seconds is not None:
        seconds["revision"] = time.perf_counter() - t
    t = time.perf_counter()
    cols = tree_columns(table, labels, config)
    if cols is not None:
        revision = revision[:, cols]
    names = revision_names(labels, table.dense_names, config)
    if config.page_grid > 0:
        fitted_names = [names[c] for c in (range(len(names)) if cols is None else cols)]
        for j, name in enumerate(fitted_names):
            if page_wide(name):
                revision[:, j] = np.floor(revision[:, j] / config.page_grid) * config.page_grid
    second = HistGradientBoostingClassifier(
        max_iter=config.max_iter, learning_rate=config.learning_rate, max_leaf_nodes=config.max_leaf_nodes,
        min_samples_leaf=config.min_samples_leaf, l2_regularization=config.l2_regularization, early_stopping=False,
        max_features=config.max_features, random_state=seed,
    )
    weighted = weight is not None or config.easy_keep < 1.0
    # weighted_binning: the same bin edges as scikit-learn's, in one pass (see training/binning.py)
    with threadpool_limits(limits=fit_threads(len(picked)), user_api="openmp"), weighted_binning():
        second.fit(revision, y[picked], sample_weight=w[picked] if weighted else None)
    if seconds is not None:
        seconds["trees"] = time.perf_counter() - t
    arrays = second_pass_arrays(second, labels, cols)
    if config.page_grid > 0:
        grid_thresholds(arrays, names, config.page_grid)
    return arrays


def grid_thresholds(arrays: dict, names: Sequence[str], grid: float) -> None:
    """Move each split threshold on a page-wide input (trees fitted on its values floored to
    multiples of ``grid``) to just below the next multiple, in place: a raw value then goes the
    way its floored value went in training (``floor(v / g) * g <= t`` exactly when
    ``v < (floor(t / g) + 1) * g``)."""
    split = np.flatnonzero(arrays["node_is_leaf"] == 0)
    coarse = split[np.asarray([page_wide(names[f]) for f in arrays["node_feature"][split]], dtype=bool)]
    upper = (np.floor(arrays["node_threshold"][coarse] / grid) + 1) * grid
    arrays["node_threshold"][coarse] = np.nextafter(upper, -np.inf)


PAGE_WIDE_PREFIXES = ("doc_mean:", "dense:doc_long_share", "dense:doc_blank_share")


def page_wide(name: str) -> bool:
    """Whether a revision input is one value per page (coarsened by ``TrainConfig.page_grid``)."""
    return name.startswith(PAGE_WIDE_PREFIXES)


def tree_columns(table: TrainingTable, labels: list[str], config: TrainConfig) -> np.ndarray | None:
    """The revision columns the trees fit on (None: all of them; see ``TrainConfig.tree_markup``
    and ``TrainConfig.tree_exclude``)."""
    names = revision_names(labels, table.dense_names, config)
    left_out = set(config.tree_exclude)
    unknown = sorted(left_out - set(names))
    if unknown:
        raise ValueError(f"TrainConfig.tree_exclude names {unknown}, which are not revision features of this "
                         f"run; pick from _core.revision_feature_names (e.g. {names[-1]!r}).")
    if not config.tree_markup and config.revision_dense:
        left_out |= ({f"dense:{n}" for n in _core.dense_feature_names(True)}
                     - {f"dense:{n}" for n in _core.dense_feature_names(False)})
    if not left_out:
        return None
    return np.asarray([i for i, n in enumerate(names) if n not in left_out], dtype=np.int32)


def row_weights(table: TrainingTable, rows: np.ndarray, config: TrainConfig) -> np.ndarray | None:
    """The sample weight of each of ``rows`` in both passes: ``config.real_weight`` for a real
    page's HTML rows, ``config.real_text_weight`` for its plain-text renderings, 1 for the team's
    rows; ``None`` when every row weighs 1."""
    real = real_rows(table)[rows]
    text_weight = config.real_weight if config.real_text_weight is None else config.real_text_weight
    if not real.any() or (config.real_weight == 1.0 and text_weight == 1.0):
        return None
    html_doc = np.asarray([d.is_html for d in table.documents], dtype=bool)[table.doc[rows]]
    return np.where(real, np.where(html_doc, config.real_weight, text_weight), 1.0)


BAG_SEED = 7907  # a bag's real-row draw: seed + BAG_SEED * k


def fit_table(table: TrainingTable, rows: np.ndarray | None = None, config: TrainConfig = TrainConfig(),
              seed: int = 0, log=None) -> FittedModel:
    """Fit both passes on ``rows`` of the table (all rows by default)."""
    rows = np.arange(len(table.y)) if rows is None else np.asarray(rows)
    labels = fitted_labels(table.y[rows])
    if len(labels) < 2:
        raise ValueError(f"training needs at least two labels, the data has {labels}")
    tree_columns(table, labels, config)  # a misspelt tree_exclude fails here, not after pass one
    fit = fit_row_mask(table, config, seed)[rows]
    weight = row_weights(table, rows, config)
    first, link, oof, seconds = fit_first_pass(table, rows, config, seed, fit, weight)
    t = time.perf_counter()
    trees = fit_second_pass(table, rows, oof, config, seed, fit, weight, seconds)
    if config.tree_bags > 1:
        bags = [trees]
        for k in range(1, config.tree_bags):
            fit_k = fit_row_mask(table, config, seed + BAG_SEED * k)[rows]
            bag_seconds: dict = {}
            bags.append(fit_second_pass(table, rows, oof, config, seed + k, fit_k, weight, bag_seconds))
            for key, value in bag_seconds.items():
                seconds[key] += value
        trees = merge_tree_arrays(bags)
    seconds["second_pass"] = time.perf_counter() - t
    if log:
        log(f"  fitted on {int(fit.sum())} of {len(rows)} rows; "
            + ", ".join(f"{k.replace('_', ' ')} {v:.1f}s" for k, v in seconds.items()))
    return FittedModel({**first, **trees}, labels, link, dict(table.config), config, list(table.dense_names), seconds,
                       int(fit.sum()))


@dataclass(frozen=True)
class _Record:
    """Just what line-level evaluation reads from a labeled segment."""

    line: int
    label: str
    text: str


def predict_records(model: FittedModel, table: TrainingTable, doc_ids: Sequence[int]) -> list[list[_Record]]:
    """Per document, its segments labeled by the core's two passes and its decision (the model's
    body threshold), as serving labels them."""
    rows = table.rows_of(doc_ids)
    proba = np.ascontiguousarray(model.core_model().predict_proba(table.features_dict(rows)), dtype=np.float64)
    body = model.labels.index("body") if "body" in model.labels else None
    chosen = _core.decide(proba.reshape(len(rows), len(model.labels)), body, model.config.body_threshold)
    pred = np.asarray(model.labels, dtype=object)[np.asarray(chosen, dtype=np.intp)]
    out: dict[int, list[_Record]] = {int(d): [] for d in doc_ids}
    for r, label in zip(rows, pred):
        d = int(table.doc[r])
        doc = table.documents[d]
        # A row joined from wrapped lines labels each of its lines, as serving does.
        for line, lo, hi, at in row_pieces(doc, int(table.line[r]), int(table.last_line[r]), int(table.start[r]),
                                           int(table.end[r]), int(table.line_start[r])):
            out[d].append(_Record(line, label, doc.lines[line][lo - at:hi - at].strip()))
    return [out[int(d)] for d in doc_ids]


def cv_splits(table: TrainingTable, folds: int) -> list:
    """The grouped folds of :func:`cross_validate` (document indices), checked: each fold's model
    is trained as a whole model is, with out-of-fold scores inside it, so its training part
    needs documents of two source groups (else a CorpusError, before any fitting)."""
    from sklearn.model_selection import GroupKFold

    from ..errors import CorpusError

    groups = [d.group or d.name for d in table.documents]
    splits = list(GroupKFold(n_splits=min(folds, len(set(groups)))).split(np.zeros(len(groups)), groups=groups))
    for train_docs, _ in splits:
        if len({groups[i] for i in train_docs}) < 2:
            raise CorpusError(f"cross-validation with {folds} folds leaves a fold whose training part comes from one "
                              f"source group ({len(set(groups))} groups in all; the documents of an archive page "
                              "count as one): label more documents, or use fewer --folds.")
    return splits


def cross_validate(table: TrainingTable, folds: int = 5, config: TrainConfig = TrainConfig(), seed: int = 0,
                   languages: dict[str, str] | None = None, log=None) -> dict:
    """Line-level metrics from grouped k-fold CV, plus per-fold macro-F1.

    Folds are grouped by source document: the junk generator makes several variants of every
    document, and a variant in the test fold whose twin sat in the training fold would make the
    scores meaningless. Also reported separately: plain text versus HTML (``by_input``), and per
    language of the source document (``by_language``, from ``languages``: group -> code), because
    a figure pooled over mostly English text would hide a model that guts German pages.
    """
    docs = table.documents
    labels = sorted({lab for d in docs for lab in d.label_set()})
    preds: list = [None] * len(docs)
    fold_scores = []
    for train_docs, test_docs in cv_splits(table, folds):
        model = fit_table(table, table.rows_of(train_docs), config, seed)
        fold_preds = predict_records(model, table, test_docs)
        fold_scores.append(evaluate_documents([docs[i] for i in test_docs], fold_preds, labels)["macro_f1"])
        for i, p in zip(test_docs, fold_preds):
            preds[i] = p
        if log:
            log(f"  fold {len(fold_scores)}: macro-F1 {fold_scores[-1]:.4f}")
    metrics = evaluate_documents(docs, preds, labels)
    metrics["fold_macro_f1"] = fold_scores
    metrics["folds"] = len(fold_scores)  # fewer than asked when there are fewer source groups

    def subset(keep):
        idx = [i for i, d in enumerate(docs) if keep(d)]
        if not idx:
            return None
        return {"documents": len(idx), **summary(evaluate_documents([docs[i] for i in idx], [preds[i] for i in idx], labels))}

    by_input = {"text": subset(lambda d: not d.is_html), "html": subset(lambda d: d.is_html)}
    metrics["by_input"] = {k: v for k, v in by_input.items() if v}
    if languages:
        metrics["by_language"] = {
            lang: subset(lambda d, lang=lang: languages.get(d.group) == lang) for lang in sorted(set(languages.values()))
        }
    return metrics


def build_training_set(docs: Sequence[LabeledDocument], variants: int = DEFAULT_VARIANTS, seed: int = 0,
                       html_every: int = HTML_EVERY, bank=None, chrome_label: str | None = None,
                       archive_every: int | None = None) -> list[LabeledDocument]:
    """Augmented text variants of every document, HTML pages rendered from some of them, and
    archive pages (blog home pages: many entries, one after another, all body) built from them.

    Why archives: a model that only ever saw one article per page learned from the real pages
    that long prose late on a big page is comments (boilerplate) and emptied archive pages.
    ``archive_every``: about one archive page per that many augmented documents (``None``:
    :data:`.pages.ARCHIVE_EVERY`, ``0``: none). An archive's entries come from several source
    documents, so those sources (every variant and page of them) share one group, the one
    :func:`.pages.render_archives` returns, and grouped folds never split an archive from its
    entries' other renderings.
    """
    from dataclasses import replace

    from .pages import ARCHIVE_EVERY, CHROME_LABEL, render_archives, render_corpus
    from .synth import augment_corpus

    augmented = augment_corpus(docs, variants=variants, seed=seed, bank=bank)
    pages = render_corpus(augmented, every=html_every, seed=seed, chrome_label=chrome_label or CHROME_LABEL) \
        if html_every else []
    archives, regroup = render_archives(augmented, every=ARCHIVE_EVERY if archive_every is None else archive_every,
                                        seed=seed, chrome_label=chrome_label or CHROME_LABEL)
    if regroup:
        augmented, pages = ([replace(d, group=regroup.get(d.group or d.name, d.group or d.name)) for d in part]
                            for part in (augmented, pages))
    return augmented + pages + archives


def _versions() -> dict:
    import importlib.metadata as md

    from .. import __version__

    out = {"textsieve": __version__, "python": platform.python_version()}
    for dist in ("numpy", "scipy", "scikit-learn", "faker"):
        try:
            out[dist] = md.version(dist)
        except md.PackageNotFoundError:
            pass
    # The BLAS kernels: scikit-learn's SGD rounds through them, so pass one's weights (and the
    # trees after them) differ between kernel families (measured: SkylakeX, Haswell, SandyBridge
    # and Cooperlake kernels gave four models from the same data and seed; pass one runs BLAS
    # on one thread, see fit_first_pass). A model is reproduced byte for byte with the same
    # kernels: OPENBLAS_CORETYPE=<this> selects them.
    try:
        from threadpoolctl import threadpool_info

        out["blas"] = sorted({f"{i.get('internal_api')} {i.get('architecture')}" for i in threadpool_info()
                              if i.get("user_api") == "blas"})
    except ImportError:
        pass
    return out


def _source_state() -> dict:
    """Which code trained the model: the git commit of the checkout textsieve runs from and
    whether tracked files differ from it, and the sha256 of the compiled core.

    Why: a model shipped on 2026-11-29 could not be retrained byte for byte from its commit
    (the inputs and pass one were checked equal, so it was trained by code that never was
    committed, most likely a core built from a working tree). A manifest saying "dirty" or
    naming another extension build tells a maintainer that at once."""
    import hashlib
    import subprocess

    out: dict = {"git_commit": None, "git_dirty": None}
    core_file = Path(getattr(_core, "__file__", "") or "")
    out["core_sha256"] = hashlib.sha256(core_file.read_bytes()).hexdigest() if core_file.is_file() else None
    here = Path(__file__).resolve().parent
    try:
        # This file must be tracked by the checkout: an installed copy in a virtualenv that sits
        # inside some repository is not that repository's code.
        tracked = subprocess.run(["git", "ls-files", "--error-unmatch", Path(__file__).name], cwd=here,
                                 capture_output=True, text=True, timeout=10)
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10)
        if tracked.returncode == 0 and commit.returncode == 0:
            dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                                   capture_output=True, text=True, timeout=10)
            out["git_commit"] = commit.stdout.strip()
            out["git_dirty"] = bool(dirty.stdout.strip()) if dirty.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):  # no git, or not a checkout (an installed wheel)
        pass
    return out


def manifest_for(model: FittedModel, report: dict) -> dict:
    """The manifest of a v2 model (the contract's keys), with the training report."""
    return {
        **report,
        "format_version": 2,
        "features_version": _core.FEATURES_VERSION,
        "labels": model.labels,
        "dense_features": model.dense_names,
        "revision_features": model.revision_names,
        "feature_config": model.feature_config,
        "revision_config": {"window": model.config.window, "dense": model.config.revision_dense,
                            "page": model.config.revision_page, "body_run": model.config.revision_body_run},
        "first_pass": {"link": model.link, "solver": "SGDClassifier(log_loss, averaged, adaptive step)",
                       "alpha": model.config.alpha, "epochs": model.config.epochs, "eta0": model.config.eta0},
        "second_pass": {"estimator": "HistGradientBoostingClassifier", "max_iter": model.config.max_iter,
                        "learning_rate": model.config.learning_rate, "max_leaf_nodes": model.config.max_leaf_nodes,
                        "min_samples_leaf": model.config.min_samples_leaf,
                        "l2_regularization": model.config.l2_regularization,
                        "trees": int(len(model.arrays["tree_class"]))},
        "train_config": asdict(model.config),
        "body_threshold": model.config.body_threshold,
        "versions": _versions(),
        "source": _source_state(),
    }


def real_source_names(sources: Sequence[str] | None) -> tuple[str, ...] | None:
    """``sources`` checked against the known real sources, lower-cased, each once, in order
    (``None``, every source, stays ``None``). Checked before anything is read or written, so a
    typo is an error, not a model silently trained without that source."""
    from ..errors import ConfigError
    from .real_pages import SOURCES

    if sources is None:
        return None
    choices = f"choose from {', '.join(sorted(SOURCES))}, or every source (real_sources=None; --real-sources all)"
    if isinstance(sources, str):
        raise ConfigError(f"real_sources takes a sequence of source names, not the string {sources!r}; {choices}.")
    names = tuple(dict.fromkeys(str(name).strip().lower() for name in sources))
    if not names:
        raise ConfigError(f"real_sources names no source; {choices} (real_pages=0 trains on no real page).")
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise ConfigError(f"unknown real source(s) {', '.join(map(repr, unknown))}; {choices}.")
    return names


def read_real(data_dir: str | Path, real_pages: int | None = DEFAULT_REAL_PAGES, seed: int = 0,
              renderings: Sequence[str] | None = DEFAULT_REAL_RENDERINGS, prose: bool = True,
              skip_cut_gold: bool = True, snippet_pages: bool = False,
              sources: Sequence[str] | None = DEFAULT_REAL_SOURCES, excerpts: int = 0) -> list[LabeledDocument]:
    """The real labeled pages' training documents (``train`` split only) under ``data_dir/real``.

    ``real_pages``: how many pages (``None``: all of them, ``0``: none); a seeded shuffle picks
    them (see :func:`.real_mix.real_documents`; ``renderings``: which documents each page gives,
    all three by default, ``None`` HTML lines and one plain rendering; ``prose``/``skip_cut_gold``:
    the long-prose rules of :mod:`.real_mix`, on by default; ``snippet_pages``: the snippet-labeled pages too, see
    :func:`.real_mix.real_documents`; ``sources``: only the records of these sources, ``None``
    every one, :data:`DEFAULT_REAL_SOURCES` by default; ``excerpts``: short records cut from each
    page, :func:`.real_mix.excerpt_documents`, none by default). A folder without ``real/`` gives none,
    so a training folder of team documents alone still trains.
    """
    from .real_mix import real_documents

    sources = real_source_names(sources)
    folder = Path(data_dir) / REAL_DIR
    if real_pages == 0 or not folder.is_dir() or not any(folder.glob("*.jsonl.xz")):
        return []
    return real_documents(folder, max_pages=real_pages, seed=seed, renderings=renderings, prose=prose,
                          skip_cut_gold=skip_cut_gold, snippet_pages=snippet_pages, sources=sources,
                          excerpts=excerpts)


@dataclass
class TrainingData:
    """What :func:`build_table` assembled: the featurized table and the documents behind it
    (``augmented`` is the team's ``n_team`` training documents followed by ``real``)."""

    table: TrainingTable
    docs: list
    bank: object
    augmented: list
    real: list
    n_team: int
    seconds: dict


def build_table(data_dir: str | Path = "training_data", *, seed: int = 0, variants: int = DEFAULT_VARIANTS,
                html_every: int | None = None, features: dict | None = None, new_labels: Sequence[str] = (),
                real_pages: int | None = DEFAULT_REAL_PAGES,
                real_renderings: Sequence[str] | None = DEFAULT_REAL_RENDERINGS,
                chrome_label: str | None = None, archive_every: int | None = None, prose: bool = True,
                skip_cut_gold: bool = True, snippet_pages: bool = False,
                real_sources: Sequence[str] | None = DEFAULT_REAL_SOURCES, excerpts: int = 0,
                log=print) -> TrainingData:
    """The training documents :func:`train` fits on, featurized: the team's documents with their
    junk variants, HTML renderings and archive pages, then the real pages of the ``train`` split.

    Split out of :func:`train` so that an experiment on the passes (``benchmarks/revision_probe.py``)
    fits on exactly the rows the shipped recipe fits on. Arguments as :func:`train`'s."""
    from .synth import read_junk_bank

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    html_every = HTML_EVERY if html_every is None else html_every
    docs = read_corpus(data_dir, new_labels=new_labels)
    bank = read_junk_bank(Path(data_dir) / JUNK_DIR, new_labels=new_labels)
    augmented = build_training_set(docs, variants=variants, seed=seed, html_every=html_every, bank=bank,
                                   chrome_label=chrome_label, archive_every=archive_every)
    real = read_real(data_dir, real_pages, seed=seed, renderings=real_renderings, prose=prose,
                     skip_cut_gold=skip_cut_gold, snippet_pages=snippet_pages, sources=real_sources,
                     excerpts=excerpts)
    n_team = len(augmented)
    augmented = augmented + real
    seconds["data"] = time.perf_counter() - t
    n_html = sum(d.is_html for d in augmented)
    labels = sorted({lab for d in augmented for lab in d.label_set()})
    prose_texts = [d for d in real if is_prose_text(d)]
    real_page_count = len({d.name.split("#", 1)[0] for d in real if not is_prose_text(d)})
    log(f"{len(docs)} labeled documents, {sum(map(len, bank.blocks.values()))} junk bank blocks -> "
        f"{n_team} training documents, plus {len(real) - len(prose_texts)} from {real_page_count} real pages "
        f"and {len(prose_texts)} long all-prose texts "
        f"({n_html} HTML pages in all); labels: {', '.join(labels)} ({seconds['data']:.1f}s)")

    t = time.perf_counter()
    table = featurize_documents(augmented, features)
    seconds["featurize"] = time.perf_counter() - t
    log(f"featurized {len(table.y)} segments x {table.dense.shape[1]} dense + {table.hashed.shape[1]} hashed "
        f"features ({seconds['featurize']:.1f}s)")
    return TrainingData(table, docs, bank, augmented, real, n_team, seconds)


def train(data_dir: str | Path = "training_data", out_dir: str | Path | None = "models", *, seed: int = 0,
          variants: int = DEFAULT_VARIANTS, folds: int = 0, html_every: int | None = None,
          features: dict | None = None, config: TrainConfig | None = None, new_labels: Sequence[str] = (),
          real_pages: int | None = DEFAULT_REAL_PAGES,
          real_renderings: Sequence[str] | None = DEFAULT_REAL_RENDERINGS,
          chrome_label: str | None = None, archive_every: int | None = None, prose: bool = True,
          skip_cut_gold: bool = True, snippet_pages: bool = False,
          real_sources: Sequence[str] | None = DEFAULT_REAL_SOURCES, excerpts: int = 0, force: bool = False,
          log=print) -> dict:
    """Validate the labeled files, fit, optionally cross-validate, write model + manifest.

    ``out_dir`` is checked before any work (:func:`textsieve.model.check_model_dir`): a folder
    that already holds a model is replaced only with ``force``.

    Returns the report (the manifest's contents) with the fitted model under ``"model"``.
    ``out_dir=None`` skips writing. ``features`` overrides the core's feature settings (e.g.
    smaller hash spaces for quick experiments); ``config`` the learning settings.
    ``real_pages``: how many real labeled pages of ``data_dir/real`` (train split) go in
    (``None``: all, ``0``: none); ``real_renderings``: the documents each gives
    (:data:`DEFAULT_REAL_RENDERINGS`; ``None``: HTML lines plus one plain-text rendering,
    alternating between the full-page dump and markdown, the recipe before).
    ``prose``/``skip_cut_gold``: the long-prose rules of :mod:`.real_mix` (on by default, as the
    shipped model was trained). ``snippet_pages``: the real pages labeled from snippets only
    come too, their unlabeled lines as unfitted context. ``real_sources``: the real sources
    trained on (:data:`DEFAULT_REAL_SOURCES`, all five; ``None``: all). ``excerpts``: every real
    page also gives this many short records of a few of its lines with the lines around them
    (:func:`.real_mix.excerpt_documents`; 0, the default, as the shipped model was trained).
    ``chrome_label``: the label of rendered site chrome
    (default ``boilerplate``, as the real pages label it). ``archive_every``: one archive page
    (many entries on one page, see :func:`build_training_set`) per that many documents.

    How real and team data are weighed: the team's documents come four times (junk variants)
    plus every second variant as an HTML page, every row fitted with weight 1; every real page
    comes three times (its HTML block lines, its full-page text and its markdown; a news page
    twice, its HTML lines and one of the plain two, see :func:`.real_mix.plain_renderings`), a
    ``config.real_keep`` share of its body and boilerplate rows is fitted, at least
    ``config.real_floor`` of each per document (and all of its other rows), each with weight
    ``config.real_weight``. The manifest records both (``real_pages``) with the row counts.

    Why three renderings and trees of 63 leaves (2026-11-30, eight seeds, held-out sites, see the
    README): the full-page text is what a scraper hands over, and with one plain rendering per
    page half the pages never showed the model their chrome as plain text. All three renderings
    raised the held-out full text on every seed but cost the seed documents' captions and link
    lists; trees of 63 leaves have room for both the real web's conventions and the team's junk.
    Training takes about 170 s alone instead of 120 s (1.36M segments, 442k fitted), and the
    bigger trees make serving about a fifth slower; half the rounds at twice the step, for the
    old node count, lost on every held-out figure (``benchmarks/EXPERIMENTS.md``).
    """
    from ..language import detect_language

    config = config or TrainConfig()
    from ..errors import ConfigError, CorpusError
    from ..model import check_model_dir

    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**32:
        raise ConfigError(f"seed must be a whole number 0..{2**32 - 1} (numpy and scikit-learn take no other), got {seed!r}.")
    real_sources = real_source_names(real_sources)
    if out_dir is not None:  # nothing is created before the data has been read and checked
        check_model_dir(out_dir, force=force, create=False)
    t0 = time.perf_counter()
    html_every = HTML_EVERY if html_every is None else html_every
    data = build_table(data_dir, seed=seed, variants=variants, html_every=html_every, features=features,
                       new_labels=new_labels, real_pages=real_pages, real_renderings=real_renderings,
                       chrome_label=chrome_label, archive_every=archive_every, prose=prose,
                       skip_cut_gold=skip_cut_gold, snippet_pages=snippet_pages, real_sources=real_sources,
                       excerpts=excerpts, log=log)
    table, docs, bank, augmented, real, n_team = (data.table, data.docs, data.bank, data.augmented, data.real,
                                                  data.n_team)
    timings = dict(data.seconds)
    if len(set(table.groups)) < 2:  # pass two learns from out-of-fold scores: folds need two groups
        raise CorpusError(f"{data_dir}: training needs labeled documents from at least two source files (it holds "
                          f"{len(docs)} document(s) from one); pass two learns from scores of models that did not "
                          "see the document.")
    if folds and folds > 1:
        cv_splits(table, folds)  # refused now, not after the fit
    if out_dir is not None:  # the folder can take the model: found now, not after the fit
        check_model_dir(out_dir, force=force)
    archives = [d for d in augmented[:n_team] if "-archive-" in d.name]
    prose_texts = [d for d in real if is_prose_text(d)]
    real_page_count = len({d.name.split("#", 1)[0] for d in real if not is_prose_text(d)})

    model = fit_table(table, None, config, seed, log=log)
    timings.update(model.seconds)
    real_rows = int(np.isin(table.doc, np.arange(n_team, len(augmented))).sum())
    report: dict = {
        "seed": seed, "variants": variants, "html_every": html_every, "documents": len(docs),
        "training_documents": len(augmented), "training_segments": int(len(table.y)), "fit_segments": model.fit_rows,
        "training_data_sha256": corpus_digest([*docs, *bank.documents, *real]),
        "chrome_label": chrome_label or CHROME_LABEL,
        "archive_pages": {"every": ARCHIVE_EVERY if archive_every is None else archive_every, "pages": len(archives),
                          "lines": sum(len(d.lines) for d in archives),
                          "groups": len({d.group or d.name for d in augmented[:n_team]})},
        "real_pages": {"requested": "all" if real_pages is None else real_pages, "pages": real_page_count,
                       "renderings": list(real_renderings) if real_renderings else "html + fulltext or markdown",
                       "documents": len(real), "segments": real_rows,
                       "team_segments": int(len(table.y)) - real_rows, "split": "train",
                       "snippet_pages": snippet_pages, "excerpts_per_page": excerpts,
                       "excerpts": sum(d.name.startswith(EXCERPT_NAME) for d in real),
                       "sources_requested": sorted(real_sources) if real_sources is not None else "all",
                       # what was read: a source with no gold pages (trafilatura without
                       # snippet_pages) or none at all (real_pages=0) gives no page
                       "sources": sorted({d.name.split("/", 1)[0] for d in real if not is_prose_text(d)}),
                       "unlabeled_segments": int((table.y == UNLABELED).sum()),
                       "weight": config.real_weight, "fit_share": config.real_keep, "fit_floor": config.real_floor,
                       "weighing": f"a real page's fitted row weighs {config.real_weight:g} (a team row 1); real pages "
                                   f"give the renderings listed here (a news page its HTML lines and one of the plain "
                                   f"ones, real_mix.plain_renderings), and {config.real_keep:g} of their "
                                   f"body/boilerplate rows are fitted, at least {config.real_floor} of each per "
                                   "document (every row of the other labels; never an unlabeled context row)"},
        "long_prose": {"prose_texts": len(prose_texts),
                       "prose_lines": sum(len(d.labels) - d.labels.count(BLANK) for d in prose_texts),
                       "skip_cut_gold": skip_cut_gold,
                       "prose": prose,
                       "what": "prose_texts: long all-body texts from the body lines of the train pages of one site in "
                               "eight (real_mix.prose_site), whose pages also give their page documents; a bucket's pages "
                               "and texts share one fold group (real_mix.prose_bucket); every row of a text fitted at "
                               "weight 1 (train(prose=True)); skip_cut_gold: pages whose gold stops mid-prose left "
                               "out (real_mix.gold_stops_mid_prose), and news pages of more than 1,000 rows, their "
                               "gold a sliver of the page (real_mix.one_story_of_many)"},
    }
    languages = {d.group or d.name: detect_language(d.text) for d in docs}
    report["languages"] = dict(sorted(Counter(languages.values()).items()))
    if folds and folds > 1:
        t = time.perf_counter()
        cv = cross_validate(table, folds=folds, config=config, seed=seed, languages=languages, log=log)
        timings["cross_validation"] = time.perf_counter() - t
        report["cross_validation"] = {"folds_asked": folds, "grouped_by": "source document", **cv}
        log(f"grouped {cv['folds']}-fold CV: macro-F1 {cv['macro_f1']:.4f}, body-keep F1 {cv['body_keep']['f1']:.4f} "
            f"({timings['cross_validation']:.1f}s)")
    timings["total"] = time.perf_counter() - t0
    report["seconds"] = {k: round(v, 2) for k, v in timings.items()}
    log("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    manifest = manifest_for(model, report)
    if out_dir is not None:
        path = save_arrays(out_dir, model.arrays, manifest)
        log(f"wrote {path}")
    return {**manifest, "model": model}

