"""Engines: the same 2,000 documents through one process, joblib with 2 jobs and a 2-worker Dask cluster.

    pip install '.[dask]'          # dask + distributed (already in the test extra)
    python benchmarks/engines_throughput.py [--docs 2000] [--json out.json]

Documents are the team's labeled documents with junk injected by the training generator (needs
Faker, from the ``train`` or ``test`` extra), held in memory as JSON-like records, so the figure
is the engines' cost and not disk I/O. Every runner is warmed up first (its processes started
and the model loaded), because a long-running cluster pays that once, then timed on all
documents. One process is pinned to one OpenMP thread so that "one process" means one core.

Reports docs/s and MB/s, the speed-up over one process (target: 2 workers >= 1.7x), and each
worker's resident memory after the run. The Dask workers run with ``textsieve.dask.QUIET_WORKERS``
(their profiler and monitors slowed down), as the README recommends for CPU-bound cleaning.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # workers inherit it: one core per worker

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CHUNK = 64
PARTITIONS = 8  # a few large partitions per worker: per-task overhead stays small, the load stays balanced


def documents(n: int) -> list[dict]:
    from textsieve.training.corpus import read_corpus
    from textsieve.training.synth import augment_corpus

    docs = read_corpus(REPO / "training_data")
    variants = -(-n // len(docs))
    return [{"id": i, "text": d.text} for i, d in enumerate(augment_corpus(docs, variants=variants, seed=4242)[:n])]


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def one_process(records):
    from textsieve.dask import clean_partition

    clean_partition(records[:8])  # warm-up: load the model
    t = time.perf_counter()
    out = [r for i in range(0, len(records), CHUNK) for r in clean_partition(records[i:i + CHUNK])]
    return time.perf_counter() - t, out, [_rss_mb()]


def joblib_two(records):
    from joblib import Parallel, delayed

    from textsieve.dask import clean_partition

    chunks = [records[i:i + CHUNK] for i in range(0, len(records), CHUNK)]
    with Parallel(n_jobs=2) as parallel:
        parallel(delayed(clean_partition)(records[:8]) for _ in range(4))  # warm-up both workers
        t = time.perf_counter()
        parts = parallel(delayed(clean_partition)(c) for c in chunks)
        dt = time.perf_counter() - t
        rss = parallel(delayed(_rss_mb)() for _ in range(2))
    return dt, [r for p in parts for r in p], rss


def dask_two(records):
    import dask
    import dask.bag as db
    from distributed import Client, LocalCluster

    from textsieve.dask import QUIET_WORKERS, clean_bag

    dask.config.set(QUIET_WORKERS)  # see its comment: ~10% on 2 cores
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster, Client(cluster) as client:
        clean_bag(db.from_sequence(records[:8], npartitions=2)).compute()  # warm-up
        client.run(lambda: __import__("textsieve.engines").engines.process_sieve())  # model on every worker
        bag = db.from_sequence(records, npartitions=PARTITIONS)
        t = time.perf_counter()
        out = clean_bag(bag).compute()
        dt = time.perf_counter() - t
        rss = list(client.run(_rss_mb).values())
    return dt, out, rss


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    records = documents(args.docs)
    mb = sum(len(r["text"].encode()) for r in records) / 1e6
    print(f"{len(records)} documents, {mb:.1f} MB")
    results = {}
    reference = None
    for name, fn in (("one process", one_process), ("joblib, 2 jobs", joblib_two), ("Dask LocalCluster, 2 workers", dask_two)):
        dt, out, rss = fn(records)
        texts = [r["text"] for r in sorted(out, key=lambda r: r["id"])]
        if reference is None:
            reference = texts
        assert texts == reference, f"{name}: output differs from one process"
        results[name] = {"seconds": round(dt, 2), "docs_per_s": round(len(records) / dt, 1), "MB_per_s": round(mb / dt, 3),
                         "worker_rss_mb": [round(x) for x in rss]}
    base = results["one process"]["seconds"]
    for name, r in results.items():
        r["speedup"] = round(base / r["seconds"], 2)
        print(f"{name:<30} {r['docs_per_s']:7.1f} docs/s  {r['MB_per_s']:6.3f} MB/s  speed-up {r['speedup']:.2f}x  "
              f"worker RSS {', '.join(f'{x} MB' for x in r['worker_rss_mb'])}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
