"""Text -> segments, as Python objects: a thin view of the core's segmentation.

Segmentation lives in the Rust core (``src/core/src/segment.rs``), where serving and training
both run it. This module only turns its arrays into :class:`Segment` records for code that wants
to look at segments one by one (training's labeling of segments, tests, notebooks); the serving
path never builds them.

A segment is one non-blank source line, or one of two parts of a line when the line looks like
two blocks glued together because a scraper lost the newline between them
(``...geopolitical trends.- Steamunblocked Games Play ...``). The cut is provisional: the
classifier labels both parts in context and the parts are joined again when they get the same
label. Offsets are character offsets into the caller's string, so ``text[start:end]`` is always
the segment's text (lone surrogates count as one character each, like U+FFFD, which replaces them).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Segment", "segment", "glue_offset"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One unit to label, with the layout facts the features use.

    ``part``/``parts`` say whether the segment is a whole line (0/1) or the head (0/2) or tail
    (1/2) of a provisionally cut line. ``line_start`` is where the source line begins.
    ``blank_before``/``blank_after`` count blank lines between this segment and its neighbours.
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
    """Where a (stripped) line may hold a second block glued to its end (the tail's first
    character), or None."""
    from . import _core

    return _core.glue_offset(line)


def segment(text: str, *, split_glued: bool = True, contexts=None) -> list[Segment]:
    """Cut ``text`` into segments (the core's rules); ``contexts`` (one per source line)
    attaches each line's markup facts."""
    from . import _core

    a = _core.segment(text, split_glued)
    source = _core.clean_surrogates(text)
    cols = [a[k].tolist() for k in ("line", "start", "end", "line_start", "part", "parts", "blank_before", "blank_after")]
    out = []
    for line, start, end, line_start, part, parts, before, after in zip(*cols):
        ctx = contexts[line] if contexts is not None and line < len(contexts) else None
        out.append(Segment(source[start:end], line, start, end, line_start, part, parts, before, after, ctx))
    return out
