"""HTML: token-level body precision/recall/F1 and MB/s, textsieve next to trafilatura.

    pip install trafilatura lxml_html_clean      # benchmark-only peer, never a dependency
    python benchmarks/html_quality.py [--repeat 3] [--json out.json] [--verbose]

Two page sets, neither ever trained on:

* ``benchmarks/html/pages/``: hand-written pages imitating real sites and CMSs (WordPress,
  news, phpBB forum, recipe plugin, 1990s layout tables, a bare fragment, a wiki with navboxes,
  docs, an SEO-spam page, div soup with inline JSON, German/Spanish/French pages, one 2 MB
  archive), each with a gold ``.body.txt`` of what a perfect extractor keeps;
* the held-out labeled documents in ``benchmarks/heldout/`` rendered into pages by
  :class:`textsieve.training.pages.PageRenderer` with a seed training never uses (the templates are the
  training family, so this set flatters textsieve; the hand-written set does not).

Tokens are compared as bags per page (see :func:`textsieve.evaluate.token_metrics`), so an
extractor is not punished for joining or splitting lines differently. Throughput is HTML bytes
per second on one core, each system on the same pages in the same run; the ratio is what counts.
"""
from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
PAGES = HERE / "html" / "pages"
HELDOUT = HERE / "heldout"
RENDER_SEED = 990_001  # training seeds are small integers; this one is never used there


def handwritten() -> list[tuple[str, str, str]]:
    out = []
    for page in sorted(PAGES.glob("*.html")):
        gold = page.with_name(page.stem + ".body.txt")
        out.append((page.stem, page.read_text(encoding="utf-8"), gold.read_text(encoding="utf-8")))
    return out


def rendered() -> list[tuple[str, str, str]]:
    from textsieve.training.corpus import read_corpus
    from textsieve.training.pages import PageRenderer

    out = []
    for i, doc in enumerate(read_corpus(HELDOUT)):
        html, expected = PageRenderer(seed=RENDER_SEED + i).render(doc)
        gold = []
        for text, label, *src in expected:
            parts = doc.splits.get(src[0]) if src else None
            if parts:  # a glued line: only its body parts are gold body
                bounds = [o for o, _ in parts[1:]] + [len(text)]
                gold.extend(text[s:e] for (s, lab), e in zip(parts, bounds) if lab == "body")
            elif label == "body":
                gold.append(text)
        out.append((doc.name, html, "\n".join(gold)))
    return out


def systems(include_trafilatura: bool, model=None):
    from textsieve import Sieve
    from textsieve.html import html_to_text

    sieve = Sieve(model)
    out = {
        "textsieve": sieve.clean_html,
        "keep all block text": html_to_text,
    }
    if include_trafilatura:
        import trafilatura

        out["trafilatura"] = lambda h: trafilatura.extract(h, include_comments=False, include_tables=True) or ""
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="timing repetitions (best is reported)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--verbose", action="store_true", help="per-page F1")
    ap.add_argument("--model", default=None, help="a model directory (default: the shipped model)")
    args = ap.parse_args()

    from textsieve.evaluate import token_metrics

    try:
        import trafilatura  # noqa: F401

        have_traf = True
    except ImportError as exc:
        print(f"trafilatura not importable ({exc}); install it in this environment to compare: "
              "pip install trafilatura lxml_html_clean", file=sys.stderr)
        have_traf = False
    sets = {"hand-written pages": handwritten(), "rendered held-out docs": rendered()}
    runs = systems(have_traf, args.model)
    results: dict = {"sets": {}, "throughput": {}}
    outputs: dict = {}
    for set_name, pages in sets.items():
        results["sets"][set_name] = {"pages": len(pages), "mb": round(sum(len(h.encode()) for _, h, _ in pages) / 1e6, 3)}
        for sys_name, fn in runs.items():
            preds = [fn(h) for _, h, _ in pages]
            outputs[(set_name, sys_name)] = preds
            m = token_metrics([g for _, _, g in pages], preds)
            results["sets"][set_name][sys_name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()}

    # Throughput: every page of both sets, and the typical pages without the 2 MB archive.
    all_pages = [h for pages in sets.values() for _, h, _ in pages]
    typical = [h for h in all_pages if len(h) < 1_000_000]
    for label, pages in (("all pages", all_pages), ("pages under 1 MB", typical)):
        nbytes = sum(len(h.encode()) for h in pages)
        row = {}
        for sys_name, fn in runs.items():
            if sys_name == "keep all block text":
                continue
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                for h in pages:
                    fn(h)
                best = min(best, time.perf_counter() - t0)
            row[sys_name] = round(nbytes / best / 1e6, 3)
        # How the batch CLI runs: 16 pages per model call.
        sieve = runs["textsieve"].__self__
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for i in range(0, len(pages), 16):
                sieve.clean_many(pages[i:i + 16], html=True)
            best = min(best, time.perf_counter() - t0)
        row["textsieve, 16 pages per call"] = round(nbytes / best / 1e6, 3)
        if "trafilatura" in row:
            row["ratio textsieve/trafilatura"] = round(row["textsieve"] / row["trafilatura"], 3)
            row["ratio batched/trafilatura"] = round(row["textsieve, 16 pages per call"] / row["trafilatura"], 3)
        results["throughput"][label] = {"mb": round(nbytes / 1e6, 3), "MB/s": row}

    for set_name, block in results["sets"].items():
        print(f"\n{set_name}: {block['pages']} pages, {block['mb']} MB  (token-level body P / R / F1)")
        for sys_name in runs:
            m = block[sys_name]
            print(f"  {sys_name:<26} {m['precision']:.3f} / {m['recall']:.3f} / {m['f1']:.3f}")
        # Micro-averaged figures are dominated by the biggest page; the mean over pages is not.
        pages = sets[set_name]
        for sys_name in runs:
            f1s = [token_metrics([g], [outputs[(set_name, sys_name)][k]])["f1"] for k, (_, _, g) in enumerate(pages)]
            block[sys_name]["mean_page_f1"] = round(sum(f1s) / len(f1s), 4)
        print("  mean F1 over pages: " + ", ".join(f"{n} {block[n]['mean_page_f1']:.3f}" for n in runs))
        if args.verbose:
            pages = sets[set_name]
            for k, (name, _, gold) in enumerate(pages):
                cells = "  ".join(f"{s[:10]}={token_metrics([gold], [outputs[(set_name, s)][k]])['f1']:.2f}" for s in runs)
                print(f"    {name[:40]:<40} {cells}")
    print()
    for label, block in results["throughput"].items():
        cells = ", ".join(f"{k} {v}" for k, v in block["MB/s"].items())
        print(f"throughput on {label} ({block['mb']} MB), MB/s: {cells}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
