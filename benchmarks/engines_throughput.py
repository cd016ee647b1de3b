"""Engines: the same 2,000 documents through one process, joblib with 2 jobs and a 2-worker Dask cluster.

    pip install '.[dask]'          # dask + distributed (already in the test extra)
    python benchmarks/engines_throughput.py [--docs 2000] [--json out.json]

Documents are the team's labeled documents with junk injected by the training generator (needs
Faker, from the ``train`` or ``test`` extra), held in memory as JSON-like records, so the figure
is the engines' cost and not disk I/O. Every runner is warmed up first (its processes started
and the model loaded), because a long-running cluster pays that once, then timed on all
documents. One process is pinned to one OpenMP thread so that "one process" means one core.
joblib receives the records with its tasks (pickled through pipes, inside the timing); Dask gets
its partitions placed on the workers first, untimed (see :func:`dask_two` for why); both send
the cleaned records back to this process inside the timing.

Reports docs/s and MB/s, the speed-up over one process (target: 2 workers >= 1.7x), and each
worker's resident memory after the run. It also reports CPU seconds (user + system) of the
calling process and of every worker process over the timed part, as ms of CPU per document and
the parallel efficiency (one process's CPU / all processes' CPU): on a shared machine the
wall-clock ratio says how busy the other jobs were, the CPU figures say what the engine costs.
(On Linux with ``sched_autogroup`` a niced job in another session still takes a whole core.)

Both parallel runners get a few large tasks per worker (``PARTITIONS`` in all), each cleaned in
batches of ``CHUNK`` documents by :func:`textsieve.dask.clean_partition`: a task of 64
documents is about 25 ms of work, so per-task dispatch and result collection cost as much CPU
as the cleaning saved (joblib with 64-document tasks: 0.50 ms of CPU per document against
0.43 in one process; with a few large tasks: the same 0.40 as one process). The Dask workers run with ``textsieve.dask.QUIET_WORKERS``
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


def _cpu_seconds() -> float:
    import psutil

    t = psutil.Process().cpu_times()
    return t.user + t.system


def _children_cpu() -> dict[int, float]:
    """CPU seconds so far of every live descendant (joblib's and Dask's workers), by pid."""
    import psutil

    out = {}
    for p in psutil.Process().children(recursive=True):
        try:
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
        except psutil.Error:
            pass
    return out


class CpuClock:
    """CPU seconds of this process and of its descendants between start() and stop()."""

    def start(self):
        self.own, self.kids, self.t = _cpu_seconds(), _children_cpu(), time.perf_counter()
        return self

    def stop(self) -> tuple[float, float, float]:
        wall = time.perf_counter() - self.t
        own = _cpu_seconds() - self.own
        kids = sum(v - self.kids.get(pid, 0.0) for pid, v in _children_cpu().items())
        return wall, own, kids


def _partitions(records, n: int) -> list:
    size = -(-len(records) // n)
    return [records[i:i + size] for i in range(0, len(records), size)]


def _same(part):
    return part


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def one_process(records):
    from textsieve.dask import clean_partition

    clean_partition(records[:8])  # warm-up: load the model
    clock = CpuClock().start()
    out = [r for i in range(0, len(records), CHUNK) for r in clean_partition(records[i:i + CHUNK])]
    return clock.stop(), out, [_rss_mb()]


def joblib_two(records):
    from joblib import Parallel, delayed

    from textsieve.dask import clean_partition

    with Parallel(n_jobs=2) as parallel:
        parallel(delayed(clean_partition)(records[:8]) for _ in range(4))  # warm-up both workers
        clock = CpuClock().start()
        parts = parallel(delayed(clean_partition)(p, batch_size=CHUNK) for p in _partitions(records, PARTITIONS))
        times = clock.stop()
        rss = parallel(delayed(_rss_mb)() for _ in range(2))
    return times, [r for p in parts for r in p], rss


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
        # The partitions are put on the workers before the clock starts, as a pipeline's workers
        # read their own partitions (db.read_text, read_parquet). Built with db.from_sequence
        # instead, all 70 MB would travel inside the task graph through the scheduler, which runs
        # in this process: 1.4 s of its CPU for 20,000 documents (and a "large graph" warning),
        # competing with the two workers for the two cores (speed-up 0.64x under load).
        bag = db.from_delayed([dask.delayed(_same)(f) for f in client.scatter(_partitions(records, PARTITIONS))])
        clock = CpuClock().start()
        out = clean_bag(bag, batch_size=CHUNK).compute()
        times = clock.stop()
        rss = list(client.run(_rss_mb).values())
    return times, out, rss


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    records = documents(args.docs)
    mb = sum(len(r["text"].encode()) for r in records) / 1e6
    print(f"{len(records)} documents, {mb:.1f} MB; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = {}
    reference = None
    for name, fn in (("one process", one_process), ("joblib, 2 jobs", joblib_two), ("Dask LocalCluster, 2 workers", dask_two)):
        (dt, own_cpu, worker_cpu), out, rss = fn(records)
        texts = [r["text"] for r in sorted(out, key=lambda r: r["id"])]
        if reference is None:
            reference = texts
        assert texts == reference, f"{name}: output differs from one process"
        results[name] = {"seconds": round(dt, 2), "docs_per_s": round(len(records) / dt, 1), "MB_per_s": round(mb / dt, 3),
                         "worker_rss_mb": [round(x) for x in rss], "cpu_seconds_caller": round(own_cpu, 2),
                         "cpu_seconds_workers": round(worker_cpu, 2),
                         "cpu_ms_per_doc": round((own_cpu + worker_cpu) / len(records) * 1e3, 3)}
    base = results["one process"]
    for name, r in results.items():
        r["speedup"] = round(base["seconds"] / r["seconds"], 2)
        r["cpu_efficiency"] = round(base["cpu_ms_per_doc"] / r["cpu_ms_per_doc"], 2)
        print(f"{name:<30} {r['docs_per_s']:7.1f} docs/s  {r['MB_per_s']:6.3f} MB/s  speed-up {r['speedup']:.2f}x  "
              f"CPU {r['cpu_ms_per_doc']:.3f} ms/doc (caller {r['cpu_seconds_caller']:.2f} s, workers "
              f"{r['cpu_seconds_workers']:.2f} s, efficiency {r['cpu_efficiency']:.2f})  "
              f"worker RSS {', '.join(f'{x} MB' for x in r['worker_rss_mb'])}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
