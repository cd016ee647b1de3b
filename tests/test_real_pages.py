"""Real labeled pages: the labeling rules, the split by site, the committed data and its scorer."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from textsieve.html import parse_html
from textsieve.training.real_labels import LABELS, body_lines, junk_label, label_lines_from_gold, word_f1
from textsieve.training.real_pages import (RealPage, evaluate_committed, label_page, read_records,
                                           registrable_domain, split_of)

PAGE = """<html><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>News from the valley</h1>
<p class="byline">By Jane Doe</p>
<p>The valley council met on Tuesday and agreed to repair the old bridge before winter comes.</p>
<h2>News</h2>
<p>Work starts next month, and the road will stay open to walkers while the crews are busy.</p>
<figure><img src="b.jpg" alt="bridge"><figcaption>The old bridge in spring</figcaption></figure>
</article>
<aside class="related"><ul>
<li><a href="/a">Council approves new budget for the coming year</a></li>
<li><a href="/b">Ten walks to take before the summer ends</a></li>
</ul></aside>
<footer><p>Copyright 2024 Valley News. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""

GOLD = """The valley council met on Tuesday and agreed to repair the old bridge before winter comes.

News

Work starts next month, and the road will stay open to walkers while the crews are busy."""


def labeled(text_prefix: str, rec: dict) -> str:
    return next(ln[0] for ln in rec["lines"] if ln and ln[1].startswith(text_prefix))


def test_word_f1_follows_the_bag_of_words_definition():
    assert word_f1("a b c", "a b c") == 1.0
    assert word_f1("", "a") == 0.0 and word_f1("", "") == 1.0
    # precision 2/4, recall 2/2 -> F1 2/3; case and punctuation ignored
    assert word_f1("A, b! x y", "a b") == pytest.approx(2 / 3)
    # multiplicity counts: "a a" against "a" has precision 1/2
    assert word_f1("a a", "a") == pytest.approx(2 / 3)


def test_short_lines_are_body_only_where_the_gold_has_them_in_order():
    lines = ["News", "The valley council met on Tuesday and agreed to repair the bridge.", "News",
             "Work starts next month and the road stays open.", "News"]
    gold = ("The valley council met on Tuesday and agreed to repair the bridge.\nNews\n"
            "Work starts next month and the road stays open.")
    # the menu's "News" before the article and the footer's after it are not body; the heading is
    assert body_lines(lines, gold) == [False, True, True, True, False]


def test_junk_labels_follow_markup_and_text():
    assert junk_label("The old bridge in spring", {"tag": "figcaption", "ancestors": ["figure"]}) == "caption"
    assert junk_label("Photo: Reuters", None) == "caption"
    assert junk_label("By Jane Doe", {"tag": "p"}) == "author_meta"
    assert junk_label("By clicking Continue you agree to our terms", {"tag": "p"}) == "boilerplate"
    assert junk_label("Posted on March 3, 2021", None) == "author_meta"
    story = {"tag": "li", "link_share": 1.0, "ancestors": ["ul"]}
    assert junk_label("Council approves new budget for the coming year", story) == "link_spam"
    assert junk_label("Council approves new budget", story | {"ancestors": ["nav", "ul"]}) == "boilerplate"
    assert junk_label("Skip to main content", story) == "boilerplate"
    assert junk_label("Sport", story | {"hints": ["related"]}) == "link_spam"
    assert junk_label("Sport", story) == "boilerplate"


def test_a_page_gets_all_five_labels_from_its_gold():
    page = RealPage("t/1", "test", "https://www.valley.example.co.uk/news/1", "valley.example.co.uk", "article",
                    PAGE, gold=GOLD, title="News from the valley", author="Jane Doe")
    rec = label_page(page, parse_html, fulltext=lambda html: parse_html(html).text)
    assert labeled("Home", rec) == "boilerplate"
    assert labeled("News from", rec) == "body"          # the title heading: the gold names it apart
    assert labeled("By Jane", rec) == "author_meta"
    assert labeled("The valley council", rec) == "body"
    assert labeled("The old bridge", rec) == "caption"
    assert labeled("Council approves", rec) == "link_spam"
    assert labeled("Copyright 2024", rec) == "boilerplate"
    news = [ln[0] for ln in rec["lines"] if ln and ln[1] == "News"]
    assert news == ["boilerplate", "body"]              # menu item vs. the article's heading
    assert {ln[0] for ln in rec["lines"] if ln} == set(LABELS)
    # the plain-text rendering carries the same labels over
    assert [ln[0] for ln in rec["fulltext"] if ln] == [ln[0] for ln in rec["lines"] if ln]
    assert rec["lines"][0] is not None and "ancestors" in rec["lines"][0][2]


