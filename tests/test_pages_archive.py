"""Archive pages: a blog home page showing many entries, one after another, whose prose is all body.

A model trained only on one-article pages learned that long prose late on a big page is user
comments (boilerplate) and emptied such pages; these pages teach it otherwise. What must hold:
every entry keeps its labels, the entry titles (links) are body, the date lines author_meta, the
site's chrome ``chrome_label``, the page reads back through the core's parser as training sees
it, and one seed gives one page.
"""
import re

from textsieve import _core
from textsieve.training.corpus import LabeledDocument
from textsieve.training.pages import PageRenderer, render_archive, render_archives

TOPICS = ["dry stone walls", "sourdough starters", "canal boats", "allotment onions", "bell ringing",
          "kite making", "tide pools", "hedge laying"]


def entry(k: int, topic: str, group: str | None = None) -> LabeledDocument:
    """A small blog post: a title, three paragraphs, and one related-link line (junk)."""
    lines = [f"What I Learned About {topic.title()} This Year", ""]
    for p in range(3):
        lines += [f"Post {k}, paragraph {p}: the {topic} took longer than planned, and each week taught "
                  f"something new about patience, weather and the tools a beginner really needs.", ""]
    lines.append(f"Related: Ten more stories about {topic}")
    labels = ["body" if ln else "blank" for ln in lines[:-1]] + ["link_spam"]
    return LabeledDocument(f"en-post-{k}", lines, labels, group=group or f"post-{k}")


def test_an_archive_of_eight_posts_keeps_every_entry_body_and_labels_the_rest():
    docs = [entry(k, topic) for k, topic in enumerate(TOPICS)]
    titles = {d.lines[0] for d in docs}
    paragraphs = {ln for d in docs for ln, lab in zip(d.lines, d.labels) if lab == "body"} - titles
    seen_excerpt = seen_full = False
    for seed in range(12):  # enough seeds to see full posts and excerpts, dates before and after titles
        renderer = PageRenderer(seed=seed)
        page = render_archive(docs, renderer, "en-archive~html", group="archive-group")
        assert page.group == "archive-group" and page.is_html
        assert _core.parse_html(page.html)[0] == page.text  # what serving reads is what training sees
        rows = [(ln, lab) for ln, lab in zip(page.lines, page.labels) if lab != "blank"]
        # Every entry title is on the page once as body (a link to the post, but the post's own
        # title); a sidebar of recent posts may list it again, as chrome.
        body_titles = [ln for ln, lab in rows if lab == "body" and ln in titles]
        assert sorted(body_titles) == sorted(titles)
        assert {lab for ln, lab in rows if ln in titles} <= {"body", "boilerplate"}
        # Every entry paragraph shown is body; full posts show all of them, excerpts some of each.
        shown = [ln for ln, _ in rows if ln in paragraphs]
        assert {lab for ln, lab in rows if ln in paragraphs} == {"body"}
        if renderer.excerpt:
            seen_excerpt = True
            excerpt_lines = [ln for ln, lab in rows if lab == "body" and ln.startswith("Post ")]
            assert {int(ln.split(",")[0].split()[1]) for ln in excerpt_lines} == set(range(len(docs)))
        else:
            seen_full = True
            assert set(shown) == paragraphs
        # One date line per entry, author_meta, with a year in it.
        dates = [ln for ln, lab in rows if lab == "author_meta"]
        assert len(dates) == len(docs) and all(re.search(r"20\d\d", d) for d in dates)
        # The entries' junk is dropped or kept with its own label, never relabeled.
        assert {lab for ln, lab in rows if ln.startswith("Related:")} <= {"link_spam"}
        # Everything else is site chrome, but for the archive's own heading and intro (body).
        entry_text = titles | paragraphs | set(dates)
        other = [(ln, lab) for ln, lab in rows if ln not in entry_text and not ln.startswith(("Related:", "Post "))]
        assert len([1 for _, lab in other if lab == "body"]) <= 2
        assert {lab for _, lab in other if lab != "body"} <= {"boilerplate"}
        for ln, lab in other:
            if re.search(r"Read more|Continue reading|Older posts|Comments?\b|comments?\b|Filed under|Posted in|Recent Posts", ln):
                assert lab == "boilerplate", ln
    assert seen_excerpt and seen_full


def test_the_same_seed_gives_the_same_page_and_another_seed_another():
    docs = [entry(k, topic) for k, topic in enumerate(TOPICS)]
    one = render_archive(docs, PageRenderer(seed=5), "a")
    two = render_archive(docs, PageRenderer(seed=5), "a")
    assert (one.html, one.lines, one.labels) == (two.html, two.lines, two.labels)
    assert render_archive(docs, PageRenderer(seed=6), "a").html != one.html


def test_chrome_takes_the_chrome_label():
    docs = [entry(k, topic) for k, topic in enumerate(TOPICS)]
    labels = set()
    for seed in range(6):
        labels |= set(render_archive(docs, PageRenderer(seed=seed, chrome_label="link_spam"), "a").labels)
    assert "boilerplate" not in labels and {"body", "author_meta", "link_spam"} <= labels


def test_archives_share_a_group_with_their_entries_and_leave_two_groups_at_least():
    """The archives of 24 posts (two variants each): every entry comes from the archive's own
    cluster, and the returned regrouping puts all of that cluster's documents in the archive's
    group, so grouped folds cannot score an archive against its own entries."""
    topics = [f"{t} part {i}" for i in range(3) for t in TOPICS]
    docs = [entry(k, t, group=f"post-{k}") for k, t in enumerate(topics) for _ in range(2)]
    pages, regroup = render_archives(docs, every=12, seed=1)
    assert [p.html for p in pages] == [p.html for p in render_archives(docs, every=12, seed=1)[0]]
    assert len(pages) >= 2 and set(regroup) == {d.group for d in docs}
    assert len(set(regroup.values())) >= 2
    title_group = {d.lines[0]: d.group for d in docs}
    for page in pages:
        entries = [ln for ln in page.lines if ln in title_group]
        assert len(entries) >= 6
        assert {regroup[title_group[t]] for t in entries} == {page.group}
    assert render_archives(docs[:10], every=12) == ([], {})  # too few documents: nothing changes
