"""Bytes -> text, and atomic writes: the primitives every file textsieve touches goes through.

Decoding (:func:`decode_text`) follows one rule so that operators can trust "done":

* a byte-order mark decides (UTF-8, UTF-16, UTF-32);
* strict UTF-8 is tried first (most scraped text is UTF-8, and it is the only encoding that can
  be recognised with certainty);
* text with NUL bytes and no byte-order mark is refused: it is binary, or UTF-16/32 without a
  BOM, and decoding it any other way writes mojibake as "body";
* UTF-8 with a few broken bytes among valid multi-byte characters is repaired (U+FFFD), and the
  repair is reported;
* anything else is a legacy encoding: an encoding the text declares (an HTML ``<meta charset>``
  or an XML declaration) is used when it decodes to text; otherwise charset-normalizer detects one (a
  dependency, so the answer does not depend on which detector happens to be installed, as
  beautifulsoup4's ``UnicodeDammit`` does). Detection alone mistakes one single-byte code page
  for another where most of their letters coincide: Italian, French or Portuguese in
  windows-1252 came out as windows-1250 or -1258 (``cittŕ``, ``populaçăo``, ``Peṛ``). So
  when the detector answers one of those code pages, the language of the detected text
  decides (langdetect, as :mod:`textsieve.language` reads it: the accented letters are few,
  the words around them are plain): Western European languages read as windows-1252, Central
  European ones as windows-1250, Baltic ones as -1257, Turkish as -1254, Vietnamese as -1258,
  when the bytes decode that way; a text too short to tell keeps the detector's answer. A
  declared ``iso-8859-1`` or ``ascii`` is read as windows-1252, as browsers do, and a
  declaration whose decode does not look like text is ignored. Western text read as
  windows-1252 or latin-1 is latin-9 (ISO-8859-15) when it has no byte 0x80-0x9F and its
  ``¤`` and ``½``-like bytes stand where latin-9's € and letters would (``_latin9_likelier``);
* the result must look like text: when more than :data:`MAX_BAD_SHARE` of it is U+FFFD or
  control characters, or less than :data:`MIN_TEXT_SHARE` is letters, digits, spaces,
  punctuation or marks, the input is refused as "looks binary/undecodable". Random high bytes
  fail here.

Every decode that is not clean UTF-8 carries a note (``decoded as windows-1251``, ``3 undecodable
bytes replaced with U+FFFD``) that the batch report shows per file.

Every file textsieve writes goes through :class:`AtomicWriter`: a temporary file beside the
target, flushed to disk (``fsync``) and renamed into place only when complete. Temporary names carry a tag (the batch run id),
``.<name>.<tag>.<random>.part``, so a run can tell its own leftovers from anybody else's files.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import tempfile
import unicodedata
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

__all__ = ["Decoded", "decode_text", "decode_bytes", "read_text_file", "AtomicWriter", "atomic_write_text",
           "gzip_errors", "dumps_json", "PROCESS_TAG"]

MAX_BAD_SHARE = 0.02
MAX_NUL_SHARE = 0.001  # a stray NUL is tolerated; NUL-interleaved text (UTF-16 without BOM) is not
MIN_TEXT_SHARE = 0.75
SAMPLE_CHARS = 20_000
# Temp files written outside a batch run are tagged per process (the batch gives its run id).
PROCESS_TAG = f"tsp{os.getpid():x}{secrets.token_hex(3)}"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_TEXT_CATEGORIES = frozenset("LNPMZ")


@dataclass
class Decoded:
    """Decoded text plus what was not plain UTF-8 about it (empty ``notes`` when nothing)."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


def _undecodable(where: str, why: str) -> InputError:
    return InputError(f"{where}: looks binary/undecodable ({why}). Skip it, or convert it to UTF-8 text first.")


def _check_looks_like_text(text: str, where: str) -> None:
    sample = text[:SAMPLE_CHARS]
    if not sample:
        return
    bad = sample.count("\ufffd") + sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if bad > MAX_BAD_SHARE * len(sample):
        raise _undecodable(where, f"{bad / len(sample):.0%} of the characters are replacement or control characters")
    texty = sum(1 for c in sample if unicodedata.category(c)[0] in _TEXT_CATEGORIES)
    if texty < MIN_TEXT_SHARE * len(sample):
        raise _undecodable(where, f"only {texty / len(sample):.0%} of the characters are letters, digits, spaces or punctuation")


