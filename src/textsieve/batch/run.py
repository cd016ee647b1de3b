"""The run: plan, refuse or sweep, skip what is done, clean the rest on a back-end, report."""
from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ..clean import SieveConfig
from ..errors import OutputError, UsageError
from ..files import PROCESS_TAG, AtomicWriter, dumps_json
from .backends import input_bytes, output_identities, run_dask, run_pool, run_serial
from .plan import REPORT_NAME, plan_files, sidecar_path
from .read import DEFAULT_MAX_DOC_MB, check_max_doc_mb
from .report import BatchReport, FileResult
from .write import RunLock, live_runs, new_run_id, sweep_stale

# An output folder that cannot be created or written for these reasons never will be by the same
# command (a file stands on its path, no permission, a read-only file system, a name too long).
_UNUSABLE_OUTPUT = {errno.ENOTDIR, errno.EEXIST, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENAMETOOLONG,
                    errno.EISDIR, errno.ELOOP}

__all__ = ["filter_folder", "write_report", "default_report_path", "default_jobs", "output_settings", "check_settings",
           "BATCH_FILES", "BYTES_PER_WORKER", "SETTINGS_NAME", "STALE_REASON", "OLD_SETTINGS_REASON"]

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


def _done(src: Path, dst: Path, rejected: bool, settings_ns: int = 0) -> str | None:
    """Why ``dst`` is skipped without ``--force`` (None: it is to be written).

    An output that exists is never overwritten without ``--force``: it may be this run's earlier
    work (a killed run resumes) or a file someone put there. Three cases are skipped with their
    own reason, so the report and the console say so instead of calling them finished: an
    output older than its input (the input changed after it was cleaned: stale), an output
    older than the settings ``OUT`` records (made before a run with other settings took the
    folder over, see :func:`check_settings`), and, with ``--rejected``, an output without its
    sidecar (written without ``--rejected``, or not by textsieve: a sidecar is committed before
    its output)."""
    if not dst.exists():
        return None
    if rejected and not sidecar_path(dst).exists():
        return (f"output exists without its {sidecar_path(dst).name} (written without --rejected, or not by "
                "textsieve): use --force to redo it")
    try:
        made = dst.stat().st_mtime_ns
        stale = src.stat().st_mtime_ns > made
    except OSError:  # the input vanished or cannot be read: reading it reports that
        made, stale = None, False
    if stale:
        return STALE_REASON
    if made is not None and made < settings_ns:
        return OLD_SETTINGS_REASON
    return "output exists (use --force to overwrite)"


# The reasons of outputs skipped but not finished (the CLI names these files).
STALE_REASON = "output is older than its input (the input changed after it was cleaned): use --force to redo it"
OLD_SETTINGS_REASON = ("output was made before OUT's settings changed (see .textsieve-settings.json): use --force "
                       "to redo it with the current settings")

# The settings the outputs of OUT were written with (see ``check_settings``).
SETTINGS_NAME = ".textsieve-settings.json"
SETTINGS_VERSION = 1


def _model_facts(model) -> tuple[str | None, float | str | None]:
    """The model's arrays' sha256 and its own body threshold, from its manifest (no model load):
    the shipped one when ``model`` is None, a directory or a file in it, or a loaded Model."""
    from ..errors import ModelError
    from ..manifest import read_manifest

    manifest = getattr(model, "manifest", None)
    if manifest is None:
        try:
            manifest = read_manifest(model)
        except ModelError:
            return None, None  # loading the model reports the problem
    threshold = manifest.get("body_threshold")
    return (str(manifest["model_sha256"]) if manifest.get("model_sha256") else None,
            "argmax" if threshold is None else float(threshold))


def output_settings(model, config: SieveConfig | None, *, rejected: bool, output_format: str, text_field: str,
                    html: bool | None) -> dict:
    """Everything that decides what an output holds, as its effect: the model (its arrays'
    sha256), the labels kept and the languages (as sets), the body threshold in force (the
    model's own when none is given), the other decision settings, the output format, the JSONL
    text field, whether inputs were read as HTML or text, and whether sidecars were written."""
    cfg = config or SieveConfig()
    sha, own = _model_facts(model)
    threshold = own if cfg.body_threshold is None else cfg.body_threshold
    return {"version": SETTINGS_VERSION, "model_sha256": sha, "keep": sorted(cfg.keep), "body_threshold": threshold,
            "split_glued": cfg.split_glued, "join_wrapped": cfg.join_wrapped, "guard": cfg.guard,
            "languages": sorted(cfg.languages) if cfg.languages is not None else None, "format": output_format,
            "text_field": text_field, "html": html, "rejected": rejected}


