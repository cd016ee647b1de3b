"""Active learning: the lines the model is least sure about, for a maintainer to label.

Labeling the lines the model already gets right teaches it little; labeling the ones it hesitates
on teaches it most. ``suggest`` scores every line of a scraped folder and picks the most
uncertain (smallest margin between the two most probable labels), spread over documents: a page
with a hundred near-identical doubtful lines must not fill the whole quota.

It reads what ``textsieve clean`` reads, through the batch's own input path (no second reader):
folders are walked as folder mode walks them (sorted; .txt/.text, .html/.htm and .jsonl files,
optionally gzipped, recognised by their magic bytes), a file named on the command line or ``-``
(standard input) is read as stdout mode reads it (an unknown extension is sniffed), HTML pages
are labeled over their block lines, and every JSONL record is a document of its own. A broken
input (a FIFO, a broken link, a truncated ``.gz``, binary bytes, a document over the size cap)
is reported by name with its reason and the rest goes on; bad JSONL lines and repaired decodes
are reported too.

Each suggestion is written with a few lines of context from its document, all in the labeled
format with the predicted label prefilled, so that the maintainer corrects labels in context and
adds the file to ``training_data/``.
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import os

from ..batch.plan import fold_name, folder_inputs
from ..batch.process import labeled_documents
from ..batch.read import DEFAULT_MAX_DOC_MB, STDIN
from ..batch.report import FileResult
from ..clean import Sieve
from ..errors import OutputError, TextsieveError, UsageError
from ..files import atomic_write_text
from ..labels import LabeledLine

__all__ = ["Suggestion", "SuggestResult", "check_output", "suggest", "suggest_inputs", "write_suggestions"]


@dataclass(frozen=True)
class Suggestion:
    """One doubtful line: ``path`` and ``line`` (0-based) locate it, ``number`` is the JSONL
    line number of its record (None for a text or HTML file); ``context`` holds the lines
    around it in its document, itself included."""

    path: Path
    line: int
    margin: float
    record: LabeledLine
    context: tuple[LabeledLine, ...]
    number: int | None = None

    @property
    def position(self) -> str:
        """``LINE`` (1-based), or ``RECORD:LINE`` for a JSONL record: what ``textsieve label`` prints."""
        return f"{self.line + 1}" if self.number is None else f"{self.number}:{self.line + 1}"


@dataclass
class SuggestResult:
    """What :func:`suggest` found: the ``suggestions`` (sorted by file and position), how many
    ``documents`` were labeled, and the inputs it could not use: ``failed`` and ``skipped`` (one
    :class:`~textsieve.batch.report.FileResult` each, its ``reason`` naming the file) and
    ``warnings`` (bad JSONL lines, repaired decodes)."""

    suggestions: list[Suggestion] = field(default_factory=list)
    documents: int = 0
    failed: list[FileResult] = field(default_factory=list)
    skipped: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def suggest_inputs(inputs: Iterable[str | Path], problems: list[FileResult]) -> list[Path]:
    """The inputs to read, in order: each folder's files as folder mode walks them (see
    :func:`textsieve.batch.plan.folder_inputs`), each named file or ``-`` as given. A file reached
    twice (named twice, or named and inside a named folder) is read once, as clean cleans it
    once: read twice, its lines would fill the quota twice. Entries the walk cannot use go to
    ``problems``."""
    out: list[Path] = []
    seen: set[str] = set()
    for item in inputs:
        p = Path(item)
        for path in folder_inputs(p, problems) if str(item) != STDIN and p.is_dir() else [p]:
            key = STDIN if str(path) == STDIN else os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                out.append(path)
    return out


def sources_path(out: Path) -> Path:
    """The sidecar beside the labeled file: where each suggested line came from."""
    from .corpus import SUGGEST_SIDECAR

    return out.with_name(out.name + SUGGEST_SIDECAR)


def check_output(inputs: Iterable[str | Path], out: str | Path, *, force: bool = False) -> None:
    """Refuse (UsageError) before anything is read an ``out`` that is a folder, or that (or its
    sources sidecar) is one of the input files, also in other letter case or Unicode form (one
    file on macOS and Windows): ``suggest`` never modifies its inputs. The folders are walked as
    :func:`suggest_inputs` walks them. An existing ``out`` is refused unless ``force``: the
    maintainer corrects labels in that file, and a second run must not wipe the corrections."""
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"-o {out} is a folder; -o names the labeled file to write (e.g. -o {out / 'suggestions.tsv'}).")
    files = {fold_name(Path(os.path.realpath(p))): p for p in suggest_inputs(inputs, []) if str(p) != STDIN}
    for target in (out, sources_path(out)):
        hit = files.get(fold_name(Path(os.path.realpath(target))))
        if hit is not None:
            raise UsageError(f"-o {out} would overwrite the input {hit}"
                             f"{'' if target == out else f' (with its sidecar {target})'}; textsieve never modifies "
                             "its inputs. Write the suggestions outside the inputs.")
    if not force:
        for target in (out, sources_path(out)):
            if os.path.lexists(target):
                raise UsageError(f"-o {out}: {target} exists (it may hold labels you have corrected); give --force to "
                                 "replace it, or choose another -o.")


def _margin(rec: LabeledLine) -> float:
    top = sorted(rec.scores.values(), reverse=True)
    return top[0] - (top[1] if len(top) > 1 else 0.0)


def suggest(inputs: Iterable[str | Path], n: int = 200, sieve: Sieve | None = None, context: int = 2, *,
            html: bool | None = None, text_field: str = "text",
            max_doc_mb: float = DEFAULT_MAX_DOC_MB) -> SuggestResult:
    """The ``n`` most uncertain lines across ``inputs``, at most ``ceil(n / documents) + 1`` per document.

    ``html``, ``text_field`` and ``max_doc_mb`` mean what they mean for ``textsieve clean``.
    """
    sieve = sieve or Sieve()
    result = SuggestResult()
    problems: list[FileResult] = []
    per_doc: list[list[Suggestion]] = []
    docs_with_picks = 0
    # What is held stays bounded on a folder of any size, and the choice is the one made over
    # everything: the cap per document only shrinks as documents come in, so picks over the
    # current cap are never chosen; and every document's best pick is in the final pool (the
    # cap is at least 2), so a pick with n of those strictly below its margin is never chosen.
    firsts: list[float] = []  # the n smallest best-pick margins, negated (a max-heap)
    held = 0
    for path in suggest_inputs(inputs, problems):
        try:
            for doc, records in labeled_documents(path, sieve, html=html, text_field=text_field,
                                                  max_doc_mb=max_doc_mb, warn=result.warnings.append):
                if records.skipped:
                    continue
                result.documents += 1
                margins = [_margin(r) for r in records]
                ranked = sorted(range(len(records)), key=margins.__getitem__)
                if not ranked:
                    continue
                docs_with_picks += 1
                cap = math.ceil(n / docs_with_picks) + 1
                heapq.heappush(firsts, -margins[ranked[0]])
                if len(firsts) > n:
                    heapq.heappop(firsts)
                bound = -firsts[0] if len(firsts) == n else math.inf
                picks = []
                for i in ranked[:min(n, cap)]:
                    if margins[i] > bound:
                        break
                    window = tuple(records[max(0, i - context): i + context + 1])
                    picks.append(Suggestion(path, records[i].line, margins[i], records[i], window, doc.number))
                per_doc.append(picks)
                held += len(picks)
                if held > 4 * n + 2 * len(per_doc):  # prune what earlier documents hold
                    per_doc = [[s for s in p[:cap] if s.margin <= bound] for p in per_doc]
                    per_doc = [p for p in per_doc if p]
                    held = sum(map(len, per_doc))
        except TextsieveError as exc:
            problems.append(FileResult(str(path), None, "failed", str(exc)))
    result.failed = [p for p in problems if p.status == "failed"]
    result.skipped = [p for p in problems if p.status != "failed"]
    if per_doc:
        cap = math.ceil(n / docs_with_picks) + 1
        pool = [s for picks in per_doc for s in picks[:cap]]
        key = lambda s: (str(s.path), s.number or 0, s.line)  # noqa: E731
        chosen = heapq.nsmallest(n, pool, key=lambda s: (s.margin, *key(s)))
        result.suggestions = sorted(chosen, key=key)
    return result


def write_suggestions(suggestions: Sequence[Suggestion], out: str | Path) -> Path:
    """Write the windows in the labeled format (atomically), one blank row between windows.

    A sidecar ``<out>.sources.tsv`` says where each suggested line came from (file and position,
    ``RECORD:LINE`` for a JSONL record) and its margin.
    """
    out = Path(out)
    rows: list[str] = []
    sources = ["row\tfile\tline\tpredicted\tmargin"]
    written: dict[tuple[Path, int | None, int], int] = {}  # (file, record, offset) -> row number in the output
    for s in suggestions:
        if rows:
            rows.append("blank\t")
        for rec in s.context:
            key = (s.path, s.number, rec.start)
            if key not in written:
                rows.append(f"{rec.label}\t{_one_line(rec.text)}")
                written[key] = len(rows)
            if rec is s.record:
                sources.append(f"{written[key]}\t{s.path}\t{s.position}\t{rec.label}\t{s.margin:.4f}")
        if rows[-1] == "blank\t":
            rows.pop()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out, "\n".join(rows) + "\n" if rows else "")
        atomic_write_text(sources_path(out), "\n".join(sources) + "\n")
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the suggestions ({exc.strerror or exc}). Choose another -o path.") from None
    return out


def _one_line(text: str) -> str:
    """A labeled row holds one line: a tab or line break inside a line's text (an HTML block may
    hold either) would break the format, and a NUL is refused by training, so they are written
    as spaces."""
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ").replace("\x00", " ")
