"""HTML -> block lines, plus what each line's markup says about it.

The classifier works on lines, so a page becomes the lines a reader sees: one per heading,
paragraph, list item, table cell, caption, ``<br>``-separated run of text, or block-level element
with direct text. Script, style, noscript, template, form controls and hidden elements are
dropped. A block that is nothing but several links (``<div><a>One</a> · <a>Two</a></div>``) gives
one line per link, because that is how a related-posts widget reads.

Every line also gets an :class:`HtmlContext`: the facts plain text cannot show, which the
classifier uses as extra features on HTML input: how much of the line sits inside links, the block's
tag and its semantic ancestors (figure, nav, header, footer, aside, a list whose items are mostly
links), nearby images and their ``alt``/``title`` words, and class/id tokens such as ``author``,
``related`` or ``caption``.

Parsing never raises: lxml is used when installed (``pip install 'textsieve[html]'``; it is
several times faster), otherwise the standard library parser through beautifulsoup4. Both feed
the same builder, so they give the same lines on well-formed pages. A page with no text gives an
empty :class:`HtmlPage`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["HtmlContext", "HtmlPage", "parse_html", "html_to_text", "available_parser"]

# Subtrees whose text a reader never sees as content.
_DROP = frozenset(
    "script style noscript template head svg iframe object embed canvas select textarea option datalist "
    "input map area audio video source track meta link base title".split()
)
# Elements that end the current line.
_BLOCKS = frozenset(
    "address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot tr td th ul "
    "caption center menu html legend hgroup".split()
)
# Line-sized items: consecutive ones in one container are not separated by a blank line.
_ITEMS = frozenset("li dt dd td th tr".split())
# Ancestors worth knowing about.
SEMANTIC = ("figure", "nav", "header", "footer", "aside", "table", "form", "blockquote", "article", "main", "ul", "ol", "a")
_SEMANTIC = frozenset(SEMANTIC) | {"figcaption", "dl", "menu", "main"}
_LISTS = frozenset("ul ol dl menu".split())
_TOKEN = re.compile(r"[a-z]+")
_LINK_ONLY_GLUE = re.compile(r"^[\s|·•,;/\\\-–—»›>«‹<:()\[\]]*$")
MAX_HINTS = 16
MAX_ALT_WORDS = 40


@dataclass(frozen=True, slots=True)
class HtmlContext:
    """Markup facts about one extracted line.

    ``tag`` is the block element holding the line ('p', 'h2', 'li', 'td', 'figcaption', 'div',
    ...; 'a' when the line is one link split out of a block of links). ``ancestors`` holds the
    semantic containers above it (see ``SEMANTIC``). ``hints`` are lower-case class/id/role
    tokens of the element and its ancestors, nearest first. ``alt`` holds words of ``alt``/
    ``title`` attributes of an image in the block or just before it.
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
    :class:`HtmlContext` of every line (``None`` for blank lines)."""

    text: str
    contexts: list = field(default_factory=list)

    def context(self, line: int) -> HtmlContext | None:
        return self.contexts[line] if 0 <= line < len(self.contexts) else None


def available_parser() -> str:
    """'lxml' when lxml is importable, else 'html.parser' (beautifulsoup4's standard library parser)."""
    try:
        import lxml.etree  # noqa: F401

        return "lxml"
    except ImportError:
        return "html.parser"


def parse_html(html: str, parser: str | None = None) -> HtmlPage:
    """Parse a page into lines with their contexts. Never raises on bad markup.

    ``parser``: ``'lxml'`` or ``'html.parser'``; default: lxml when installed.
    """
    if not isinstance(html, str):
        from .errors import InputError

        raise InputError(f"parse_html expects str, got {type(html).__name__}; decode bytes first.")
    builder = _Builder()
    if html.strip():
        parser = parser or available_parser()
        if parser == "lxml":
            if not _walk_lxml(html, builder):
                builder = _Builder()
                _walk_bs4(html, builder)
        elif parser == "html.parser":
            _walk_bs4(html, builder)
        else:
            from .errors import ConfigError

            raise ConfigError(f"unknown HTML parser {parser!r}: use 'lxml' or 'html.parser'.")
    return builder.page()


def html_to_text(html: str, parser: str | None = None) -> str:
    """The page's visible blocks, one per line (what :func:`parse_html` gives, without contexts)."""
    return parse_html(html, parser).text


# -- tree walkers: both drive the same builder with start/data/end events ------------------------

def _walk_lxml(html: str, b: "_Builder") -> bool:
    """Walk the page with lxml; False when libxml2 gave up part of it (nesting deeper than 2048
    levels), in which case the caller re-parses with the standard library parser."""
    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True,
                              no_network=True, recover=True)
    try:
        root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    except (etree.Error, ValueError):
        root = None
    if any("Excessive depth" in e.message for e in parser.error_log):
        return False
    if root is None:
        return True
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):  # entities and the like
            if event == "end" and el.tail:
                b.data(el.tail)
            continue
        if event == "start":
            if b.start(tag.lower(), el.attrib):
                if el.text:
                    b.data(el.text)
            else:
                walker.skip_subtree()
        else:
            b.end()
            if el.tail:
                b.data(el.tail)
    return True


