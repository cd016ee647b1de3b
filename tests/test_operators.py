"""Issue 10: operators never lose data. One test per row of the issue's table (named row_N), then
the smaller findings, each in a real temporary tree, with real processes where the case needs
them (concurrent runs, kill -9, FIFOs, a gzip bomb measured from the child process)."""
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textsieve.batch import default_jobs, filter_folder
from textsieve.batch.write import PAUSE_ENV, TEMP_PATTERN, new_run_id, sweep_stale
from textsieve.cli import app
from textsieve.errors import UsageError

runner = CliRunner()
CLI = [sys.executable, "-m", "textsieve"]
DEADLINE = 120  # seconds a background step may take on a loaded machine before the test gives up


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for(condition, what: str):
    deadline = time.time() + DEADLINE
    while not condition():
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# Rows 1-3: every input gets its own output, or the run refuses before it starts
# ---------------------------------------------------------------------------------------------


def test_row1_two_inputs_sharing_an_output_are_refused_naming_both(tmp_path, example_text):
    a, b = write(tmp_path / "a" / "page.txt", example_text), write(tmp_path / "b" / "page.txt", "other")
    result = runner.invoke(app, ["clean", str(a), str(b), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2
    assert str(a) in result.output and str(b) in result.output
    assert not (tmp_path / "out" / "page.txt").exists()
    write(tmp_path / "x" / "data" / "doc.txt", example_text)
    write(tmp_path / "y" / "data" / "doc.txt", "other")
    folders = runner.invoke(app, ["clean", str(tmp_path / "x" / "data"), str(tmp_path / "y" / "data"),
                                  "-o", str(tmp_path / "out2"), "-q"])
    assert folders.exit_code == 2 and "x/data/doc.txt" in folders.output and "y/data/doc.txt" in folders.output
    assert not (tmp_path / "out2").exists()


def test_row2_an_output_over_its_own_input_is_refused_even_with_force(tmp_path, example_text):
    d = tmp_path / "d"
    page, other = write(d / "page.txt", example_text), write(d / "other.txt", example_text)
    before = snapshot(d)
    one = runner.invoke(app, ["clean", str(page), "-o", str(d), "--force", "-q"])
    assert one.exit_code == 2 and "would overwrite the input" in one.output
    glob = runner.invoke(app, ["clean", str(page), str(other), "-o", str(d), "--force", "-q"])
    assert glob.exit_code == 2
    assert snapshot(d) == before


def test_row3_output_equal_to_or_around_the_input_folder(tmp_path, example_text):
    d = tmp_path / "d"
    write(d / "page.txt", example_text)
    notes = write(d / ".notes.part", "the user's own notes")
    same = runner.invoke(app, ["clean", str(d), "-o", str(d), "-q"])
    assert same.exit_code == 2 and "input folder" in same.output
    inside = runner.invoke(app, ["clean", str(d), "-o", str(d / "clean"), "-q"])
    assert inside.exit_code == 2
    assert notes.read_text() == "the user's own notes" and sorted(p.name for p in d.iterdir()) == [".notes.part", "page.txt"]
    # -o = the input's parent: with one input the outputs land beside the folder, so the run works...
    parent = runner.invoke(app, ["clean", str(d), "-o", str(tmp_path), "-q"])
    assert parent.exit_code == 0 and "Harvest Day" in (tmp_path / "page.txt").read_text()
    # ...with two inputs each folder's outputs would land in the folder itself: refused.
    write(tmp_path / "e" / "x.txt", example_text)
    both = runner.invoke(app, ["clean", str(d), str(tmp_path / "e"), "-o", str(tmp_path), "-q", "--force"])
    assert both.exit_code == 2 and "would overwrite the input" in both.output


def test_cleaned_html_has_an_honest_name_and_the_collision_check_covers_it(tmp_path):
    page = "<html><body><p>The harbour was quiet when the boats came back in the evening.</p></body></html>"
    src = tmp_path / "in"
    write(src / "page.html", page)
    report = filter_folder([src], tmp_path / "out", jobs=1)
    assert report.count("done") == 1 and (tmp_path / "out" / "page.html.txt").exists()
    assert not (tmp_path / "out" / "page.html").exists()
    write(src / "page.html.txt", "a text file that would get the same output name")
    clash = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "out2"), "-q"])
    assert clash.exit_code == 2 and "page.html.txt" in clash.output and "page.html and" in clash.output


def test_outputs_that_differ_only_by_case_are_refused_before_anything_runs(tmp_path, example_text):
    # A.txt and a.txt are two files here, but one on macOS and Windows: one output would replace the other.
    src = tmp_path / "in"
    write(src / "A.txt", example_text)
    write(src / "a.txt", example_text)
    out = tmp_path / "out"
    clash = runner.invoke(app, ["clean", str(src), "-o", str(out), "-q"])
    assert clash.exit_code == 2
    assert "differ only by letter case" in clash.output
    assert str(src / "A.txt") in clash.output and str(src / "a.txt") in clash.output
    assert not out.exists()  # refused at planning: no folder, lock or output made

    # the same through the folder part: two input folders whose names differ only by case
    write(tmp_path / "x" / "Data" / "p.txt", example_text)
    write(tmp_path / "y" / "data" / "p.txt", example_text)
    clash = runner.invoke(app, ["clean", str(tmp_path / "x" / "Data"), str(tmp_path / "y" / "data"), "-o", str(out), "-q"])
    assert clash.exit_code == 2 and "differ only by letter case" in clash.output and not out.exists()

    # an output that is an input's path in other case would overwrite that input there
    write(out / "PAGE.txt", example_text)
    write(tmp_path / "solo" / "page.txt", example_text)
    clash = runner.invoke(app, ["clean", str(tmp_path / "solo" / "page.txt"), str(out / "PAGE.txt"), "-o", str(out), "-q"])
    assert clash.exit_code == 2 and "differ only by letter case" in clash.output and str(out / "PAGE.txt") in clash.output
    assert sorted(p.name for p in out.iterdir()) == ["PAGE.txt"]

    # names that differ by more than case still run
    write(src / "a.txt", example_text).rename(src / "b.txt")
    ok = runner.invoke(app, ["clean", str(src), "-o", str(out / "fine"), "-q"])
    assert ok.exit_code == 0, ok.output


def test_case_and_unicode_twins_of_folders_are_refused_too(tmp_path, example_text):
    import unicodedata

    def refused(*args):
        result = runner.invoke(app, ["clean", *map(str, args), "-q"])
        assert result.exit_code == 2, result.output
        return result.output

    # café.txt composed and decomposed: two files here, one name on macOS; the message says so,
    # since the two names print the same
    nfc, nfd = (unicodedata.normalize(form, "café.txt") for form in ("NFC", "NFD"))
    write(tmp_path / "u" / nfc, example_text)
    write(tmp_path / "u" / nfd, example_text)
    assert "two Unicode forms" in refused(tmp_path / "u", "-o", tmp_path / "out")
    # a file output where other outputs need a folder: page.html -> page.html.txt beside a
    # folder page.html.txt/ (the same name), and b.txt beside a folder B.txt/ (one name on macOS)
    write(tmp_path / "f" / "page.html", "<p>" + example_text + "</p>")
    write(tmp_path / "f" / "page.html.txt" / "c.txt", example_text)
    out = refused(tmp_path / "f", "-o", tmp_path / "out")
    assert "needs a folder" in out and "page.html " in out and "c.txt" in out
    write(tmp_path / "g" / "b.txt", example_text)
    write(tmp_path / "g" / "B.txt" / "c.txt", example_text)
    assert "letter case" in refused(tmp_path / "g", "-o", tmp_path / "out")
    # -o (or the report) inside an input folder spelled in other case: inside it on macOS
    write(tmp_path / "data" / "p.txt", example_text)
    assert "inside the input folder" in refused(tmp_path / "data", "-o", tmp_path / "DATA" / "out")
    assert "is the input folder" in refused(tmp_path / "data", "-o", tmp_path / "Data")
    assert "--report" in refused(tmp_path / "data", "-o", tmp_path / "out", "--report", tmp_path / "DATA" / "r.json")
    # the report inside an input folder, same case: the advice names --report, not -o
    out = refused(tmp_path / "data", "-o", tmp_path / "out", "--report", tmp_path / "data" / "r.json")
    assert "a --report path outside" in out and "-o folder" not in out
    assert not (tmp_path / "out").exists() and not (tmp_path / "DATA").exists() and not (tmp_path / "Data").exists()


# ---------------------------------------------------------------------------------------------
# Rows 4-5: temporary files are ours alone; outputs and sidecars commit together
# ---------------------------------------------------------------------------------------------


