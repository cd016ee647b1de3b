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
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from ..evaluate import evaluate_documents, summary
from ..model import build_pipeline, save_model
from .corpus import LabeledDocument, corpus_digest, read_corpus, training_segments

__all__ = ["train", "fit_documents", "cross_validate"]

DEFAULT_VARIANTS = 4
HTML_EVERY = 2  # render every 2nd augmented variant as an HTML page


def fit_documents(docs: Sequence[LabeledDocument], seed: int = 0, features: dict | None = None):
    """Fit a fresh pipeline on already augmented documents."""
    X, y, groups = training_segments(docs)
    pipeline = build_pipeline(seed, features)
    pipeline.fit(X, y, classify__groups=groups)
    return pipeline


def predict_documents(pipeline, docs: Sequence[LabeledDocument]):
    """Records for each document, exactly as serving produces them."""
    from ..clean import Sieve, SieveConfig
    from ..model import Model

    from ..html import HtmlPage

    keep = ("body",) if "body" in pipeline.classes_ else (str(pipeline.classes_[0]),)
    inputs = [HtmlPage(d.text, d.contexts) if d.contexts is not None else d.text for d in docs]
    return Sieve(Model(pipeline, {}), SieveConfig(keep=keep)).label_many(inputs)


def cross_validate(docs: Sequence[LabeledDocument], folds: int = 5, seed: int = 0,
                   languages: dict[str, str] | None = None, features: dict | None = None) -> dict:
    """Line-level metrics from grouped k-fold CV, plus per-fold macro-F1.

    Also reported separately: plain-text versus HTML documents (``by_input``), and per language
    of the source document (``by_language``, from ``languages``: group -> code), because a
    figure pooled over mostly English text would hide a model that guts German pages.
    """
    groups = [d.group for d in docs]
    labels = sorted({lab for d in docs for lab in d.label_set()})
    preds: list = [None] * len(docs)
    fold_scores = []
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
    for train_idx, test_idx in splitter.split(np.zeros(len(docs)), groups=groups):
        model = fit_documents([docs[i] for i in train_idx], seed, features)
        test_docs = [docs[i] for i in test_idx]
        test_preds = predict_documents(model, test_docs)
        fold_scores.append(evaluate_documents(test_docs, test_preds, labels)["macro_f1"])
        for i, p in zip(test_idx, test_preds):
            preds[i] = p
    metrics = evaluate_documents(docs, preds, labels)
    metrics["fold_macro_f1"] = fold_scores

    def subset(keep):
        idx = [i for i, d in enumerate(docs) if keep(d)]
        if not idx:
            return None
        return {"documents": len(idx), **summary(evaluate_documents([docs[i] for i in idx], [preds[i] for i in idx], labels))}

    by_input = {"text": subset(lambda d: d.contexts is None), "html": subset(lambda d: d.contexts is not None)}
    metrics["by_input"] = {k: v for k, v in by_input.items() if v}
    if languages:
        metrics["by_language"] = {
            lang: subset(lambda d, lang=lang: languages.get(d.group) == lang) for lang in sorted(set(languages.values()))
        }
    return metrics


def build_training_set(docs: Sequence[LabeledDocument], variants: int = DEFAULT_VARIANTS, seed: int = 0,
                       html_every: int = HTML_EVERY, bank=None) -> list[LabeledDocument]:
    """Augmented text variants of every document, plus HTML pages rendered from some of them."""
    from .pages import render_corpus
    from .synth import augment_corpus

    augmented = augment_corpus(docs, variants=variants, seed=seed, bank=bank)
    pages = render_corpus(augmented, every=html_every, seed=seed) if html_every else []
    return augmented + pages


def train(data_dir: str | Path = "training_data", out_dir: str | Path | None = "models", *, seed: int = 0,
          variants: int = DEFAULT_VARIANTS, folds: int = 5, html_every: int | None = None,
          features: dict | None = None, new_labels: Sequence[str] = (), log=print) -> dict:
    """Validate the labeled files, cross-validate, fit on everything, write model + manifest.

    Returns the report (the manifest's contents). ``out_dir=None`` skips writing.
    """
    from ..language import detect_language

    t0 = time.perf_counter()
    html_every = HTML_EVERY if html_every is None else html_every
    from .corpus import JUNK_DIR
    from .synth import read_junk_bank

    docs = read_corpus(data_dir, new_labels=new_labels)
    bank = read_junk_bank(Path(data_dir) / JUNK_DIR, new_labels=new_labels)
    augmented = build_training_set(docs, variants=variants, seed=seed, html_every=html_every, bank=bank)
    n_html = sum(d.contexts is not None for d in augmented)
    labels = sorted({lab for d in augmented for lab in d.label_set()})
    log(f"{len(docs)} labeled documents, {sum(map(len, bank.blocks.values()))} junk bank blocks -> "
        f"{len(augmented)} training documents ({n_html} HTML pages); "
        f"labels: {', '.join(labels)}")
    report: dict = {
        "seed": seed, "variants": variants, "html_every": html_every, "documents": len(docs),
        "features": features or {},
        "training_data_sha256": corpus_digest([*docs, *bank.documents]),
    }
    languages = {d.group or d.name: detect_language(d.text) for d in docs}
    report["languages"] = dict(sorted(Counter(languages.values()).items()))
    if folds and folds > 1:
        t_cv = time.perf_counter()
        cv = cross_validate(augmented, folds=folds, seed=seed, languages=languages, features=features)
        report["cross_validation"] = {"folds": folds, "grouped_by": "source document", **cv}
        log(f"grouped {folds}-fold CV: macro-F1 {cv['macro_f1']:.4f}, body-keep F1 {cv['body_keep']['f1']:.4f} "
            f"({time.perf_counter() - t_cv:.1f}s)")
    t_fit = time.perf_counter()
    pipeline = fit_documents(augmented, seed, features)
    report["fit_seconds"] = round(time.perf_counter() - t_fit, 2)
    report["total_seconds"] = round(time.perf_counter() - t0, 2)
    log(f"fit on all data in {report['fit_seconds']}s")
    if out_dir is not None:
        path = save_model(pipeline, out_dir, report)
        log(f"wrote {path}")
    report["pipeline"] = pipeline
    return report