def _walk_bs4(html: str, b: "_Builder") -> None:
    from bs4 import BeautifulSoup, NavigableString, Tag

    try:
        soup = BeautifulSoup(html, "html.parser")
    except Exception:  # noqa: BLE001 - html.parser gives up on some garbage; that page has no text
        return
    # Iterative walk: real pages nest deeper than Python's recursion limit.
    stack: list = [(child, False) for child in reversed(soup.contents)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            b.end()
        elif type(node) is NavigableString:  # not comments, doctypes, CDATA, processing instructions
            b.data(str(node))
        elif isinstance(node, Tag):
            if b.start(node.name.lower(), node.attrs):
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.contents))
            else:
                b.end()


# -- the builder --------------------------------------------------------------------------------

class _Frame:
    __slots__ = ("tag", "hints", "link", "items", "link_items", "blocks", "alt", "serial", "had_br")
    _next = 0

    def __init__(self, tag: str, hints: tuple, link: bool):
        # A serial number, not id(): ids of closed frames are reused, which made two table rows
        # look like one group on some runs and not on others.
        _Frame._next += 1
        self.serial = _Frame._next
        self.had_br = False
        self.tag = tag
        self.hints = hints
        self.link = link
        self.items = 0
        self.link_items = 0
        self.blocks: list[int] | None = [] if tag in _LISTS else None


def _hidden(attrs) -> bool:
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    if style:
        s = str(style).replace(" ", "").lower()
        if "display:none" in s or "visibility:hidden" in s:
            return True
    return False


def _hint_tokens(attrs) -> tuple:
    parts = []
    for key in ("class", "id", "role", "itemprop", "rel"):
        v = attrs.get(key)
        if v:
            parts.append(" ".join(v) if isinstance(v, (list, tuple)) else str(v))
    if not parts:
        return ()
    return tuple(_TOKEN.findall(" ".join(parts).lower()))[:8]


