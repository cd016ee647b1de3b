"""Where `clean_text` loses word F1 on the held-out real pages, and what a better decision could win.

    python benchmarks/real_losses.py [MODEL]      # MODEL: a model directory (default: the shipped model)

Why: before changing the decision rule or the model, know whether the words lost are body the
model dropped or junk it kept, on which page types and in which line lengths, and whether the
model's ranking of lines within a page is good enough that a better threshold would fix it.

On the committed full-page text of held-out sites (``training_data/real``, split ``heldout``,
pages with a text reference, as ``evaluate_committed`` scores them), per page type:

* ``word F1``: ``clean_text``'s (mean over pages);
* ``best threshold per page``: the word F1 had each page been cut at its own best P(body)
  threshold (0.05 to 0.95, on the model's own scores): the ceiling of any page-level threshold rule. Far above
  ``word F1``: the scores rank the lines well and the level is off; close to it: the ranking
  itself is the limit;
* ``dropped body words`` / ``kept junk words``: words of body lines labeled junk, and of junk
  lines labeled body, summed over the pages;
* the kept junk words by gold label and by line length (words per line).

A report, not a gate (exit 0).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict

from textsieve import Sieve
from textsieve.training.real_labels import word_f1, words
from textsieve.training.real_pages import fulltext_of, read_records

THRESHOLDS = [i / 20 for i in range(1, 20)]


def length_bucket(n: int) -> str:
    return "1-3" if n < 4 else "4-9" if n < 10 else "10-29" if n < 30 else "30+"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", nargs="?", help="model directory (default: the shipped model)")
    args = ap.parse_args(argv)
    sieve = Sieve(args.model) if args.model else Sieve()
    records = [r for r in read_records(split="heldout") if r["gold"] == "text"]
    labeled = sieve.label_many([fulltext_of(r) for r in records])
    groups: dict[str, Counter] = defaultdict(Counter)
    by_label: Counter = Counter()
    by_length: Counter = Counter()
    for rec, lines in zip(records, labeled):
        reference = "\n".join(ln[1] for ln in rec["fulltext"] if ln and ln[0] == "body")
        if not words(reference):
            continue
        gold = {i: ln[0] for i, ln in enumerate(rec["fulltext"]) if ln}
        output = "\n".join(r.text for r in lines if r.label == "body")
        # the guard changes labels, never scores: these are the model's own P(body)
        best = max(word_f1("\n".join(r.text for r in lines if r.scores["body"] >= t), reference) for t in THRESHOLDS)
        dropped = kept_junk = 0
        for r in lines:
            n, is_body = len(words(r.text)), gold.get(r.line) == "body"
            if r.label != "body" and is_body:
                dropped += n
            elif r.label == "body" and not is_body:
                kept_junk += n
                by_label[gold.get(r.line, "?")] += n
                by_length[length_bucket(n)] += n
        for key in ("all", f"{rec['source']}/{rec['page_type']}"):
            g = groups[key]
            g["pages"] += 1
            g["f1"] += word_f1(output, reference)
            g["best"] += best
            g["dropped"] += dropped
            g["kept_junk"] += kept_junk
    print(f"model: {sieve.model.path or 'shipped'}")
    print(f"{'pages':>5}  {'group':24} {'word F1':>8} {'best threshold per page':>24} "
          f"{'dropped body words':>19} {'kept junk words':>16}")
    for key, g in sorted(groups.items(), key=lambda kv: (kv[0] != "all", -kv[1]["pages"], kv[0])):
        n = g["pages"]
        print(f"{n:5d}  {key:24} {g['f1'] / n:8.3f} {g['best'] / n:24.3f} {g['dropped']:19d} {g['kept_junk']:16d}")
    total = sum(by_label.values()) or 1
    print("kept junk words by gold label: " + ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in by_label.most_common()))
    print("kept junk words by line length: " + ", ".join(
        f"{k} words {by_length[k]} ({by_length[k] / total:.0%})" for k in ("1-3", "4-9", "10-29", "30+")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
