"""Labeled records: what ``label_lines``/``label_html`` return.

The core (``textsieve._core``) labels every segment, applies the body threshold, and joins the
two parts of a provisionally cut line back into one record when they got the same label (the
cut was only a hypothesis that the line holds glued junk). It returns plain arrays; this module
turns them into :class:`LabeledLine` records for callers who want to see each line's label and
scores. :func:`join_kept` rebuilds text from records exactly as the core's cleaning does (a test
checks they agree), for callers who filter records themselves.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = ["LabeledLine", "LabeledLines", "BODY", "records_from_core", "join_kept"]

BODY = "body"


class LabeledLine:
    """One labeled segment of the input.

    ``text == source[start:end]``; ``line`` is the 0-based source line (two records share it
    when junk was glued onto a paragraph); ``scores`` maps every label to its probability.
    A ``body`` record whose body probability is under the threshold in force (the model's own
    unless ``body_threshold`` sets one; the most probable label without one) was restored by the
    guard (``SieveConfig.guard``): the page would otherwise have come out near-empty; or it is a
    line cut in two whose tail was body, which takes its head along (its scores are the parts'
    scores weighted by length). Its scores stay the model's, so ``score`` shows how unsure it was.

    Immutable, compared and hashed by everything but ``scores``. A record made by the core holds
    no text or score dict of its own until asked: it points into its document's text and score
    table. A Python object per line is the whole cost of a record, and a text and a dict of five
    floats made it about 550 bytes a line, so ``label_lines`` (and the command line, which reads
    through it) took four times the memory of ``clean_text`` on a file of short lines. So a
    record kept alone keeps its document's text alive; copy what you keep of a huge document
    (``rec.text``, ``rec.scores``) if that matters.
    """

    __slots__ = ("label", "line", "start", "end", "_text", "_scores", "_table", "_row")

    def __init__(self, text: str, label: str, scores: dict[str, float], line: int, start: int, end: int):
        self._set(label, line, start, end, text, scores, None, None)

    @classmethod
    def _from_table(cls, table: _Table, row: int, label: str, line: int, start: int, end: int) -> "LabeledLine":
        """A record made by the core: its text and scores are read from ``table`` when asked."""
        rec = object.__new__(cls)
        rec._set(label, line, start, end, None, None, table, row)
        return rec

    def _set(self, *values) -> None:
        for name, value in zip(self.__slots__, values):
            object.__setattr__(self, name, value)

    @property
    def text(self) -> str:
        return self._table.source[self.start:self.end] if self._table is not None else self._text

    @property
    def scores(self) -> dict[str, float]:
        if self._table is None:
            return self._scores
        return dict(zip(self._table.labels, self._table.scores[self._row].tolist()))

    @property
    def score(self) -> float:
        """Probability of the chosen label."""
        if self._table is None:
            return self._scores[self.label]
        return float(self._table.scores[self._row, self._table.labels.index(self.label)])

    def _key(self) -> tuple:
        return (self.text, self.label, self.line, self.start, self.end)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __setattr__(self, name, value):
        raise AttributeError(f"LabeledLine is immutable: cannot set {name!r}")

    __delattr__ = __setattr__

    def __reduce__(self):
        return (LabeledLine, (self.text, self.label, self.scores, self.line, self.start, self.end))

    def __repr__(self) -> str:
        return (f"LabeledLine(text={self.text!r}, label={self.label!r}, scores={self.scores!r}, line={self.line!r}, "
                f"start={self.start!r}, end={self.end!r})")


class _Table:
    """What the records of one document made by the core share: its text and score matrix."""

    __slots__ = ("source", "labels", "scores")

    def __init__(self, source: str, labels: tuple[str, ...], scores):
        self.source, self.labels, self.scores = source, labels, scores


class LabeledLines(list):
    """The records of one document (a list of :class:`LabeledLine`), plus document facts.

    ``source`` is the text the records' offsets index into: the input itself, or for HTML the
    page's extracted text. ``language`` is detected on first access (seeded langdetect on a
    500-character sample, 1,000 when unsure, about 2 ms), so nobody pays for it who does not ask.
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

    def text(self, keep: str | Sequence[str] = (BODY,)) -> str:
        """The cleaned text: the kept records joined as :func:`join_kept` does. ``keep`` is a
        label or a sequence of labels; one the model does not have is a ConfigError (a typo would
        otherwise keep nothing, silently)."""
        keep = _as_labels(keep)
        if self:
            known = self[0].scores.keys()
            unknown = [k for k in keep if k not in known]
            if unknown:
                from .errors import ConfigError

                raise ConfigError(f"keep: unknown label(s) {', '.join(map(repr, unknown))}; the model's labels are "
                                  f"{', '.join(sorted(known))}.")
        return join_kept(self.source, self, keep)


def _as_labels(keep) -> tuple[str, ...]:
    """A label or a sequence of labels as a tuple: ``"body"`` is one label, not four letters."""
    return (keep,) if isinstance(keep, str) else tuple(keep)


def records_from_core(source: str, labeled, labels: Sequence[str]) -> list[LabeledLine]:
    """LabeledLine records from the core's arrays for one document.

    ``labeled`` is one item of ``_core.Model.label``: ``(page_text, start, end, line, label,
    scores)`` with character offsets into ``source``. This is the only place per-record Python
    objects are made; the cleaning path never comes here. The records share ``source`` and the
    score matrix (see :class:`LabeledLine`).
    """
    _, start, end, line, label, scores = labeled
    labels = tuple(str(c) for c in labels)
    table = _Table(source, labels, scores)
    names = [labels[i] for i in label.tolist()]
    make = LabeledLine._from_table
    return [make(table, i, name, ln, a, b)
            for i, (a, b, ln, name) in enumerate(zip(start.tolist(), end.tolist(), line.tolist(), names))]


def join_kept(text: str, records: Iterable[LabeledLine], keep: Sequence[str]) -> str:
    """Rebuild text from the kept records.

    Kept parts of one source line stay on one line (the line's indentation is kept when its
    first part is). Between two kept lines, as many blank lines as the longest run of blank
    lines between them in the source: paragraph breaks survive, and removing a junk block that
    sat between blank lines leaves one break, not three.
    """
    lines = text.split("\n")
    keep = set(_as_labels(keep))
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
            current_parts.append(text[prev_end:rec.start] if prev_end <= rec.start else " ")  # as the core: a lone CR stays
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
