"""Text -> segments: the units the classifier labels.

A segment is one non-blank source line, or one of two parts of a line when the line looks like
two blocks glued together because a scraper lost the newline between them
(``...geopolitical trends.- Steamunblocked Games Play ...`` or
``...these critical shifts. Why you should start with why``).

Glue is not decided here. This module only proposes *where* a line could have been glued
(a cheap pattern on the line's end) and cuts the line there provisionally; the classifier
labels both parts in their context, and :mod:`textsieve.labels` joins the parts again when they
get the same label. That keeps one learned decision instead of a second hand-tuned one, and a
paragraph with the next heading glued on (``...with Israel.Implications for ...``) simply stays
one body record.

Offsets are character offsets into the caller's string, so ``text[start:end]`` is always the
segment's text, whatever the line endings were (``\\n`` or ``\\r\\n``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Segment", "segment", "glue_offset"]

# A glued tail is short: a heading, a caption, one link title. Longer "tails" are ordinary
# last sentences and are left alone.
MIN_HEAD_CHARS = 40
MAX_TAIL_CHARS = 160
MIN_TAIL_CHARS = 3

_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
# Sentence end followed by the next block with no space at all: "trends.- Steam", "Israel.Implications".
_MARKS = "\\-–—•*·»›→▶►◦●■▪✓✔➤➔⇒☞★#“«¿¡"
_GLUE_TIGHT = re.compile(
    rf"(?<=[a-z%)\]*\"”’'ß-ÿ][.!?])(?=[{_UPPER}{_MARKS}0-9])"  # "trends.- Title", "Israel.Implications"
    rf"|(?<=[0-9][.!?])(?=[{_UPPER}{_MARKS}])"  # after a number, but not "2.5"
)
# Sentence end, whitespace, then a capitalised or marked start, on a line that itself does not
# end like a sentence: the tail after the last such boundary is a candidate.
_GLUE_SPACED = re.compile(rf"[.!?][\"”’')»]?\s+(?=[{_UPPER}{_MARKS}\"0-9(])")
# "Reality vs. Perception" is one heading, not a sentence end and a glued tail.
_ABBREVIATIONS = frozenset(
    "vs v etc e.g i.e dr mr mrs ms st no nr fig p pp vol jr sr inc ltd co approx ca cf al prof gen sen rep".split()
)
_SENTENCE_END = frozenset(".!?:;,\"”’')]»…")


@dataclass(frozen=True, slots=True)
class Segment:
    """One unit to label, with the layout facts the features need.

    ``part``/``parts`` say whether the segment is a whole line (0/1) or the head (0/2) or tail
    (1/2) of a provisionally cut line. ``line_start`` is where the source line begins, so the
    cleaner can keep a kept line's indentation.
    """

    text: str
    line: int
    start: int
    end: int
    line_start: int
    part: int = 0
    parts: int = 1
    blank_before: int = 0
    blank_after: int = 0
    html: object = None  # HtmlContext of the line when the text came from an HTML page


def glue_offset(line: str) -> int | None:
    """Where a (stripped) line may hold a second block glued to its end, or None.

    The offset is the first character of the tail; whitespace between the parts belongs to
    neither part. Only the last candidate is returned: injected junk lands at a paragraph's end.
    """
    n = len(line)
    if n < MIN_HEAD_CHARS + MIN_TAIL_CHARS:
        return None
    window_start = max(MIN_HEAD_CHARS, n - MAX_TAIL_CHARS - 2)
    best = None
    for m in _GLUE_TIGHT.finditer(line, window_start):
        off = m.start()
        if MIN_TAIL_CHARS <= n - off <= MAX_TAIL_CHARS and not _after_abbreviation(line, off - 1):
            best = off
    if best is not None:
        return best
    if line[-1] in _SENTENCE_END:
        return None
    for m in _GLUE_SPACED.finditer(line, window_start - 3):
        off = m.end()
        if m.start() + 1 >= MIN_HEAD_CHARS and MIN_TAIL_CHARS <= n - off <= MAX_TAIL_CHARS:
            if not _after_abbreviation(line, m.start()):
                best = off
    return best


def _after_abbreviation(line: str, dot: int) -> bool:
    word_start = line.rfind(" ", 0, dot) + 1
    return line[word_start:dot].lower().lstrip("(\"“") in _ABBREVIATIONS


def segment(text: str, *, split_glued: bool = True, contexts=None) -> list[Segment]:
    """Cut ``text`` into segments: non-blank lines, glued lines cut in two.

    Blank lines are not segments, but how many surround a segment is kept
    (``blank_before``/``blank_after``) because page layout is a strong hint: gallery captions
    and author boxes often come one per paragraph, real paragraphs in runs.

    ``contexts`` (one per source line, from :func:`textsieve.html.parse_html`) attaches each
    line's markup facts to its segments.
    """
    raw: list[tuple[int, int, int, int]] = []  # (line_no, line_start, start, end)
    blanks_before: list[int] = []
    pending_blanks = 0
    pos = 0
    for line_no, line in enumerate(text.split("\n")):
        line_start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            pending_blanks += 1
            continue
        lead = len(line) - len(line.lstrip())
        start = line_start + lead
        end = start + len(stripped)
        raw.append((line_no, line_start, start, end))
        blanks_before.append(pending_blanks if raw[:-1] else 0)
        pending_blanks = 0

    segments: list[Segment] = []
    for i, (line_no, line_start, start, end) in enumerate(raw):
        before = blanks_before[i]
        after = blanks_before[i + 1] if i + 1 < len(raw) else 0
        stripped = text[start:end]
        ctx = contexts[line_no] if contexts is not None and line_no < len(contexts) else None
        off = glue_offset(stripped) if split_glued else None
        if off is None:
            segments.append(Segment(stripped, line_no, start, end, line_start, 0, 1, before, after, ctx))
            continue
        head = stripped[:off].rstrip()
        tail_start = start + off
        segments.append(Segment(head, line_no, start, start + len(head), line_start, 0, 2, before, 0, ctx))
        segments.append(Segment(stripped[off:], line_no, tail_start, end, line_start, 1, 2, 0, after, ctx))
    return segments
