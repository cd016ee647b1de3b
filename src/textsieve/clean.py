"""The public entry points: label every line, keep the body.

``label_lines`` is the explain twin of ``clean_text``: it returns one record per segment with
its label and scores, and ``clean_text`` is nothing but a join over the records it keeps, so
the two cannot disagree (a test checks it).

HTML goes through the same path: :func:`clean_html`/:func:`label_html` turn the page into block
lines with their markup context (:mod:`textsieve.html`), and the model, which was also trained on
rendered pages, sees link density, tags, ancestors and class names as extra features.

A :class:`Sieve` holds one loaded model and is what a pipeline that cleans millions of
documents should keep around; the module-level functions share a lazily created default
``Sieve``. Nothing is loaded at import time.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ConfigError, InputError
from .html import HtmlPage, parse_html
from .labels import BODY, LabeledLines, join_kept, to_records
from .model import Model, load_model
from .segment import segment

__all__ = ["SieveConfig", "Sieve", "clean_text", "label_lines", "clean_html", "label_html", "join_kept"]


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
    languages:
        When set (ISO 639-1 codes such as ``("en", "de")``), documents detected as another
        language are not cleaned: they come back empty, with ``skipped`` set on their
        :class:`LabeledLines` so callers can report them. ``None`` (default) cleans everything.
    """

    keep: tuple[str, ...] = (BODY,)
    body_threshold: float | None = None
    split_glued: bool = True
    languages: tuple[str, ...] | None = None

    def __post_init__(self):
        if isinstance(self.keep, str):
            object.__setattr__(self, "keep", (self.keep,))
        else:
            object.__setattr__(self, "keep", tuple(self.keep))
        if not self.keep:
            raise ConfigError("SieveConfig.keep is empty: nothing would be kept. Name at least one label, e.g. keep=('body',).")
        if self.body_threshold is not None and not 0.0 <= self.body_threshold <= 1.0:
            raise ConfigError(f"SieveConfig.body_threshold={self.body_threshold!r}: give a probability between 0 and 1, or None.")
        if self.languages is not None:
            langs = (self.languages,) if isinstance(self.languages, str) else tuple(self.languages)
            langs = tuple(dict.fromkeys(x.strip().lower() for lang in langs for x in lang.split(",") if x.strip()))
            bad = [x for x in langs if not (x.isalpha() or x in ("zh-cn", "zh-tw", "unknown"))]
            if not langs or bad:
                raise ConfigError(
                    f"SieveConfig.languages={self.languages!r}: give language codes like ('en', 'de') "
                    "(langdetect's ISO 639-1 codes; 'unknown' keeps documents too short to tell), or None for all."
                )
            object.__setattr__(self, "languages", langs)

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

    def label_lines(self, text: str, config: SieveConfig | None = None, **options) -> LabeledLines:
        """One record per non-blank segment of ``text``, in order."""
        return self.label_many([text], config, **options)[0]

    def label_html(self, html: str, config: SieveConfig | None = None, **options) -> LabeledLines:
        """Records for the block lines of an HTML page; offsets index ``result.source``, the
        page's extracted text (one line per block)."""
        return self.label_many([html], config, html=True, **options)[0]

    def label_many(self, texts: Sequence[str | HtmlPage], config: SieveConfig | None = None, *, html: bool = False,
                   **options) -> list[LabeledLines]:
        """Label several documents in one model call (much faster than one call each).

        ``html=True`` parses every ``str`` as an HTML page; an already parsed
        :class:`~textsieve.html.HtmlPage` is accepted either way.
        """
        cfg = (config or self.config).with_options(**options)
        unknown = set(cfg.keep) - set(self.model.labels)
        if unknown:  # same rule as Sieve(keep=...): a typo must not silently keep nothing
            raise ConfigError(f"keep={cfg.keep}: label(s) {sorted(unknown)} are not in this model's labels {self.model.labels}.")
        pages = [_as_page(t, html) for t in texts]
        sources = [p.text if isinstance(p, HtmlPage) else p for p in pages]
        languages: list[str | None] = [None] * len(pages)
        skipped: list[str | None] = [None] * len(pages)
        if cfg.languages is not None:
            from .language import detect_language

            for i, src in enumerate(sources):
                languages[i] = lang = detect_language(src)
                if lang not in cfg.languages:
                    skipped[i] = f"language {lang!r} not in {', '.join(cfg.languages)}"
        segs = [
            [] if skipped[i] else segment(sources[i], split_glued=cfg.split_glued,
                                          contexts=p.contexts if isinstance(p, HtmlPage) else None)
            for i, p in enumerate(pages)
        ]
        pipeline = self.model.pipeline
        probas = _predict_windowed(pipeline, segs)
        out = []
        for src, s, proba, lang, skip in zip(sources, segs, probas, languages, skipped):
            records = to_records(src, s, proba, pipeline.classes_, cfg.body_threshold) if s else []
            out.append(LabeledLines(records, src, lang, skip))
        return out

    def clean(self, text: str, config: SieveConfig | None = None, **options) -> str:
        """The kept lines of ``text`` in order, with its paragraph breaks."""
        cfg = (config or self.config).with_options(**options)
        return self.label_lines(text, cfg).text(cfg.keep)

    def clean_html(self, html: str, config: SieveConfig | None = None, **options) -> str:
        """The kept block lines of an HTML page, as text."""
        cfg = (config or self.config).with_options(**options)
        return self.label_html(html, cfg).text(cfg.keep)

    def clean_many(self, texts: Sequence[str], config: SieveConfig | None = None, *, html: bool = False,
                   **options) -> list[str]:
        cfg = (config or self.config).with_options(**options)
        return [recs.text(cfg.keep) for recs in self.label_many(texts, cfg, html=html)]


