"""Batch throughput: `textsieve clean` on a folder of 2,000+ seed-like files, 1 job vs 2 jobs.

    python benchmarks/batch_throughput.py [--files 2000]

The folder is made by the team's junk generator over the team's own documents (needs the
``train`` extra for Faker) and written once to benchmarks/out/batch_corpus. Reports files/s and
MB/s for --jobs 1 and --jobs 2, the speed-up (target: 2 jobs >= 1.8x one job) and the peak RSS
of the main process and of the worker processes (target: <= 300 MB per worker).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"


def make_corpus(n_files: int) -> Path:
    folder = OUT / "batch_corpus"
    if folder.is_dir() and len(list(folder.glob("*.txt"))) >= n_files:
        return folder
    from textsieve.training.corpus import read_corpus
    from textsieve.training.synth import augment_corpus

    docs = read_corpus(REPO / "training_data")
    variants = -(-n_files // len(docs))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i, doc in enumerate(augment_corpus(docs, variants=variants, seed=12345)[:n_files]):
        (folder / f"{i:05d}.txt").write_text(doc.text, encoding="utf-8")
    return folder


def run(folder: Path, jobs: int) -> tuple[float, int, int, float]:
    """One `textsieve clean` process; returns wall time, files, bytes, largest process RSS (MB)."""
    import json
    import subprocess

    out = OUT / f"batch_clean_{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    # One job means one core: without this, scikit-learn's OpenMP code would use both cores
    # in the single process and the comparison would measure threads, not jobs.
    env = {**os.environ, "OMP_NUM_THREADS": "1"} if jobs == 1 else dict(os.environ)
    subprocess.run([sys.executable, "-m", "textsieve", "clean", str(folder), "-o", str(out), "--jobs", str(jobs), "--quiet"],
                   check=True, env=env)
    dt = time.perf_counter() - t
    # Descendants (the CLI process and its joblib workers) that have exited: the largest RSS.
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads((out / "textsieve-report.json").read_text())
    assert report["failed"] == 0, report["failures"][:3]
    return dt, report["done"], report["bytes_in"], rss


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="textsieve clean: 1 job vs 2 jobs")
    ap.add_argument("--files", type=int, default=2000)
    args = ap.parse_args(argv)
    folder = make_corpus(args.files)
    results = {}
    for jobs in (1, 2):
        dt, n, nbytes, rss = run(folder, jobs)
        results[jobs] = dt
        print(f"--jobs {jobs}: {n} files, {nbytes / 1e6:.1f} MB in {dt:.1f}s = {n / dt:.1f} files/s, "
              f"{nbytes / 1e6 / dt:.2f} MB/s; largest process so far {rss:.0f} MB RSS")
    print(f"speed-up 2 jobs / 1 job: {results[1] / results[2]:.2f}x (target >= 1.8x); target <= 300 MB per process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
