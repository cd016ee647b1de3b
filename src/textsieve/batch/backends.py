"""Execution back-ends: where the batches of a run are cleaned.

* :func:`run_serial`: in this process, one model load.
* :func:`run_pool`: local worker processes (the standard library's ``ProcessPoolExecutor`` with
  ``spawn``, so no thread or lock state is forked). Workers die with their parent: on Linux each
  worker asks the kernel for ``SIGKILL`` when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and
  on every platform a watchdog thread exits the worker once its parent process is gone. A worker
  killed mid-file leaves only a temporary file, which the next run sweeps (see :mod:`.write`).
  At most two batches per worker are in flight, so memory does not grow with the folder. A
  worker that dies (OOM killer) breaks the pool: the files of the batches in flight whose
  outputs were not yet written are reported as failed (those already written are done), and a
  fresh pool cleans the rest.
* :func:`run_dask`: an existing Dask cluster (``--scheduler``); workers need the folders at the
  same paths.

Each yields one list of :class:`~.report.FileResult` per batch; a batch lost with its worker is
reported file by file, never dropped.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from ..errors import InputError
from .report import FileResult

__all__ = ["run_serial", "run_pool", "run_dask", "worker_batch"]

WATCHDOG_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


def worker_batch(pairs, model, config, options, model_sha256: str | None = None) -> list[FileResult]:
    """Runs in a worker process (pool or Dask): one Sieve per process, loaded on its first batch.

    ``model_sha256``, when given, is the model the run recorded in ``OUT``'s settings: a Dask
    worker on another machine loads its own installed model when none is named, which may be
    another one, and its outputs would then be made with a model the record does not name."""
    from ..engines import process_sieve
    from .process import process_files

    sieve = process_sieve(model, config)
    if model_sha256 is not None and sieve.model.manifest.get("model_sha256") != model_sha256:
        from ..errors import ModelError

        raise ModelError(f"this worker's model (sha256 {str(sieve.model.manifest.get('model_sha256'))[:12]}…) is not the "
                         f"run's ({model_sha256[:12]}…): install the same textsieve and model on every worker, or "
                         "pass --model with a folder every worker sees at the same path.")
    return process_files(pairs, sieve, **options)


def run_serial(batches: Sequence, model, config, options) -> Iterator[list[FileResult]]:
    from ..clean import Sieve
    from .process import process_files

    sieve = Sieve(model, config)
    for batch in batches:
        yield process_files(batch, sieve, **options)


def _die_with_parent(parent_pid: int) -> None:
    """Worker initializer: never outlive the run that started us."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still applies
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watchdog():
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watchdog, name="textsieve-parent-watchdog", daemon=True).start()


def output_identities(pairs) -> dict:
    """The outputs of ``pairs`` that exist before a run (``--force``), by their inode: a commit
    renames a new file into place, so an output this run committed has another one."""
    out = {}
    for _, dst in pairs:
        try:
            out[str(dst)] = os.stat(dst).st_ino
        except OSError:
            pass
    return out


def _lost(batch, reason: str, since_ns: int | None = None, before: dict | None = None) -> list[FileResult]:
    """A batch lost with its worker, file by file: failed, except a file whose output this run
    had already committed (renamed into place after ``since_ns``, when the run started, and not
    the file that was there before it, ``before``: see :func:`output_identities`): its output is
    complete (outputs are renamed into place only when written whole), so it is done, though its
    statistics were lost with the worker. An output from before the run never counts, even
    within a coarse file system's time unit."""
    out = []
    before = before or {}
    for src, dst in batch:
        try:
            st = os.stat(dst)
            committed = since_ns is not None and st.st_mtime_ns >= since_ns and before.get(str(dst)) != st.st_ino
        except OSError:
            committed = False
        if committed:
            out.append(FileResult(str(src), str(dst), "done", "output written before its worker process died "
                                  "(its line counts were lost with the worker)"))
        else:
            out.append(FileResult(str(src), str(dst), "failed", reason))
    return out


def run_pool(batches: Sequence, model, config, options, jobs: int,
             since_ns: int | None = None, before: dict | None = None) -> Iterator[list[FileResult]]:
    """Clean the batches on ``jobs`` worker processes. When a worker dies (the OOM killer, a
    kill), the batches it and its pool had in flight are reported as failed, and a fresh pool
    takes the batches not started yet: one dead worker never ends the run without a report.
    ``since_ns`` is when the run started (default: now); see :func:`_lost`."""
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    from ..engines import model_arg

    model = model_arg(model)
    todo = list(batches)
    since_ns = time.time_ns() if since_ns is None else since_ns
    while todo:
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_die_with_parent, initargs=(os.getpid(),))
        running: dict = {}
        broken = False
        started = len(todo)
        try:
            while running or (todo and not broken):
                while todo and not broken and len(running) < 2 * jobs:
                    try:
                        future = pool.submit(worker_batch, todo[0], model, config, options)
                    except BrokenProcessPool:
                        broken = True  # todo[0] goes to the next pool
                        break
                    running[future] = todo.pop(0)
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    batch = running.pop(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        broken = True
                        yield _lost(batch, "a worker process died while cleaning this batch (out of memory, or killed)",
                                    since_ns, before)
                    except Exception as exc:  # noqa: BLE001 - e.g. the model failed to load in the worker
                        yield _lost(batch, f"worker failed: {type(exc).__name__}: {exc}", since_ns, before)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if len(todo) == started:  # a fresh pool that takes nothing: report the rest, never loop
            for batch in todo:
                yield _lost(batch, "no worker process could be started")
            return


def run_dask(scheduler, batches: Sequence, model, config, options, since_ns: int | None = None,
             model_sha256: str | None = None, before: dict | None = None) -> Iterator[list[FileResult]]:
    """Submit every batch to a Dask cluster; a batch whose task fails is reported file by file,
    its files whose outputs were committed after ``since_ns`` as done (:func:`_lost`; give a time
    from the output file system's clock, which the workers' writes share, not this machine's).
    Workers refuse to clean with another model than ``model_sha256`` (:func:`worker_batch`)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'textsieve[dask]'") from None
    from ..engines import model_arg

    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout="20s") if own else scheduler
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        model = model_arg(model)
        futures = {client.submit(worker_batch, b, model, config, options, model_sha256, pure=False): b for b in batches}
        for fut in as_completed(futures):
            if fut.status == "finished":
                yield fut.result()
            else:
                exc = fut.exception() if fut.status == "error" else None
                yield _lost(futures[fut], f"worker failed: {type(exc).__name__}: {exc}" if exc else f"worker task {fut.status}",
                            since_ns, before)
            fut.release()
    finally:
        if own:
            client.close()


def input_bytes(pairs: Sequence[tuple[Path, Path]]) -> int:
    total = 0
    for src, _ in pairs:
        try:
            total += os.stat(src).st_size
        except OSError:
            pass
    return total
