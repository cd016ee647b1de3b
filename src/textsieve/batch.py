"""Folders -> cleaned folders: the batch job behind ``textsieve clean INPUT... -o OUT``.

Promises an operator can rely on when the folder holds tens of thousands of scraped files, some of
them broken:

* inputs are never modified; the output tree mirrors the input tree;
* every output is written to a temporary file and renamed into place (``os.replace``), so a
  killed run leaves no half-written file, and a re-run skips outputs that exist (unless
  ``force``): a killed run resumes where it stopped and ends with the same outputs as an
  uninterrupted one;
* a file that cannot be processed (binary, undecodable, truncated gzip, unreadable, unwritable
  output) is reported with its reason and the batch goes on; malformed JSON lines are reported
  with their line numbers and the good records are kept;
* files are streamed and JSONL is processed in chunks, so memory does not grow with the folder.

:func:`filter_folder` returns a :class:`BatchReport`; the CLI only prints it.
"""
from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .clean import Sieve, SieveConfig
from .errors import InputError, TextsieveError
from .files import AtomicWriter, decode_bytes, gzip_errors

__all__ = ["filter_folder", "process_file", "process_files", "BatchReport", "FileResult", "plan_files", "SUPPORTED"]

SUPPORTED = (".txt", ".text", ".html", ".htm", ".jsonl")
JSONL_CHUNK = 256
BATCH_FILES = 16


@dataclass
class FileResult:
    """What happened to one input file."""

    input: str
    output: str | None
    status: str  # done | skipped | failed
    reason: str = ""
    bytes_in: int = 0
    bytes_out: int = 0
    documents: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    skipped_languages: dict[str, int] = field(default_factory=dict)  # documents left out by --lang
    bad_records: list[str] = field(default_factory=list)


@dataclass
class BatchReport:
    """Totals over a run, plus one :class:`FileResult` per input file."""

    files: list[FileResult] = field(default_factory=list)
    wall_seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def _total(self, attr: str) -> Counter:
        total: Counter = Counter()
        for f in self.files:
            total.update(getattr(f, attr))
        return total

    @property
    def labels(self) -> Counter:
        return self._total("labels")

    @property
    def languages(self) -> Counter:
        return self._total("languages")

    @property
    def skipped_languages(self) -> Counter:
        return self._total("skipped_languages")

    @property
    def exit_code(self) -> int:
        """0 when every file is done or was already done; 1 when any failed."""
        return 1 if self.count("failed") else 0

    def to_dict(self) -> dict:
        return {
            "done": self.count("done"), "skipped": self.count("skipped"), "failed": self.count("failed"),
            "lines_per_label": dict(sorted(self.labels.items())),
            "languages": dict(self.languages.most_common()),
            "skipped_by_language": dict(self.skipped_languages.most_common()),
            "bytes_in": sum(f.bytes_in for f in self.files), "bytes_out": sum(f.bytes_out for f in self.files),
            "wall_seconds": round(self.wall_seconds, 3),
            "failures": [{"file": f.input, "reason": f.reason} for f in self.files if f.status == "failed"],
            "files": [asdict(f) for f in self.files],
        }


# ---------------------------------------------------------------------------------------------
# Planning: which inputs, which outputs
# ---------------------------------------------------------------------------------------------


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for ext in SUPPORTED:
        if name.endswith(ext):
            return {".htm": "html", ".text": "txt"}.get(ext, ext[1:])
    return None


def plan_files(inputs: Sequence[str | Path], out_dir: str | Path, output_format: str = "same") -> list[tuple[Path, Path]]:
    """(input, output) pairs: folders walked recursively in sorted order, the tree mirrored.

    With several inputs, each one's outputs go under a subfolder named after it, so two inputs
    with files of the same name cannot overwrite each other.
    """
    out_dir = Path(out_dir)
    pairs: list[tuple[Path, Path]] = []
    several = len(inputs) > 1
    for item in inputs:
        src = Path(item)
        base = out_dir / src.name if several else out_dir
        if src.is_dir():
            for p in sorted(src.rglob("*")):
                if p.is_file() and not _is_inside(p, out_dir):
                    pairs.append((p, _output_name(base / p.relative_to(src), output_format)))
        else:
            pairs.append((src, _output_name(out_dir / src.name, output_format)))
    return pairs


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _output_name(path: Path, output_format: str) -> Path:
    if output_format != "jsonl" or _kind(path) == "jsonl":
        return path
    stem = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    return path.with_name(stem + ".jsonl")


# ---------------------------------------------------------------------------------------------
# Reading and writing one file
# ---------------------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    with gzip_errors(path):
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                return fh.read()
        return path.read_bytes()


def _rejected_rows(records, keep) -> list[str]:
    return [f"{r.line + 1}\t{r.label}\t{r.score:.4f}\t{r.text}" for r in records if r.label not in keep]


def process_file(src: Path, dst: Path, sieve: Sieve, **options) -> FileResult:
    """Clean one file into ``dst``; never raises for bad input (the result says what failed)."""
    return process_files([(src, dst)], sieve, **options)[0]


