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
share of texts kept whole. Usage::

    python benchmarks/short_prose.py [MODEL_DIR ...]   # default: the shipped model
"""
from __future__ import annotations

import argparse

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


def texts(paragraphs: list[str], n: int, per_size: int = PER_SIZE) -> list[list[str]]:
    runs = [paragraphs[i:i + n] for i in range(0, len(paragraphs) - n + 1, n)]
    step = max(1, len(runs) // per_size)
    return runs[::step][:per_size]


def measure(sieve: Sieve, paragraphs: list[str], per_size: int = PER_SIZE) -> dict:
    """{layout: {size: (share of lines kept, share of texts kept whole)}} and the overall means."""
    out: dict = {}
    lines_kept = lines_all = whole = count = 0
    for how in LAYOUTS:
        out[how] = {}
        for n in SIZES:
            runs = texts(paragraphs, n, per_size)
            docs = [layout(r, how) + "\n" for r in runs]
            kept = total = full = 0
            for recs in sieve.label_many(docs):
                k = sum(r.label == "body" for r in recs)
                kept, total, full = kept + k, total + len(recs), full + (k == len(recs))
            out[how][n] = (kept / max(1, total), full / max(1, len(runs)))
            lines_kept, lines_all, whole, count = lines_kept + kept, lines_all + total, whole + full, count + len(runs)
    out["mean_lines"] = lines_kept / max(1, lines_all)
    out["mean_whole"] = whole / max(1, count)
    return out


def summary(sieve: Sieve, per_size: int = 100) -> dict:
    """One model's figures on the held-out paragraphs, as ``compare_models.py`` and the quality
    gate read them: lines kept and texts kept whole over all texts, and per layout the mean and
    the worst size's share of lines kept."""
    from long_prose import held_out_paragraphs

    m = measure(sieve, held_out_paragraphs(), per_size=per_size)
    out = {"kept": m["mean_lines"], "whole": m["mean_whole"]}
    for how in LAYOUTS:
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
    for model in args.models or [None]:
        m = measure(Sieve(model), paragraphs)
        print(f"== {model or 'shipped'}: all texts {m['mean_lines']:.3f} of lines, {m['mean_whole']:.3f} whole")
        for how in LAYOUTS:
            cells = "  ".join(f"{m[how][n][0]:.3f} ({m[how][n][1]:.2f})" for n in SIZES)
            print(f"  {how:11s} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
