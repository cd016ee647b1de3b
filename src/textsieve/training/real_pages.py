"""Real labeled web pages: build them from public benchmark repositories, split them by site,
and score textsieve on the committed held-out pages.

Why: the shipped model only saw pages this team wrote; on real pages it leaves menus in and
can empty whole articles (issue 12). Four public sources give real pages with a gold main
content (or node tags, or snippets); :mod:`textsieve.training.real_labels` turns each page's
lines into the five labels. What gets committed is derived data only — lines, labels and the
markup facts training needs — never the raw pages.

Sources (see ``training_data/SOURCES.md`` for commits, licences and attribution):

- ``wcxb``: WCXB's ``dev/`` split (gold main content, snippets, page types). Its ``test/`` split
  is reserved for independent evaluation and is never read: only paths under ``dev/`` are listed.
- ``readability``: Mozilla Readability's test pages (``source.html`` + ``expected.html``).
- ``canola``: KrdWrd CANOLA, pages with merged human node tags (2 and 3 = content).
- ``newsarticles``: AndyTheFactory's article-extraction-dataset, 424 news articles of 2023 from
  212 sites as it names them (210 registrable domains), 421 with their page in the snapshot
  (``html/<md5>.html``, the hand-cleaned article text in ``news_articles.json``).
- ``trafilatura``: trafilatura's evaluation pages; snippets only, so lines that hold no snippet
  are ``unknown`` and these pages serve evaluation (and snippet-anchored lines only).

Each record (one JSON object per line of ``<source>.jsonl.xz``; one file per source, so each
keeps its own licence)::

    {"id", "source", "url", "site", "page_type", "split", "gold",   # gold: "text" or "snippets"
     "with": [...], "without": [...],                                # snippets when known
     "lines": [[label, text, context] or null, ...],                 # textsieve's block lines
     "fulltext": [[label, text] or null, ...]}                       # full-page plain text dump

``null`` marks a blank line, so the page's text is rebuilt exactly. ``context`` is the line's
:class:`~textsieve.html.HtmlContext` as a dict without its default fields. The full-page text is
resiliparse's ``extract_plain_text(main_content=False)`` (what a fast scraper emits, list bullets
included); its body lines come from the same gold, the junk labels carry over from the block
line with the same words, else from the text rules. A third rendering, markdown-ish (``# Title``,
``- item``), is made from the block lines at training time by :func:`markdown_lines`.

Split by site: ``site`` is the page's registrable domain (readability pages without a real URL
use their folder name); a site is held out when ``sha256("textsieve-real-split-v1|" + site)`` is
0 modulo 5 (about 20% of sites). No page of a held-out site is ever in ``train``.

Build (deterministic; needs resiliparse, a training-time dependency)::

    python -m textsieve.training.real_pages build --mirror-root /work/.mirror -o training_data/real

Another plain rendering can be stored beside the records without touching them
(:func:`build_rendering`; ``souptext``, BeautifulSoup's ``get_text("\\n")``, into ``real/souptext/``)::

    python -m textsieve.training.real_pages render souptext --mirror-root /work/.mirror
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import lzma
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .real_labels import (body_lines, junk_label, label_lines_from_gold, label_lines_from_snippets,
                          title_and_author, word_f1, words)

__all__ = ["RealPage", "SOURCES", "iter_pages", "registrable_domain", "split_of", "context_dict",
           "label_page", "markdown_lines", "build", "read_records", "evaluate_committed", "DATA_DIR"]

# the repository's copy under an editable install (src/ layout), else relative to the working directory
DATA_DIR = Path(__file__).resolve().parents[3] / "training_data" / "real"
if not DATA_DIR.is_dir():
    DATA_DIR = Path("training_data") / "real"
SPLIT_SALT = "textsieve-real-split-v1|"
HELDOUT_MODULO = 5

# owner+name folder under the mirror root, for each source
SOURCES = {
    "wcxb": "Murrough-Foley+web-content-extraction-benchmark",
    "trafilatura": "adbar+trafilatura",
    "readability": "mozilla+readability",
    "canola": "krdwrd+data",
    "newsarticles": "AndyTheFactory+article-extraction-dataset",
}


@dataclass
class RealPage:
    """One raw page as read from a source, before labeling (never written out)."""

    id: str
    source: str
    url: str
    site: str
    page_type: str
    html: str
    gold: str | None = None          # gold main content as plain text
    with_: list = field(default_factory=list)
    without: list = field(default_factory=list)
    title: str | None = None         # when the gold names them apart from the main content
    author: str | None = None


# -- sites and split ------------------------------------------------------------------------------

_SECOND_LEVEL = frozenset("co com org net ac gov edu ne or go gob nic mil ltd plc sch".split())


def registrable_domain(url: str) -> str:
    """Host without ``www.``, cut to its registrable part (``news.bbc.co.uk`` -> ``bbc.co.uk``).

    A small rule instead of the public suffix list: two labels, or three when the second-level
    label is a generic one (``co``, ``com``, ``org``, ...) under a two-letter country code. Good
    enough to keep one site's pages on one side of the split.
    """
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().strip(".")
    parts = [p for p in host.split(".") if p]
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:]) if parts else ""


def split_of(site: str) -> str:
    """``'heldout'`` for about one site in five (fixed by a salted hash), else ``'train'``."""
    digest = hashlib.sha256((SPLIT_SALT + site).encode("utf-8")).hexdigest()
    return "heldout" if int(digest[:8], 16) % HELDOUT_MODULO == 0 else "train"


# -- reading the mirrors ----------------------------------------------------------------------------

class GitTree:
    """Read files of a bare mirror at HEAD through one ``git cat-file --batch`` process."""

    def __init__(self, git_dir: Path):
        if not Path(git_dir).is_dir():
            from textsieve.errors import InputError

            owner_name = Path(git_dir).parent.name.replace("+", "/", 1)
            raise InputError(f"{git_dir}: no mirror here; fetch github:{owner_name} into the mirror root "
                             "(a bare repository at <root>/<owner>+<name>/repo), or pass --mirror-root.")
        self.git_dir = str(git_dir)
        self.commit = self._git("rev-parse", "HEAD").strip()
        self._proc = None

    def _git(self, *args: str) -> str:
        return subprocess.run(["git", "--git-dir", self.git_dir, *args], check=True, capture_output=True,
                              text=True).stdout

    def list(self, under: str) -> list[str]:
        """Sorted file paths below ``under`` (only that folder is ever listed)."""
        out = self._git("ls-tree", "-r", "--name-only", "-z", self.commit, "--", under)
        return sorted(p for p in out.split("\0") if p)

    def read(self, path: str) -> bytes:
        if self._proc is None:
            self._proc = subprocess.Popen(["git", "--git-dir", self.git_dir, "cat-file", "--batch"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._proc.stdin.write(f"{self.commit}:{path}\n".encode("utf-8"))
        self._proc.stdin.flush()
        header = self._proc.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            raise FileNotFoundError(f"{path} is not in {self.git_dir} at {self.commit}")
        data = self._proc.stdout.read(int(header[2]))
        self._proc.stdout.read(1)
        return data

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.wait()
            self._proc = None


_CHARSET = re.compile(rb"""charset=["']?([A-Za-z0-9_\-]+)""")


