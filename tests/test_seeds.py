"""Quality on the five real scraped seed documents (never trained on), scored by the team's
scorer. Skipped where ../shared is absent (a user's machine); CI has it.

The floors are those of the core issue: line-level macro-F1 >= 0.95 and body-keep F1 >= 0.99,
and the glued junk tails in the seeds cut off at the right place.

Why the glued check asks for the cut and not the tail's label: the three glued tails are a link
and two gallery captions ("Title - Site" image titles), and whether a retrain calls such a title
`caption` or `link_spam` moves from run to run (README, "Judge a change on several seeds"); the
label is counted by macro-F1 above, the cut by these asserts. All three tails are junk and are removed.
"""
import json
import subprocess
import sys

from textsieve.evaluate import prediction_rows


def test_seed_quality_meets_the_floors(sieve, seeds_dir, tmp_path):
    pred, kept = tmp_path / "pred", tmp_path / "kept"
    pred.mkdir()
    kept.mkdir()
    for src in sorted(seeds_dir.glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        records = sieve.label_lines(text)
        (pred / f"{src.stem}.tsv").write_text("\n".join(prediction_rows(text, records)) + "\n", encoding="utf-8")
        (kept / f"{src.stem}.txt").write_text(sieve.clean(text), encoding="utf-8")
    out = tmp_path / "score.json"
    scorer = seeds_dir.parent / "tools" / "score.py"
    subprocess.run(
        [sys.executable, str(scorer), "--gold", str(seeds_dir / "gold"), "--pred", str(pred), "--kept", str(kept), "--json", str(out)],
        check=True, capture_output=True, text=True,
    )
    lines = json.loads(out.read_text())["lines"]
    report = json.dumps({k: lines[k] for k in ("macro_f1", "body_keep_lines", "glued", "per_label")}, indent=1)
    assert lines["macro_f1"] >= 0.95, report
    assert lines["body_keep_lines"]["f1"] >= 0.99, report
    glued = lines["glued"]
    assert glued["not_split"] == 0 and glued["split_correct"] + glued["split_other"] == glued["mixed"], report
    assert glued["split_correct"] >= glued["mixed"] - 1, report  # measured: 3 of 3 (earlier model), 2 of 3
    assert glued["false_splits"] == 0, report
    # The cuts are in the right place: the body's characters are kept and the tails' dropped.
    assert lines["body_keep_chars"]["f1"] >= 0.999, json.dumps(lines["body_keep_chars"])
