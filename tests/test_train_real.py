"""Training with real labeled pages: wired in by default, counted in the manifest and the data
hash, thinned only for fitting, never reading a held-out site; page-relative revision features."""
import pytest

pytest.importorskip("faker", reason="training needs the 'train' extra (faker)")

import json  # noqa: E402
import lzma  # noqa: E402

import numpy as np  # noqa: E402

from textsieve import Sieve, _core  # noqa: E402
from textsieve.training.corpus import LabeledDocument  # noqa: E402
from textsieve.training.pages import PageRenderer  # noqa: E402
from textsieve.training.table import featurize_documents  # noqa: E402
from textsieve.training.train import TrainConfig, fit_row_mask, read_real, train  # noqa: E402

from test_train import SMALL, write_corpus  # noqa: E402

NAV = {"tag": "a", "link_share": 1.0, "ancestors": ["nav", "ul"], "link_list": True}


def _record(i: int, site: str, split: str = "train") -> dict:
    """A page that is mostly chrome: 12 menu lines, a headline, two paragraphs, a footer."""
    menu = [["boilerplate", f"Menu item {k} of {site}", NAV] for k in range(12)]
    body = [["body", f"Story {i} from {site}: the council met on Tuesday", {"tag": "h1"}],
            ["body", f"The council of town {i} agreed to build a new bridge over the river, and work starts soon.",
             {"tag": "p"}],
            ["body", f"Residents of town {i} said the old crossing had been closed for two winters in a row.",
             {"tag": "p"}]]
    footer = [["boilerplate", f"Copyright {site}. All rights reserved.", {"tag": "p", "ancestors": ["footer"]}]]
    lines = menu + body + footer
    return {"id": f"wcxb/{site}-{i}", "source": "wcxb", "url": f"https://{site}/{i}", "site": site,
            "page_type": "article", "split": split, "gold": "text", "with": [], "without": [], "lines": lines,
            "fulltext": [[lab, text] for lab, text, _ in lines]}


def write_real(data):
    """Three train sites, two pages each, and a held-out site whose text must never be read."""
    real = data / "real"
    real.mkdir()
    recs = [_record(i, site) for site in ("alpha.example", "beta.example", "gamma.example") for i in range(2)]
    recs.append(_record(9, "heldout.example", split="heldout"))
    with lzma.open(real / "wcxb.jsonl.xz", "wt", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r) + "\n")
    return real


