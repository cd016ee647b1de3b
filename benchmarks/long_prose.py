"""Long plain-text documents of nothing but prose: how much of them does a model keep?

Why: a page-level second pass can overrule what each line plainly is. On 2026-11-30 a held-out
page that is a whole short story (Readability's ``clean-links``, 256 paragraphs separated by
blank lines) came out with a few paragraphs: pass one scored them P(body) 0.92 on average, pass
two 0.14. The same texts without the blank lines were kept. Nothing in the other benchmarks
catches this, so this one builds such documents from the committed held-out real pages (body
paragraphs of held-out articles: at least 15 words, ending like a sentence, each used once) and
reports the share of lines each model keeps:

- ``unique``: 100, 200 and 400 paragraphs, five slices each, blank-line separated;
- ``no_blank``: the same 200-paragraph slices, one paragraph per line;
- ``repeated``: the 55 English paragraphs of ``benchmarks/heldout`` repeated to 100 and 200
  (a long text that repeats itself, as some generated pages do).

Every line is body, so the ideal is 1.00 everywhere. Usage::

    python benchmarks/long_prose.py [MODEL_DIR ...]   # default: the shipped model
    python benchmarks/long_prose.py MODEL_DIR --probe  # why a model drops lines of these texts

``--probe`` takes the blank-separated texts the model keeps less than 90% of, and the lines pass
one calls body (P > 0.7) that pass two drops; for each revision input it sets that input to its
median over the kept lines and counts how many dropped lines come back. An input that brings
back most of them alone is what the trees drop the lines on (2026-11-30: a page-constant one,
``doc_mean:boilerplate`` 0.018 against 0.020, in two of three runs that lost long prose).
"""
from __future__ import annotations

import argparse
import functools
import glob
from pathlib import Path

import numpy as np

from textsieve import Sieve
from textsieve.training.real_pages import prose_paragraphs, read_records

HERE = Path(__file__).resolve().parent
SIZES = (100, 200, 400)
SLICES = 5


def held_out_paragraphs() -> list[str]:
    """Body paragraphs of held-out WCXB articles, in file order, each once (read once per
    process: decompressing the records takes seconds, and a comparison asks for them per model)."""
    return list(_held_out_paragraphs())


@functools.lru_cache(maxsize=1)
def _held_out_paragraphs() -> tuple[str, ...]:
    return tuple(prose_paragraphs(held_out_articles()))


@functools.lru_cache(maxsize=1)
def held_out_articles() -> tuple[dict, ...]:
    """The held-out WCXB article records, in file order (read once per process: the paragraphs
    here and the chrome lines of ``short_prose.py`` come from the same pages)."""
    return tuple(r for r in read_records(split="heldout", source="wcxb") if r.get("page_type") == "article")


def english_heldout_paragraphs() -> list[str]:
    out = []
    for path in sorted(glob.glob(str(HERE / "heldout" / "en-*.tsv"))):
        for line in open(path, encoding="utf-8"):
            label, _, text = line.rstrip("\n").partition("\t")
            if label == "body" and len(text.split()) >= 12:
                out.append(text)
    return out


def kept_share(sieve: Sieve, paragraphs: list[str], sep: str) -> float:
    records = sieve.label_lines(sep.join(paragraphs) + "\n")
    return sum(r.label == "body" for r in records) / max(1, len(records))