def test_row4_two_concurrent_runs_into_one_root_both_finish(tmp_path, example_text):
    write(tmp_path / "shard1" / "a1.txt", example_text)
    for name in ("b1.txt", "b2.txt"):
        write(tmp_path / "shard2" / name, example_text.replace("Bees", name))
    out = tmp_path / "out"
    write(out / ".notes.part", "a user's file in the output folder")
    dead = write(out / ".old.txt.tsr0123456789ab.x1y2.part", "left by a killed run (no live lock)")
    # Run A pauses with its output's temporary file on disk (the test hook in batch/write.py).
    run_a = subprocess.Popen(CLI + ["clean", str(tmp_path / "shard1"), "-o", str(out), "--rejected", "-q", "-j", "1"],
                             env={**os.environ, PAUSE_ENV: "3"}, stderr=subprocess.PIPE)
    wait_for(lambda: any(TEMP_PATTERN.match(p.name) and p.name.startswith(".a1.txt.") for p in out.iterdir()),
             "run A's temporary output")
    assert sweep_stale(out, new_run_id()) == []  # a live run's temporaries are protected by its lock
    # Run B is this test's process (two processes all the same): it sweeps while A is paused.
    run_b = runner.invoke(app, ["clean", str(tmp_path / "shard2"), "-o", str(out), "--rejected", "-q", "-j", "1"])
    assert run_a.wait(timeout=300) == 0, run_a.stderr.read()
    assert run_b.exit_code == 0, run_b.output
    for name in ("a1.txt", "b1.txt", "b2.txt"):
        assert "Harvest Day" in (out / name).read_text() and (out / f"{name}.rejected.tsv").read_text()
    assert (out / ".notes.part").read_text() == "a user's file in the output folder"
    assert not dead.exists()
    assert not [p.name for p in out.iterdir() if TEMP_PATTERN.match(p.name) or p.name.endswith(".lock")]


def test_sweep_respects_a_live_run_whose_output_root_is_a_subfolder(tmp_path):
    from textsieve.batch.write import RunLock

    out, live = tmp_path / "out", new_run_id()
    temp = write(out / "sub" / "x" / f".a.txt.{live}.k3j2.part", "half-written by a live run into out/sub")
    with RunLock(out / "sub", live):
        assert sweep_stale(out, new_run_id()) == []
        assert temp.exists()
    assert sweep_stale(out, new_run_id()) == [temp]  # its run ended without cleaning up: an orphan


def test_sweep_respects_a_live_run_reached_through_a_symlink_or_a_relative_path(tmp_path, monkeypatch):
    from textsieve.batch.write import RunLock

    out, live = tmp_path / "out", new_run_id()
    temp = write(out / "sub" / f".a.txt.{live}.k3j2.part", "half-written by a live run into out")
    link = tmp_path / "link"
    link.symlink_to(out / "sub", target_is_directory=True)
    with RunLock(out, live):
        assert sweep_stale(link, new_run_id()) == []  # a second run with -o link
        monkeypatch.chdir(out / "sub")
        assert sweep_stale(Path("."), new_run_id()) == []  # a second run with -o . from inside out/sub
        assert temp.exists()
    assert sweep_stale(link, new_run_id()) == [link / temp.name]  # the run ended: now an orphan


def test_row5_kill_between_sidecar_and_output_rename_redoes_the_file(tmp_path, example_text):
    src = tmp_path / "in"
    write(src / "a.txt", example_text)
    out = tmp_path / "out"
    cmd = CLI + ["clean", str(src), "-o", str(out), "--rejected", "-q", "-j", "1"]
    proc = subprocess.Popen(cmd, env={**os.environ, PAUSE_ENV: "60"}, stderr=subprocess.DEVNULL)
    wait_for(lambda: (out / "a.txt.rejected.tsv").exists(), "the sidecar commit")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "a.txt").exists(), "the output is committed last, so a killed run has none"
    resumed = filter_folder([src], out, jobs=1, rejected=True)  # what the rerun does, in-process
    assert resumed.count("done") == 1 and resumed.count("skipped") == 0  # redone, not skipped as done
    whole = tmp_path / "whole"
    filter_folder([src], whole, jobs=1, rejected=True)
    assert (out / "a.txt").read_bytes() == (whole / "a.txt").read_bytes()
    assert (out / "a.txt.rejected.tsv").read_bytes() == (whole / "a.txt.rejected.tsv").read_bytes()


def test_an_interrupted_run_says_how_to_resume_and_leaves_no_half_output(tmp_path, example_text):
    src = tmp_path / "in"
    write(src / "a.txt", example_text)
    out = tmp_path / "out"
    cmd = CLI + ["clean", str(src), "-o", str(out), "--rejected", "-q", "-j", "1"]
    # A suite started in the background of a script inherits an ignored SIGINT (the shell's
    # rule for background jobs), and so would the run: give it Ctrl-C's default, as a terminal does.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(cmd, env={**os.environ, PAUSE_ENV: "60"}, stderr=subprocess.PIPE, text=True)
    finally:
        signal.signal(signal.SIGINT, before)
    wait_for(lambda: (out / "a.txt.rejected.tsv").exists(), "the sidecar commit")
    os.kill(proc.pid, signal.SIGINT)  # Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err and "run the same command again to resume" in err and "Traceback" not in err
    assert not (out / "a.txt").exists() and not list(out.glob("*.part"))
    resumed = filter_folder([src], out, jobs=1, rejected=True)
    assert resumed.count("done") == 1


# ---------------------------------------------------------------------------------------------
# Row 6 and the stdin findings: one input path for every mode
# ---------------------------------------------------------------------------------------------

JUNK = "Related Articles\n- 10 Celebrity Beach Houses You Won't Believe\n- Linda Gray A Legendary Actress And Advocate\n"


