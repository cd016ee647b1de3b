"""Issue 10 fuzz: 10,000 generated inputs (surrogates, controls, markup, mixed scripts) through the
public functions. Nothing may raise except TextsieveError; kept lines are substrings of the input
(after the boundary's one-for-one U+FFFD rule for lone surrogates); offsets index the source."""
import random
import re

import pytest

from textsieve import Sieve, TextsieveError, clean_html, clean_text, label_html, label_lines

N = 10_000
PER_CALL = 40  # inputs also sent through each one-document function (one model call each)
PIECES = ["The harbour was quiet. ", "Related Articles", "\n", "\n\n", " ", "- ", "• ", "|", "By Jane Doe", "Photo: ",
          "é", "中文", "😀", "\ud800", "\udfff", "\ud83d", "\x00", "\x1b", "\u200b", "\ufeff", "\r\n", "\t", "<p>", "</p>",
          "<a href='x'>", "</a>", "<div class='author'>", "&amp;", "<script>x()</script>", "<!--", "]]>", "http://x.y/z",
          "1234", "!!!", "a" * 120]
_SURROGATE = re.compile("[\ud800-\udfff]")


def _inputs(seed: int = 10) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 16))) for _ in range(N)]


def _check_records(doc: str, records, html: bool) -> None:
    source = records.source
    if not html:
        assert source == _SURROGATE.sub("\ufffd", doc)
    for r in records:
        assert 0 <= r.start <= r.end <= len(source)
        assert source[r.start:r.end] == r.text


@pytest.mark.parametrize("html", [False, True])
def test_ten_thousand_generated_inputs_batched(html):
    sieve = Sieve()
    docs = _inputs()
    for start in range(0, N, 500):
        batch = docs[start:start + 500]
        results = sieve.label_many(batch, html=html)  # every input is a str: nothing may raise at all
        for doc, records in zip(batch, results):
            _check_records(doc, records, html)
            if not html:
                fixed = _SURROGATE.sub("\ufffd", doc)
                for line in records.text(sieve.config.keep).splitlines():
                    assert line in fixed


def test_generated_inputs_through_every_one_document_function():
    docs = _inputs(seed=11)[:PER_CALL]
    for doc in docs:
        fixed = _SURROGATE.sub("\ufffd", doc)
        for fn in (clean_text, label_lines, clean_html, label_html):
            try:
                out = fn(doc)
            except TextsieveError:
                continue
            if fn is clean_text:
                assert all(line in fixed for line in out.splitlines())
            elif fn in (label_lines, label_html):
                _check_records(doc, out, html=fn is label_html)
    cleaned = Sieve().clean_many(docs)
    assert len(cleaned) == len(docs)