def decode_text(data: bytes, where: str) -> Decoded:
    """Decode ``data`` by the rule in the module docstring; :class:`InputError` naming ``where``
    when it does not look like text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            notes = [f"decoded as {encoding.upper().replace('-SIG', '')} (byte-order mark)"] if encoding != "utf-8-sig" else []
            broken = text.count("\ufffd")
            if broken:
                notes.append(f"{broken} undecodable byte sequence(s) replaced with U+FFFD")
            _check_looks_like_text(text, where)
            return Decoded(text, encoding, notes)
    nul = data.count(b"\x00")
    if nul and nul > MAX_NUL_SHARE * len(data):  # NUL is valid UTF-8, so this comes first
        raise _undecodable(where, "NUL bytes: binary, or UTF-16/32 without a byte-order mark")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    repaired = data.decode("utf-8", errors="replace")
    broken = repaired.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for c in repaired[:SAMPLE_CHARS * 5] if ord(c) > 0x7F and c != "\ufffd")
    if multibyte >= broken and broken <= MAX_BAD_SHARE * len(repaired):  # UTF-8 with a few broken bytes: repair
        _check_looks_like_text(repaired, where)
        return Decoded(repaired, "utf-8", [f"{broken} undecodable byte(s) replaced with U+FFFD"])
    guess = _legacy_decode(data)
    if guess is None:
        raise _undecodable(where, "no encoding fits")
    text, encoding = guess
    _check_looks_like_text(text, where)
    notes = [f"decoded as {encoding}, not UTF-8"]
    if text.count("\ufffd"):
        notes.append(f"{text.count(chr(0xFFFD))} undecodable byte(s) replaced with U+FFFD")
    return Decoded(text, encoding, notes)


# The Windows code pages a detector mistakes for one another (their letters mostly coincide),
# and the one each language was written in before UTF-8 (Windows' own choice for it). Only a
# detection among these is re-decided by the language; any other answer stands.
_CONFUSED_PAGES = frozenset({"cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "latin_1", "iso8859_2", "iso8859_9",
                             "iso8859_13"})
# ISO code pages the detector also answers for Western text in latin-9 (French with € and œ
# came out as latin-6: "25 Ī", "―uvres", "complčtes"). A Western language re-decides as for
# the pages above; any other keeps the detector's answer.
_RARE_LATIN_PAGES = frozenset({"iso8859_4", "iso8859_10", "iso8859_14", "iso8859_16"})
_PAGE_OF_LANGUAGE = {
    **dict.fromkeys(("en", "fr", "de", "it", "es", "pt", "nl", "da", "sv", "no", "fi", "is", "ca", "af", "sq", "id",
                     "tl", "sw", "so", "cy"), "cp1252"),
    **dict.fromkeys(("cs", "sk", "pl", "hu", "ro", "sl", "hr"), "cp1250"),
    **dict.fromkeys(("lt", "lv", "et"), "cp1257"),
    "tr": "cp1254",
    "vi": "cp1258",
}
# What browsers read a declared label as (the WHATWG encoding standard): pages declared as
# Latin-1 or ASCII are in practice windows-1252 (curly quotes in 0x80-0x9F), and a UTF-16/32
# declaration inside bytes that are not UTF-16 is wrong by construction.
_DECLARED_AS = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252", "ascii": "cp1252",
                "us-ascii": "cp1252", "iso-8859-9": "cp1254", "latin5": "cp1254", "iso-8859-11": "cp874",
                "tis-620": "cp874"}


def _legacy_decode(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of bytes that are not UTF-8, by the rule in the module docstring; None
    when no encoding fits."""
    from bs4.dammit import EncodingDetector
    from charset_normalizer import from_bytes

    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    if declared and not declared.lower().startswith(("utf-16", "utf-32", "utf16", "utf32")):
        encoding = _DECLARED_AS.get(declared.lower(), declared)
        try:
            text = data.decode(encoding)
            _check_looks_like_text(text, "")
            return text, encoding
        except (LookupError, UnicodeDecodeError, InputError):
            pass  # a wrong or unknown declaration: detect instead
    best = from_bytes(data).best()
    if best is None:
        return None
    text, encoding = str(best), best.encoding
    language: list[str] = []  # detected once, when a rule below first needs it

    def language_of_text() -> str:
        if not language:
            from .language import detect_language

            language.append(detect_language(text))
        return language[0]

    if encoding in _CONFUSED_PAGES or encoding in _RARE_LATIN_PAGES:
        page = _PAGE_OF_LANGUAGE.get(language_of_text())  # too short to tell: the detector's answer stands
        if encoding in _RARE_LATIN_PAGES and page != "cp1252":
            page = None  # a Nordic, Baltic or Romanian page in its own ISO code page: the detector's answer
        if page is not None and page != encoding:
            try:
                text, encoding = data.decode(page), page
            except UnicodeDecodeError:
                pass  # bytes the language's code page does not have: keep the detected one
    if encoding in ("cp1252", "latin_1") and _latin9_likelier(data, language_of_text):
        return data.decode("iso8859_15"), "iso8859_15"
    return text, encoding


