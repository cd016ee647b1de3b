"""benchmarks/compare_models.py, the maintainer's old-versus-new report, used as its docs show.

A model compared with itself must come out with every delta zero (the report measures both
sides the same way, on the same pages), and the report must carry per-label rows. The seed set
lives outside the repo, so the test points ``--seeds`` at an empty folder: the seeds section
is skipped with a message, as on a user's machine.
"""
import json

from conftest import load_benchmark

from textsieve.model import default_model_path


def _compare_models():
    return load_benchmark("compare_models")


def test_the_shipped_model_against_itself_shows_no_change(tmp_path, capsys):
    compare = _compare_models()
    out_json = tmp_path / "compare.json"
    shipped = str(default_model_path().parent)
    code = compare.main([shipped, "--limit", "20", "--seeds", str(tmp_path / "no-seeds"), "--json", str(out_json)])
    printed = capsys.readouterr().out

    assert code == 0
    assert "seeds: skipped (no seed set at" in printed
    marked = [line for line in printed.splitlines() if line.endswith(("▲", "▼"))]
    assert marked == [], marked
    for row in ("body P", "body R", "body F1", "link_spam F1", "body recall de", "token F1 (micro)",
                "word F1 (mean per page)", "must-not leaked", "kept (worst text)", "kept, indent_one", "kept, footer",
                "chrome dropped (footer, framed)"):
        assert row in printed, row

    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert report["seeds"] is None and report["limit"] == 20
    sections = report["sections"]
    assert sections["seeds"] == {}
    for name in ("heldout", "html", "real_text", "real_text_lines", "real_html", "short_prose"):
        assert sections[name], name
        for figure, v in sections[name].items():
            assert v["old"] == v["new"] and v["delta"] in (0, 0.0, None), (name, figure, v)
    # per-label rows by line on the real pages' full text, with real pages behind them
    assert sections["real_text_lines"]["lines"]["old"] > 0
    assert {"body P", "body R", "body F1", "boilerplate F1"} <= set(sections["real_text_lines"])
    assert sections["real_html"]["pages scored"]["old"] > 0


def test_a_model_that_cannot_be_loaded_is_named_with_what_to_do(tmp_path, capsys):
    code = _compare_models().main([str(tmp_path / "missing-model")])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot load the new model" in err and "missing-model" in err and "textsieve train" in err


def test_deltas_beyond_half_a_point_are_marked_with_their_direction():
    lines = _compare_models().report_lines(
        {"html": {"token F1 (micro)": 0.9000, "token P (micro)": 0.9500, "pages": 15}},
        {"html": {"token F1 (micro)": 0.9200, "token P (micro)": 0.9470, "pages": 14}})
    rows = {line.split("  ")[0]: line for line in lines if line.startswith(("token", "pages"))}
    assert rows["token F1 (micro)"].endswith("+0.0200 ▲")
    assert rows["token P (micro)"].endswith("-0.0030")  # within noise: no mark
    assert rows["pages"].endswith("-1 ▼")  # a count: any change is marked
