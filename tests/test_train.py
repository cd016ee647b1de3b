"""Retraining: deterministic, labels come from the data, the result loads through the hash check."""
import pytest

pytest.importorskip("faker", reason="training needs the 'train' extra (faker)")

import hashlib  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from textsieve import Sieve, _core  # noqa: E402
from textsieve.model import MODEL_FILE  # noqa: E402
from textsieve.training import train as train_module  # noqa: E402
from textsieve.training.train import TrainConfig, train  # noqa: E402

TOPICS = ["tide pools", "bread ovens", "bell ringing", "canal locks", "hedge laying", "kite making"]


def write_corpus(root, with_boilerplate=False):
    root.mkdir()
    for i, topic in enumerate(TOPICS):
        rows = [("body", f"A Short Guide to {topic.title()}"), ("blank", "")]
        if with_boilerplate and i % 2 == 0:
            rows += [("boilerplate", "Accept all cookies"), ("boilerplate", "Home | About | Contact")]
        for k in range(5):
            rows.append(("body", f"This paragraph number {k} about {topic} explains what a careful beginner should know, "
                                 f"and why the old methods for {topic} still matter today."))
            rows.append(("blank", ""))
        (root / f"doc{i}.tsv").write_text("".join(f"{lab}\t{text}\n" for lab, text in rows[:-1]), encoding="utf-8")
    return root


