"""Batch throughput: `textsieve clean` on a folder of 2,000+ seed-like files, 1 job vs 2 jobs.

    python benchmarks/batch_throughput.py [--files 2000]

The folder is made by the team's junk generator over the team's own documents (needs the
``train`` extra for Faker) and written once to benchmarks/out/batch_corpus. Reports files/s and
MB/s for --jobs 1 and --jobs 2, the speed-up (target: 2 jobs >= 1.8x one job) and the peak RSS
of the main process and of the worker processes (target: <= 300 MB per worker).

It also prints the CPU seconds (user + system) of each run, the CLI process and its workers
together, as ms of CPU per file, and the load average: on a shared machine the wall-clock ratio
measures the other jobs as much as textsieve (with Linux's ``sched_autogroup`` even a niced job
in another session keeps a whole core), while CPU per file and the CPU efficiency (CPU of
``--jobs 1`` / CPU of ``--jobs 2``; 1.0 means the second process costs nothing extra) do not
depend on the load. On an idle machine the wall-clock speed-up is at most 2 x that efficiency.
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(folder: Path, jobs: int) -> tuple[float, int, int, float, float]:
    """One `textsieve clean` process; returns wall time, files, bytes, largest process RSS (MB)
    and CPU seconds of the CLI process and its workers (they are waited for, so they count)."""
    import json
    import subprocess

    out = OUT / f"batch_clean_{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    cpu = _children_cpu()
    t = time.perf_counter()
    # One job means one core: without this, scikit-learn's OpenMP code would use both cores
    # in the single process and the comparison would measure threads, not jobs.
    env = {**os.environ, "OMP_NUM_THREADS": "1"} if jobs == 1 else dict(os.environ)
    subprocess.run([sys.executable, "-m", "textsieve", "clean", str(folder), "-o", str(out), "--jobs", str(jobs), "--quiet"],
                   check=True, env=env)
    dt = time.perf_counter() - t
    cpu = _children_cpu() - cpu
    # Descendants (the CLI process and its joblib workers) that have exited: the largest RSS.
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads((out / "textsieve-report.json").read_text())
    assert report["failed"] == 0, report["failures"][:3]
    return dt, report["done"], report["bytes_in"], rss, cpu


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="textsieve clean: 1 job vs 2 jobs")
    ap.add_argument("--files", type=int, default=2000)
    args = ap.parse_args(argv)
    folder = make_corpus(args.files)
    results, cpus = {}, {}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for jobs in (1, 2):
        dt, n, nbytes, rss, cpu = run(folder, jobs)
        results[jobs], cpus[jobs] = dt, cpu
        print(f"--jobs {jobs}: {n} files, {nbytes / 1e6:.1f} MB in {dt:.1f}s = {n / dt:.1f} files/s, "
              f"{nbytes / 1e6 / dt:.2f} MB/s; CPU {cpu:.2f} s = {cpu / n * 1e3:.2f} ms per file; "
              f"largest process so far {rss:.0f} MB RSS")
    print(f"speed-up 2 jobs / 1 job: {results[1] / results[2]:.2f}x (target >= 1.8x); CPU efficiency "
          f"{cpus[1] / cpus[2]:.2f}; target <= 300 MB per process")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
