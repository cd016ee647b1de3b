"""`textsieve suggest` reads every input `clean` reads, the same way, and reports broken ones."""
import gzip
import json
import os

import pytest
from typer.testing import CliRunner

from textsieve.cli import app
from textsieve.training.corpus import read_labeled
from textsieve.training.suggest import suggest

runner = CliRunner()
ALL = "100000"  # -n larger than every line of every fixture: each document's lines all appear


def _sources(out):
    rows = (out.parent / (out.name + ".sources.tsv")).read_text(encoding="utf-8").strip().split("\n")
    assert rows[0] == "row\tfile\tline\tpredicted\tmargin"
    return [dict(zip(rows[0].split("\t"), r.split("\t"))) for r in rows[1:]]


@pytest.fixture()
def scraped(tmp_path, example_text):
    """One file of each format `clean` reads, plus a file it does not read."""
    folder = tmp_path / "scraped"
    (folder / "sub").mkdir(parents=True)
    (folder / "page.txt").write_text(example_text, encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><body><h1>Hive Notes</h1><p>Our <b>bees</b> wintered well this year.</p>"
        "<ul><li><a href='/a'>Ten Tricks Beekeepers Hate</a></li></ul></body></html>", encoding="utf-8")
    records = [{"text": "A record about honey.\nIt has two lines.", "id": 1},
               {"text": "Another record about wax.", "id": 2}]
    (folder / "sub" / "docs.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    (folder / "sub" / "more.txt.gz").write_bytes(gzip.compress("Gzipped text about pollen.\n".encode()))
    (folder / "sub" / "more.jsonl.gz").write_bytes(gzip.compress((json.dumps({"text": "Gzipped record."}) + "\n").encode()))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not text")
    return folder


def test_a_folder_of_every_format_is_read_as_clean_reads_it(scraped, tmp_path):
    out = tmp_path / "todo.tsv"
    result = runner.invoke(app, ["suggest", str(scraped), "-n", ALL, "-o", str(out)])
    assert result.exit_code == 0, result.output
    sources = _sources(out)
    files = {os.path.relpath(r["file"], scraped) for r in sources}
    assert files == {"page.txt", "page.html", "sub/docs.jsonl", "sub/more.txt.gz", "sub/more.jsonl.gz"}
    assert "1 unsupported file(s) skipped" in result.output  # photo.jpg, as folder mode skips it
    # JSONL: every record is a document, positioned RECORD:LINE as `textsieve label` prints them
    jsonl = sorted(r["line"] for r in sources if r["file"].endswith("docs.jsonl"))
    assert jsonl == ["1:1", "1:2", "2:1"]
    # HTML: the page's block lines, never markup
    doc = read_labeled(out)  # still valid labeled format
    texts = set(doc.lines)
    assert {"Hive Notes", "Our bees wintered well this year.", "Ten Tricks Beekeepers Hate"} <= texts
    assert not any("<" in t for t in texts)
    assert "Gzipped text about pollen." in texts and "Gzipped record." in texts
    # each source row points at the row holding that line in the labeled file
    for r in sources:
        assert doc.labels[int(r["row"]) - 1] == r["predicted"]


def test_named_files_and_standard_input_are_sniffed_like_stdout_mode(tmp_path):
    page = tmp_path / "page.dat"  # unknown extension: sniffed as HTML
    page.write_text("<html><body><p>Sniffed paragraph about bees.</p></body></html>", encoding="utf-8")
    out = tmp_path / "todo.tsv"
    result = runner.invoke(app, ["suggest", str(page), "-", "-n", ALL, "-o", str(out)],
                           input=json.dumps({"body": "Record from standard input."}) + "\n")
    assert result.exit_code == 0, result.output  # a bad record is reported, as clean reports it, not a failed file
    assert "line 1: no string field 'text'" in result.output
    assert "Sniffed paragraph about bees." in read_labeled(out).lines

    # the first run's file may hold corrected labels: kept unless --force
    refused = runner.invoke(app, ["suggest", "-", "--text-field", "body", "-n", ALL, "-o", str(out)], input="x\n")
    assert refused.exit_code == 2 and "--force" in refused.output and "Sniffed paragraph about bees." in read_labeled(out).lines
    result = runner.invoke(app, ["suggest", "-", "--text-field", "body", "-n", ALL, "-o", str(out), "--force"],
                           input=json.dumps({"body": "Record from standard input."}) + "\n")
    assert result.exit_code == 0, result.output
    assert read_labeled(out).lines == ["Record from standard input."]
    assert [r["line"] for r in _sources(out)] == ["1:1"]


def test_html_and_text_switches_apply(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>Kept as markup text</p>", encoding="utf-8")
    out = tmp_path / "todo.tsv"
    assert runner.invoke(app, ["suggest", str(page), "--text", "-n", ALL, "-o", str(out)]).exit_code == 0
    assert read_labeled(out).lines == ["<p>Kept as markup text</p>"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_broken_inputs_are_reported_by_name_and_the_rest_goes_on(tmp_path, example_text):
    folder = tmp_path / "scraped"
    folder.mkdir()
    (folder / "good.txt").write_text(example_text, encoding="utf-8")
    (folder / "truncated.txt.gz").write_bytes(gzip.compress(example_text.encode())[:-12])
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x00" * 64)
    (folder / "records.jsonl").write_text('{"text": "A fine record."}\n{not json\n', encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    os.symlink(folder / "missing.txt", folder / "dangling.txt")
    out = tmp_path / "todo.tsv"
    result = runner.invoke(app, ["suggest", str(folder), str(tmp_path / "nowhere.txt"), "-n", ALL, "-o", str(out)])
    assert result.exit_code == 1
    failed = [ln for ln in result.output.splitlines() if ln.startswith("failed: ")]
    for name in ("truncated.txt.gz", "binary.txt", "pipe.txt", "dangling.txt", "nowhere.txt"):
        assert any(name in ln for ln in failed), (name, result.output)
    assert len(failed) == 5
    reasons = {name: next(ln for ln in failed if name in ln) for name in ("pipe.txt", "dangling.txt", "binary.txt",
                                                                           "truncated.txt.gz", "nowhere.txt")}
    assert "FIFO" in reasons["pipe.txt"] and "broken symbolic link" in reasons["dangling.txt"]
    assert "looks binary" in reasons["binary.txt"] and "truncated gzip" in reasons["truncated.txt.gz"]
    assert "no such file" in reasons["nowhere.txt"]
    assert "records.jsonl: line 2: malformed JSON" in result.output  # a bad line, not a failed file
    files = {os.path.basename(r["file"]) for r in _sources(out)}
    assert files == {"good.txt", "records.jsonl"}


def test_suggest_returns_the_problems_as_data(tmp_path, sieve):
    (tmp_path / "a.txt").write_text("One line about bees.\n", encoding="utf-8")
    (tmp_path / "b.txt.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    (tmp_path / "c.csv").write_text("x,y\n", encoding="utf-8")
    result = suggest([tmp_path], n=5, sieve=sieve)
    assert result.documents == 1
    assert [s.position for s in result.suggestions] == ["1"]
    assert [os.path.basename(f.input) for f in result.failed] == ["b.txt.gz"]
    assert result.failed[0].reason.startswith(str(tmp_path / "b.txt.gz"))
    assert [os.path.basename(f.input) for f in result.skipped] == ["c.csv"]


def test_n_below_one_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    result = runner.invoke(app, ["suggest", str(tmp_path), "-n", "0", "-o", str(tmp_path / "o.tsv")])
    assert result.exit_code == 2


def test_the_output_never_overwrites_an_input_and_bad_outputs_are_clean_errors(scraped, tmp_path):
    page = scraped / "page.txt"
    before = page.read_bytes()
    # the input itself, and its name in other case (one file on macOS and Windows)
    for out in (page, scraped / "PAGE.TXT"):
        result = runner.invoke(app, ["suggest", str(scraped), "-n", "3", "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert "would overwrite the input" in result.output and str(page) in result.output
    # a named input of any extension is read (sniffed): the sidecar <out>.sources.tsv must not hit it
    notes = tmp_path / "notes.sources.tsv"
    notes.write_text("A note about bees.\n", encoding="utf-8")
    result = runner.invoke(app, ["suggest", str(notes), "-n", "3", "-o", str(tmp_path / "notes")])
    assert result.exit_code == 2 and "sidecar" in result.output, result.output
    assert page.read_bytes() == before and notes.read_text(encoding="utf-8") == "A note about bees.\n"
    # -o a folder: a usage error before any work; an unwritable -o: the file named, exit 1
    result = runner.invoke(app, ["suggest", str(page), "-n", "3", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder" in result.output, result.output
    result = runner.invoke(app, ["suggest", str(page), "-n", "3", "-o", str(page / "todo.tsv")])
    assert result.exit_code == 1 and "cannot write the suggestions" in result.output, result.output
    assert str(page / "todo.tsv") in result.output and "Traceback" not in result.output


def test_a_large_folder_holds_few_candidates_and_picks_as_over_everything(tmp_path, sieve, example_text, monkeypatch):
    # 120 documents of ~20 lines: the choice must be the one made over every line of every
    # document, while what suggest holds stays near n, not n per document
    import gc
    import math
    import random

    from textsieve.training import suggest as module

    rng = random.Random(3)
    lines = [ln for ln in example_text.splitlines() if ln.strip()]
    records = [{"text": "\n".join(rng.sample(lines, min(20, len(lines))))} for _ in range(120)]
    src = tmp_path / "docs.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    n = 10

    peak = 0
    real = module.labeled_documents

    def counting(*args, **kwargs):
        nonlocal peak
        for i, item in enumerate(real(*args, **kwargs)):
            if i % 10 == 9:
                peak = max(peak, sum(isinstance(o, module.Suggestion) for o in gc.get_objects()))
            yield item

    monkeypatch.setattr(module, "labeled_documents", counting)
    got = suggest([src], n=n, sieve=sieve)
    assert peak <= 4 * n + len(records), peak  # measured 73; before, every document held up to n: 974

    # the rule over everything: up to n per document, then ceil(n / documents) + 1, then the n smallest
    per_doc = []
    for number, rec in enumerate(records, start=1):
        labeled = sieve.label_lines(rec["text"])
        ranked = sorted(labeled, key=module._margin)[:n]
        per_doc.append([(module._margin(r), number, r.line) for r in ranked])
    cap = math.ceil(n / len(per_doc)) + 1
    want = sorted(sorted((m, str(src), num, line) for p in per_doc for (m, num, line) in p[:cap])[:n],
                  key=lambda t: t[1:])
    assert [(s.number, s.line) for s in got.suggestions] == [(num, line) for _, _, num, line in want]


def test_a_file_reached_twice_is_read_once(scraped, tmp_path):
    out = tmp_path / "todo.tsv"
    page = scraped / "page.txt"
    result = runner.invoke(app, ["suggest", str(scraped), str(page), str(page), "-n", ALL, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [r["row"] for r in _sources(out)]  # the labeled row each suggestion points at
    assert rows and len(rows) == len(set(rows)), "a line suggested twice"
    alone = suggest([scraped])
    assert result.output.count(f"of {alone.documents} documents") == 1


def test_an_existing_sources_sidecar_is_kept_unless_force(scraped, tmp_path):
    out = tmp_path / "todo.tsv"
    sidecar = tmp_path / "todo.tsv.sources.tsv"
    sidecar.write_text("my own notes\n", encoding="utf-8")
    result = runner.invoke(app, ["suggest", str(scraped / "page.txt"), "-n", "3", "-o", str(out)])
    assert result.exit_code == 2 and "todo.tsv.sources.tsv exists" in result.output, result.output
    assert sidecar.read_text(encoding="utf-8") == "my own notes\n" and not out.exists()
    forced = runner.invoke(app, ["suggest", str(scraped / "page.txt"), "-n", "3", "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert out.exists() and sidecar.read_text(encoding="utf-8") != "my own notes\n"


def test_when_every_input_fails_nothing_is_written(tmp_path):
    # An empty todo.tsv was written: the next run refused it without --force, training said "no rows".
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x00" * 64)
    out = tmp_path / "todo.tsv"
    result = runner.invoke(app, ["suggest", str(tmp_path / "binary.txt"), "-o", str(out)])
    assert result.exit_code == 1 and "nothing written" in result.output
    assert not out.exists() and not (tmp_path / "todo.tsv.sources.tsv").exists()


def test_a_nul_in_a_record_is_written_as_a_space_training_reads(tmp_path):
    (tmp_path / "records.jsonl").write_text(json.dumps({"text": "Hello\u0000World, a line of body text here."}) + "\n")
    out = tmp_path / "todo.tsv"
    assert runner.invoke(app, ["suggest", str(tmp_path / "records.jsonl"), "-o", str(out)]).exit_code == 0
    assert "Hello World" in out.read_text() and "\x00" not in out.read_text()
    read_labeled(out)
