"""Format-1 models (a pickled scikit-learn Pipeline), kept only until the shipped model is v2.

This module holds the pure-Python serving path of textsieve 0.1 (segment.py + features.py +
classifier.py behind a joblib pickle), unchanged, so the package keeps working with the model
committed before the Rust core. It is deleted together with ``models/textsieve-lines.joblib``
when the v2 model (``model.npz``) ships; nothing new should import it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ModelError

LEGACY_MODEL_FILE = "textsieve-lines.joblib"
BODY = "body"


@dataclass(frozen=True)
class LegacyModel:
    """A fitted format-1 pipeline with its manifest."""

    pipeline: object
    manifest: dict
    path: Path | None = None

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]


def load_legacy(model_path: Path, manifest: dict, verify: bool | None) -> LegacyModel:
    import joblib
    import sklearn

    from .model import sha256_file

    if verify is None or verify:
        actual = sha256_file(model_path)
        if actual != manifest.get("model_sha256"):
            raise ModelError(
                f"{model_path}: sha256 {actual[:12]}… does not match its manifest "
                f"({str(manifest.get('model_sha256'))[:12]}…). The file was changed or corrupted after "
                "training; refusing to unpickle it. Retrain with `textsieve train` or restore the file."
            )
    trained = manifest.get("versions", {}).get("scikit-learn", "")
    if trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(
            f"{model_path}: trained with scikit-learn {trained or '?'}, this environment has "
            f"{sklearn.__version__}. Pickled models do not survive a scikit-learn minor upgrade: retrain "
            "with `textsieve train`, or install the scikit-learn version in the manifest."
        )
    try:
        pipeline = joblib.load(model_path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means the same thing to a user
        raise ModelError(f"{model_path}: could not be loaded ({type(exc).__name__}: {exc}). Retrain with `textsieve train`.") from None
    return LegacyModel(pipeline, manifest, model_path.parent)


def label_sources(model: LegacyModel, sources: list[str], contexts: list, split_glued: bool,
                  body_threshold: float | None) -> list[list]:
    """Per document, its LabeledLine records (the 0.1 path)."""
    from .segment import segment

    segs = [segment(src, split_glued=split_glued, contexts=ctx) if src is not None else []
            for src, ctx in zip(sources, contexts)]
    probas = _predict_windowed(model.pipeline, segs)
    return [to_records(src, s, p, model.pipeline.classes_, body_threshold) if s else []
            for src, s, p in zip(sources, segs, probas)]


WINDOW = 200
OVERLAP = 40


def windows(n: int, size: int = WINDOW, overlap: int = OVERLAP) -> list[tuple[int, int, int, int]]:
    if n <= size:
        return [(0, n, 0, n)]
    stride = size - overlap
    starts = sorted({min(s, n - size) for s in range(0, n - overlap, stride)})
    bounds = [0] + [(starts[k + 1] + starts[k] + size) // 2 for k in range(len(starts) - 1)] + [n]
    return [(s, s + size, bounds[k], bounds[k + 1]) for k, s in enumerate(starts)]


def _predict_windowed(pipeline, segs: list[list]) -> list:
    parts, plan = [], []
    for d, s in enumerate(segs):
        for start, end, keep_from, keep_to in windows(len(s)) if s else []:
            plan.append((d, start, keep_from, keep_to, len(parts)))
            parts.append(s[start:end])
    if not parts:
        return [None] * len(segs)
    proba = pipeline.predict_proba(parts)
    offsets = np.cumsum([0] + [len(p) for p in parts])
    out = [np.empty((len(s), proba.shape[1])) if s else None for s in segs]
    for d, start, keep_from, keep_to, k in plan:
        rows = proba[offsets[k] + keep_from - start: offsets[k] + keep_to - start]
        out[d][keep_from:keep_to] = rows
    return out


def _decide(proba: np.ndarray, classes: Sequence[str], body_threshold: float | None) -> np.ndarray:
    best = np.argmax(proba, axis=1)
    if body_threshold is None or BODY not in classes:
        return best
    b = list(classes).index(BODY)
    is_body = proba[:, b] >= body_threshold
    others = proba.copy()
    others[:, b] = -1.0
    return np.where(is_body, b, np.argmax(others, axis=1) if proba.shape[1] > 1 else b)


def to_records(text: str, segments, proba: np.ndarray, classes, body_threshold: float | None = None) -> list:
    from .labels import LabeledLine

    classes = [str(c) for c in classes]
    chosen = _decide(proba, classes, body_threshold) if len(segments) else []
    records = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if seg.parts == 2 and seg.part == 0 and i + 1 < len(segments) and chosen[i] == chosen[i + 1]:
            tail = segments[i + 1]
            w_head, w_tail = len(seg.text), len(tail.text)
            merged = (proba[i] * w_head + proba[i + 1] * w_tail) / (w_head + w_tail)
            records.append(LabeledLine(text[seg.start:tail.end], classes[chosen[i]],
                                       {c: float(p) for c, p in zip(classes, merged)}, seg.line, seg.start, tail.end))
            i += 2
            continue
        records.append(LabeledLine(seg.text, classes[chosen[i]], {c: float(p) for c, p in zip(classes, proba[i])},
                                   seg.line, seg.start, seg.end))
        i += 1
    return records