def check_settings(out_dir: Path, settings: dict, force: bool, run_id: str, planned: Sequence[Path]) -> int:
    """Refuse to add outputs to an ``OUT`` whose outputs were written with other settings;
    return the time (ns) since which ``OUT``'s recorded settings hold.

    Why: a re-run skips the outputs that exist, so a run with another ``--keep``, threshold,
    model or format would leave a folder of outputs made two ways, each skipped file silently
    keeping the old settings. ``OUT/.textsieve-settings.json`` records the settings and when they
    took effect. A run with other settings stops before it writes anything (UsageError, exit
    code 2) when one of its outputs exists, unless ``--force``; otherwise (``--force``, or none
    of its outputs made yet) it records its settings with the current time, and any output
    older than that is from before: a later run skips it with that reason, never as done. Runs
    with the same settings (a resumed run, shards side by side) agree and go on; a run with
    other settings than a run still writing into ``OUT`` is refused, even with ``--force``. The
    first record is created exclusively, so two runs starting at once never both record theirs."""
    path = out_dir / SETTINGS_NAME
    for _ in range(2):
        recorded, since = _read_settings(path)
        if recorded == settings:
            return since
        if recorded is not None and live_runs(out_dir, run_id):
            raise UsageError(f"another run is writing into {out_dir} with other settings ({_differences(recorded, settings)}; "
                             f"recorded in {path}): runs side by side into one -o must use the same settings. Wait for "
                             "it, or choose another -o.")
        if recorded is not None and not force and any(dst.exists() for dst in planned):
            raise UsageError(f"{out_dir} holds outputs written with other settings ({_differences(recorded, settings)}; "
                             f"recorded in {path}). A re-run skips the outputs that exist, so they would keep the old "
                             "settings: pass --force to redo the files with the new settings, or choose another -o.")
        # Settings replacing others take effect now: outputs made before are from the old ones.
        # The first record claims nothing about outputs already there (made by a textsieve
        # before settings were recorded): they stay done, as they always were.
        now = time.time_ns() if recorded is not None else 0
        body = dumps_json({"settings": settings, "since_ns": now}, indent=2) + "\n"
        with AtomicWriter(path, run_id, defer=True) as out:
            out.write(body)
        if recorded is not None:
            out.commit()  # replacing settings the run has just checked: the latest run's win
            return now
        try:
            os.link(out.tmp, path)  # the first record: created only if no other run made one meanwhile
        except FileExistsError:
            continue  # another run was first: compare with its settings
        except OSError:  # a file system without hard links: a plain rename (a race is then possible)
            out.commit()
        finally:
            out.discard()
        return now
    raise UsageError(f"{path} keeps changing: another run is writing into {out_dir} with other settings.")


def _read_settings(path: Path) -> tuple[dict | None, int]:
    """(settings, since_ns) recorded in ``path``; (None, 0) when there are none, ({}, 0) when
    the file cannot be read (the outputs' settings are unknown, as when they differ)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, 0
    except (OSError, ValueError):
        return {}, 0
    if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
        return {}, 0
    since = data.get("since_ns")
    return data["settings"], since if isinstance(since, int) else 0


def _differences(recorded: dict, settings: dict) -> str:
    keys = sorted(k for k in set(recorded) | set(settings) if recorded.get(k) != settings.get(k))
    return ", ".join(f"{k}: {recorded.get(k)!r} -> {settings.get(k)!r}" for k in keys) or "unreadable"


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
    temporaries (:mod:`.write`); refuses (UsageError) an ``out_dir`` whose outputs were written
    with other settings unless ``force`` (:func:`check_settings`); skips inputs whose outputs exist
    unless ``force``, naming a stale output (older than its input) as such. ``jobs=None``
    picks a worker count from the input size (:func:`default_jobs`). ``scheduler``
    (``tcp://host:port``, or a ``distributed.Client``) runs the batches on a Dask cluster instead.
    ``report`` is only checked here (it must not overwrite an input or output); write it with
    :func:`write_report`.
    """
    t0 = time.perf_counter()
    check_max_doc_mb(max_doc_mb)
    if output_format == "jsonl" and text_field == "textsieve":
        raise UsageError("--text-field textsieve: with --format jsonl each record's 'textsieve' field holds the labels, "
                         "which would replace the cleaned text. Rename the field in the input, or use --format same.")
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
        message = f"{out_dir}: cannot create the output folder or write in it ({exc.strerror or exc})"
        if exc.errno in _UNUSABLE_OUTPUT:  # the same command can never work: a usage error (exit 2)
            raise UsageError(f"-o {message}: choose a folder you can write to.") from None
        raise OutputError(message + ".") from None  # a full disk, a failing device: may work on a retry
    with lock:
        folders = {out_dir} | {dst.parent for _, dst in plan.pairs}
        sweep_stale(out_dir, run_id, folders)
        settings = output_settings(model, config, rejected=rejected, output_format=output_format,
                                   text_field=text_field, html=html)
        settings_ns = check_settings(out_dir, settings, force, run_id, [dst for _, dst in plan.pairs])
        # When this run started, by the output file system's clock (its lock file was just made
        # there): outputs committed since then are this run's, whichever machine wrote them.
        try:
            started_ns = os.stat(lock.path).st_mtime_ns
        except OSError:
            started_ns = time.time_ns()
        todo: list[tuple[Path, Path]] = []
        for src, dst in plan.pairs:
            why = blocked(dst, out_dir) or (blocked(sidecar_path(dst), out_dir) if rejected else None)
            if why is not None:
                result.files.append(FileResult(str(src), str(dst), "failed", why))
                emit(result.files[-1])
            elif not force and (why := _done(src, dst, rejected, settings_ns)) is not None:
                result.files.append(FileResult(str(src), str(dst), "skipped", why))
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
            outcomes = run_dask(scheduler, batches, model, config, options, started_ns, settings["model_sha256"],
                                output_identities(todo))
        elif jobs == 1 or len(batches) <= 1:
            result.jobs = 1
            outcomes = run_serial(batches, model, config, options)
        else:
            outcomes = run_pool(batches, model, config, options, jobs, started_ns, output_identities(todo))
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
