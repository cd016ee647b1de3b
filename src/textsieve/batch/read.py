"""Reading: the one path from an input file (or standard input) to documents.

Folder mode, stdout mode (``textsieve clean FILE`` / ``clean -``) and ``textsieve label`` all
read through :func:`open_input`, so a file means the same thing whichever command reads it:

* **Only regular files are opened**, and they are opened with ``O_NONBLOCK`` and checked with
  ``fstat`` before a byte is read: a FIFO, socket or device is reported, never waited on.
* **gzip** is recognised by its magic bytes (not only the ``.gz`` name) and streamed.
* **Format**: the extension decides (``.txt``/``.text``, ``.html``/``.htm``, ``.jsonl``, each
  optionally ``.gz``); ``--html/--text`` overrides; with no known extension (standard input,
  ``notes.dat``) the first bytes are sniffed: a JSON object on the first line is JSONL, markup
  that opens with a known HTML tag is HTML, anything else is text.
* **JSONL** yields one document per record, streamed line by line; a bad line is a
  :class:`BadRecord` with its line number, never the end of the file.
* **Size cap**: a document (a whole .txt/.html file after decompression, or one JSONL record)
  larger than ``max_doc_bytes`` (default :data:`DEFAULT_MAX_DOC_MB` MB, ``--max-doc-mb``) is
  refused after reading at most that many bytes, so a gzip bomb costs bounded memory. An
  oversized JSONL record is skipped by reading past it in 1 MB pieces.
* **Decoding** follows :func:`textsieve.files.decode_text`; what was repaired or re-guessed is
  kept in :attr:`InputFile.notes` for the report.
"""
from __future__ import annotations

import errno
import gzip
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from ..files import decode_text, gzip_errors

__all__ = ["Document", "BadRecord", "RecordText", "record_text", "InputFile", "open_input", "read_text", "kind_from_name", "check_regular",
           "DEFAULT_MAX_DOC_MB", "SUPPORTED", "STDIN"]

SUPPORTED = (".txt", ".text", ".html", ".htm", ".jsonl")
DEFAULT_MAX_DOC_MB = 50
READ_PIECE = 1 << 24  # bytes per read of a whole document (16 MiB)
# The largest max_doc_mb accepted: a cap, not an allocation (a document is read in pieces), so it
# only keeps the number finite; what a machine can clean is bounded by its memory first.
MAX_DOC_MB_LIMIT = 1_000_000.0
STDIN = "-"
SNIFF_BYTES = 8192
SKIP_PIECE = 1 << 20
_HTML_START = re.compile(rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|article|section|main|table)\b",
                         re.IGNORECASE | re.DOTALL)
_KIND_OF = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}


@dataclass
class Document:
    """One document to clean: a text or an HTML page (``html``), and for a JSONL record the
    parsed record, its line number and its :class:`RecordText`."""

    text: str
    html: bool
    record: dict | None = None
    number: int | None = None
    source: RecordText | None = None


@dataclass
class RecordText:
    """A JSONL record as it was written: the object's JSON text and where each top-level value
    lies in it (every occurrence of a key, in order).

    The output record is this text with the text field's value (and the ``textsieve`` block)
    replaced, so every other field is written byte for byte as it came: a number such as
    ``1E5`` or ``1e400`` stays what it was (parsed and written back, it became ``100000.0`` and
    ``Infinity``, which is not JSON), duplicate keys and key order are kept, and an escape stays
    an escape."""

    json: str
    values: dict[str, list[tuple[int, int]]]

    def with_values(self, replacements: dict[str, str]) -> str:
        """The record with each named member's value replaced by the given JSON text (every
        occurrence of a duplicated key); a name the record lacks is added as its last member."""
        pieces, at = [], 0
        for start, end, key in sorted((s, e, k) for k in replacements for s, e in self.values.get(k, ())):
            pieces += [self.json[at:start], replacements[key]]
            at = end
        added = [f"{json.dumps(k, ensure_ascii=False)}: {v}" for k, v in replacements.items() if k not in self.values]
        if not added:
            return "".join(pieces) + self.json[at:]
        close = self.json.rindex("}")
        pieces.append(self.json[at:close].rstrip())
        if self.values:
            pieces.append(", ")
        return "".join(pieces) + ", ".join(added) + "}"


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_SCAN_VALUE = json.JSONDecoder().scan_once


def record_text(line: str) -> RecordText:
    """The :class:`RecordText` of a line that ``json.loads`` reads as one JSON object (the
    caller checks that first, so this walk cannot fail): the values are found by the same
    scanner ``json.loads`` uses."""
    i = _JSON_SPACE.match(line).end()
    start, values = i, {}
    i = _JSON_SPACE.match(line, i + 1).end()  # past "{"
    while line[i] != "}":
        key, i = json.decoder.scanstring(line, i + 1)
        i = _JSON_SPACE.match(line, _JSON_SPACE.match(line, i).end() + 1).end()  # past ":"
        _, end = _SCAN_VALUE(line, i)
        values.setdefault(key, []).append((i - start, end - start))
        i = _JSON_SPACE.match(line, end).end()
        if line[i] == ",":
            i = _JSON_SPACE.match(line, i + 1).end()
    return RecordText(line[start:i + 1], values)


