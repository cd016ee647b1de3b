"""Line labels for real web pages, from the page itself and its gold main content.

Real benchmark pages come with a gold *main content* (a plain-text copy of what a human judged
to be the page's content), or with node tags, or only with must-have / must-not snippets. None of
them says which of the page's *lines* are body, nor what the rest is. This module turns a page's
block lines plus its gold into one of five labels per line, with rules written once here:

1. **body** — the line is part of the gold main content. Lines of five words or more are matched
   by their word trigrams: body when at least half of their trigrams occur in the gold at places
   no earlier line matched (a paragraph repeated in a teaser box matches once). Shorter
   lines (headings, list items, table cells) are ambiguous ("Contact", "News" occur in menus and
   in articles alike), so they are body only when their words occur, in order, in the stretch of
   the gold *between* the gold positions of the nearest long body lines before and after them in
   the page, and each stretch of gold can be claimed once. Order is what tells the menu's "News"
   from the heading's "News".
   The page's title heading is body too when the gold names the title apart (a cleaned
   document keeps its title), and short lines holding the gold's author name are ``author_meta``.
2. Every other line gets a junk label from its markup and its text (first rule that fires wins):

   - **caption**: inside ``<figure>``/``<figcaption>``, or class/id tokens such as ``caption``,
     ``credit``, ``gallery``, ``photo``; or text shaped like a photo credit
     (``Photo: …``, ``Image credit …``, ``(Getty Images)``).
   - **author_meta**: class/id tokens such as ``author``, ``byline``, ``bio``, ``dateline``,
     ``date``, ``posted``; or short text shaped like a byline or dateline (``By Jane Doe``,
     ``Posted on 3 May 2021``, ``Updated …``, ``5 min read``, a bare date).
   - **link_spam**: a line that is (mostly) one link of four words or more — a story or product
     title, not in capitals (old menus) — outside ``nav``/``header``/``footer`` and outside class/id tokens of site chrome
     (``menu``, ``breadcrumb``, ``tags``, ``share``, ``footer``, ...), or any mostly-link line
     under class/id tokens such as ``related``, ``recommended``, ``popular``, ``trending``,
     ``teaser``. Links that read as chrome (``Skip to content``, ``Sign in``, ``Read more``,
     ``Next``) are never link spam.
   - **boilerplate**: everything else that is not main content: navigation, footers, cookie and
     legal notices, share and follow bars, login prompts, pagination, tag clouds, comment forms,
     sidebars.

Rule 2 applies the byline rule of issue 12, written once for every labeled set (real pages, the
team's documents, the held-out documents) in the README under "Bylines and datelines": bylines,
datelines and the headers of posts and comments are ``author_meta``, not body, because real gold
treats them as metadata; dates that are the document's content, titles, headings and sign-offs
stay body. On a real page the gold decides first (rule 1): a byline the gold keeps stays body,
because the gold is what the labels are scored against.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["LABELS", "words", "word_f1", "body_lines", "junk_label", "label_lines_from_gold", "label_lines_from_snippets",
           "title_and_author"]

LABELS = ("body", "boilerplate", "link_spam", "caption", "author_meta")

_WORD = re.compile(r"\w+")
LONG_LINE_WORDS = 5
TRIGRAM_SHARE = 0.5
NEAR_HINTS = 6


def words(text: str) -> list[str]:
    """Lower-cased ``\\w+`` tokens: the unit of WCXB's word F1, so labels and scores agree."""
    return _WORD.findall(text.lower())


def word_f1(predicted: str | Sequence[str], reference: str | Sequence[str]) -> float:
    """Bag-of-words F1 between two texts (or token lists), as WCXB defines it: lower-cased
    ``\\w+`` tokens, counted with multiplicity; an empty reference scores 1 only against an empty
    prediction."""
    from collections import Counter

    pred = Counter(words(predicted) if isinstance(predicted, str) else predicted)
    ref = Counter(words(reference) if isinstance(reference, str) else reference)
    if not ref:
        return 1.0 if not pred else 0.0
    if not pred:
        return 0.0
    overlap = sum((pred & ref).values())
    if not overlap:
        return 0.0
    p = overlap / sum(pred.values())
    r = overlap / sum(ref.values())
    return 2 * p * r / (p + r)


