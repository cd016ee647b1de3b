"""Segments -> feature matrix.

The junk textsieve removes is rarely recognisable from a line's words alone: "Conclusion" is a
heading, "Map of Russia - Guide of the World" a gallery caption, "- Military Ties: Beyond the
Headlines" a table-of-contents entry and "- Linda Gray A Legendary Actress And Advocate" an
injected link. What separates them is the line's *shape* and its *document context*: whether its
words appear elsewhere in the article (injected titles are off-topic), whether it repeats
another line (captions come in pairs, TOC entries repeat headings), where it sits, what its
neighbours look like. So every row carries three blocks:

* the document each row belongs to, which the classifier's second pass uses to find neighbours;
* dense shape and context features (``DENSE_FEATURES``), cheap to compute per line;
* hashed word uni/bigrams and character n-grams of a bounded prefix and suffix of the line, so a
  5 MB line costs no more than a 400-character one.

The input ``X`` is a list of documents, each a list of :class:`~textsieve.segment.Segment`; the
output is a :class:`Features` bundle with one row per segment, documents in order. That is what
lets one scikit-learn ``Pipeline`` hold featurizer and classifier, so training and serving cannot
drift. (A bundle rather than one stacked matrix: stacking and re-slicing a 400k-column sparse
matrix cost more than the classifier itself.)
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from dataclasses import dataclass
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer

from .segment import Segment

__all__ = ["SegmentFeaturizer", "Features", "DENSE_FEATURES"]

# Function words of the languages textsieve is trained on. Their share separates running prose
# (any language) from title lists, captions and form fields, and is stable across topics.
_STOP_EN = frozenset(
    """a about after all also an and any are as at be because been but by can could did do does
    for from had has have he her his how i if in into is it its just more most my no not of on
    one only or other our out over she so some such than that the their them then there these
    they this to up was we were what when where which while who will with would you your""".split()
)
_STOP_OTHER = frozenset(
    """der die das und ist nicht ein eine einen dem den des mit sich auf für von zu im auch
    es sie er wir ich aber als wie oder wenn noch nach bei aus um hat sind war werden wird kann
    le la les et est un une des du de dans pour pas que qui sur au aux avec ce cette il elle nous
    vous ils sont mais ou plus par se ne son sa ses leur été être
    el los las y es un una unos del al en por para con que se no su sus lo como más pero o muy
    ya este esta ha son fue ser está entre cuando también""".split()
)
_STOP_ALL = _STOP_EN | _STOP_OTHER

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_MARKER = re.compile(r"^(?:[-–—•*·»→>+▪◦●■□✓✔]|\d{1,3}[.)]|[a-zA-Z][.)]|#\d+|\(\d{1,3}\))\s*")
_KEY_VALUE = re.compile(r"^[^\W\d_][\w .'/()&-]{0,32}?\s?:\s*\S")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|io|co|de|fr|es|uk)\b", re.IGNORECASE)
_EMAIL = re.compile(r"\w[\w.+-]*@\w[\w-]*\.\w")
_HANDLE = re.compile(r"(?<![\w.])@\w{2,}")
_NORMALISE = re.compile(r"[\W_]+", re.UNICODE)

_HEAD = 300  # characters of a line that feed the per-line statistics
# Caps far above anything in training (the longest training line has ~1,300 characters and 9
# sentences), so clipping changes no training value: it keeps a 100 MB one-line file from
# becoming a feature value the linear first pass extrapolates to nonsense.
_MAX_CHARS = 20_000
_MAX_SENTENCES = 100

# Class/id/role tokens grouped by what they usually mark. Substring matches, so "td-author-box",
# "relatedPosts" and "wp-caption-text" all count; several languages' words where sites use them.
HINT_GROUPS: dict[str, tuple[str, ...]] = {
    "author": ("author", "byline", "bio", "profile", "avatar", "writer", "autor", "auteur", "vcard", "contributor"),
    "related": ("related", "recommend", "popular", "trending", "similar", "suggest", "teaser", "widget", "sidebar",
                "promo", "sponsor", "outbrain", "taboola", "mostread", "readmore", "morefrom", "youmay", "card"),
    "caption": ("caption", "credit", "figure", "photo", "image", "img", "gallery", "legend", "thumb", "media"),
    "social": ("social", "share", "follow", "twitter", "facebook", "instagram", "linkedin", "whatsapp"),
    "nav": ("nav", "menu", "breadcrumb", "header", "footer", "topbar", "masthead", "pagination", "navigation",
            "contentinfo", "banner", "skip", "tags", "categor"),
    "content": ("content", "article", "entry", "post", "body", "text", "story", "main", "prose", "paragraph", "richtext"),
    "comment": ("comment", "reply", "disqus", "discussion", "respond"),
}
_TAG_GROUPS = (
    ("h1", "h2", "h3", "h4", "h5", "h6"), ("p",), ("li", "dt", "dd"), ("td", "th"), ("figcaption", "caption"),
    ("pre",), ("a",), ("br",),
)
_TAG_INDEX = {tag: i for i, group in enumerate(_TAG_GROUPS) for tag in group}
_ANCESTORS = ("figure", "nav", "header", "footer", "aside", "table", "form", "blockquote", "article", "main", "ul", "ol", "a")
HTML_FEATURES: tuple[str, ...] = (
    ("html", "link_share", "all_link", "link_list", "image", "alt_overlap", "log_link_run", "doc_link_share")
    + tuple(f"tag_{g[0]}" for g in _TAG_GROUPS) + ("tag_other",)
    + tuple(f"in_{a}" for a in _ANCESTORS)
    + tuple(f"hint_{g}" for g in HINT_GROUPS) + tuple(f"near_hint_{g}" for g in HINT_GROUPS)
    + ("prev_link_share", "next_link_share", "same_tag_prev", "same_tag_next")
)

_SHAPE_CONTEXT = ("len", "terminal", "marker", "title", "kv", "present")
DENSE_FEATURES: tuple[str, ...] = (
    "log_chars", "log_words", "mean_word_len", "ends_terminal", "ends_colon", "ends_other",
    "starts_marker", "starts_digit", "starts_quote", "indented", "title_ratio", "caps_ratio",
    "stop_en", "stop_any", "key_value", "spaced_colon", "has_url", "has_email", "has_handle",
    "digit_ratio", "log_sentences", "dash_seps", "pipe_seps", "dot_seps", "commas_per_word",
    "doc_overlap", "log_content_words", "title_overlap", "log_exact_dups", "log_key_dups",
    "rel_position", "log_index", "log_from_end", "log_doc_segments", "blank_before", "blank_after",
    "is_tail", "has_tail", "rel_char_position", "doc_long_share", "doc_blank_share",
    "marker_run", "short_run", "neighbour_overlap",
) + tuple(f"{side}_{name}" for side in ("prev2", "prev", "next", "next2") for name in _SHAPE_CONTEXT)


def _line_shape(text: str) -> tuple:
    """Per-line facts reused by the line itself and by its neighbours (computed once)."""
    head = text[:_HEAD]
    words = _WORD.findall(head)
    n_words = len(words)
    if n_words:
        low_words = " ".join(words).lower().split()
        title = len([w for w in words if w[0].isupper()])
        caps = len([w for w in words if w.isupper() and len(w) > 1])
        stop_en = len([w for w in low_words if w in _STOP_EN])
        stop_any = stop_en + len([w for w in low_words if w in _STOP_OTHER])
        mean_len = (len(head) - head.count(" ")) / n_words
    else:
        title = caps = stop_en = stop_any = 0
        mean_len = 0.0
        low_words = []
    last = text[-1]
    marker = _MARKER.match(head) is not None
    kv = _KEY_VALUE.match(head[2:] if marker else head) is not None
    return (
        n_words, title, caps, stop_en, stop_any, mean_len, last, marker, kv, low_words,
    )


def _content_words(lower_words: list[str]) -> set[str]:
    return {w for w in lower_words if len(w) > 3 and w not in _STOP_ALL}


@dataclass(frozen=True)
class Features:
    """Featurizer output: per-row document ids, dense features, hashed n-grams."""

    docs: np.ndarray
    dense: np.ndarray
    hashed: sp.csr_matrix

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.docs), self.dense.shape[1] + self.hashed.shape[1])

    def __getitem__(self, rows) -> "Features":
        return Features(self.docs[rows], self.dense[rows], self.hashed[rows])


class SegmentFeaturizer(TransformerMixin, BaseEstimator):
    """Turn documents of segments into one sparse row per segment.

    Stateless (``fit`` learns nothing), so it is safe to share between processes and cheap to
    pickle. ``max_chars`` bounds the text that feeds the word n-gram hashes: the first
    ``max_chars`` and the last ``max_chars // 4`` characters of a line, which is where headings,
    link titles, captions and the ends of glued paragraphs live; character n-grams see the first
    ``char_chars``.
    """

    def __init__(self, n_word_features: int = 2**18, n_char_features: int = 2**17, max_chars: int = 200,
                 char_chars: int = 64, html_features: bool = True):
        self.n_word_features = n_word_features
        self.n_char_features = n_char_features
        self.max_chars = max_chars
        self.char_chars = char_chars
        self.html_features = html_features

    @property
    def dense_names(self) -> tuple[str, ...]:
        return DENSE_FEATURES + (HTML_FEATURES if getattr(self, "html_features", False) else ())

    def fit(self, X, y=None):
        return self

    def _vectorizers(self):
        words = HashingVectorizer(
            n_features=self.n_word_features, ngram_range=(1, 2), alternate_sign=False,
            token_pattern=r"(?u)\b\w+\b", norm="l2", dtype=np.float32,
        )
        chars = HashingVectorizer(
            n_features=self.n_char_features, analyzer="char_wb", ngram_range=(3, 4),
            alternate_sign=False, norm="l2", dtype=np.float32,
        )
        return words, chars

    def _vectorizers_cached(self):
        # The vectorizers are stateless; building them once per featurizer saves their
        # parameter validation on every call (which matters when cleaning one page at a time).
        cached = self.__dict__.get("_vectorizer_cache")
        if cached is None:
            cached = self.__dict__["_vectorizer_cache"] = self._vectorizers()
        return cached

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_vectorizer_cache", None)  # rebuilt on first use; keeps model files lean
        return state

    def get_feature_names_out(self, input_features=None):
        return np.asarray(
            [*self.dense_names]
            + [f"word_hash_{i}" for i in range(self.n_word_features)]
            + [f"char_hash_{i}" for i in range(self.n_char_features)],
            dtype=object,
        )

    def transform(self, X: Sequence[Sequence[Segment]]) -> Features:
        rows: list[list[float]] = []
        doc_ids: list[int] = []
        snippets: list[str] = []
        tail = max(1, self.max_chars // 4)
        html = getattr(self, "html_features", False)
        for doc_no, doc in enumerate(X):
            rows.extend(_document_rows(doc))
            if html:
                _add_html_rows(doc, rows)
            doc_ids.extend([doc_no] * len(doc))
            for seg in doc:
                t = seg.text
                snippets.append(t if len(t) <= self.max_chars + tail else t[: self.max_chars] + " " + t[-tail:])
        dense = np.asarray(rows, dtype=np.float32).reshape(len(rows), len(self.dense_names))
        words, chars = self._vectorizers_cached()
        hashed = words.transform(snippets)
        if self.n_char_features:
            hashed = sp.hstack([hashed, chars.transform([s[: self.char_chars] for s in snippets])], format="csr")
        return Features(np.asarray(doc_ids, dtype=np.int64), dense, hashed)


def _document_rows(doc: Sequence[Segment]) -> list[list[float]]:
    n = len(doc)
    if n == 0:
        return []
    shapes = [_line_shape(seg.text) for seg in doc]
    content = [_content_words(s[9]) for s in shapes]
    doc_counts: Counter[str] = Counter()
    for c in content:
        doc_counts.update(c)
    title_words = content[0]
    exact = Counter(seg.text for seg in doc)
    keys = [_NORMALISE.sub(" ", _MARKER.sub("", seg.text[:300])).strip().lower() for seg in doc]
    key_counts = Counter(keys)
    lengths = [len(seg.text) for seg in doc]
    total_chars = sum(lengths) or 1
    long_share = sum(1 for x in lengths if x > 200) / n
    blank_share = sum(1 for seg in doc if seg.blank_before) / n
    log_n = math.log1p(n)

    # Runs of list items and of short unpunctuated lines: link lists and author boxes come in
    # blocks, so the size of the block a line sits in is informative.
    marker_run = _runs([s[7] for s in shapes])
    short_run = _runs([lengths[i] < 120 and shapes[i][6] not in ".!?" for i in range(n)])

    def context(j: int) -> list[float]:
        if j < 0 or j >= n:
            return [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        s = shapes[j]
        return [
            math.log1p(min(lengths[j], _MAX_CHARS)), float(s[6] in ".!?"), float(s[7]),
            s[1] / s[0] if s[0] else 0.0, float(s[8]), 1.0,
        ]

    ctx = [context(j) for j in range(n)]
    blank_ctx = [0.0] * 6
    rows = []
    chars_before = 0
    for i, seg in enumerate(doc):
        t = seg.text
        n_words, title, caps, stop_en, stop_any, mean_len, last, marker, kv, lower = shapes[i]
        words = n_words or 1
        length = lengths[i]
        head = t[:_HEAD]
        c = content[i]
        if c:
            elsewhere = sum(1 for w in c if doc_counts[w] > 1)
            overlap = elsewhere / len(c)
            t_overlap = len(c & title_words) / len(c) if i else 1.0
            prev_c = content[i - 1] if i else set()
            next_c = content[i + 1] if i + 1 < n else set()
            neigh = len(c & (prev_c | next_c)) / len(c)
        else:
            overlap = t_overlap = neigh = 0.0
        digits = sum(map(str.isdigit, head))
        first = t[0]
        row = [
            math.log1p(min(length, _MAX_CHARS)), math.log1p(n_words), min(mean_len, 20.0),
            float(last in ".!?"), float(last == ":"), float(last in ",;)\"”’»…"),
            float(marker), float(first.isdigit()), float(first in "\"“„«'‘"),
            float(seg.start > seg.line_start and seg.part == 0),
            (title - 1) / (words - 1) if n_words > 1 else float(title),
            caps / words, stop_en / words, stop_any / words,
            float(kv), float(" : " in head[:60] or " :" in head[:40]),
            float(_URL.search(head) is not None), float(_EMAIL.search(head) is not None),
            float(_HANDLE.search(head) is not None),
            digits / len(head),
            math.log1p(min(t.count(". ", 0, _MAX_CHARS * 2) + t.count("? ", 0, _MAX_CHARS * 2) + t.count("! ", 0, _MAX_CHARS * 2),
                           _MAX_SENTENCES)),
            float(head.count(" - ") + head.count(" – ") + head.count(" — ")),
            float(head.count(" | ")), float(head.count(" · ") + head.count(" • ")),
            head.count(",") / words,
            overlap, math.log1p(len(c)), t_overlap,
            math.log1p(exact[t] - 1), math.log1p(key_counts[keys[i]] - exact[t]),
            i / n, math.log1p(i), math.log1p(n - 1 - i), log_n,
            float(min(seg.blank_before, 3)), float(min(seg.blank_after, 3)),
            float(seg.part == 1), float(seg.parts == 2 and seg.part == 0),
            chars_before / total_chars, long_share, blank_share,
            math.log1p(marker_run[i]), math.log1p(short_run[i]), neigh,
        ]
        row += ctx[i - 2] if i >= 2 else blank_ctx
        row += ctx[i - 1] if i >= 1 else blank_ctx
        row += ctx[i + 1] if i + 1 < n else blank_ctx
        row += ctx[i + 2] if i + 2 < n else blank_ctx
        rows.append(row)
        chars_before += length
    return rows


def _runs(flags: list[bool]) -> list[int]:
    """For each position, the length of the run of True flags it belongs to (0 if False)."""
    out = [0] * len(flags)
    i = 0
    while i < len(flags):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < len(flags) and flags[j]:
            j += 1
        for k in range(i, j):
            out[k] = j - i
        i = j
    return out


_N_HTML = len(HTML_FEATURES)
_NO_HTML = [0.0] * _N_HTML


_HINT_RES = [re.compile("|".join(map(re.escape, keys))) for keys in HINT_GROUPS.values()]


@lru_cache(maxsize=4096)
def _hint_flags_cached(tokens: tuple) -> tuple:
    joined = " ".join(tokens)
    return tuple(float(rx.search(joined) is not None) for rx in _HINT_RES)


def _hint_flags(tokens) -> list[float]:
    """One flag per hint group (lines of a page share few distinct token tuples: cached)."""
    return list(_hint_flags_cached(tuple(tokens)))


def _add_html_rows(doc: Sequence[Segment], rows: list[list[float]]) -> None:
    """Append the HTML block to the last ``len(doc)`` rows (zeros for plain-text input).

    Computed per document so a line can be compared with its neighbours: a run of all-link
    lines is a widget, a lone link inside prose is not.
    """
    n = len(doc)
    base = len(rows) - n
    ctxs = [seg.html for seg in doc]
    if not any(c is not None for c in ctxs):
        for k in range(n):
            rows[base + k].extend(_NO_HTML)
        return
    shares = [c.link_share if c is not None else 0.0 for c in ctxs]
    link_run = _runs([s >= 0.6 for s in shares])
    lengths = [len(seg.text) for seg in doc]
    total = sum(lengths) or 1
    doc_share = sum(s * ln for s, ln in zip(shares, lengths)) / total
    tags = [c.tag if c is not None else "" for c in ctxs]
    # A class token says something only where it is not everywhere: page builders put
    # "elementor-widget-container" or "wp-block" on every element, body included. A hint group
    # present on more than half of the page's lines is switched off for that page.
    far = [_hint_flags(c.hints) if c is not None else None for c in ctxs]
    near = [_hint_flags(c.hints[:4]) if c is not None else None for c in ctxs]
    n_html = sum(c is not None for c in ctxs) or 1
    for flags in (far, near):
        present = [f for f in flags if f is not None]
        common = [sum(col) > 0.5 * n_html for col in zip(*present)] if present else []
        for f in present:
            for g, is_common in enumerate(common):
                if is_common:
                    f[g] = 0.0
    for i, (seg, c) in enumerate(zip(doc, ctxs)):
        if c is None:
            rows[base + i].extend(_NO_HTML)
            continue
        tag_onehot = [0.0] * (len(_TAG_GROUPS) + 1)
        tag_onehot[_TAG_INDEX.get(c.tag, len(_TAG_GROUPS))] = 1.0
        if c.alt:
            words = {w.lower() for w in _WORD.findall(seg.text[:_HEAD])}
            alt_overlap = len(words & c.alt) / len(words) if words else 0.0
        else:
            alt_overlap = 0.0
        row = [
            1.0, c.link_share, float(c.link_share >= 0.9), float(c.link_list), float(c.image), alt_overlap,
            math.log1p(link_run[i]), doc_share,
            *tag_onehot,
            *[float(a in c.ancestors) for a in _ANCESTORS],
            *far[i], *near[i],
            shares[i - 1] if i else 0.0, shares[i + 1] if i + 1 < n else 0.0,
            float(i > 0 and tags[i - 1] == c.tag), float(i + 1 < n and tags[i + 1] == c.tag),
        ]
        rows[base + i].extend(row)
