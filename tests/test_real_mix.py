"""Real pages -> training documents: train split only, unknown lines handled, renderings aligned."""
import pytest

from textsieve.errors import CorpusError
from textsieve.training.corpus import BLANK
from textsieve.training.real_mix import real_documents, record_documents
from textsieve.training.table import featurize_documents


def _record(rid="wcxb/1", site="example.com", split="train", gold="text", unknown=False):
    nav = {"tag": "a", "link_share": 1.0, "ancestors": ["nav", "ul"], "link_list": True}
    lines = [
        ["boilerplate", "Home", nav],
        ["boilerplate", "Local News", nav],
        None,
        ["body", "Headline of the story", {"tag": "h1"}],
        ["unknown" if unknown else "body",
         "The council met on Tuesday and agreed to build a new bridge over the river.", {"tag": "p"}],
        ["author_meta", "By Jane Doe", {"tag": "p", "hints": ["byline"]}],
        None,
    ]
    fulltext = [["boilerplate", "• Home"], ["boilerplate", "• Local News"], ["body", "Headline of the story"],
                ["body", "The council met on Tuesday and agreed to build a new bridge over the river."],
                ["author_meta", "By Jane Doe"]]
    return {"id": rid, "source": rid.split("/")[0], "url": f"https://{site}/a", "site": site, "page_type": "article",
            "split": split, "gold": gold, "with": [], "without": [], "lines": lines, "fulltext": fulltext}


def test_a_record_gives_html_fulltext_and_markdown_documents_with_their_labels():
    docs = {d.name.split("#")[1]: d for d in record_documents(_record())}
    assert set(docs) == {"html", "fulltext", "markdown"}
    html = docs["html"]
    # blank lines stay (blank label, no context) except the trailing one; contexts line up
    assert html.labels == ["boilerplate", "boilerplate", BLANK, "body", "body", "author_meta"]
    assert [c is None for c in html.contexts] == [lab == BLANK for lab in html.labels]
    assert html.is_html and not docs["fulltext"].is_html and not docs["markdown"].is_html
    assert docs["markdown"].lines[3] == "# Headline of the story"
    assert docs["markdown"].lines[0] == "- Home"
    assert docs["fulltext"].labels == ["boilerplate", "boilerplate", "body", "body", "author_meta"]
    # every document of a page is grouped by its site (out-of-fold scores never see the site)
    assert {d.group for d in docs.values()} == {"real:example.com"}


def test_heldout_records_are_refused():
    with pytest.raises(CorpusError, match="held-out"):
        record_documents(_record(split="heldout"))
    with pytest.raises(CorpusError, match="held-out"):
        real_documents(records=[_record(), _record(rid="wcxb/2", split="heldout")])


def test_unknown_lines_skip_the_rendering_and_snippet_pages_are_skipped():
    docs = record_documents(_record(unknown=True))
    # the block lines hold an unknown line: no html/markdown document; the full text is fully labeled
    assert [d.name for d in docs] == ["wcxb/1#fulltext"]
    assert record_documents(_record(rid="trafilatura/1", gold="snippets")) == []


def test_snippet_pages_come_whole_with_their_unknown_lines_as_unfitted_context():
    from textsieve.training.corpus import UNLABELED

    snippet = _record(rid="trafilatura/1", site="blog.de", gold="snippets", unknown=True)
    docs = {d.name.split("#")[1]: d for d in record_documents(snippet, unlabeled=True)}
    html = docs["html"]
    # every line of the page is there, in place; the unknown one is context, not a class
    assert html.labels == ["boilerplate", "boilerplate", BLANK, "body", UNLABELED, "author_meta"]
    assert UNLABELED not in html.label_set()
    # a page with no labeled line at all gives nothing
    bare = _record(rid="trafilatura/2", gold="snippets")
    bare["lines"] = [["unknown", "Some line", {"tag": "p"}]]
    bare["fulltext"] = [["unknown", "Some line"]]
    assert record_documents(bare, ("html", "fulltext"), unlabeled=True) == []
    # in the mix: the text-gold pages' documents are unchanged, the snippet pages come after them
    text_pages = [_record(rid=f"wcxb/{i}", site=f"s{i}.com") for i in range(6)]
    plain = real_documents(records=text_pages + [snippet], seed=2)
    mixed = real_documents(records=text_pages + [snippet], seed=2, snippet_pages=True)
    assert [d.name for d in mixed[:len(plain)]] == [d.name for d in plain]
    assert [d.name.split("#")[0] for d in mixed[len(plain):]] == ["trafilatura/1", "trafilatura/1"]
    again = real_documents(records=text_pages + [snippet], seed=2, snippet_pages=True)
    assert [(d.name, d.labels) for d in again] == [(d.name, d.labels) for d in mixed]
    # a held-out snippet page is refused like any held-out page
    with pytest.raises(CorpusError, match="held-out"):
        real_documents(records=[_record(), dict(snippet, split="heldout")], snippet_pages=True)


