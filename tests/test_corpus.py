"""Labeled files: the format, and errors that name file:line and say what to fix."""
import pytest

from textsieve import _core
from textsieve.errors import CorpusError
from textsieve.training.corpus import read_corpus, read_labeled, segment_label
from textsieve.training.table import featurize_documents


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
    segs = _core.segment(doc.text)
    labels = [segment_label(doc, int(ln), int(s), int(e), int(ls))
              for ln, s, e, ls in zip(segs["line"], segs["start"], segs["end"], segs["line_start"])]
    assert labels == ["body", "body", "caption"]
    table = featurize_documents([doc], {"n_word_hash": 256, "n_char_hash": 64})
    assert list(table.y) == ["body", "body", "caption"]
    assert [doc.text[s:e] for s, e in zip(table.start, table.end)] == ["Title", para, "Map of Spain - Atlas"]


def test_wrapped_lines_train_as_the_row_serving_joins_them_labeled_by_most_of_their_text(tmp_path):
    # A scraper's text: a sentence cut by a link, then a caption wrapped in two. Serving joins each
    # into one row (see the core's unwrap); training featurizes the same rows and labels each by
    # the label covering most of its non-space characters.
    rows = ["body\tRead the ", "body\tdocumentation", "caption\t here.", "blank\t",
            "caption\tMap of Spain", "caption\t   of the World", "blank\t", "link_spam\tTen Best Things"]
    doc = read_labeled(write(tmp_path, "doc.tsv", "\n".join(rows) + "\n"))
    table = featurize_documents([doc], {"n_word_hash": 256, "n_char_hash": 64})
    assert list(table.y) == ["body", "caption", "link_spam"]
    assert [doc.text[s:e] for s, e in zip(table.start, table.end)] == [
        "Read the \ndocumentation\n here.", "Map of Spain\n   of the World", "Ten Best Things"]
    rows_apart = _core.featurize([doc.text], join_wrapped=False, config={"n_word_hash": 256, "n_char_hash": 64})
    assert list(rows_apart["line"]) == list(rows_apart["last_line"]) == [0, 1, 2, 4, 5, 7]


def test_indentation_and_trailing_spaces_weigh_nothing_in_a_joined_rows_label(tmp_path):
    rows = ["body\tThe hives came through a wet winter ", "body\tand gave us honey ",
            "boilerplate\t" + " " * 60 + "Share", "blank\t", "body\tEnd of the text here."]
    doc = read_labeled(write(tmp_path, "doc.tsv", "\n".join(rows) + "\n"))
    table = featurize_documents([doc], {"n_word_hash": 256, "n_char_hash": 64})
    assert list(table.last_line) == [2, 4] and list(table.y) == ["body", "body"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("body no tab here\n", r"doc.tsv:1: no TAB"),
        ("body\tok\nBody!\ttext\n", r"doc.tsv:2: label 'Body!'"),
        ("blank\tnot empty\n", r"doc.tsv:1: labeled 'blank' but the line has text"),
        ("body\t   \n", r"doc.tsv:1: empty line labeled 'body'"),
        ("body|caption@999\tshort\n", r"doc.tsv:1: split offsets"),
        ("", r"doc.tsv: no rows"),
        ("body\tok\nbody\tHello\x00World\n", r"doc.tsv:2: the text holds a NUL character \(column 6\)"),
    ],
)
def test_bad_rows_are_reported_with_file_and_line(tmp_path, content, message):
    with pytest.raises(CorpusError, match=message):
        read_labeled(write(tmp_path, "doc.tsv", content))


def test_non_utf8_is_reported(tmp_path):
    p = tmp_path / "latin.tsv"
    p.write_bytes("body\tfine\nbody\tcaf\xe9\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin.tsv:2: not UTF-8"):
        read_labeled(p)


def test_read_corpus_is_sorted_and_recursive(tmp_path):
    (tmp_path / "b").mkdir()
    write(tmp_path / "b", "z.tsv", "body\tZ\n")
    write(tmp_path, "a.tsv", "body\tA\n")
    assert [d.name for d in read_corpus(tmp_path)] == ["a", "z"]
    table = featurize_documents(read_corpus(tmp_path), {"n_word_hash": 256, "n_char_hash": 64})
    assert list(table.y) == ["body", "body"] and list(table.groups) == ["a", "z"]


def test_shipped_training_data_is_valid_and_varied():
    from pathlib import Path

    docs = read_corpus(Path(__file__).resolve().parents[1] / "training_data")
    assert len(docs) >= 150
    prefixes = {d.name.split("-")[0] for d in docs}
    assert len(prefixes) >= 8


def test_a_copied_document_is_refused_naming_both_files(tmp_path):
    write(tmp_path, "a.tsv", "body\tTitle\nbody\tA paragraph of body text.\n")
    (tmp_path / "more").mkdir()
    write(tmp_path / "more", "b.tsv", "body\tTitle\ncaption\tA paragraph of body text.\n")
    with pytest.raises(CorpusError, match=r"more/b\.tsv: the same text as .*a\.tsv \(labeled differently on 1 line"):
        read_corpus(tmp_path)
    write(tmp_path / "more", "b.tsv", "body\tTitle\nbody|caption@12\tA paragraph of body text.\n")
    with pytest.raises(CorpusError, match=r"labeled differently on 1 line"):
        read_corpus(tmp_path)
    write(tmp_path / "more", "b.tsv", "body\tTitle\nbody\tA paragraph of body text, edited.\n")
    assert len(read_corpus(tmp_path)) == 2


