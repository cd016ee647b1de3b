"""Retraining: deterministic, labels come from the data, the result loads through the hash check."""
import pytest

pytest.importorskip("faker", reason="training needs the 'train' extra (faker)")

from textsieve import Sieve  # noqa: E402
from textsieve.model import MODEL_FILE  # noqa: E402
from textsieve.training.train import train  # noqa: E402

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


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One small corpus with a fifth label, trained twice with the same seed, with small hash
    spaces: the first pass's cost is set by the number of weights, not by the data, and the
    shipped sizes would make this fixture take a minute. Cross-validation runs once, with 2 folds."""
    tmp = tmp_path_factory.mktemp("train")
    data = write_corpus(tmp / "data", with_boilerplate=True)
    small = {"n_word_features": 2**12, "n_char_features": 2**10}
    report = train(data, tmp / "m1", seed=3, variants=2, folds=2, features=small, log=lambda m: None)
    again = train(data, tmp / "m2", seed=3, variants=2, folds=0, features=small, log=lambda m: None)
    return tmp, data, report, again


def test_same_data_and_seed_give_the_same_model(trained):
    tmp, data, one, two = trained
    assert one["training_data_sha256"] == two["training_data_sha256"]
    text = (data / "doc1.tsv").read_text().replace("body\t", "").replace("blank\t", "")
    a = Sieve(model=tmp / "m1").label_lines(text)
    b = Sieve(model=tmp / "m2").label_lines(text)
    assert [r.scores for r in a] == [r.scores for r in b]
    assert (tmp / "m1" / MODEL_FILE).read_bytes() == (tmp / "m2" / MODEL_FILE).read_bytes()


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