def decode_html(data: bytes) -> str:
    """UTF-8 when it decodes, else the page's declared charset, else cp1252 (never raises)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


def _html_text(html: str, parser: Callable) -> str:
    return "\n".join(ln for ln in parser(html).text.split("\n") if ln.strip())


def read_wcxb(tree: GitTree, parser: Callable) -> Iterator[RealPage]:
    for path in tree.list("dev/ground-truth"):
        if not path.startswith("dev/") or not path.endswith(".json"):
            continue
        gt = json.loads(tree.read(path))
        stem = path.rsplit("/", 1)[1][:-5]
        html = decode_html(gzip.decompress(tree.read(f"dev/html/{stem}.html.gz")))
        truth = gt.get("ground_truth") or {}
        url = gt.get("url") or ""
        ptype = ((gt.get("_internal") or {}).get("page_type") or {}).get("primary") or "unknown"
        yield RealPage(f"wcxb/{stem}", "wcxb", url, registrable_domain(url), ptype, html,
                       gold=truth.get("main_content") or "", with_=list(truth.get("with") or []),
                       without=list(truth.get("without") or []), title=truth.get("title"),
                       author=truth.get("author"))


def read_trafilatura(tree: GitTree, parser: Callable) -> Iterator[RealPage]:
    data = json.loads(tree.read("tests/evaldata.json"))
    present = set(tree.list("tests/eval")) | set(tree.list("tests/cache"))
    for url in sorted(data):
        entry = data[url]
        name = entry.get("file") or ""
        path = next((p for p in (f"tests/eval/{name}", f"tests/cache/{name}") if p in present), None)
        if path is None:
            continue
        html = decode_html(tree.read(path))
        yield RealPage(f"trafilatura/{name}", "trafilatura", url, registrable_domain(url), "unknown", html,
                       with_=list(entry.get("with") or []), without=list(entry.get("without") or []))


_CANONICAL = re.compile(r"""<(?:link|meta)\b[^>]*(?:rel=["']canonical["']|property=["']og:url["'])[^>]*>""", re.I)
_HREF = re.compile(r"""(?:href|content)=["'](https?://[^"']+)["']""", re.I)


def read_readability(tree: GitTree, parser: Callable) -> Iterator[RealPage]:
    folders = sorted({p.split("/")[2] for p in tree.list("test/test-pages")})
    for name in folders:
        base = f"test/test-pages/{name}"
        try:
            html = decode_html(tree.read(f"{base}/source.html"))
            expected = decode_html(tree.read(f"{base}/expected.html"))
        except FileNotFoundError:
            continue
        url, site = "", ""
        for tag in _CANONICAL.findall(html):
            m = _HREF.search(tag)
            if m and "fakehost" not in m.group(1):
                url = m.group(1)
                site = registrable_domain(url)
                break
        if not site:
            site = "readability:" + re.sub(r"-\d+$", "", name)
        try:
            meta = json.loads(tree.read(f"{base}/expected-metadata.json"))
        except (FileNotFoundError, ValueError):
            meta = {}
        yield RealPage(f"readability/{name}", "readability", url, site, "article", html,
                       gold=_html_text(expected, parser), title=meta.get("title"), author=meta.get("byline"))


_KW = re.compile(r"""<kw class="krdwrd-tag-(\d+)[^"]*">(.*?)</kw>""", re.S)
_KW_TAGS = re.compile(r"</?kw\b[^>]*>")
# The annotation tool also wrote its tags into the class attribute of ordinary elements
# (`<a class="nav krdwrd-tag-1">`): an artifact of the annotation, not of the page, so it goes
# too. A model must never learn from the annotator's markup.
_KW_CLASSES = re.compile(r"\bkrdwrd-tag-[\w-]*")
_TAGS = re.compile(r"<[^>]+>")
CANOLA_CONTENT_TAGS = ("2", "3")   # 1 = bad (boilerplate), 2 = unknown/headline-like, 3 = good


def read_canola(tree: GitTree, parser: Callable) -> Iterator[RealPage]:
    import html as html_lib

    urls = {}
    for line in tree.read("canola/urls").decode("utf-8", "replace").splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2:
            urls[parts[0]] = parts[1].strip()
    plan = tree.read("canola/plan.canola").decode("ascii", "replace").split()
    for pid in sorted(set(plan), key=lambda p: (len(p), p)):
        try:
            raw = decode_html(tree.read(f"canola/merged.20100908.combined/{pid}"))
        except FileNotFoundError:
            continue
        gold = "\n".join(html_lib.unescape(_TAGS.sub(" ", text)) for tag, text in _KW.findall(raw)
                         if tag in CANOLA_CONTENT_TAGS)
        url = urls.get(pid, "")
        yield RealPage(f"canola/{pid}", "canola", url, registrable_domain(url), "unknown",
                       _KW_CLASSES.sub("", _KW_TAGS.sub("", raw)), gold=gold)


def read_newsarticles(tree: GitTree, parser: Callable) -> Iterator[RealPage]:
    """News articles with their hand-cleaned text (``news_articles.json``: ``text``, ``title``,
    ``authors``, ``link``, ``html_file``), in file-name order. An entry whose HTML file is not in
    the snapshot is skipped (three of 424 at the recorded commit); when more than a tenth are
    missing the source's layout has changed, and that is an error, not a smaller data set."""
    from ..errors import CorpusError

    entries = sorted(json.loads(tree.read("news_articles.json")), key=lambda e: e["html_file"])
    missing = 0
    for entry in entries:
        try:
            html = decode_html(tree.read(f"html/{entry['html_file']}.html"))
        except FileNotFoundError:
            missing += 1
            continue
        url = entry.get("link") or entry.get("site") or ""
        yield RealPage(f"newsarticles/{entry['html_file']}", "newsarticles", url, registrable_domain(url), "article",
                       html, gold=entry.get("text") or "", title=entry.get("title"),
                       author=entry.get("authors") or None)
    if missing * 10 > len(entries):
        raise CorpusError(f"{tree.git_dir}: {missing} of the {len(entries)} news articles have no html/<html_file>.html "
                          "at the fetched commit; the source's layout may have changed (SOURCES.md records the "
                          "commit the data was built from).")


READERS = {"wcxb": read_wcxb, "trafilatura": read_trafilatura, "readability": read_readability,
           "canola": read_canola, "newsarticles": read_newsarticles}


def iter_pages(mirror_root: Path, parser: Callable, sources=tuple(SOURCES)) -> Iterator[tuple[RealPage, str]]:
    """Every page of the named sources, in a fixed order, with the source commit."""
    for source in sources:
        tree = GitTree(Path(mirror_root) / SOURCES[source] / "repo")
        try:
            for page in READERS[source](tree, parser):
                yield page, tree.commit
        finally:
            tree.close()


# -- labeling ---------------------------------------------------------------------------------------

STORED_HINTS = 8   # nearest class/id tokens kept per line (the parser gives up to 16)
STORED_ALT = 8     # image alt/title words kept per line


def context_dict(ctx) -> dict:
    """An :class:`~textsieve.html.HtmlContext` as a compact JSON-able dict: defaults left out,
    hints cut to the nearest ``STORED_HINTS`` and alt words to ``STORED_ALT`` to keep the
    committed data small (the far hints name page-wide wrappers and say little about a line)."""
    out = {"tag": ctx.tag}
    if ctx.link_share:
        out["link_share"] = round(float(ctx.link_share), 3)  # the Rust parser gives f32
    if ctx.ancestors:
        out["ancestors"] = sorted(ctx.ancestors)
    if ctx.link_list:
        out["link_list"] = True
    if ctx.hints:
        out["hints"] = list(ctx.hints[:STORED_HINTS])
    if ctx.image:
        out["image"] = True
    if ctx.alt:
        out["alt"] = sorted(ctx.alt)[:STORED_ALT]
    return out


def full_page_text(html: str) -> str:
    """The whole page's visible text as a fast scraper emits it (training-time dependency)."""
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=False)


