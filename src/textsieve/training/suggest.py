"""Active learning: the lines the model is least sure about, for a maintainer to label.

Labeling the lines the model already gets right teaches it little; labeling the ones it hesitates
on teaches it most. ``suggest`` scores every line of a scraped folder and picks the most
uncertain (smallest margin between the two most probable labels), spread over documents: a page
with a hundred near-identical doubtful lines must not fill the whole quota.

Each suggestion is written with a few lines of context from its document, all in the labeled
format with the predicted label prefilled, so that the maintainer corrects labels in context and
adds the file to ``training_data/``.
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..clean import Sieve
from ..labels import LabeledLine
from ..files import atomic_write_text, read_text_file

__all__ = ["Suggestion", "suggest", "write_suggestions", "text_files"]


@dataclass(frozen=True)
class Suggestion:
    path: Path
    line: int
    margin: float
    record: LabeledLine
    context: tuple[LabeledLine, ...]


def text_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Files named, and .txt files under folders named, sorted."""
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.txt") if q.is_file()))
        else:
            out.append(p)
    return out


def _margin(rec: LabeledLine) -> float:
    top = sorted(rec.scores.values(), reverse=True)
    return top[0] - (top[1] if len(top) > 1 else 0.0)


def suggest(inputs: Iterable[str | Path], n: int = 200, sieve: Sieve | None = None, context: int = 2,
            read=None) -> list[Suggestion]:
    """The ``n`` most uncertain lines across ``inputs``, at most ``ceil(n / documents) + 1`` per document."""
    sieve = sieve or Sieve()
    read = read or read_text_file
    files = text_files(inputs)
    per_doc: list[list[Suggestion]] = []
    for path in files:
        records = sieve.label_lines(read(path))
        ranked = sorted(range(len(records)), key=lambda i: _margin(records[i]))
        picks = []
        for i in ranked[: n]:
            window = tuple(records[max(0, i - context): i + context + 1])
            picks.append(Suggestion(path, records[i].line, _margin(records[i]), records[i], window))
        if picks:
            per_doc.append(picks)
    if not per_doc:
        return []
    cap = math.ceil(n / len(per_doc)) + 1
    pool = [s for picks in per_doc for s in picks[:cap]]
    chosen = heapq.nsmallest(n, pool, key=lambda s: (s.margin, str(s.path), s.line))
    return sorted(chosen, key=lambda s: (str(s.path), s.line))


def write_suggestions(suggestions: Sequence[Suggestion], out: str | Path) -> Path:
    """Write the windows in the labeled format (atomically), one blank row between windows.

    A sidecar ``<out>.sources.tsv`` says where each suggested line came from and its margin.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows: list[str] = []
    sources = ["row\tfile\tline\tpredicted\tmargin"]
    written: dict[tuple[Path, int], int] = {}  # (file, offset) -> row number in the output
    for s in suggestions:
        if rows:
            rows.append("blank\t")
        for rec in s.context:
            key = (s.path, rec.start)
            if key not in written:
                rows.append(f"{rec.label}\t{rec.text}")
                written[key] = len(rows)
            if rec is s.record:
                sources.append(f"{written[key]}\t{s.path}\t{s.line + 1}\t{rec.label}\t{s.margin:.4f}")
        if rows[-1] == "blank\t":
            rows.pop()
    atomic_write_text(out, "\n".join(rows) + "\n" if rows else "")
    atomic_write_text(out.with_name(out.name + ".sources.tsv"), "\n".join(sources) + "\n")
    return out