class _Builder:
    def __init__(self):
        self.stack: list[_Frame] = []
        self.pieces: list[tuple[str, int]] = []  # (text, link id or 0)
        self.link_counter = 0
        self.link_stack: list[int] = []
        self.lines: list[str] = []
        self.contexts: list = []
        self.blocks: list[dict] = []  # per emitted line, mutable until page()
        self.last_group = None
        self.gap = False  # a <br><br> or <hr> since the last line
        self.pending_alt: list[str] = []
        self.pending_image = False
        self.in_pre = 0

    # events
    def start(self, tag: str, attrs) -> bool:
        if tag in _DROP or _hidden(attrs):
            self.stack.append(_Frame("#dropped", (), False))
            return False
        if tag == "img" or tag == "picture":
            words = []
            for key in ("alt", "title"):
                v = attrs.get(key)
                if v:
                    words.extend(str(v).lower().split())
            self.pending_alt.extend(words[:MAX_ALT_WORDS])
            self.pending_image = True
        if tag == "br":
            if not "".join(t for t, _ in self.pieces).strip():
                self.gap = True
            self._flush(br=True)
            block = self._block_frame()
            if block is not None:
                block.had_br = True  # the text after the last <br> is a br line too
        elif tag in _BLOCKS or tag == "hr":
            self._flush()
            if tag == "hr":
                self.gap = True
        frame = _Frame(tag, _hint_tokens(attrs), tag == "a")
        self.stack.append(frame)
        if tag == "a":
            self.link_counter += 1
            self.link_stack.append(self.link_counter)
        elif tag == "pre":
            self.in_pre += 1
        return True

    def _block_frame(self):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag in _BLOCKS:
                return self.stack[depth]
        return None

    def end(self) -> None:
        frame = self.stack[-1]
        if frame.tag in _BLOCKS:
            self._flush(br=frame.had_br)
        self.stack.pop()
        if frame.tag == "a" and self.link_stack:
            self.link_stack.pop()
        elif frame.tag == "pre":
            self.in_pre -= 1
        if frame.blocks is not None and frame.items >= 3 and frame.link_items >= 0.6 * frame.items:
            for k in frame.blocks:
                self.blocks[k]["link_list"] = True

    def data(self, text: str) -> None:
        if text:
            self.pieces.append((text, self.link_stack[-1] if self.link_stack else 0))

    # lines
    def _flush(self, br: bool = False) -> None:
        pieces = self.pieces
        if not pieces:
            return
        self.pieces = []
        if self.in_pre:
            raw = "".join(t for t, _ in pieces)
            units = [(ln, 0.0) for ln in raw.split("\n")]
            kind = "pre"
        else:
            units = self._units(pieces)
            kind = "br" if br else None
        units = [(" ".join(t.split()), share) for t, share in units]
        units = [(t, s) for t, s in units if t]
        if not units:
            return
        split_links = len(units) > 1 and kind is None
        for text, share in units:
            self._emit(text, share, kind or ("a" if split_links else None))

    def _units(self, pieces) -> list[tuple[str, float]]:
        """The block's text, or one unit per link when the block is only links."""
        link_ids = {lid for _, lid in pieces if lid}
        if len(link_ids) >= 2 and all(lid or _LINK_ONLY_GLUE.match(t) for t, lid in pieces):
            out: dict[int, list[str]] = {}
            for t, lid in pieces:
                if lid:
                    out.setdefault(lid, []).append(t)
            return [("".join(parts), 1.0) for parts in out.values()]
        total = sum(len(t.strip()) for t, _ in pieces) or 1
        linked = sum(len(t.strip()) for t, lid in pieces if lid)
        return [("".join(t for t, _ in pieces), linked / total)]

    def _emit(self, text: str, link_share: float, kind: str | None) -> None:
        stack = self.stack
        block_tag, group = "body", None
        for depth in range(len(stack) - 1, -1, -1):
            f = stack[depth]
            if f.tag in _BLOCKS:
                block_tag = f.tag
                group = f.serial
                break
        tag = kind if kind in ("a",) else block_tag
        if block_tag == "pre":
            tag = "pre"
        item_like = tag in _ITEMS or kind is not None
        if item_like and kind is None:
            # consecutive items of one list/row/table share a group
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].tag in _LISTS or stack[depth].tag in ("table", "tr", "tbody"):
                    group = stack[depth].serial
                    break
        if self.lines and (self.gap or not item_like or group != self.last_group):
            self.lines.append("")
            self.contexts.append(None)
        self.gap = False
        self.last_group = group if item_like else None

        ancestors = set()
        hints: list[str] = []
        list_frame = None
        for depth in range(len(stack) - 1, -1, -1):
            f = stack[depth]
            if f.tag in _SEMANTIC:
                ancestors.add("figure" if f.tag == "figcaption" else ("ul" if f.tag in ("dl", "menu") else f.tag))
            if len(hints) < MAX_HINTS and f.hints:
                hints.extend(f.hints[: MAX_HINTS - len(hints)])
            if list_frame is None and f.blocks is not None:
                list_frame = f
        if list_frame is not None:
            list_frame.items += 1
            list_frame.link_items += link_share >= 0.6
            list_frame.blocks.append(len(self.blocks))
        self.blocks.append({
            "line": len(self.lines), "tag": tag, "link_share": round(link_share, 3),
            "ancestors": frozenset(ancestors), "link_list": False, "hints": tuple(hints),
            "image": self.pending_image, "alt": frozenset(self.pending_alt),
        })
        self.pending_alt = []
        self.pending_image = False
        self.lines.append(text)
        self.contexts.append(None)  # filled in page()

    def page(self) -> HtmlPage:
        self._flush()
        contexts = self.contexts
        for b in self.blocks:
            line = b.pop("line")
            contexts[line] = HtmlContext(**b)
        text = "\n".join(self.lines) + ("\n" if self.lines else "")
        return HtmlPage(text, contexts)
