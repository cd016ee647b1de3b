"""The public entry points: label every line, keep the body.

``label_lines`` is the explain twin of ``clean_text``: it returns one record per segment with
its label and scores, and ``clean_text`` is the join of the records it keeps (a test checks that
the two agree). Both run in the Rust core (``textsieve._core``): segmentation, features, both
passes and, for cleaning, the join itself, so cleaning a document builds no per-line Python
objects and releases the GIL. This module is policy: the config, which labels to keep, the
threshold, language filtering, and turning core arrays into records when asked for them.

HTML goes through the same path: :func:`clean_html`/:func:`label_html` have the core turn the
page into block lines with their markup context, and the model, which was also trained on
rendered pages, sees link density, tags, ancestors and class names as extra features.

A :class:`Sieve` holds one loaded model and is what a pipeline that cleans millions of
documents should keep around; the module-level functions share a lazily created default
``Sieve``. Nothing is loaded at import time.
"""
from __future__ import annotations

import numbers
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ConfigError, InputError
from .labels import BODY, LabeledLines, join_kept, records_from_core
from .model import Model, load_model

__all__ = ["SieveConfig", "Sieve", "clean_text", "label_lines", "clean_html", "label_html", "join_kept"]


ARGMAX = "argmax"  # SieveConfig.body_threshold value: always the most probable label


def _is_bool(x) -> bool:
    """True or False, a numpy bool too (without importing numpy)."""
    return isinstance(x, bool) or (type(x).__module__ == "numpy" and type(x).__name__ in ("bool", "bool_"))