def _trigrams(tokens: Sequence[str]) -> list[tuple[str, str, str]]:
    return [tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)]


def body_lines(lines: Sequence[str], gold: str) -> list[bool]:
    """Which ``lines`` belong to ``gold`` (rule 1 of the module docstring)."""
    gold_tokens = words(gold)
    tri_pos: dict[tuple, list[int]] = {}
    for i, tri in enumerate(_trigrams(gold_tokens)):
        tri_pos.setdefault(tri, []).append(i)
    uni_pos: dict[str, list[int]] = {}
    for i, tok in enumerate(gold_tokens):
        uni_pos.setdefault(tok, []).append(i)

    toks = [words(t) for t in lines]
    is_body = [False] * len(lines)
    # (start, end) gold span of each long body line, for ordering the short ones
    anchor: list[tuple[int, int] | None] = [None] * len(lines)
    claimed: set[int] = set()
    for k, tk in enumerate(toks):
        if len(tk) < LONG_LINE_WORDS:
            continue
        tris = _trigrams(tk)
        starts = []
        for i, t in enumerate(tris):
            # the first occurrence no earlier line has claimed: a paragraph repeated in a
            # "related" box matches the gold only once
            p = next((p for p in tri_pos.get(t, ()) if p not in claimed), None)
            if p is not None:
                starts.append(p - i)
        if len(starts) >= TRIGRAM_SHARE * len(tris):
            is_body[k] = True
            start = max(0, sorted(starts)[len(starts) // 2])
            anchor[k] = (start, start + len(tk))
            claimed.update(range(start, start + len(tk)))

    prev_end = 0
    nxt = [len(gold_tokens)] * (len(lines) + 1)
    for k in range(len(lines) - 1, -1, -1):
        nxt[k] = anchor[k][0] if anchor[k] is not None else nxt[k + 1]
    for k, tk in enumerate(toks):
        if anchor[k] is not None:
            prev_end = max(prev_end, anchor[k][1])
            continue
        if not tk or len(tk) >= LONG_LINE_WORDS:
            continue
        lo, hi = prev_end, max(nxt[k + 1], prev_end)
        for p in uni_pos.get(tk[0], ()):
            if p < lo:
                continue
            if p > hi:
                break
            span = range(p, p + len(tk))
            if gold_tokens[p:p + len(tk)] == tk and not claimed.intersection(span):
                is_body[k] = True
                claimed.update(span)
                prev_end = p + len(tk)
                break
    return is_body


_CAPTION_HINTS = frozenset("caption figcaption credit credits gallery photo photos slideshow lightbox carousel".split())
_AUTHOR_HINTS = frozenset("author authors byline bio dateline date posted published pubdate timestamp writer "
                          "contributor postmeta".split())
_RELATED_HINTS = frozenset("related recommended recommend recommendations popular trending teaser teasers "
                           "suggested similar upsell crosssell recirculation outbrain taboola".split())
_CHROME_HINTS = frozenset("nav navbar navigation menu breadcrumb breadcrumbs pagination pager share sharing social "
                          "follow footer header tag tags tagcloud category categories cookie cookies consent "
                          "login signin signup newsletter subscribe skip".split())
_CHROME_TEXT = re.compile(r"^(skip to|jump to|sign in|sign up|log in|login|register|subscribe|read more|see more|"
                          r"show more|load more|view all|see all|back to top|next|previous|prev|older|newer|"
                          r"share|follow us|cookie|privacy|terms|impressum|datenschutz|anmelden|weiterlesen|mehr)\b", re.I)
_CHROME_ANCESTORS = frozenset(("nav", "header", "footer"))
_CREDIT = re.compile(r"^\(?\s*(photo|image|picture|foto|bild|credit|quelle|source)s?\b.{0,80}$|"
                     r"\b(getty images|reuters|ap photo|shutterstock|afp|dpa|istock|unsplash)\b\)?\s*$", re.I)
_MONTH = (r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|"
          r"(januar|februar|märz|mai|juni|juli|oktober|dezember)")
_DATE = re.compile(rf"^\W*(\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
                   rf"({_MONTH})\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\.?\s+({_MONTH})\s+\d{{4}})\b", re.I)
_BYLINE = re.compile(r"^(?i:by|von|par|por|di|door|written by|posted by|author:?|autor:?)\s+[A-ZÀ-Þ][^\s,]*[\s,]+[A-ZÀ-Þ]|"
                     r"(?i:^(posted|published|updated|last updated|veröffentlicht|aktualisiert)\b|"
                     r"\b\d+\s*(min|minute|minutes)\s+read\b)")


def junk_label(text: str, ctx: dict | None) -> str:
    """The junk label of a line that is not main content (rule 2 of the module docstring).

    ``ctx`` is the line's HTML context as a dict (keys of :class:`textsieve.html.HtmlContext`),
    or ``None`` for plain text, where only the text rules apply.
    """
    ctx = ctx or {}
    # the nearest few class/id tokens: a page-wide wrapper called "author" or "tags" far up the
    # tree says nothing about one line
    hints = set(tuple(ctx.get("hints", ()))[:NEAR_HINTS])
    ancestors = set(ctx.get("ancestors", ()))
    tag = ctx.get("tag", "")
    n_words = len(text.split())
    link_share = ctx.get("link_share", 0.0)
    if tag == "figcaption" or "figure" in ancestors or hints & _CAPTION_HINTS or (n_words <= 15 and _CREDIT.search(text)):
        return "caption"
    if n_words <= 30 and (hints & _AUTHOR_HINTS or (n_words <= 15 and _BYLINE.search(text))
                          or (n_words <= 8 and _DATE.search(text))):
        return "author_meta"
    if link_share >= 0.6 and not _CHROME_TEXT.search(text):
        if hints & _RELATED_HINTS:
            return "link_spam"
        if n_words >= 4 and not text.isupper() and not ancestors & _CHROME_ANCESTORS and not hints & _CHROME_HINTS:
            return "link_spam"
    return "boilerplate"


def label_lines_from_gold(lines: Sequence[str], contexts: Sequence[dict | None], gold: str,
                          title: str | None = None, author: str | None = None) -> list[str]:
    """One label per line: body from ``gold`` (rule 1), the rest from markup and text (rule 2).

    When the gold names the page's ``title`` and ``author`` apart from its main content (WCXB,
    Readability do), the first heading that reads as the title is body — a cleaned document
    keeps its title — and short lines that hold the author's name are ``author_meta``.
    """
    body = body_lines(lines, gold)
    out = ["body" if b else junk_label(t, c) for t, c, b in zip(lines, contexts, body)]
    return title_and_author(lines, contexts, out, title, author)


def title_and_author(lines: Sequence[str], contexts: Sequence[dict | None], labels: list[str],
                     title: str | None, author: str | None) -> list[str]:
    """``labels`` with the page's title heading made body and its author lines ``author_meta``
    (see :func:`label_lines_from_gold`); plain-text lines (no context) may be the title too."""
    out = list(labels)
    title_words = words(title or "")
    if title_words and not any(lab == "body" and words(t) == title_words for t, lab in zip(lines, out)):
        for k, (t, c) in enumerate(zip(lines, contexts)):
            if words(t) == title_words and (c or {}).get("tag", "h1") in ("h1", "h2", "h3", "h4", "h5", "h6"):
                out[k] = "body"
                break
    author_words = " ".join(words(author or ""))
    if author_words:
        for k, t in enumerate(lines):
            tw = words(t)
            if out[k] != "body" and len(tw) <= 12 and author_words in " ".join(tw):
                out[k] = "author_meta"
    return out


def _norm(text: str) -> str:
    return " ".join(words(text))


def label_lines_from_snippets(lines: Sequence[str], contexts: Sequence[dict | None], with_: Sequence[str],
                              without: Sequence[str]) -> list[str]:
    """Labels when only snippets are known: a line holding a must-have snippet is body, one
    holding a must-not snippet gets its junk label, every other line is ``'unknown'`` (never
    fitted: such pages serve evaluation, and with ``train(snippet_pages=True)`` their snippet lines
    are fitted too, the unknown ones staying in the page as context)."""
    norm = [_norm(t) for t in lines]
    out = ["unknown"] * len(lines)
    for snippets, body in ((without, False), (with_, True)):
        for s in snippets:
            ns = _norm(s)
            if not ns:
                continue
            for k, n in enumerate(norm):
                if ns in n:
                    out[k] = "body" if body else junk_label(lines[k], contexts[k])
    return out