def test_row6_jsonl_in_stdout_mode_and_label_is_read_per_record(tmp_path, example_text):
    records = [{"id": i, "text": example_text, "url": f"https://example.org/{i}"} for i in range(3)]
    src = write(tmp_path / "seeds.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    result = runner.invoke(app, ["clean", str(src)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]  # every line is valid JSON
    assert [r["id"] for r in rows] == [0, 1, 2]
    assert all("Harvest Day" in r["text"] and "Detail Author" not in r["text"] for r in rows)
    piped = runner.invoke(app, ["clean", "-"], input=src.read_text())  # standard input is sniffed
    assert [json.loads(line)["id"] for line in piped.stdout.splitlines()] == [0, 1, 2]
    labeled = runner.invoke(app, ["label", str(src)])
    positions = [row.split("\t")[0] for row in labeled.stdout.splitlines()]
    assert positions[0] == "1:1" and positions[-1].startswith("3:")


def test_html_piped_to_standard_input_is_cleaned_as_html():
    page = ("<!DOCTYPE html><html><head><title>t</title><script>var tracking = 1;</script></head><body>"
            "<p>The harbour was quiet when the boats came back in the evening light.</p></body></html>")
    result = runner.invoke(app, ["clean", "-"], input=page)
    assert result.exit_code == 0
    assert "The harbour was quiet" in result.stdout and "<p>" not in result.stdout and "tracking" not in result.stdout


def test_two_files_without_final_newline_are_not_glued_in_stdout_mode(tmp_path):
    one = write(tmp_path / "one.txt", "The first file ends with a sentence about the harbour and the boats.")
    two = write(tmp_path / "two.txt", "The second file is about a garden where the tomatoes ripen late.")
    result = runner.invoke(app, ["clean", str(one), str(two)])
    assert result.stdout.splitlines() == [one.read_text(), two.read_text()]


# ---------------------------------------------------------------------------------------------
# Rows 7-8 and 12: the library boundary and the manifest
# ---------------------------------------------------------------------------------------------


def test_row7_lone_surrogates_become_replacement_characters_one_for_one():
    from textsieve import Sieve, clean_text, label_lines

    text = "x \ud800 y. The harbour was quiet when the boats came back in the evening light."
    cleaned = clean_text(text)
    assert "\ufffd" in cleaned and "\ud800" not in cleaned
    records = label_lines(text)
    assert len(records.source) == len(text) and records.source[2] == "\ufffd"
    assert all(records.source[r.start:r.end] == r.text for r in records)
    many = Sieve().clean_many(["A quiet paragraph about the harbour.", "bad \udc80 one", "Another quiet line."])
    assert many[0] == "A quiet paragraph about the harbour." and many[1] == "bad \ufffd one"


@pytest.mark.parametrize("content", ["[1, 2, 3]", '"hello"', "{}", '{"format_version": 2, "labels": 5, "model_sha256": ""}'])
def test_row8_a_malformed_manifest_is_a_model_error_naming_the_file(tmp_path, content):
    from textsieve import ModelError, Sieve
    from textsieve.manifest import read_manifest

    write(tmp_path / "manifest.json", content)
    with pytest.raises(ModelError, match="manifest.json"):
        read_manifest(tmp_path)
    with pytest.raises(ModelError):  # never an AttributeError from a manifest that is not an object
        Sieve(model=tmp_path)
    result = runner.invoke(app, ["info", "-m", str(tmp_path)])
    assert result.exit_code == 1 and "manifest.json" in result.output and "Traceback" not in result.output


class _Boom:
    """Unpickling this writes a marker file: proof that the model was (or was not) loaded."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "unpickled!"))


def test_row12_info_reads_the_manifest_without_loading_the_model(tmp_path):
    import pickle

    from textsieve.manifest import MANIFEST_FILE, read_manifest

    model_dir = tmp_path / "model"
    manifest = read_manifest()  # the shipped model's
    write(model_dir / MANIFEST_FILE, json.dumps(manifest))
    marker = tmp_path / "marker"
    for name in os.listdir(Path(read_manifest.__globals__["_manifest_path"](None)).parent):
        if name != MANIFEST_FILE:  # every model file is a pickle bomb here
            (model_dir / name).write_bytes(pickle.dumps(_Boom(str(marker))))
    result = runner.invoke(app, ["info", "-m", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["labels"] == manifest["labels"]
    assert not marker.exists()


def test_keep_typo_is_an_error_on_every_path():
    from textsieve import ConfigError, Sieve, clean_text

    with pytest.raises(ConfigError, match="bodyy"):
        clean_text("A sentence.", keep="bodyy")
    with pytest.raises(ConfigError, match="bodyy"):
        Sieve().clean_many(["A sentence."], keep=("body", "bodyy"))


# ---------------------------------------------------------------------------------------------
# Rows 9-11 and the folder findings: bad input says so, memory stays bounded
# ---------------------------------------------------------------------------------------------


def test_row9_a_fifo_is_reported_never_opened_blocking(tmp_path, example_text):
    fifo = tmp_path / "in" / "pipe.txt"
    write(tmp_path / "in" / "good.txt", example_text)
    os.mkfifo(fifo)  # nobody ever writes to it: opening it blocking would hang forever
    import faulthandler

    faulthandler.dump_traceback_later(DEADLINE, exit=True)  # a blocking open would end the session, not hang it
    try:
        alone = runner.invoke(app, ["clean", str(fifo)])
        folder = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"])
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert alone.exit_code == 1 and "FIFO" in alone.stderr
    assert folder.exit_code == 1 and "pipe.txt" in folder.stderr and "FIFO" in folder.stderr
    assert (tmp_path / "out" / "good.txt").exists()


def test_links_that_go_nowhere_or_loop_are_reported(tmp_path, example_text):
    src = tmp_path / "in"
    write(src / "good.txt", example_text)
    (src / "dangling.txt").symlink_to(src / "missing.txt")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    report = filter_folder([src], tmp_path / "out", jobs=1)
    reasons = {Path(f.input).name: f.reason for f in report.files if f.status == "failed"}
    assert "broken symbolic link" in reasons["dangling.txt"]
    assert "loop" in reasons["loop.txt"]
    assert report.count("done") == 1


def _gzip_members(path: Path, parts) -> Path:
    """A gzip file of concatenated members: each (data, repeat) compressed once, written
    ``repeat`` times, so a 1 GB expansion costs a few MB to build."""
    with open(path, "wb") as fh:
        for data, repeat in parts:
            member = gzip.compress(data, mtime=0)
            for _ in range(repeat):
                fh.write(member)
    return path


def _peak_rss_mb(cmd) -> tuple[int, float]:
    """Exit code and peak RSS (MB) of ``cmd``, measured by a fresh launcher from its children,
    so nothing else this test session ran is counted."""
    launcher = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
                "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", launcher, *cmd], capture_output=True, text=True, timeout=300)
    rc, kb = out.stdout.split()[-2:]
    return int(rc), int(kb) / 1024


def test_row10_gzip_bombs_cost_bounded_memory(tmp_path, example_text):
    src = tmp_path / "in"
    src.mkdir()
    chunk = b"All work and no play makes a dull page of text. " * 340_000  # ~16 MB
    _gzip_members(src / "bomb.txt.gz", [(chunk, 64)])  # expands to ~1 GB
    record_body = b"a" * 16_000_000
    good = json.dumps({"id": 2, "text": example_text}).encode() + b"\n"
    _gzip_members(src / "bomb.jsonl.gz", [(b'{"id": 1, "text": "', 1), (record_body, 25), (b'"}\n' + good, 1)])
    assert (src / "bomb.txt.gz").stat().st_size < 10_000_000
    rc, peak = _peak_rss_mb(CLI + ["clean", str(src), "-o", str(tmp_path / "out"), "-q", "-j", "1"])
    assert rc == 1
    report = json.loads((tmp_path / "out" / "textsieve-report.json").read_text())
    by_name = {Path(f["input"]).name: f for f in report["files"]}
    assert by_name["bomb.txt.gz"]["status"] == "failed" and "50 MB document cap" in by_name["bomb.txt.gz"]["reason"]
    assert by_name["bomb.jsonl.gz"]["status"] == "done"  # the huge record is skipped, the good one cleaned
    assert any("line 1: record" in b and "document cap" in b for b in by_name["bomb.jsonl.gz"]["bad_records"])
    kept = gzip.decompress((tmp_path / "out" / "bomb.jsonl.gz").read_bytes()).decode().splitlines()
    assert [json.loads(line)["id"] for line in kept] == [2]
    # Reading either bomb whole would need > 1,000 MB; the cap keeps the process near its baseline.
    assert peak < 700, f"peak RSS {peak:.0f} MB"


def test_row11_random_high_bytes_and_utf16_without_bom_are_refused(tmp_path, example_text):
    import random

    src = tmp_path / "in"
    rng = random.Random(11)
    (src / "random.txt").parent.mkdir(parents=True)
    (src / "random.txt").write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(5000)))
    (src / "utf16be.txt").write_bytes(example_text.encode("utf-16-be"))
    (src / "utf16bom.txt").write_bytes(example_text.encode("utf-16"))
    report = filter_folder([src], tmp_path / "out", jobs=1)
    by_name = {Path(f.input).name: f for f in report.files}
    for name in ("random.txt", "utf16be.txt"):
        assert by_name[name].status == "failed" and "looks binary/undecodable" in by_name[name].reason
        assert not (tmp_path / "out" / name).exists()
    assert by_name["utf16bom.txt"].status == "done" and "UTF-16" in by_name["utf16bom.txt"].notes[0]


def test_a_repaired_decode_is_reported_by_file_and_quiet_means_quiet(tmp_path, example_text):
    src = tmp_path / "in"
    src.mkdir()
    (src / "one-bad-byte.txt").write_bytes(example_text.replace("Bees", "Bées").encode() + b"\xff and more.\n")
    loud = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "a")])
    assert loud.exit_code == 0
    assert "repaired:" in loud.stderr and "one-bad-byte.txt" in loud.stderr and "undecodable byte" in loud.stderr
    report = json.loads((tmp_path / "a" / "textsieve-report.json").read_text())
    assert report["repaired"][0]["file"].endswith("one-bad-byte.txt")
    quiet = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "b"), "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


# ---------------------------------------------------------------------------------------------
# The CLI tells the truth
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--keep", "bodyy"], ["--body-threshold", "3"], ["--lang", "12"],
                                  ["--format", "jsonl"], ["--rejected"], ["--jobs", "2"], ["--force"],
                                  ["--max-doc-mb", "0"], ["--max-doc-mb", "inf"], ["--max-doc-mb", "nan"],
                                  ["--max-doc-mb", "1e300"]])
def test_usage_errors_exit_2(tmp_path, args):
    src = write(tmp_path / "a.txt", "A sentence about the harbour.")
    result = runner.invoke(app, ["clean", str(src), *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_a_large_document_cap_is_a_cap_not_an_allocation(tmp_path, example_text):
    # 200 GB is far more than this machine's memory: reading a 2 kB file under that cap must not
    # try to allocate it (every file used to fail with MemoryError, stdout mode with a traceback).
    src = write(tmp_path / "in" / "a.txt", example_text)
    stdout = runner.invoke(app, ["clean", str(src), "--max-doc-mb", "200000"])
    assert stdout.exit_code == 0 and "Traceback" not in stdout.output and stdout.stdout.strip()
    batch = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q",
                                "--max-doc-mb", "200000"])
    assert batch.exit_code == 0, batch.stderr
    assert (tmp_path / "out" / "a.txt").read_text() == stdout.stdout
    with pytest.raises(UsageError, match="max-doc-mb"):
        filter_folder([tmp_path / "in"], tmp_path / "api", max_doc_mb=float("inf"))
    assert not (tmp_path / "api").exists()


def test_help_renders_flags_as_flags():
    text = runner.invoke(app, ["clean", "--help"]).output
    assert "<bool>" not in text
    assert "--force " in text and "textsieve[dask]" in text


def test_default_jobs_follow_the_input_size(tmp_path, example_text):
    assert default_jobs(total_bytes=200_000, batches=2) == 1
    assert default_jobs(total_bytes=10**9, batches=1000) == (os.cpu_count() or 1)
    assert default_jobs(total_bytes=10**9, batches=1) == 1
    for i in range(20):
        write(tmp_path / "in" / f"d{i}.txt", example_text)
    assert filter_folder([tmp_path / "in"], tmp_path / "out").jobs == 1  # 20 small files: one process


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                kids.append(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc (Linux)")
def test_workers_die_with_their_parent(tmp_path, example_text):
    src = tmp_path / "in"
    for i in range(40):
        write(src / f"d{i:02d}.txt", example_text.replace("Bees", f"Bees {i}"))
    out = tmp_path / "out"
    proc = subprocess.Popen(CLI + ["clean", str(src), "-o", str(out), "-q", "-j", "2", "--rejected"],
                            env={**os.environ, PAUSE_ENV: "0.5"}, stderr=subprocess.DEVNULL)
    wait_for(lambda: len(list(out.glob("*.rejected.tsv"))) >= 2, "both workers writing")
    workers = _children(proc.pid)
    assert len(workers) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    wait_for(lambda: not any(_alive(w) for w in workers), "the workers to exit after their parent")
    before = snapshot(out)
    time.sleep(1.5)
    assert snapshot(out) == before, "nothing writes after the run was killed"
    assert len(list(out.glob("d*.txt"))) < 40


def test_format_jsonl_has_one_record_schema_for_every_input_kind(tmp_path, example_text):
    src = tmp_path / "in"
    write(src / "a.txt", example_text)
    write(src / "b.html", "<html><body><p>The harbour was quiet when the boats came back at dusk.</p></body></html>")
    write(src / "c.jsonl", json.dumps({"id": 7, "text": example_text}) + "\n")
    report = filter_folder([src], tmp_path / "out", jobs=1, output_format="jsonl")
    assert report.count("done") == 3
    records = {name: json.loads((tmp_path / "out" / name).read_text().splitlines()[0])
               for name in ("a.txt.jsonl", "b.html.jsonl", "c.jsonl")}
    for name, rec in records.items():
        meta = rec["textsieve"]
        assert set(meta) == {"source", "record", "language", "lines"}, name
        assert set(meta["lines"][0]) == {"line", "start", "end", "label", "score"}, name
        assert isinstance(rec["text"], str)
    assert records["c.jsonl"]["id"] == 7 and records["c.jsonl"]["textsieve"]["record"] == 1
    assert records["a.txt.jsonl"]["textsieve"]["record"] is None
    first = records["a.txt.jsonl"]["textsieve"]["lines"][0]
    assert example_text[first["start"]:first["end"]].strip()  # offsets index the input text


# ---------------------------------------------------------------------------------------------
# Review findings: each test failed before its fix
# ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_cleaned_and_reported(tmp_path, example_text):
    src = tmp_path / "in"
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 bytes: Python sees a lone surrogate, \udce9
    write(src / name, example_text)
    for fmt, out_name in (("same", name), ("jsonl", name + ".jsonl")):
        out = tmp_path / f"out-{fmt}"
        result = runner.invoke(app, ["clean", str(src), "-o", str(out), "-q", "--format", fmt])
        assert result.exit_code == 0, (result.output, result.exception)
        report = json.loads((out / "textsieve-report.json").read_text(encoding="utf-8"))
        assert [f["input"] for f in report["files"]] == [str(src / name)]  # the \udce9 escape reads back as the name
        assert os.fsencode(report["files"][0]["input"]).endswith(b"caf\xe9.txt")
        assert "Harvest Day" in (out / out_name).read_text(encoding="utf-8")
    record = json.loads((tmp_path / "out-jsonl" / (name + ".jsonl")).read_text(encoding="utf-8"))
    assert record["textsieve"]["source"] == str(src / name)
    # a broken file under such a name: the message shows the byte, as `ls -b` does
    (src / os.fsdecode(b"bad\xff.txt")).write_bytes(b"\x00\x01binary")
    result = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "out-broken"), "-q"])
    assert result.exit_code == 1 and "bad\\xff.txt: looks binary" in result.stderr and "udcff" not in result.stderr


@pytest.mark.skipif(os.sep == "\\", reason="a backslash cannot be part of a file name on Windows")
def test_names_that_differ_never_look_alike_in_messages(tmp_path):
    """A raw byte 0xA0, a real no-break space and a literal backslash-x-a-0 are three files;
    each message must say which one broke (the byte as ``ls -b`` shows it, the character as
    its code point, the backslash doubled)."""
    src = tmp_path / "in"
    src.mkdir()
    names = {os.fsdecode(b"raw\xa0.txt"): "raw\\xa0.txt", "raw\u00a0.txt": "raw\\u00a0.txt",
             "raw\\xa0.txt": "raw\\\\xa0.txt"}
    for name in names:
        (src / name).write_bytes(b"\x00\x01binary")
    result = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    shown = sorted(ln.split(f"{src}/", 1)[1].split(": looks binary")[0]
                   for ln in result.stderr.splitlines() if "looks binary" in ln)
    assert shown == sorted(names.values()), result.stderr


def test_an_output_folder_that_is_a_file_is_a_usage_error(tmp_path, example_text):
    d = tmp_path / "d"
    page = write(d / "page.txt", example_text)
    before = snapshot(d)
    onto_input = runner.invoke(app, ["clean", str(page), "-o", str(page), "--force", "-q"])
    assert onto_input.exit_code == 2 and "is the input" in onto_input.output
    other = write(tmp_path / "notes.bin", "not a folder")
    onto_file = runner.invoke(app, ["clean", str(d), "-o", str(other), "-q"])
    assert onto_file.exit_code == 2 and "not a folder" in onto_file.output
    assert snapshot(d) == before and other.read_text() == "not a folder"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="flock")
def test_a_run_lock_is_held_before_another_run_can_see_it(tmp_path, monkeypatch):
    """A sweep by another run at the moment a run takes its lock must not find the lock free
    (it would delete it, and later sweeps would then delete the live run's temporaries)."""
    from textsieve.batch import write as batch_write

    out, live = tmp_path / "out", new_run_id()
    real_flock, swept = batch_write.fcntl.flock, []

    def flock_with_a_concurrent_sweep(fd, operation):
        if operation == batch_write.fcntl.LOCK_EX and not swept:
            swept.append(sweep_stale(out, new_run_id()))
        return real_flock(fd, operation)

    monkeypatch.setattr(batch_write.fcntl, "flock", flock_with_a_concurrent_sweep)
    lock = batch_write.RunLock(out, live)
    with lock:
        monkeypatch.undo()
        assert swept == [[]] and lock.path.exists()
        temp = write(out / f".a.txt.{live}.k3j2.part", "half-written by the live run")
        assert sweep_stale(out, new_run_id()) == [] and temp.exists()
    assert not lock.path.exists()


def test_a_sweep_never_raises_on_a_lock_it_cannot_open(tmp_path):
    out = tmp_path / "out"
    (out / ".textsieve-tsr0123456789ab.lock").mkdir(parents=True)  # not a lock file textsieve made
    temp = write(out / ".a.txt.tsr0123456789ab.k3j2.part", "kept: its run's lock cannot be checked")
    assert sweep_stale(out, new_run_id()) == []
    assert temp.exists()
    other = tmp_path / "out2"
    folder = other / ".b.txt.tsr0123456789ac.k3j2.part"  # named like a temporary of a dead run, but a folder
    write(folder / "keep.txt", "a user's file")
    assert sweep_stale(other, new_run_id()) == []
    assert (folder / "keep.txt").read_text() == "a user's file"


def test_an_unknown_language_code_is_a_usage_error(tmp_path, example_text):
    write(tmp_path / "in" / "a.txt", example_text)
    typo = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--lang", "en,englsh"])
    assert typo.exit_code == 2 and "englsh" in typo.output
    assert "--lang" in typo.output and "SieveConfig" not in typo.output  # the option typed, not the API field
    assert not (tmp_path / "out").exists()
    known = runner.invoke(app, ["clean", str(tmp_path / "in" / "a.txt"), "--lang", "en,zh-cn,unknown", "-q"])
    assert known.exit_code == 0 and "Harvest Day" in known.output


def test_info_on_a_missing_model_folder_names_it(tmp_path):
    result = runner.invoke(app, ["info", "-m", str(tmp_path / "nope")])
    assert result.exit_code == 1 and str(tmp_path / "nope") in result.output and "no such model folder" in result.output


def test_a_long_file_name_gets_its_output(tmp_path, example_text):
    """A name of 240 bytes is valid (255 is the limit); its temporary name must still fit."""
    src = tmp_path / "in"
    name = "é" * 40 + "p" * 156 + ".txt"  # 240 bytes in UTF-8
    assert len(name.encode()) == 240
    write(src / name, example_text)
    report = filter_folder([src], tmp_path / "out", jobs=1, rejected=True, languages=False)
    assert report.count("done") == 1, [f.reason for f in report.files]
    assert "Harvest Day" in (tmp_path / "out" / name).read_text(encoding="utf-8")


def test_the_sweep_looks_only_in_the_folders_the_run_writes_to(tmp_path, example_text):
    """-o may be the inputs' parent: the sweep must not walk into the input folder and delete a
    file there, even one named like a dead run's temporary."""
    parent = tmp_path / "p"
    write(parent / "d" / "page.txt", example_text)
    in_input = write(parent / "d" / ".old.txt.tsr0123456789ab.k3j2.part", "inside the input folder")
    in_output = write(parent / ".old.txt.tsr0123456789ab.k3j2.part", "a dead run's temporary in the output folder")
    result = runner.invoke(app, ["clean", str(parent / "d"), "-o", str(parent), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (parent / "page.txt").exists()
    assert in_input.read_text() == "inside the input folder"
    assert not in_output.exists()


def test_a_run_beside_a_live_run_keeps_its_report_apart(tmp_path, example_text):
    """Shards run side by side into one root: the run that ends first must not have its report
    replaced by the other's."""
    from textsieve.batch.write import RunLock

    write(tmp_path / "shard1" / "a.txt", example_text)
    out = tmp_path / "out"
    earlier = write(out / "textsieve-report.json", '{"the": "report of an earlier run"}')
    with RunLock(out, new_run_id()):  # another run is writing into out right now
        beside = runner.invoke(app, ["clean", str(tmp_path / "shard1"), "-o", str(out), "-q", "-j", "1"])
    assert beside.exit_code == 0, beside.output
    own = [p for p in out.glob("textsieve-report-tsr*.json")]
    assert len(own) == 1 and json.loads(own[0].read_text())["done"] == 1
    assert earlier.read_text() == '{"the": "report of an earlier run"}'
    alone = runner.invoke(app, ["clean", str(tmp_path / "shard1"), "-o", str(out), "-q", "--force", "-j", "1"])
    assert alone.exit_code == 0 and json.loads(earlier.read_text())["done"] == 1  # alone: the plain name


def test_a_report_being_written_survives_another_runs_sweep(tmp_path, monkeypatch):
    from textsieve import files
    from textsieve.batch import write_report
    from textsieve.batch.report import BatchReport

    out = tmp_path / "out"
    out.mkdir()
    real_write = files.AtomicWriter.write

    def write_while_another_run_sweeps(self, text):
        sweep_stale(out, new_run_id())  # the run's lock is already released when its report is written
        return real_write(self, text)

    monkeypatch.setattr(files.AtomicWriter, "write", write_while_another_run_sweeps)
    path = write_report(BatchReport(run_id=new_run_id()), out / "textsieve-report.json")
    assert json.loads(path.read_text())["done"] == 0


# ---------------------------------------------------------------------------------------------
# Session 13 review: what stands in an output's way, bad JSONL records, names with newlines
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_folder_where_an_output_file_goes_fails_and_is_never_called_done(tmp_path, example_text, force):
    write(tmp_path / "in" / "a.txt", example_text)
    squatter = tmp_path / "out" / "a.txt"
    write(squatter / "mine.txt", "the operator's own file")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", *force])
    assert result.exit_code == 1  # before: "skipped: output exists", exit 0, nothing written
    assert "is a folder, not an output file" in result.stderr and str(squatter) in result.stderr
    assert (squatter / "mine.txt").read_text() == "the operator's own file"
    report = json.loads((tmp_path / "out" / "textsieve-report.json").read_text())
    assert report["failed"] == 1 and report["done"] == 0


def test_a_file_or_a_broken_link_where_an_output_folder_goes_is_named(tmp_path, example_text):
    write(tmp_path / "in" / "sub" / "b.txt", example_text)
    out = tmp_path / "out"
    write(out / "sub", "a file, not a folder")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(out), "-q"])
    assert result.exit_code == 1 and f"{out / 'sub'} exists and is not a folder" in result.stderr
    assert (out / "sub").read_text() == "a file, not a folder"
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "sub").symlink_to(tmp_path / "gone")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(linked), "-q"])
    assert result.exit_code == 1 and "is a broken symbolic link" in result.stderr
    assert not (tmp_path / "gone").exists()  # never created through the link