def test_unlabeled_rows_are_featurized_but_never_fitted_nor_a_class():
    import numpy as np

    from textsieve.training.corpus import UNLABELED
    from textsieve.training.train import TrainConfig, fit_row_mask, fitted_labels

    snippet = _record(rid="trafilatura/1", site="blog.de", gold="snippets", unknown=True)
    table = featurize_documents(record_documents(snippet, ("html", "fulltext"), unlabeled=True))
    unlabeled = table.y == UNLABELED
    assert unlabeled.sum() == 1  # the html rendering's unknown line (the full text labels it body)
    assert not (fit_row_mask(table, TrainConfig()) & unlabeled).any()
    assert UNLABELED not in fitted_labels(table.y)
    # nor scored: an unlabeled gold line counts neither for nor against a prediction
    from textsieve.evaluate import line_metrics

    scored = line_metrics(["body", UNLABELED, "boilerplate"], ["body", "body", "boilerplate"])
    assert scored["lines"] == 2 and scored["accuracy"] == 1.0


def test_default_mix_is_html_plus_one_plain_rendering_and_deterministic():
    recs = [_record(rid=f"wcxb/{i}", site=f"s{i}.com") for i in range(20)]
    a = real_documents(records=recs, seed=3)
    b = real_documents(records=list(reversed(recs)), seed=3)
    assert [d.name for d in a] == [d.name for d in b]
    kinds = [d.name.split("#")[1] for d in a]
    assert kinds.count("html") == 20 and kinds.count("fulltext") + kinds.count("markdown") == 20
    assert 0 < kinds.count("fulltext") < 20  # both plain renderings occur
    few = real_documents(records=recs, seed=3, max_pages=5)
    assert len({d.name.split("#")[0] for d in few}) == 5


def test_documents_featurize_through_the_core_with_their_labels():
    docs = record_documents(_record())
    table = featurize_documents(docs)
    assert set(table.y) == {"boilerplate", "body", "author_meta"}
    html_rows = table.rows_of([0])
    assert list(table.y[html_rows]) == ["boilerplate", "boilerplate", "body", "body", "author_meta"]


def test_committed_train_records_give_documents_and_never_a_heldout_site():
    from textsieve.training.real_pages import DATA_DIR, read_records

    if not DATA_DIR.is_dir():
        pytest.skip(f"no committed real pages at {DATA_DIR}")
    import itertools

    # The first 300 records of each source: reading all 16 MB of them took 13 s of the suite,
    # and tests/test_real_pages.py checks the split rule itself.
    records = [rec for file in sorted(DATA_DIR.glob("*.jsonl.xz")) for rec in itertools.islice(read_records(file), 300)]
    heldout_sites = {r["site"] for r in records if r["split"] == "heldout"}
    train = [r for r in records if r["split"] == "train"]
    assert heldout_sites and train
    docs = real_documents(records=train, max_pages=30, seed=0)
    assert docs and all(d.group.startswith("real:") for d in docs)
    assert not {d.group[len("real:"):] for d in docs} & heldout_sites
    # no committed train page shares a site with a held-out one
    assert not {r["site"] for r in train} & heldout_sites