@dataclass
class BadRecord:
    """A JSONL line that is not a usable record, reported by line number. ``record`` is set when
    the line is a JSON object without a string text field: it has nothing to clean, so it is
    written through unchanged (nothing is lost, and output rows stay in line with input rows);
    a line that is not a JSON object (or is over the size cap) cannot be written as a record
    and is skipped."""

    number: int
    reason: str
    record: dict | None = None
    source: RecordText | None = None


def kind_from_name(name: str) -> str | None:
    """``txt``, ``html`` or ``jsonl`` from a file name (``.gz`` ignored), or None."""
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for ext, kind in _KIND_OF.items():
        if name.endswith(ext):
            return kind
    return None


def check_regular(path: Path) -> os.stat_result:
    """``stat`` of ``path`` when it is a regular file (links followed); an InputError saying
    what it is otherwise: a broken or looping link, a FIFO, a socket, a device, a folder."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(f"{path}: broken symbolic link (its target {os.readlink(path)!r} does not exist).") from None
        raise InputError(f"{path}: no such file or directory.") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{path}: symbolic link loop.") from None
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: {_file_type(st.st_mode)}, not a regular file; textsieve reads only regular files.")
    return st


def check_max_doc_mb(max_doc_mb: float) -> None:
    """Refuse (UsageError) a document cap that is not a positive, finite number of megabytes."""
    if not 0 < max_doc_mb <= MAX_DOC_MB_LIMIT:  # also refuses nan and inf
        raise UsageError(f"--max-doc-mb must be a positive number of megabytes, at most {MAX_DOC_MB_LIMIT:.0f} "
                         f"(got {max_doc_mb}).")


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "a special file"


def _open_regular(path: Path) -> io.BufferedReader:
    """Open without ever blocking: O_NONBLOCK, then fstat on the open descriptor (no race with
    a file swapped for a FIFO after a stat)."""
    check_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    with gzip_errors(path):
        fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path}: {_file_type(st.st_mode)}, not a regular file; textsieve reads only regular files.")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", buffering=1 << 16)
    except BaseException:
        os.close(fd)
        raise


class _Prefixed(io.RawIOBase):
    """A stream that first returns ``prefix`` and then the rest of ``stream`` (sniffing standard
    input must not lose the bytes it looked at)."""

    def __init__(self, prefix: bytes, stream):
        self.prefix, self.stream = prefix, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        if self.prefix:
            n = min(len(buf), len(self.prefix))
            buf[:n], self.prefix = self.prefix[:n], self.prefix[n:]
            return n
        data = self.stream.read(len(buf))
        buf[:len(data)] = data
        return len(data)


def _read_upto(stream, n: int) -> bytes:
    """At most ``n`` bytes, read in pieces: a read of ``n`` at once would allocate ``n`` bytes
    up front, whatever the file's size (a large --max-doc-mb failed every file with MemoryError)."""
    parts, got = [], 0
    while got < n:
        part = stream.read(min(n - got, READ_PIECE))
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _sniff(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        first = text.split(b"\n", 1)[0]
        if b"\n" not in text or _is_json_object(first):
            return "jsonl"
    if _HTML_START.match(text):
        return "html"
    return "txt"


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


class InputFile:
    """An opened input: its ``kind`` and, once :meth:`documents` has run, the decoding
    ``notes`` and ``bytes_in`` (decompressed bytes read). Use as a context manager."""

    def __init__(self, path: str | Path, stream, kind: str, html: bool, text_field: str, max_doc_bytes: int,
                 raw=None):
        self.path = str(path)
        self.kind = kind
        self.html = html
        self.text_field = text_field
        self.max_doc_bytes = max_doc_bytes
        self.notes: list[str] = []
        self.bytes_in = 0
        self.gzipped = False
        self._stream = stream
        self._raw = raw  # the file descriptor's stream (None for standard input, which is not ours)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
        self._raw = self._stream = None

    def _too_large(self, what: str) -> str:
        mb = self.max_doc_bytes / 1e6
        return (f"{what} larger than the {mb:g} MB document cap{' (after decompression)' if self.gzipped else ''}; "
                "raise --max-doc-mb or split it")

    def documents(self) -> Iterator[Document | BadRecord]:
        """The documents of this input, streamed. Raises InputError (naming the file) when the
        file as a whole cannot be read; a bad JSONL line is yielded as a BadRecord."""
        with gzip_errors(self.path):
            if self.kind == "jsonl":
                yield from self._records()
                return
            data = _read_upto(self._stream, self.max_doc_bytes + 1)
            self.bytes_in = len(data)
            if len(data) > self.max_doc_bytes:
                raise InputError(f"{self.path}: {self._too_large('document')}.")
            decoded = decode_text(data, self.path)
            self.notes.extend(decoded.notes)
            text = decoded.text
            if not self.html and "\r" in text and "\n" not in text:
                # Classic Mac line endings: the core splits lines on "\n" only, so the whole file
                # would be one line, kept or dropped as one. Same length, so nothing shifts.
                text = text.replace("\r", "\n")
                self.notes.append("lone CR line endings read as newlines (the output has LF)")
            yield Document(text, self.html)

    def _records(self) -> Iterator[Document | BadRecord]:
        readline = self._stream.readline
        number = 0
        while True:
            raw = readline(self.max_doc_bytes + 1)
            if not raw:
                return
            number += 1
            self.bytes_in += len(raw)
            if len(raw) > self.max_doc_bytes and not raw.endswith(b"\n"):
                while True:  # read past the rest of the record without holding it
                    piece = readline(SKIP_PIECE)
                    self.bytes_in += len(piece)
                    if not piece or piece.endswith(b"\n"):
                        break
                yield BadRecord(number, f"line {number}: record {self._too_large('')[1:]}")
                continue
            if not raw.strip():
                continue
            yield self._record(number, raw)

    def _record(self, number: int, raw: bytes) -> Document | BadRecord:
        try:
            decoded = decode_text(raw, f"line {number}")
            rec = json.loads(decoded.text)
        except (ValueError, InputError, RecursionError) as exc:
            return BadRecord(number, f"line {number}: malformed JSON ({str(exc)[:80]})")
        if not isinstance(rec, dict):
            return BadRecord(number, f"line {number}: a JSON {type(rec).__name__}, not an object")
        self.notes.extend(f"line {number}: {note}" for note in decoded.notes)
        source = record_text(decoded.text)
        text = rec.get(self.text_field)
        if not isinstance(text, str):
            return BadRecord(number, f"line {number}: no string field {self.text_field!r}", rec, source)
        if _SURROGATE.search(text):  # a "\ud800"-style escape: same rule as the library boundary
            text = _SURROGATE.sub("\ufffd", text)  # one for one, so offsets are unchanged
            self.notes.append(f"line {number}: lone surrogate escape(s) in {self.text_field!r} replaced with U+FFFD")
        return Document(text, self.html, rec, number, source)


_SURROGATE = re.compile("[\ud800-\udfff]")


def open_input(path: str | Path, *, html: bool | None = None, text_field: str = "text",
               max_doc_mb: float = DEFAULT_MAX_DOC_MB) -> InputFile:
    """Open one input (``-`` is standard input) for reading; see the module docstring.

    ``html`` forces HTML (True) or text (False) for .txt/.html inputs and for the records of a
    JSONL input; None decides by extension, then by sniffing.
    """
    name = str(path)
    if name == STDIN:
        raw = sys.stdin.buffer
    else:
        raw = _open_regular(Path(path))
    try:
        with gzip_errors(name):
            head = _read_upto(raw, 2)
            stream = io.BufferedReader(_Prefixed(head, raw), 1 << 16)
            gz_name = name.lower().endswith(".gz")
            if head == b"\x1f\x8b":
                stream = io.BufferedReader(gzip.GzipFile(fileobj=stream, mode="rb"), 1 << 16)
            elif gz_name and not head:  # even gzip of nothing is 20 bytes: this is no result at all
                raise InputError(f"{name}: an empty .gz file (a gzip file, even of empty text, is never 0 bytes): "
                                 "most likely a download or copy that never started; fetch it again.")
            kind = kind_from_name(name) if name != STDIN else None
            if kind is None:
                sniffed = _read_upto(stream, SNIFF_BYTES)
                kind = _sniff(sniffed)
                stream = io.BufferedReader(_Prefixed(sniffed, stream), 1 << 16)
    except BaseException:
        if raw is not sys.stdin.buffer:
            raw.close()
        raise
    if html is not None and kind != "jsonl":
        kind = "html" if html else "txt"
    is_html = kind == "html" if html is None else html
    opened = InputFile(name, stream, kind, is_html, text_field, int(max_doc_mb * 1_000_000),
                       raw if raw is not sys.stdin.buffer else None)
    opened.gzipped = head == b"\x1f\x8b"
    if gz_name and not opened.gzipped:
        opened.notes.append("named .gz but not gzip data: read as it is")
    return opened


def read_text(path: str | Path, max_doc_mb: float = DEFAULT_MAX_DOC_MB) -> str:
    """The whole text of a one-document input (for callers that want a string)."""
    with open_input(path, html=False, max_doc_mb=max_doc_mb) as inp:
        if inp.kind == "jsonl":
            raise InputError(f"{path}: is JSONL (one document per line); give a text or HTML file.")
        return next(iter(inp.documents())).text