def test_jsonl_records_skipped_or_written_through_are_shown_on_the_console(tmp_path):
    rows = ['{"text": "The harbour opened at dawn and the boats went out."}', "{not json",
            '{"title": "no text field"}', '{"text": 123}', '["an", "array"]',
            '{"text": "The ferry left at noon with forty passengers aboard."}']
    write(tmp_path / "in" / "rows.jsonl", "\n".join(rows) + "\n")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0  # the file is done; its good records are cleaned
    assert "bad records:" in result.stderr and "2 JSONL record(s) skipped" in result.stderr
    assert "line 2: malformed JSON" in result.stderr and "line 5: a JSON list, not an object" in result.stderr
    assert "passed through:" in result.stderr and "2 JSONL record(s) with nothing to clean" in result.stderr
    assert "line 3: no string field 'text'" in result.stderr
    assert "JSONL records skipped" in result.stderr and "JSONL records written through" in result.stderr
    # records with no text to clean come out unchanged and in their place
    out_rows = [json.loads(r) for r in (tmp_path / "out" / "rows.jsonl").read_text().splitlines()]
    assert out_rows[1:3] == [{"title": "no text field"}, {"text": 123}]
    assert "harbour" in out_rows[0]["text"] and "ferry" in out_rows[3]["text"] and len(out_rows) == 4
    report = json.loads((tmp_path / "out" / "textsieve-report.json").read_text())
    assert len(report["files"][0]["passed_through"]) == 2 and len(report["files"][0]["bad_records"]) == 2
    # the same in stdout mode, and with --format jsonl every row has the textsieve block
    stdout = runner.invoke(app, ["clean", str(tmp_path / "in" / "rows.jsonl")])
    assert [json.loads(r) for r in stdout.stdout.splitlines()][1:3] == out_rows[1:3]
    uniform = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "uniform"), "--format", "jsonl"])
    assert uniform.exit_code == 0
    rows_out = [json.loads(r) for r in (tmp_path / "uniform" / "rows.jsonl").read_text().splitlines()]
    assert [r["textsieve"]["record"] for r in rows_out] == [1, 3, 4, 6]
    assert rows_out[1]["textsieve"]["lines"] == [] and rows_out[1]["title"] == "no text field"


