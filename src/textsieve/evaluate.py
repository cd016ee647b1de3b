"""Metrics as data: line-level precision/recall/F1 per label, macro-F1, body-keep.

The definitions follow ``shared/tools/score.py`` (the team's scorer for the seed set), so the
numbers ``textsieve evaluate`` prints and the numbers that script prints on the same predictions
agree: a line's predicted label is the label covering most of its non-whitespace characters;
macro-F1 averages the labels that have gold support or predictions; a line is *kept* iff its
predicted label is body.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .training.corpus import BLANK, UNLABELED, LabeledDocument
from .labels import BODY, LabeledLine

__all__ = ["line_labels", "prediction_rows", "line_metrics", "evaluate_documents", "token_metrics", "summary"]


def _nonspace(s: str) -> int:
    return len("".join(s.split()))


def line_labels(n_lines: int, records: Sequence[LabeledLine]) -> list[str]:
    """Predicted label per source line (``blank`` where no record), majority by characters."""
    weights: list[Counter] = [Counter() for _ in range(n_lines)]
    for r in records:
        weights[r.line][r.label] += _nonspace(r.text) or 1
    return [w.most_common(1)[0][0] if w else BLANK for w in weights]


# The labels score.py knows; a newer class (``boilerplate``, issue 12) goes to it as ``drop``:
# removed, never correct for a junk label, as score.py scores keep/drop systems.
SCORE_LABELS = ("body", "link_spam", "author_meta", "caption")
# Scored as removed when the gold set predates it (no gold line has it), not as a class of its own.
DROP_LABELS = ("boilerplate",)


def prediction_rows(text: str, records: Sequence[LabeledLine]) -> list[str]:
    """Rows in score.py's prediction format: ``label`` or ``label1|label2@offset`` per line.

    A label score.py does not know (``boilerplate``) is written ``drop``."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    by_line: dict[int, list[LabeledLine]] = {}
    for r in records:
        by_line.setdefault(r.line, []).append(r)
    rows, pos = [], 0
    for i, line in enumerate(lines):
        recs = by_line.get(i, [])
        body = line[:-1] if line.endswith("\r") else line
        labs = [r.label if r.label in SCORE_LABELS else "drop" for r in recs]
        if not recs:
            label = BLANK
        elif len(set(labs)) == 1:
            label = labs[0]
        else:
            label = "|".join(labs) + "@" + ",".join(str(r.start - pos) for r in recs[1:])
        rows.append(f"{label}\t{body}")
        pos += len(line) + 1
    return rows


def line_metrics(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None) -> dict:
    """Scores over the gold lines that have a label (not blank, not unlabeled). ``pred`` may hold
    ``blank``/``drop`` for removed lines."""
    pairs = [(g, p) for g, p in zip(gold, pred) if g not in (BLANK, UNLABELED)]
    gold_set = {g for g, _ in pairs}
    # a class the gold predates (boilerplate on four-label gold) counts as "drop", as in score.py
    pairs = [(g, "drop" if p in DROP_LABELS and p not in gold_set else p) for g, p in pairs]
    labels = list(labels) if labels else sorted(gold_set | {p for _, p in pairs if p not in (BLANK, "drop")})
    per_label = {}
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        n_gold = sum(1 for g, _ in pairs if g == lab)
        n_pred = sum(1 for _, p in pairs if p == lab)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_label[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": n_gold, "predicted": n_pred}
        if n_gold or n_pred:
            f1s.append(f1)
    kept_tp = sum(1 for g, p in pairs if g == BODY and p == BODY)
    kept = sum(1 for _, p in pairs if p == BODY)
    body = sum(1 for g, _ in pairs if g == BODY)
    kp = kept_tp / kept if kept else 0.0
    kr = kept_tp / body if body else 0.0
    confusion: dict[str, dict[str, int]] = {}
    for g, p in pairs:
        confusion.setdefault(g, {}).setdefault(p, 0)
        confusion[g][p] += 1
    return {
        "lines": len(pairs),
        "accuracy": sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else 0.0,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "per_label": per_label,
        "body_keep": {"precision": kp, "recall": kr, "f1": 2 * kp * kr / (kp + kr) if kp + kr else 0.0},
        "confusion": confusion,
    }


def evaluate_documents(docs: Sequence[LabeledDocument], predictions: Sequence[Sequence[LabeledLine]],
                       labels: Sequence[str] | None = None) -> dict:
    """Line-level metrics of ``predictions`` (one record list per document) against ``docs``."""
    gold, pred = [], []
    for doc, recs in zip(docs, predictions):
        gold.extend(doc.labels)
        pred.extend(line_labels(len(doc.lines), recs))
    return line_metrics(gold, pred, labels)


_TOKEN = re.compile(r"\w+", re.UNICODE)


def token_metrics(gold_texts: Sequence[str], pred_texts: Sequence[str]) -> dict:
    """Token-level precision/recall/F1 of kept text against gold body text, micro-averaged.

    Tokens are compared as bags per document (a kept token counts as correct as many times as
    it occurs in the gold body), so the figure does not depend on how either side breaks lines:
    it is what a corpus builder cares about, and it is how extractors such as trafilatura are
    compared.
    """
    tp = n_gold = n_pred = 0
    for gold, pred in zip(gold_texts, pred_texts):
        g = Counter(t.lower() for t in _TOKEN.findall(gold))
        p = Counter(t.lower() for t in _TOKEN.findall(pred))
        tp += sum((g & p).values())
        n_gold += sum(g.values())
        n_pred += sum(p.values())
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    return {"precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
            "gold_tokens": n_gold, "kept_tokens": n_pred}


def summary(m: dict) -> dict:
    """The headline numbers of a metrics dict (for subsets in reports)."""
    return {
        "lines": m["lines"], "macro_f1": m["macro_f1"],
        "body_precision": m["body_keep"]["precision"], "body_recall": m["body_keep"]["recall"],
        "body_f1": m["body_keep"]["f1"],
        "f1": {lab: s["f1"] for lab, s in m["per_label"].items() if s["support"] or s["predicted"]},
    }


def format_metrics(m: dict) -> str:
    """A short human-readable table."""
    out = [f"{'label':<14}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}"]
    for lab, s in m["per_label"].items():
        out.append(f"{lab:<14}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['support']:>9}")
    bk = m["body_keep"]
    out.append(f"macro-F1 {m['macro_f1']:.4f}   accuracy {m['accuracy']:.4f}   lines {m['lines']}")
    out.append(f"body-keep P {bk['precision']:.4f}  R {bk['recall']:.4f}  F1 {bk['f1']:.4f}")
    return "\n".join(out)