def _labels(page: RealPage, texts: list[str], ctxs: list) -> list[str]:
    if page.gold is not None:
        return label_lines_from_gold(texts, ctxs, page.gold, page.title, page.author)
    return label_lines_from_snippets(texts, ctxs, page.with_, page.without)


_NOSCRIPT = re.compile(r"</?noscript\b", re.I)
_NOSCRIPT_NAME = re.compile(r"noscript", re.I)


def _noscript_as_markup(html: str) -> str:
    """Every ``<noscript>`` element renamed ``<div>``: its content read as ordinary markup."""
    return _NOSCRIPT.sub(lambda m: _NOSCRIPT_NAME.sub("div", m.group(0), count=1), html)


def label_page(page: RealPage, parser: Callable, fulltext: Callable[[str], str] | None = full_page_text) -> dict:
    """The derived record of one page (see the module docstring). ``parser`` turns HTML into an
    object with ``.text`` and ``.contexts`` (``textsieve.html.parse_html`` today, the Rust core's
    parser later)."""
    html = page.html
    parsed = parser(html)
    if getattr(parsed, "noscript", False):
        # pages that serve their content to non-JS readers inside <noscript> (Discourse forums),
        # which the parser read as such a reader sees them: label that page, its <noscript>
        # content as ordinary markup, and render the full text from the same reading
        html = _noscript_as_markup(html)
        parsed = parser(html)
    raw_lines = parsed.text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    texts = [t for t in raw_lines if t.strip()]
    ctxs = [context_dict(parsed.contexts[i]) if parsed.contexts[i] is not None else {"tag": "body"}
            for i, t in enumerate(raw_lines) if t.strip()]
    labels = iter(_labels(page, texts, ctxs))
    ctx_iter = iter(ctxs)
    lines = [[next(labels), t, next(ctx_iter)] if t.strip() else None for t in raw_lines]

    full = plain_rendering(page, fulltext(html), lines) if fulltext is not None else []
    return {
        "id": page.id, "source": page.source, "url": page.url, "site": page.site, "page_type": page.page_type,
        "split": split_of(page.site), "gold": "text" if page.gold is not None else "snippets",
        "with": page.with_, "without": page.without, "noscript": html is not page.html,
        "lines": lines, "fulltext": full,
    }