def test_labels_come_only_from_the_gold_and_the_page():
    lines = ["Cookie settings", "A paragraph of real article text that the gold main content holds."]
    labels = label_lines_from_gold(lines, [{"tag": "div"}, {"tag": "p"}], lines[1])
    assert labels == ["boilerplate", "body"]


def test_registrable_domain_and_split_keep_a_site_together():
    assert registrable_domain("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert registrable_domain("http://www.example.com/a?b") == "example.com"
    assert registrable_domain("blog.example.de") == "example.de"
    assert split_of("bbc.co.uk") == split_of("bbc.co.uk")
    sites = [f"site{i}.example" for i in range(400)]
    share = sum(split_of(s) == "heldout" for s in sites) / len(sites)
    assert 0.12 < share < 0.28


# the committed data, found from the test file so that a non-editable install tests it too
REAL = Path(__file__).resolve().parents[1] / "training_data" / "real"


def test_committed_data_never_puts_a_heldout_site_in_train():
    """Every record's split is its site's; a site never straddles the split (the first 300 pages
    of each source, to keep the test fast; the builder assigns the split the same way to all)."""
    import itertools

    split_by_site: dict = {}
    n = 0
    files = sorted(REAL.glob("*.jsonl.xz"))
    assert [f.name for f in files] == ["canola.jsonl.xz", "newsarticles.jsonl.xz", "readability.jsonl.xz",
                                       "trafilatura.jsonl.xz", "wcxb.jsonl.xz"]
    for file in files:
        for rec in itertools.islice(read_records(file), 300):
            n += 1
            assert rec["split"] == split_of(rec["site"]), rec["id"]
            assert split_by_site.setdefault(rec["site"], rec["split"]) == rec["split"], rec["id"]
            assert all(ln is None or ln[0] in LABELS + ("unknown",) for ln in rec["lines"])
            assert all(ln is None or ln[0] in LABELS + ("unknown",) for ln in rec["fulltext"])
    assert n > 600
    assert set(split_by_site.values()) == {"train", "heldout"}


def test_committed_canola_pages_carry_no_annotator_markup():
    """CANOLA's annotation tool wrote its tags (`krdwrd-tag-1` = boilerplate) into the class
    attribute of ordinary elements; left in, they become class hints a model (and the labeling
    rules) would read. The builder strips them, so no stored hint names them."""
    hints = [h for rec in read_records(REAL / "canola.jsonl.xz") for ln in rec["lines"] if ln and len(ln) > 2
             for h in ln[2].get("hints", ())]
    assert len(hints) > 10_000
    assert not [h for h in hints if "krdwrd" in h]


def test_evaluate_committed_scores_a_few_heldout_pages():
    result = evaluate_committed("heldout", path=REAL, limit=3)
    overall = result["all"]
    assert overall["pages"] >= 1
    assert 0.0 <= overall["word_f1"] <= 1.0 and 0.0 <= overall["line_f1"] <= 1.0
    assert overall["emptied"] <= overall["pages"]


def test_a_paragraph_repeated_in_a_teaser_box_is_body_once():
    para = "The valley council met on Tuesday and agreed to repair the old bridge."
    lines = [para, "Work starts next month and the road stays open.", para]
    assert body_lines(lines, para + "\nWork starts next month and the road stays open.") == [True, True, False]


def test_a_missing_mirror_is_a_clear_error(tmp_path):
    from textsieve.errors import TextsieveError
    from textsieve.training.real_pages import build

    with pytest.raises(TextsieveError, match="fetch github:mozilla/readability"):
        build(tmp_path, tmp_path / "out", sources=("readability",))


def _news_mirror(tmp_path, entries, pages, drop=()):
    """A bare mirror laid out as the news-article source; the blobs of ``drop`` are deleted, so
    they are listed but absent, as the largest files of a fetched snapshot can be."""
    import subprocess

    work = tmp_path / "work"
    (work / "html").mkdir(parents=True)
    for name, html in pages.items():
        (work / "html" / f"{name}.html").write_text(html, encoding="utf-8")
    (work / "news_articles.json").write_text(json.dumps(entries), encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example", "-C", str(work)]
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "data"], check=True)
    root = tmp_path / "mirrors"
    mirror = root / "AndyTheFactory+article-extraction-dataset" / "repo"
    subprocess.run(["git", "clone", "-q", "--bare", "--no-hardlinks", str(work), str(mirror)], check=True)
    for name in drop:
        blob = subprocess.run(["git", "--git-dir", str(mirror), "rev-parse", f"HEAD:html/{name}.html"], check=True,
                              capture_output=True, text=True).stdout.strip()
        (mirror / "objects" / blob[:2] / blob[2:]).unlink()
    return root


