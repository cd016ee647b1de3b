"""Labeled documents: reading, validating, and turning them into training segments.

The format is the gold format of the seed set, so a maintainer can score, correct and add files
with nothing but a text editor: one row per source line, ``label<TAB>text``, ``blank`` for empty
lines. A row whose line holds two glued blocks may say where they meet, in the notation
``score.py`` uses for predictions: ``body|link_spam@1462`` means ``text[:1462]`` is body and
``text[1462:]`` link spam.

Labels are checked against :data:`KNOWN_LABELS`: a typo (``bodi``) would otherwise become a
new class that the model learns from a handful of lines. A genuinely new class is an explicit
opt-in (``new_labels``, ``textsieve train --new-label NAME``), and then the model learns it with
no code change.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError

__all__ = ["LabeledDocument", "read_labeled", "read_corpus", "segment_label", "corpus_digest", "BLANK",
           "KNOWN_LABELS", "UNLABELED"]

BLANK = "blank"
# A line of a page whose label nobody knows (a real page labeled from a few snippets): it is
# featurized and scored, so its neighbours see the whole page as serving does, but it is never
# fitted on nor scored against. Only built in code (real_mix), never read from a labeled file.
UNLABELED = "unknown"
# The classes the shipped model knows; any other label in training data is refused unless named
# in ``new_labels`` (a typo must not become a class).
KNOWN_LABELS = ("body", "link_spam", "author_meta", "caption", "boilerplate")
_LABEL = re.compile(r"^[a-z][a-z0-9_]*$")
_SPLIT = re.compile(r"^([a-z][a-z0-9_]*(?:\|[a-z][a-z0-9_]*)+)@(\d+(?:,\d+)*)$")


@dataclass
class LabeledDocument:
    """One document: its source lines, one label per line, and glued-line split points.

    ``splits`` maps a 0-based line number to ``[(offset, label), ...]``: the label of the text
    from each offset (the first offset is 0) to the next.
    """

    name: str
    lines: list[str]
    labels: list[str]
    splits: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    group: str = ""
    # An HTML document: ``html`` is the raw page (training featurizes it through the same parser
    # serving uses); ``contexts`` the parsed per-line markup facts (for a page known only by its
    # lines and contexts, e.g. a real page stored as derived data, ``html`` is None).
    html: str | None = None
    contexts: list | None = None

    @property
    def is_html(self) -> bool:
        return self.html is not None or self.contexts is not None

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def label_set(self) -> set[str]:
        out = {lab for lab in self.labels if lab not in (BLANK, UNLABELED)}
        for parts in self.splits.values():
            out.update(lab for _, lab in parts)
        return out


def _check_known(label: str, where: str, allowed: frozenset[str]) -> None:
    if label == UNLABELED:
        raise CorpusError(f"{where}: '{UNLABELED}' is reserved for unlabeled context lines of snippet-labeled "
                          "real pages; give the line its label, or leave the line out.")
    if label not in allowed:
        known = ", ".join(sorted(allowed))
        raise CorpusError(
            f"{where}: unknown label {label!r} (known: {known}). Fix the typo, or, to teach the model "
            f"a new class, pass it explicitly: `textsieve train --new-label {label}`."
        )


def _parse_label(raw: str, text: str, where: str,
                 allowed: frozenset[str]) -> tuple[str, list[tuple[int, str]] | None]:
    if _LABEL.match(raw):
        if raw != BLANK:
            _check_known(raw, where, allowed)
        return raw, None
    m = _SPLIT.match(raw)
    if not m:
        raise CorpusError(
            f"{where}: label {raw!r} is not a label (lowercase letters, digits, '_') nor a split "
            "like 'body|caption@120'. Fix the first column."
        )
    labels = m.group(1).split("|")
    for lab in labels:
        _check_known(lab, where, allowed)
    offsets = [int(o) for o in m.group(2).split(",")]
    if len(offsets) != len(labels) - 1:
        raise CorpusError(f"{where}: split {raw!r} needs {len(labels) - 1} offset(s) for {len(labels)} labels.")
    if offsets != sorted(offsets) or not all(0 < o < len(text) for o in offsets):
        raise CorpusError(f"{where}: split offsets {offsets} must increase and lie inside the line ({len(text)} chars).")
    parts = list(zip([0, *offsets], labels))
    # The row's label is the majority by non-whitespace characters, as in the gold files.
    bounds = [*offsets, len(text)]
    sizes: dict[str, int] = {}
    for (start, lab), end in zip(parts, bounds):
        sizes[lab] = sizes.get(lab, 0) + len("".join(text[start:end].split()))
    return max(sizes, key=sizes.get), parts


def _allowed(new_labels: Iterable[str]) -> frozenset[str]:
    extra = frozenset(new_labels)
    bad = sorted(lab for lab in extra if not _LABEL.match(lab) or lab in (BLANK, UNLABELED))
    if bad:
        raise CorpusError(f"new label(s) {bad}: a label is lowercase letters, digits and '_', and not "
                          f"'{BLANK}' nor '{UNLABELED}'.")
    return frozenset(KNOWN_LABELS) | extra


def read_labeled(path: str | Path, group: str | None = None, new_labels: Iterable[str] = ()) -> LabeledDocument:
    """Read one labeled file; any problem raises CorpusError naming ``file:line``.

    Labels must be in :data:`KNOWN_LABELS` or in ``new_labels``.
    """
    path = Path(path)
    allowed = _allowed(new_labels)
    try:
        data = path.read_bytes()
        content = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CorpusError(f"{path}:{line}: not UTF-8 (byte {exc.start} of the file). Re-save the file as UTF-8.") from None
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.strerror}).") from None
    if content.startswith("\ufeff"):  # a byte-order mark some editors save: not part of the first label
        content = content[1:]
    rows = content.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    lines, labels, splits = [], [], {}
    for i, row in enumerate(rows):
        where = f"{path}:{i + 1}"
        row = row[:-1] if row.endswith("\r") else row
        if "\t" not in row:
            raise CorpusError(f"{where}: no TAB between label and text. Rows are 'label<TAB>text'.")
        raw, text = row.split("\t", 1)
        if "\x00" in text:  # the page renderer of training drops it, and the line no longer matches
            raise CorpusError(f"{where}: the text holds a NUL character (column {text.index(chr(0)) + 1}). Remove it.")
        if raw == BLANK:
            if text.strip():
                raise CorpusError(f"{where}: labeled 'blank' but the line has text. Label the text, or empty the line.")
        elif not text.strip():
            raise CorpusError(f"{where}: empty line labeled {raw!r}. Empty lines are labeled 'blank'.")
        label, parts = _parse_label(raw, text, where, allowed)
        if parts:
            splits[i] = parts
        lines.append(text)
        labels.append(label)
    if not lines:
        raise CorpusError(f"{path}: no rows. A labeled document needs at least one line.")
    if all(lab == BLANK for lab in labels):
        raise CorpusError(f"{path}: only blank rows. A labeled document needs at least one labeled line.")
    return LabeledDocument(path.stem, lines, labels, splits, group or path.stem)


JUNK_DIR = "junk"
# `textsieve suggest -o todo.tsv` writes where each line came from to todo.tsv.sources.tsv: not a
# labeled document, so the corpus skips it (a maintainer may write suggestions into docs/).
SUGGEST_SIDECAR = ".sources.tsv"


def read_corpus(directory: str | Path, pattern: str = "*.tsv", new_labels: Iterable[str] = ()) -> list[LabeledDocument]:
    """Every labeled file under ``directory`` (recursively, sorted for determinism), except the
    junk bank in a ``junk/`` folder (see :func:`textsieve.training.synth.read_junk_bank`).

    Labels must be in :data:`KNOWN_LABELS` or in ``new_labels``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusError(f"{directory}: not a directory of labeled .tsv files.")
    files = sorted(p for p in directory.rglob(pattern)
                   if p.is_file() and JUNK_DIR not in p.relative_to(directory).parts[:-1]
                   and not p.name.endswith(SUGGEST_SIDECAR))
    if not files:
        raise CorpusError(f"{directory}: no {pattern} files found.")
    docs = [read_labeled(p, new_labels=new_labels) for p in files]
    _refuse_copies(docs, files)
    return docs