def test_boilerplate_predictions_score_as_drop_on_four_label_gold():
    from textsieve.evaluate import line_metrics, prediction_rows
    from textsieve.labels import LabeledLine

    gold = ["body", "link_spam", "body"]
    m = line_metrics(gold, ["body", "boilerplate", "boilerplate"])
    # not a class of the macro average (the gold predates it), a removed line for body-keep
    assert set(m["per_label"]) == {"body", "link_spam"}
    assert m["per_label"]["link_spam"]["recall"] == 0.0 and m["body_keep"]["recall"] == 0.5
    # on gold that has the label, it is a class like any other
    assert "boilerplate" in line_metrics(["boilerplate", "body"], ["boilerplate", "body"])["per_label"]
    text = "Home\nThe story.\n"
    recs = [LabeledLine(text="Home", label="boilerplate", scores={}, line=0, start=0, end=4),
            LabeledLine(text="The story.", label="body", scores={}, line=1, start=5, end=15)]
    assert prediction_rows(text, recs) == ["drop\tHome", "body\tThe story."]


def test_one_site_in_eight_also_gives_long_all_prose_texts_in_its_pages_group():
    from textsieve.training.real_mix import (PROSE_GROUP, PROSE_LINES, is_prose_text, prose_bucket,
                                             prose_documents, prose_site)

    sites = [f"s{i}.com" for i in range(200)]
    chosen = [s for s in sites if prose_site(s)]
    assert 10 <= len(chosen) <= 40 and prose_site(chosen[0])  # about one in eight, fixed by the site alone
    # one page per site, and 30 more for each chosen site (enough body lines for long texts)
    recs = [_record(rid=f"wcxb/{i}", site=s) for i, s in enumerate(sites)]
    recs += [_record(rid=f"wcxb/{s}-{j}", site=s) for s in chosen for j in range(30)]
    docs = real_documents(records=recs, seed=1, prose=True)
    pages = [d for d in docs if not is_prose_text(d)]
    prose = [d for d in docs if is_prose_text(d)]
    assert pages and prose and all("#" in d.name for d in pages) and not any("#" in d.name for d in prose)
    # every page still gives its documents, the chosen sites' too, with the same lines as without prose=True
    plain = real_documents(records=recs, seed=1)
    assert [(d.name, d.lines) for d in pages] == [(d.name, d.lines) for d in plain]
    # a chosen site's pages share their bucket's group with the prose texts made of them, so the
    # grouped folds score a text with a model that saw none of its lines; other sites keep theirs
    site_of = {r["id"]: r["site"] for r in recs}
    for d in pages:
        site = site_of[d.name.split("#")[0]]
        bucket = prose_bucket(site)
        assert d.group == (f"real:{site}" if bucket is None else f"{PROSE_GROUP}{bucket}")
    assert {d.group for d in prose} <= {f"{PROSE_GROUP}{prose_bucket(s)}" for s in chosen}
    # the prose texts are all body: two body lines per chosen page, per bucket (a last text
    # under PROSE_LINES[0] lines is dropped)
    assert all(set(d.labels) <= {"body", BLANK} for d in prose)
    for group in {d.group for d in prose}:
        lines = sum(lab == "body" for d in prose if d.group == group for lab in d.labels)
        n_pages = sum(1 for r in recs if prose_site(r["site"]) and f"{PROSE_GROUP}{prose_bucket(r['site'])}" == group)
        assert 2 * n_pages - PROSE_LINES[0] < lines <= 2 * n_pages
    assert len({d.name for d in prose}) == len(prose)  # numbered across buckets
    # with max_pages, the texts are made of the chosen pages only
    few = real_documents(records=recs, seed=1, prose=True, max_pages=300)
    used = {d.name.split("#")[0] for d in few if not is_prose_text(d)}
    chosen_lines = 2 * sum(1 for r in recs if r["id"] in used and prose_site(r["site"]))
    assert len(used) == 300 and sum(lab == "body" for d in few if is_prose_text(d) for lab in d.labels) <= chosen_lines

    # long texts: PROSE_LINES lines, page after page, seeded, blank-separated in about half
    many = [_record(rid=f"wcxb/{i}", site="x.com") for i in range(600)]
    texts = prose_documents(many, seed=5)
    counts = [sum(lab == "body" for lab in d.labels) for d in texts]
    assert all(PROSE_LINES[0] <= c <= PROSE_LINES[1] for c in counts) and len(texts) >= 3
    assert any(BLANK in d.labels for d in texts) and any(BLANK not in d.labels for d in texts)
    assert [d.lines for d in texts] == [d.lines for d in prose_documents(many, seed=5)]
    assert [ln for ln in texts[0].lines if ln][:2] == ["Headline of the story",
                                  "The council met on Tuesday and agreed to build a new bridge over the river."]


