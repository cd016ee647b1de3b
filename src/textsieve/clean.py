"""The public entry points: label every line, keep the body.

``label_lines`` is the explain twin of ``clean_text``: it returns one record per segment with
its label and scores, and ``clean_text`` is nothing but a join over the records it keeps, so
the two cannot disagree (a test checks it).

A :class:`Sieve` holds one loaded model and is what a pipeline that cleans millions of
documents should keep around; the module-level functions share a lazily created default
``Sieve``. Nothing is loaded at import time.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError, InputError
from .labels import BODY, LabeledLine, to_records
from .model import Model, load_model
from .segment import segment

__all__ = ["SieveConfig", "Sieve", "clean_text", "label_lines"]


@dataclass(frozen=True)
class SieveConfig:
    """How to turn labels into cleaned text.

    keep:
        Labels whose lines are kept. Default: body only. Keep ``("body", "caption")`` to keep
        figure captions, for instance.
    body_threshold:
        When set, a segment is labeled body exactly when its body probability is at least this
        value (otherwise it gets the most probable other label). Lower it to lose less body on
        unusual pages, raise it to let less junk through. ``None`` (default) uses the most
        probable label.
    split_glued:
        Look for junk glued onto the end of a paragraph and cut it off. On by default.
    """

    keep: tuple[str, ...] = (BODY,)
    body_threshold: float | None = None
    split_glued: bool = True

    def __post_init__(self):
        if isinstance(self.keep, str):
            object.__setattr__(self, "keep", (self.keep,))
        else:
            object.__setattr__(self, "keep", tuple(self.keep))
        if not self.keep:
            raise ConfigError("SieveConfig.keep is empty: nothing would be kept. Name at least one label, e.g. keep=('body',).")
        if self.body_threshold is not None and not 0.0 <= self.body_threshold <= 1.0:
            raise ConfigError(f"SieveConfig.body_threshold={self.body_threshold!r}: give a probability between 0 and 1, or None.")

    def with_options(self, **options) -> "SieveConfig":
        unknown = set(options) - set(self.__dataclass_fields__)
        if unknown:
            raise ConfigError(
                f"unknown option(s) {sorted(unknown)}; SieveConfig takes {sorted(self.__dataclass_fields__)}."
            )
        return replace(self, **options) if options else self


class Sieve:
    """A loaded model plus a config: create once, call many times.

    ``Sieve()`` uses the shipped model; ``Sieve(model="path/to/model_dir")`` loads one you
    trained (after checking its manifest hash, see :func:`textsieve.load_model`).
    """

    def __init__(self, model: Model | str | Path | None = None, config: SieveConfig | None = None, **options):
        self.model = model if isinstance(model, Model) else load_model(model)
        self.config = (config or SieveConfig()).with_options(**options)
        unknown = set(self.config.keep) - set(self.model.labels)
        if unknown:
            raise ConfigError(f"keep={self.config.keep}: label(s) {sorted(unknown)} are not in this model's labels {self.model.labels}.")

    @property
    def labels(self) -> list[str]:
        return self.model.labels

    def label_lines(self, text: str, config: SieveConfig | None = None, **options) -> list[LabeledLine]:
        """One record per non-blank segment of ``text``, in order."""
        return self.label_many([text], config, **options)[0]

    def label_many(self, texts: Sequence[str], config: SieveConfig | None = None, **options) -> list[list[LabeledLine]]:
        """Label several documents in one model call (much faster than one call each)."""
        cfg = (config or self.config).with_options(**options)
        docs = [_check_text(t) for t in texts]
        segs = [segment(t, split_glued=cfg.split_glued) for t in docs]
        pipeline = self.model.pipeline
        if not any(segs):
            return [[] for _ in docs]
        proba = pipeline.predict_proba([s for s in segs if s])
        out, row = [], 0
        for text, s in zip(docs, segs):
            out.append(to_records(text, s, proba[row:row + len(s)], pipeline.classes_, cfg.body_threshold))
            row += len(s)
        return out

    def clean(self, text: str, config: SieveConfig | None = None, **options) -> str:
        """The kept lines of ``text`` in order, with its paragraph breaks."""
        cfg = (config or self.config).with_options(**options)
        return join_kept(text, self.label_lines(text, cfg), cfg.keep)

    def clean_many(self, texts: Sequence[str], config: SieveConfig | None = None, **options) -> list[str]:
        cfg = (config or self.config).with_options(**options)
        return [join_kept(t, recs, cfg.keep) for t, recs in zip(texts, self.label_many(texts, cfg))]


def _check_text(text) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        raise InputError("got bytes, expected str: decode first (textsieve's CLI detects encodings for files).")
    raise InputError(f"expected a str document, got {type(text).__name__}.")


def join_kept(text: str, records: Iterable[LabeledLine], keep: Sequence[str]) -> str:
    """Rebuild text from the kept records.

    Kept parts of one source line stay on one line (the line's indentation is kept when its
    first part is). Between two kept lines, as many blank lines as the longest run of blank
    lines between them in the source: paragraph breaks survive, and removing a junk block that
    sat between blank lines leaves one break, not three.
    """
    lines = text.split("\n")
    keep = set(keep)
    out: list[str] = []
    current_line, current_parts = -1, []
    last_kept_line = None

    def flush():
        if current_line >= 0 and current_parts:
            out.append("".join(current_parts))

    for rec in records:
        if rec.label not in keep:
            continue
        if rec.line != current_line:
            flush()
            if last_kept_line is not None:
                out.extend([""] * _longest_blank_run(lines, last_kept_line + 1, rec.line))
            current_line, current_parts = rec.line, []
            line = lines[rec.line]
            line_start = text.rfind("\n", 0, rec.start) + 1
            indent = line[: len(line) - len(line.lstrip())]
            current_parts.append(indent if rec.start - line_start == len(indent) else "")
            current_parts.append(rec.text)
        else:
            current_parts.append(text[prev_end:rec.start].replace("\r", "") if prev_end <= rec.start else " ")
            current_parts.append(rec.text)
        prev_end = rec.end
        last_kept_line = rec.line
    flush()
    if not out:
        return ""
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _longest_blank_run(lines: list[str], lo: int, hi: int) -> int:
    best = run = 0
    for k in range(lo, hi):
        if lines[k].strip():
            run = 0
        else:
            run += 1
            best = max(best, run)
    return best


_default: Sieve | None = None
_default_lock = threading.Lock()


def default_sieve() -> Sieve:
    """The shared Sieve behind the module-level functions (the shipped model, loaded once)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Sieve()
    return _default


def clean_text(text: str, config: SieveConfig | None = None, **options) -> str:
    """Return ``text`` without its link spam, author boxes and captions.

    Kept lines come back in source order with paragraph breaks preserved; nothing inside a kept
    line is rewritten except cutting off junk glued onto its end. Options are the fields of
    :class:`SieveConfig` (``keep``, ``body_threshold``, ``split_glued``).

    >>> clean_text("")
    ''
    """
    return default_sieve().clean(text, config, **options)


def label_lines(text: str, config: SieveConfig | None = None, **options) -> list[LabeledLine]:
    """Explain ``clean_text``: one :class:`LabeledLine` per non-blank segment, in order."""
    return default_sieve().label_lines(text, config, **options)