def plain_rendering(page: RealPage, text: str, lines: list) -> list:
    """A plain-text rendering of a page as ``[label, text]`` rows (``None`` for a blank line):
    body from the gold (or the snippets), junk labels carried over from the block line with the
    same words, else from the text rules; ``unknown`` on a snippet-labeled page where nothing
    says. The rule of the ``fulltext`` rendering, for any scraper's text of the page."""
    ft_raw = [" ".join(t.split()) for t in text.split("\n")]
    ft_texts = [t for t in ft_raw if t]
    if page.gold is not None:
        is_body = body_lines(ft_texts, page.gold)
    else:
        snip = label_lines_from_snippets(ft_texts, [None] * len(ft_texts), page.with_, page.without)
        is_body = [lab == "body" for lab in snip]
    by_words: dict[str, str] = {}
    for ln in lines:
        if ln is not None and ln[0] != "body":
            by_words.setdefault(" ".join(words(ln[1])), ln[0])
    ft_labels = []
    for t, b in zip(ft_texts, is_body):
        if b:
            ft_labels.append("body")
        elif page.gold is None and not any(s and " ".join(words(s)) in " ".join(words(t)) for s in page.without):
            ft_labels.append("unknown")
        else:
            ft_labels.append(by_words.get(" ".join(words(t))) or junk_label(t, None))
    if page.gold is not None:
        ft_labels = title_and_author(ft_texts, [None] * len(ft_texts), ft_labels, page.title, page.author)
    ft_iter = iter(ft_labels)
    full = [[next(ft_iter), t] if t else None for t in ft_raw]
    while full and full[-1] is None:
        full.pop()
    return full


