"""Batch cleaning of a scraped folder with every kind of bad input an operator meets."""
import errno
import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textsieve.batch import filter_folder
from textsieve.cli import app

runner = CliRunner()


def snapshot(folder: Path) -> dict:
    """Every file's hash, but the settings record: it holds the time its run started."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".textsieve-settings.json"}


@pytest.fixture
def scraped(tmp_path, example_text):
    """A folder tree with good files in every format and the usual broken ones."""
    root = tmp_path / "scraped"
    (root / "news" / "2024").mkdir(parents=True)
    (root / "pages").mkdir()
    (root / "news" / "a.txt").write_text(example_text, encoding="utf-8")
    (root / "news" / "2024" / "b.txt.gz").write_bytes(gzip.compress(example_text.encode()))
    (root / "news" / "latin1.txt").write_bytes(example_text.replace("’", "'").encode("cp1252", "replace"))
    html = "<html><body><h1>Rooftop Bees</h1>" + "".join(f"<p>{p}</p>" for p in example_text.split("\n") if p) + "<script>var x;</script></body></html>"
    (root / "pages" / "page.html").write_text(html, encoding="utf-8")
    records = [{"id": i, "text": example_text, "url": f"https://example.org/{i}"} for i in range(3)]
    lines = [json.dumps(r) for r in records]
    lines.insert(1, "{not json at all")
    lines.insert(3, json.dumps({"id": 99, "body": "no text field"}))
    (root / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (root / "truncated.txt.gz").write_bytes(gzip.compress(example_text.encode() * 5)[:200])
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


def test_folder_is_cleaned_broken_files_reported_inputs_untouched(scraped, tmp_path):
    before = snapshot(scraped)
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(scraped), "-o", str(out), "--jobs", "1", "--quiet"])
    assert result.exit_code == 1  # some files failed
    assert snapshot(scraped) == before

    cleaned = (out / "news" / "a.txt").read_text(encoding="utf-8")
    assert "Harvest Day" in cleaned and "Detail Author" not in cleaned
    assert gzip.decompress((out / "news" / "2024" / "b.txt.gz").read_bytes()).decode() == cleaned
    assert "Harvest Day" in (out / "news" / "latin1.txt").read_text(encoding="utf-8")
    page = (out / "pages" / "page.html.txt").read_text(encoding="utf-8")  # cleaned HTML is text
    assert "Rooftop Bees" in page and "var x" not in page and "Socials" not in page
    dump = [json.loads(line) for line in (out / "dump.jsonl").read_text().splitlines()]
    # the record without a text field has nothing to clean: written through unchanged, in its place
    assert [r["id"] for r in dump] == [0, 1, 99, 2] and dump[2] == {"id": 99, "body": "no text field"}
    cleaned_rows = [r for r in dump if "text" in r]
    assert all(r["url"].startswith("https://") and "Detail Author" not in r["text"] for r in cleaned_rows)
    assert (out / "empty.txt").read_text() == ""

    report = json.loads((out / "textsieve-report.json").read_text())
    failed = {Path(f["file"]).name: f["reason"] for f in report["failures"]}
    assert set(failed) == {"binary.txt", "truncated.txt.gz"}
    assert "looks binary/undecodable" in failed["binary.txt"] and "truncated gzip" in failed["truncated.txt.gz"]
    by_name = {Path(f["input"]).name: f for f in report["files"]}
    assert by_name["image.png"]["status"] == "skipped"
    assert by_name["dump.jsonl"]["status"] == "done"
    assert any("line 2: malformed JSON" in b for b in by_name["dump.jsonl"]["bad_records"])
    assert any("line 4: no string field 'text'" in b for b in by_name["dump.jsonl"]["passed_through"])
    assert report["lines_per_label"]["author_meta"] > 0 and report["languages"].get("en", 0) >= 5
    assert not (out / "binary.txt").exists() and not list(out.rglob("*.part"))


def test_rerun_skips_finished_outputs_and_force_overwrites(scraped, tmp_path):
    out = tmp_path / "out"
    filter_folder([scraped / "news"], out, jobs=1)
    (out / "a.txt").write_text("edited by hand", encoding="utf-8")
    again = filter_folder([scraped / "news"], out, jobs=1)
    assert {f.status for f in again.files} == {"skipped"}
    assert (out / "a.txt").read_text() == "edited by hand"
    forced = filter_folder([scraped / "news"], out, jobs=1, force=True)
    assert {f.status for f in forced.files} == {"done"}
    assert (out / "a.txt").read_text() != "edited by hand"


def test_rejected_lines_and_jsonl_output_carry_labels_and_scores(scraped, tmp_path):
    out = tmp_path / "out"
    filter_folder([scraped / "news" / "a.txt"], out, jobs=1, rejected=True, output_format="jsonl")
    rows = [r.split("\t") for r in (out / "a.txt.jsonl.rejected.tsv").read_text().splitlines()]
    assert {r[1] for r in rows} >= {"link_spam", "author_meta", "caption"}
    assert all(0 <= float(r[2]) <= 1 for r in rows)
    record = json.loads((out / "a.txt.jsonl").read_text())
    assert {"line", "start", "end", "label", "score"} <= set(record["textsieve"]["lines"][0])


def test_parallel_run_equals_serial_run(scraped, tmp_path):
    serial = filter_folder([scraped], tmp_path / "one", jobs=1)
    parallel = filter_folder([scraped], tmp_path / "two", jobs=2)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    assert serial.to_dict()["lines_per_label"] == parallel.to_dict()["lines_per_label"]


def test_unreadable_input_and_unwritable_output_are_reported(scraped, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "pages").write_text("a file where the output folder should be")
    real = os.open

    def deny_a_txt(path, *args, **kwargs):  # chmod 000 does not stop root, so deny at the call
        if os.fspath(path).endswith("a.txt"):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny_a_txt)
    report = filter_folder([scraped], out, jobs=1)
    reasons = {Path(f.input).name: f.reason for f in report.files if f.status == "failed"}
    assert "permission denied" in reasons["a.txt"]
    assert "pages exists and is not a folder" in reasons["page.html"]  # out/pages is a file
    assert report.count("done") >= 4


def test_a_hundred_megabyte_line_is_cleaned(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "huge.txt").write_bytes(b"The river rose slowly through the night and nobody slept. " * 1_700_000)
    capped = filter_folder([src], tmp_path / "capped", jobs=1, languages=False)  # default cap: 50 MB
    assert capped.count("failed") == 1 and "larger than the 50 MB document cap" in capped.files[0].reason
    report = filter_folder([src], tmp_path / "out", jobs=1, languages=False, max_doc_mb=120)
    assert report.count("done") == 1
    assert (tmp_path / "out" / "huge.txt").stat().st_size == (src / "huge.txt").stat().st_size - 1  # kept, trailing space stripped


def test_usage_errors_exit_2(tmp_path):
    assert runner.invoke(app, ["clean", str(tmp_path), "--format", "xml", "-o", str(tmp_path / "o")]).exit_code == 2
    assert runner.invoke(app, ["clean", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["clean", "--bogus"]).exit_code == 2
    missing = runner.invoke(app, ["clean", str(tmp_path / "nope"), "-o", str(tmp_path / "o")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_killed_run_resumes_to_the_same_outputs(tmp_path, example_text):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        (src / f"doc{i:02d}.txt").write_text(example_text.replace("Bees", f"Bees {i}"), encoding="utf-8")
    cmd = [sys.executable, "-m", "textsieve", "clean", str(src), "-o", str(tmp_path / "killed"), "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((tmp_path / "killed").glob("doc*.txt"))) < 5:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(list((tmp_path / "killed").glob("doc*.txt"))) < 40, "killed before the end"
    resumed = runner.invoke(app, cmd[3:])  # the same command, resumed in this process (one model load fewer)
    assert resumed.exit_code == 0, resumed.output
    filter_folder([src], tmp_path / "whole", jobs=1)
    killed, whole = snapshot(tmp_path / "killed"), snapshot(tmp_path / "whole")
    killed.pop("textsieve-report.json")
    whole.pop("textsieve-report.json", None)
    settings = [json.loads((tmp_path / run / ".textsieve-settings.json").read_text())["settings"] for run in ("killed", "whole")]
    assert settings[0] == settings[1]  # the same settings, recorded at another time
    assert killed == whole


def test_an_output_folder_that_cannot_be_created_fails_cleanly(scraped, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file, so nothing can be created below it")
    below = blocker / "out"  # (-o naming the file itself is a usage error: test_operators)
    result = runner.invoke(app, ["clean", str(scraped / "news"), "-o", str(below), "-q", "-j", "1"])
    assert result.exit_code == 2  # the same command can never work: a usage error, nothing written
    assert "cannot create the output folder" in result.output and str(below) in result.output
    assert "choose a folder you can write to" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("error, code", [(errno.EACCES, 2), (errno.EROFS, 2), (errno.ENOSPC, 1), (errno.EIO, 1)])
def test_an_output_folder_that_can_never_be_written_is_a_usage_error_and_a_full_disk_is_not(
        scraped, tmp_path, monkeypatch, error, code):
    from textsieve.batch import write

    def refuse(self):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(write.RunLock, "acquire", refuse)
    result = runner.invoke(app, ["clean", str(scraped / "news"), "-o", str(tmp_path / "out"), "-q", "-j", "1"])
    assert result.exit_code == code and os.strerror(error) in result.output
    assert ("choose a folder you can write to" in result.output) == (code == 2)


def test_pathological_jsonl_lines_are_reported_not_fatal(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good = json.dumps({"text": "A short paragraph about the harbour and its boats, long enough to keep."})
    (src / "a.jsonl").write_text("\n".join([good, "[" * 100_000, '{"text": "bad \\ud800 escape"}', good]) + "\n")
    (src / "b.txt").write_text("Another file that must still be cleaned after the bad one.\n")
    report = filter_folder([src], tmp_path / "out", jobs=1)
    by_name = {Path(f.input).name: f for f in report.files}
    assert by_name["b.txt"].status == "done"
    cleaned = [json.loads(line) for line in (tmp_path / "out" / "a.jsonl").read_text().splitlines()]
    assert len(cleaned) == 3  # the lone surrogate is replaced (U+FFFD), not a reason to drop the record
    assert cleaned[1]["text"] == "bad \ufffd escape"
    assert any("line 2: malformed JSON" in r for r in by_name["a.jsonl"].bad_records)
    assert any("line 3" in n and "surrogate" in n for n in by_name["a.jsonl"].notes)


def test_large_documents_are_not_labeled_a_whole_batch_at_a_time(tmp_path, monkeypatch, example_text):
    """Memory follows the largest document, not the batch: a batch of 16 files of up to the
    document cap each was labeled in one call (16 x 15 MB files peaked at 1.4 GB, one at 0.38 GB)."""
    from textsieve.batch import process

    src = tmp_path / "in"
    src.mkdir()
    for i in range(4):
        (src / f"d{i}.txt").write_text(example_text.replace("Bees", f"Bees {i}"), encoding="utf-8")
    records = [json.dumps({"id": i, "text": example_text}) for i in range(4)]
    (src / "r.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    whole = filter_folder([src], tmp_path / "whole", jobs=1, languages=False)
    calls: list[list[int]] = []
    real_label = process._label

    def recording_label(sieve, docs, cfg):
        calls.append([len(d.text) for d in docs])
        return real_label(sieve, docs, cfg)

    monkeypatch.setattr(process, "_label", recording_label)
    monkeypatch.setattr(process, "FLUSH_CHARS", int(len(example_text) * 1.5))  # two documents reach it
    small = filter_folder([src], tmp_path / "small", jobs=1, languages=False)
    assert small.count("done") == whole.count("done") == 5
    assert calls and max(len(sizes) for sizes in calls) == 2
    assert all(sum(sizes[:-1]) < process.FLUSH_CHARS for sizes in calls)
    assert snapshot(tmp_path / "small") == snapshot(tmp_path / "whole")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kills a worker found through multiprocessing")
def test_a_killed_worker_costs_its_batches_not_the_run(tmp_path, monkeypatch, example_text):
    """The OOM killer takes a worker: the batches in flight are reported failed, a fresh pool
    cleans the rest, every file is reported (it was a BrokenProcessPool traceback, no report, the
    remaining files never cleaned, once a run had more batches than it keeps in flight)."""
    import multiprocessing
    import threading

    from textsieve.batch.backends import run_pool
    from textsieve.batch.write import PAUSE_ENV

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    pairs = []
    for i in range(8):
        (src / f"d{i}.txt").write_text(example_text.replace("Bees", f"Bees {i}"), encoding="utf-8")
        pairs.append((src / f"d{i}.txt", out / f"d{i}.txt"))
    monkeypatch.setenv(PAUSE_ENV, "0.2")  # the worker inherits it: it commits slowly enough to be caught mid-run

    def kill_the_worker():
        deadline = time.time() + 120
        while time.time() < deadline and not list(out.glob("*.rejected.tsv")):
            time.sleep(0.02)
        os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_worker, daemon=True)
    killer.start()
    options = {"rejected": True, "languages": False}
    # one file per batch, one worker (two batches in flight): the cheapest pool that can break
    results = [r for batch in run_pool([[pair] for pair in pairs], None, None, options, 1) for r in batch]
    killer.join(timeout=5)
    assert sorted(r.input for r in results) == [str(src) for src, _ in pairs]
    failed = [r for r in results if r.status == "failed"]
    assert 1 <= len(failed) <= 2 and all("worker process died" in r.reason for r in failed)
    assert all((out / Path(r.input).name).exists() for r in results if r.status == "done")
    # a file whose output the dead worker had already written is done, not "failed"
    assert not any((out / Path(r.input).name).exists() for r in failed)
    assert len(results) - len(failed) >= 6  # every batch not yet started was cleaned by a fresh pool


def test_a_lost_batch_reports_a_file_written_before_the_worker_died_as_done(tmp_path):
    from textsieve.batch.backends import _lost

    old = tmp_path / "old.txt"  # an output from before the run (a --force run redoes it)
    old.write_text("from last week")
    past = time.time_ns() - 10**10
    os.utime(old, ns=(past, past))
    since = time.time_ns()
    written = tmp_path / "written.txt"
    written.write_text("committed by the run")
    os.utime(written, ns=(since + 10**6, since + 10**6))
    batch = [(tmp_path / "a", written), (tmp_path / "b", tmp_path / "missing.txt"), (tmp_path / "c", old)]
    results = _lost(batch, "a worker process died", since)
    assert [r.status for r in results] == ["done", "failed", "failed"]
    assert "before its worker process died" in results[0].reason
    assert [r.status for r in _lost(batch, "a worker process died")] == ["failed"] * 3


@pytest.mark.parametrize("line", [
    '{}', ' { } ', '{"a":{"text":"nested, not top level"},"text":"top"}', '{"text":"a } brace", "b":"{"}',
    '{"text":"x","text":"y"}', '{"k": [1, {"text": 2}], "t": "\\u00e9\\"q"}  \r',
])
def test_a_record_is_rewritten_with_only_the_named_values_replaced(line):
    from textsieve.batch.read import record_text

    source = record_text(line)
    assert source.json == line.strip() and json.loads(source.json) == json.loads(line)
    out = source.with_values({"text": '"new"', "textsieve": "[]"})
    expected = {**json.loads(line), "text": "new", "textsieve": []}
    assert json.loads(out) == expected
    # A duplicated key has each of its values replaced; a nested "text" is not a member.
    assert out.count('"new"') == len(source.values.get("text", [None]))
    assert source.with_values({}) == source.json