WINDOW = 200  # segments per model window
OVERLAP = 40


def windows(n: int, size: int = WINDOW, overlap: int = OVERLAP) -> list[tuple[int, int, int, int]]:
    """``(start, end, keep_from, keep_to)`` windows covering ``n`` segments.

    The model was trained on pages of tens to a couple of hundred lines; its document-level
    features (position, repetition, how much of the page a line's words recur in) mean
    something else on a 10,000-line archive page, where it would label nearly everything junk.
    So a long document is labeled in overlapping windows of page size, and each segment takes
    its label from the window in which it sits most centrally.
    """
    if n <= size:
        return [(0, n, 0, n)]
    stride = size - overlap
    starts = sorted({min(s, n - size) for s in range(0, n - overlap, stride)})
    bounds = [0] + [(starts[k + 1] + starts[k] + size) // 2 for k in range(len(starts) - 1)] + [n]
    return [(s, s + size, bounds[k], bounds[k + 1]) for k, s in enumerate(starts)]


def _predict_windowed(pipeline, segs: list[list]) -> list:
    """One model call over every document's windows; per-document probability arrays."""
    import numpy as np

    parts, plan = [], []
    for d, s in enumerate(segs):
        for start, end, keep_from, keep_to in windows(len(s)) if s else []:
            plan.append((d, start, keep_from, keep_to, len(parts)))
            parts.append(s[start:end])
    if not parts:
        return [None] * len(segs)
    proba = pipeline.predict_proba(parts)
    offsets = np.cumsum([0] + [len(p) for p in parts])
    out = [np.empty((len(s), proba.shape[1])) if s else None for s in segs]
    for d, start, keep_from, keep_to, k in plan:
        rows = proba[offsets[k] + keep_from - start: offsets[k] + keep_to - start]
        out[d][keep_from:keep_to] = rows
    return out


def _as_page(doc, html: bool):
    if isinstance(doc, HtmlPage):
        return doc
    doc = _check_text(doc)
    return parse_html(doc) if html else doc


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(text) -> str:
    if isinstance(text, str):
        # Input boundary policy: a lone surrogate (from a "\\ud800" JSON escape or surrogateescape
        # decoding) cannot be encoded or hashed; it becomes U+FFFD one for one, so offsets are unchanged.
        return _LONE_SURROGATE.sub("\ufffd", text)
    if isinstance(text, (bytes, bytearray)):
        raise InputError("got bytes, expected str: decode first (textsieve's CLI detects encodings for files).")
    raise InputError(f"expected a str document, got {type(text).__name__}.")


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


def label_lines(text: str, config: SieveConfig | None = None, **options) -> LabeledLines:
    """Explain ``clean_text``: one :class:`LabeledLine` per non-blank segment, in order."""
    return default_sieve().label_lines(text, config, **options)


def clean_html(html: str, config: SieveConfig | None = None, **options) -> str:
    """Return the body text of an HTML page: one line per kept block, paragraphs separated by
    blank lines. Broken markup never raises; a page without text gives ``''``.

    >>> clean_html("<html><body></body></html>")
    ''
    """
    return default_sieve().clean_html(html, config, **options)


def label_html(html: str, config: SieveConfig | None = None, **options) -> LabeledLines:
    """Explain ``clean_html``: records over the page's block lines (``result.source``)."""
    return default_sieve().label_html(html, config, **options)