def _refuse_copies(docs: list[LabeledDocument], files: list[Path]) -> None:
    """Two files with the same text are one document labeled twice: it would weigh double in
    training, and cross-validation could score it on a fold that trained on its copy."""
    first: dict[str, int] = {}
    for i, doc in enumerate(docs):
        j = first.setdefault(doc.text, i)
        if j != i:
            differ = sum(docs[j].labels[k] != doc.labels[k] or docs[j].splits.get(k) != doc.splits.get(k)
                         for k in range(len(doc.labels)))
            how = f"labeled differently on {differ} line(s)" if differ else "labeled the same"
            raise CorpusError(f"{files[i]}: the same text as {files[j]} ({how}). A copy trains twice and can be "
                              "scored by cross-validation on a fold that trained on it: keep one file.")


def corpus_digest(docs: Iterable[LabeledDocument]) -> str:
    """sha256 over the documents' names, labels and text: what a model was trained on."""
    h = hashlib.sha256()
    for doc in docs:
        h.update(doc.name.encode() + b"\0")
        for lab, line in zip(doc.labels, doc.lines):
            h.update(lab.encode() + b"\t" + line.encode() + b"\n")
        for i in sorted(doc.splits):
            h.update(repr((i, doc.splits[i])).encode())
    return h.hexdigest()


def segment_label(doc: LabeledDocument, line: int, start: int, end: int, line_start: int) -> str:
    """The gold label of a segment (character offsets into ``doc.text``, as the core returns
    them): its line's label, or, for a glued line (``body|caption@N``), the label covering most
    of the segment."""
    parts = doc.splits.get(line)
    if not parts:
        return doc.labels[line]
    lo, hi = start - line_start, end - line_start
    bounds = [o for o, _ in parts[1:]] + [10**12]
    best, best_len = doc.labels[line], -1
    for (part_start, lab), part_end in zip(parts, bounds):
        overlap = min(hi, part_end) - max(lo, part_start)
        if overlap > best_len:
            best, best_len = lab, overlap
    return best
