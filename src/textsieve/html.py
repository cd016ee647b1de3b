"""HTML -> block lines, plus what each line's markup says about them: a view of the core's parser.

The parser lives in the Rust core (``src/core/src/html``, html5ever): a page becomes the lines a
reader sees or a script shows, one per heading, paragraph, list item, table cell, caption, ``<br>``-separated run
of text, or block-level element with direct text; script, style, head and form controls are
dropped; hidden blocks are read and marked (ancestor ``hidden``: scripts show much of that text,
such as streamed React content or a shop page hidden until its script runs), while a hidden
inline piece is dropped; and a block that is nothing but several links gives one line per link.
Broken markup, a page without ``<body>``, 5,000-deep nesting and a 5 MB page never fail.

:func:`clean_html`/:func:`label_html` never come here: the core parses and labels in one call.
This module is for callers who want to see the lines and their :class:`HtmlContext` (tests,
training, debugging a page): the link share, block tag, semantic ancestors, whether the line is
an item of a list of links, class/id hint tokens, and nearby image ``alt``/``title`` words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["HtmlContext", "HtmlPage", "parse_html", "html_to_text", "SEMANTIC"]

# The containers ``HtmlContext.ancestors`` can name (the core's ANCESTORS, in order); "hidden" is
# any element hidden by its ``hidden`` attribute or an inline ``display:none``/``visibility:hidden``.
SEMANTIC = ("figure", "nav", "header", "footer", "aside", "table", "form", "blockquote", "article", "main", "ul", "ol", "a",
            "hidden")


@dataclass(frozen=True, slots=True)
class HtmlContext:
    """Markup facts about one extracted line.

    ``tag`` is the block element holding the line ('p', 'h2', 'li', 'td', 'figcaption', 'div',
    ...; 'a' when the line is one link split out of a block of links; 'br' for a ``<br>``
    run). ``ancestors`` holds the semantic containers above it (see ``SEMANTIC``). ``hints`` are
    lower-case class/id/role tokens of the element and its ancestors, nearest first. ``alt``
    holds the words of ``alt``/``title`` attributes of an image in the block or just before it.
    """

    tag: str
    link_share: float
    ancestors: frozenset = frozenset()
    link_list: bool = False
    hints: tuple = ()
    image: bool = False
    alt: frozenset = frozenset()


@dataclass(frozen=True)
class HtmlPage:
    """A parsed page: its text (one line per block, blank lines between blocks) and the
    :class:`HtmlContext` of every line (``None`` for blank lines). Accepted by
    ``Sieve.label_many``/``clean_many`` in place of the page's HTML."""

    text: str
    contexts: list = field(default_factory=list)
    # the lines are the <noscript> reading of a page that shows nothing else (Discourse forums)
    noscript: bool = False

    def context(self, line: int) -> HtmlContext | None:
        return self.contexts[line] if 0 <= line < len(self.contexts) else None


def parse_html(html: str) -> HtmlPage:
    """Parse a page into lines with their contexts. Never raises on bad markup; anything but a
    str is an :class:`~textsieve.errors.InputError`."""
    from . import _core

    text, raw, noscript = _core.parse_html(html)
    contexts = [
        None if c is None else HtmlContext(c[0], c[1], frozenset(c[2]), c[3], tuple(c[4]), c[5], frozenset(c[6]))
        for c in raw
    ]
    return HtmlPage(text, contexts, noscript)


def html_to_text(html: str) -> str:
    """The page's blocks, hidden ones included, one per line (what :func:`parse_html` gives,
    without contexts)."""
    from . import _core

    return _core.parse_html(html)[0]