def soup_text(html: str) -> str:
    """The page as ``BeautifulSoup(html, "html.parser").get_text("\\n")`` gives it: every text
    node on a line of its own, so a link or an emphasis inside a sentence breaks it into pieces.
    What a scraper written in five lines emits (training-time only)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text("\n")


# Plain renderings stored beside the records, one folder each (``<data>/<name>/<source>.jsonl.xz``,
# rows ``{"id", name}``): built from the committed records and the mirrors' HTML, so adding one
# leaves the records, and every model trained from them, as they were.
EXTRA_RENDERINGS = {"souptext": soup_text}


def html_as_read(html: str, record: dict) -> str:
    """The page's HTML as its record was read: a page that serves its content inside
    ``<noscript>`` has it as ordinary markup (see :func:`label_page`)."""
    return _noscript_as_markup(html) if record.get("noscript") else html


def build_rendering(mirror_root: Path, data_dir: Path, name: str, sources=tuple(SOURCES), log=print) -> dict:
    """Write ``data_dir/<name>/<source>.jsonl.xz``: the :data:`EXTRA_RENDERINGS` rendering
    ``name`` of every committed page, labeled by :func:`plain_rendering` from the page's gold
    and its committed block lines. Deterministic. Returns agreement with the gold per source."""
    render = EXTRA_RENDERINGS[name]
    data_dir = Path(data_dir)
    (data_dir / name).mkdir(parents=True, exist_ok=True)
    agree: dict = defaultdict(list)
    from textsieve.html import parse_html

    for source in sources:
        recs = {r["id"]: r for r in read_records(data_dir / f"{source}.jsonl.xz")}
        target = data_dir / name / f"{source}.jsonl.xz"
        tmp = target.with_name(target.name + ".tmp")
        with lzma.open(tmp, "wt", encoding="utf-8", preset=9 | lzma.PRESET_EXTREME) as fh:
            for page, _commit in iter_pages(mirror_root, parse_html, (source,)):
                rec = recs.get(page.id)
                if rec is None:
                    continue
                rows = plain_rendering(page, render(html_as_read(page.html, rec)), rec["lines"])
                fh.write(json.dumps({"id": page.id, name: rows}, ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":")) + "\n")
                if page.gold is not None and words(page.gold):
                    agree[source].append(word_f1("\n".join(r[1] for r in rows if r and r[0] == "body"), page.gold))
        tmp.replace(target)
        log(f"{name}: {source} done")
    return {k: round(sum(v) / len(v), 4) for k, v in sorted(agree.items())}


def attach_rendering(records: list[dict], name: str, data_dir: Path | None = None) -> list[dict]:
    """``records`` with their stored ``name`` rendering set (``rec[name]``; a page the rendering
    does not hold gets none). Reads ``<data>/<name>/*.jsonl.xz``."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    folder = (data_dir if data_dir.is_dir() else data_dir.parent) / name
    files = sorted(folder.glob("*.jsonl.xz"))
    if not files:
        from textsieve.errors import InputError

        raise InputError(f"no {folder}/*.jsonl.xz: build it with "
                         f"'python -m textsieve.training.real_pages render {name} --mirror-root <mirrors>'.")
    rows = {}
    for file in files:
        with lzma.open(file, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                rows[r["id"]] = r[name]
    for rec in records:
        if rec["id"] in rows:
            rec[name] = rows[rec["id"]]
    return records


def agreement(record: dict, gold: str) -> dict:
    """How well the body labels reproduce the gold: word F1 of the body lines of each rendering."""
    out = {}
    for key in ("lines", "fulltext"):
        body = "\n".join(ln[1] for ln in record[key] if ln and ln[0] == "body")
        out[key] = word_f1(body, gold)
    return out


_HEADING_LEVEL = {f"h{n}": n for n in range(1, 7)}


def markdown_lines(record: dict) -> list:
    """The record's block lines as a markdown-ish scrape renders them (``# Heading``,
    ``- list item``, ``> quote``), labels carried over: the third plain-text rendering, made at
    training time from the committed lines instead of being stored."""
    out = []
    for ln in record["lines"]:
        if ln is None:
            out.append(None)
            continue
        label, text, ctx = ln
        tag = ctx.get("tag", "")
        if tag in _HEADING_LEVEL:
            text = "#" * _HEADING_LEVEL[tag] + " " + text
        elif tag == "li" or (tag == "a" and "ul" in ctx.get("ancestors", ())):
            text = "- " + text
        elif "blockquote" in ctx.get("ancestors", ()):
            text = "> " + text
        out.append([label, text])
    return out


# -- build ------------------------------------------------------------------------------------------

def build(mirror_root: Path, out_dir: Path, parser: Callable | None = None, sources=tuple(SOURCES),
          limit: int | None = None, log=print) -> dict:
    """Rebuild ``out_dir/<source>.jsonl.xz`` and ``out_dir/summary.json`` from the mirrors.

    Deterministic: sources, pages and keys in a fixed order, xz without timestamps. Returns the
    summary: pages per source and split, label counts, and the labeling's agreement with the gold.
    """
    if parser is None:
        from textsieve.html import parse_html as parser
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = Counter()
    labels = defaultdict(Counter)
    agree = defaultdict(lambda: defaultdict(list))
    commits = {}
    sizes = {}
    for source in sources:
        # one file per source: each keeps its own licence (CANOLA's is share-alike)
        target = out_dir / f"{source}.jsonl.xz"
        tmp = target.with_name(target.name + ".tmp")
        with lzma.open(tmp, "wt", encoding="utf-8", preset=9 | lzma.PRESET_EXTREME) as fh:
            count = 0
            for page, commit in iter_pages(mirror_root, parser, (source,)):
                commits[source] = commit
                if limit is not None and count >= limit:
                    break
                count += 1
                rec = label_page(page, parser)
                if not any(rec["lines"]):
                    log(f"skip {page.id}: no text")
                    continue
                fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
                pages[f"{source}/{rec['split']}"] += 1
                for ln in rec["lines"]:
                    if ln:
                        labels[source][ln[0]] += 1
                if page.gold is not None and words(page.gold):
                    for key, v in agreement(rec, page.gold).items():
                        agree[source][key].append(v)
                        agree[f"{source}/{page.page_type}"][key].append(v)
                if count % 200 == 0:
                    log(f"{source}: {count} pages")
        tmp.replace(target)
        sizes[target.name] = target.stat().st_size
    summary = {
        "commits": commits,
        "parser": f"{getattr(parser, '__module__', '?')}.{getattr(parser, '__name__', '?')}",
        "bytes": sizes,
        "pages": dict(sorted(pages.items())),
        "line_labels": {s: dict(sorted(c.items())) for s, c in sorted(labels.items())},
        "agreement_word_f1": {k: {key: round(sum(v) / len(v), 4) for key, v in d.items()} | {"pages": len(d["lines"])}
                              for k, d in sorted(agree.items())},
        "split": {"salt": SPLIT_SALT, "heldout_modulo": HELDOUT_MODULO},
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return summary


def read_records(path: Path | None = None, split: str | None = None, source: str | None = None) -> Iterator[dict]:
    """Committed records (every ``*.jsonl.xz`` of the folder, in name order, or one file),
    optionally only one split (``'train'`` or ``'heldout'``) and one source. A source's records
    are written to ``<source>.jsonl.xz``, so when the folder holds that file only it is read
    (decompressing every source takes seconds)."""
    path = Path(path) if path is not None else DATA_DIR
    files = sorted(path.glob("*.jsonl.xz")) if path.is_dir() else [path]
    if source is not None and path.is_dir() and (path / f"{source}.jsonl.xz").is_file():
        files = [path / f"{source}.jsonl.xz"]
    if not files:
        from textsieve.errors import InputError

        raise InputError(f"no *.jsonl.xz in {path}: rebuild it with "
                         "'python -m textsieve.training.real_pages build --mirror-root <mirrors>'.")
    from textsieve.errors import CorpusError

    rebuild = "Rebuild it with 'python -m textsieve.training.real_pages build --mirror-root <mirrors>'."
    for file in files:
        number = 0
        try:
            with lzma.open(file, "rt", encoding="utf-8") as fh:
                for number, line in enumerate(fh, 1):
                    try:
                        rec = json.loads(line)
                    except ValueError as exc:
                        raise CorpusError(f"{file}:{number}: not a JSON record ({exc}). {rebuild}") from None
                    if not isinstance(rec, dict) or rec.get("split") not in ("train", "heldout"):
                        raise CorpusError(f"{file}:{number}: a record needs a split, 'train' or 'heldout'. {rebuild}")
                    if (split is None or rec["split"] == split) and (source is None or rec.get("source") == source):
                        yield rec
        except (EOFError, lzma.LZMAError, UnicodeDecodeError, OSError) as exc:
            raise CorpusError(f"{file}: damaged after record {number} ({type(exc).__name__}: {exc}). {rebuild}") from None


def prose_paragraphs(records) -> list[str]:
    """The body paragraphs of ``records``' full-page text (15 words or more, ending like a
    sentence), each once, in order: material for long all-prose texts, which every line of is
    body (``benchmarks/long_prose.py``, ``tests/test_no_empty.py``)."""
    seen: set[str] = set()
    out = []
    for rec in records:
        for row in rec["fulltext"]:
            if row and row[0] == "body":
                text = row[1].strip()
                if len(text.split()) >= 15 and text[-1:] in ".!?\"”" and text not in seen:
                    seen.add(text)
                    out.append(text)
    return out


# -- evaluation on the committed data ---------------------------------------------------------------

def fulltext_of(rec: dict) -> str:
    """A record's full-page plain text as ``clean_text`` gets it: its ``fulltext`` lines, blank
    rows as empty lines (line ``i`` of the text is ``rec["fulltext"][i]``)."""
    return "\n".join(ln[1] if ln else "" for ln in rec["fulltext"]) + "\n"


def _line_f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if not (fp or fn) else 0.0)


def snippet_rates(output: str, with_: list, without: list) -> tuple[int, int, int, int]:
    """(must-have lost, must-have total, must-not leaked, must-not total), matched on words."""
    out = " " + " ".join(words(output)) + " "
    lost = sum(1 for s in with_ if words(s) and " " + " ".join(words(s)) + " " not in out)
    leaked = sum(1 for s in without if words(s) and " " + " ".join(words(s)) + " " in out)
    return lost, sum(1 for s in with_ if words(s)), leaked, sum(1 for s in without if words(s))


def evaluate_committed(split: str = "heldout", sieve=None, path: Path | None = None, limit: int | None = None) -> dict:
    """Score ``clean_text`` on the committed full-page plain text of real pages.

    Needs only the committed data, so the quality gate can run it in CI. The reference of each
    page is its body-labeled lines (the best a line filter can do); pages with snippet labels only
    count toward the snippet rates. Returns overall and per-source / per-page-type figures:
    ``word_f1`` (mean over pages), ``line_f1`` (body-keep F1 by line), snippet rates, and
    ``emptied`` (reference of at least 50 words, output under 10).
    """
    if sieve is None:
        from textsieve import Sieve

        sieve = Sieve()
    groups: dict[str, dict] = defaultdict(lambda: {"pages": 0, "word_f1": 0.0, "tp": 0, "fp": 0, "fn": 0,
                                                   "lost": 0, "with": 0, "leaked": 0, "without": 0, "emptied": 0,
                                                   "emptied_pages": []})
    n = 0
    for rec in read_records(path, split):
        if limit is not None and n >= limit:
            break
        n += 1
        rows = [ln for ln in rec["fulltext"] if ln]
        if not rows:
            continue
        labeled = sieve.label_lines(fulltext_of(rec))
        kept_lines = {r.line for r in labeled if r.label == "body"}
        output = "\n".join(r.text for r in labeled if r.label == "body")
        keys = ["all", rec["source"], f"{rec['source']}/{rec['page_type']}"]
        lost, n_with, leaked, n_without = snippet_rates(output, rec["with"], rec["without"])
        for key in keys:
            g = groups[key]
            g["lost"] += lost
            g["with"] += n_with
            g["leaked"] += leaked
            g["without"] += n_without
        if rec["gold"] != "text":
            continue
        reference = "\n".join(ln[1] for ln in rows if ln[0] == "body")
        if not words(reference):
            continue  # nothing of the gold is in the page's text: no reference to score against
        f1 = word_f1(output, reference)
        tp = fp = fn = 0
        for i, ln in enumerate(rec["fulltext"]):
            if not ln:
                continue
            gold_body, kept = ln[0] == "body", i in kept_lines
            tp += gold_body and kept
            fp += kept and not gold_body
            fn += gold_body and not kept
        emptied = len(words(reference)) >= 50 and len(words(output)) < 10
        for key in keys:
            g = groups[key]
            g["pages"] += 1
            g["word_f1"] += f1
            g["tp"] += tp
            g["fp"] += fp
            g["fn"] += fn
            g["emptied"] += emptied
            if emptied:
                g["emptied_pages"].append(rec["id"])
    out = {}
    for key, g in sorted(groups.items()):
        out[key] = {
            "pages": g["pages"],
            "word_f1": round(g["word_f1"] / g["pages"], 4) if g["pages"] else None,
            "line_f1": round(_line_f1(g["tp"], g["fp"], g["fn"]), 4) if g["pages"] else None,
            "must_have_lost": round(g["lost"] / g["with"], 4) if g["with"] else None,
            "must_not_leaked": round(g["leaked"] / g["without"], 4) if g["without"] else None,
            "emptied": g["emptied"],
            "emptied_pages": g["emptied_pages"],
        }
    return out


# -- command line -----------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m textsieve.training.real_pages", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="rebuild the derived labeled data from fetched mirrors")
    b.add_argument("--mirror-root", type=Path, required=True, help="folder holding owner+name/repo bare mirrors")
    b.add_argument("-o", "--out", type=Path, default=DATA_DIR, help="output folder (default: training_data/real)")
    b.add_argument("--source", action="append", choices=sorted(SOURCES), help="only these sources (repeatable)")
    b.add_argument("--limit", type=int, help="at most this many pages per source (for a quick look)")
    r = sub.add_parser("render", help="store another plain rendering of the committed pages beside them")
    r.add_argument("name", choices=sorted(EXTRA_RENDERINGS))
    r.add_argument("--mirror-root", type=Path, required=True, help="folder holding owner+name/repo bare mirrors")
    r.add_argument("-o", "--out", type=Path, default=DATA_DIR, help="the records' folder (default: training_data/real)")
    r.add_argument("--source", action="append", choices=sorted(SOURCES), help="only these sources (repeatable)")
    e = sub.add_parser("evaluate", help="score clean_text on the committed plain-text pages")
    e.add_argument("--split", default="heldout", choices=("heldout", "train"))
    args = ap.parse_args(argv)
    if args.cmd == "build":
        summary = build(args.mirror_root, args.out, sources=tuple(args.source or SOURCES), limit=args.limit,
                        log=lambda m: print(m, file=sys.stderr))
    elif args.cmd == "render":
        summary = build_rendering(args.mirror_root, args.out, args.name, sources=tuple(args.source or SOURCES),
                                  log=lambda m: print(m, file=sys.stderr))
    else:
        summary = evaluate_committed(args.split)
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