def test_a_newline_in_a_file_name_never_splits_a_console_line(tmp_path):
    if sys.platform.startswith("win"):
        pytest.skip("no newlines in Windows file names")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "two\nlines.txt").write_bytes(b"\x00\x01binary")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if line]
    assert len(failed) == 1 and failed[0].startswith("failed: ") and "two\\nlines.txt" in failed[0]


def test_a_newline_in_a_file_name_never_forges_a_line_in_stdout_mode(tmp_path):
    if sys.platform.startswith("win"):
        pytest.skip("no newlines in Windows file names")
    src = tmp_path / "evil\nfailed: other.txt: fake.txt.gz"
    src.write_bytes(gzip.compress(b"The harbour opened at dawn.\n" * 50)[:40])  # truncated
    for command in (["clean", str(src)], ["label", str(src)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        lines = [line for line in result.stderr.splitlines() if line]
        assert len(lines) == 1 and "evil\\nfailed: other.txt" in lines[0] and "truncated gzip" in lines[0]


def test_a_file_with_classic_mac_line_endings_is_cleaned_line_by_line(tmp_path, example_text):
    src = tmp_path / "in" / "cr.txt"
    src.parent.mkdir()
    lf = "Home\nNews\nSport\nContact us\n\n" + example_text.strip() + "\n"
    src.write_bytes(lf.replace("\n", "\r").encode())
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "lone CR line endings read as newlines" in result.stderr
    clean_lf = runner.invoke(app, ["clean", str(write(tmp_path / "lf.txt", lf))]).stdout
    assert (tmp_path / "out" / "cr.txt").read_text().strip() == clean_lf.strip()  # the same lines kept
    assert "Contact us" not in clean_lf and "\r" not in (tmp_path / "out" / "cr.txt").read_text()
    assert src.read_bytes() == lf.replace("\n", "\r").encode()  # the input is never modified


def test_a_wrong_text_field_fails_the_file_instead_of_copying_it(tmp_path, example_text):
    src = write(tmp_path / "in" / "rows.jsonl", json.dumps({"id": 1, "text": example_text}) + "\n")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q",
                                 "--text-field", "body"])
    assert result.exit_code == 1 and "no record has a string field 'body'" in result.stderr
    assert "check --text-field" in result.stderr and not (tmp_path / "out" / "rows.jsonl").exists()
    stdout = runner.invoke(app, ["clean", str(src), "--text-field", "body", "-q"])
    assert stdout.exit_code == 1 and "check --text-field" in stdout.stderr


def test_a_jsonl_file_with_no_readable_line_fails_instead_of_becoming_an_empty_done_output(tmp_path, example_text):
    # A JSON array under a .jsonl name and UTF-16 JSONL: every line is unreadable as a record.
    # Called done with an empty output, a later run would skip them as finished for good.
    rows = [json.dumps({"text": example_text})] * 3
    write(tmp_path / "in" / "array.jsonl", json.dumps([{"text": example_text}], indent=2))
    (tmp_path / "in" / "utf16.jsonl").write_bytes(("\n".join(rows) + "\n").encode("utf-16"))
    write(tmp_path / "in" / "mixed.jsonl", "\n".join(rows) + "\nnot json\n")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    for name in ("array.jsonl", "utf16.jsonl"):
        assert not (tmp_path / "out" / name).exists()
        failed = [ln for ln in result.stderr.splitlines() if ln.startswith(f"failed: {tmp_path / 'in' / name}")]
        assert len(failed) == 1 and "no line is a JSON object" in failed[0] and "UTF-8" in failed[0]
        assert f"bad records: {tmp_path / 'in' / name}" not in result.stderr  # no "the rest cleaned"
    # One bad line among good records is still a bad record, and the file is done.
    assert len((tmp_path / "out" / "mixed.jsonl").read_text().splitlines()) == 3
    assert "mixed.jsonl: 1 JSONL record(s) skipped" in result.stderr
    again = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"])
    assert again.exit_code == 1 and "array.jsonl: no line is a JSON object" in again.stderr  # not skipped as done
    stdout = runner.invoke(app, ["clean", str(tmp_path / "in" / "array.jsonl"), "-q"])
    assert stdout.exit_code == 1 and stdout.stdout == "" and "no line is a JSON object" in stdout.stderr
    # Records that are all over the cap are JSON objects: the message says what to change.
    big_rows = write(tmp_path / "big" / "rows.jsonl", "\n".join(rows) + "\n")
    big = runner.invoke(app, ["clean", str(big_rows), "-q", "--max-doc-mb", "0.0001"])
    assert big.exit_code == 1 and "every record is over the document cap" in big.stderr


