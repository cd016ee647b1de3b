"""Cleaning files: documents from :mod:`.read`, labels from a Sieve, outputs through :mod:`.write`.

:func:`process_files` is what every execution back-end runs on a batch of (input, output)
pairs; :func:`clean_to_stream` and :func:`label_rows` are the same steps for stdout mode and
``textsieve label``, so one input means one thing in every mode.

The ``--format jsonl`` record has one schema whatever the input kind: the input record's own
fields when the input is JSONL, the cleaned text in ``text_field``, and ``textsieve`` holding
``source`` (input path), ``record`` (JSONL line number, or null), ``language`` (or null), and
``lines``: one ``{line, start, end, label, score}`` per labeled line, with ``start``/``end``
character offsets into the document's text (for HTML: into the page's extracted block lines).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ..clean import Sieve, SieveConfig
from ..errors import InputError, TextsieveError
from ..files import PROCESS_TAG, dumps_json
from .plan import sidecar_path
from .read import DEFAULT_MAX_DOC_MB, BadRecord, Document, open_input
from .report import FileResult
from .write import commit_together

__all__ = ["process_files", "process_file", "clean_to_stream", "label_rows", "labeled_documents", "record_json",
           "JSONL_CHUNK", "FLUSH_CHARS"]

JSONL_CHUNK = 256
# Documents labeled in one model call hold less than this much text, plus the last one added:
# many small files still share a call, but a batch of large files (up to the document cap each)
# is labeled a file or two at a time, so memory follows the largest document, not the batch.
FLUSH_CHARS = 4_000_000


def _label(sieve: Sieve, docs: Sequence[Document], cfg: SieveConfig) -> list:
    """Labels per document (or the exception that document raised), html and text in one call each."""
    from ..engines import label_isolated

    out: list = [None] * len(docs)
    for html in (False, True):
        idx = [i for i, d in enumerate(docs) if d.html == html]
        if idx:
            for i, res in zip(idx, label_isolated(sieve, [docs[i].text for i in idx], cfg, html=html)):
                out[i] = res
    return out


def record_json(doc: Document, records, kept: str, source: str, text_field: str, with_lines: bool) -> str:
    """The output record of one document, as one line of JSON text (schema in the module
    docstring). A JSONL record is written as it came with only the text field's value (and the
    ``textsieve`` block) replaced: see :class:`.read.RecordText`."""
    values = {text_field: dumps_json(kept)}
    if with_lines:
        values["textsieve"] = dumps_json({
            "source": source, "record": doc.number, "language": records.language,
            "lines": [{"line": r.line, "start": r.start, "end": r.end, "label": r.label, "score": round(r.score, 4)}
                      for r in records],
        })
    if doc.source is None:  # a text or HTML file: a new record
        return "{" + ", ".join(f"{dumps_json(k)}: {v}" for k, v in values.items()) + "}"
    return doc.source.with_values(values)


def _labeled_in_order(items, sieve: Sieve, cfg: SieveConfig) -> Iterator[tuple[Document | BadRecord, object]]:
    """``(item, labels)`` for each JSONL item, in input order, labeled in chunks (at most
    JSONL_CHUNK documents or FLUSH_CHARS characters plus the last one added): a written-through
    BadRecord comes with None, a document whose labeling raised with the exception."""
    chunk: list = []
    chars = 0

    def flush():
        labeled = iter(_label(sieve, [d for d in chunk if isinstance(d, Document)], cfg))
        for item in chunk:
            yield item, None if isinstance(item, BadRecord) else next(labeled)
        chunk.clear()

    for item in items:
        chunk.append(item)
        chars += len(item.text) if isinstance(item, Document) else 0
        if len(chunk) >= JSONL_CHUNK or chars >= FLUSH_CHARS:
            yield from flush()
            chars = 0
    yield from flush()


def _nothing_cleaned(path, text_field: str, n_objects: int, bad: list[str]) -> InputError:
    """The error for a JSONL file where not one record had text to clean, so the file fails
    instead of being called done (a later run would skip its empty or copied output for good).
    Records without the field: most likely the wrong --text-field. Only unreadable lines: most
    likely not JSONL at all (a JSON array, UTF-16, a binary file under a .jsonl name)."""
    if n_objects:
        return InputError(f"{path}: no record has a string field {text_field!r} ({n_objects} JSON object(s), none "
                          "cleaned): check --text-field")
    shown = "; ".join(bad[:3]) + ("; ..." if len(bad) > 3 else "")
    if all("document cap" in reason for reason in bad):  # every record over --max-doc-mb
        return InputError(f"{path}: every record is over the document cap, nothing cleaned ({len(bad)} record(s): "
                          f"{shown})")
    return InputError(f"{path}: no line is a JSON object, nothing cleaned ({len(bad)} bad line(s): {shown}): "
                      "JSONL needs one UTF-8 JSON object per line")


def passthrough_json(bad: BadRecord, source: str, with_lines: bool) -> str:
    """A record with nothing to clean, as it came, byte for byte (``--format jsonl``: with an
    empty ``textsieve`` block, so every output row has the same schema)."""
    if not with_lines:
        return bad.source.json
    return bad.source.with_values({"textsieve": dumps_json(
        {"source": source, "record": bad.number, "language": None, "lines": []})})


def _rejected_rows(records, keep, number: int | None = None) -> Iterator[str]:
    prefix = f"{number}:" if number is not None else ""
    for r in records:
        if r.label not in keep:
            yield f"{prefix}{r.line + 1}\t{r.label}\t{r.score:.4f}\t{r.text}\n"


def _failed(result: FileResult, exc: Exception, src, dst) -> None:
    result.status, result.output = "failed", None
    # Nothing of a failed file is written: no record was "written through" or "the rest cleaned".
    result.passed_through, result.bad_records = [], []
    if isinstance(exc, TextsieveError):
        result.reason = str(exc)
    elif isinstance(exc, OSError):
        result.reason = f"{dst}: cannot write output ({exc.strerror or exc})"
    else:  # one strange file must not stop the batch
        result.reason = f"{src}: {type(exc).__name__}: {exc}"


def process_file(src: Path, dst: Path, sieve: Sieve, **options) -> FileResult:
    """Clean one file into ``dst``; never raises for bad input (the result says what failed)."""
    return process_files([(src, dst)], sieve, **options)[0]


def process_files(pairs: Sequence[tuple[Path, Path]], sieve: Sieve, *, config: SieveConfig | None = None,
                  rejected: bool = False, output_format: str = "same", text_field: str = "text",
                  languages: bool = True, html: bool | None = None, max_doc_mb: float = DEFAULT_MAX_DOC_MB,
                  run_id: str = PROCESS_TAG) -> list[FileResult]:
    """Clean several files, labeling their single documents together (one model call for many
    small files is much faster than one call each; large ones go a few at a time, see
    :data:`FLUSH_CHARS`); JSONL files stream in chunks. Bad input never raises: each result says
    what failed.

    A document whose language is not in ``config.languages`` is not written: a .txt/.html
    file is reported as skipped with its language, a JSONL record is counted per language in
    ``skipped_languages`` with its line number in ``reason``.
    """
    cfg = config or sieve.config
    results = [FileResult(str(src), str(dst), "done") for src, dst in pairs]
    loaded: list[tuple[int, Document]] = []
    opts = dict(cfg=cfg, rejected=rejected, with_lines=output_format == "jsonl", text_field=text_field,
                languages=languages, run_id=run_id)

    def label_loaded() -> None:
        for (i, doc), records in zip(loaded, _label(sieve, [doc for _, doc in loaded], cfg)):
            (src, dst), result = pairs[i], results[i]
            try:
                if isinstance(records, Exception):
                    raise records
                _write_single(doc, records, Path(src), Path(dst), result, **opts)
            except Exception as exc:  # noqa: BLE001 - reported per file
                _failed(result, exc, src, dst)
        loaded.clear()

    for i, (src, dst) in enumerate(pairs):
        result = results[i]
        try:
            with open_input(src, html=html, text_field=text_field, max_doc_mb=max_doc_mb) as inp:
                if inp.kind == "jsonl":
                    _process_jsonl(inp, Path(dst), sieve, result, **opts)
                else:
                    doc = next(iter(inp.documents()))
                    loaded.append((i, doc))
                result.bytes_in, result.notes = inp.bytes_in, inp.notes
        except Exception as exc:  # noqa: BLE001 - reported per file
            _failed(result, exc, src, dst)
        if sum(len(doc.text) for _, doc in loaded) >= FLUSH_CHARS:
            label_loaded()
    if loaded:
        label_loaded()
    return results


def _write_single(doc, records, src: Path, dst: Path, result: FileResult, *, cfg, rejected, with_lines,
                  text_field, languages, run_id) -> None:
    result.documents = 1
    if languages or records.skipped:
        result.languages = {records.language: 1}
    if records.skipped:
        result.status, result.reason, result.output = "skipped", records.skipped, None
        result.skipped_languages = {records.language: 1}
        return
    kept = records.text(cfg.keep)
    result.labels = records.counts()
    with commit_together(dst, sidecar_path(dst) if rejected else None, run_id) as (out, side):
        if with_lines:
            out.write(record_json(doc, records, kept, str(src), text_field, True) + "\n")
        else:
            out.write(kept)
        for row in _rejected_rows(records, cfg.keep):
            side.write(row)
    result.bytes_out = out.bytes


def _process_jsonl(inp, dst: Path, sieve: Sieve, result: FileResult, *, cfg, rejected, with_lines, text_field,
                   languages, run_id) -> None:
    """Stream records in chunks, in input order: bad lines are reported by number and skipped,
    records with nothing to clean are written through (see :class:`.read.BadRecord`)."""
    labels: Counter = Counter()
    langs: Counter = Counter()
    left_out: Counter = Counter()
    left_out_lines: list[str] = []
    with commit_together(dst, sidecar_path(dst) if rejected else None, run_id) as (out, side):

        def items():
            for item in inp.documents():
                if isinstance(item, BadRecord):
                    if item.record is None:
                        result.bad_records.append(item.reason)
                        continue
                    result.passed_through.append(item.reason)
                yield item

        for doc, records in _labeled_in_order(items(), sieve, cfg):
            if isinstance(doc, BadRecord):  # nothing to clean: written through in its place
                out.write(passthrough_json(doc, inp.path, with_lines) + "\n")
                continue
            result.documents += 1
            if isinstance(records, Exception):
                result.bad_records.append(f"line {doc.number}: {type(records).__name__}: {records}")
                continue
            if languages or records.skipped:
                langs[records.language] += 1
            if records.skipped:
                left_out[records.language] += 1
                if len(left_out_lines) < 20:
                    left_out_lines.append(f"line {doc.number}: {records.language}")
                continue
            kept = records.text(cfg.keep)
            labels.update(r.label for r in records)
            out.write(record_json(doc, records, kept, inp.path, text_field, with_lines) + "\n")
            for row in _rejected_rows(records, cfg.keep, doc.number):
                side.write(row)
        if result.documents == 0 and (result.passed_through or result.bad_records):
            # Not one record had text to clean. Writing the input back out unchanged (or an
            # empty file) and calling it done would hide that, and a later run would skip the
            # file as done, so the file fails and nothing is written.
            raise _nothing_cleaned(inp.path, text_field, len(result.passed_through), result.bad_records)
    result.bytes_out = out.bytes
    result.labels = dict(labels)
    result.languages = dict(langs)
    result.skipped_languages = dict(left_out)
    reasons = []
    if result.bad_records:
        reasons.append(f"{len(result.bad_records)} bad record(s) skipped: " + "; ".join(result.bad_records[:5]))
    if result.passed_through:
        reasons.append(f"{len(result.passed_through)} record(s) with nothing to clean written through unchanged: "
                       + "; ".join(result.passed_through[:5]))
    if left_out:
        reasons.append(f"{sum(left_out.values())} record(s) left out by language "
                       f"({', '.join(f'{k} {v}' for k, v in left_out.most_common())}): " + "; ".join(left_out_lines[:5]))
    result.reason = " | ".join(reasons)


# ---------------------------------------------------------------------------------------------
# Stdout mode and `label`: the same reading and labeling, written to a stream
# ---------------------------------------------------------------------------------------------


def _documents(path, sieve: Sieve, cfg: SieveConfig, html: bool | None, text_field: str, max_doc_mb: float,
               warn, passthrough: bool = False, bad: list | None = None) -> Iterator[tuple[Document | BadRecord, object]]:
    """(document, labels) for each document of one input, JSONL in chunks; bad records and
    repairs go to ``warn`` (and the reasons of unreadable lines to ``bad``, when given). With
    ``passthrough``, a record with nothing to clean comes as ``(BadRecord, None)`` in its place
    instead. Raises TextsieveError when the input as a whole cannot be read."""
    with open_input(path, html=html, text_field=text_field, max_doc_mb=max_doc_mb) as inp:

        def items():
            for item in inp.documents():
                if isinstance(item, BadRecord):
                    warn(f"{path}: {item.reason}")
                    if bad is not None and item.record is None:
                        bad.append(item.reason)
                    if not (passthrough and item.record is not None):
                        continue
                yield item

        for doc, records in _labeled_in_order(items(), sieve, cfg):
            if isinstance(records, Exception):
                warn(f"{path}: line {doc.number}: {type(records).__name__}: {records}")
                continue
            yield doc, records
        for note in inp.notes:
            warn(f"{path}: repaired: {note}")


def clean_to_stream(path, out: TextIO, sieve: Sieve, *, config: SieveConfig | None = None, html: bool | None = None,
                    text_field: str = "text", max_doc_mb: float = DEFAULT_MAX_DOC_MB, warn=lambda msg: None) -> None:
    """Write the cleaned form of one input to ``out``: text for a text or HTML input (ending in a
    newline, so consecutive inputs never run together), one JSON record per line for JSONL."""
    cfg = config or sieve.config
    cleaned = passed = 0
    bad: list[str] = []
    for doc, records in _documents(path, sieve, cfg, html, text_field, max_doc_mb, warn, passthrough=True, bad=bad):
        if isinstance(doc, BadRecord):
            out.write(passthrough_json(doc, str(path), False) + "\n")
            passed += 1
            continue
        cleaned += 1
        if records.skipped:
            warn(f"skipped {path}{'' if doc.number is None else f' line {doc.number}'}: {records.skipped}")
            continue
        kept = records.text(cfg.keep)
        if doc.record is not None:
            out.write(record_json(doc, records, kept, str(path), text_field, False) + "\n")
        else:
            out.write(kept if not kept or kept.endswith("\n") else kept + "\n")
    if (passed or bad) and not cleaned:  # the same rule as with -o; the records are already written through
        raise _nothing_cleaned(path, text_field, passed, bad)


def labeled_documents(path, sieve: Sieve, *, html: bool | None = None, text_field: str = "text",
                      max_doc_mb: float = DEFAULT_MAX_DOC_MB, warn=lambda msg: None) -> Iterator[tuple[Document, object]]:
    """``(Document, LabeledLines)`` for every document of one input (one for a text or HTML file,
    one per record of a JSONL file), read and labeled exactly as stdout mode and ``textsieve
    label`` do; bad JSONL records and repaired decodes go to ``warn``. Raises TextsieveError
    naming the file when the input as a whole cannot be read. ``textsieve suggest`` reads
    through it, so a maintainer labels lines from any input ``clean`` accepts."""
    return _documents(path, sieve, sieve.config, html, text_field, max_doc_mb, warn)


def label_rows(path, sieve: Sieve, *, html: bool | None = None, text_field: str = "text",
               max_doc_mb: float = DEFAULT_MAX_DOC_MB, warn=lambda msg: None) -> Iterator[tuple[str, object]]:
    """``(position, LabeledLine)`` for every line of one input: position is ``LINE`` (1-based)
    for a text or HTML input and ``RECORD:LINE`` (JSONL line number) for a JSONL record."""
    for doc, records in _documents(path, sieve, sieve.config, html, text_field, max_doc_mb, warn):
        for r in records:
            yield (f"{doc.number}:{r.line + 1}" if doc.number is not None else str(r.line + 1)), r