@dataclass(frozen=True)
class SieveConfig:
    """How to turn labels into cleaned text.

    keep:
        Labels whose lines are kept. Default: body only. Keep ``("body", "caption")`` to keep
        figure captions, for instance.
    body_threshold:
        A segment is labeled body when its body probability is at least this value, unless
        another label has more than 0.55 (otherwise it gets its most probable other label).
        Lower it to lose less body on unusual pages, raise it to let less junk through (from
        0.45 up the 0.55 rule never applies). ``None`` (default) uses the model's own threshold
        (``body_threshold`` in its manifest: 0.4 for the shipped model, see the README), or
        the most probable label for a model that has none; ``"argmax"`` always takes the most
        probable label.
    split_glued:
        Look for junk glued onto the end of a paragraph and cut it off. On by default.
    join_wrapped:
        Read a plain text whose lines continue one another as block lines. A line continues the
        line before it (no blank line between) when that line ends with a space, a tab or a
        no-break space, or when it starts with one, as BeautifulSoup's ``get_text("\\n")`` leaves
        a sentence cut by a link (``"Read the "``, ``"docs"``, ``" here."``) or a paragraph
        hard-wrapped in the page's source; not when either line is a list item, or both are
        ``Key : value`` lines, and after a sentence's end only when both edges say so; an edge
        on nine lines in ten says nothing. A text with two or more continuing lines is labeled
        with them joined, its indentation and runs of blank lines ignored (source formatting,
        not layout), and so is a text indented throughout (inscriptis), with nothing joined.
        Every source line of a joined line gets that line's label and is kept or dropped as it
        was written. Any other text (resiliparse's, trafilatura's or
        ``clean_html``'s block lines, a hand-made file with a stray space) is labeled exactly as
        it is; HTML pages never are. On by default.
    guard:
        Never let a page that holds a block of running text come out (near-)empty: when the
        body lines would hold fewer than 10 words, the page's best block of prose lines (ranked
        by P(body) relative to the page's best block, at least 50 words, no link lines) is
        labeled body instead. Pages the model leaves with any real body are untouched, and a page
        of menus, link lists, Title Case headlines or ``Key: value`` boxes stays empty; 50 words
        of rejected running prose (a long cookie notice, terms of use) come back, since by
        shape they are prose. On by default (it runs only when ``keep`` holds body); ``False``
        (``--no-guard``) gives the model's labels alone.
    languages:
        When set (ISO 639-1 codes such as ``("en", "de")``), documents detected as another
        language are not cleaned: they come back empty, with ``skipped`` set on their
        :class:`LabeledLines` so callers can report them. ``None`` (default) cleans everything.
    """

    keep: tuple[str, ...] = (BODY,)
    body_threshold: float | str | None = None
    split_glued: bool = True
    join_wrapped: bool = True
    languages: tuple[str, ...] | None = None
    guard: bool = True

    def __post_init__(self):
        keep = (self.keep,) if isinstance(self.keep, str) else tuple(self.keep) if isinstance(self.keep, Iterable) else None
        if keep is None or not all(isinstance(x, str) for x in keep):
            raise ConfigError(f"SieveConfig.keep={self.keep!r}: give a label or a sequence of labels, e.g. keep=('body',).")
        object.__setattr__(self, "keep", keep)
        if not self.keep:
            raise ConfigError("SieveConfig.keep is empty: nothing would be kept. Name at least one label, e.g. keep=('body',).")
        t = self.body_threshold
        if isinstance(t, numbers.Real) and not isinstance(t, bool) and not isinstance(t, float):
            try:
                t = float(t)  # numpy scalars and ints: the core takes a float
            except OverflowError:
                t = float("inf")  # 10**400: out of range, refused just below like any other
            object.__setattr__(self, "body_threshold", t)
        if t is not None and t != ARGMAX and (isinstance(t, (str, bool)) or not isinstance(t, float)
                                              or not 0.0 <= t <= 1.0):
            raise ConfigError(f"SieveConfig.body_threshold={t!r}: give a probability between 0 and 1, "
                              f"{ARGMAX!r} (the most probable label), or None (the model's own threshold).")
        for name in ("split_glued", "join_wrapped", "guard"):  # a string "false" would be truthy: never guess
            if not _is_bool(getattr(self, name)):
                raise ConfigError(f"SieveConfig.{name}={getattr(self, name)!r}: give True or False.")
            object.__setattr__(self, name, bool(getattr(self, name)))
        if self.languages is not None:
            langs = ((self.languages,) if isinstance(self.languages, str)
                     else tuple(self.languages) if isinstance(self.languages, Iterable) else None)
            if langs is None or not all(isinstance(x, str) for x in langs):
                raise ConfigError(f"SieveConfig.languages={self.languages!r}: give language codes like ('en', 'de') "
                                  "or 'en,de', or None for all.")
            langs = tuple(dict.fromkeys(x.strip().lower() for lang in langs for x in lang.split(",") if x.strip()))
            if not langs:
                raise ConfigError(
                    f"SieveConfig.languages={self.languages!r}: give language codes like ('en', 'de') "
                    "(langdetect's ISO 639-1 codes; 'unknown' keeps documents too short to tell), or None for all."
                )
            from .language import known_languages

            # A code the detector never answers ('english', 'zh' for 'zh-cn') would skip every
            # document, silently: it is an error instead.
            bad = [x for x in langs if x not in known_languages()]
            if bad:
                raise ConfigError(f"SieveConfig.languages: {', '.join(map(repr, bad))} not among the detectable "
                                  f"languages ({', '.join(sorted(known_languages()))}).")
            object.__setattr__(self, "languages", langs)

    @property
    def guards_body(self) -> bool:
        """Whether the guard runs: it restores body lines, so only when body is kept."""
        return self.guard and BODY in self.keep

    def with_options(self, **options) -> "SieveConfig":
        unknown = set(options) - set(self.__dataclass_fields__)
        if unknown:
            raise ConfigError(
                f"unknown option(s) {sorted(unknown)}; SieveConfig takes {sorted(self.__dataclass_fields__)}."
            )
        return replace(self, **options) if options else self


def _check_config(config) -> None:
    if config is not None and not isinstance(config, SieveConfig):
        raise ConfigError(f"config must be a SieveConfig, not {type(config).__name__}: pass options as keywords "
                          "(clean_text(text, keep=('body',))) or build one (SieveConfig(keep=('body',))).")


