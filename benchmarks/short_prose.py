"""Short plain texts of nothing but prose: how much of them does a model keep?

Why: a pipeline often cleans records of a few paragraphs (a comment, a product description, a
news snippet), and some sources indent paragraphs (first-line indentation, as books and many
forum and e-mail dumps do). On 2026-12-02 the shipped model dropped two of three paragraphs of a
three-paragraph text whose middle paragraph was indented: that paragraph came out author_meta
(the team's fake author boxes are indented) and the last one caption. The long-text benchmark
(``long_prose.py``) never sees either.

Texts: the body paragraphs of held-out WCXB articles (``long_prose.held_out_paragraphs``), cut
into consecutive runs of 1, 2, 3 and 5 paragraphs, each paragraph used once per size. Layouts:

- ``lines``: one paragraph per line;
- ``blank``: blank-line separated;
- ``indent_all``: blank-line separated, every paragraph indented by four spaces;
- ``indent_one``: blank-line separated, the second paragraph (of one: the only one) indented;
- ``tab_lines``: one paragraph per line, each starting with a tab.

Every line is body, so the ideal is 1.00 everywhere. Reported: the share of lines kept, and the
share of texts kept whole.

Two more layouts add site chrome to the same texts, blank-line separated: ``footer`` (one chrome
line after the paragraphs: a record cut from a page with the line that followed the article,
"Share this article", "© 2024 ...") and ``framed`` (one before, one after). The chrome lines are
the boilerplate lines of two to twelve words of the same held-out pages' full-page text, taken
in turn. Why: on 2026-12-02 a short text's body depended on its chrome: one copyright line
after four paragraphs dropped the last paragraph, and a licence section under a short README
dropped every line but one; pass two reads a document's mean P(boilerplate), and in a text of a
few lines one chrome line moves it past what the trees learned separates the team's documents
from real pages. There the share of *body* lines kept is reported like the other layouts, and
apart from it the share of chrome lines kept (lower is better). The summary over all texts
covers the five prose layouts only, so that it reads as it did before the chrome layouts came.
Usage::

    python benchmarks/short_prose.py [MODEL_DIR ...]   # default: the shipped model
"""
from __future__ import annotations

import argparse
import functools

from long_prose import held_out_paragraphs

from textsieve import Sieve

SIZES = (1, 2, 3, 5)
PER_SIZE = 200  # texts per size and layout


def layout(paragraphs: list[str], how: str) -> str:
    if how == "lines":
        return "\n".join(paragraphs)
    if how == "blank":
        return "\n\n".join(paragraphs)
    if how == "indent_all":
        return "\n\n".join("    " + p for p in paragraphs)
    if how == "indent_one":
        k = 1 if len(paragraphs) > 1 else 0
        return "\n\n".join(("    " + p) if i == k else p for i, p in enumerate(paragraphs))
    if how == "tab_lines":
        return "\n".join("\t" + p for p in paragraphs)
    raise ValueError(how)


LAYOUTS = ("lines", "blank", "indent_all", "indent_one", "tab_lines")
# Layouts with chrome around the paragraphs: (chrome lines before, after).
CHROME_LAYOUTS = {"footer": (0, 1), "framed": (1, 1)}


def held_out_chrome() -> list[str]:
    """Boilerplate lines of two to twelve words from the full-page text of the held-out WCXB
    articles whose paragraphs the texts are made of, in file order, each once."""
    return list(_held_out_chrome())


@functools.lru_cache(maxsize=1)
def _held_out_chrome() -> tuple[str, ...]:
    from long_prose import held_out_articles

    from textsieve.training.real_labels import words

    seen: dict[str, None] = {}
    for rec in held_out_articles():
        for row in rec["fulltext"]:
            if row and row[0] == "boilerplate" and 2 <= len(words(row[1])) <= 12:
                seen.setdefault(row[1].strip(), None)
    return tuple(seen)


def framed(paragraphs: list[str], how: str, chrome: list[str], k: int) -> tuple[str, list[str]]:
    """The text of ``paragraphs`` in a chrome layout, the ``k``-th of its size (which chrome lines
    it gets), and the chrome lines it holds."""
    before, after = CHROME_LAYOUTS[how]
    lines = [chrome[(k * 3 + j) % len(chrome)] for j in range(before + after)]
    return "\n\n".join(lines[:before] + paragraphs + lines[before:]), lines


