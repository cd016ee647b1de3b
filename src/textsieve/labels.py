"""Scores -> labeled records.

Turns the classifier's per-segment probabilities into :class:`LabeledLine` records: applies the
body threshold, and joins the two parts of a provisionally cut line back into one record when
they got the same label (the cut was only a hypothesis that the line holds glued junk; see
:mod:`textsieve.segment`).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .segment import Segment

__all__ = ["LabeledLine", "LabeledLines", "BODY", "to_records", "join_kept"]

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


class LabeledLines(list):
    """The records of one document (a list of :class:`LabeledLine`), plus document facts.

    ``source`` is the text the records' offsets index into: the input itself, or for HTML the
    page's extracted text. ``language`` is detected on first access (seeded langdetect on a
    1,000-character sample, a few milliseconds), so nobody pays for it who does not ask.
    ``skipped`` says why the document was not cleaned (e.g. its language is not one of
    ``SieveConfig.languages``); a skipped document has no records.
    """

    def __init__(self, records: Iterable[LabeledLine] = (), source: str = "", language: str | None = None,
                 skipped: str | None = None):
        super().__init__(records)
        self.source = source
        self.skipped = skipped
        self._language = language

    @property
    def language(self) -> str:
        if self._language is None:
            from .language import detect_language

            self._language = detect_language(self.source)
        return self._language

    def counts(self) -> dict[str, int]:
        """Records per label (a glued line with junk cut off counts once per part)."""
        return dict(Counter(r.label for r in self))

    def text(self, keep: Sequence[str] = (BODY,)) -> str:
        """The cleaned text: the kept records joined as :func:`join_kept` does."""
        return join_kept(self.source, self, keep)


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


def join_kept(text: str, records: Iterable[LabeledLine], keep: Sequence[str]) -> str:
    """Rebuild text from the kept records.

    Kept parts of one source line stay on one line (the line's indentation is kept when its
    first part is). Between two kept lines, as many blank lines as the longest run of blank
    lines between them in the source: paragraph breaks survive, and removing a junk block that
    sat between blank lines leaves one break, not three.
    """
    lines = text.split("\n")
    keep = set(keep)
    out: list[str] = []
    current_line, current_parts = -1, []
    prev_end = 0  # end of the previous kept record on the same line
    last_kept_line = None

    def flush():
        if current_line >= 0 and current_parts:
            out.append("".join(current_parts))

    for rec in records:
        if rec.label not in keep:
            continue
        if rec.line != current_line:
            flush()
            if last_kept_line is not None:
                out.extend([""] * _longest_blank_run(lines, last_kept_line + 1, rec.line))
            current_line, current_parts = rec.line, []
            line = lines[rec.line]
            line_start = text.rfind("\n", 0, rec.start) + 1
            indent = line[: len(line) - len(line.lstrip())]
            current_parts.append(indent if rec.start - line_start == len(indent) else "")
            current_parts.append(rec.text)
        else:
            current_parts.append(text[prev_end:rec.start].replace("\r", "") if prev_end <= rec.start else " ")
            current_parts.append(rec.text)
        prev_end = rec.end
        last_kept_line = rec.line
    flush()
    if not out:
        return ""
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _longest_blank_run(lines: list[str], lo: int, hi: int) -> int:
    best = run = 0
    for k in range(lo, hi):
        if lines[k].strip():
            run = 0
        else:
            run += 1
            best = max(best, run)
    return best