def test_a_page_whose_gold_stops_in_the_middle_of_its_prose_is_left_out():
    from textsieve.training.real_mix import gold_stops_mid_prose

    para = "Paragraph {} of the essay goes on about the history of the web and what it meant to us."
    article = [["body", para.format(i)] for i in range(12)]
    cut = dict(_record(rid="wcxb/9", site="cut.com"),
               fulltext=[["boilerplate", "• Home"], *article[:6], ["caption", "Old Instagram"],
                         *[["boilerplate", t] for _, t in article[6:]]])
    # comments: posts labeled chrome after the article, but names and dates break the run
    posts = [row for i in range(6) for row in (["boilerplate", f"Reader {i}"], ["boilerplate", "3 days ago"],
                                               ["boilerplate", para.format(100 + i)])]
    comments = dict(_record(rid="wcxb/8", site="comments.com"), fulltext=[*article, ["boilerplate", "6 Comments"],
                                                                          *posts])
    # product descriptions the gold leaves out, item by item: many changes of label
    mixed = dict(_record(rid="wcxb/7", site="mixed.com"),
                 fulltext=[row for i in range(6) for row in (["body", para.format(i)], ["boilerplate", para.format(50 + i)])])
    assert gold_stops_mid_prose(cut)
    assert not gold_stops_mid_prose(comments) and not gold_stops_mid_prose(mixed)
    assert not gold_stops_mid_prose(_record())
    docs = real_documents(records=[cut, comments, mixed, _record()], seed=0, skip_cut_gold=True)
    assert {d.name.split("#")[0] for d in docs} == {"wcxb/8", "wcxb/7", "wcxb/1"}
    # off by default: the shipped model was trained with every page
    assert "wcxb/9" in {d.name.split("#")[0] for d in real_documents(records=[cut, _record()], seed=0)}


def test_training_reads_every_real_page_in_all_three_renderings():
    import inspect

    from textsieve.training.train import DEFAULT_REAL_RENDERINGS, build_table, train

    for fn in (train, build_table):
        assert inspect.signature(fn).parameters["real_renderings"].default == DEFAULT_REAL_RENDERINGS
    recs = [_record(rid=f"wcxb/{i}", site=f"s{i}.com") for i in range(4)]
    docs = real_documents(records=recs, seed=3, renderings=DEFAULT_REAL_RENDERINGS)
    by_page: dict = {}
    for d in docs:
        page, kind = d.name.split("#")[:2]
        by_page.setdefault(page, []).append(kind)
    assert sorted(by_page) == sorted(r["id"] for r in recs)
    assert all(sorted(kinds) == ["fulltext", "html", "markdown"] for kinds in by_page.values())


