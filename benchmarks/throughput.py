"""Speed and memory of clean_text on one core, side by side with datatrove's C4 line rules.

    python benchmarks/throughput.py [--mb 10] [--batch 64] [--model DIR] [--threads 1] [--repeat 3]

The corpus is the seed documents repeated to at least --mb megabytes (the team's own training
documents when ../shared is absent). Both systems see the same documents in the same run, and
the figure that matters is the ratio, not the absolute MB/s, which depends on the machine.
datatrove is a benchmark-only peer: `pip install datatrove regex` (its C4QualityFilter with
``min_num_sentences=-1`` applies C4's line rules without needing a sentence splitter).

Reports: MB/s of ``clean_text`` called once per document, MB/s of ``Sieve.clean_many`` on
batches (one core thread unless --threads says otherwise), the featurizer alone in lines per
second, the C4 rules' MB/s, the ratios, the model file size and the peak RSS while cleaning.
Single-thread rates are per CPU second of this process (robust on a shared machine); with
--threads > 1 the batched rate is by wall time. Every rate, textsieve's and the peer's alike, is
the best of --repeat runs: other work on a shared machine only ever slows a run down (cache and
core contention show up even in CPU time), so the fastest run is the least disturbed one.
"""
from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # one core, as the target says; set before numpy is imported

import argparse  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def corpus(min_mb: float) -> tuple[list[str], str]:
    if SEEDS.is_dir():
        texts, source = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))], "seeds"
    else:
        from textsieve.training.corpus import read_corpus

        texts, source = [d.text for d in read_corpus(REPO / "training_data")], "training_data (no ../shared)"
    size = sum(len(t.encode()) for t in texts)
    reps = int(min_mb * 1e6 // size) + 1
    return texts * reps, source


REPEAT = 3  # set from --repeat


def rate(fn, docs, nbytes, clock=time.process_time) -> float:
    """Best MB/s over REPEAT runs, by this process's CPU time by default: on a shared machine wall
    time also counts other people's work, CPU time does not. Every measured path runs on one
    thread unless --threads says so; several threads are timed by wall clock (``wall_rate``)."""
    best = 0.0
    for _ in range(REPEAT):
        t = clock()
        fn(docs)
        best = max(best, nbytes / 1e6 / (clock() - t))
    return best


def wall_rate(fn, docs, nbytes) -> float:
    return rate(fn, docs, nbytes, clock=time.perf_counter)


def featurizer_lines_per_second(docs: list[str], config: dict | None) -> float | None:
    """Segments featurized per second by the core alone (batches of 64 documents, one thread)."""
    try:
        from textsieve import _core
    except ImportError:
        return None
    config = {k: v for k, v in (config or {}).items() if k in ("n_word_hash", "n_char_hash", "max_chars", "char_chars", "html")}
    best = 0.0
    for _ in range(REPEAT):
        t = time.process_time()
        rows = 0
        for i in range(0, len(docs), 64):
            rows += len(_core.featurize(docs[i:i + 64], config=config or None)["doc"])
        best = max(best, rows / (time.process_time() - t))
    return best


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="clean_text throughput vs datatrove C4 line rules")
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--threads", type=int, default=1, help="core threads for clean_many (default 1: one core)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is reported (default 3)")
    args = ap.parse_args(argv)
    global REPEAT
    REPEAT = max(1, args.repeat)

    from textsieve import Sieve, clean_text
    from textsieve.model import MODEL_FILE, default_model_path

    docs, source = corpus(args.mb)
    nbytes = sum(len(t.encode()) for t in docs)
    print(f"corpus: {source}, {len(docs)} documents, {nbytes / 1e6:.1f} MB; one core; best of {REPEAT} runs")
    one = Sieve(args.model, threads=1)
    clean = clean_text if args.model is None else one.clean
    clean("warm up: load the model once.")
    rss_before = peak_rss_mb()

    per_doc = rate(lambda ds: [clean(d) for d in ds], docs, nbytes)
    sieve = Sieve(one.model, threads=args.threads)
    rate_of_batches = rate if args.threads == 1 else wall_rate
    batched = rate_of_batches(lambda ds: [sieve.clean_many(ds[i:i + args.batch]) for i in range(0, len(ds), args.batch)], docs, nbytes)
    rss = peak_rss_mb()
    print(f"textsieve clean_text, one call per document: {per_doc:7.2f} MB/s")
    print(f"textsieve Sieve.clean_many, batches of {args.batch}:  {batched:7.2f} MB/s ({args.threads} core thread(s))")
    lines_per_s = featurizer_lines_per_second(docs, getattr(one.model, "manifest", {}).get("feature_config"))
    if lines_per_s:
        print(f"featurizer alone (core, one thread): {lines_per_s:,.0f} lines/s (target >= 300,000 per core)")
    print(f"peak RSS while cleaning: {rss:.0f} MB (after model load: {rss_before:.0f} MB; target <= 200 MB)")
    model_file = default_model_path() if args.model is None else Path(args.model) / MODEL_FILE
    print(f"model file: {model_file.stat().st_size / 1e6:.1f} MB (target <= 25 MB)")

    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError as exc:
        print(f"datatrove not importable ({exc}); `pip install datatrove regex` to get the C4 ratio")
        return 0
    c4 = C4QualityFilter(min_num_sentences=-1)
    c4_rate = rate(lambda ds: [c4.filter(Document(text=d, id=str(i))) for i, d in enumerate(ds)], docs, nbytes)
    print(f"datatrove C4QualityFilter line rules:       {c4_rate:7.2f} MB/s")
    print(f"ratio textsieve/C4: per document {per_doc / c4_rate:.2f}x, batched {batched / c4_rate:.2f}x "
          "(targets: >= 1.0x per document, >= 2x batched)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
