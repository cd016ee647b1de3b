"""The public contract of clean_text / label_lines, shown as examples."""
from __future__ import annotations

import re

import pytest

import textsieve
from textsieve import ConfigError, InputError, LabeledLine, SieveConfig, clean_text, label_lines

ARTICLE = (
    "How We Restored the Old Orchard\n"
    "\n"
    "The orchard behind the village hall had not been pruned for thirty years when we took it on. "
    "Most of the apple trees were still alive, but the crowns had closed up and the fruit was small and scabby.\n"
    "\n"
    "Winter Pruning\n"
    "We started in January, taking out dead wood first and then opening the centre of each tree so that "
    "light and air could reach the inner branches again. It took four weekends and a lot of tea.\n"
    "- Kim Tran Net Worth 2024 How Rich Is The Rapper\n"
    "- Watch Anime Online Free Full Hd On Flixhub\n"
    "- The Extraordinary Life And Legacy Of Dora Vance\n"
    "\n"
    "The First Harvest\n"
    "By September the difference was obvious. We picked over two hundred kilos of apples and pressed most of "
    "them into juice for the autumn fair, where it sold out before lunch.\n"
)


def test_clean_text_removes_an_injected_link_list_and_keeps_the_article():
    cleaned = clean_text(ARTICLE)
    assert "Flixhub" not in cleaned and "Net Worth" not in cleaned
    for keep in ("How We Restored the Old Orchard", "Winter Pruning", "The First Harvest", "a lot of tea."):
        assert keep in cleaned


def test_clean_text_is_the_join_of_the_lines_label_lines_keeps():
    records = label_lines(ARTICLE)
    kept = [r.text for r in records if r.label == "body"]
    assert [ln for ln in clean_text(ARTICLE).split("\n") if ln.strip()] == kept


def test_records_point_back_into_the_input(example_text):
    from textsieve.clean import default_sieve

    records = label_lines(example_text)
    assert records, "a page with text yields records"
    lines = example_text.split("\n")
    threshold = default_sieve().model.body_threshold
    for r in records:
        assert isinstance(r, LabeledLine)
        assert example_text[r.start:r.end] == r.text
        assert r.text in lines[r.line]
        assert abs(sum(r.scores.values()) - 1.0) < 1e-6
        # the decision rule (README, "decision"): body at P(body) >= the model's threshold unless
        # another label is sure (over 0.55); otherwise the most probable other label
        others = {k: v for k, v in r.scores.items() if k != "body"}
        best_other = max(others, key=others.get)
        sure_body = r.scores["body"] >= threshold and others[best_other] <= 0.55
        assert r.label == ("body" if sure_body else best_other), (r.text, r.scores)
        assert set(r.scores) == {"body", "link_spam", "author_meta", "caption", "boilerplate"}  # the shipped model's five labels
    assert [r.start for r in records] == sorted(r.start for r in records)


def test_output_lines_are_input_lines_in_order(example_text):
    cleaned = clean_text(example_text)
    source = example_text.split("\n")
    pos = 0
    for line in (ln for ln in cleaned.split("\n") if ln.strip()):
        # every kept line is a source line, or the head of one whose glued tail was cut off
        while pos < len(source) and not source[pos].startswith(line):
            pos += 1
        assert pos < len(source), f"{line!r} is not a source line in order"
        pos += 1


def test_glued_caption_is_cut_off_the_paragraph(example_text):
    records = label_lines(example_text)
    glued = [r for r in records if "second smoker." in r.text or "Green City Journal" in r.text]
    same_line = [r for r in glued if r.line == glued[0].line]
    assert [r.label for r in same_line] == ["body", "caption"]
    assert same_line[0].text.endswith("a second smoker.")
    assert "second smoker." in clean_text(example_text)
    assert "Green City Journal" not in clean_text(example_text)


def test_glued_link_title_splits_into_two_records_on_one_line(sieve):
    text = ARTICLE.replace(
        "a lot of tea.\n- Kim Tran", "a lot of tea.- Kim Tran"
    )
    records = sieve.label_lines(text)
    line_of_tea = next(r.line for r in records if r.text.endswith("a lot of tea."))
    on_line = [r for r in records if r.line == line_of_tea]
    assert [r.label for r in on_line] == ["body", "link_spam"]
    assert on_line[1].text.startswith("- Kim Tran")