class Sieve:
    """A loaded model plus a config: create once, call many times.

    ``Sieve()`` uses the shipped model; ``Sieve(model="path/to/model_dir")`` loads one you
    trained (after checking its manifest, see :func:`textsieve.load_model`). ``threads`` bounds
    the core's worker threads for one batch (0: as many as the machine has cores, used only for
    batches large enough to gain from them; set 1 when a process pool already uses every core).
    """

    def __init__(self, model: Model | str | Path | None = None, config: SieveConfig | None = None, *, threads: int = 0,
                 **options):
        _check_config(config)
        if not (model is None or isinstance(model, (Model, str, os.PathLike))):
            raise ConfigError(f"model={model!r}: give a model folder (str or Path), a loaded Model, or None for the "
                              "shipped model.")
        self.model = model if isinstance(model, Model) else load_model(model)
        self.config = (config or SieveConfig()).with_options(**options)
        self.threads = threads

    @property
    def config(self) -> SieveConfig:
        """The settings every call uses unless it passes its own; checked when set."""
        return self._config_value

    @config.setter
    def config(self, config: SieveConfig) -> None:
        if not isinstance(config, SieveConfig):
            raise ConfigError(f"config must be a SieveConfig, not {type(config).__name__}.")
        self._check_keep(config)
        self._config_value = config

    @property
    def threads(self) -> int:
        """The core's worker threads for one batch (0: automatic); checked when set."""
        return self._threads

    @threads.setter
    def threads(self, threads: int) -> None:
        if not isinstance(threads, int) or isinstance(threads, bool) or not 0 <= threads <= MAX_THREADS:
            raise ConfigError(f"threads={threads!r}: give 0 (automatic) or a number of threads from 1 to {MAX_THREADS}.")
        self._threads = threads

    @property
    def labels(self) -> list[str]:
        return self.model.labels

    def _check_keep(self, cfg: SieveConfig) -> None:
        unknown = set(cfg.keep) - set(self.model.labels)
        if unknown:  # a typo must not silently keep nothing
            raise ConfigError(f"keep={cfg.keep}: label(s) {sorted(unknown)} are not in this model's labels {self.model.labels}.")

    def _threshold(self, cfg: SieveConfig) -> float | None:
        """The body threshold in force: the config's, else the model's own (None: argmax)."""
        if cfg.body_threshold == ARGMAX:
            return None
        return cfg.body_threshold if cfg.body_threshold is not None else self.model.body_threshold

    def _config(self, config: SieveConfig | None, options: dict) -> SieveConfig:
        _check_config(config)
        cfg = (config or self.config).with_options(**options)
        if cfg is not self.config:
            self._check_keep(cfg)
        return cfg

    def label_lines(self, text: str, config: SieveConfig | None = None, **options) -> LabeledLines:
        """One record per non-blank line of ``text`` (two for a line cut in two), in order."""
        return self.label_many([text], config, **options)[0]

    def label_html(self, html: str, config: SieveConfig | None = None, **options) -> LabeledLines:
        """Records for the block lines of an HTML page; offsets index ``result.source``, the
        page's extracted text (one line per block)."""
        return self.label_many([html], config, html=True, **options)[0]

    def label_many(self, texts: Sequence[str], config: SieveConfig | None = None, *, html: bool = False,
                   **options) -> list[LabeledLines]:
        """Label several documents in one core call (much faster than one call each).

        ``html=True`` parses every ``str`` as an HTML page; an already parsed page (an object
        with ``.text`` and ``.contexts``, such as :class:`~textsieve.html.HtmlPage`) is accepted
        either way.
        """
        cfg = self._config(config, options)
        _check_html(html)
        docs = _as_docs(texts)
        sources: list[str | None] = [None] * len(docs)
        languages: list[str | None] = [None] * len(docs)
        skipped: list[str | None] = [None] * len(docs)
        if cfg.languages is not None:
            for i, doc in enumerate(docs):
                sources[i] = _source_text(doc, html)
                languages[i], skipped[i] = _language_verdict(sources[i], cfg.languages)
        run = [i for i in range(len(docs)) if skipped[i] is None]
        labels = self.model.labels
        records: dict[int, list] = {}
        if run:
            results = self.model.core.label([docs[i] for i in run], html=html, split_glued=cfg.split_glued,
                                            join_wrapped=cfg.join_wrapped, body_threshold=self._threshold(cfg),
                                            threads=self.threads, guard=cfg.guards_body)
            for i, res in zip(run, results):
                if res[0] is not None:
                    sources[i] = res[0]  # the page's extracted text
                elif sources[i] is None:
                    sources[i] = _plain_text(docs[i])
                records[i] = records_from_core(sources[i], res, labels)
        return [
            LabeledLines(records.get(i, []), sources[i] if sources[i] is not None else _source_text(docs[i], html),
                         languages[i], skipped[i])
            for i in range(len(docs))
        ]

    def clean(self, text: str, config: SieveConfig | None = None, **options) -> str:
        """The kept lines of ``text`` in order, with its paragraph breaks."""
        return self.clean_many([text], config, **options)[0]

    def clean_html(self, html: str, config: SieveConfig | None = None, **options) -> str:
        """The kept block lines of an HTML page, as text."""
        return self.clean_many([html], config, html=True, **options)[0]

    def clean_many(self, texts: Sequence[str], config: SieveConfig | None = None, *, html: bool = False,
                   **options) -> list[str]:
        """Cleaned text of each document, in order: the core labels and joins, no records."""
        cfg = self._config(config, options)
        _check_html(html)
        docs = _as_docs(texts)
        out = [""] * len(docs)
        run = list(range(len(docs)))
        if cfg.languages is not None:
            run = [i for i in run if _language_verdict(_source_text(docs[i], html), cfg.languages)[1] is None]
        if run:
            cleaned = self.model.core.clean([docs[i] for i in run], list(cfg.keep), html=html,
                                            split_glued=cfg.split_glued, join_wrapped=cfg.join_wrapped,
                                            body_threshold=self._threshold(cfg), threads=self.threads,
                                            guard=cfg.guards_body)
            for i, c in zip(run, cleaned):
                out[i] = c
        return out


