"""Scores -> labeled records.

Turns the classifier's per-segment probabilities into :class:`LabeledLine` records: applies the
body threshold, and joins the two parts of a provisionally cut line back into one record when
they got the same label (the cut was only a hypothesis that the line holds glued junk; see
:mod:`textsieve.segment`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .segment import Segment

__all__ = ["LabeledLine", "BODY", "to_records"]

BODY = "body"


@dataclass(frozen=True, slots=True)
class LabeledLine:
    """One labeled segment of the input.

    ``text == source[start:end]``; ``line`` is the 0-based source line (two records share it
    when junk was glued onto a paragraph); ``scores`` maps every label to its probability.
    """

    text: str
    label: str
    scores: dict[str, float] = field(compare=False)
    line: int
    start: int
    end: int

    @property
    def score(self) -> float:
        """Probability of the chosen label."""
        return self.scores[self.label]


def _decide(proba: np.ndarray, classes: Sequence[str], body_threshold: float | None) -> np.ndarray:
    """Index of the label per row: argmax, or body iff P(body) >= threshold when one is set."""
    best = np.argmax(proba, axis=1)
    if body_threshold is None or BODY not in classes:
        return best
    b = list(classes).index(BODY)
    is_body = proba[:, b] >= body_threshold
    others = proba.copy()
    others[:, b] = -1.0
    return np.where(is_body, b, np.argmax(others, axis=1) if proba.shape[1] > 1 else b)


def to_records(text: str, segments: Sequence[Segment], proba: np.ndarray, classes: Sequence[str],
               body_threshold: float | None = None) -> list[LabeledLine]:
    classes = [str(c) for c in classes]
    chosen = _decide(proba, classes, body_threshold) if len(segments) else []
    records: list[LabeledLine] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if seg.parts == 2 and seg.part == 0 and i + 1 < len(segments) and chosen[i] == chosen[i + 1]:
            tail = segments[i + 1]
            w_head, w_tail = len(seg.text), len(tail.text)
            merged = (proba[i] * w_head + proba[i + 1] * w_tail) / (w_head + w_tail)
            records.append(_record(text[seg.start:tail.end], classes[chosen[i]], merged, classes, seg.line, seg.start, tail.end))
            i += 2
            continue
        records.append(_record(seg.text, classes[chosen[i]], proba[i], classes, seg.line, seg.start, seg.end))
        i += 1
    return records


def _record(text, label, row, classes, line, start, end) -> LabeledLine:
    return LabeledLine(text, label, {c: float(p) for c, p in zip(classes, row)}, line, start, end)
