"""The command line, in-process with CliRunner, plus one run of the installed entry point."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from textsieve import __version__
from textsieve.cli import app

runner = CliRunner()


def test_clean_prints_the_cleaned_example(example_text, tmp_path):
    src = tmp_path / "page.txt"
    src.write_text(example_text, encoding="utf-8")
    before = src.read_bytes()
    result = runner.invoke(app, ["clean", str(src)])
    assert result.exit_code == 0, result.output
    assert "Choosing the Site" in result.output
    assert "Detail Author" not in result.output and "Free image on Pixabay" not in result.output
    assert src.read_bytes() == before


def test_clean_reads_standard_input():
    result = runner.invoke(app, ["clean", "-"], input="A quiet sentence about gardens.\n")
    assert result.exit_code == 0


def test_label_prints_tsv_rows(example_text, tmp_path):
    src = tmp_path / "page.txt"
    src.write_text(example_text, encoding="utf-8")
    result = runner.invoke(app, ["label", str(src)])
    assert result.exit_code == 0
    rows = [r.split("\t") for r in result.output.strip().split("\n")]
    assert {r[1] for r in rows} >= {"body", "link_spam", "author_meta", "caption"}
    assert all(0.0 <= float(r[2]) <= 1.0 for r in rows)


def test_info_prints_the_manifest():
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert json.loads(result.output)["labels"] == ["author_meta", "body", "boilerplate", "caption", "link_spam"]


def test_missing_file_is_a_clean_error(tmp_path):
    result = runner.invoke(app, ["clean", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert "missing.txt" in result.output and "Traceback" not in result.output


def test_tampered_model_is_a_clean_error(tmp_path):
    from textsieve.manifest import MANIFEST_FILE, read_manifest
    from textsieve.model import default_model_path

    shipped = default_model_path()
    shipped_dir = shipped if shipped.is_dir() else shipped.parent
    shutil.copytree(shipped_dir, tmp_path / "m")
    manifest = read_manifest(tmp_path / "m")
    manifest["model_sha256"] = "0" * 64
    (tmp_path / "m" / MANIFEST_FILE).write_text(json.dumps(manifest))
    result = runner.invoke(app, ["clean", "-", "--model", str(tmp_path / "m")], input="text\n")
    assert result.exit_code == 1 and "does not match its manifest" in result.output


def test_version_and_help():
    assert runner.invoke(app, ["--version"]).output.strip() == f"textsieve {__version__}"
    assert runner.invoke(app, []).exit_code in (0, 2)
    assert "clean" in runner.invoke(app, ["-h"]).output


def test_installed_entry_point_runs_as_module(example_text):
    proc = subprocess.run([sys.executable, "-m", "textsieve", "clean", "-"], input=example_text,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Harvest Day" in proc.stdout and "Socials" not in proc.stdout


def test_installed_console_script_cleans_a_folder(tmp_path, example_text):
    import pytest

    exe = shutil.which("textsieve", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the textsieve console script is not installed next to this Python (run from a pip install)")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text(example_text, encoding="utf-8")
    proc = subprocess.run([exe, "clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Harvest Day" in (tmp_path / "out" / "page.txt").read_text(encoding="utf-8")


def test_no_guard_gives_the_model_labels_alone_in_every_mode(tmp_path):
    # --body-threshold 1.0: the model rejects every line, so only the guard can keep the prose
    text = "Home\nNews\n" + "The council met on Tuesday and agreed to repair the old bridge before winter comes. " * 5 + "\n"
    src = tmp_path / "in" / "page.txt"
    src.parent.mkdir()
    src.write_text(text, encoding="utf-8")
    forced = ["--body-threshold", "1.0"]
    on = runner.invoke(app, ["clean", str(src), *forced])
    off = runner.invoke(app, ["clean", str(src), *forced, "--no-guard"])
    assert on.exit_code == off.exit_code == 0, (on.output, off.output)
    assert "bridge" in on.stdout and off.stdout.strip() == ""
    for flag, out in (([], "on"), (["--no-guard"], "off")):
        result = runner.invoke(app, ["clean", str(src.parent), "-o", str(tmp_path / out), "--jobs", "1", "-q", *forced, *flag])
        assert result.exit_code == 0, result.output
    assert "bridge" in (tmp_path / "on" / "page.txt").read_text(encoding="utf-8")
    assert (tmp_path / "off" / "page.txt").read_text(encoding="utf-8").strip() == ""
    # 'argmax' takes the most probable label; anything else that is not a probability is refused
    assert "bridge" in runner.invoke(app, ["clean", str(src), "--body-threshold", "argmax", "--no-guard"]).stdout
    bad = runner.invoke(app, ["clean", str(src), "--body-threshold", "high"])
    assert bad.exit_code == 2 and "--body-threshold 'high'" in bad.output
    # label explains clean: the same switch, the same labels
    rows = runner.invoke(app, ["label", str(src), "--no-guard"]).stdout.splitlines()
    assert rows and [r.split("\t")[1] for r in rows] == [r.label for r in _labels(text, guard=False)]


def test_no_join_wrapped_labels_a_scraped_text_line_by_line_in_every_mode(tmp_path):
    from textsieve import clean_text

    text = ("Menu\n\nThe orchard behind the village hall had not been pruned for thirty years when we took it\n"
            "     on, and most of the apple trees were still alive, but the crowns had closed up and the\n"
            "     fruit was small. We started in January, as the \npruning guide\n says.\n\nPrivacy\n")
    src = tmp_path / "in" / "page.txt"
    src.parent.mkdir()
    src.write_text(text, encoding="utf-8")
    for flag, options in (([], {}), (["--no-join-wrapped"], {"join_wrapped": False})):
        shown = runner.invoke(app, ["clean", str(src), *flag])
        assert shown.exit_code == 0 and shown.stdout == clean_text(text, **options), shown.output
        out = tmp_path / f"out{len(flag)}"
        assert runner.invoke(app, ["clean", str(src.parent), "-o", str(out), "--jobs", "1", "-q", *flag]).exit_code == 0
        assert (out / "page.txt").read_text(encoding="utf-8") == clean_text(text, **options)
        rows = runner.invoke(app, ["label", str(src), *flag]).stdout.splitlines()
        assert [r.split("\t")[1] for r in rows] == [r.label for r in _labels(text, **options)]
    assert _labels(text) != _labels(text, join_wrapped=False), "the example must read differently joined"


def _labels(text, **options):
    from textsieve import label_lines

    return label_lines(text, **options)