def measure(sieve: Sieve, paragraphs: list[str], english: list[str]) -> dict:
    step = max(1, (len(paragraphs) - max(SIZES)) // SLICES)
    unique = {n: [kept_share(sieve, paragraphs[i * step:i * step + n], "\n\n") for i in range(SLICES)] for n in SIZES}
    no_blank = [kept_share(sieve, paragraphs[i * step:i * step + 200], "\n") for i in range(SLICES)]
    repeated = {n: kept_share(sieve, (english * (n // len(english) + 1))[:n], "\n\n") for n in (100, 200)}
    every = [v for vs in unique.values() for v in vs]
    return {"unique": unique, "unique_mean": float(np.mean(every)), "unique_min": float(min(every)),
            "no_blank_mean": float(np.mean(no_blank)), "repeated": repeated}


def summary(sieve: Sieve) -> dict:
    """The four headline shares of one model, on the held-out paragraphs: mean and worst
    blank-separated text, the texts without blank lines, and the worse of the repeated texts
    (what the quality gate pins and ``compare_models.py`` reports)."""
    m = measure(sieve, held_out_paragraphs(), english_heldout_paragraphs())
    return {"kept_mean": m["unique_mean"], "kept_min": m["unique_min"], "kept_no_blank": m["no_blank_mean"],
            "kept_repeated": min(m["repeated"].values())}


def probe(sieve: Sieve, paragraphs: list[str], top: int = 8) -> list[tuple[float, str, float, float]]:
    """(share of the dropped lines brought back, input, its median over kept lines, over dropped
    lines) for the ``top`` inputs, on the texts the model keeps less than 90% of (see the module)."""
    from textsieve import _core

    model = sieve.model
    man = model.manifest
    labels, rc, names = man["labels"], man["revision_config"], man["revision_features"]
    body = labels.index("body")
    threshold = man.get("body_threshold") or 0.5
    step = max(1, (len(paragraphs) - max(SIZES)) // SLICES)
    rows, first, text_of = [], [], []
    for n in SIZES:
        for i in range(SLICES):
            f = _core.featurize(["\n\n".join(paragraphs[i * step:i * step + n]) + "\n"], html=False,
                                config=man["feature_config"])
            p1 = model.core.first_pass_proba(f)
            rows.append(_core.revision_features(p1, f["doc"], rc["window"], f["dense"] if rc["dense"] else None,
                                                rc["page"], None,
                                                body if rc.get("body_run", False) else None))
            first.append(p1[:, body])
            text_of += [len(rows) - 1] * len(p1)
    x, p1, text_of = np.vstack(rows), np.concatenate(first), np.asarray(text_of)

    def p_body(v):
        return _core.tree_proba(model.arrays, len(labels), np.ascontiguousarray(v))[:, body]

    kept = p_body(x) >= threshold
    lost_texts = [t for t in range(len(rows)) if kept[text_of == t].mean() < 0.9]
    ref = (p1 > 0.7) & kept
    target = np.isin(text_of, lost_texts) & (p1 > 0.7) & ~kept
    if not target.any() or not ref.any():
        return []
    out = []
    for c, name in enumerate(names):
        v = x[target].copy()
        v[:, c] = np.median(x[ref, c])
        out.append((float((p_body(v) >= threshold).mean()), name, float(np.median(x[ref, c])),
                    float(np.median(x[target, c]))))
    return sorted(out, reverse=True)[:top]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="*", help="model directories (default: the shipped model)")
    ap.add_argument("--probe", action="store_true", help="for the texts a model loses: the inputs the trees drop them on")
    args = ap.parse_args(argv)
    paragraphs, english = held_out_paragraphs(), english_heldout_paragraphs()
    if args.probe:
        for model in args.models or [None]:
            found = probe(Sieve(model), paragraphs)
            print(f"{model or 'shipped'}: " + ("keeps every text (at least 90%)" if not found else
                  "dropped lines brought back by setting one input to its median over the kept lines"))
            for share, name, kept_median, lost_median in found:
                print(f"  {share:.3f}  {name:34s} kept {kept_median:.3f}  dropped {lost_median:.3f}")
        return 0
    print(f"{len(paragraphs)} held-out article paragraphs, {len(english)} English held-out paragraphs")
    print("model | unique, blank-separated: mean (min) | per size 100/200/400 | no blank lines (200) | repeated 100/200")
    for model in args.models or [None]:
        m = measure(Sieve(model), paragraphs, english)
        sizes = " / ".join(f"{np.mean(m['unique'][n]):.2f}" for n in SIZES)
        print(f"{model or 'shipped'} | {m['unique_mean']:.3f} ({m['unique_min']:.2f}) | {sizes} | "
              f"{m['no_blank_mean']:.3f} | {m['repeated'][100]:.2f} / {m['repeated'][200]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