def test_a_typo_label_is_an_error_naming_file_and_line(tmp_path):
    p = write(tmp_path, "doc.tsv", "body\tA title\nbodi\tA paragraph with a typo in its label.\n")
    with pytest.raises(CorpusError, match=r"doc.tsv:2: unknown label 'bodi' .*--new-label bodi"):
        read_labeled(p)
    with pytest.raises(CorpusError, match=r"glued.tsv:1: unknown label 'captoin'"):
        (tmp_path / "other").mkdir()
        read_labeled(write(tmp_path / "other", "glued.tsv", "body|captoin@5\tHello world, Photo: AP\n"))
    with pytest.raises(CorpusError, match=r"doc.tsv:2: unknown label 'bodi'"):
        read_corpus(tmp_path)


def test_a_new_label_is_an_explicit_opt_in(tmp_path):
    p = write(tmp_path, "doc.tsv", "body\tA title\ncookie_notice\tWe use cookies.\n")
    with pytest.raises(CorpusError, match="unknown label 'cookie_notice'"):
        read_corpus(tmp_path)
    (doc,) = read_corpus(tmp_path, new_labels=["cookie_notice"])
    assert doc.label_set() == {"body", "cookie_notice"}
    assert read_labeled(p, new_labels=("cookie_notice",)).labels == ["body", "cookie_notice"]
    with pytest.raises(CorpusError, match="new label"):
        read_labeled(p, new_labels=["Not A Label"])
    # 'unknown' names the unlabeled context lines of snippet pages: never a label in a file
    q = write(tmp_path, "ctx.tsv", "body\tA title\nunknown\tSome line.\n")
    with pytest.raises(CorpusError, match=r"ctx.tsv:2: 'unknown' is reserved"):
        read_labeled(q)
    with pytest.raises(CorpusError, match="new label"):
        read_labeled(p, new_labels=["unknown"])


def test_train_refuses_a_typo_label_before_any_work(tmp_path):
    from typer.testing import CliRunner

    from textsieve.cli import app

    data = tmp_path / "data"
    data.mkdir()
    write(data, "doc.tsv", "body\tA title\nbodi\tA paragraph.\n")
    result = CliRunner().invoke(app, ["train", str(data), "-o", str(tmp_path / "m"), "--folds", "0"])
    assert result.exit_code == 1
    assert "doc.tsv:2: unknown label 'bodi'" in result.output
    assert not (tmp_path / "m").exists()


def test_a_document_of_blank_rows_only_is_refused_by_name(tmp_path):
    path = write(tmp_path, "zz.tsv", "blank\t\nblank\t\n")  # it crashed the junk injection with a traceback
    with pytest.raises(CorpusError, match="zz.tsv: only blank rows"):
        read_labeled(path)


def test_a_byte_order_mark_is_not_part_of_the_first_label(tmp_path):
    path = tmp_path / "bom.tsv"
    path.write_bytes("\ufeffbody\tA paragraph.\n".encode("utf-8"))
    assert read_labeled(path).labels == ["body"]


def test_suggests_sidecar_is_not_read_as_a_labeled_document(tmp_path):
    write(tmp_path, "todo.tsv", "body\tA paragraph.\n")
    write(tmp_path, "todo.tsv.sources.tsv", "row\tsource\tposition\tmargin\n1\tpage.txt\t3\t0.01\n")
    assert [d.name for d in read_corpus(tmp_path)] == ["todo"]


def test_train_refuses_to_replace_a_model_without_force_and_checks_the_output_first(tmp_path):
    from typer.testing import CliRunner

    from textsieve.cli import app

    data = tmp_path / "data"
    data.mkdir()
    write(data, "doc.tsv", "body\tA title\nbody\tA paragraph.\n")
    model = tmp_path / "m"
    model.mkdir()
    (model / "model.npz").write_bytes(b"the model a maintainer keeps")
    result = CliRunner().invoke(app, ["train", str(data), "-o", str(model)])
    assert result.exit_code == 2 and "already holds a model" in result.output and "--force" in result.output
    assert (model / "model.npz").read_bytes() == b"the model a maintainer keeps"
    (tmp_path / "afile").write_text("not a folder")
    result = CliRunner().invoke(app, ["train", str(data), "-o", str(tmp_path / "afile")])
    assert result.exit_code == 2 and "is not a folder" in result.output and "Traceback" not in result.output
    assert "featurized" not in result.output  # refused before any work, not after the fit


def test_evaluate_reads_the_labels_a_new_label_model_was_trained_with(tmp_path):
    from conftest import write_tiny_model
    from typer.testing import CliRunner

    from textsieve.cli import app

    model = write_tiny_model(tmp_path / "m", labels=("author_meta", "body", "caption", "sidebar"))
    data = tmp_path / "data"
    data.mkdir()
    write(data, "doc.tsv", "body\tA paragraph of body text.\nsidebar\tMost read this week\n")
    result = CliRunner().invoke(app, ["evaluate", str(data), "-m", str(model), "--json"])
    assert result.exit_code == 0, result.output  # it refused 'sidebar' and advised --new-label
    assert "sidebar" in result.output
    plain = CliRunner().invoke(app, ["evaluate", str(data), "--json"])  # the shipped model has no such label
    assert plain.exit_code == 1 and "unknown label 'sidebar'" in plain.output