# The eight bytes where ISO-8859-15 (latin-9) differs from latin-1: € Š š Ž ž Œ œ Ÿ there,
# ¤ ¦ ¨ ´ ¸ ¼ ½ ¾ here. Windows-1252 has € Š š Ž ž Œ œ Ÿ too, but at 0x80-0x9F.
_LATIN9_DIFFERS = re.compile(rb"[\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe]")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")


def _latin9_likelier(data: bytes, language_of_text) -> bool:
    """Whether Western text the detector reads as windows-1252 or latin-1 is latin-9
    (``language_of_text()``: its language, asked for only when the bytes cannot tell).

    Why: no detector tells these apart by statistics (they share every letter but eight), so
    latin-9 French or Finnish came out with ``25 ¤`` for ``25 €`` and ``½uvre`` for ``œuvre``.
    The eight bytes decide by where they stand: latin-9 writes € (``¤`` in latin-1, a sign next
    to nobody writes) and letters (Œ œ Š š Ž ž Ÿ) inside words (``cœur``, ``mažoor``), Š š ž at
    a word's edge too (``Škoda``, ``Miloš``: ``¦ ¨ ¸`` never stand there); latin-1
    writes fractions after a digit (``1½``) or before a unit (``½cup``, ``¼in``), and the acute
    accent between letters as an apostrophe (``don´t``). A word that starts with ``œ``
    (``œuvre``, ``œil``) and one that starts with ``½`` look alike, so that counts only in French.
    Text with bytes 0x80-0x9F is windows-1252 (latin-9 has control characters there)."""
    if _C1_BYTES.search(data):
        return False
    votes = 0
    for m in _LATIN9_DIFFERS.finditer(data):
        i, b = m.start(), data[m.start()]
        before = data[i - 1] if i else 0x20
        after = data[i + 1] if i + 1 < len(data) else 0x20
        inside = _is_letter_byte(before) and _is_letter_byte(after)
        if b == 0xA4:
            votes += 1
        elif 0x30 <= before <= 0x39:
            votes -= 1  # 1½, 2¼
        elif b == 0xB4:
            votes -= 1 if inside else 0  # don´t
        elif inside:
            votes += 1  # cœur, mažoor
        elif b in (0xA6, 0xA8, 0xB8) and (_is_letter_byte(before) or _is_letter_byte(after)):
            votes += 1  # Škoda, Miloš
        elif b in (0xBC, 0xBD) and _is_letter_byte(after) and before in (0x20, 0x27, 0x2D, 0x0A, 0x28):
            votes += 1 if language_of_text() == "fr" else -1  # œuvre in French, ½cup elsewhere
    return votes > 0


def _is_letter_byte(b: int) -> bool:
    """An ASCII letter, or a latin-1 letter (0xC0-0xFF but × and ÷)."""
    return 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A or (b >= 0xC0 and b not in (0xD7, 0xF7))


def decode_bytes(data: bytes, where: str) -> str:
    """The text of :func:`decode_text`, without its notes."""
    return decode_text(data, where).text


