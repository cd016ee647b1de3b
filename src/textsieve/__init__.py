"""textsieve: remove SEO link lists, fake author boxes and image captions from scraped text.

>>> from textsieve import clean_text, label_lines
>>> cleaned = clean_text(page_text)            # doctest: +SKIP
>>> [(r.label, r.text) for r in label_lines(page_text)]   # doctest: +SKIP

The data flow, one module per stage: text -> ``segment`` -> ``features`` -> ``classifier``
(two passes) -> ``labels`` -> ``clean``. Training lives in ``corpus``, ``synth`` and ``train``;
``model`` saves and checks model files. Nothing is loaded at import: the shipped model is read
on the first call.
"""
from .clean import Sieve, SieveConfig, clean_html, clean_text, label_html, label_lines
from .errors import ConfigError, CorpusError, InputError, ModelError, TextsieveError
from .labels import LabeledLine, LabeledLines
from .model import load_model

__version__ = "0.1.0"

__all__ = [
    "clean_text", "label_lines", "clean_html", "label_html", "Sieve", "SieveConfig", "LabeledLine",
    "LabeledLines", "load_model",
    "TextsieveError", "ConfigError", "CorpusError", "InputError", "ModelError", "__version__",
]