# More worker threads than any machine has cores: a bigger number is a mistake, not a setting.
MAX_THREADS = 4096


def _check_html(html) -> None:
    if not _is_bool(html):  # "yes" or 1 would be guessed at: never guess
        raise ConfigError(f"html={html!r}: give True (parse HTML pages) or False (plain text).")


def _as_docs(texts) -> list:
    """The documents of a batch, checked. A lone str (or bytes) is refused: iterating it would
    make every character a document of its own."""
    if isinstance(texts, (str, bytes, bytearray)):
        raise InputError(f"expected a sequence of documents, got one {type(texts).__name__}: wrap it in a list, "
                         "or call clean()/label_lines() for one document.")
    try:
        docs = iter(texts)
    except TypeError:
        raise InputError(f"expected a sequence of documents (a list of str, say), got {type(texts).__name__}.") from None
    return [_as_doc(t, i) for i, t in enumerate(docs)]


def _as_doc(doc, index: int):
    """A document for the core: a str (checked), or a parsed page passed through."""
    if isinstance(doc, str) or not (hasattr(doc, "text") and hasattr(doc, "contexts")):
        return _check_text(doc, index)
    return doc


def _plain_text(doc) -> str:
    return doc if isinstance(doc, str) else _check_text(doc.text)


def _source_text(doc, html: bool) -> str:
    """The text a document's records index: the input, or a page's extracted text."""
    if isinstance(doc, str) and html:
        from . import _core

        return _core.parse_html(doc)[0]
    return _plain_text(doc)


def _language_verdict(source: str, languages: tuple[str, ...]) -> tuple[str, str | None]:
    from .language import detect_language

    lang = detect_language(source)
    return lang, (None if lang in languages else f"language {lang!r} not in {', '.join(languages)}")


def _check_text(text, index: int | None = None) -> str:
    """The str the core will see: lone surrogates (from a "\\ud800" JSON escape or
    surrogateescape decoding) become U+FFFD one for one, so offsets are unchanged. Anything but a
    str is an InputError naming the document."""
    if isinstance(text, str):
        from . import _core

        return _core.clean_surrogates(text)  # the same object when there is nothing to replace
    where = "" if index is None else f"document {index}: "
    if isinstance(text, (bytes, bytearray)):
        raise InputError(f"{where}got bytes, expected str: decode first (textsieve's CLI detects encodings for files).")
    raise InputError(f"{where}expected a str document, got {type(text).__name__}.")



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
    :class:`SieveConfig` (``keep``, ``body_threshold``, ``split_glued``, ``join_wrapped``, ``guard``,
    ``languages``).

    >>> clean_text("")
    ''
    """
    return default_sieve().clean(text, config, **options)


def label_lines(text: str, config: SieveConfig | None = None, **options) -> LabeledLines:
    """Explain ``clean_text``: one :class:`LabeledLine` per non-blank line (two for a line cut in
    two), in order."""
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
