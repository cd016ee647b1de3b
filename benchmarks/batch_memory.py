"""Peak memory of `textsieve clean` runs, summed over the whole process tree (parent + workers).

    python benchmarks/batch_memory.py            # folder run with -j1 and -j2, then a 1 GB gzip bomb

The folder is 400 copies of tests/data/example_page.txt (varied) plus a 3 MB JSONL file; the
bomb is a .txt.gz of ~1.3 MB that expands to 1 GB, and a .jsonl.gz holding one 400 MB record.
RSS is sampled from /proc every 20 ms (Linux), summing every process whose ancestor is the run.
"""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _tree_rss_mb(root: int) -> float:
    parents, rss = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * 4096
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(p for p, pp in parents.items() if pp == pid)
    return total / 1e6


def measure(cmd: list[str]) -> tuple[int, float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.02)
    return proc.returncode, peak, time.perf_counter() - t0


def main() -> None:
    base = (REPO / "tests" / "data" / "example_page.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "folder"
        folder.mkdir()
        for i in range(400):
            (folder / f"doc{i:03d}.txt").write_text(base.replace("Bees", f"Bees {i}"), encoding="utf-8")
        with open(folder / "records.jsonl", "w", encoding="utf-8") as fh:
            for i in range(2000):
                fh.write(json.dumps({"id": i, "text": base}) + "\n")
        bombs = tmp / "bombs"
        bombs.mkdir()
        chunk = gzip.compress(b"All work and no play makes a dull page of text. " * 340_000, mtime=0)
        (bombs / "bomb.txt.gz").write_bytes(chunk * 64)
        with open(bombs / "bomb.jsonl.gz", "wb") as fh:
            fh.write(gzip.compress(b'{"id": 1, "text": "', mtime=0))
            fh.write(gzip.compress(b"a" * 16_000_000, mtime=0) * 25)
            fh.write(gzip.compress(b'"}\n', mtime=0))
        cli = [sys.executable, "-m", "textsieve", "clean"]
        runs = [("folder, -j1", [str(folder), "-j", "1"]), ("folder, -j2", [str(folder), "-j", "2"]),
                ("gzip bombs, -j1", [str(bombs), "-j", "1"])]
        for i, (name, args) in enumerate(runs):
            rc, peak, secs = measure(cli + args + ["-o", str(tmp / f"out{i}"), "-q"])
            print(f"{name:18s} exit {rc}  peak RSS (all processes) {peak:6.0f} MB  {secs:5.1f} s")


if __name__ == "__main__":
    main()