SCRAPED_PAGE = """<html><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/about">About us</a></li></ul></nav>
<article>
  <h1>How We Restored the Old Orchard</h1>
  <p>The orchard behind the village hall had not been pruned for thirty years when we took it on.
     Most of the apple trees were still alive, but the crowns had closed up and the fruit was
     small and scabby.</p>
  <p>We started in January, taking out dead wood first, as the <a href="/guide">pruning guide</a>
     says, and then opening the centre of each tree so that light and air could reach the inner
     branches again. It took four weekends and a lot of tea.</p>
</article>
<footer><p>&copy; 2024 Village Hall Trust. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a></footer>
</body></html>"""


def test_beautifulsoup_text_is_read_as_whole_paragraphs_and_cleaned_as_its_own_lines():
    # get_text("\n") puts every text node on a line: the hard-wrapped paragraphs come out as
    # indented pieces, and the link cuts the second sentence. Each paragraph is labeled as one
    # line, and each of its source lines gets that label and is kept as it was written.
    from bs4 import BeautifulSoup

    text = BeautifulSoup(SCRAPED_PAGE, "html.parser").get_text("\n")
    lines = text.split("\n")
    labeled = {r.line: r.label for r in label_lines(text)}
    first = [i for i, ln in enumerate(lines) if "orchard behind" in ln or "apple trees" in ln or "scabby" in ln]
    second = [i for i, ln in enumerate(lines) if "We started" in ln or ln == "pruning guide"]
    assert len(first) == 3 and len(second) == 2
    assert {labeled[i] for i in first} == {labeled[i] for i in second} == {"body"}
    cleaned = clean_text(text)
    assert "small and scabby." in cleaned and "a lot of tea." in cleaned
    assert "Privacy" not in cleaned and "Home" not in cleaned
    assert {ln.strip() for ln in cleaned.split("\n")} <= {ln.strip() for ln in lines}, "output lines are input lines"
    # The two pieces of the wrapped sentence after "...when we took it on." are one line, scored
    # once; off, every line is labeled on its own and the pieces score apart.
    def distinct_scores(records, lines):
        return len({tuple(sorted(r.scores.items())) for r in records if r.line in lines})

    assert distinct_scores(label_lines(text), first[1:]) == 1
    assert distinct_scores(label_lines(text, join_wrapped=False), first[1:]) == 2


@pytest.mark.parametrize("text", [
    # A link list whose last item ends with a space, then body.
    "- Ten Celebrities Who Secretly Hate Their Famous Roles\n- The Extraordinary Life And Legacy Of Brianna Cole \n"
    "We bought two national hives, suits for four people and a smoker.\n",
    # Indented meta lines under a paragraph that ends a sentence.
    "A year later nobody has been stung, and we took off nineteen kilos of honey.\n"
    "    Posted by admin on 12 May 2025\n    Tags: bees, rooftop, honey\n",
    # A closing line with a stray trailing space, then an author bio.
    "We would do it all again. \nAbout the author: Marta Kowalczyk is a freelance writer based in Leeds.\n",
    # A generated author box: a header, then indented `Key : value` lines without bullets.
    "Read the whole thread before you post again\nProfile Details\n  Name : René Lesage\n  Username : bvaillant\n"
    "  Date de naissance:  1973-01-31\n  Bio : Believe child station will leader young stage.\n  followers : 7492\n",
])
def test_a_stray_space_in_a_hand_made_text_does_not_join_junk_onto_body(text):
    assert clean_text(text) == clean_text(text, join_wrapped=False)


@pytest.mark.parametrize("indent", ["   ", "\t", "\u00a0\u00a0"])
def test_a_document_of_one_indented_paragraph_is_kept_with_its_indentation(indent):
    # A pipeline of one paragraph per record often keeps the indentation of its source. Alone on
    # its page, that indentation is relative to nothing: the paragraph is labeled as if it were
    # not there (read line by line, the model took it for an indented author box).
    para = "This is a perfectly normal sentence about the weather in the valley, which was mild today."
    assert clean_text(para) == para
    assert clean_text(indent + para) == indent + para
    assert [r.label for r in label_lines(indent + para + "\n")] == ["body"]


