"""Languages: detected per document (seeded), filterable, and never dropped silently."""
import json

import pytest
from typer.testing import CliRunner

from textsieve import ConfigError, SieveConfig, clean_text, label_lines
from textsieve.batch import filter_folder
from textsieve.cli import app

EN = """Council approves new cycle lanes

The city council voted on Tuesday to build four kilometres of protected cycle lanes along the river.
Work is expected to begin in the spring and to last about eight months, the transport office said.
"""
DE = """Stadtrat beschließt neue Radwege

Der Stadtrat hat am Dienstag beschlossen, entlang des Flusses vier Kilometer geschützte Radwege zu bauen.
Die Arbeiten sollen im Frühjahr beginnen und etwa acht Monate dauern, teilte das Verkehrsamt mit.
"""
ES = """El ayuntamiento aprueba nuevos carriles bici

El pleno municipal aprobó el martes la construcción de cuatro kilómetros de carriles bici protegidos junto al río.
Las obras comenzarán en primavera y durarán unos ocho meses, según informó la concejalía de movilidad.
"""


def test_the_language_of_a_document_comes_with_its_labels():
    assert label_lines(EN).language == "en"
    assert label_lines(DE).language == "de"
    assert label_lines(ES).language == "es"
    # Seeded: the same text always gets the same answer.
    assert {label_lines(DE).language for _ in range(5)} == {"de"}


def test_languages_option_keeps_only_those_documents_and_says_why_others_were_skipped():
    assert clean_text(EN, languages=("en", "de")) == clean_text(EN)
    assert clean_text(ES, languages=("en", "de")) == ""
    records = label_lines(ES, languages="en,de")
    assert records == [] and records.language == "es"
    assert "es" in records.skipped and "en, de" in records.skipped


def test_language_codes_are_normalised_and_checked():
    assert SieveConfig(languages="EN, de").languages == ("en", "de")
    assert SieveConfig(languages=["fr"]).languages == ("fr",)
    with pytest.raises(ConfigError, match="language codes"):
        SieveConfig(languages=("en", "12"))
    with pytest.raises(ConfigError):
        SieveConfig(languages=())


def test_non_english_articles_are_kept(sieve):
    for text in (DE, ES):
        assert sieve.clean(text).strip() == text.strip()


@pytest.fixture
def mixed(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "en.txt").write_text(EN, encoding="utf-8")
    (root / "de.txt").write_text(DE, encoding="utf-8")
    (root / "page.html").write_text(f"<html><body><h1>Carriles</h1><p>{ES.split(chr(10))[2]}</p></body></html>", encoding="utf-8")
    rows = [{"id": 1, "text": EN}, {"id": 2, "text": DE}, {"id": 3, "text": ES}, {"id": 4, "text": EN}]
    (root / "docs.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return root


def test_batch_lang_filter_reports_skipped_documents_with_their_language(mixed, tmp_path):
    out = tmp_path / "out"
    report = filter_folder([mixed], out, config=SieveConfig(languages=("en",)), jobs=1)
    by_name = {f.input.rsplit("/", 1)[-1]: f for f in report.files}
    assert by_name["en.txt"].status == "done" and (out / "en.txt").exists()
    assert by_name["de.txt"].status == "skipped" and "'de'" in by_name["de.txt"].reason
    assert not (out / "de.txt").exists()
    assert by_name["page.html"].status == "skipped" and "'es'" in by_name["page.html"].reason
    kept = [json.loads(line)["id"] for line in (out / "docs.jsonl").read_text().splitlines()]
    assert kept == [1, 4]
    assert "line 2: de" in by_name["docs.jsonl"].reason and "line 3: es" in by_name["docs.jsonl"].reason
    d = report.to_dict()
    assert d["skipped_by_language"] == {"de": 2, "es": 2}
    assert report.exit_code == 0  # skipping by choice is not a failure


def test_cli_lang_option(mixed, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["clean", str(mixed), "-o", str(out), "--lang", "en,de", "-j", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "textsieve-report.json").read_text())
    assert report["skipped_by_language"] == {"es": 2}
    assert (out / "de.txt").exists()
    result = CliRunner().invoke(app, ["clean", str(mixed / "de.txt"), "--lang", "en"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "skipped" in result.stderr and "'de'" in result.stderr
    result = CliRunner().invoke(app, ["clean", str(mixed / "de.txt"), "--lang", "e1"])
    assert result.exit_code == 2 and "language codes" in result.stderr  # a usage error (issue 10)