@pytest.fixture(scope="module")
def trained_real(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("train_real")
    data = write_corpus(tmp / "data")
    write_real(data)
    logs = []
    with_real = train(data, tmp / "real", seed=1, variants=1, features=SMALL, log=logs.append)
    without = train(data, None, seed=1, variants=1, features=SMALL, real_pages=0, log=lambda m: None)
    return tmp, data, with_real, without, logs


def test_real_pages_go_in_by_default_and_the_manifest_counts_them(trained_real):
    tmp, _, report, without, logs = trained_real
    manifest = json.loads((tmp / "real" / "manifest.json").read_text())
    assert manifest["real_pages"]["requested"] == "all"
    assert manifest["real_pages"]["pages"] == 6  # the held-out site's page is not among them
    # asked for the default sources, read the one the folder holds
    assert manifest["real_pages"]["sources_requested"] == ["canola", "newsarticles", "readability", "trafilatura", "wcxb"]
    assert manifest["real_pages"]["sources"] == ["wcxb"]
    assert manifest["real_pages"]["documents"] == 18  # HTML lines, full-page text and markdown each
    assert manifest["real_pages"]["segments"] > 0
    assert manifest["real_pages"]["segments"] + manifest["real_pages"]["team_segments"] == manifest["training_segments"]
    assert without["real_pages"]["pages"] == 0 and without["real_pages"]["segments"] == 0
    assert manifest["training_data_sha256"] != without["training_data_sha256"]
    assert any("from 6 real pages" in m for m in logs)


def test_held_out_sites_are_never_read(tmp_path):
    write_real(tmp_path)
    docs = read_real(tmp_path, None)
    assert len(docs) == 18  # six train pages, three renderings each
    assert len(read_real(tmp_path, None, renderings=None)) == 12  # the mix before: one plain rendering
    assert not any("heldout.example" in d.name or "heldout.example" in (d.group or "") for d in docs)
    assert {d.group for d in docs} == {"real:alpha.example", "real:beta.example", "real:gamma.example"}


def test_a_number_of_real_pages_picks_that_many(tmp_path):
    write_real(tmp_path)
    assert len({d.name.split("#")[0] for d in read_real(tmp_path, 2)}) == 2
    assert read_real(tmp_path, 2) == read_real(tmp_path, 2)
    assert read_real(tmp_path, 0) == []
    assert read_real(tmp_path / "missing", None) == []


def test_the_model_has_the_page_relative_revision_features(trained_real):
    tmp, _, report, _, _ = trained_real
    manifest = json.loads((tmp / "real" / "manifest.json").read_text())
    assert manifest["revision_config"]["page"] is True
    names = manifest["revision_features"]
    for prefix in ("page_gap_max", "page_gap_q90", "page_above", "page_run_in", "page_run_off"):
        assert [n for n in names if n.startswith(prefix + ":")] == [f"{prefix}:{lab}" for lab in manifest["labels"]]
    assert names[-1] == f"page_run_off:{manifest['labels'][-1]}"
    assert manifest["fit_segments"] < manifest["training_segments"] or manifest["real_pages"]["segments"] < 40
    # The model loads through the manifest checks and labels a chrome-heavy page.
    records = Sieve(model=tmp / "real").label_lines("Home\nNews\nSport\nThe council agreed to build a new bridge "
                                                     "over the river, and the work starts in the spring.\n")
    assert len(records) == 4 and all(len(r.scores) == len(manifest["labels"]) for r in records)


def test_a_model_without_the_page_block_still_loads(tmp_path):
    """Models trained before the page block existed (no ``page`` in revision_config) keep working."""
    data = write_corpus(tmp_path / "data")
    train(data, tmp_path / "m", seed=0, variants=1, features=SMALL, log=lambda m: None,
          config=TrainConfig(revision_page=False))
    manifest_path = tmp_path / "m" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert not any(n.startswith("page_") for n in manifest["revision_features"])
    del manifest["revision_config"]["page"]
    manifest_path.write_text(json.dumps(manifest))
    sieve = Sieve(model=tmp_path / "m")
    records = sieve.label_lines("A paragraph about tide pools and the creatures living in them.\nHome\n")
    assert len(records) == 2 and all(set(r.scores) == set(manifest["labels"]) for r in records)


def _table(docs):
    return featurize_documents(docs, SMALL)


def test_fit_rows_thin_long_runs_of_real_pages_only():
    menu = [f"Menu entry number {k}" for k in range(40)]
    body = [f"Paragraph {k} of the article says something about the river and the bridge." for k in range(3)]
    lines = menu + body
    labels = ["boilerplate"] * 40 + ["body"] * 3
    real = LabeledDocument("wcxb/x#fulltext", lines, labels, group="real:x.example")
    team = LabeledDocument("doc", lines, labels, group="doc")
    rare = LabeledDocument("wcxb/y#fulltext", lines, ["link_spam"] * 40 + ["body"] * 3, group="real:y.example")
    table = _table([real, team, rare])
    config = TrainConfig(real_edge=2, real_keep=0.0, real_floor=0)
    mask = fit_row_mask(table, config, seed=0)
    real_rows, team_rows, rare_rows = (np.flatnonzero(table.doc == d) for d in range(3))
    assert mask[team_rows].all()  # the team's documents are fitted whole
    assert mask[rare_rows].all()  # a rare label is never thinned
    kept = mask[real_rows]
    # The menu run's edges (2 rows at each end) and the short body run are kept; the inside is not.
    assert kept[:2].all() and kept[38:].all() and not kept[2:38].any()
    every = fit_row_mask(table, TrainConfig(real_keep=1.0), seed=0)
    assert every.all()
    half = TrainConfig(real_edge=0, real_keep=0.5, real_floor=0)
    assert np.array_equal(fit_row_mask(table, half, seed=5), fit_row_mask(table, half, seed=5))
    assert 0 < fit_row_mask(table, half, seed=5)[real_rows].sum() < len(real_rows)


def test_a_long_prose_text_is_fitted_whole_though_it_shares_its_pages_group():
    """The long all-prose texts share a real group with the pages they were made of (for the
    folds) but are fitted like the team's documents: every row, not a thinned share."""
    from textsieve.training.real_mix import PROSE_GROUP
    from textsieve.training.train import real_rows

    body = [f"Paragraph {k} of the story says something about the river and the bridge." for k in range(40)]
    page = LabeledDocument("wcxb/p#fulltext", body, ["body"] * 40, group=f"{PROSE_GROUP}3")
    text = LabeledDocument("prose-0", body, ["body"] * 40, group=f"{PROSE_GROUP}3")
    table = _table([page, text])
    assert real_rows(table).tolist() == [True] * 40 + [False] * 40
    mask = fit_row_mask(table, TrainConfig(real_edge=2, real_keep=0.0, real_floor=0), seed=0)
    assert mask[40:].all() and mask[:40].sum() == 4  # the page: its run's edges only


def test_fit_rows_keep_a_floor_of_each_label_per_real_page():
    """A product page's three body lines are all fitted, however small the share; a long menu
    gives exactly the floor; the floor's rows are a seeded draw, not the first lines."""
    menu = [f"Menu entry number {k}" for k in range(40)]
    body = [f"Paragraph {k} of the product description says the kettle boils fast." for k in range(3)]
    labels = ["boilerplate"] * 40 + ["body"] * 3
    docs = [LabeledDocument(f"wcxb/{site}#fulltext", menu + body, labels, group=f"real:{site}.example")
            for site in ("x", "y")]
    table = _table(docs)
    mask = fit_row_mask(table, TrainConfig(real_keep=0.0, real_floor=10), seed=3)
    for d in range(2):
        kept = mask[table.doc == d]
        assert kept[40:].all()  # every body line: fewer than the floor
        assert kept[:40].sum() == 10  # the menu: exactly the floor
    assert not mask[table.doc == 0][:10].all()  # drawn, not the page's first ten lines
    assert np.array_equal(mask, fit_row_mask(table, TrainConfig(real_keep=0.0, real_floor=10), seed=3))
    assert not np.array_equal(mask, fit_row_mask(table, TrainConfig(real_keep=0.0, real_floor=10), seed=4))
    # A share on top of the floor only adds rows; without a floor the share alone decides.
    assert (fit_row_mask(table, TrainConfig(real_keep=0.3, real_floor=10), seed=3) >= mask).all()
    assert fit_row_mask(table, TrainConfig(real_keep=0.0, real_floor=0), seed=3)[table.doc == 0].sum() == 0


def test_rendered_site_chrome_is_boilerplate_and_read_more_teasers_link_spam():
    doc = LabeledDocument("en-x", ["A Title About Canal Locks", "", "The canal lock was built in 1820 and still works "
                                   "every day for the boats that pass."], ["body", "blank", "body"])
    chrome = set()
    for seed in range(30):
        _, expected = PageRenderer(seed=seed).render(doc)
        chrome |= {lab for _, lab, *rest in expected if not rest}
    assert chrome == {"boilerplate"}
    _, old = PageRenderer(seed=1, chrome_label="link_spam").render(doc)
    assert {lab for _, lab, *rest in old if not rest} <= {"link_spam"}


def test_revision_page_features_through_the_bindings():
    """A paragraph on a page of nine menu lines ranks first and sits at the page's maximum."""
    proba = np.array([[0.1, 0.9]] * 9 + [[0.4, 0.6]])
    doc = np.zeros(10, dtype=np.uint32)
    x = _core.revision_features(proba, doc, 1, None, True)
    names = list(_core.revision_feature_names(["body", "junk"], 1, None, True))
    assert x.shape == (10, len(names))
    row = dict(zip(names, x[9]))
    assert row["page_gap_max:body"] == 0.0 and row["page_above:body"] == 0.0
    assert dict(zip(names, x[0]))["page_above:body"] == pytest.approx(1 / 9)
    assert _core.revision_features(proba, doc, 1).shape[1] == len(_core.revision_feature_names(["body", "junk"], 1))


def test_real_weight_and_easy_row_sampling_are_deterministic(tmp_path):
    """Weighing real rows and sampling pass two's easy rows change the model, the same way every run."""
    data = write_corpus(tmp_path / "data")
    write_real(data)
    config = TrainConfig(real_weight=0.5, real_text_weight=0.2, easy_keep=0.5, easy_p=0.9)
    runs = [train(data, None, seed=2, variants=1, features=SMALL, config=config, log=lambda m: None)["model"]
            for _ in range(2)]
    plain = train(data, None, seed=2, variants=1, features=SMALL, log=lambda m: None)["model"]
    for name in runs[0].arrays:
        np.testing.assert_array_equal(runs[0].arrays[name], runs[1].arrays[name], err_msg=name)
    assert not np.array_equal(runs[0].arrays["first_coef"], plain.arrays["first_coef"])
    assert runs[0].config.real_weight == 0.5


def test_tree_bags_fit_each_bag_on_its_own_draw_of_real_rows_and_average_them(trained_real, tmp_path):
    from dataclasses import replace

    _, data, one_bag, _, _ = trained_real
    config = replace(one_bag["model"].config, tree_bags=2)
    bagged = train(data, tmp_path / "bagged", seed=1, variants=1, features=SMALL, config=config,
                   log=lambda m: None)["model"]
    single, both = one_bag["model"].arrays, bagged.arrays
    n = len(single["tree_class"])
    assert len(both["tree_class"]) == 2 * n
    np.testing.assert_array_equal(both["first_coef"], single["first_coef"])  # one pass one for all bags
    # the first bag is the one-bag model's trees at half weight; the second fitted another draw
    split = both["tree_offsets"][n]
    np.testing.assert_array_equal(both["node_value"][:split] * 2, single["node_value"])
    assert not np.array_equal(both["node_value"][split:], both["node_value"][:split])
    assert json.loads((tmp_path / "bagged" / "manifest.json").read_text())["train_config"]["tree_bags"] == 2
    page = _record(5, "alpha.example")["fulltext"]
    labeled = Sieve(model=tmp_path / "bagged").label_lines("\n".join(text for _, text in page) + "\n")
    assert [r.label for r in labeled if r.text.startswith("The council")] == ["body"]


def _snippet_record(i: int, site: str) -> dict:
    """A trafilatura-style page: one must-have line (body), one must-not line (boilerplate), the
    rest ``unknown``."""
    rec = _record(i, site)
    lines = [["unknown", text, ctx] for _, text, ctx in rec["lines"]]
    lines[13][0] = "body"        # the first paragraph holds the must-have snippet
    lines[-1][0] = "boilerplate"  # the copyright line holds the must-not one
    rec.update(id=f"trafilatura/{site}-{i}", source="trafilatura", gold="snippets", lines=lines,
               fulltext=[[lab, text] for lab, text, _ in lines])
    return rec


def test_cli_snippet_pages_train_on_snippet_lines_with_the_rest_as_context(tmp_path):
    from typer.testing import CliRunner

    from textsieve.cli import app

    data = write_corpus(tmp_path / "data")
    real = write_real(data)
    with lzma.open(real / "trafilatura.jsonl.xz", "wt", encoding="utf-8") as fh:
        for i in range(3):
            fh.write(json.dumps(_snippet_record(i, f"blog{i}.example")) + "\n")
    out = {}
    for name, flag in (("plain", []), ("snippets", ["--snippet-pages"])):
        res = CliRunner().invoke(app, ["train", str(data), "-o", str(tmp_path / name), "--seed", "3", *flag])
        assert res.exit_code == 0, res.output
        out[name] = json.loads((tmp_path / name / "manifest.json").read_text())
    plain, snippets = out["plain"]["real_pages"], out["snippets"]["real_pages"]
    assert plain["snippet_pages"] is False and plain["unlabeled_segments"] == 0 and plain["pages"] == 6
    assert snippets["snippet_pages"] is True and snippets["pages"] == 9
    # every line of a snippet page is a row (16 per page, in its three renderings), two of them labeled
    assert snippets["segments"] - plain["segments"] == 3 * 3 * 16
    assert snippets["unlabeled_segments"] == 3 * 3 * 14
    assert out["snippets"]["fit_segments"] - out["plain"]["fit_segments"] == 3 * 3 * 2  # each labeled line, none else
    # context rows are never a class of the model
    assert "unknown" not in out["snippets"]["labels"] and out["snippets"]["labels"] == out["plain"]["labels"]


def test_cli_real_sources_option_maps_to_the_training_sources(tmp_path, monkeypatch):
    """No option: the default sources (all five); 'all': every source; a list: those,
    lower-cased; an empty list: a usage error."""
    from typer.testing import CliRunner

    import textsieve.training.train as train_module
    from textsieve.cli import app

    seen = []
    monkeypatch.setattr(train_module, "train", lambda *a, **kw: seen.append(kw["real_sources"]))
    for args in ([], ["--real-sources", "all"], ["--real-sources", "WCXB, newsarticles"]):
        result = CliRunner().invoke(app, ["train", str(tmp_path), "-o", str(tmp_path / "m"), *args])
        assert result.exit_code == 0, result.output
    assert seen == [train_module.DEFAULT_REAL_SOURCES, None, ("wcxb", "newsarticles")]
    assert sorted(seen[0]) == ["canola", "newsarticles", "readability", "trafilatura", "wcxb"]
    bad = CliRunner().invoke(app, ["train", str(tmp_path), "--real-sources", " , "])
    assert bad.exit_code == 2 and "--real-sources names no source" in bad.output


def test_cli_real_pages_option(tmp_path):
    """``--real-pages`` takes all, a number or 0; anything else is a usage error (exit 2)."""
    from typer.testing import CliRunner

    from textsieve.cli import app

    bad = CliRunner().invoke(app, ["train", str(tmp_path), "--real-pages", "some"])
    assert bad.exit_code == 2 and "--real-pages" in bad.output
    data = write_corpus(tmp_path / "data")
    write_real(data)
    ok = CliRunner().invoke(app, ["train", str(data), "-o", str(tmp_path / "m"), "--real-pages", "2"])
    assert ok.exit_code == 0, ok.output
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["real_pages"]["requested"] == 2 and manifest["real_pages"]["pages"] == 2