def test_the_news_articles_are_trained_on_by_default_under_their_two_rules(tmp_path):
    """Every real source is read by default. A news page gives HTML lines and ONE plain
    rendering (a hash of its id picks which, whatever the seed), and a news page of more than
    ENDLESS_PAGE_LINES rows (a story lost in a huge page) is left out with
    skip_cut_gold; a WCXB page of the same length stays, and so do both its plain renderings."""
    import hashlib
    import json
    import lzma

    from textsieve.training.real_mix import ENDLESS_PAGE_LINES, one_story_of_many, plain_renderings
    from textsieve.training.train import DEFAULT_REAL_RENDERINGS, DEFAULT_REAL_SOURCES, read_real

    assert "newsarticles" in DEFAULT_REAL_SOURCES
    news = [_record(rid=f"newsarticles/a{i}", site=f"news{i}.example") for i in range(8)]
    endless = _record(rid="newsarticles/long", site="tabloid.example")
    endless["lines"] = endless["lines"] * (ENDLESS_PAGE_LINES // len(endless["lines"]) + 1)
    long_wcxb = dict(endless, id="wcxb/long", source="wcxb", site="forum.example")
    assert one_story_of_many(endless) and not one_story_of_many(long_wcxb) and not one_story_of_many(news[0])
    at_limit = dict(endless, lines=endless["lines"][:ENDLESS_PAGE_LINES])  # rows, blank separators included
    assert not one_story_of_many(at_limit) and one_story_of_many(dict(at_limit, lines=at_limit["lines"] + [None]))
    real = tmp_path / "real"
    real.mkdir()
    for name, recs in (("newsarticles", news + [endless]), ("wcxb", [long_wcxb, _record(rid="wcxb/0001")])):
        with lzma.open(real / f"{name}.jsonl.xz", "wt", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in recs)

    def renderings(**kw):
        by_page: dict = {}
        for d in read_real(tmp_path, prose=False, **kw):
            page, kind = d.name.split("#")[:2]
            by_page.setdefault(page, []).append(kind)
        return by_page

    pages = renderings()
    assert "newsarticles/long" not in pages and "wcxb/long" in pages
    assert sorted(pages["wcxb/long"]) == sorted(pages["wcxb/0001"]) == sorted(DEFAULT_REAL_RENDERINGS)
    plains = {p: [k for k in kinds if k != "html"] for p, kinds in pages.items() if p.startswith("newsarticles/")}
    assert all(len(k) == 1 and "html" in pages[p] for p, k in plains.items())
    assert {k[0] for k in plains.values()} == {"fulltext", "markdown"}  # both forms occur over eight pages
    for page, kinds in plains.items():  # the pick is the page id's sha256, whatever the seed
        digest = int(hashlib.sha256(page.encode()).hexdigest(), 16)
        assert kinds == [("fulltext", "markdown")[digest % 2]]
    assert renderings(seed=9) == pages
    assert "newsarticles/long" in renderings(skip_cut_gold=False)
    # only where both plain renderings are asked for; other pages and other asks pass through
    assert plain_renderings(news[0], ("html", "fulltext")) == ("html", "fulltext")
    assert plain_renderings(_record(), DEFAULT_REAL_RENDERINGS) == DEFAULT_REAL_RENDERINGS


def test_short_excerpts_are_a_few_lines_of_a_page_with_its_labels_in_its_group():
    # A record a pipeline cleans is often a few lines cut from a page, with a line of its chrome.
    from textsieve.training.real_mix import EXCERPT_NAME, is_prose_text

    recs = [_record(rid=f"wcxb/{i}", site=f"s{i}.com") for i in range(12)]
    plain = real_documents(records=recs, seed=3)
    docs = real_documents(records=recs, seed=3, excerpts=2)
    cut = [d for d in docs if d.name.startswith(EXCERPT_NAME)]
    assert [d.name for d in docs[:len(plain)]] == [d.name for d in plain]  # the pages' documents first, unchanged
    assert len(cut) == 24 and all(is_prose_text(d) for d in cut)  # fitted like the prose texts
    page_lines = {(label, text) for label, text in recs[0]["fulltext"]}
    groups = {d.group for d in plain}
    for d in cut:
        pairs = [(label, text) for label, text in zip(d.labels, d.lines) if label != BLANK]
        assert pairs and set(pairs) <= page_lines and any(label == "body" for label, _ in pairs)
        assert d.group in groups and d.group.startswith("real:")
    # the same seed gives the same excerpts; a page with an unknown line gives none
    assert [(d.lines, d.group) for d in cut] == [(d.lines, d.group) for d in real_documents(
        records=recs, seed=3, excerpts=2) if d.name.startswith(EXCERPT_NAME)]
    unknown = _record()
    unknown["fulltext"][3][0] = "unknown"
    assert not [d for d in real_documents(records=[unknown], seed=3, excerpts=2) if d.name.startswith(EXCERPT_NAME)]
