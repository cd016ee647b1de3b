"""Files in and out: bytes -> text with a clear error naming the file, and atomic writes.

UTF-8 is tried first (most scraped text is UTF-8, and it is the only encoding that can be
recognised with certainty); anything else goes to beautifulsoup4's ``UnicodeDammit``, which
detects the encoding rather than guessing one by hand.

Every file textsieve writes (cleaned outputs, reports, models, suggestions) goes through
:class:`AtomicWriter`: a temporary file beside the target, renamed into place only when complete,
so an interrupted run never leaves a half-written file behind.
"""
from __future__ import annotations

import gzip
import os
import sys
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError

__all__ = ["decode_bytes", "read_text_file", "AtomicWriter", "atomic_write_text", "gzip_errors"]


def decode_bytes(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{where}: looks binary (NUL bytes), not text. Skip it or extract its text first.")
    from bs4 import UnicodeDammit

    guess = UnicodeDammit(data)
    if guess.unicode_markup is None:
        raise InputError(f"{where}: not text in any encoding textsieve recognises.")
    return guess.unicode_markup


def read_text_file(path: str | Path) -> str:
    """The text of ``path`` (``-`` reads standard input)."""
    if str(path) == "-":
        return sys.stdin.read()
    path = Path(path)
    with gzip_errors(path):
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                data = fh.read()
        else:
            data = path.read_bytes()
    return decode_bytes(data, str(path))


@contextmanager
def gzip_errors(path: Path):
    """Turn the ways reading a (gzipped) file fails into InputErrors that name the file."""
    try:
        yield
    except EOFError:
        raise InputError(f"{path}: truncated gzip file (ends before the compressed stream does).") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(f"{path}: not a valid gzip file ({exc}).") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied.") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


class AtomicWriter:
    """Write to a temporary file beside the target; rename into place on success only.

    A target ending in ``.gz`` is gzip-compressed (with a fixed mtime, so reruns are
    byte-identical).
    """

    def __init__(self, target: Path):
        self.target = target

    def __enter__(self):
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".part")
        raw = os.fdopen(fd, "wb")
        self.raw = raw
        self.fh = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if self.target.name.lower().endswith(".gz") else raw
        self.bytes = 0
        return self

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.bytes += len(data)
        self.fh.write(data)

    def __exit__(self, exc_type, exc, tb):
        try:
            if self.fh is not self.raw:
                self.fh.close()
            self.raw.close()
            if exc_type is None:
                os.chmod(self.tmp, 0o644)
                os.replace(self.tmp, self.target)
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
        return False




def atomic_write_text(path: str | Path, text: str) -> Path:
    path = Path(path)
    with AtomicWriter(path) as out:
        out.write(text)
    return path
