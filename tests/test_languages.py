"""Languages: detected per document (seeded), filterable, and never dropped silently."""
import functools
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
    with pytest.raises(ConfigError, match="'12' not among the detectable languages"):
        SieveConfig(languages=("en", "12"))
    with pytest.raises(ConfigError):
        SieveConfig(languages=())
    # a code the detector never answers would skip every document: 'zh' is 'zh-cn' or 'zh-tw'
    for typo in ("zh", "english", "eng"):
        with pytest.raises(ConfigError, match="not among the detectable languages"):
            SieveConfig(languages=(typo,))
    assert SieveConfig(languages="zh-CN,unknown").languages == ("zh-cn", "unknown")


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
    assert result.exit_code == 2 and "not among the detectable languages" in result.stderr  # a usage error (issue 10)


# Longer than the detector's sample, with a line of another language inside, so the bounded
# sample is really a part of the document.
MULTILINGUAL = {
    "en": "The library will close for two weeks in August while the reading room gets new lighting and shelves. "
          "Books due in that time can be returned to the drop box by the main entrance, and no fines will be charged.",
    "de": "Die Bibliothek bleibt im August zwei Wochen geschlossen, während der Lesesaal neue Beleuchtung und Regale bekommt. "
          "Bücher, die in dieser Zeit fällig sind, können in den Rückgabekasten am Haupteingang gelegt werden.",
    "fr": "La bibliothèque fermera deux semaines en août pendant que la salle de lecture reçoit un nouvel éclairage et des étagères. "
          "Les livres à rendre pendant cette période peuvent être déposés dans la boîte près de l'entrée principale.",
    "es": "La biblioteca cerrará dos semanas en agosto mientras la sala de lectura recibe nueva iluminación y estanterías. "
          "Los libros que venzan en ese tiempo pueden devolverse en el buzón junto a la entrada principal, sin multas.",
    "it": "La biblioteca resterà chiusa due settimane ad agosto mentre la sala di lettura riceve nuove luci e scaffali. "
          "I libri in scadenza in quel periodo possono essere restituiti nella cassetta accanto all'ingresso principale.",
    "nl": "De bibliotheek is in augustus twee weken dicht terwijl de leeszaal nieuwe verlichting en boekenkasten krijgt. "
          "Boeken die in die tijd terug moeten, kunnen in de inleverbus bij de hoofdingang worden gedaan, zonder boete.",
}


def _document(lang: str) -> str:
    other = "en" if lang != "en" else "de"
    lines = [MULTILINGUAL[lang]] * 6 + [MULTILINGUAL[other][:80]] + [MULTILINGUAL[lang]] * 6
    return "Notice\n\n" + "\n".join(lines) + "\n"


@functools.cache
def _stock_factory():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory


def _langdetect_full_text(text: str):
    """Stock langdetect on the whole text, seeded like textsieve: the reference answer."""
    factory = _stock_factory()
    detector = factory.create()
    detector.append(text)
    return factory, detector.detect()


def test_bounded_detection_agrees_with_full_text_detection():
    from textsieve import language

    for lang in MULTILINGUAL:
        text = _document(lang)
        assert len(text) > 2 * language.WIDER_SAMPLE_CHARS  # even the wider sample is a part of it
        assert language.detect_language(text) == _langdetect_full_text(text)[1] == lang


def test_an_unsure_first_sample_is_decided_by_the_wider_one(monkeypatch):
    from textsieve import language

    seen = []
    detect = language._detect
    monkeypatch.setattr(language, "_detect", lambda sample: seen.append(len(sample)) or detect(sample))
    assert language.detect_language(_document("nl")) == "nl"
    assert seen == [language.SAMPLE_CHARS]  # sure at once: one detection
    monkeypatch.setattr(language, "CONFIDENT", 1.01)  # never sure
    seen.clear()
    assert [language.detect_language(_document(lang)) for lang in MULTILINGUAL] == list(MULTILINGUAL)
    assert seen == [language.SAMPLE_CHARS, language.WIDER_SAMPLE_CHARS] * len(MULTILINGUAL)


def test_fast_detector_gives_langdetects_probabilities_bit_for_bit():
    """Lazily built n-gram vectors and numpy trials: the same numbers as stock langdetect."""
    from textsieve import language

    stock, ours_factory = _stock_factory(), language._make_factory()
    for lang, line in MULTILINGUAL.items():
        mixed = line + " " + MULTILINGUAL["en" if lang != "en" else "fr"][:60]
        ours = ours_factory.create()
        ours.append(mixed)
        theirs = stock.create()
        theirs.append(mixed)
        got = [(p.lang, p.prob) for p in ours.get_probabilities()]
        assert got == [(p.lang, p.prob) for p in theirs.get_probabilities()]
        assert got[0][0] == lang


def test_detection_is_deterministic_and_short_text_loads_no_profiles(monkeypatch):
    from textsieve import language

    monkeypatch.setattr(language, "_factory", None)
    assert language.detect_language("Hi there") == language.UNKNOWN
    assert language._factory is None  # nothing to detect: the profiles were not loaded
    first = [language.detect_language(_document(lang)) for lang in MULTILINGUAL]
    monkeypatch.setattr(language, "_factory", None)  # a fresh process's detector
    assert [language.detect_language(_document(lang)) for lang in reversed(MULTILINGUAL)] == first[::-1]
    assert first == list(MULTILINGUAL)


def test_a_long_page_is_judged_by_its_whole_length_not_its_opening():
    # The sample came from the first 10,000 characters only: 250 English menu lines before a
    # German article made it 'en', and languages=("de",) skipped the whole page.
    from textsieve import clean_text
    from textsieve.language import detect_language

    menu = "Click here to subscribe to our newsletter today\n" * 250
    article = ("Dies ist ein langer deutscher Absatz über die Arbeit in den Weinbergen, die im Herbst "
               "beginnt und bis in den Winter dauert, wenn die Winzer den Rebschnitt vornehmen.\n") * 50
    assert detect_language(menu + article) == "de"
    assert "Weinbergen" in clean_text(menu + article, languages=("de",))
    assert detect_language("\n" * 2_000_000 + article) == "de"
