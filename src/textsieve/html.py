"""HTML -> text with one line per block element, for the batch cleaner.

Scraped folders hold raw pages as often as extracted text. The classifier works on lines, so a
page becomes the lines a reader sees: one per heading, paragraph, list item, table cell,
caption or block-level element with direct text. Script, style, noscript, template and hidden
elements are dropped. lxml is used when installed (faster, more forgiving); otherwise the
standard library parser. Broken markup never raises: a page with no text gives "".
"""
from __future__ import annotations

__all__ = ["html_to_text"]

_DROP = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas")
_BLOCKS = frozenset(
    "address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot tr td th ul br "
    "caption title".split()
)


def _parser() -> str:
    try:
        import lxml  # noqa: F401

        return "lxml"
    except ImportError:
        return "html.parser"


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment

    soup = BeautifulSoup(html, _parser())
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"hidden": True}):
        tag.decompose()
    for tag in soup.find_all(style=True):
        style = str(tag.get("style", "")).replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            tag.decompose()

    lines: list[str] = []
    current: list[str] = []

    def flush():
        line = " ".join("".join(current).split())
        if line:
            lines.append(line)
        current.clear()

    # Iterative walk: real pages nest deeply enough to break a recursive one.
    stack: list = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            flush()
            continue
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            current.append(str(node))
            continue
        if isinstance(node, Tag):
            block = node.name in _BLOCKS
            if block:
                flush()
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))

    flush()
    return "\n".join(lines) + ("\n" if lines else "")
