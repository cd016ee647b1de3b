"""Golden hard cases: small documents with the labels a careful reader would give.

Each file in tests/cases/ is a labeled document in the training format. A line the shipped model
gets wrong and that we know about is listed in KNOWN_MISSES and runs as a strict xfail, so a fix
shows up as an unexpected pass instead of going unnoticed.
"""
from pathlib import Path

import pytest

from textsieve.training.corpus import read_labeled
from textsieve.evaluate import line_labels

CASES = sorted((Path(__file__).parent / "cases").glob("*.tsv"))
# (case name, 1-based line): the lines the shipped model gets wrong, each with why.
# news_byline_gallery:11 "Protected cycle lane in Copenhagen - Cycling Embassy" is a caption here, but
# the real pages teach that "Title - Site" lines are mostly links to other pages (link_spam).
# news_byline_gallery:2 "By Hannah Okoro, City Desk" is read as body (P(body) 0.64) by the model shipped
# on 2026-11-29 (second): three of the six retrains with its settings (seeds 0-5) get it right; the one
# shipped was chosen for the seeds, the held-out real pages and no page emptied (README, "Retraining").
KNOWN_MISSES: set[tuple[str, int]] = {("news_byline_gallery", 2), ("news_byline_gallery", 11), ("spec_sheet_and_forum", 13)}


def _rows():
    for path in CASES:
        doc = read_labeled(path)
        for i, label in enumerate(doc.labels):
            if label != "blank":
                mark = pytest.mark.xfail(strict=True, reason="known miss") if (doc.name, i + 1) in KNOWN_MISSES else ()
                yield pytest.param(path, i, label, id=f"{doc.name}:{i + 1}", marks=mark)


_cache: dict = {}


def _predicted(sieve, path):
    if path not in _cache:
        doc = read_labeled(path)
        _cache[path] = line_labels(len(doc.lines), sieve.label_lines(doc.text))
    return _cache[path]


@pytest.mark.parametrize("path, index, label", list(_rows()))
def test_hard_case(sieve, path, index, label):
    assert _predicted(sieve, path)[index] == label
