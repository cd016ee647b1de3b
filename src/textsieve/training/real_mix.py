"""Real labeled pages -> training documents, mixed with the team's documents (issue 12).

Why: the team's documents, junk generator and page renderer teach SEO link lists, fake author
boxes and captions, but never a real page's chrome (menus, "Sign in", share bars, copyright
lines) nor a page that is mostly chrome around one article. The committed real pages
(:mod:`.real_pages`) carry exactly that, with line labels, so each training page becomes up to
three documents, the inputs serving sees:

- ``html``: the page's block lines with their stored markup contexts (what ``clean_html``
  featurizes after parsing; the core takes ``(text, contexts)`` so no raw HTML is needed);
- ``fulltext``: the full-page plain-text dump a scraper emits (``clean_text``'s input);
- ``markdown``: the block lines rendered markdown-ish (``# Title``, ``- item``), made here by
  :func:`.real_pages.markdown_lines`.

Rules, stated once:

- **Only the ``train`` split.** Held-out sites are never read: :func:`real_documents` asks
  :func:`.real_pages.read_records` for ``split="train"`` and refuses any other record.
- **``unknown`` lines.** Pages labeled from snippets only (trafilatura's, ``gold != "text"``)
  are mostly ``unknown``: a few lines hold a must-have snippet (body) or a must-not one (a junk
  label), the rest nobody labeled. By default they are skipped, and so is any rendering that
  holds an ``unknown`` line. With ``snippet_pages`` such a page comes whole, its unknown lines
  as ``UNLABELED`` context lines: every line is featurized and scored out of fold, so the
  page-level revision features (document means, neighbours' scores) see the page as serving
  does, and only the snippet lines are fitted. Never trained with holes: dropping lines from a
  page would teach a page that never occurs, and giving them a guessed label would teach noise.
- **Groups by site.** Every document of a page has the group ``real:<site>`` (a site whose lines
  also make long prose texts: its bucket's group, see below), so the grouped
  out-of-fold first-pass scores never score a page with a model that saw its site's chrome:
  the situation at serving time, on a site the model never saw.
- **Weighing.** No sample weights (the trainer has none; a repeat costs the same as a weight and
  adds nothing the trees do not already see). Real and team data are balanced by *how much*
  real data goes in: ``max_pages`` (pages, chosen by a seeded shuffle, so a large real set does
  not drown the team's documents and the training time stays bounded) and ``renderings``. By
  default every chosen page gives its HTML block lines and ONE plain-text rendering, alternating
  (seeded) between the full-page dump and markdown, so plain text is learned in both forms at
  the cost of one. :func:`.train.train` asks for all three (``DEFAULT_REAL_RENDERINGS``: more
  real plain text is what moved the held-out full text; see its docstring).
Two long-prose rules, on in :func:`.train.train` (its defaults, with which the shipped model was
trained) and off in :func:`real_documents` unless asked for (``prose=True, skip_cut_gold=True``):
together they make retrains keep long clean texts whole (see the README, "Long pages of prose").

- **Gold that stops mid-text** (``skip_cut_gold``). A page whose gold main content ends (or starts) in the middle
  of a run of prose is left out (:func:`gold_stops_mid_prose`): at least ``CUT_LINES`` long prose
  lines labeled body, then at least as many labeled otherwise, in one run of prose with one
  change of label (one short line, a caption or a subheading, may sit between two paragraphs).
  WCXB's gold of wcxb/2498 stops after half of the article: its other half, 150 paragraphs
  labeled chrome on a page whose lines all read as body, taught the trees that such a page's
  prose is chrome wherever its mean score fell, and long clean texts there lost most of their
  lines. Comment threads do not match: a name, a date or "Reply" breaks the run between posts.
- **Long prose** (``prose``). The body lines of the pages of about one ``train`` site in eight
  (:func:`prose_site`, a salted hash, the same for every seed) are also joined, page after page,
  into long all-body plain texts (:func:`prose_documents`): 40 to 400 lines, paragraphs
  separated by blank lines in half of them. Why: no training page was all prose (the longest
  all-body document had 49 lines), so a long clean article, the text a pipeline that already
  extracted its pages hands over, fell in a corner of pass two's page features that a few
  mislabeled pages had taught was chrome (a 200-paragraph story lost up to 78% of its lines,
  ``benchmarks/long_prose.py``). The chosen sites fall into ``PROSE_BUCKETS`` buckets
  (:func:`prose_bucket`); a bucket's page documents and the texts made of their lines share one
  group, ``real:prose-<bucket>``, so the grouped out-of-fold scores of a text come from a model
  that saw none of its lines, as at serving time, while the pages still teach what they teach.
  The texts are fitted like the team's documents (every row, weight 1; :func:`is_prose_text`).
  Both halves matter (2026-11-30, the README has the figures): with the sites set apart (no page
  documents) every retrain kept long prose whole but lost an eighth of the real pages, and the
  held-out real pages read lower on average; with the pages kept and the texts in groups of their
  own, the fold models had seen the texts' lines, their scores were too sure, and two runs of
  twelve lost long prose again (mean kept share 0.56 and 0.70).

Two rules for the news articles (``NEWS_SOURCES``), whose 323 train pages are all one kind of
page, a story on a news site, with one story's text as gold:

- **A story lost in a huge page** (with ``skip_cut_gold``). A news page of more than
  ``ENDLESS_PAGE_LINES`` rows (block lines and blank separators) is left out
  (:func:`one_story_of_many`). Such pages (12 of 323, from ten sites) hold a gold that is a
  sliver of the page (pcmag.com's: 7 and 21 gold lines of about 1,500; hollywood.com's 8 of
  723) or prose outside the gold that runs long (ign.com's: 4 gold lines beside 192 long prose
  lines labeled chrome), and with them in training a huge page's prose read as chrome: the 2 MB
  archive page of ``benchmarks/html/pages`` (10,231 lines of prose) lost long lines in every
  decile (the 15 pages' token F1, seed 5 of all sources: 0.29; 0.99 without these pages).
- **One plain-text rendering** (:func:`plain_renderings`; always on, whatever the other rules).
  Where both plain renderings are asked for (:data:`RENDERINGS`, the trainer's default), a news
  page gives only one of them beside its HTML lines, chosen by a hash of its id (the same for
  every seed, and it leaves the seeded draw of the other pages unchanged). Why: with all three
  renderings the articles weigh on the mix like a third source, and the team's seed documents
  lost gallery lines to link spam (the first rule alone, seed 5: seeds macro-F1 0.933; with
  both, 0.960; over five seeds of both 0.875-0.960, two at or above the issue's 0.95).

Measured in ``benchmarks/EXPERIMENTS.md`` ("News articles in training, weighed"): with both rules
and all five sources, the shipped model.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import CorpusError
from .corpus import BLANK, KNOWN_LABELS, UNLABELED, LabeledDocument
from .real_pages import attach_rendering, markdown_lines, read_records

__all__ = ["RENDERINGS", "STORED_RENDERINGS", "UNKNOWN", "record_documents", "real_documents", "DEFAULT_PLAIN", "prose_site",
           "prose_bucket", "is_prose_text",
           "gold_stops_mid_prose", "one_story_of_many", "plain_renderings", "NEWS_SOURCES",
           "prose_documents", "PROSE_LINES", "excerpt_documents"]

RENDERINGS = ("html", "fulltext", "markdown")
# Renderings stored beside the records (:data:`.real_pages.EXTRA_RENDERINGS`), read only when asked
# for: ``souptext`` is BeautifulSoup's ``get_text("\n")`` of the page.
STORED_RENDERINGS = ("souptext",)
# The default: HTML lines plus one plain-text rendering per page (which one: seeded alternation).
DEFAULT_PLAIN = ("fulltext", "markdown")
UNKNOWN = "unknown"
CUT_LINES = 5
PROSE_SALT = "textsieve-prose-v1|"
PROSE_MODULO = 8
# The chosen sites fall into this many buckets (by the same hash); a bucket's pages and the prose
# texts made of them share one group, so grouped folds never split a text from its lines' pages.
PROSE_BUCKETS = 8
# Line counts of the long all-prose texts (drawn uniformly per text).
PROSE_LINES = (40, 400)
REAL_GROUP = "real:"  # the group prefix of every real page's documents (``real:<site>``)
PROSE_GROUP = REAL_GROUP + "prose-"  # the group of a bucket's pages and prose texts (a real group)
PROSE_NAME = "prose-"  # the name prefix of a prose text
SNIPPET_SEED = 7919  # offsets the seed of the snippet pages' draw from the other pages' one
# Offsets the seed of the excerpts' draw (:func:`excerpt_documents`); the value the measured runs
# used, so that they retrain byte for byte.
EXCERPT_SEED = 7919
# Sources whose pages are all news stories with one story's text as gold (the module's news rules).
NEWS_SOURCES = ("newsarticles",)
# A news page with more rows than this (blank separators included) is left out (one_story_of_many).
ENDLESS_PAGE_LINES = 1000


def _long_prose(text: str) -> bool:
    """A paragraph: 12 words or more, ending like a sentence."""
    return len(text.split()) >= 12 and text.rstrip()[-1:] in '.!?"\u201d)'


def _prose_runs(rows: list) -> list[list[str]]:
    """The labels of each run of long prose lines in ``rows`` (one other line allowed between two)."""
    runs, run, gap = [], [], 0
    for row in rows:
        if row is None:
            continue
        if _long_prose(row[1]):
            run.append(row[0])
            gap = 0
            continue
        gap += 1
        if gap > 1 and run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def gold_stops_mid_prose(rec: dict) -> bool:
    """Whether the page's gold ends or starts inside a run of prose (see the module's rules)."""
    for run in _prose_runs(rec["fulltext"]):
        body = [lab == "body" for lab in run]
        switches = sum(a != b for a, b in zip(body, body[1:]))
        if switches == 1 and sum(body) >= CUT_LINES and len(body) - sum(body) >= CUT_LINES:
            return True
    return False


def one_story_of_many(rec: dict) -> bool:
    """Whether a news page is too big for its gold: more than ``ENDLESS_PAGE_LINES`` rows, blank
    separators included (see the module's news rules)."""
    return rec.get("source") in NEWS_SOURCES and len(rec["lines"]) > ENDLESS_PAGE_LINES


def plain_renderings(rec: dict, kinds: Sequence[str]) -> tuple[str, ...]:
    """The renderings a page gives when ``kinds`` are asked for: a news page gives one of the two
    plain-text renderings, not both (a hash of its id picks which); any other page, ``kinds``."""
    kinds = tuple(kinds)
    if rec.get("source") not in NEWS_SOURCES or not set(DEFAULT_PLAIN) <= set(kinds):
        return kinds
    keep = DEFAULT_PLAIN[int(hashlib.sha256(rec["id"].encode()).hexdigest(), 16) % len(DEFAULT_PLAIN)]
    return tuple(k for k in kinds if k not in DEFAULT_PLAIN or k == keep)


def prose_bucket(site: str) -> int | None:
    """The prose bucket of a ``train`` site whose body lines also go into the long all-prose
    texts (about one site in ``PROSE_MODULO``, fixed by a salted hash), ``None`` for the others."""
    value = int(hashlib.sha256((PROSE_SALT + site).encode("utf-8")).hexdigest()[:8], 16)
    return (value // PROSE_MODULO) % PROSE_BUCKETS if value % PROSE_MODULO == 0 else None


def prose_site(site: str) -> bool:
    """Whether a ``train`` site's body lines also go into the long all-prose texts."""
    return prose_bucket(site) is not None


def _page_group(rec: dict, buckets: dict) -> str:
    """The fold group of a page's documents and of every record cut from it: its prose bucket's
    group, else its own site's (the out-of-fold scores are honest only if they agree)."""
    return _bucket_group(buckets.get(rec["site"])) or f"{REAL_GROUP}{rec['site']}"


def _bucket_group(bucket: int | None) -> str | None:
    """The fold group of a page of a prose bucket's site (``None``: its own site's group)."""
    return None if bucket is None else f"{PROSE_GROUP}{bucket}"


def is_prose_text(doc: LabeledDocument) -> bool:
    """Whether a training document is one of the long all-prose texts (fitted like the team's
    documents, every row at weight 1, though its group is a real one)."""
    return doc.name.startswith(PROSE_NAME)


def prose_documents(records: Sequence[dict], seed: int = 0, group: str = PROSE_GROUP + "0",
                    first: int = 0) -> list[LabeledDocument]:
    """Long all-body plain texts from the body lines of ``records`` (their full-page text, in
    line order), joined page after page in a seeded order into texts of ``PROSE_LINES`` lines,
    one paragraph per line or blank-line separated (a seeded coin per text). A last text shorter
    than the minimum is dropped. Every text gets ``group``; they are numbered from ``first``."""
    pages = [[row[1] for row in rec["fulltext"] if row and row[0] == "body"] for rec in records]
    pages = [p for p in pages if p]
    rng = random.Random(seed)
    rng.shuffle(pages)
    docs: list[LabeledDocument] = []
    lines: list[str] = []
    target = rng.randint(*PROSE_LINES)
    for page in pages:
        lines.extend(page)
        if len(lines) < target:
            continue
        docs.append(_prose_document(first + len(docs), lines[:target], rng.random() < 0.5, group))
        lines, target = [], rng.randint(*PROSE_LINES)
    if len(lines) >= PROSE_LINES[0]:
        docs.append(_prose_document(first + len(docs), lines, rng.random() < 0.5, group))
    return docs


def _prose_document(n: int, paragraphs: list[str], blank: bool, group: str) -> LabeledDocument:
    lines, labels = [], []
    for i, text in enumerate(paragraphs):
        if blank and i:
            lines.append("")
            labels.append(BLANK)
        lines.append(text)
        labels.append("body")
    return LabeledDocument(name=f"{PROSE_NAME}{n}", lines=lines, labels=labels, group=group)


# Short excerpts of a page (see :func:`excerpt_documents`): body lines per excerpt, and labeled
# lines taken with them from right before and right after, each drawn uniformly.
EXCERPT_BODY_LINES = (1, 5)
EXCERPT_BEFORE = (0, 2)
EXCERPT_AFTER = (0, 3)
EXCERPT_NAME = PROSE_NAME + "excerpt-"  # fitted like the prose texts (:func:`is_prose_text`)


def excerpt_documents(rec: dict, n: int, rng: random.Random, group: str, first: int = 0) -> list[LabeledDocument]:
    """``n`` short records cut from the page's full-page text: a run of one to five
    consecutive body lines with the zero to two labeled lines right before it and zero to three
    right after it, as the page has them (whatever their labels), blank-line separated in half of
    them, in the page's ``group``. None for a page with an ``unknown`` line or no body.

    Why: a pipeline often cleans records of a few paragraphs cut from pages, with a line of the
    page's chrome around them ("Share this article", a copyright line), and no training document
    was like that: the team's documents have no chrome and real pages are long. Pass two reads a
    document's mean P(boilerplate), and in a text of a few lines one chrome line moved it past
    the point the trees learned separates the two, costing whole paragraphs (a short README kept
    one line of eight). Off by default: five retrains with two excerpts a page kept the body of
    such texts (0.999-1.000 against 0.950-0.993) but missed the seed floor (the README and
    ``benchmarks/EXPERIMENTS.md`` have the figures)."""
    rows = [r for r in rec["fulltext"] if r]
    if any(r[0] == UNKNOWN for r in rows):
        return []
    body = [i for i, r in enumerate(rows) if r[0] == "body"]
    out: list[LabeledDocument] = []
    for _ in range(n if body else 0):
        start = end = rng.choice(body)
        want = rng.randint(*EXCERPT_BODY_LINES)
        while end + 1 < len(rows) and rows[end + 1][0] == "body" and end - start + 1 < want:
            end += 1
        lo = max(0, start - rng.randint(*EXCERPT_BEFORE))
        hi = min(len(rows), end + 1 + rng.randint(*EXCERPT_AFTER))
        blank = rng.random() < 0.5
        lines: list[str] = []
        labels: list[str] = []
        for j, (label, text, *_) in enumerate(rows[lo:hi]):
            if blank and j:
                lines.append("")
                labels.append(BLANK)
            lines.append(text)
            labels.append(label)
        out.append(LabeledDocument(name=f"{EXCERPT_NAME}{first + len(out)}", lines=lines, labels=labels, group=group))
    return out


def _document(name: str, group: str, rows: list, with_context: bool,
              unlabeled: bool = False) -> LabeledDocument | None:
    """A labeled document from a record's rows (``[label, text(, context)]`` or ``None`` for a
    blank line); ``None`` when the rows hold an ``unknown`` line (unless ``unlabeled``: then it
    stays in the page as an ``UNLABELED`` context line) or no labeled line at all."""
    lines, labels, contexts = [], [], []
    for row in rows:
        if row is None:
            lines.append("")
            labels.append(BLANK)
            contexts.append(None)
            continue
        label, text = row[0], row[1]
        if label == UNKNOWN and not unlabeled:
            return None
        if label not in KNOWN_LABELS and label != UNKNOWN:
            raise CorpusError(f"{name}: label {label!r} is not one of {', '.join(KNOWN_LABELS)}; rebuild the real "
                              "pages with 'python -m textsieve.training.real_pages build'.")
        if "\n" in text or not text.strip():
            raise CorpusError(f"{name}: a labeled line is empty or holds a newline; rebuild the real pages.")
        lines.append(text)
        labels.append(UNLABELED if label == UNKNOWN else label)
        contexts.append(row[2] if with_context else None)
    while lines and labels[-1] == BLANK:  # the text ends with one newline, as the core's page text
        lines.pop()
        labels.pop()
        contexts.pop()
    if not any(lab not in (BLANK, UNLABELED) for lab in labels):
        return None
    return LabeledDocument(name=name, lines=lines, labels=labels, group=group,
                           contexts=contexts if with_context else None)


def record_documents(rec: dict, renderings: Iterable[str] = RENDERINGS, group: str | None = None,
                     unlabeled: bool = False) -> list[LabeledDocument]:
    """The training documents of one ``train`` record, one per rendering that is fully labeled
    (or, with ``unlabeled``, that has at least one labeled line).

    ``group``: the documents' group (default ``real:<site>``). ``unlabeled``: a snippet-labeled
    page gives its documents too, its ``unknown`` lines kept as ``UNLABELED`` context lines
    (see the module's rules). Raises
    :class:`~textsieve.errors.CorpusError` for a held-out record: training must never see a
    held-out site.
    """
    if rec.get("split") != "train":
        raise CorpusError(f"real page {rec.get('id')}: split {rec.get('split')!r} is not 'train'; held-out sites "
                          "are for evaluation only (read the records with split='train').")
    if rec.get("gold") != "text" and not unlabeled:
        return []  # snippet-labeled: mostly unknown lines
    group = group or f"{REAL_GROUP}{rec['site']}"
    out = []
    for kind in renderings:
        if kind == "html":
            doc = _document(f"{rec['id']}#html", group, rec["lines"], True, unlabeled)
        elif kind == "fulltext":
            doc = _document(f"{rec['id']}#fulltext", group, rec["fulltext"], False, unlabeled)
        elif kind == "markdown":
            doc = _document(f"{rec['id']}#markdown", group, markdown_lines(rec), False, unlabeled)
        elif kind in STORED_RENDERINGS:
            # every page has one unless the stored rendering is older than the page
            doc = _document(f"{rec['id']}#{kind}", group, rec[kind], False, unlabeled) if kind in rec else None
        else:
            raise ValueError(f"unknown rendering {kind!r}; choose from {', '.join(RENDERINGS + STORED_RENDERINGS)}")
        if doc is not None:
            out.append(doc)
    return out


def real_documents(path: str | Path | None = None, *, max_pages: int | None = None, seed: int = 0,
                   renderings: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                   records: Iterable[dict] | None = None, prose: bool = False,
                   skip_cut_gold: bool = False, snippet_pages: bool = False,
                   excerpts: int = 0) -> list[LabeledDocument]:
    """Training documents from the committed real pages of the ``train`` split.

    ``max_pages``: at most this many pages (a seeded shuffle picks them; ``None``: all).
    ``renderings``: which documents every page gives (see :data:`RENDERINGS`); ``None`` is the
    default mix, HTML lines plus one plain-text rendering alternating between the full-page
    dump and markdown. ``sources``: only these sources. ``records``: use these instead of reading
    ``path`` (tests). ``prose``: the body lines of the chosen pages of :func:`prose_site` sites also give long
    all-prose texts (:func:`prose_documents`, after the page documents, in their pages' group).
    ``skip_cut_gold``: leave out the pages :func:`gold_stops_mid_prose` or
    :func:`one_story_of_many` matches. Both are off here
    and on in :func:`.train.train` (see the module's rules for why, and the README for what
    they measured). ``snippet_pages``: the pages labeled from snippets only (trafilatura's) come
    too, after the others, each with its ``unknown`` lines as unfitted context lines (every one
    of them, whatever ``max_pages``; a second seeded draw picks their plain-text renderings;
    :func:`.train.read_real` reads no real page at all for ``real_pages=0``). ``excerpts``: every
    page in use (not the snippet pages) also gives this many short records of a few of its lines
    (:func:`excerpt_documents`, in the page's group, after the long prose texts; 0, the default,
    none). Same data and seed give the same documents in the same order.
    """
    every = [r for r in (records if records is not None else read_records(path, split="train"))
             if sources is None or r["source"] in sources]
    for kind in set(renderings or ()) & set(STORED_RENDERINGS):
        if records is None or not all(kind in r for r in every):
            attach_rendering(every, kind, path)
    recs = [r for r in every if r.get("gold") == "text"
            and not (skip_cut_gold and (gold_stops_mid_prose(r) or one_story_of_many(r)))]
    snippets = sorted((r for r in every if r.get("gold") != "text"), key=lambda r: r["id"]) if snippet_pages else []
    for r in recs + snippets:
        if r.get("split") != "train":
            raise CorpusError(f"real page {r.get('id')}: split {r.get('split')!r} is not 'train'; held-out sites "
                              "are for evaluation only.")
    recs.sort(key=lambda r: r["id"])
    buckets = {r["site"]: prose_bucket(r["site"]) for r in recs} if prose else {}
    rng = random.Random(seed)
    order = list(range(len(recs)))
    rng.shuffle(order)
    if max_pages is not None:
        order = sorted(order[:max_pages])
    docs: list[LabeledDocument] = []
    for i in order:
        kinds = renderings if renderings is not None else ("html", DEFAULT_PLAIN[rng.randrange(len(DEFAULT_PLAIN))])
        docs.extend(record_documents(recs[i], plain_renderings(recs[i], kinds), _page_group(recs[i], buckets)))
    chosen = [recs[i] for i in sorted(order)]  # the pages in use, in id order
    for bucket in sorted(set(buckets.values()) - {None}):
        bucket_recs = [r for r in chosen if buckets[r["site"]] == bucket]
        docs += prose_documents(bucket_recs, seed + bucket, _bucket_group(bucket),
                                sum(map(is_prose_text, docs)))
    if excerpts:
        excerpt_rng = random.Random(seed + EXCERPT_SEED)
        made = 0
        for r in chosen:
            cut = excerpt_documents(r, excerpts, excerpt_rng, _page_group(r, buckets), made)
            made += len(cut)
            docs += cut
    snippet_rng = random.Random(seed + SNIPPET_SEED)
    for r in snippets:
        kinds = renderings if renderings is not None else ("html", DEFAULT_PLAIN[snippet_rng.randrange(len(DEFAULT_PLAIN))])
        docs.extend(record_documents(r, kinds, _bucket_group(prose_bucket(r["site"]) if prose else None),
                                     unlabeled=True))
    return docs