def test_an_unreadable_file_named_on_the_command_line_is_reported_and_the_others_are_cleaned(
        tmp_path, example_text, monkeypatch):
    # chmod 000 does not stop root, so deny at the calls: the argument parser's os.access check
    # (which used to abort the whole run with a usage error) and the read itself.
    files = [write(tmp_path / "in" / f"{n}.txt", example_text) for n in "abc"]
    real_open, real_access = os.open, os.access

    def deny_b(path, *args, **kwargs):
        if os.fspath(path).endswith("b.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny_b)
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: not os.fspath(path).endswith("b.txt")
                        and real_access(path, mode, **kw))
    result = runner.invoke(app, ["clean", *map(str, files), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1, result.stderr
    assert f"failed: {files[1]}: permission denied" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == ["a.txt", "c.txt"]
    for command in (["clean", str(files[1])], ["label", str(files[1])]):
        one = runner.invoke(app, command)
        assert one.exit_code == 1 and "permission denied" in one.stderr and "Invalid value" not in one.stderr


def test_a_failed_jsonl_file_does_not_also_claim_its_records_were_written_through(tmp_path, example_text):
    write(tmp_path / "in" / "rows.jsonl", json.dumps({"id": 1, "body": example_text}) + "\n")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--text-field", "text"])
    assert result.exit_code == 1 and "check --text-field" in result.stderr
    assert "passed through:" not in result.stderr


def test_a_record_written_through_reports_what_its_decode_repaired(tmp_path):
    rows = [b'{"text": "The harbour opened at dawn and the boats went out."}', b'{"title": "caf\xe9 au lait"}']
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "rows.jsonl").write_bytes(b"\n".join(rows) + b"\n")  # line 2 is Latin-2, not UTF-8
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "repaired:" in result.stderr and "line 2: decoded as" in result.stderr
    out_rows = [json.loads(r) for r in (tmp_path / "out" / "rows.jsonl").read_text().splitlines()]
    assert out_rows[1] == {"title": "caf\u00e9 au lait"}


def test_jsonl_fields_other_than_the_text_are_written_byte_for_byte(tmp_path):
    # Parsed and written back, 1e400 became Infinity (not JSON), 1E5 became 100000.0, the first
    # of two "id" keys was lost and an escape was unescaped. Only the text's value changes.
    text = "The harbour opened at dawn and the boats went out past the breakwater into the bay."
    rows = ['{"id":1,"big":1e400,"n":1E5,"id":"dup","esc":"caf\\u00e9 \\ud800","text":%s, "z": [ 1 , 2 ]}' % json.dumps(text),
            '{"id": 2, "text": null, "big": 1e400}',
            ' { "text" : %s }  ' % json.dumps(text)]
    write(tmp_path / "in" / "rows.jsonl", "\n".join(rows) + "\n")
    for fmt in ("same", "jsonl"):
        result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / fmt), "--format", fmt])
        assert result.exit_code == 0, result.stderr
        out = (tmp_path / fmt / "rows.jsonl").read_text().splitlines()
        kept = json.loads(out[0])["text"]
        assert kept.strip() == text
        block = out[0][out[0].index(', "textsieve": '):-1] if fmt == "jsonl" else ""
        assert out[0] == rows[0].replace(json.dumps(text), json.dumps(kept, ensure_ascii=False))[:-1] + block + "}"
        if fmt == "same":
            assert out[1] == rows[1]
            assert out[2] == rows[2].strip().replace(json.dumps(text), json.dumps(kept))
        else:
            assert out[1].startswith(rows[1][:-1] + ', "textsieve": {') and json.loads(out[1])["textsieve"]["lines"] == []
            assert json.loads(out[2])["textsieve"]["lines"][0]["label"] == "body"
    # The same records through stdout mode.
    result = runner.invoke(app, ["clean", str(tmp_path / "in" / "rows.jsonl")])
    assert result.exit_code == 0 and result.stdout.splitlines()[1] == rows[1]
# ---------------------------------------------------------------------------------------------
# Resuming never keeps stale or differently made outputs silently (review of 2026-12-01)
# ---------------------------------------------------------------------------------------------


def test_an_output_older_than_its_changed_input_is_named_stale_and_kept_until_force(tmp_path, example_text):
    src = write(tmp_path / "in" / "a.txt", example_text)
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "-q"]).exit_code == 0
    first = (out / "a.txt").read_text(encoding="utf-8")
    write(src, example_text + "\nA new closing paragraph about the harbour, added after the first run.\n")
    later = (out / "a.txt").stat().st_mtime_ns + 10**9
    os.utime(src, ns=(later, later))  # the input changed after its output was written
    again = runner.invoke(app, ["clean", str(src.parent), "-o", str(out)])
    assert again.exit_code == 0
    assert "stale:" in again.stderr and "a.txt" in again.stderr and "older than its input" in again.stderr
    assert (out / "a.txt").read_text(encoding="utf-8") == first, "never overwritten without --force"
    report = json.loads((out / "textsieve-report.json").read_text())
    assert report["files"][0]["status"] == "skipped" and "older than its input" in report["files"][0]["reason"]
    forced = runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "-q", "--force"])
    assert forced.exit_code == 0 and "closing paragraph" in (out / "a.txt").read_text(encoding="utf-8")


def test_a_run_with_other_settings_into_the_same_out_is_refused_until_force(tmp_path, example_text):
    src = write(tmp_path / "in" / "a.txt", example_text)
    write(tmp_path / "in" / "b.txt", example_text.replace("Bees", "Wasps"))
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "-q"]).exit_code == 0
    settings = json.loads((out / ".textsieve-settings.json").read_text())["settings"]
    assert settings["keep"] == ["body"] and settings["body_threshold"] == 0.4 and len(settings["model_sha256"]) == 64
    before = snapshot(out)
    other = runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "-q", "--keep", "body,caption"])
    assert other.exit_code == 2 and "other settings" in other.output and "keep" in other.output
    assert snapshot(out) == before, "refused before anything is written"
    # the same effect said another way is the same settings: the model's own threshold, labels in any order
    same = runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "-q", "--body-threshold", "0.4"])
    assert same.exit_code == 0, same.output
    # --force on part of the folder: the rest is named as made with the earlier settings, never "done"
    forced = runner.invoke(app, ["clean", str(src), "-o", str(out), "-q", "--keep", "caption,body", "--force"])
    assert forced.exit_code == 0
    assert json.loads((out / ".textsieve-settings.json").read_text())["settings"]["keep"] == ["body", "caption"]
    rest = runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "--keep", "body,caption"])
    assert rest.exit_code == 0
    assert "stale:" in rest.stderr and "b.txt" in rest.stderr and "settings changed" in rest.stderr
    assert "a.txt" not in rest.stderr.split("stale:")[1]
    with pytest.raises(UsageError, match="rejected"):
        filter_folder([src.parent], out, jobs=1, rejected=True, config=None)


def test_settings_are_taken_over_when_none_of_the_runs_outputs_exist(tmp_path, example_text):
    # A first run that wrote nothing (its model failed to load) must not lock OUT to its settings.
    from textsieve.errors import ModelError

    src = write(tmp_path / "in" / "a.txt", example_text)
    out = tmp_path / "out"
    with pytest.raises(ModelError):
        filter_folder([src.parent], out, jobs=1, model=tmp_path / "no-such-model")
    assert filter_folder([src.parent], out, jobs=1).count("done") == 1


def test_of_two_first_runs_with_other_settings_one_is_refused(tmp_path, example_text, monkeypatch):
    import textsieve.batch.run as run

    out = tmp_path / "out"
    out.mkdir()
    write(out / "a.txt", "an output of the other run")
    mine = run.output_settings(None, None, rejected=False, output_format="same", text_field="text", html=None)
    theirs = dict(mine, keep=["body", "caption"])
    real_read = run._read_settings
    calls = []

    def read_then_race(path):  # the other run records its settings right after this run has looked
        found = real_read(path)
        if not calls:
            calls.append(1)
            path.write_text(json.dumps({"settings": theirs, "since_ns": 1}), encoding="utf-8")
        return found

    monkeypatch.setattr(run, "_read_settings", read_then_race)
    with pytest.raises(UsageError, match="other settings"):
        run.check_settings(out, mine, False, "r1", [out / "a.txt"])