def texts(paragraphs: list[str], n: int, per_size: int = PER_SIZE) -> list[list[str]]:
    runs = [paragraphs[i:i + n] for i in range(0, len(paragraphs) - n + 1, n)]
    step = max(1, len(runs) // per_size)
    return runs[::step][:per_size]


def measure(sieve: Sieve, paragraphs: list[str], per_size: int = PER_SIZE, chrome: list[str] | None = None) -> dict:
    """{layout: {size: (share of body lines kept, share of texts whose body is kept whole)}}, the
    overall means over the prose layouts and, with ``chrome``, the chrome layouts too and
    ``chrome_kept`` (the share of their chrome lines labeled body)."""
    out: dict = {}
    lines_kept = lines_all = whole = count = 0
    chrome_kept = chrome_all = 0
    for how in LAYOUTS + (tuple(CHROME_LAYOUTS) if chrome else ()):
        out[how] = {}
        for n in SIZES:
            runs = texts(paragraphs, n, per_size)
            if how in CHROME_LAYOUTS:
                docs, extra = zip(*(framed(r, how, chrome, k) for k, r in enumerate(runs)))
            else:
                docs, extra = [layout(r, how) for r in runs], [[] for _ in runs]
            kept = total = full = 0
            for recs, junk in zip(sieve.label_many([d + "\n" for d in docs]), extra):
                is_junk = [r.text in junk for r in recs]
                k = sum(r.label == "body" for r, j in zip(recs, is_junk) if not j)
                b = len(recs) - sum(is_junk)
                kept, total, full = kept + k, total + b, full + (k == b)
                chrome_kept += sum(r.label == "body" for r, j in zip(recs, is_junk) if j)
                chrome_all += sum(is_junk)
            out[how][n] = (kept / max(1, total), full / max(1, len(runs)))
            if how in LAYOUTS:
                lines_kept, lines_all, whole, count = lines_kept + kept, lines_all + total, whole + full, count + len(runs)
    out["mean_lines"] = lines_kept / max(1, lines_all)
    out["mean_whole"] = whole / max(1, count)
    if chrome:
        out["chrome_kept"] = chrome_kept / max(1, chrome_all)
    return out


def summary(sieve: Sieve, per_size: int = 100) -> dict:
    """One model's figures on the held-out paragraphs, as ``compare_models.py`` and the quality
    gate read them: lines kept and texts kept whole over all texts, and per layout the mean and
    the worst size's share of lines kept."""
    m = measure(sieve, held_out_paragraphs(), per_size=per_size, chrome=held_out_chrome())
    out = {"kept": m["mean_lines"], "whole": m["mean_whole"], "chrome_kept": m["chrome_kept"]}
    for how in LAYOUTS + tuple(CHROME_LAYOUTS):
        shares = [share for share, _ in m[how].values()]
        out[f"mean_{how}"] = sum(shares) / len(shares)
        out[f"worst_{how}"] = min(shares)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="*", help="model directories (default: the shipped model)")
    args = ap.parse_args(argv)
    paragraphs = held_out_paragraphs()
    print(f"{len(paragraphs)} held-out article paragraphs; up to {PER_SIZE} texts per size and layout")
    print("share of lines kept (share of texts kept whole), by paragraphs per text " + " / ".join(map(str, SIZES)))
    chrome = held_out_chrome()
    for model in args.models or [None]:
        m = measure(Sieve(model), paragraphs, chrome=chrome)
        print(f"== {model or 'shipped'}: all prose texts {m['mean_lines']:.3f} of lines, {m['mean_whole']:.3f} whole")
        for how in LAYOUTS + tuple(CHROME_LAYOUTS):
            cells = "  ".join(f"{m[how][n][0]:.3f} ({m[how][n][1]:.2f})" for n in SIZES)
            print(f"  {how:11s} {cells}")
        print(f"  chrome lines kept in the footer and framed texts: {m['chrome_kept']:.3f} (lower is better; "
              f"{len(chrome)} held-out chrome lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