def process_files(pairs: Sequence[tuple[Path, Path]], sieve: Sieve, *, config: SieveConfig | None = None,
                  rejected: bool = False, output_format: str = "same", text_field: str = "text",
                  languages: bool = True) -> list[FileResult]:
    """Clean several files, labeling all their text in one model call (much faster for many
    small files than one call each). Bad input never raises: each result says what failed.

    A document whose language is not in ``config.languages`` is not written: a .txt/.html
    file is reported as skipped with its language, a JSONL record is counted per language in
    ``skipped_languages`` with its line number in ``reason``.
    """
    from .html import parse_html

    cfg = config or sieve.config
    results = [FileResult(str(src), str(dst), "done") for src, dst in pairs]
    loaded: list[tuple[int, str]] = []
    for i, (src, dst) in enumerate(pairs):
        result, kind = results[i], _kind(src)
        if kind is None:
            result.status, result.reason, result.output = "skipped", "unsupported format (not .txt/.html/.htm/.jsonl, optionally .gz)", None
            continue
        try:
            if kind == "jsonl":
                _process_jsonl(src, dst, sieve, cfg, rejected, text_field, languages, output_format == "jsonl", result)
                continue
            data = _read_bytes(src)
            result.bytes_in = len(data)
            text = decode_bytes(data, str(src))
            loaded.append((i, parse_html(text) if kind == "html" else text))
        except TextsieveError as exc:
            result.status, result.reason = "failed", str(exc)
        except OSError as exc:
            result.status, result.reason = "failed", f"{dst}: cannot write output ({exc.strerror or exc})"
        except Exception as exc:  # noqa: BLE001 - one strange file must not stop the batch
            result.status, result.reason = "failed", f"{src}: {type(exc).__name__}: {exc}"

    from .engines import describe, label_isolated

    labeled = label_isolated(sieve, [doc for _, doc in loaded], cfg) if loaded else []
    for (i, _), records in zip(loaded, labeled):
        (src, dst), result = pairs[i], results[i]
        if isinstance(records, Exception):
            result.status, result.reason = "failed", f"{src}: {describe(records)}"
            continue
        result.documents = 1
        if languages or records.skipped:
            result.languages = {records.language: 1}
        if records.skipped:
            result.status, result.reason, result.output = "skipped", records.skipped, None
            result.skipped_languages = {records.language: 1}
            continue
        kept = records.text(cfg.keep)
        result.labels = records.counts()
        try:
            with AtomicWriter(dst) as out:
                if output_format == "jsonl":
                    out.write(json.dumps(_record_json(src.name, kept, records), ensure_ascii=False) + "\n")
                else:
                    out.write(kept)
            result.bytes_out = out.bytes
            if rejected:
                with AtomicWriter(_rejected_path(dst)) as rej:
                    rej.write("".join(row + "\n" for row in _rejected_rows(records, cfg.keep)))
        except OSError as exc:
            result.status, result.reason = "failed", f"{dst}: cannot write output ({exc.strerror or exc})"
    return results


def _rejected_path(dst: Path) -> Path:
    name = dst.name[:-3] if dst.name.lower().endswith(".gz") else dst.name
    return dst.with_name(name + ".rejected.tsv")


def _record_json(doc_id, kept, records) -> dict:
    return {
        "id": doc_id, "text": kept,
        "lines": [{"line": r.line, "start": r.start, "end": r.end, "label": r.label, "score": round(r.score, 4)} for r in records],
    }


def _iter_jsonl(path: Path) -> Iterator[tuple[int, bytes]]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with gzip_errors(path), opener(path, "rb") as fh:
        yield from enumerate(fh, 1)


def _process_jsonl(src, dst, sieve, cfg, rejected, text_field, languages, with_lines, result) -> None:
    """Stream records in chunks; malformed lines are reported by number and skipped."""
    labels: Counter = Counter()
    langs: Counter = Counter()
    left_out: Counter = Counter()
    left_out_lines: list[str] = []
    with AtomicWriter(dst) as out, (AtomicWriter(_rejected_path(dst)) if rejected else _Null()) as rej:
        chunk: list[tuple[int, dict]] = []

        def flush():
            texts = [rec[text_field] for _, rec in chunk]
            for (number, rec), records in zip(chunk, sieve.label_many(texts, cfg)):
                if languages or records.skipped:
                    langs[records.language] += 1
                if records.skipped:
                    left_out[records.language] += 1
                    if len(left_out_lines) < 20:
                        left_out_lines.append(f"line {number}: {records.language}")
                    continue
                kept = records.text(cfg.keep)
                labels.update(r.label for r in records)
                rec = dict(rec)
                rec[text_field] = kept
                if with_lines:
                    rec["textsieve_lines"] = [{"line": r.line, "label": r.label, "score": round(r.score, 4)} for r in records]
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                for row in _rejected_rows(records, cfg.keep):
                    rej.write(f"{number}:{row}\n")
            result.documents += len(chunk)
            chunk.clear()

        for number, raw in _iter_jsonl(src):
            result.bytes_in += len(raw)
            if not raw.strip():
                continue
            try:
                rec = json.loads(decode_bytes(raw, f"{src}:{number}"))
            except (ValueError, InputError, RecursionError) as exc:
                result.bad_records.append(f"line {number}: malformed JSON ({str(exc)[:80]})")
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get(text_field), str):
                result.bad_records.append(f"line {number}: no string field {text_field!r}")
                continue
            try:
                json.dumps(rec, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                result.bad_records.append(f"line {number}: a \\ud800-style escape that is not valid Unicode (lone surrogate)")
                continue
            chunk.append((number, rec))
            if len(chunk) >= JSONL_CHUNK:
                flush()
        if chunk:
            flush()
    result.bytes_out = out.bytes
    result.labels = dict(labels)
    result.languages = dict(langs)
    result.skipped_languages = dict(left_out)
    reasons = []
    if result.bad_records:
        reasons.append(f"{len(result.bad_records)} bad record(s) skipped: " + "; ".join(result.bad_records[:5]))
    if left_out:
        reasons.append(f"{sum(left_out.values())} record(s) left out by language "
                       f"({', '.join(f'{k} {v}' for k, v in left_out.most_common())}): " + "; ".join(left_out_lines[:5]))
    result.reason = " | ".join(reasons)


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, text):
        pass


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------