def test_news_articles_are_read_with_their_cleaned_text_and_an_absent_page_is_skipped(tmp_path):
    """Each entry names its page and its hand-cleaned text; pages come in file-name order, the
    site is the article link's domain (not the source's ``site`` field), and an entry whose page
    is listed but absent from the snapshot is left out."""
    from textsieve.training.real_pages import iter_pages

    entries = [
        {"html_file": "bbb", "link": "https://news.valley.example/2023/bridge", "text": GOLD,
         "title": "News from the valley", "authors": "Jane Doe", "site": "http://valley-news.example"},
        {"html_file": "aaa", "link": "https://other.example/x", "text": GOLD, "title": "T", "authors": ""},
        {"html_file": "ccc", "link": "https://gone.example/x", "text": "Lost.", "title": "T", "authors": ""},
    ] + [{"html_file": f"f{i}", "link": f"https://f{i}.example/x", "text": GOLD} for i in range(8)]
    # distinct contents, so that deleting one page's blob deletes no other page
    html = {e["html_file"]: PAGE.replace("Valley News", e["html_file"]) for e in entries}
    root = _news_mirror(tmp_path, entries, html, drop=("ccc",))
    pages = [page for page, _commit in iter_pages(root, parse_html, ("newsarticles",))]
    assert [p.id for p in pages] == ["newsarticles/aaa", "newsarticles/bbb"] + [f"newsarticles/f{i}" for i in range(8)]
    page = pages[1]
    assert (page.site, page.page_type, page.title, page.author) == ("valley.example", "article",
                                                                    "News from the valley", "Jane Doe")
    assert pages[0].author is None
    rec = label_page(page, parse_html, fulltext=None)
    assert labeled("The valley council", rec) == "body"
    assert labeled("Copyright 2024", rec) == "boilerplate"


def test_news_articles_mostly_missing_are_an_error_not_a_smaller_data_set(tmp_path):
    from textsieve.errors import CorpusError
    from textsieve.training.real_pages import iter_pages

    entries = [{"html_file": n, "link": f"https://{n}.example/x", "text": GOLD} for n in ("aaa", "bbb")]
    root = _news_mirror(tmp_path, entries, {"aaa": PAGE}, drop=())
    with pytest.raises(CorpusError, match="1 of the 2 news articles have no html"):
        list(iter_pages(root, parse_html, ("newsarticles",)))


def test_markdown_rendering_carries_labels_and_marks_headings_and_items():
    from textsieve.training.real_pages import markdown_lines

    page = RealPage("t/2", "test", "", "x.example", "article", PAGE, gold=GOLD, title="News from the valley")
    rec = label_page(page, parse_html, fulltext=None)
    md = [ln for ln in markdown_lines(rec) if ln]
    assert ["boilerplate", "- Home"] in md
    assert ["body", "# News from the valley"] in md
    assert ["body", "## News"] in md
    assert [ln[0] for ln in md] == [ln[0] for ln in rec["lines"] if ln]


