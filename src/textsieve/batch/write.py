"""Writing: outputs and their sidecars committed together, temporary files that are ours alone.

* **Run-unique temporary names.** Every run has an id (``tsr`` + 12 hex digits). Its temporary
  files are ``.<target name>.<run id>.<random>.part`` beside their targets, and for its whole
  lifetime the run holds an exclusive ``flock`` on ``OUT/.textsieve-<run id>.lock``.
* **The sweep touches only dead runs' temporaries.** At start a run deletes a ``.part`` file only
  when its name carries a run id *and* that run's lock is free (the run was killed) or gone, and
  only in the folders the run writes to. A
  user's ``notes.part`` has no run id and is never touched; a concurrent run's temporaries are
  protected by its lock. Where ``flock`` does not exist (Windows) only temporaries older than
  :data:`STALE_SECONDS` are swept.
* **Output and sidecar commit together.** Both are written in full to temporaries, then the
  sidecar (``.rejected.tsv``) is renamed into place first and the output last, so "the output
  exists" means "this input is done, sidecar included": a run killed between the two renames
  leaves no output, and the next run redoes that file.
"""
from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..files import AtomicWriter

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["new_run_id", "RunLock", "sweep_stale", "live_runs", "commit_together", "TEMP_PATTERN", "STALE_SECONDS", "PAUSE_ENV",
           "STAGING_SUFFIX"]

TEMP_PATTERN = re.compile(r"^\..+\.(tsr[0-9a-f]{12})\.[^.]+\.part$")
STALE_SECONDS = 24 * 3600
# Test hook, read only here: seconds to sleep between committing a sidecar and its output, so a
# test can kill -9 the run at exactly that point. Never set outside tests.
PAUSE_ENV = "TEXTSIEVE_TEST_PAUSE_BEFORE_OUTPUT_RENAME"
# A lock file being created has this suffix until it is held (see RunLock.acquire).
STAGING_SUFFIX = ".new"


def new_run_id() -> str:
    return "tsr" + secrets.token_hex(6)


def _lock_path(out_dir: Path, run_id: str) -> Path:
    return out_dir / f".textsieve-{run_id}.lock"