def test_rejected_never_overwrites_an_output_that_has_no_sidecar(tmp_path, example_text):
    src = write(tmp_path / "in" / "notes.txt", example_text)
    out = tmp_path / "out"
    write(out / "notes.txt", "MY NOTES")
    result = runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "-q", "--rejected"])
    assert result.exit_code == 0
    assert (out / "notes.txt").read_text() == "MY NOTES"
    report = json.loads((out / "textsieve-report.json").read_text())
    assert "without its notes.txt.rejected.tsv" in report["files"][0]["reason"]


def test_a_report_over_a_named_input_that_is_not_cleaned_is_refused(tmp_path, example_text):
    page = write(tmp_path / "page.txt", example_text)
    meta = write(tmp_path / "meta.json", '{"precious": 1}')  # not a format textsieve cleans
    result = runner.invoke(app, ["clean", str(page), str(meta), "-o", str(tmp_path / "out"), "--report", str(meta)])
    assert result.exit_code == 2 and "would overwrite the input" in result.output and "--report" in result.output
    assert meta.read_text() == '{"precious": 1}'


def test_a_text_field_named_like_the_labels_block_is_refused_with_jsonl_output(tmp_path):
    src = write(tmp_path / "in" / "d.jsonl", json.dumps({"textsieve": "A sentence about the harbour."}) + "\n")
    result = runner.invoke(app, ["clean", str(src.parent), "-o", str(tmp_path / "out"), "--format", "jsonl",
                                 "--text-field", "textsieve"])
    assert result.exit_code == 2 and "replace the cleaned text" in result.output


def test_outputs_follow_the_umask(tmp_path, monkeypatch):
    import textsieve.files as files

    for mask, mode in ((0o077, 0o600), (0o022, 0o644), (0o002, 0o664)):
        monkeypatch.setattr(files, "_UMASK", mask)
        path = files.atomic_write_text(tmp_path / f"out-{mask:o}.txt", "private text\n")
        assert path.stat().st_mode & 0o777 == mode


def test_an_output_path_with_brackets_is_shown_as_written(tmp_path, example_text, monkeypatch):
    # The summary is printed with rich, which reads "[...]" as markup: "out[v2]" lost its
    # brackets and "runs[/v2]" raised a MarkupError after a successful run.
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "in" / "a.txt", example_text)
    for name in ("out[v2]", "runs[/v2]"):
        result = runner.invoke(app, ["clean", "in", "-o", name])
        assert result.exit_code == 0, result.output
        assert f"{name}/textsieve-report.json" in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_standard_output_is_one_line_of_error_not_a_traceback(tmp_path, example_text):
    src = write(tmp_path / "a.txt", example_text)
    with open("/dev/full", "w") as full:
        proc = subprocess.run([*CLI, "clean", str(src)], stdout=full, stderr=subprocess.PIPE, text=True, timeout=DEADLINE)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "cannot write to standard output" in proc.stderr


# ---------------------------------------------------------------------------------------------
# Legacy encodings are read as their language was written, whatever else is installed
# ---------------------------------------------------------------------------------------------

def _as_cp1258(text: str) -> str:
    """Vietnamese as windows-1258 writes it: precomposed letters where the code page has them,
    a base letter and a combining tone mark where it does not."""
    import unicodedata

    def fits(c):
        try:
            c.encode("cp1258")
            return True
        except UnicodeEncodeError:
            return False

    def written(c):
        if fits(c):
            return c
        base, *marks = unicodedata.normalize("NFD", c)
        for i, mark in enumerate(marks):  # one mark stays combining, the rest composes with the base
            head = unicodedata.normalize("NFC", base + "".join(marks[:i] + marks[i + 1:]))
            if fits(head) and fits(mark):
                return head + mark
        return c

    return "".join(written(c) for c in unicodedata.normalize("NFC", text))


LEGACY = [
    ("La città è bella. Però è già tardi, e lui non può venire più.\n" * 5, "cp1252"),
    ("A população da região não é pequena, e a educação é prioridade.\n" * 3, "cp1252"),
    ("La crème brûlée est délicieuse; où est le garçon? Très bien, merci.\n" * 3, "cp1252"),
    ("Ceci est un texte français avec des accents: été, déjà, où.\n" * 4, "latin-1"),
    ("Jeg kan lide rødgrød med fløde, og Ærø er en ø i Østersøen.\n" * 3, "cp1252"),
    ("Az őszi szél fúj, és a fű zöld; ő is jön.\n" * 3, "cp1250"),
    ("Zażółć gęślą jaźń. Dzień dobry, jak się masz? Wszystko w porządku.\n" * 3, "cp1250"),
    ("Lietuvių kalba yra graži; ačiū, labas rytas, kaip sekasi?\n" * 3, "cp1257"),
    ("Türkçe metin: güzel şehir, ılık hava ve çay. Günaydın, nasılsın?\n" * 3, "cp1254"),
    ("Привет, как дела? Это тестовый текст на русском языке.\n" * 3, "cp1251"),
    ("Καλημέρα, τι κάνεις; Αυτό είναι ένα κείμενο στα ελληνικά.\n" * 3, "cp1253"),
    ("こんにちは、元気ですか？これは日本語のテキストです。\n" * 3, "shift_jis"),
    # where the detector was right, it stays right
    (_as_cp1258("Xin chào, bạn khỏe không? Đây là văn bản tiếng Việt cho bài kiểm tra.\n" * 3), "cp1258"),
    ("Łódź, ul. Piękna 5\n", "cp1250"),  # too short to tell the language: the detector's answer
    # latin-9 (read as windows-1252 before: "25 ¤", "½uvres") and the latin-1 it must not take
    ("Le prix est de 25 € pour les œuvres complètes de Molière. La réunion coûte 12 € par personne et "
     "l'entrée est libre pour les élèves du lycée.\n", "iso8859_15"),
    ("Add 1½ cups of flour and ¼ teaspoon of salt. Don´t stir too much, it´s fine to leave some lumps in "
     "the batter before baking it.\n", "latin-1"),
    # fractions before a unit are latin-1, not latin-9's œ and Œ ("Œin y œin")
    ("Añada ½taza de azúcar y ¼cdta de sal; después hornee la masa veinte minutos hasta que esté dorada.",
     "cp1252"),
    ("Tornillos de ¼in y ½in para la mesa del comedor, con arandelas y tuercas de acero inoxidable. También hay "
     "piezas de repuesto.", "cp1252"),
    ("Les œuvres de l'artiste et son œil attentif ont séduit le public de la ville entière.\n" * 2, "iso8859_15"),
    ("Šostakovitš ja Beneš olivat paikalla, kun Škoda esiteltiin.", "iso8859_15"),  # Š, š at a word's edge
    # one the detector reads as latin-6 ("25 Ī", "―uvres", "complčtes")
    ("Le prix du miel est de 25 € le pot. Les œuvres complètes de l'auteur coûtent 40 € chez le libraire, et le "
     "cœur de la ville est très animé le samedi matin avec le marché.", "iso8859_15"),
]


@pytest.mark.parametrize("text,encoding", LEGACY, ids=[f"{e}-{t[:12]}" for t, e in LEGACY])
def test_a_legacy_encoded_text_decodes_to_its_own_letters(text, encoding):
    # Detection alone read the Italian, Portuguese, French and Danish texts as windows-1250 or
    # -1258 (cittŕ, populaçăo, Peṛ) and the Lithuanian one as windows-1250.
    from textsieve.files import decode_text

    decoded = decode_text(text.encode(encoding), "x.txt")
    assert decoded.text == text
    assert decoded.notes and decoded.notes[0].startswith("decoded as")


