"""Check the hand-made HTML evaluation pages against their gold body text.

    python benchmarks/html/check_pages.py                 # verify every page (exit 1 on a problem)
    python benchmarks/html/check_pages.py --draft PAGE    # print a page's visible block lines, numbered

For every ``pages/NN-slug.html`` there must be a ``pages/NN-slug.body.txt``. Each gold line,
after whitespace normalisation, must occur in the page's *visible* text (scripts, styles,
noscript, template, comments and hidden elements removed), and the gold lines must occur in
that order. Standard library only, so it runs without textsieve's dependencies.
"""
from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"

BLOCKS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol p pre section summary table tbody thead tfoot tr ul "
    "caption".split()
)
VOID = frozenset("area base br col embed hr img input link meta param source track wbr basefont".split())
DROP = frozenset("script style noscript template head title svg iframe object canvas".split())
INLINE = frozenset("a abbr b bdi bdo big cite code data dfn em font i kbd mark q s samp small span strike strong "
                   "sub sup time tt u var label nobr blink".split())
P_CLOSERS = frozenset("address article aside blockquote center div dl fieldset figcaption figure footer form h1 h2 "
                      "h3 h4 h5 h6 header hr main nav ol p pre section table ul details".split())


def norm(s: str) -> str:
    return " ".join(s.split())


class Visible(HTMLParser):
    """Visible text with '\\n' between blocks, '\\t' between table cells, newlines kept in <pre>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[list] = []  # [tag, hidden, had_block]
        self.out: list[str] = []
        self.line_has_text = False

    # -- helpers -------------------------------------------------------------------------------
    def hidden(self) -> bool:
        return any(e[1] for e in self.stack)

    def in_pre(self) -> bool:
        return any(e[0] in ("pre", "textarea") for e in self.stack)

    def brk(self):
        self.out.append("\n")
        self.line_has_text = False
        for e in self.stack:
            if e[0] in ("td", "th"):
                e[2] = True

    def pop_through(self, idx: int):
        while len(self.stack) > idx:
            tag, _, had_block = self.stack.pop()
            self.on_close(tag, had_block)

    def on_close(self, tag, had_block):
        if tag in BLOCKS:
            self.brk()
        elif tag in ("td", "th") and had_block:
            self.brk()

    def find_open(self, tag: str, stop: frozenset) -> int | None:
        for i in range(len(self.stack) - 1, -1, -1):
            t = self.stack[i][0]
            if t == tag:
                return i
            if t in stop:
                return None
        return None

    # -- parser callbacks ----------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in P_CLOSERS:
            i = self.find_open("p", frozenset(t for t in BLOCKS | {"td", "th", "button"} if t != "p"))
            if i is not None:
                self.pop_through(i)
        if tag == "li":
            i = self.find_open("li", frozenset({"ul", "ol", "menu"}))
            if i is not None:
                self.pop_through(i)
        if tag in ("dt", "dd"):
            for t in ("dt", "dd"):
                i = self.find_open(t, frozenset({"dl"}))
                if i is not None:
                    self.pop_through(i)
        if tag in ("td", "th", "tr"):
            for t in ("td", "th"):
                i = self.find_open(t, frozenset({"tr", "table"}))
                if i is not None:
                    self.pop_through(i)
        if tag == "tr":
            i = self.find_open("tr", frozenset({"table"}))
            if i is not None:
                self.pop_through(i)
        if tag == "option":
            i = self.find_open("option", frozenset({"select"}))
            if i is not None:
                self.pop_through(i)
        if tag == "br":
            if not self.hidden():
                self.brk()
            return
        if tag in VOID:
            return
        style = (a.get("style") or "").replace(" ", "").lower()
        hid = (tag in DROP or "hidden" in a or "display:none" in style or "visibility:hidden" in style
               or (tag == "input" and (a.get("type") or "").lower() == "hidden"))
        if tag in BLOCKS:
            self.brk()
        elif tag in ("td", "th") and self.line_has_text and not self.hidden():
            self.out.append("\t")
        self.stack.append([tag, hid, False])

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            if not self.hidden():
                self.brk()
        elif tag in BLOCKS:
            self.brk()

    def handle_endtag(self, tag):
        if tag == "br":  # </br> is treated as <br> by browsers
            self.brk()
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                self.pop_through(i)
                return

    def handle_data(self, data):
        if self.hidden():
            return
        if self.in_pre():
            parts = data.split("\n")
            for j, part in enumerate(parts):
                if j:
                    self.brk()
                if part:
                    self.out.append(part)
                    self.line_has_text = self.line_has_text or bool(part.strip())
        else:
            text = data.replace("\n", " ").replace("\t", " ").replace("\r", " ")
            if text.strip():
                self.line_has_text = True
            self.out.append(text)


def visible_lines(html: str) -> list[str]:
    p = Visible()
    p.feed(html)
    p.close()
    lines = []
    for raw in "".join(p.out).split("\n"):
        cells = [norm(c) for c in raw.split("\t")]
        line = "\t".join(c for c in cells if c)
        if line:
            lines.append(line)
    return lines


def check(pages: Path) -> int:
    problems = 0
    htmls = sorted(pages.glob("*.html"))
    golds = sorted(pages.glob("*.body.txt"))
    stems = {h.name[: -len(".html")] for h in htmls}
    for g in golds:
        if g.name[: -len(".body.txt")] not in stems:
            print(f"ORPHAN gold file without page: {g.name}")
            problems += 1
    for h in htmls:
        gold_path = h.with_name(h.name[: -len(".html")] + ".body.txt")
        size = h.stat().st_size
        if not gold_path.exists():
            print(f"MISSING gold for {h.name}")
            problems += 1
            continue
        raw = h.read_bytes()
        html = raw.decode("utf-8")  # pages are UTF-8; this raises otherwise
        vis = visible_lines(html)
        full = norm(" ".join(vis))
        vis_set = {norm(v) for v in vis}
        gold = [ln for ln in gold_path.read_text(encoding="utf-8").split("\n")]
        if gold and gold[-1] == "":
            gold.pop()
        bad = 0
        pos = 0
        exact = 0
        for n, ln in enumerate(gold, 1):
            g = norm(ln)
            if not g:
                print(f"  {gold_path.name}:{n}: empty line")
                bad += 1
                continue
            j = full.find(g, pos)
            if j < 0:
                where = "out of reading order" if g in full else "not in visible text"
                print(f"  {gold_path.name}:{n}: {where}: {g[:90]!r}")
                bad += 1
                continue
            pos = j + len(g)
            exact += g in vis_set
        body_chars = sum(len(norm(x)) for x in gold)
        status = "ok " if not bad else "BAD"
        print(f"{status} {h.name:42s} {size/1024:9.1f} KB  {len(gold):5d} gold lines  "
              f"{exact:5d} whole-block  body {body_chars/ max(1, len(full)):.0%} of visible text")
        problems += bad
    print(f"{len(htmls)} pages, {problems} problem(s)")
    return 1 if problems else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draft", type=Path, help="print the visible block lines of one page, numbered")
    ap.add_argument("--pages", type=Path, default=PAGES)
    args = ap.parse_args(argv)
    if args.draft:
        for i, ln in enumerate(visible_lines(args.draft.read_text(encoding="utf-8")), 1):
            print(f"{i:4d}  {ln}")
        return 0
    return check(args.pages)


if __name__ == "__main__":
    sys.exit(main())
