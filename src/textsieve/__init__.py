"""textsieve: remove SEO link lists, fake author boxes and image captions from scraped text.

>>> from textsieve import clean_text, label_lines
>>> cleaned = clean_text(page_text)            # doctest: +SKIP
>>> [(r.label, r.text) for r in label_lines(page_text)]   # doctest: +SKIP

The data flow: text or HTML -> the Rust core (``textsieve._core``: HTML block lines, segments,
features, first pass, revision) -> ``labels`` (records) -> ``clean`` (policy: threshold, what to
keep, the join). ``model`` reads and checks model files; training lives in ``textsieve.training``.

Importing the package loads nothing heavy: the public names below are resolved on first use
(PEP 562), and the shipped model is read on the first call that needs it. That keeps
``textsieve --version`` and worker start-up fast.
"""
from __future__ import annotations

import importlib

from .errors import ConfigError, CorpusError, InputError, ModelError, TextsieveError

__all__ = [
    "clean_text", "label_lines", "clean_html", "label_html", "Sieve", "SieveConfig", "LabeledLine",
    "LabeledLines", "load_model",
    "TextsieveError", "ConfigError", "CorpusError", "InputError", "ModelError", "__version__",
]

# Public name -> the module that defines it (imported on first access).
_LAZY = {
    "clean_text": ".clean", "label_lines": ".clean", "clean_html": ".clean", "label_html": ".clean",
    "Sieve": ".clean", "SieveConfig": ".clean", "LabeledLine": ".labels", "LabeledLines": ".labels",
    "load_model": ".model",
}


def __getattr__(name: str):
    if name == "__version__":
        # One source of truth: the version maturin stamps on the wheel (src/Cargo.toml), compiled
        # into the extension.
        from ._core import __version__ as version

        globals()["__version__"] = version
        return version
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'textsieve' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
