"""Training: labeled documents -> augmented corpus -> grouped cross-validation -> model + manifest.

Cross-validation is grouped by source document: the junk generator makes several variants of
every document, and a variant in the test fold whose twin sat in the training fold would make the
scores meaningless. The scores written to the manifest are therefore on documents the model has
not seen in any form.

Determinism: the generator, the folds and the estimators are all seeded from ``seed``, and the
documents are read in sorted order, so the same data and seed give the same model.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from .corpus import LabeledDocument, corpus_digest, read_corpus, training_segments
from .evaluate import evaluate_documents
from .model import build_pipeline, save_model

__all__ = ["train", "fit_documents", "cross_validate"]

DEFAULT_VARIANTS = 4


def fit_documents(docs: Sequence[LabeledDocument], seed: int = 0):
    """Fit a fresh pipeline on already augmented documents."""
    X, y, groups = training_segments(docs)
    pipeline = build_pipeline(seed)
    pipeline.fit(X, y, classify__groups=groups)
    return pipeline


def predict_documents(pipeline, docs: Sequence[LabeledDocument]):
    """Records for each document, exactly as serving produces them."""
    from .clean import Sieve, SieveConfig
    from .model import Model

    keep = ("body",) if "body" in pipeline.classes_ else (str(pipeline.classes_[0]),)
    return Sieve(Model(pipeline, {}), SieveConfig(keep=keep)).label_many([d.text for d in docs])


def cross_validate(docs: Sequence[LabeledDocument], folds: int = 5, seed: int = 0) -> dict:
    """Line-level metrics from grouped k-fold CV, plus per-fold macro-F1."""
    groups = [d.group for d in docs]
    labels = sorted({lab for d in docs for lab in d.label_set()})
    preds: list = [None] * len(docs)
    fold_scores = []
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
    for train_idx, test_idx in splitter.split(np.zeros(len(docs)), groups=groups):
        model = fit_documents([docs[i] for i in train_idx], seed)
        test_docs = [docs[i] for i in test_idx]
        test_preds = predict_documents(model, test_docs)
        fold_scores.append(evaluate_documents(test_docs, test_preds, labels)["macro_f1"])
        for i, p in zip(test_idx, test_preds):
            preds[i] = p
    metrics = evaluate_documents(docs, preds, labels)
    metrics["fold_macro_f1"] = fold_scores
    return metrics


def train(data_dir: str | Path = "training_data", out_dir: str | Path | None = "models", *, seed: int = 0,
          variants: int = DEFAULT_VARIANTS, folds: int = 5, log=print) -> dict:
    """Validate the labeled files, cross-validate, fit on everything, write model + manifest.

    Returns the report (the manifest's contents). ``out_dir=None`` skips writing.
    """
    from .synth import augment_corpus

    t0 = time.perf_counter()
    docs = read_corpus(data_dir)
    augmented = augment_corpus(docs, variants=variants, seed=seed)
    labels = sorted({lab for d in augmented for lab in d.label_set()})
    log(f"{len(docs)} labeled documents -> {len(augmented)} training documents; labels: {', '.join(labels)}")
    report: dict = {
        "seed": seed, "variants": variants, "documents": len(docs),
        "training_data_sha256": corpus_digest(docs),
    }
    if folds and folds > 1:
        t_cv = time.perf_counter()
        cv = cross_validate(augmented, folds=folds, seed=seed)
        report["cross_validation"] = {"folds": folds, "grouped_by": "source document", **cv}
        log(f"grouped {folds}-fold CV: macro-F1 {cv['macro_f1']:.4f}, body-keep F1 {cv['body_keep']['f1']:.4f} "
            f"({time.perf_counter() - t_cv:.1f}s)")
    t_fit = time.perf_counter()
    pipeline = fit_documents(augmented, seed)
    report["fit_seconds"] = round(time.perf_counter() - t_fit, 2)
    report["total_seconds"] = round(time.perf_counter() - t0, 2)
    log(f"fit on all data in {report['fit_seconds']}s")
    if out_dir is not None:
        path = save_model(pipeline, out_dir, report)
        log(f"wrote {path}")
    report["pipeline"] = pipeline
    return report
