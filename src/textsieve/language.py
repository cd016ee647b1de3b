"""Document language, detected with langdetect on a bounded sample.

langdetect is slow on whole documents (about 0.4 MB/s) and random by default. A 1,000-character
sample from the document's longest lines takes a few milliseconds and is what decides the
language of a page anyway; the detector is seeded so the same text always gets the same answer.
"""
from __future__ import annotations

import threading

__all__ = ["detect_language", "UNKNOWN"]

UNKNOWN = "unknown"
SAMPLE_CHARS = 1000
_lock = threading.Lock()
_ready = False


def _sample(text: str) -> str:
    lines = sorted((ln.strip() for ln in text[: SAMPLE_CHARS * 20].split("\n")), key=len, reverse=True)
    out, size = [], 0
    for ln in lines:
        if not ln:
            break
        out.append(ln[:SAMPLE_CHARS])
        size += len(out[-1])
        if size >= SAMPLE_CHARS:
            break
    return " ".join(out)[:SAMPLE_CHARS]


def detect_language(text: str) -> str:
    """ISO 639-1 code ('en', 'de', ...) or ``'unknown'`` for text with too little signal."""
    global _ready
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:
        if not _ready:
            DetectorFactory.seed = 0
            _ready = True
    sample = _sample(text)
    if sum(ch.isalpha() for ch in sample) < 20:
        return UNKNOWN
    try:
        return detect(sample)
    except LangDetectException:
        return UNKNOWN