@pytest.mark.parametrize("sep", ["\n", "\n\n"])
def test_a_record_of_a_few_indented_paragraphs_is_kept_whole(sep):
    # First-line indents, kept from the source: every line of a short record is indented, so the
    # indentation is relative to nothing (before, the middle paragraph came out author_meta and
    # the last one caption).
    paras = ["The harbour was quiet on Monday morning when the first boats came back with the catch.",
             "Fishermen said the season had been the best in a decade, and prices at the market held firm.",
             "A third paragraph closes the story of the day in the small town by the sea."]
    text = sep.join("    " + p for p in paras) + "\n"
    assert [r.label for r in label_lines(text)] == ["body"] * 3
    assert clean_text(text) == text
    # An author box on its own keeps what its indentation says, bullets or fields.
    for box in ("  Name : Ann Miller\n  Username : annm\n  followers : 6638\n",
                "  • Ann Miller\n  • Staff writer since 2019\n  • Email : ann@example.com\n"):
        assert [r.label for r in label_lines(box)] == ["author_meta"] * 3, box
    # A stray trailing space does not glue a share line onto the paragraph above it: two lines,
    # labeled each on its own.
    shared = "    " + paras[0].rstrip(".") + " \n    Share this article on Facebook\n"
    assert [r.text for r in label_lines(shared)] == [paras[0].rstrip("."), "Share this article on Facebook"]


@pytest.mark.parametrize("sep", ["\n", "\n\n"])
def test_an_indented_paragraph_among_plain_ones_is_body_and_an_indented_author_box_is_not(sep):
    # A quote or a first-line indent in the middle of a record: running text, so its indentation
    # says nothing (before, it came out author_meta and took the last paragraph along as caption).
    paras = ["The harbour was quiet on Monday morning when the first boats came back with the catch.",
             "    Fishermen said the season had been the best in a decade, and prices at the market held firm.",
             "A third paragraph closes the story of the day in the small town by the sea."]
    assert [r.label for r in label_lines(sep.join(paras) + "\n")] == ["body"] * 3
    # The indented fields of a generated author box under a paragraph are still an author box.
    box = "\n  • Name : Roxanne Rolfson\n  • Username : balistreri\n  • Bio : Maiores in similique minus odio.\n"
    labels = [r.label for r in label_lines(sep.join(paras) + "\n" + box)]
    assert labels[:3] == ["body"] * 3 and labels[3:] == ["author_meta"] * 3


@pytest.mark.parametrize("indent", ["\u3000\u3000", "\u3000"])
def test_a_cjk_first_line_indent_changes_no_score(indent):
    # Chinese and Japanese prose opens every paragraph with one or two ideographic spaces. That
    # indentation says "a paragraph starts", so the paragraphs score exactly as they do without
    # it (before, under a heading they scored P(body) 0.01-0.06, read as an indented box).
    paras = ["美樹營地", "一波波接續性低溫寒流報到，已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣。",
             "玉峰道路一路上雲氣山嵐滯留山頭，順路下切蜿蜒道路後不久即抵達來到玉峰國小。",
             "美樹美如其名，偌大楓香樹早已呈現金黃，泛紅色彩也是愛攝人仕所喜愛造訪之地。"]
    plain = label_lines("\n".join(paras))
    indented = label_lines("\n".join([paras[0]] + [indent + p for p in paras[1:]]))
    assert [r.scores for r in indented] == [r.scores for r in plain]
    # An indentation of ASCII spaces in front of the same lines is still a layout the model reads.
    spaced = label_lines("\n".join([paras[0]] + ["  " + indent + p for p in paras[1:]]), join_wrapped=False)
    assert [r.scores for r in spaced] != [r.scores for r in plain]


def test_a_text_whose_every_line_ends_with_a_space_is_read_line_by_line(example_text):
    spaced = "".join(line + " \n" for line in example_text.split("\n") if line.strip())
    assert label_lines(spaced) == label_lines(spaced, join_wrapped=False)


def test_clean_text_is_idempotent(example_text):
    once = clean_text(example_text)
    assert clean_text(once) == once
    assert clean_text(clean_text(ARTICLE)) == clean_text(ARTICLE)


def test_paragraph_breaks_survive_and_junk_leaves_no_gap():
    cleaned = clean_text(ARTICLE)
    assert "thirty years when we took it on." in cleaned
    assert "\n\nWinter Pruning\n" in cleaned
    assert "\n\n\n" not in cleaned


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", " \t \n \r\n"])
def test_empty_and_whitespace_give_empty_output(text):
    assert clean_text(text) == ""
    assert label_lines(text) == []


