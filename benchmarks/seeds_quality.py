"""Quality on the seed documents (real scraped pages the model never trained on).

Labels every seed with the shipped model (or --model), writes predictions in score.py's format
and the kept text, and runs the team's scorer on them:

    python benchmarks/seeds_quality.py [--model DIR] [--out benchmarks/out/seeds]

Prints score.py's report (per-label P/R/F1, macro-F1, body-keep by line/character/token, glued
lines). Exits 0 after printing; the floors are enforced by tests/test_seeds.py and
benchmarks/quality_gate.py.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model file or directory (default: shipped model)")
    ap.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "seeds")
    args = ap.parse_args(argv)
    if not (args.seeds / "gold").is_dir():
        print(f"skipped: no seed set at {args.seeds} (it lives in the team's shared folder)")
        return 0

    from textsieve import Sieve
    from textsieve.evaluate import prediction_rows

    sieve = Sieve(args.model)
    pred, kept = args.out / "pred", args.out / "kept"
    pred.mkdir(parents=True, exist_ok=True)
    kept.mkdir(parents=True, exist_ok=True)
    for src in sorted(args.seeds.glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        records = sieve.label_lines(text)
        (pred / f"{src.stem}.tsv").write_text("\n".join(prediction_rows(text, records)) + "\n", encoding="utf-8")
        (kept / f"{src.stem}.txt").write_text(sieve.clean(text), encoding="utf-8")
    cmd = [sys.executable, str(args.seeds.parent / "tools" / "score.py"), "--gold", str(args.seeds / "gold"),
           "--pred", str(pred), "--kept", str(kept), "--json", str(args.out / "score.json")]
    print("$", " ".join(cmd))
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
