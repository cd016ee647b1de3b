"""Labeled documents -> the training table: the core's features, one gold label per segment.

Training and serving must see the same segments and the same features, so nothing here
segments or featurizes: the core does (``textsieve._core.featurize``, the code ``clean_text``
and ``clean_html`` run). Plain-text documents go in as text, rendered HTML pages as their raw
HTML (the core parses them exactly as ``clean_html`` does), and pages known only by their lines
and markup contexts (real pages stored as derived data) as ``(text, contexts)``.

What this module adds is the gold label of every segment the core cut: a line's label, or, for a
glued line (``body|caption@N``) that the core cut in two, the label covering most of each part
(:func:`textsieve.training.corpus.segment_label`, on the core's character offsets), or, for the
wrapped lines of a plain text that the core joined into one row, the label covering most of it.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .. import _core
from ..errors import CorpusError
from .corpus import LabeledDocument, segment_label

__all__ = ["TrainingTable", "featurize_documents", "DEFAULT_FEATURES"]

# The featurizer settings a model is trained with (saved in its manifest); see the core's
# FeatureConfig. Hashed word uni+bigrams and char n-grams: 2^18 + 2^16 columns.
DEFAULT_FEATURES = {"n_word_hash": 2**18, "n_char_hash": 2**16, "max_chars": 200, "char_chars": 64, "html": True,
                    "site_hints": True}

# The attribute names the core reads from a context object (the order of parse_html's tuples).
_Context = namedtuple("_Context", "tag link_share ancestors link_list hints image alt")


@dataclass
class TrainingTable:
    """One row per segment, documents in order, rows of a document contiguous.

    ``doc`` is the row's index into ``documents``; ``line``/``start``/``end`` locate the segment
    (character offsets into the document's text), so predictions can be turned back into line
    labels for evaluation.
    """

    documents: list[LabeledDocument]
    dense: np.ndarray  # (rows, n_dense) float32, named by dense_names
    hashed: sp.csr_matrix  # (rows, n_hash) float32
    doc: np.ndarray  # (rows,) uint32
    y: np.ndarray  # (rows,) gold label
    line: np.ndarray
    start: np.ndarray
    end: np.ndarray
    # A row joined from wrapped lines (see :func:`row_pieces`) runs to ``last_line``.
    last_line: np.ndarray
    line_start: np.ndarray
    config: dict
    dense_names: list[str]

    @property
    def groups(self) -> np.ndarray:
        """Each row's source-document group (augmented variants and pages share their source's)."""
        names = np.asarray([d.group or d.name for d in self.documents], dtype=object)
        return names[self.doc]

    def rows_of(self, doc_ids: Sequence[int]) -> np.ndarray:
        """Row indices of the given documents, in table order."""
        return np.flatnonzero(np.isin(self.doc, np.asarray(doc_ids)))

    def features_dict(self, rows: np.ndarray | None = None) -> dict:
        """The rows as the core's feature dict (for ``_core.Model.predict_proba``).

        Documents are renumbered 0.. in row order, so a subset keeps its documents apart."""
        rows = np.arange(len(self.y)) if rows is None else rows
        hashed = self.hashed[rows]
        _, doc = np.unique(self.doc[rows], return_inverse=True)
        return {
            "dense": np.ascontiguousarray(self.dense[rows]),
            "indptr": hashed.indptr.astype(np.int64),
            "indices": hashed.indices.astype(np.int32),
            "values": hashed.data.astype(np.float32),
            "doc": doc.astype(np.uint32),
        }


def _as_context(c):
    if c is None or hasattr(c, "link_share"):
        return c
    if isinstance(c, dict):
        return _Context(c.get("tag", "div"), float(c.get("link_share", 0.0)), tuple(c.get("ancestors", ())),
                        bool(c.get("link_list", False)), tuple(c.get("hints", ())), bool(c.get("image", False)),
                        tuple(c.get("alt", ())))
    return _Context(*c)


def _core_input(doc: LabeledDocument):
    if doc.html is not None:
        return doc.html
    if doc.contexts is not None:
        return (doc.text, [_as_context(c) for c in doc.contexts])
    return doc.text


def row_pieces(doc: LabeledDocument, line: int, last_line: int, start: int, end: int,
               line_start: int) -> list[tuple[int, int, int, int]]:
    """The part of one row on each source line it covers: ``(line, start, end, line_start)``,
    character offsets into ``doc.text``. A row is one line, or (the core's unwrap stage) the
    wrapped lines ``line..last_line`` of a plain text, joined."""
    out, at = [], line_start
    for i in range(line, last_line + 1):
        n = len(doc.lines[i])
        lo, hi = max(start, at), min(end, at + n)
        if hi > lo:
            out.append((i, lo, hi, at))
        at += n + 1
    return out


def row_label(doc: LabeledDocument, line: int, last_line: int, start: int, end: int, line_start: int) -> str:
    """The gold label of one row: :func:`segment_label` for a row of one line; for a row joined
    from wrapped lines, the label covering most of its non-space characters (indentation and
    trailing spaces weigh nothing, as the unwrap stage reads them)."""
    if last_line == line:
        return segment_label(doc, line, start, end, line_start)
    weight: dict[str, int] = {}
    for i, lo, hi, at in row_pieces(doc, line, last_line, start, end, line_start):
        lab = segment_label(doc, i, lo, hi, at)
        weight[lab] = weight.get(lab, 0) + sum(not c.isspace() for c in doc.lines[i][lo - at:hi - at])
    return max(weight, key=weight.get)


def featurize_documents(docs: Sequence[LabeledDocument], features: dict | None = None) -> TrainingTable:
    """Featurize ``docs`` with the core and label every segment.

    Raw HTML pages are featurized in their own call (``html=True``), texts and parsed pages in
    another; the rows are then put back in document order.
    """
    config = {**DEFAULT_FEATURES, **(features or {})}
    docs = list(docs)
    raw = [i for i, d in enumerate(docs) if d.html is not None]
    other = [i for i, d in enumerate(docs) if d.html is None]
    parts = []
    for ids, html in ((other, False), (raw, True)):
        if ids:
            parts.append((ids, _core.featurize([_core_input(docs[i]) for i in ids], html=html, config=config)))
    dense, hashed, doc, line, start, end, last_line, line_start, y = [], [], [], [], [], [], [], [], []
    for ids, f in parts:
        ids = np.asarray(ids)
        for j, text in enumerate(f["texts"]):
            if text != docs[ids[j]].text:
                raise CorpusError(
                    f"{docs[ids[j]].name}: the core's text of this document differs from its labeled lines "
                    "(a rendered page parsed differently than when it was labeled). Re-render the page."
                )
        n_rows = len(f["doc"])
        dense.append(f["dense"])
        hashed.append(sp.csr_matrix((f["values"], f["indices"], f["indptr"]), shape=(n_rows, f["n_hash"])))
        row_doc = ids[f["doc"]]
        doc.append(row_doc)
        line.append(f["line"])
        start.append(f["start"])
        end.append(f["end"])
        last_line.append(f["last_line"])
        line_start.append(f["line_start"])
        y.extend(row_label(docs[d], int(ln), int(last), int(s), int(e), int(ls))
                 for d, ln, last, s, e, ls in zip(row_doc, f["line"], f["last_line"], f["start"], f["end"],
                                                   f["line_start"]))
    if not parts:
        raise CorpusError("no documents to train on.")
    doc_all = np.concatenate(doc)
    # Back to document order (stable: a document's rows keep their order).
    order = np.argsort(doc_all, kind="stable")
    return TrainingTable(
        documents=docs,
        dense=np.ascontiguousarray(np.vstack(dense)[order]),
        hashed=sp.vstack(hashed, format="csr")[order],
        doc=doc_all[order].astype(np.uint32),
        y=np.asarray(y, dtype=object)[order],
        line=np.concatenate(line)[order],
        start=np.concatenate(start)[order],
        end=np.concatenate(end)[order],
        last_line=np.concatenate(last_line)[order],
        line_start=np.concatenate(line_start)[order],
        config=parts[0][1]["config"],
        dense_names=list(_core.dense_feature_names(config["html"])),
    )