def test_windows_line_endings():
    crlf = ARTICLE.replace("\n", "\r\n")
    records = label_lines(crlf)
    assert all("\r" not in r.text and crlf[r.start:r.end] == r.text for r in records)
    assert [r.label for r in records] == [r.label for r in label_lines(ARTICLE)]
    assert "\r" not in clean_text(crlf)


def test_a_ten_megabyte_single_line_returns():
    line = "All work and no play makes the orchard a dull place to be. " * 170_000
    assert len(line) > 10_000_000
    records = label_lines(line)
    assert len(records) == 1 and records[0].label == "body"
    assert (records[0].start, records[0].end) == (0, len(line.rstrip()))


def test_non_english_text_is_kept():
    german = (
        "Der Obstgarten hinter dem Gemeindehaus war seit dreißig Jahren nicht mehr geschnitten worden, als wir ihn übernahmen.\n"
        "Im Januar haben wir zuerst das tote Holz entfernt und dann die Kronen geöffnet, damit wieder Licht hineinkommt.\n"
        "Im September war der Unterschied deutlich: Wir haben über zweihundert Kilo Äpfel geerntet und zu Saft gepresst.\n"
    )
    assert clean_text(german) == german
    assert clean_text("日本語のテキストです。これは本文です。") in ("日本語のテキストです。これは本文です。", "")


def test_options_and_config():
    every = clean_text(ARTICLE, keep=("body", "link_spam", "author_meta", "caption"))
    assert "Flixhub" in every
    strict = clean_text(ARTICLE, config=SieveConfig(body_threshold=0.999999))
    assert len(strict) <= len(clean_text(ARTICLE))
    with pytest.raises(ConfigError, match="unknown option"):
        clean_text(ARTICLE, kepp=("body",))
    with pytest.raises(ConfigError, match="between 0 and 1"):
        SieveConfig(body_threshold=2)
    with pytest.raises(ConfigError, match="'argmax'"):
        SieveConfig(body_threshold="most likely")
    with pytest.raises(ConfigError, match="not in this model's labels"):
        textsieve.Sieve(keep=("advert",))