SMALL = {"n_word_hash": 2**12, "n_char_hash": 2**10}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One small corpus with a fifth label, trained twice with the same seed, with small hash
    spaces (the shipped sizes would make the fixture slower for nothing). Cross-validation runs
    once, with 2 folds."""
    tmp = tmp_path_factory.mktemp("train")
    data = write_corpus(tmp / "data", with_boilerplate=True)
    report = train(data, tmp / "m1", seed=3, variants=2, folds=2, features=SMALL, log=lambda m: None)
    again = train(data, tmp / "m2", seed=3, variants=2, folds=0, features=SMALL, log=lambda m: None)
    return tmp, data, report, again


def test_same_data_and_seed_give_the_same_model(trained):
    tmp, data, one, two = trained
    assert one["training_data_sha256"] == two["training_data_sha256"]
    a, b = one["model"].arrays, two["model"].arrays
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert (tmp / "m1" / MODEL_FILE).read_bytes() == (tmp / "m2" / MODEL_FILE).read_bytes()
    text = (data / "doc1.tsv").read_text().replace("body\t", "").replace("blank\t", "")
    assert [r.scores for r in Sieve(model=tmp / "m1").label_lines(text)] == \
           [r.scores for r in Sieve(model=tmp / "m2").label_lines(text)]


def test_pass_one_fits_with_blas_on_one_thread(tmp_path, monkeypatch):
    """OpenBLAS splits a long dot product over its threads when it can, and whether it can
    depends on the fits running beside it: the sums round differently and the same seed gave
    two models. Every pass-one fit must see BLAS limited to one thread."""
    from threadpoolctl import threadpool_info

    seen = []
    make = train_module._new_first

    class Recording:
        def __init__(self, *args):
            self.inner = make(*args)

        def fit(self, *args, **kwargs):
            seen.append([i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"])
            self.inner.fit(*args, **kwargs)
            return self.inner

    monkeypatch.setattr(train_module, "_new_first", Recording)
    data = write_corpus(tmp_path / "data")
    train(data, None, seed=1, variants=1, features=SMALL, log=lambda m: None)
    assert len(seen) == 3  # the final model and one per inner fold
    assert all(threads and set(threads) == {1} for threads in seen), seen


def test_the_model_is_the_same_whatever_thread_count_training_picks(tmp_path, monkeypatch):
    """Training picks its thread count from the machine's load (``idle_cores``: pass one's fits
    side by side, the trees' OpenMP threads), so a busy and an idle machine must still give the
    same model from the same data and seed."""
    data = write_corpus(tmp_path / "data", with_boilerplate=True)
    monkeypatch.setattr(train_module, "SMALL_FIT_ROWS", 0)  # this fit is small: use the threads anyway
    arrays = []
    for threads in (1, 2):
        monkeypatch.setattr(train_module, "idle_cores", lambda threads=threads: threads)
        arrays.append(train(data, None, seed=4, variants=1, features=SMALL, log=lambda m: None)["model"].arrays)
    assert sorted(arrays[0]) == sorted(arrays[1])
    for name in arrays[0]:
        np.testing.assert_array_equal(arrays[0][name], arrays[1][name], err_msg=name)


def test_the_manifest_records_features_stages_and_scores(trained):
    tmp, _, report, again = trained
    manifest = json.loads((tmp / "m1" / "manifest.json").read_text())
    assert manifest["format_version"] == 2 and manifest["features_version"] == _core.FEATURES_VERSION
    assert manifest["feature_config"]["n_word_hash"] == SMALL["n_word_hash"]
    assert manifest["feature_config"]["site_hints"] is True  # models trained now read site utilities as chrome
    assert manifest["body_threshold"] == manifest["train_config"]["body_threshold"] == TrainConfig().body_threshold == 0.4
    assert manifest["dense_features"] == list(_core.dense_feature_names(True))
    assert manifest["revision_features"][:5] == [f"p:{lab}" for lab in manifest["labels"]]
    assert manifest["first_pass"]["link"] in ("softmax", "ovr_sigmoid")
    assert {"data", "featurize", "first_pass", "out_of_fold", "second_pass", "cross_validation", "total"} <= set(manifest["seconds"])
    assert 0.0 <= manifest["cross_validation"]["macro_f1"] <= 1.0
    # what ran and what was asked for, apart (a small corpus gives fewer folds than asked)
    assert manifest["cross_validation"]["folds"] == len(manifest["cross_validation"]["fold_macro_f1"]) == 2
    assert manifest["cross_validation"]["folds_asked"] == 2
    # Which code trained it: the compiled core's hash always; the commit when run from a checkout.
    source = manifest["source"]
    assert source["core_sha256"] == hashlib.sha256(Path(_core.__file__).read_bytes()).hexdigest()
    assert source["git_commit"] is None or len(source["git_commit"]) == 40
    assert source["git_dirty"] in (None, True, False)
    assert "cross_validation" not in again  # CV is opt-in (folds=0 by default)


def test_the_trees_fit_on_every_revision_feature_but_the_markup_ones():
    from dataclasses import replace
    from types import SimpleNamespace

    from textsieve.training.train import tree_columns

    labels = ["body", "boilerplate"]
    table = SimpleNamespace(dense_names=list(_core.dense_feature_names(True)))
    names = list(_core.revision_feature_names(labels, 3, table.dense_names, True))
    kept = [names[i] for i in tree_columns(table, labels, TrainConfig())]
    markup = {f"dense:{n}" for n in set(_core.dense_feature_names(True)) - set(_core.dense_feature_names(False))}
    assert "dense:in_hidden" in markup and "dense:log_chars" in kept and "p:body" in kept
    assert set(names) - set(kept) == markup
    assert tree_columns(table, labels, replace(TrainConfig(), tree_markup=True)) is None


def test_tree_exclude_keeps_named_features_out_of_the_trees_and_refuses_unknown_names():
    from dataclasses import replace
    from types import SimpleNamespace

    from textsieve.training.train import tree_columns

    labels = ["body", "boilerplate"]
    table = SimpleNamespace(dense_names=list(_core.dense_feature_names(True)))
    names = list(_core.revision_feature_names(labels, 3, table.dense_names, True))
    positions = ("dense:rel_char_position", "dense:rel_position")
    default = {names[i] for i in tree_columns(table, labels, TrainConfig())}
    config = replace(TrainConfig(), tree_exclude=positions)
    kept = {names[i] for i in tree_columns(table, labels, config)}
    assert default - kept == set(positions)
    # with the markup features back in, only the named ones stay out
    with_markup = {names[i] for i in tree_columns(table, labels, replace(config, tree_markup=True))}
    assert set(names) - with_markup == set(positions)
    with pytest.raises(ValueError, match="dense:no_such_feature"):
        tree_columns(table, labels, replace(TrainConfig(), tree_exclude=("dense:no_such_feature",)))
    # without the dense block in pass two, its names are not inputs of the run, and the columns
    # index the narrower row
    lean = replace(TrainConfig(), revision_dense=False, tree_exclude=("p:body",))
    lean_names = list(_core.revision_feature_names(labels, 3, None, True))
    kept = [lean_names[i] for i in tree_columns(table, labels, lean)]
    assert set(lean_names) - set(kept) == {"p:body"}
    with pytest.raises(ValueError, match="dense:rel_position"):
        tree_columns(table, labels, replace(lean, tree_exclude=("dense:rel_position",)))


def test_grid_thresholds_send_a_raw_value_where_its_floored_value_went():
    from textsieve.training.train import grid_thresholds, page_wide

    names = ["doc_mean:boilerplate", "p:body"]
    assert page_wide(names[0]) and not page_wide(names[1])
    rng = np.random.default_rng(0)
    g = 0.05
    fitted = np.array([0.0125, 0.0375, 0.4125, 0.3])  # HistGradientBoosting cuts between grid values
    arrays = {"node_is_leaf": np.array([0, 0, 0, 0, 1], dtype=np.uint8),
              "node_feature": np.array([0, 0, 0, 1, 0], dtype=np.int32),
              "node_threshold": np.append(fitted, np.nan)}
    grid_thresholds(arrays, names, g)
    moved = arrays["node_threshold"]
    assert moved[3] == 0.3  # not a page-wide input: untouched
    values = np.concatenate([rng.random(5000), np.arange(21) * g])
    for t_fit, t_raw in zip(fitted[:3], moved[:3]):
        assert np.array_equal(np.floor(values / g) * g <= t_fit, values <= t_raw)


def test_page_grid_trees_cut_page_wide_inputs_only_at_the_grid(tmp_path):
    from textsieve.training.train import page_wide

    data = write_corpus(tmp_path / "data")
    report = train(data, None, seed=1, variants=1, features=SMALL, config=TrainConfig(page_grid=0.05),
                   log=lambda m: None)
    model = report["model"]
    names, arrays = model.revision_names, model.arrays
    split = arrays["node_is_leaf"] == 0
    coarse = [i for i in np.flatnonzero(split) if page_wide(names[arrays["node_feature"][i]])]
    assert coarse, "the trees never split on a page-wide input"
    steps = (arrays["node_threshold"][coarse] + 1e-12) / 0.05
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-6)
    assert report["train_config"]["page_grid"] == 0.05


def test_the_trees_split_on_scores_and_shape_but_not_on_markup(trained):
    # markup reaches pass two through pass one's scores (TrainConfig.tree_markup is off)
    tmp, _, report, _ = trained
    names = json.loads((tmp / "m1" / "manifest.json").read_text())["revision_features"]
    arrays = report["model"].arrays
    used = {names[i] for i in arrays["node_feature"][arrays["node_is_leaf"] == 0]}
    markup = {f"dense:{n}" for n in set(_core.dense_feature_names(True)) - set(_core.dense_feature_names(False))}
    assert used and not used & markup
    assert any(n.startswith("dense:") for n in used)  # the shape features still reach the trees


def test_a_fifth_label_in_the_data_needs_no_code_change(trained):
    tmp, _, report, _ = trained
    assert report["languages"] == {"en": 6}
    assert "boilerplate" in report["cross_validation"]["per_label"]
    assert set(report["cross_validation"]["by_input"]) == {"text", "html"}
    sieve = Sieve(model=tmp / "m1")
    assert "boilerplate" in sieve.labels and len(sieve.labels) == 5
    records = sieve.label_lines("Accept all cookies\nHome | About | Contact\nA paragraph about tide pools and what lives in them.\n")
    assert all(len(r.scores) == 5 for r in records)
    assert Sieve(model=tmp / "m1", keep=("body", "boilerplate")).config.keep == ("body", "boilerplate")


def test_out_of_fold_scores_come_from_the_core_first_pass(trained):
    """The second pass learns from the scores serving computes: the core's first pass over the
    exported arrays agrees with the numpy reading of the same arrays."""
    from textsieve.training.export import predict_first
    from textsieve.training.table import featurize_documents
    from textsieve.training.corpus import read_corpus

    _, data, report, _ = trained
    model = report["model"]
    table = featurize_documents(read_corpus(data), SMALL)
    rows = np.arange(len(table.y))
    core = train_module._core_first_proba(table, rows, model.arrays, model.link)
    ref = predict_first(model.arrays, model.link, table.dense, table.hashed)
    np.testing.assert_allclose(core, ref, atol=1e-5)
    np.testing.assert_allclose(np.asarray(model.core_model().first_pass_proba(table.features_dict())), core, atol=1e-12)


def test_cross_validation_labels_every_line_of_a_wrapped_paragraph_as_serving_does(trained, tmp_path):
    """A row the core joined from wrapped lines is one prediction; line-level evaluation must see
    it on each of its lines, with the label serving gives them, not as dropped lines."""
    from textsieve.training.corpus import read_labeled
    from textsieve.training.table import featurize_documents

    _, _, report, _ = trained
    model = report["model"]
    rows = ["body\tA Short Guide to Canal Locks", "blank\t",
            "body\tThis paragraph about canal locks explains what a careful ",
            "body\tbeginner should know, and why the old methods",
            "body\t   still matter today.", "blank\t", "boilerplate\tAccept all cookies"]
    (tmp_path / "wrapped.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = read_labeled(tmp_path / "wrapped.tsv")
    table = featurize_documents([doc], SMALL)
    assert len(table.y) == 3 and list(table.last_line) == [0, 4, 6]
    records = train_module.predict_records(model, table, [0])[0]
    assert [r.line for r in records] == [0, 2, 3, 4, 6]
    assert records[1].label == records[2].label == records[3].label
    assert records[3].text == "still matter today."
    core = model.core_model().label([doc.text], body_threshold=model.config.body_threshold, guard=False)[0]
    assert [model.labels[i] for i in core[4]] == [r.label for r in records]


def test_the_source_commit_is_recorded_only_for_code_the_checkout_tracks(tmp_path, monkeypatch):
    """An installed copy inside some repository (a virtualenv in a project) is not that
    repository's code: no commit. Tracked, the commit is named, and an edit makes it dirty."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.fail("git is needed to test which commit trained a model")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    code = repo / "pkg" / "train.py"
    code.write_text("# a copy\n")
    (repo / "README").write_text("r\n")
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "README"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "r"], cwd=repo, check=True)
    monkeypatch.setattr(train_module, "__file__", str(code))
    assert train_module._source_state()["git_commit"] is None  # untracked: not this repo's code
    subprocess.run([*git, "add", "pkg/train.py"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "c"], cwd=repo, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    state = train_module._source_state()
    assert state["git_commit"] == head and state["git_dirty"] is False
    code.write_text("# edited\n")
    assert train_module._source_state()["git_dirty"] is True


def test_a_model_with_the_body_run_block_is_written_loaded_and_labels_as_it_was_fitted(tmp_path):
    from textsieve import Sieve
    from textsieve.model import load_model

    data = write_corpus(tmp_path / "data", with_boilerplate=True)
    report = train(data, tmp_path / "m", seed=1, variants=1, features=SMALL,
                   config=TrainConfig(revision_body_run=True), log=lambda m: None)
    fitted = report["model"]
    assert fitted.revision_names[-6:] == ["run_chars_in:body", "run_chars_off:body", "long_before:body",
                                          "long_before_gap", "long_after:body", "long_after_gap"]
    model = load_model(tmp_path / "m")
    assert model.manifest["revision_config"]["body_run"] is True
    assert model.core.n_trees == fitted.core_model().n_trees
    text = (data / "doc0.tsv").read_text(encoding="utf-8")
    lines = "\n".join(row.split("\t", 1)[1] for row in text.splitlines())
    labeled = {r.text: r.label for r in Sieve(tmp_path / "m").label_lines(lines)}
    assert labeled["Accept all cookies"] == "boilerplate"
    assert all(label == "body" for text, label in labeled.items() if text.startswith("This paragraph"))
    # a manifest that claims the block while its names do not list it is refused
    import json

    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    manifest["revision_config"]["body_run"] = False
    (tmp_path / "m" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Exception, match="revision feature names"):
        load_model(tmp_path / "m", verify=False)


# A page whose utility links carry class names from SITE_HINTS but none of the older nav words.
UTILITY_PAGE = """<html><body>
<div class="mini-cart"><a href="/cart">Your basket is empty</a></div>
<div class="cookie-consent"><p>We use cookies to improve your visit.</p></div>
<article><p>The valley council met on Tuesday and agreed to repair the old bridge before winter.</p>
<p>Work starts next month, and the road will stay open to walkers while the crews are busy.</p></article>
</body></html>"""


def test_site_hints_are_chrome_only_for_models_trained_with_them():
    """A model's manifest says whether its nav hint group reads site utilities (cart, cookie, ...):
    a model trained before that list existed has no such key and keeps the features it was trained
    on, so the shipped model's inputs do not move under it."""
    names = list(_core.dense_feature_names(True))
    nav = names.index("hint_nav")

    def hint_nav(config):
        f = _core.featurize([UTILITY_PAGE], html=True, config={**SMALL, **config})
        return [int(v) for v in f["dense"][:, nav]]

    assert hint_nav({"site_hints": True})[:2] == [1, 1]
    assert hint_nav({})[:2] == [0, 0] == hint_nav({"site_hints": False})[:2]
    assert hint_nav({"site_hints": True})[2:] == hint_nav({})[2:] == [0, 0]
    shipped = json.loads((Path(__file__).resolve().parents[1] / "models" / "manifest.json").read_text())
    assert shipped["feature_config"]["site_hints"] is True  # today's recipe; older manifests lack the key


def test_one_source_file_or_a_seed_out_of_range_is_a_clear_error_before_anything_is_written(tmp_path):
    # They were a ValueError from deep in the fit (after the data was read and featurized), and
    # left an empty -o folder behind.
    from textsieve.errors import ConfigError, CorpusError

    data = write_corpus(tmp_path / "data")
    for extra in list(data.glob("*.tsv"))[1:]:
        extra.unlink()
    with pytest.raises(CorpusError, match="at least two source files"):
        train(data, tmp_path / "m", variants=1, real_pages=0, features=SMALL, log=lambda m: None)
    assert not (tmp_path / "m").exists()
    for seed in (-1, 2**40, True):
        with pytest.raises(ConfigError, match="seed must be a whole number"):
            train(data, tmp_path / "m", seed=seed, log=lambda m: None)


def test_cross_validation_that_leaves_a_fold_one_source_is_a_clear_error(tmp_path):
    from textsieve.errors import CorpusError

    data = write_corpus(tmp_path / "data")
    for extra in sorted(data.glob("*.tsv"))[2:]:
        extra.unlink()
    with pytest.raises(CorpusError, match="cross-validation with 2 folds leaves a fold"):
        train(data, tmp_path / "m", variants=1, real_pages=0, folds=2, features=SMALL, log=lambda m: None)
    assert not (tmp_path / "m").exists()  # refused before the fit, not after it


def test_an_unknown_real_source_is_a_clear_error_before_anything_is_written(tmp_path):
    from textsieve.errors import ConfigError

    data = write_corpus(tmp_path / "data")
    with pytest.raises(ConfigError, match="unknown real source.s. 'wcbx'; choose from canola, newsarticles, readability"):
        train(data, tmp_path / "m", real_sources=("wcbx",), log=lambda m: None)
    with pytest.raises(ConfigError, match="not the string 'wcxb'"):  # not read as the letters w, c, x, b
        train(data, tmp_path / "m", real_sources="wcxb", log=lambda m: None)
    with pytest.raises(ConfigError, match="names no source"):
        train(data, tmp_path / "m", real_sources=(), log=lambda m: None)
    assert not (tmp_path / "m").exists()


def test_real_source_names_are_lower_cased_and_each_kept_once():
    from textsieve.training.train import real_source_names

    assert real_source_names([" WCXB", "canola", "wcxb"]) == ("wcxb", "canola")
    assert real_source_names(None) is None
