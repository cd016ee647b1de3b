"""The junk generator is deterministic and writes valid labels and split points."""
import pytest

pytest.importorskip("faker", reason="the junk generator needs the 'train' extra (faker)")

from textsieve import _core  # noqa: E402
from textsieve.training.corpus import LabeledDocument, segment_label  # noqa: E402
from textsieve.training.synth import augment_corpus  # noqa: E402


def make_doc(name):
    lines = ["A Guide to Repairing Dry Stone Walls", ""]
    for i in range(8):
        lines += [f"Paragraph {i} explains one stage of the repair in enough detail to be followed by a careful beginner.", ""]
    return LabeledDocument(name, lines[:-1], ["body" if ln else "blank" for ln in lines[:-1]])


def test_same_seed_same_documents_and_different_seed_differs():
    docs = [make_doc("a"), make_doc("b")]
    one = augment_corpus(docs, variants=3, seed=7)
    two = augment_corpus(docs, variants=3, seed=7)
    assert [(d.lines, d.labels, d.splits) for d in one] == [(d.lines, d.labels, d.splits) for d in two]
    other = augment_corpus(docs, variants=3, seed=8)
    assert [d.lines for d in one] != [d.lines for d in other]


def test_variants_share_the_source_group_and_keep_every_body_line():
    docs = [make_doc("a")]
    out = augment_corpus(docs, variants=6, seed=1)
    assert {d.group for d in out} == {"a"}
    for d in out:
        text = d.text
        for ln in docs[0].lines:
            if ln:
                assert ln in text
        assert d.label_set() <= {"body", "link_spam", "author_meta", "caption"}


def test_glued_junk_has_a_split_point_the_segmenter_finds():
    out = augment_corpus([make_doc(str(i)) for i in range(20)], variants=4, seed=3)
    glued = [(d, i) for d in out for i, parts in d.splits.items() if len({lab for _, lab in parts}) > 1]
    assert glued, "the generator glues junk onto paragraphs in some variants"
    found = 0
    for d, i in glued:
        segs = _core.segment(d.text)  # what training and serving cut, with character offsets
        labels = [segment_label(d, int(ln), int(s), int(e), int(ls))
                  for ln, s, e, ls in zip(segs["line"], segs["start"], segs["end"], segs["line_start"]) if ln == i]
        found += labels == [lab for _, lab in d.splits[i]]
    assert found / len(glued) > 0.9


def test_junk_bank_blocks_are_injected_in_the_documents_language(tmp_path):
    from textsieve.training.synth import read_junk_bank

    (tmp_path / "de-caption.tsv").write_text("caption\tFoto: dpa\nblank\t\ncaption\tBild 3 von 12\ncaption\tFoto: Jens Krause\n")
    (tmp_path / "en-caption.tsv").write_text("caption\tPhoto: Getty Images\n")
    bank = read_junk_bank(tmp_path)
    assert bank.blocks[("de", "caption")] == [["Foto: dpa"], ["Bild 3 von 12", "Foto: Jens Krause"]]
    de = LabeledDocument("de", ["Anleitung für Trockenmauern", "", *[
        f"Absatz {i} erklärt einen Schritt der Reparatur so genau, dass ein sorgfältiger Anfänger ihm folgen kann." for i in range(8)]],
        ["body", "blank"] + ["body"] * 8)
    out = augment_corpus([de] * 1, variants=40, seed=2, bank=bank)
    captions = {ln for d in out for ln, lab in zip(d.lines, d.labels) if lab == "caption"}
    assert {"Foto: dpa", "Bild 3 von 12"} <= captions


def test_junk_bank_files_hold_one_label(tmp_path):
    from textsieve.errors import CorpusError
    from textsieve.training.synth import read_junk_bank

    (tmp_path / "en-caption.tsv").write_text("caption\tPhoto: Getty Images\nlink_spam\tRead more: Ten Things\n")
    with pytest.raises(CorpusError, match="one label"):
        read_junk_bank(tmp_path)


def test_every_training_document_renders_to_a_page_whose_lines_keep_their_labels():
    from textsieve.training.corpus import read_corpus
    from textsieve.training.pages import render_corpus

    docs = read_corpus("training_data")
    augmented = augment_corpus(docs, variants=1, seed=0)
    pages = render_corpus(augmented, every=1, seed=0)  # raises on any mismatch
    assert len(pages) == len(docs)
    for page in pages:
        assert len(page.contexts) == len(page.lines) and page.group and page.is_html
        assert all((c is None) == (lab == "blank") for c, lab in zip(page.contexts, page.labels))
        assert _core.parse_html(page.html)[0] == page.text  # the core's parse of the kept page
    again = render_corpus(augmented[:5], every=1, seed=0)
    assert [p.text for p in again] == [p.text for p in pages[:5]]


def test_generated_junk_does_not_depend_on_the_hash_seed():
    """Faker's it_IT city list is built from a set; unsorted, its order followed PYTHONHASHSEED
    and the same seed gave other training data in every process."""
    import os
    import subprocess
    import sys

    code = ("from textsieve.training.synth import _fakers; f = _fakers()['it_IT']; f.seed_instance(3); "
            "print([f.city() for _ in range(20)])")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(h)}).stdout for h in (1, 2, 3)}
    assert len(runs) == 1