def test_a_declared_html_charset_decides_and_a_legacy_file_is_cleaned_as_its_language(tmp_path, example_text):
    from textsieve.files import decode_text

    page = '<html><head><meta charset="windows-1251"></head><body><p>Привет, это тест.</p></body></html>'
    assert decode_text(page.encode("cp1251"), "page.html").text == page
    # declared Latin-1, written in windows-1252 (curly quotes): read as browsers read it
    quoted = '<html><head><meta charset="iso-8859-1"></head><body><p>She called it “fair”. Café.</p></body></html>'
    assert decode_text(quoted.encode("cp1252"), "page.html").text == quoted
    # a UTF-16 declaration in bytes that are not UTF-16 is ignored, never decoded as CJK garbage
    wrong = '<html><head><meta charset="utf-16"></head><body><p>A plain page with one caf\xe9 in it.</p></body></html>'
    assert decode_text(wrong.encode("cp1252"), "page.html").text == wrong
    italian = example_text.replace("’", "'") + "\nLa città è bella. Però è già tardi, e lui non può venire più.\n"
    src = tmp_path / "in" / "it.txt"
    src.parent.mkdir()
    src.write_bytes(italian.encode("cp1252"))
    result = runner.invoke(app, ["clean", str(src.parent), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and "decoded as cp1252" in result.stderr
    assert "Harvest Day" in (tmp_path / "out" / "it.txt").read_text(encoding="utf-8")


def test_the_summary_says_why_files_were_skipped_and_a_named_unsupported_file_is_named(tmp_path, example_text):
    src = write(tmp_path / "in" / "a.txt", example_text)
    named = write(tmp_path / "data.json", example_text)
    first = runner.invoke(app, ["clean", str(src.parent), str(named), "-o", str(tmp_path / "out")])
    assert first.exit_code == 0
    assert f"skipped: {named}: unsupported format" in first.stderr
    again = runner.invoke(app, ["clean", str(src.parent), str(named), "-o", str(tmp_path / "out")])
    flat = " ".join(again.stderr.replace("│", " ").split())
    assert "already done 1" in flat and "unsupported format 1" in flat


def test_a_report_path_that_is_a_folder_is_refused_before_the_run(tmp_path, example_text):
    src = write(tmp_path / "in" / "a.txt", example_text)
    (tmp_path / "reports").mkdir()
    result = runner.invoke(app, ["clean", str(src.parent), "-o", str(tmp_path / "out"), "--report", str(tmp_path / "reports")])
    assert result.exit_code == 2 and "is a folder" in result.output
    assert not (tmp_path / "out" / "a.txt").exists(), "refused before anything is cleaned"


def test_the_umask_is_read_without_changing_it():
    from textsieve.files import _read_umask

    before = os.umask(0o027)
    try:
        assert _read_umask() == 0o027
        assert os.umask(0o027) == 0o027, "left as it was"
    finally:
        os.umask(before)


def test_settings_are_recorded_where_hard_links_are_not_supported(tmp_path, monkeypatch):
    import textsieve.batch.run as run

    def no_links(*args):
        raise PermissionError("hard links not supported here")

    monkeypatch.setattr(run.os, "link", no_links)
    out = tmp_path / "out"
    out.mkdir()
    mine = run.output_settings(None, None, rejected=False, output_format="same", text_field="text", html=None)
    run.check_settings(out, mine, False, "r1", [])
    assert json.loads((out / ".textsieve-settings.json").read_text())["settings"] == mine
    assert not list(out.glob("*.part"))


def test_an_out_from_before_settings_were_recorded_resumes_as_it_always_did(tmp_path, example_text):
    src = write(tmp_path / "in" / "a.txt", example_text)
    write(tmp_path / "in" / "b.txt", example_text.replace("Bees", "Wasps"))
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "-q"]).exit_code == 0
    (out / ".textsieve-settings.json").unlink()  # as an older textsieve left it
    (out / "b.txt").unlink()
    again = runner.invoke(app, ["clean", str(src.parent), "-o", str(out)])
    assert again.exit_code == 0 and "stale:" not in again.stderr
    flat = " ".join(again.stderr.replace("│", " ").split())
    assert "1 / 1 / 0" in flat and "already done 1" in flat


def test_a_run_with_other_settings_than_a_live_run_into_the_same_out_is_refused(tmp_path):
    import textsieve.batch.run as run
    from textsieve.batch.write import RunLock

    out = tmp_path / "out"
    out.mkdir()
    theirs_id, mine_id = new_run_id(), new_run_id()
    base = run.output_settings(None, None, rejected=False, output_format="same", text_field="text", html=None)
    other = dict(base, keep=["body", "caption"])
    with RunLock(out, theirs_id):  # a run writing into OUT right now, none of its outputs made yet
        run.check_settings(out, base, False, theirs_id, [])
        with pytest.raises(UsageError, match="another run is writing"):
            run.check_settings(out, other, True, mine_id, [])
        assert run.check_settings(out, base, False, mine_id, []) == 0, "the same settings go on side by side"
    assert run.check_settings(out, other, False, mine_id, []) > 0, "once it has ended, a run may take OUT over"


def test_an_output_reaches_the_disk_before_it_is_renamed_into_place(tmp_path, example_text, monkeypatch):
    """A power cut after the rename must not leave an empty output that a resumed run skips as
    done: every output and sidecar is fsynced before its rename."""
    from textsieve import files

    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(files.os, "fsync", lambda fd: (events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"))),
                                                       real_fsync(fd))[1])
    monkeypatch.setattr(files.os, "replace", lambda a, b: (events.append(("replace", str(a))), real_replace(a, b))[1])
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.txt").write_text(example_text, encoding="utf-8")
    result = runner.invoke(app, ["clean", str(src), "-o", str(tmp_path / "out"), "--rejected"])
    assert result.exit_code == 0, result.output
    renamed = [path for kind, path in events if kind == "replace" and path.endswith(".part")]
    assert len(renamed) >= 2  # the output and its sidecar
    for path in renamed:
        assert ("fsync", path) in events[:events.index(("replace", path))], path


@pytest.mark.parametrize("args", [
    ["clean", "{src}", "-o", ""], ["clean", "{src}", "-o", "", "--force"], ["clean", "{src}", "-o", "{out}", "--report", ""],
    ["clean", ""], ["clean", "", "-o", "{out}"], ["clean", "{src}", "-m", ""], ["label", ""], ["train", "", "-o", "{out}"],
    ["suggest", "{src}", "-o", ""], ["evaluate", ""],
])
def test_an_empty_path_is_a_usage_error_not_the_current_folder(tmp_path, monkeypatch, args):
    # Path("") is ".": `-o "$OUT"` with OUT unset would write (with --force, overwrite) wherever
    # the command ran, and `clean ""` would clean the current folder.
    src = write(tmp_path / "in" / "page.txt", "The harbour opened at dawn and the boats went out.\n")
    work = tmp_path / "cwd"
    write(work / "page.txt", "a file of the user's that must not be touched\n")
    monkeypatch.chdir(work)
    args = [a.format(src=src, out=tmp_path / "out") for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "is empty" in result.output
    assert sorted(p.name for p in work.iterdir()) == ["page.txt"]
    assert (work / "page.txt").read_text() == "a file of the user's that must not be touched\n"
    assert not (tmp_path / "out").exists()


def test_an_empty_gz_file_is_reported_broken_and_a_plain_one_under_a_gz_name_is_read_with_a_note(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cut.txt.gz").write_bytes(b"")  # a download that never started
    (tmp_path / "in" / "rows.jsonl.gz").write_bytes(b"")
    write(tmp_path / "in" / "plain.txt.gz", "The harbour opened at dawn and the boats went out.\n")
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.count("an empty .gz file") == 2 and "fetch it again" in result.stderr
    assert not (tmp_path / "out" / "cut.txt.gz").exists()  # not "done": a re-run tries it again
    assert "plain.txt.gz: named .gz but not gzip data" in result.stderr
    assert "harbour" in gzip.decompress((tmp_path / "out" / "plain.txt.gz").read_bytes()).decode()  # a .gz output is gzip


def test_the_size_cap_message_says_after_decompression_only_for_gzip(tmp_path):
    text = "word " * 300_000  # 1.5 MB
    plain = write(tmp_path / "big.txt", text)
    packed = tmp_path / "big.txt.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    for path, gz in ((plain, False), (packed, True)):
        result = runner.invoke(app, ["clean", str(path), "--max-doc-mb", "1"])
        assert result.exit_code == 1 and "larger than the 1 MB document cap" in result.stderr
        assert ("after decompression" in result.stderr) == gz


def test_trailing_garbage_after_a_gzip_stream_is_reported_as_such_and_joined_streams_are_read(tmp_path):
    text = "The harbour was quiet on Monday morning when the first boats came back with the catch.\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "tail.txt.gz").write_bytes(gzip.compress(text.encode()) + b"garbage\x00\x01")
    (tmp_path / "in" / "joined.txt.gz").write_bytes(gzip.compress(text.encode()) + gzip.compress(text.encode()))
    result = runner.invoke(app, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "tail.txt.gz: the gzip stream is followed by data that is not gzip" in result.stderr
    assert not (tmp_path / "out" / "tail.txt.gz").exists()  # reported, not half-read
    # two gzip streams one after the other (`cat a.gz b.gz`) are one file, as gzip reads them
    assert gzip.decompress((tmp_path / "out" / "joined.txt.gz").read_bytes()).decode() == text * 2


def test_in_stdout_mode_a_jsonl_file_found_broken_part_way_exits_1_after_its_first_records(tmp_path):
    # Records stream out as they are cleaned; the error comes when the garbage does. The README
    # says so, and points at -o for whole-or-nothing outputs.
    rows = "".join(json.dumps({"text": f"The harbour was quiet on Monday morning, boat {i}."}) + "\n" for i in range(1500))
    path = tmp_path / "r.jsonl.gz"
    path.write_bytes(gzip.compress(rows.encode()) + b"garbage")
    result = runner.invoke(app, ["clean", str(path)])
    assert result.exit_code == 1 and "followed by data that is not gzip" in result.stderr
    assert 0 < len(result.stdout.splitlines()) < 1500
    result = runner.invoke(app, ["clean", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and not (tmp_path / "out" / "r.jsonl.gz").exists()
