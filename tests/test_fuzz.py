"""Fuzz the core's bindings and the public functions with 10,000 generated hostile inputs.

The core reads untrusted web text: no input may crash the process or raise anything but a
TextsieveError, and every offset it returns must index the (surrogate-replaced) input. The inputs
are seeded, so a failure replays; the tiny random-weight model keeps the run fast while going
through exactly the serving code (the weights do not matter for these properties).
"""
from __future__ import annotations

import random

import pytest

from textsieve import InputError, Sieve, TextsieveError
from textsieve import _core

N_INPUTS = 10_000
BATCH = 200

_PIECES = [
    "", " ", "\n", "\n\n\n", "\r", "\r\n", "\t", "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u00a0", "\u200b",
    "\ufeff", "\ud800", "\udfff", "\ud83d", "\ude00", "\ud83d\ude00", "😀", "é", "e\u0301", "ß", "İ", "ﬃ", "中文字符",
    "עברית", "العربية", "\u202e", "Hello world.", "Share on Facebook", "Related: Ten Best Things",
    "A long enough paragraph that ends with a period here.", "Photo: Getty Images", "By Jane Doe | 3 May 2024",
    "- item", "• bullet", "1.", "2.5", "vs.", "e.g.", "http://x.y/z?a=b", "@handle", "#tag", "a@b.co", ":", "|", "»",
    "<", ">", "&amp;", "&#0;", "&#xD800;", "<p>", "</p>", "<br>", "<a href='x'>", "</a>", "<div class='author'>",
    "<nav>", "<script>var x = '</p>';</script>", "<!--", "-->", "<![CDATA[", "<img alt='Photo by Ann'>", "<table><tr><td>",
    "<li>", "<ul>", "<h1>", "<pre>", "</pre>", "<?xml?>", "<!DOCTYPE html>", "<body hidden>", "<svg><p>x</svg>",
]


def _document(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.002:
        return "x" * rng.randint(1_000_000, 3_000_000)  # a huge line
    if kind < 0.004:
        return "<div>" * rng.randint(1_000, 6_000) + "deep" + "</div>" * rng.randint(0, 6_000)
    if kind < 0.006:
        return "\n" * rng.randint(10_000, 200_000)
    if kind < 0.008:
        return "\r" * rng.randint(1, 50_000)
    if kind < 0.2:
        return "".join(chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0x80, 0x2FFF), rng.randint(0xD800, 0xDFFF),
                                       rng.randint(0xE000, 0x10FFFF)])) for _ in range(rng.randint(0, 200)))
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 60)))


def _replaced(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


@pytest.fixture(scope="module")
def documents() -> list[str]:
    rng = random.Random(20261129)
    return [_document(rng) for _ in range(N_INPUTS)]


@pytest.fixture(scope="module")
def tiny_sieve(tiny_model_dir):
    return Sieve(tiny_model_dir, keep=("body", "caption"))


def test_bindings_segment_and_parse_never_fail_and_offsets_index_the_input(documents):
    for i, doc in enumerate(documents):
        src = _replaced(doc)
        segs = _core.segment(doc)
        for start, end in zip(segs["start"].tolist(), segs["end"].tolist()):
            assert 0 <= start < end <= len(src), i
            piece = src[start:end]
            assert piece.strip() and "\n" not in piece, i
        if i % 5 == 0:
            # Training's rows: a row joined from wrapped lines runs from its first line to its last.
            f = _core.featurize([doc], config={"n_word_hash": 64, "n_char_hash": 64, "max_chars": 200})
            for line, last, start, end in zip(*(f[k].tolist() for k in ("line", "last_line", "start", "end"))):
                assert 0 <= start < end <= len(src) and line <= last, i
                piece = src[start:end]
                assert piece == piece.strip() and piece.count("\n") == last - line, i
            text, contexts, _ = _core.parse_html(doc)
            lines = text.split("\n")
            assert len(contexts) == len(lines) - (1 if text.endswith("\n") else 0) or not text, i
            assert "\ud800" not in text


def test_public_functions_never_raise_and_kept_lines_come_from_the_input(documents, tiny_sieve):
    for lo in range(0, len(documents), BATCH):
        batch = documents[lo:lo + BATCH]
        for html in (False, True):
            labeled = tiny_sieve.label_many(batch, html=html)
            cleaned = tiny_sieve.clean_many(batch, html=html)
            for doc, recs, out in zip(batch, labeled, cleaned):
                source = recs.source
                if not html:
                    assert source == _replaced(doc)
                for r in recs:
                    assert 0 <= r.start < r.end <= len(source) and r.text == source[r.start:r.end]
                    assert abs(sum(r.scores.values()) - 1.0) < 1e-6
                for head, tail in zip(recs, list(recs)[1:]):  # a cut line's tail is body only with its head
                    assert not (head.line == tail.line and tail.label == "body" and head.label != "body")
                assert out == recs.text(tiny_sieve.config.keep), "the core's join and the records' join agree"
                flat = source.replace("\r", "")
                for line in out.split("\n"):
                    assert line.replace("\r", "") in flat


def test_threads_and_batching_do_not_change_results(documents, tiny_model_dir):
    docs = documents[:600]
    one = Sieve(tiny_model_dir, threads=1).clean_many(docs)
    many = Sieve(tiny_model_dir, threads=4).clean_many(docs)
    single = [Sieve(tiny_model_dir, threads=1).clean(d) for d in docs[:50]]
    assert one == many and one[:50] == single


@pytest.mark.parametrize("bad", [None, b"bytes", 3, 4.5, ["list"], object()])
def test_non_strings_are_input_errors_naming_the_document(tiny_sieve, bad):
    with pytest.raises(InputError, match="document 1"):
        tiny_sieve.clean_many(["fine", bad])
    with pytest.raises(InputError):
        tiny_sieve.label_many(["fine", bad], html=True)
    with pytest.raises(TextsieveError):
        _core.segment(bad)
    with pytest.raises(TextsieveError):
        _core.parse_html(bad)


def test_python_threads_share_one_sieve(documents, tiny_model_dir):
    """The core releases the GIL; concurrent calls on one Sieve give the sequential results."""
    from concurrent.futures import ThreadPoolExecutor

    sieve = Sieve(tiny_model_dir, threads=1)
    batches = [documents[i:i + 50] for i in range(0, 1000, 50)]
    sequential = [sieve.clean_many(b) for b in batches]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(sieve.clean_many, batches)) == sequential


def test_malformed_parsed_pages_are_input_errors(tiny_sieve):
    from textsieve.html import HtmlContext, HtmlPage

    for bad in (HtmlPage("t", [1]), HtmlPage("t", 3), HtmlPage(b"t", [])):
        with pytest.raises(InputError, match="document 0"):
            tiny_sieve.clean_many([bad])
    # Odd but well-typed contexts (too few, NaN link share, unknown ancestors) are read, not refused.
    odd = HtmlPage("a\nb\nc", [HtmlContext("p", float("nan"), frozenset({"nav", "bogus"}))])
    assert tiny_sieve.clean_many([odd]) == [tiny_sieve.label_many([odd])[0].text(tiny_sieve.config.keep)]
