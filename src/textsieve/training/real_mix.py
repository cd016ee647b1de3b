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
  are mostly ``unknown`` and are skipped: they serve evaluation. A rendering that still holds an
  ``unknown`` line is skipped too, not trained with holes: the page-level revision features
  (document means, neighbours' scores) must see the page as serving does, so dropping lines
  from a page would teach a page that never occurs, and keeping them with a guessed label would
  teach noise.
- **Groups by site.** Every document of a page has the group ``real:<site>``, so the grouped
  out-of-fold first-pass scores never score a page with a model that saw its site's chrome:
  the situation at serving time, on a site the model never saw.
- **Weighing.** No sample weights (the trainer has none; a repeat costs the same as a weight and
  adds nothing the trees do not already see). Real and team data are balanced by *how much*
  real data goes in: ``max_pages`` (pages, chosen by a seeded shuffle, so a large real set does
  not drown the team's documents and the training time stays bounded) and ``renderings``. By
  default every chosen page gives its HTML block lines and ONE plain-text rendering, alternating
  (seeded) between the full-page dump and markdown, so plain text is learned in both forms at
  the cost of one.
Two options, off by default (``real_documents(prose=True, skip_cut_gold=True)``, ``train(...)``
the same): together they make every retrain keep long clean texts whole (19 seeds), but no run of
them has yet beaten the shipped model on every held-out bar (see the README, "Long pages of
prose"), so the shipped model is trained without them.

- **Gold that stops mid-text** (``skip_cut_gold``). A page whose gold main content ends (or starts) in the middle
  of a run of prose is left out (:func:`gold_stops_mid_prose`): at least ``CUT_LINES`` long prose
  lines labeled body, then at least as many labeled otherwise, in one run of prose with one
  change of label (one short line, a caption or a subheading, may sit between two paragraphs).
  WCXB's gold of wcxb/2498 stops after half of the article: its other half, 150 paragraphs
  labeled chrome on a page whose lines all read as body, taught the trees that such a page's
  prose is chrome wherever its mean score fell, and long clean texts there lost most of their
  lines. Comment threads do not match: a name, a date or "Reply" breaks the run between posts.
- **Long prose** (``prose``). The pages of about one ``train`` site in eight (:func:`prose_site`, a salted
  hash, the same for every seed) give no page documents; their body lines are joined, page after
  page, into long all-body plain texts (:func:`prose_documents`): 40 to 400 lines, paragraphs
  separated by blank lines in half of them. Why: no training page was all prose (the longest
  all-body document had 49 lines), so a long clean article, the text a pipeline that already
  extracted its pages hands over, fell in a corner of pass two's page features that a few
  mislabeled pages had taught was chrome (a 200-paragraph story lost up to 78% of its lines,
  ``benchmarks/long_prose.py``). The sites are set apart, not shared with the page documents,
  so the out-of-fold scores of these texts come from a model that never saw their lines, as
  at serving time; their group is ``prose:<n>``, so they are fitted like the team's documents.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import CorpusError
from .corpus import BLANK, KNOWN_LABELS, LabeledDocument
from .real_pages import markdown_lines, read_records

__all__ = ["RENDERINGS", "UNKNOWN", "record_documents", "real_documents", "DEFAULT_PLAIN", "prose_site",
           "gold_stops_mid_prose",
           "prose_documents", "PROSE_LINES"]

RENDERINGS = ("html", "fulltext", "markdown")
# The default: HTML lines plus one plain-text rendering per page (which one: seeded alternation).
DEFAULT_PLAIN = ("fulltext", "markdown")
UNKNOWN = "unknown"
CUT_LINES = 5
PROSE_SALT = "textsieve-prose-v1|"
PROSE_MODULO = 8
# Line counts of the long all-prose texts (drawn uniformly per text).
PROSE_LINES = (40, 400)
PROSE_GROUP = "prose:"


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


def prose_site(site: str) -> bool:
    """Whether a ``train`` site's pages become long all-prose texts instead of page documents
    (about one site in ``PROSE_MODULO``, fixed by a salted hash)."""
    digest = hashlib.sha256((PROSE_SALT + site).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % PROSE_MODULO == 0


def prose_documents(records: Sequence[dict], seed: int = 0) -> list[LabeledDocument]:
    """Long all-body plain texts from the body lines of ``records`` (their full-page text, in
    line order), joined page after page in a seeded order into texts of ``PROSE_LINES`` lines,
    one paragraph per line or blank-line separated (a seeded coin per text). A last text shorter
    than the minimum is dropped."""
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
        docs.append(_prose_document(len(docs), lines[:target], rng.random() < 0.5))
        lines, target = [], rng.randint(*PROSE_LINES)
    if len(lines) >= PROSE_LINES[0]:
        docs.append(_prose_document(len(docs), lines, rng.random() < 0.5))
    return docs


def _prose_document(n: int, paragraphs: list[str], blank: bool) -> LabeledDocument:
    lines, labels = [], []
    for i, text in enumerate(paragraphs):
        if blank and i:
            lines.append("")
            labels.append(BLANK)
        lines.append(text)
        labels.append("body")
    return LabeledDocument(name=f"prose-{n}", lines=lines, labels=labels, group=f"{PROSE_GROUP}{n}")


def _document(name: str, group: str, rows: list, with_context: bool) -> LabeledDocument | None:
    """A labeled document from a record's rows (``[label, text(, context)]`` or ``None`` for a
    blank line); ``None`` when the rows hold an ``unknown`` line or no text at all."""
    lines, labels, contexts = [], [], []
    for row in rows:
        if row is None:
            lines.append("")
            labels.append(BLANK)
            contexts.append(None)
            continue
        label, text = row[0], row[1]
        if label == UNKNOWN:
            return None
        if label not in KNOWN_LABELS:
            raise CorpusError(f"{name}: label {label!r} is not one of {', '.join(KNOWN_LABELS)}; rebuild the real "
                              "pages with 'python -m textsieve.training.real_pages build'.")
        if "\n" in text or not text.strip():
            raise CorpusError(f"{name}: a labeled line is empty or holds a newline; rebuild the real pages.")
        lines.append(text)
        labels.append(label)
        contexts.append(row[2] if with_context else None)
    while lines and labels[-1] == BLANK:  # the text ends with one newline, as the core's page text
        lines.pop()
        labels.pop()
        contexts.pop()
    if not any(lab != BLANK for lab in labels):
        return None
    return LabeledDocument(name=name, lines=lines, labels=labels, group=group,
                           contexts=contexts if with_context else None)


def record_documents(rec: dict, renderings: Iterable[str] = RENDERINGS) -> list[LabeledDocument]:
    """The training documents of one ``train`` record, one per rendering that is fully labeled.

    Raises :class:`~textsieve.errors.CorpusError` for a held-out record: training must never see
    a held-out site.
    """
    if rec.get("split") != "train":
        raise CorpusError(f"real page {rec.get('id')}: split {rec.get('split')!r} is not 'train'; held-out sites "
                          "are for evaluation only (read the records with split='train').")
    if rec.get("gold") != "text":
        return []  # snippet-labeled: mostly unknown lines, evaluation only
    group = f"real:{rec['site']}"
    out = []
    for kind in renderings:
        if kind == "html":
            doc = _document(f"{rec['id']}#html", group, rec["lines"], with_context=True)
        elif kind == "fulltext":
            doc = _document(f"{rec['id']}#fulltext", group, rec["fulltext"], with_context=False)
        elif kind == "markdown":
            doc = _document(f"{rec['id']}#markdown", group, markdown_lines(rec), with_context=False)
        else:
            raise ValueError(f"unknown rendering {kind!r}; choose from {', '.join(RENDERINGS)}")
        if doc is not None:
            out.append(doc)
    return out


def real_documents(path: str | Path | None = None, *, max_pages: int | None = None, seed: int = 0,
                   renderings: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                   records: Iterable[dict] | None = None, prose: bool = False,
                   skip_cut_gold: bool = False) -> list[LabeledDocument]:
    """Training documents from the committed real pages of the ``train`` split.

    ``max_pages``: at most this many pages (a seeded shuffle picks them; ``None``: all).
    ``renderings``: which documents every page gives (see :data:`RENDERINGS`); ``None`` is the
    default mix, HTML lines plus one plain-text rendering alternating between the full-page
    dump and markdown. ``sources``: only these sources. ``records``: use these instead of reading
    ``path`` (tests). ``prose``: the pages of :func:`prose_site` sites give long all-prose texts
    (:func:`prose_documents`, after the page documents) instead of page documents.
    ``skip_cut_gold``: leave out the pages :func:`gold_stops_mid_prose` matches. Both are off by
    default (see the module's rules for why, and the README for what they measured). Same data
    and seed give the same documents in the same order.
    """
    recs = records if records is not None else read_records(path, split="train")
    recs = [r for r in recs if r.get("gold") == "text" and (sources is None or r["source"] in sources)
            and not (skip_cut_gold and gold_stops_mid_prose(r))]
    for r in recs:
        if r.get("split") != "train":
            raise CorpusError(f"real page {r.get('id')}: split {r.get('split')!r} is not 'train'; held-out sites "
                              "are for evaluation only.")
    recs.sort(key=lambda r: r["id"])
    set_apart = [r for r in recs if prose and prose_site(r["site"])]
    if set_apart:
        recs = [r for r in recs if not prose_site(r["site"])]
    rng = random.Random(seed)
    order = list(range(len(recs)))
    rng.shuffle(order)
    if max_pages is not None:
        order = sorted(order[:max_pages])
    docs: list[LabeledDocument] = []
    for i in order:
        kinds = renderings if renderings is not None else ("html", DEFAULT_PLAIN[rng.randrange(len(DEFAULT_PLAIN))])
        docs.extend(record_documents(recs[i], kinds))
    return docs + prose_documents(set_apart, seed)