@pytest.mark.parametrize("options, says", [
    ({"guard": "false"}, "guard='false': give True or False"),  # a truthy string must not leave the guard on
    ({"split_glued": None}, "split_glued=None"),
    ({"join_wrapped": "no"}, "join_wrapped='no'"),
    ({"keep": None}, "keep=None"),
    ({"keep": 5}, "keep=5"),
    ({"languages": ("en", 5)}, "languages=('en', 5)"),
    ({"languages": b"en"}, "languages=b'en'"),
    ({"languages": 5}, "languages=5"),
])
def test_config_mistakes_are_config_errors_naming_the_option(options, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        clean_text(ARTICLE, **options)


def test_numpy_scalars_are_numbers_and_booleans_in_the_config():
    import numpy as np
    assert clean_text(ARTICLE, body_threshold=np.float32(0.5)) == clean_text(ARTICLE, body_threshold=0.5)
    assert clean_text(ARTICLE, guard=np.bool_(False)) == clean_text(ARTICLE, guard=False)


def test_a_config_that_is_not_a_sieveconfig_is_refused():
    with pytest.raises(ConfigError, match="must be a SieveConfig, not dict"):
        clean_text(ARTICLE, {"keep": "body"})
    with pytest.raises(ConfigError, match="must be a SieveConfig"):
        textsieve.Sieve(config={"keep": "body"})


def test_one_str_given_as_a_batch_is_refused_not_split_into_characters(sieve):
    with pytest.raises(InputError, match="got one str"):
        sieve.clean_many("This is a page")
    with pytest.raises(InputError, match="got one str"):
        sieve.label_many("This is a page")
    with pytest.raises(TypeError, match="got one str"):  # the core's own entry point too
        sieve.model.core.clean("abc", ["body"])



def test_a_batch_that_is_not_a_sequence_is_an_input_error_not_a_bare_type_error(sieve):
    for batch in (None, 5, 2.5):
        with pytest.raises(InputError, match="sequence of documents"):
            sieve.clean_many(batch)
        with pytest.raises(InputError, match="sequence of documents"):
            sieve.label_many(batch)

def test_bytes_are_refused_with_advice():
    with pytest.raises(InputError, match="decode"):
        clean_text(b"bytes")


def test_caller_input_is_not_mutated_and_many_equals_one(sieve):
    texts = [ARTICLE, "", "Just one short line."]
    copy = list(texts)
    assert sieve.clean_many(texts) == [sieve.clean(t) for t in texts]
    assert texts == copy


def test_nothing_is_loaded_at_import():
    import subprocess
    import sys

    # An audit hook records every file Python opens. Importing textsieve must open nothing in the
    # model folder; the first clean_text call must (which proves the probe can see model reads).
    code = (
        "import os, sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda ev, args: opened.append(args[0]) if ev == 'open' and isinstance(args[0], str) else None)\n"
        "import textsieve\n"
        "models = os.path.realpath(os.path.join(os.path.dirname(textsieve.__file__), 'models'))\n"
        "def model_reads(): return sum(os.path.realpath(p).startswith(models + os.sep) for p in list(opened))\n"
        "at_import = model_reads()\n"
        "textsieve.clean_text('A short sentence about the river.')\n"
        "print(at_import, model_reads())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    at_import, after_first_call = int(out[0]), int(out[1])
    assert at_import == 0
    assert after_first_call > 0


def test_import_is_lazy_and_the_version_has_one_source():
    import importlib.metadata
    import subprocess
    import sys

    code = ("import sys, textsieve\n"
            "print(sorted(m for m in ('numpy', 'textsieve._core', 'textsieve.clean', 'sklearn', 'joblib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
    # The wheel's version (src/Cargo.toml, via maturin) is the one the package reports.
    assert textsieve.__version__ == importlib.metadata.version("textsieve")


def test_labeled_lines_text_takes_one_label_or_several_and_refuses_a_typo():
    records = label_lines("The council voted on Friday to approve the new budget, which includes funds for schools.\n")
    assert records.text("body") == records.text(("body",)) == records.text() != ""  # "body" is a label, not b-o-d-y
    with pytest.raises(ConfigError, match="unknown label"):
        records.text(("bogus",))


def test_sieve_settings_are_checked_when_made_and_when_changed(sieve):
    with pytest.raises(ConfigError, match="between 0 and 1"):
        SieveConfig(body_threshold=10**400)  # was an OverflowError
    for threads in (2**64, -1, True, 2.0):
        with pytest.raises(ConfigError, match="threads="):
            textsieve.Sieve(sieve.model, threads=threads)
    with pytest.raises(ConfigError, match="model=5"):
        textsieve.Sieve(model=5)
    for html in ("yes", 1, None):
        with pytest.raises(ConfigError, match="html="):
            sieve.clean_many([ARTICLE], html=html)
    mine = textsieve.Sieve(sieve.model)
    with pytest.raises(ConfigError, match="not in this model's labels"):
        mine.config = SieveConfig(keep=("bogus",))  # was accepted, then a raw ValueError from the core
    with pytest.raises(ConfigError, match="threads="):
        mine.threads = -2
    mine.config, mine.threads = SieveConfig(keep=("body", "caption")), 1
    assert mine.clean(ARTICLE) == clean_text(ARTICLE, keep=("body", "caption"))


def test_a_record_from_the_model_behaves_like_one_made_by_hand(example_text):
    import pickle

    from textsieve.clean import default_sieve

    records = label_lines(example_text)
    rec = records[0]
    by_hand = LabeledLine(rec.text, rec.label, dict(rec.scores), rec.line, rec.start, rec.end)
    assert rec == by_hand and hash(rec) == hash(by_hand) and repr(rec) == repr(by_hand)
    assert rec.text == example_text[rec.start:rec.end] and rec.score == max(rec.scores.values()) == by_hand.score
    assert sorted(rec.scores) == sorted(default_sieve().labels)
    assert pickle.loads(pickle.dumps(records)) == records  # engines send records between processes
    with pytest.raises(AttributeError, match="immutable"):
        rec.label = "body"
    # Equality leaves the scores out: the same line labeled the same way is the same record.
    assert LabeledLine("a", "body", {"body": 0.9}, 0, 0, 1) == LabeledLine("a", "body", {"body": 0.6}, 0, 0, 1)
    assert LabeledLine("a", "body", {}, 0, 0, 1) != LabeledLine("a", "caption", {}, 0, 0, 1)