def _worker(pairs, model, config, options) -> list[FileResult]:
    """Runs in a worker process (joblib or Dask): one Sieve per process, loaded on its first task."""
    from .engines import process_sieve

    return process_files(pairs, process_sieve(model, config), **options)


def filter_folder(inputs: Sequence[str | Path], out_dir: str | Path, *, model=None, config: SieveConfig | None = None,
                  force: bool = False, rejected: bool = False, output_format: str = "same", text_field: str = "text",
                  jobs: int = 1, languages: bool = True, scheduler: str | None = None,
                  progress: Callable[[FileResult], None] | None = None) -> BatchReport:
    """Clean every supported file under ``inputs`` into ``out_dir``; see the module docstring.

    ``scheduler`` (``tcp://host:port``, or a ``distributed.Client``) runs the batches on an
    existing Dask cluster instead of local processes. Workers read inputs and write outputs at
    the same paths, so they need the folders on a shared filesystem; each worker loads the model
    once.
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    for item in inputs:
        if not Path(item).exists():
            raise InputError(f"{item}: no such file or directory.")
    if out_dir.is_dir():  # temporary files left by a killed run are never outputs: remove them
        for stale in out_dir.rglob(".*.part"):
            stale.unlink(missing_ok=True)
    report = BatchReport()
    todo: list[tuple[Path, Path]] = []
    for src, dst in plan_files(inputs, out_dir, output_format):
        if dst.exists() and not force:
            report.files.append(FileResult(str(src), str(dst), "skipped", "output exists (use --force to overwrite)"))
            if progress:
                progress(report.files[-1])
        else:
            todo.append((src, dst))
    options = {"config": config, "rejected": rejected, "output_format": output_format, "text_field": text_field,
               "languages": languages}
    # Small files are labeled a batch at a time (one model call per batch); a batch is also the
    # unit of work handed to a worker process, so its size bounds memory per worker.
    batches = [todo[i:i + BATCH_FILES] for i in range(0, len(todo), BATCH_FILES)]
    if scheduler is not None:
        outcomes = _on_dask(scheduler, batches, model, config, options)
    elif jobs == 1 or len(batches) <= 1:
        sieve = Sieve(model, config)
        outcomes = (process_files(b, sieve, **options) for b in batches)
    else:
        from joblib import Parallel, delayed

        runner = Parallel(n_jobs=jobs, return_as="generator_unordered")
        outcomes = runner(delayed(_worker)(b, model, config, options) for b in batches)
    for results in outcomes:
        for res in results:
            report.files.append(res)
            if progress:
                progress(res)
    report.files.sort(key=lambda f: f.input)
    report.wall_seconds = time.perf_counter() - t0
    return report


def _on_dask(scheduler, batches, model, config, options) -> Iterator[list[FileResult]]:
    """Submit every batch to a Dask cluster; a batch whose task fails is reported file by file."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'textsieve[dask]'") from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout="20s") if own else scheduler
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        from .engines import model_arg as to_model_arg

        model_arg = to_model_arg(model)
        futures = {client.submit(_worker, b, model_arg, config, options, pure=False): b for b in batches}
        for fut in as_completed(futures):
            if fut.status == "finished":
                yield fut.result()
            else:
                exc = fut.exception() if fut.status == "error" else None
                reason = f"worker failed: {type(exc).__name__}: {exc}" if exc else f"worker task {fut.status}"
                yield [FileResult(str(src), str(dst), "failed", reason) for src, dst in futures[fut]]
            fut.release()
    finally:
        if own:
            client.close()


def write_report(report: BatchReport, path: str | Path) -> Path:
    path = Path(path)
    with AtomicWriter(path) as out:
        out.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return path


def iter_supported(paths: Iterable[Path]) -> Iterator[Path]:
    return (p for p in paths if _kind(p) is not None)
