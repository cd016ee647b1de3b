"""Maintainer tools: evaluate agrees with the team's scorer; suggest finds doubtful lines."""
import json
import subprocess
import sys

from typer.testing import CliRunner

from textsieve.cli import app
from textsieve.training.corpus import read_labeled
from textsieve.evaluate import prediction_rows

runner = CliRunner()


def test_evaluate_gives_the_numbers_score_py_gives(sieve, seeds_dir, tmp_path):
    result = runner.invoke(app, ["evaluate", str(seeds_dir / "gold"), "--json"])
    assert result.exit_code == 0, result.output
    ours = json.loads(result.output)

    pred = tmp_path / "pred"
    pred.mkdir()
    for gold in sorted((seeds_dir / "gold").glob("*.tsv")):
        text = read_labeled(gold).text
        (pred / gold.name).write_text("\n".join(prediction_rows(text, sieve.label_lines(text))) + "\n", encoding="utf-8")
    out = tmp_path / "score.json"
    subprocess.run([sys.executable, str(seeds_dir.parent / "tools" / "score.py"), "--gold", str(seeds_dir / "gold"),
                    "--pred", str(pred), "--json", str(out)], check=True, capture_output=True)
    theirs = json.loads(out.read_text())["lines"]
    assert abs(ours["macro_f1"] - theirs["macro_f1"]) < 1e-9
    assert abs(ours["body_keep"]["f1"] - theirs["body_keep_lines"]["f1"]) < 1e-9
    for label, s in theirs["per_label"].items():
        assert abs(ours["per_label"][label]["f1"] - s["f1"]) < 1e-9


def test_evaluate_reports_a_bad_file_with_its_line(tmp_path):
    (tmp_path / "bad.tsv").write_text("body\tfine\nnot a row\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.tsv:2" in result.output


def test_suggest_spreads_doubtful_lines_over_documents(tmp_path, example_text):
    folder = tmp_path / "scraped"
    folder.mkdir()
    for i in range(4):
        (folder / f"page{i}.txt").write_text(example_text.replace("Bees", f"Bees {i}"), encoding="utf-8")
    out = tmp_path / "suggest.tsv"
    result = runner.invoke(app, ["suggest", str(folder), "-n", "8", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = read_labeled(out)  # valid labeled format, ready to correct and add to training_data/
    assert set(doc.labels) <= {"body", "link_spam", "author_meta", "caption", "blank"}
    sources = (tmp_path / "suggest.tsv.sources.tsv").read_text().strip().split("\n")[1:]
    assert len(sources) == 8
    assert len({row.split("\t")[1] for row in sources}) == 4  # two per document, not eight from one
