"""Labeled files: the format, and errors that name file:line and say what to fix."""
import pytest

from textsieve.training.corpus import read_corpus, read_labeled, segment_label, training_segments
from textsieve.errors import CorpusError
from textsieve.segment import segment


def write(tmp_path, name, content):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    return p


def test_reads_rows_blank_lines_and_glued_splits(tmp_path):
    para = "A paragraph that is long enough to be a real paragraph of body text."
    p = write(tmp_path, "doc.tsv", f"body\tTitle\nblank\t\nbody|caption@{len(para)}\t{para}Map of Spain - Atlas\n")
    doc = read_labeled(p)
    assert doc.labels == ["body", "blank", "body"]
    assert doc.splits == {2: [(0, "body"), (len(para), "caption")]}
    segs = segment(doc.text)
    assert [segment_label(doc, s) for s in segs] == ["body", "body", "caption"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("body no tab here\n", r"doc.tsv:1: no TAB"),
        ("body\tok\nBody!\ttext\n", r"doc.tsv:2: label 'Body!'"),
        ("blank\tnot empty\n", r"doc.tsv:1: labeled 'blank' but the line has text"),
        ("body\t   \n", r"doc.tsv:1: empty line labeled 'body'"),
        ("body|caption@999\tshort\n", r"doc.tsv:1: split offsets"),
        ("", r"doc.tsv: no rows"),
    ],
)
def test_bad_rows_are_reported_with_file_and_line(tmp_path, content, message):
    with pytest.raises(CorpusError, match=message):
        read_labeled(write(tmp_path, "doc.tsv", content))


def test_non_utf8_is_reported(tmp_path):
    p = tmp_path / "latin.tsv"
    p.write_bytes("body\tcaf\xe9\n".encode("latin-1"))
    with pytest.raises(CorpusError, match="not UTF-8"):
        read_labeled(p)


def test_read_corpus_is_sorted_and_recursive(tmp_path):
    (tmp_path / "b").mkdir()
    write(tmp_path / "b", "z.tsv", "body\tZ\n")
    write(tmp_path, "a.tsv", "body\tA\n")
    assert [d.name for d in read_corpus(tmp_path)] == ["a", "z"]
    X, y, groups = training_segments(read_corpus(tmp_path))
    assert y == ["body", "body"] and groups == ["a", "z"]


def test_shipped_training_data_is_valid_and_varied():
    from pathlib import Path

    docs = read_corpus(Path(__file__).resolve().parents[1] / "training_data")
    assert len(docs) >= 150
    prefixes = {d.name.split("-")[0] for d in docs}
    assert len(prefixes) >= 8