def read_text_file(path: str | Path) -> str:
    """The text of one document file (``-`` is standard input), read through the batch's input
    path (gz streaming, size cap, binary detection). An HTML file's text is its markup."""
    from .batch.read import read_text

    return read_text(path)


@contextmanager
def gzip_errors(path):
    """Turn the ways reading a (gzipped) file fails into InputErrors that name the file."""
    try:
        yield
    except EOFError:
        raise InputError(f"{path}: truncated gzip file (ends before the compressed stream does).") from None
    except gzip.BadGzipFile as exc:
        if str(exc).startswith("Not a gzipped file"):
            # The first member's magic bytes were checked before the file was opened as gzip, so
            # this is what follows a whole gzip stream: the file was damaged, or something was
            # appended to it. `gzip -d` warns and drops it; dropping it here would lose it unseen.
            raise InputError(f"{path}: the gzip stream is followed by data that is not gzip (trailing garbage: "
                             "the file was damaged or something was appended to it); "
                             "`gzip -dc` keeps the text before the garbage, if that is what you want.") from None
        raise InputError(f"{path}: not a valid gzip file ({exc}).") from None
    except zlib.error as exc:
        raise InputError(f"{path}: not a valid gzip file ({exc}).") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied.") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


TEMP_STEM_BYTES = 120


def _temp_stem(name: str) -> str:
    """The target's name as it appears in its temporary name, cut to TEMP_STEM_BYTES bytes: the
    tag, random part and suffix add about 30 bytes, and a file name may have at most 255, so an
    input with a long (but valid) name must not fail for its temporary name alone."""
    stem = name[:TEMP_STEM_BYTES]
    while len(os.fsencode(stem)) > TEMP_STEM_BYTES:
        stem = stem[:-1]
    return stem


def _read_umask() -> int:
    """The process's umask, read once, when this module is imported. Linux says it in
    /proc/self/status; elsewhere reading it means setting it and back (there is no portable
    getter), which another thread of a host process could see for an instant."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class AtomicWriter:
    """Write to a temporary file beside the target; rename into place on success only.

    A target ending in ``.gz`` is gzip-compressed (with a fixed mtime, so reruns are
    byte-identical). ``tag`` goes into the temporary name (see the module docstring). With
    ``defer=True`` a successful block leaves the finished temporary file in place and
    :meth:`commit` renames it later: the batch commits an output and its sidecar together.
    """

    def __init__(self, target: Path, tag: str = PROCESS_TAG, *, defer: bool = False):
        self.target = Path(target)
        self.tag = tag
        self.defer = defer
        self.tmp: str | None = None

    def __enter__(self):
        self.target.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=self.target.parent, prefix=f".{_temp_stem(self.target.name)}.{self.tag}.",
                                        suffix=".part")
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
            if exc_type is None:
                # On disk before the rename: a crash or power cut after the rename must not leave
                # a complete-looking but empty or truncated output, which a resumed run would
                # skip as done (the rename can reach the disk before the data otherwise).
                self.raw.flush()
                os.fsync(self.raw.fileno())
            self.raw.close()
            if exc_type is None:
                os.chmod(self.tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a new file gets the umask's mode
                if not self.defer:
                    self.commit()
        finally:
            if exc_type is not None or not self.defer:
                self.discard()
        return False

    def commit(self) -> None:
        """Rename the finished temporary file onto the target."""
        os.replace(self.tmp, self.target)
        self.tmp = None

    def discard(self) -> None:
        if self.tmp is not None and os.path.exists(self.tmp):
            os.unlink(self.tmp)
        self.tmp = None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps_json(value, indent: int | None = None) -> str:
    """JSON text (non-ASCII kept readable) that always encodes as UTF-8.

    A file name that is not valid UTF-8 reaches Python with lone surrogates (``caf\\xe9.txt`` is
    ``'caf\\udce9.txt'``); raw, they cannot be written as UTF-8, and one such name used to crash
    the report after the whole run. They are written as ``\\uXXXX`` escapes instead, which a JSON
    reader turns back into the same string (``os.fsencode`` then gives the original bytes).
    """
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def atomic_write_text(path: str | Path, text: str) -> Path:
    path = Path(path)
    with AtomicWriter(path) as out:
        out.write(text)
    return path
