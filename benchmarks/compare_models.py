"""Two models side by side on every held-out measurement: old, new and the delta of each figure.

    python benchmarks/compare_models.py NEW [OLD]           # OLD: the shipped model
    python benchmarks/compare_models.py NEW --json cmp.json  # also write every figure
    python benchmarks/compare_models.py NEW --body-threshold 0.4   # both models at one threshold

Why: the developer guide asks every model change to report per-label precision/recall/F1 and
word F1 on real pages it was not trained on, old and new side by side. Retrains are noisy (a
few seed lines move between caption and link_spam from run to run), so a maintainer needs to
see every figure with its delta, per label and per page type, in one run, not two quality-gate
printouts compared by eye.

Held-out data only, scored by the project's own code (``quality_gate.py`` measures the same
sets; :mod:`textsieve.evaluate` and :func:`textsieve.training.real_pages.evaluate_committed`
compute the figures):

* ``seeds``: ../shared/seeds through the team's ``score.py`` (skipped when absent);
* ``heldout``: ``benchmarks/heldout``, line labels, body recall per language group;
* ``html``: ``clean_html`` on ``benchmarks/html/pages``, token P/R/F1;
* real pages of held-out sites (``training_data/real``, split ``heldout``): the full-page plain
  text (``clean_text``'s input) scored as the gate scores it, per source and page type, and by
  line per label; and the pages' HTML block lines with their stored markup contexts (what
  ``clean_html`` sees after parsing; no fetched mirrors needed) scored by word F1 against the
  body-labeled lines;
* ``short_prose``: the same for texts of one to five held-out paragraphs, as written and
  indented (``short_prose.py``, 100 texts per size and layout: all texts, texts kept whole, and
  per layout);
* ``long_prose``: the share of lines kept of long texts of held-out prose (``long_prose.py``:
  mean and worst text, without blank lines, and a text that repeats itself).

The decision threshold is each model's own (its manifest's ``body_threshold``) unless
``--body-threshold`` sets one for both. Deltas beyond +-0.005 (counts: any change) are marked
with an up or down triangle; figures marked "(lower is better)" improve downwards. A report,
not a gate: exit 0, or 2 when a model cannot be loaded (the error says why and what to do).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality_gate import HELDOUT, PAGES, SEEDS  # noqa: E402  (the gate's data, one definition)

MARK_BEYOND = 0.005
# Labels in a fixed reading order (body first); any other label a model knows follows, sorted.
LABEL_ORDER = ("body", "boilerplate", "link_spam", "author_meta", "caption")
LOWER_IS_BETTER = "(lower is better)"


def _per_label(per_label: dict, p="precision", r="recall") -> dict:
    """``{'body P': .., 'body R': .., 'body F1': ..}`` for every label with gold lines or predictions."""
    out = {}
    labels = [lab for lab in LABEL_ORDER if lab in per_label] + sorted(set(per_label) - set(LABEL_ORDER))
    for lab in labels:
        s = per_label[lab]
        if s.get("support", 1) or s.get("predicted", 1):
            out |= {f"{lab} P": s[p], f"{lab} R": s[r], f"{lab} F1": s["f1"]}
    return out


# -- measurements (one model) ---------------------------------------------------------------------

def measure_seeds(sieve, seeds: Path) -> dict:
    """The seed documents through the team's scorer, as ``quality_gate.measure_seeds`` runs it,
    with this Sieve's threshold and the documents labeled in one batch."""
    from textsieve.evaluate import prediction_rows

    files = sorted(seeds.glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    labeled = sieve.label_many(texts)
    kept = sieve.clean_many(texts)
    with tempfile.TemporaryDirectory() as tmp:
        pred_dir, kept_dir = Path(tmp, "pred"), Path(tmp, "kept")
        pred_dir.mkdir()
        kept_dir.mkdir()
        for f, text, recs, out in zip(files, texts, labeled, kept):
            (pred_dir / f"{f.stem}.tsv").write_text("\n".join(prediction_rows(text, recs)) + "\n", encoding="utf-8")
            (kept_dir / f"{f.stem}.txt").write_text(out, encoding="utf-8")
        score_json = Path(tmp, "score.json")
        scorer = seeds.parent / "tools" / "score.py"
        proc = subprocess.run([sys.executable, str(scorer), "--gold", str(seeds / "gold"),
                               "--pred", str(pred_dir), "--kept", str(kept_dir), "--json", str(score_json)],
                              capture_output=True, text=True)
        if proc.returncode != 0:  # say why, not just that it failed
            raise SystemExit(f"compare_models: {scorer} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")
        score = json.loads(score_json.read_text())
    lines = score["lines"]
    return ({"documents": len(files), "macro-F1": lines["macro_f1"], "body-keep F1": lines["body_keep_lines"]["f1"],
             "token F1": score["tokens"]["micro"]["f1"]} | _per_label(lines["per_label"], p="p", r="r"))


def language_group(doc_name: str) -> str:
    """The gate's language groups: en, de, es, fr alone, the smaller languages together."""
    lang = doc_name.split("-", 1)[0]
    return lang if lang in ("en", "de", "es", "fr") else "it_pt_nl"


def measure_heldout(sieve) -> dict:
    from textsieve.evaluate import evaluate_documents
    from textsieve.training.corpus import read_corpus

    docs = read_corpus(HELDOUT)
    preds = sieve.label_many([d.text for d in docs])
    m = evaluate_documents(docs, preds)
    out = {"documents": len(docs), "lines": m["lines"], "macro-F1": m["macro_f1"],
           "body-keep F1": m["body_keep"]["f1"]} | _per_label(m["per_label"])
    groups: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        groups[language_group(d.name)].append(i)
    for lang, idx in sorted(groups.items()):
        sub = evaluate_documents([docs[i] for i in idx], [preds[i] for i in idx])
        out[f"body recall {lang}"] = sub["body_keep"]["recall"]
    return out


def measure_html_pages(sieve) -> dict:
    from textsieve.evaluate import token_metrics

    pages = sorted(PAGES.glob("*.html"))
    golds = [p.with_name(p.stem + ".body.txt").read_text(encoding="utf-8") for p in pages]
    preds = sieve.clean_many([p.read_text(encoding="utf-8") for p in pages], html=True)
    micro = token_metrics(golds, preds)
    per_page = [token_metrics([g], [p]) for g, p in zip(golds, preds)]
    mean = {k: sum(m[k] for m in per_page) / len(per_page) for k in ("precision", "recall", "f1")}
    return {"pages": len(pages), "token P (micro)": micro["precision"], "token R (micro)": micro["recall"],
            "token F1 (micro)": micro["f1"], "token P (mean per page)": mean["precision"],
            "token R (mean per page)": mean["recall"], "token F1 (mean per page)": mean["f1"]}


class _Prelabeled:
    """Hands ``evaluate_committed`` the records of one batched ``label_many`` call, so the gate's
    scoring runs unchanged without labeling the pages one by one."""

    def __init__(self, texts: list[str], labeled: list):
        self._by_text = dict(zip(texts, labeled))

    def label_lines(self, text: str):
        return self._by_text[text]


def measure_real_text(sieve, records: list[dict], limit: int | None) -> tuple[dict, dict, dict]:
    """Full-page text: the gate's figures overall and per source/page type, and line metrics per
    label (gold labels from the ``fulltext`` rows, ``unknown`` lines skipped)."""
    from textsieve.evaluate import line_labels, line_metrics
    from textsieve.training.corpus import BLANK
    from textsieve.training.real_mix import UNKNOWN
    from textsieve.training.real_pages import evaluate_committed, fulltext_of

    recs = [r for r in records if any(r["fulltext"])]
    texts = [fulltext_of(r) for r in recs]
    labeled = sieve.label_many(texts)
    groups = evaluate_committed("heldout", sieve=_Prelabeled(texts, labeled), limit=limit)
    a = groups["all"]
    text = {"pages scored": a["pages"], "word F1 (mean per page)": a["word_f1"], "body-keep line F1": a["line_f1"],
            f"must-not leaked {LOWER_IS_BETTER}": a["must_not_leaked"],
            f"must-have lost {LOWER_IS_BETTER}": a["must_have_lost"],
            f"emptied pages {LOWER_IS_BETTER}": a["emptied"]}
    for key, g in groups.items():
        if "/" in key and g["pages"]:
            text[f"word F1 {key} ({g['pages']})"] = g["word_f1"]
    gold, pred = [], []
    for rec, recs_of_page in zip(recs, labeled):
        gold.extend(BLANK if row is None or row[0] == UNKNOWN else row[0] for row in rec["fulltext"])
        pred.extend(line_labels(len(rec["fulltext"]), recs_of_page))
    m = line_metrics(gold, pred)
    by_label = {"lines": m["lines"], "macro-F1": m["macro_f1"]} | _per_label(m["per_label"])
    emptied = {"fulltext": a["emptied_pages"]}
    return text, by_label, emptied


def measure_real_html(sieve, records: list[dict]) -> tuple[dict, list[str]]:
    """The pages' HTML block lines with their stored contexts, as training builds them
    (``real_mix._document`` + ``table._as_context``), word F1 against the body-labeled lines."""
    from textsieve.html import HtmlPage
    from textsieve.training.real_labels import word_f1, words
    from textsieve.training.real_mix import _document
    from textsieve.training.table import _as_context

    pages, refs, keys, ids = [], [], [], []
    for rec in records:
        if rec["gold"] != "text":
            continue  # snippet-labeled: no full reference
        doc = _document(rec["id"], "", rec["lines"], with_context=True)
        if doc is None:
            continue
        reference = "\n".join(t for t, lab in zip(doc.lines, doc.labels) if lab == "body")
        if not words(reference):
            continue
        pages.append(HtmlPage(doc.text, [_as_context(c) for c in doc.contexts]))
        refs.append(reference)
        keys.append(f"{rec['source']}/{rec['page_type']}")
        ids.append(rec["id"])
    outputs = sieve.clean_many(pages, html=True)
    scores = [word_f1(out, ref) for out, ref in zip(outputs, refs)]
    emptied = [i for i, out, ref in zip(ids, outputs, refs) if len(words(ref)) >= 50 and len(words(out)) < 10]
    out = {"pages scored": len(pages), "word F1 (mean per page)": sum(scores) / len(scores) if scores else None,
           f"emptied pages {LOWER_IS_BETTER}": len(emptied)}
    by_key: dict[str, list[float]] = defaultdict(list)
    for key, s in zip(keys, scores):
        by_key[key].append(s)
    for key, ss in sorted(by_key.items()):
        out[f"word F1 {key} ({len(ss)})"] = sum(ss) / len(ss)
    return out, emptied


SECTIONS = {
    "seeds": "seeds (../shared/seeds, lines by score.py)",
    "heldout": "benchmarks/heldout (lines)",
    "html": "benchmarks/html/pages (clean_html, tokens)",
    "real_text": "real pages, held-out sites: full-page text (clean_text)",
    "real_text_lines": "real pages, full-page text, by line per label",
    "real_html": "real pages, held-out sites: HTML block lines (stored contexts)",
    "long_prose": "long texts of held-out prose (benchmarks/long_prose.py): share of lines kept",
    "short_prose": "short texts of held-out prose (benchmarks/short_prose.py): share of lines kept",
}


def measure_short_prose(sieve, limit: int | None = None) -> dict:
    """The share of lines kept of texts of one to five held-out paragraphs, as written and
    indented (``benchmarks/short_prose.py``): a record of a few paragraphs must come out whole.
    With ``limit`` (a quick look), at most that many texts per size and layout."""
    from short_prose import CHROME_LAYOUTS, LAYOUTS, summary

    m = summary(sieve, per_size=100 if limit is None else max(1, min(100, limit)))
    return {"kept (all texts)": m["kept"], "texts kept whole": m["whole"],
            **{f"kept, {how}": m[f"mean_{how}"] for how in LAYOUTS + tuple(CHROME_LAYOUTS)},
            "chrome dropped (footer, framed)": 1 - m["chrome_kept"]}


def measure_long_prose(sieve) -> dict:
    """The share of lines kept of long texts that are nothing but held-out prose (every line is
    body): where page context overruling plain prose shows, and nowhere else (see
    ``benchmarks/long_prose.py``)."""
    from long_prose import summary

    m = summary(sieve)
    return {"kept (mean over texts)": m["kept_mean"], "kept (worst text)": m["kept_min"],
            "kept without blank lines": m["kept_no_blank"], "kept repeated (worst)": m["kept_repeated"]}


def measure(sieve, records: list[dict], seeds: Path | None, limit: int | None) -> tuple[dict, dict]:
    """Every section's figures for one model, and the ids of the pages it emptied."""
    out: dict[str, dict] = {}
    if seeds is not None:
        out["seeds"] = measure_seeds(sieve, seeds)
    out["heldout"] = measure_heldout(sieve)
    out["html"] = measure_html_pages(sieve)
    out["real_text"], out["real_text_lines"], emptied = measure_real_text(sieve, records, limit)
    out["real_html"], emptied["html"] = measure_real_html(sieve, records)
    out["long_prose"] = measure_long_prose(sieve)
    out["short_prose"] = measure_short_prose(sieve, limit)
    return out, emptied


# -- report ---------------------------------------------------------------------------------------

def _fmt(v) -> str:
    if v is None:
        return "-"
    return str(v) if isinstance(v, int) else f"{v:.4f}"


def delta_of(old, new):
    if old is None or new is None:
        return None
    return new - old


def _mark(d) -> str:
    if d is None:
        return ""
    beyond = d != 0 if isinstance(d, int) else abs(d) > MARK_BEYOND
    return (" ▲" if d > 0 else " ▼") if beyond else ""


def report_lines(old: dict, new: dict) -> list[str]:
    """One table per section: figure | old | new | delta (figures of either model, in order)."""
    width = max(len(k) for sec in (old, new) for figs in sec.values() for k in figs) + 1
    lines = []
    for name, title in SECTIONS.items():
        if name not in old and name not in new:
            continue
        lines.append("")
        lines.append(f"== {title}")
        lines.append(f"{'figure':<{width}} {'old':>8} {'new':>8} {'delta':>9}")
        figures = list(dict.fromkeys([*old.get(name, {}), *new.get(name, {})]))
        for fig in figures:
            o, n = old.get(name, {}).get(fig), new.get(name, {}).get(fig)
            d = delta_of(o, n)
            ds = "-" if d is None else (f"{d:+d}" if isinstance(d, int) else f"{d:+.4f}")
            lines.append(f"{fig:<{width}} {_fmt(o):>8} {_fmt(n):>8} {ds:>9}{_mark(d)}")
    return lines


def _load(model: str | None, threshold: float | None):
    """A Sieve for the model (the shipped one for None) and a line describing it."""
    from textsieve import Sieve

    sieve = Sieve(model, body_threshold=threshold)
    m = sieve.model
    if threshold is not None:
        decision = f"threshold {threshold} (--body-threshold)"
    elif m.body_threshold is not None:
        decision = f"threshold {m.body_threshold} (the model's own)"
    else:
        decision = "most probable label (the model has no threshold)"
    where = f"shipped model ({m.path}, " if model is None else f"{model} ("
    return sieve, f"{where}sha256 {str(m.manifest.get('model_sha256', '?'))[:12]}), {decision}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="compare two models on the held-out data, figure by figure")
    ap.add_argument("new", help="the new model's directory (or its model.npz)")
    ap.add_argument("old", nargs="?", default=None, help="the model to compare against (default: the shipped model)")
    ap.add_argument("--json", type=Path, help="write every figure of both models and the deltas here")
    ap.add_argument("--body-threshold", type=float, default=None,
                    help="evaluate both models at this decision threshold (default: each model's own)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N held-out real pages (a quick look)")
    ap.add_argument("--seeds", type=Path, default=SEEDS, help=f"the seed set (default {SEEDS})")
    args = ap.parse_args(argv)

    from textsieve.errors import TextsieveError
    from textsieve.training.real_pages import read_records

    loaded = {}
    for side, model in (("new", args.new), ("old", args.old)):
        try:
            loaded[side] = _load(model, args.body_threshold)
        except TextsieveError as exc:
            print(f"compare_models: cannot load the {side} model ({model or 'shipped'}): {exc}", file=sys.stderr)
            return 2
    (new_sieve, new_desc), (old_sieve, old_desc) = loaded["new"], loaded["old"]
    seeds = args.seeds if (args.seeds / "gold").is_dir() else None
    records = list(islice(read_records(split="heldout"), args.limit))

    figures, emptied, seconds = {}, {}, {}
    for side, sieve in (("old", old_sieve), ("new", new_sieve)):
        start = time.perf_counter()
        figures[side], emptied[side] = measure(sieve, records, seeds, args.limit)
        seconds[side] = round(time.perf_counter() - start, 1)

    print(f"old: {old_desc}")
    print(f"new: {new_desc}")
    print(f"held-out data only; real pages: {len(records)} held-out records"
          + (f" (--limit {args.limit})" if args.limit is not None else "")
          + f"; measured in {seconds['old']} s (old), {seconds['new']} s (new)")
    print(f"▲/▼: delta beyond ±{MARK_BEYOND} (counts: any change); figure (n): n pages")
    if seeds is None:
        print(f"seeds: skipped (no seed set at {args.seeds}; it ships with the team's shared folder, not the repo)")
    for line in report_lines(figures["old"], figures["new"]):
        print(line)
    for side in ("old", "new"):
        for kind, ids in emptied[side].items():
            if ids:
                print(f"{side} emptied ({kind}): {', '.join(ids)}")

    if args.json:
        sections = {}
        for name in SECTIONS:
            o, n = figures["old"].get(name, {}), figures["new"].get(name, {})
            sections[name] = {fig: {"old": o.get(fig), "new": n.get(fig), "delta": delta_of(o.get(fig), n.get(fig))}
                              for fig in dict.fromkeys([*o, *n])}
        doc = {"old": {"model": old_desc, "seconds": seconds["old"], "emptied": emptied["old"]},
               "new": {"model": new_desc, "seconds": seconds["new"], "emptied": emptied["new"]},
               "body_threshold": args.body_threshold, "limit": args.limit,
               "seeds": None if seeds is None else str(seeds), "sections": sections}
        args.json.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
