"""The run: plan, refuse or sweep, skip what is done, clean the rest on a back-end, report."""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..clean import SieveConfig
from ..errors import OutputError
from ..files import PROCESS_TAG, AtomicWriter, dumps_json
from .backends import input_bytes, run_dask, run_pool, run_serial
from .plan import REPORT_NAME, plan_files, sidecar_path
from .read import DEFAULT_MAX_DOC_MB, check_max_doc_mb
from .report import BatchReport, FileResult
from .write import RunLock, live_runs, new_run_id, sweep_stale

__all__ = ["filter_folder", "write_report", "default_report_path", "default_jobs", "BATCH_FILES", "BYTES_PER_WORKER"]

# Small files are labeled a batch at a time (one model call per batch); a batch is also the unit
# of work handed to a worker process, so its size bounds memory per worker.
BATCH_FILES = 16
# An extra worker process pays for itself only when it has this much input to clean: starting one
# (spawn, import, model load) costs about as long as one process takes to clean ~2 MB. Below that
# `-j1` is faster (26 small files ran twice as fast with -j1 as with all cores).
BYTES_PER_WORKER = 2_000_000


def default_jobs(total_bytes: int, batches: int) -> int:
    """``--jobs`` when not given: one worker per BYTES_PER_WORKER of input, at most one per core
    and per batch, at least one."""
    return max(1, min(os.cpu_count() or 1, batches, total_bytes // BYTES_PER_WORKER))


def _done(dst: Path, rejected: bool) -> bool:
    """A file counts as done when its output exists (and, with --rejected, its sidecar, which
    is committed before the output)."""
    return dst.exists() and (not rejected or sidecar_path(dst).exists())


def blocked(dst: Path, out_dir: Path) -> str | None:
    """Why ``dst`` cannot be written when something that is not an output stands in its way (a
    folder where the file goes, a file or a broken link where one of its folders goes), or None.

    Checked before the "output exists" test: a folder at the output's path exists too, and was
    reported as a finished file that needed only ``--force``."""
    try:
        return _blocked(dst, out_dir)
    except OSError as exc:  # e.g. a folder on the way that cannot be searched
        return f"{dst}: cannot check the output path ({exc.strerror or exc})"


def _blocked(dst: Path, out_dir: Path) -> str | None:
    if dst.is_dir():  # a symbolic link to a folder too
        return (f"{dst} is a folder, not an output file: move it away or choose another -o "
                "(textsieve never deletes a folder)")
    if dst.exists() and not dst.is_file():
        return f"{dst} exists and is not a regular file: move it away or choose another -o"
    for parent in dst.parents:
        if parent == out_dir or out_dir not in parent.parents:
            break
        if (parent.exists() or parent.is_symlink()) and not parent.is_dir():
            what = "is a broken symbolic link" if not parent.exists() else "exists and is not a folder"
            return f"{parent} {what}, so {dst.name} cannot be written inside it: move it away or choose another -o"
    return None


def filter_folder(inputs: Sequence[str | Path], out_dir: str | Path, *, model=None, config: SieveConfig | None = None,
                  force: bool = False, rejected: bool = False, output_format: str = "same", text_field: str = "text",
                  jobs: int | None = None, languages: bool = True, scheduler=None, html: bool | None = None,
                  max_doc_mb: float = DEFAULT_MAX_DOC_MB, report: str | Path | None = None,
                  progress: Callable[[FileResult], None] | None = None) -> BatchReport:
    """Clean every supported file under ``inputs`` into ``out_dir``.

    Refuses (UsageError) before touching anything when two inputs would share an output or an
    output would land on or among the inputs (:mod:`.plan`); sweeps only killed runs'
    temporaries (:mod:`.write`); skips inputs whose outputs exist unless ``force``. ``jobs=None``
    picks a worker count from the input size (:func:`default_jobs`). ``scheduler``
    (``tcp://host:port``, or a ``distributed.Client``) runs the batches on a Dask cluster instead.
    ``report`` is only checked here (it must not overwrite an input or output); write it with
    :func:`write_report`.
    """
    t0 = time.perf_counter()
    check_max_doc_mb(max_doc_mb)
    out_dir = Path(out_dir)
    plan = plan_files(inputs, out_dir, output_format, rejected=rejected, report=report)
    run_id = new_run_id()
    result = BatchReport(run_id=run_id)
    emit = progress or (lambda res: None)
    for res in plan.problems:
        result.files.append(res)
        emit(res)
    lock = RunLock(out_dir, run_id)
    try:
        lock.acquire()
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the output folder or write in it ({exc.strerror or exc}).") from None
    with lock:
        folders = {out_dir} | {dst.parent for _, dst in plan.pairs}
        sweep_stale(out_dir, run_id, folders)
        todo: list[tuple[Path, Path]] = []
        for src, dst in plan.pairs:
            why = blocked(dst, out_dir) or (blocked(sidecar_path(dst), out_dir) if rejected else None)
            if why is not None:
                result.files.append(FileResult(str(src), str(dst), "failed", why))
                emit(result.files[-1])
            elif not force and _done(dst, rejected):
                result.files.append(FileResult(str(src), str(dst), "skipped", "output exists (use --force to overwrite)"))
                emit(result.files[-1])
            else:
                todo.append((src, dst))
        options = {"config": config, "rejected": rejected, "output_format": output_format, "text_field": text_field,
                   "languages": languages, "html": html, "max_doc_mb": max_doc_mb, "run_id": run_id}
        batches = [todo[i:i + BATCH_FILES] for i in range(0, len(todo), BATCH_FILES)]
        if jobs is None or jobs < 1:
            jobs = default_jobs(input_bytes(todo), len(batches))
        result.jobs = jobs
        if scheduler is not None:
            outcomes = run_dask(scheduler, batches, model, config, options)
        elif jobs == 1 or len(batches) <= 1:
            result.jobs = 1
            outcomes = run_serial(batches, model, config, options)
        else:
            outcomes = run_pool(batches, model, config, options, jobs)
        for results in outcomes:
            for res in results:
                result.files.append(res)
                emit(res)
    result.files.sort(key=lambda f: f.input)
    result.wall_seconds = time.perf_counter() - t0
    return result


def write_report(report: BatchReport, path: str | Path) -> Path:
    """Write the run report atomically. It is written after the run has released its lock, so
    its temporary file carries this process's tag, not the run id: another run's sweep (which
    deletes run-id temporaries whose lock is gone) must not delete it mid-write."""
    path = Path(path)
    with AtomicWriter(path, PROCESS_TAG) as out:
        out.write(dumps_json(report.to_dict(), indent=2) + "\n")
    return path


def default_report_path(out_dir: str | Path, run_id: str | None = None) -> Path:
    """``OUT/textsieve-report.json``; but while another run writes into ``OUT`` (shards run
    side by side), ``OUT/textsieve-report-<run id>.json``, so one run's report never replaces
    another's. A run that finishes alone takes the plain name (the latest run's report)."""
    if run_id is not None and live_runs(Path(out_dir), run_id):
        return Path(out_dir) / REPORT_NAME.replace(".json", f"-{run_id}.json")
    return Path(out_dir) / REPORT_NAME