def test_the_soup_rendering_breaks_sentences_at_links_and_carries_the_labels():
    from textsieve.training.real_pages import plain_rendering, soup_text

    html = PAGE.replace("repair the old bridge", 'repair <a href="/bridge">the old bridge</a>')
    page = RealPage("t/3", "test", "", "x.example", "article", html, gold=GOLD, title="News from the valley")
    rec = label_page(page, parse_html, fulltext=None)
    rows = [r for r in plain_rendering(page, soup_text(html), rec["lines"]) if r]
    texts = [r[1] for r in rows]
    # A text node a line: the link cuts the sentence in three, and each piece is body.
    i = texts.index("The valley council met on Tuesday and agreed to repair")
    assert texts[i + 1:i + 3] == ["the old bridge", "before winter comes."]
    assert [r[0] for r in rows[i:i + 3]] == ["body"] * 3
    assert dict((t, lab) for lab, t in rows)["Copyright 2024 Valley News. All rights reserved."] == "boilerplate"
    assert ["link_spam", "Council approves new budget for the coming year"] in rows


def test_a_stored_rendering_is_attached_by_page_id(tmp_path):
    import json
    import lzma

    from textsieve.errors import InputError
    from textsieve.training.real_mix import record_documents
    from textsieve.training.real_pages import attach_rendering

    recs = [{"id": "t/1", "site": "a.example", "split": "train", "gold": "text", "lines": [], "fulltext": []},
            {"id": "t/2", "site": "b.example", "split": "train", "gold": "text", "lines": [], "fulltext": []}]
    with pytest.raises(InputError, match="render souptext"):
        attach_rendering(recs, "souptext", tmp_path)
    (tmp_path / "souptext").mkdir()
    with lzma.open(tmp_path / "souptext" / "test.jsonl.xz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "t/2", "souptext": [["boilerplate", "Home"], None, ["body", "A sentence."]]}) + "\n")
    attach_rendering(recs, "souptext", tmp_path)
    assert "souptext" not in recs[0] and recs[1]["souptext"][2] == ["body", "A sentence."]
    assert record_documents(recs[0], ("souptext",)) == []  # a page the rendering does not hold gives none
    (doc,) = record_documents(recs[1], ("souptext",))
    assert doc.name == "t/2#souptext" and doc.lines == ["Home", "", "A sentence."] and doc.group == "real:b.example"


def test_a_noscript_forum_with_a_hidden_loading_template_renders_its_posts_in_both_texts():
    # a Discourse-like page: the posts are in <noscript>, the only other text a hidden template;
    # hidden text is not shown text, so both the block lines and the full text read the posts
    post = "Post one says the valve was replaced last spring and has held fine since then."
    html = ("<html><body><div hidden><p>Loading the discussion, this can take a moment on slow connections.</p></div>"
            f"<noscript><div class=posts><p>{post}</p></div></noscript></body></html>")
    page = RealPage("t/3", "test", "", "x.example", "forum", html, gold=post)
    rec = label_page(page, parse_html, fulltext=lambda h: parse_html(h).text)
    assert rec["noscript"] is True
    assert ["body", post] in [ln[:2] for ln in rec["lines"] if ln]
    assert ["body", post] in [ln[:2] for ln in rec["fulltext"] if ln]


# A page whose lines sit under long chains of class names (a page builder's nesting inside a
# comment area) and under images with long alt texts: more hint tokens and alt words than the
# committed data stores per line.
DEEP = ('<html><body><h1>Harbour news</h1><p>Read every story of the harbour town, every day of the year.</p>'
        '<div class="comments-area">' + '<div class="row col inner">' * 3
        + '<div class="entry-content post-body">'
        + '<img src="a.jpg" alt="A long description of a harbour at dawn with fishing boats, gulls, nets and '
          'a lighthouse on the rocky point">'
        + "<p>Fishing boats leave the harbour at dawn while the gulls circle the lighthouse above.</p>"
        + "<p>The harbour master keeps the nets, the boats and the old lighthouse in good order all year.</p>"
        + "</div>" * 5 + "</body></html>")


@pytest.mark.xfail(strict=True, reason=(
    "known skew: the committed real pages store a line's nearest 8 class/id tokens and 8 alt words, "
    "a fresh parse gives up to 16 and 40, so hint_comment and alt_overlap differ here. Making the core "
    "read only what the data stores was measured on 2026-11-30 (5 seeds retrained each way, held-out "
    "real pages from the mirrors): word F1 -0.001 HTML / -0.000 text, must-not leaked +0.0065 HTML, so "
    "the far hints help at serving. Storing every hint (a data rebuild) and retraining was measured on "
    "2026-12-02 (seeds 6 and 2): no better on held-out real pages, and both lost most of the archive page "
    "of benchmarks/html/pages (benchmarks/EXPERIMENTS.md)."))
def test_a_page_read_back_from_the_committed_data_gives_the_features_of_a_fresh_parse():
    """Training reads real pages from the committed data (hints cut to the nearest few, a few alt
    words); serving parses the page. The model should see the same numbers either way, or it
    learns from inputs it never meets."""
    from textsieve.training.corpus import LabeledDocument
    from textsieve.training.real_pages import context_dict
    from textsieve.training.table import featurize_documents

    page = parse_html(DEEP)
    assert any(c is not None and len(c.hints) > 8 for c in page.contexts)
    assert any(c is not None and len(c.alt) > 8 for c in page.contexts)
    lines = page.text.split("\n")
    if lines[-1] == "":
        lines.pop()
    labels = ["body" if ln else "" for ln in lines]
    fresh = LabeledDocument("fresh", lines, labels, html=DEEP)
    stored = LabeledDocument("stored", lines, labels,
                             contexts=[None if c is None else context_dict(c) for c in page.contexts[:len(lines)]])
    table = featurize_documents([fresh, stored])
    a, b = table.dense[table.doc == 0], table.dense[table.doc == 1]
    assert a.shape == b.shape and a.shape[0] >= 2
    names = table.dense_names
    differ = sorted({names[j] for j in np.flatnonzero((a != b).any(axis=0))})
    assert differ == [], f"features that differ between a fresh parse and the stored data: {differ}"


def test_a_damaged_records_file_is_named_with_its_line(tmp_path):
    import lzma

    from textsieve.errors import CorpusError
    from textsieve.training.real_pages import read_records

    good = json.dumps({"id": "a", "split": "train"}) + "\n"
    cases = {"truncated": lzma.compress((good * 50).encode())[:-40], "badjson": lzma.compress((good + "{oops\n").encode()),
             "nosplit": lzma.compress((good + json.dumps({"id": "b"}) + "\n").encode())}
    for name, data in cases.items():
        path = tmp_path / f"{name}.jsonl.xz"
        path.write_bytes(data)
        with pytest.raises(CorpusError, match=f"{name}.jsonl.xz") as err:
            list(read_records(path))
        assert "Rebuild it" in str(err.value)
    assert "badjson.jsonl.xz:2: not a JSON record" in _message(read_records, tmp_path / "badjson.jsonl.xz")
    assert "nosplit.jsonl.xz:2: a record needs a split" in _message(read_records, tmp_path / "nosplit.jsonl.xz")


def _message(read, path):
    from textsieve.errors import CorpusError

    try:
        list(read(path))
    except CorpusError as exc:
        return str(exc)
    return ""


def test_one_sources_records_are_read_from_its_own_file_or_picked_from_all(tmp_path):
    import lzma

    from textsieve.training.real_pages import read_records

    def records(source, n):
        return [{"id": f"{source}/{i}", "source": source, "split": ("train", "heldout")[i % 2]} for i in range(n)]

    for source, n in (("alpha", 4), ("wcxb", 3)):
        (tmp_path / f"{source}.jsonl.xz").write_bytes(lzma.compress("".join(json.dumps(r) + "\n" for r in records(source, n)).encode()))
    assert [r["id"] for r in read_records(tmp_path, "heldout", source="wcxb")] == ["wcxb/1"]
    assert [r["id"] for r in read_records(tmp_path, source="alpha")] == [f"alpha/{i}" for i in range(4)]
    # a folder without the source's own file: its records are picked out of the others
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "all.jsonl.xz").write_bytes(lzma.compress("".join(json.dumps(r) + "\n" for r in records("alpha", 2) + records("wcxb", 2)).encode()))
    assert [r["id"] for r in read_records(mixed, source="wcxb")] == ["wcxb/0", "wcxb/1"]
    assert list(read_records(tmp_path, source="nowhere")) == []