class RunLock:
    """Hold ``OUT/.textsieve-<run id>.lock`` for the run; removed when the run ends normally."""

    def __init__(self, out_dir: Path, run_id: str):
        self.path = _lock_path(out_dir, run_id)
        self.fd: int | None = None

    def acquire(self) -> "RunLock":
        """Take the lock. The file is created and locked under a name no sweep looks at, then
        renamed into place (the lock moves with it): a lock file under its real name is always
        held, so another run's sweep can never find it free between creation and locking and
        delete it (after which this run's temporaries would look orphaned)."""
        if self.fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            if fcntl is None:
                self.fd = os.open(self.path, flags, 0o644)
                return self
            staging = self.path.with_name(self.path.name + STAGING_SUFFIX)
            fd = os.open(staging, flags, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # a fresh id: nobody else holds it
                os.replace(staging, self.path)
            except BaseException:
                os.close(fd)
                staging.unlink(missing_ok=True)
                raise
            self.fd = fd
        return self

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.path.unlink(missing_ok=True)
        os.close(self.fd)
        return False


def _find_lock(temp: Path, run_id: str) -> Path | None:
    """The run's lock file: in its output root, which is the temp's folder or one above it (a run
    into OUT/sub leaves temps that a run into OUT sees). Looked for above the temp's real path
    too: a run that reaches the same folder by another path (a symlink to OUT/sub, or ``-o .``
    from inside it) must still find a live run's lock, or it would delete that run's temps."""
    try:
        real = temp.resolve().parents
    except (OSError, RuntimeError):  # a symlink loop or an unreadable folder: the lexical path only
        real = ()
    for folder in [*temp.parents, *real]:
        lock = _lock_path(folder, run_id)
        if lock.exists():
            return lock
    return None


def _run_is_dead(temp: Path, run_id: str) -> bool:
    if fcntl is None:
        return False  # decided by age instead
    lock = _find_lock(temp, run_id)
    if lock is None:
        return True  # the run removed its lock: it ended, its leftovers are orphans
    try:
        fd = os.open(lock, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return True
    except OSError:
        return False  # a lock we cannot open or check (another user's, not a file): never guess "dead"
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops our lock too
    return True


def _temporaries(out_dir: Path, folders) -> Iterator[Path]:
    if folders is None:
        yield from out_dir.rglob(".*.part")
        return
    for folder in sorted(set(folders)):
        if folder.is_dir():
            yield from folder.glob(".*.part")


def sweep_stale(out_dir: Path, own_run_id: str, folders: Iterable[Path] | None = None) -> list[Path]:
    """Delete temporaries (and lock files) left by killed runs; returns what was deleted.

    ``folders``: look for temporaries only in these folders (not below them): a run passes the
    folders it writes to, so it never walks a tree it does not write in (``-o`` may be a parent
    of the inputs, or a large folder) nor touches anything there. None: everything under
    ``out_dir``."""
    if not out_dir.is_dir():
        return []
    removed: list[Path] = []
    verdicts: dict[str, bool] = {}
    now = time.time()
    for path in _temporaries(out_dir, folders):
        match = TEMP_PATTERN.match(path.name)
        if match is None or match.group(1) == own_run_id or path.is_symlink() or not path.is_file():
            continue  # textsieve's temporaries are regular files: a folder or link of that name is not ours
        run = match.group(1)
        if run not in verdicts:
            verdicts[run] = _run_is_dead(path, run)
        try:
            stale = verdicts[run] or (fcntl is None and now - path.stat().st_mtime > STALE_SECONDS)
            if stale:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            pass
        except OSError:
            continue  # cannot delete it (permissions): leave it, the run goes on
    for lock in out_dir.glob(".textsieve-tsr*.lock"):
        run = lock.name[len(".textsieve-"):-len(".lock")]
        if run != own_run_id and re.fullmatch(r"tsr[0-9a-f]{12}", run) and lock.is_file() and _run_is_dead(lock, run):
            try:
                lock.unlink(missing_ok=True)
            except OSError:
                continue
            removed.append(lock)
    for staging in out_dir.glob(".textsieve-tsr*.lock" + STAGING_SUFFIX):
        # left only by a run killed within microseconds of starting; an old one is surely dead
        try:
            if staging.is_file() and now - staging.stat().st_mtime > STALE_SECONDS:
                staging.unlink()
                removed.append(staging)
        except FileNotFoundError:
            pass
    return removed


def live_runs(out_dir: Path, own_run_id: str) -> list[str]:
    """Ids of the other runs whose lock in ``out_dir`` is held right now (running, not killed)."""
    found = []
    for lock in sorted(Path(out_dir).glob(".textsieve-tsr*.lock")):
        run = lock.name[len(".textsieve-"):-len(".lock")]
        if run != own_run_id and re.fullmatch(r"tsr[0-9a-f]{12}", run) and lock.is_file() and not _run_is_dead(lock, run):
            found.append(run)
    return found


class _NoSidecar:
    bytes = 0

    def write(self, text: str) -> None:
        pass


@contextmanager
def commit_together(output: Path, sidecar: Path | None, run_id: str):
    """Yield ``(output_writer, sidecar_writer)``; on success commit the sidecar, then the
    output. On any exception neither is committed and both temporaries are removed."""
    main = AtomicWriter(output, run_id, defer=True)
    side = AtomicWriter(sidecar, run_id, defer=True) if sidecar is not None else None
    try:
        with main:
            if side is None:
                yield main, _NoSidecar()
            else:
                with side:
                    yield main, side
        if side is not None:
            side.commit()
            pause = os.environ.get(PAUSE_ENV)
            if pause:
                # Short steps: the kernel may hand a Ctrl-C to another thread (OpenBLAS's), and
                # then only the main thread's next step raises it; one long sleep would hide it.
                end = time.monotonic() + float(pause)
                while time.monotonic() < end:
                    time.sleep(min(0.05, max(0.0, end - time.monotonic())))
        main.commit()
    finally:
        main.discard()
        if side is not None:
            side.discard()
