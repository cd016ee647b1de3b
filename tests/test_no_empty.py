"""No article ever emptied (issue 12): pages that are 90% chrome around a real article.

Why: on a page that is mostly navigation, page-level context could pull every line's P(body)
down, the article's paragraphs included, and the page came out empty. The guard stage
(``src/core/src/guard.rs``, ``SieveConfig.guard``) restores the page's best block of prose when
the labels would leave next to nothing. These tests build such pages from the committed held-out
real pages (``training_data/real``): each article is the body lines of a held-out Readability
page, the chrome is other held-out pages' ``boilerplate`` and ``link_spam`` lines (Readability
and CANOLA; the WCXB file takes 4 s to read), nine chrome lines per article line, as plain text
and as HTML (150 navigation links, a sidebar and a footer around ``<article>`` paragraphs).

Two claims, tested apart:

- the shipped model keeps these articles (whatever the guard does);
- the guard makes that hold for *any* model: with ``body_threshold=1.0`` the model rejects every
  line (the worst case of page context overruling the lines), the page comes out empty without
  the guard, and with it the article comes back while chrome-only pages stay (nearly) empty.

Thresholds were measured on 2026-11-29 (22 articles, then 14 real ones once Latin-filler test pages
were left out for the model trained on real pages; figures in each test)
and set a margin below. Deterministic: fixed seeds, sorted inputs.
"""
from __future__ import annotations

import html
import random

import pytest

from textsieve import SieveConfig
from textsieve.training.real_labels import words
from textsieve.training.real_pages import DATA_DIR, prose_paragraphs, read_records

ARTICLE_LINES = 12          # at most this many body lines of each article
CHROME_PER_LINE = 9         # chrome lines per article line: 90% of the page's lines are chrome
NAV_LINKS = 150
EMPTY = 10                  # issue 12: an output under 10 words is an emptied page
FORCED = {"body_threshold": 1.0}  # the model rejects every line
LATIN = {"lorem", "ipsum", "dolor", "consectetur", "adipiscing", "incididunt", "tempor", "labore", "dolore",
         "magna", "aliqua", "veniam", "nostrud", "exercitation", "ullamco", "laboris", "aliquip", "commodo",
         "reprehenderit", "voluptate", "cillum", "fugiat", "pariatur", "excepteur", "occaecat", "cupidatat"}


@pytest.fixture(scope="module")
def corpus():
    """(articles, chrome): held-out articles as lists of body lines (at least 50 words), and the
    held-out pages' chrome lines, deduplicated, in file order."""
    articles, chrome, seen = [], [], set()
    for name in ("readability", "canola"):
        for rec in read_records(DATA_DIR / f"{name}.jsonl.xz", split="heldout"):
            lines = [ln for ln in rec["fulltext"] if ln]
            body = [text.strip() for label, text in lines if label == "body"][:ARTICLE_LINES]
            # Latin filler ("Lorem ipsum", a few Readability test pages) is not an article to
            # textsieve: fake author boxes are made of it, so the model is right to drop it.
            latin = len({w.lower() for w in words(" ".join(body))} & LATIN) >= 3
            if name == "readability" and len(words(" ".join(body))) >= 50 and not latin:
                articles.append((rec["id"], body))
            for label, text in lines:
                if label in ("boilerplate", "link_spam") and text.strip() not in seen:
                    seen.add(text.strip())
                    chrome.append(text.strip())
    assert len(articles) >= 14 and len(chrome) >= 2000, "the committed held-out pages changed"
    return articles, chrome


def text_page(body: list[str], chrome: list[str], rng: random.Random) -> str:
    """Full-page text as a scraper emits it: two thirds of the chrome, the article, the rest."""
    lines = rng.sample(chrome, CHROME_PER_LINE * len(body))
    cut = len(lines) * 2 // 3
    return "\n".join(lines[:cut] + body + lines[cut:]) + "\n"


def html_page(body: list[str], chrome: list[str], rng: random.Random) -> str:
    """A page of 150 navigation and sidebar links and a footer around the article's paragraphs."""
    e = html.escape
    links = rng.sample(chrome, NAV_LINKS)
    nav = "".join(f'<li><a href="/n{i}">{e(t)}</a></li>' for i, t in enumerate(links[:100]))
    side = "".join(f'<li><a href="/s{i}">{e(t)}</a></li>' for i, t in enumerate(links[100:]))
    foot = "".join(f"<p>{e(t)}</p>" for t in rng.sample(chrome, 12))
    article = "".join(f"<p>{e(t)}</p>" for t in body)
    return (f"<!doctype html><html><head><title>News</title></head><body><header><nav><ul>{nav}</ul></nav>"
            f"</header><main><article>{article}</article></main><aside><ul>{side}</ul></aside>"
            f"<footer>{foot}</footer></body></html>")


def recall(output: str, body: list[str]) -> float:
    """Share of the article's words (with multiplicity) whose word occurs in the output."""
    kept = set(words(output))
    gold = words(" ".join(body))
    return sum(w in kept for w in gold) / len(gold)


@pytest.fixture(scope="module")
def pages(corpus):
    articles, chrome = corpus
    rng = random.Random(12)
    return {
        "text": [text_page(body, chrome, rng) for _, body in articles],
        "html": [html_page(body, chrome, rng) for _, body in articles],
    }


@pytest.mark.parametrize("kind", ["text", "html"])
def test_the_shipped_model_keeps_articles_on_chrome_pages(sieve, corpus, pages, kind):
    # measured (14 articles): model trained on real pages: text min 0.865, mean 0.963; html min 0.986,
    # mean 0.996; the model after it (2026-11-29, second): text min 0.799 (bbc-1: its headline and its
    # five bulleted summary lines read as a link list among 90% chrome), mean 0.966; html min 0.871,
    # mean 0.987
    articles, _ = corpus
    outputs = sieve.clean_many(pages[kind], html=kind == "html")
    scores = {aid: recall(out, body) for (aid, body), out in zip(articles, outputs)}
    assert min(scores.values()) >= 0.75, {a: round(r, 3) for a, r in scores.items() if r < 0.75}
    assert sum(scores.values()) / len(scores) >= 0.95


@pytest.mark.parametrize("kind", ["text", "html"])
def test_the_guard_restores_articles_the_model_rejects(sieve, corpus, pages, kind):
    # measured: without the guard every page is empty; with it, mean recall 0.901 as text and as
    # HTML (14 articles), every article at least 0.676, no page emptied
    articles, _ = corpus
    is_html = kind == "html"
    off = sieve.clean_many(pages[kind], html=is_html, guard=False, **FORCED)
    assert all(out == "" for out in off), "the forced model keeps nothing: these pages would be emptied"
    on = sieve.clean_many(pages[kind], html=is_html, **FORCED)
    scores = [recall(out, body) for (_, body), out in zip(articles, on)]
    assert all(len(words(out)) >= EMPTY for out in on)
    assert sum(scores) / len(scores) >= 0.85
    assert sum(r >= 0.6 for r in scores) >= 0.9 * len(scores)


def test_restored_lines_are_labeled_body_and_replay_to_the_cleaned_text(sieve, pages):
    for kind in ("text", "html"):
        page = pages[kind][0]
        label = sieve.label_html if kind == "html" else sieve.label_lines
        clean = sieve.clean_html if kind == "html" else sieve.clean
        records = label(page, **FORCED)
        restored = [r for r in records if r.label == "body"]
        assert restored and all(r.scores["body"] < 1.0 for r in restored), "restored, not decided by the threshold"
        assert records.text() == clean(page, **FORCED)
        assert not [r for r in label(page, guard=False, **FORCED) if r.label == "body"]


def test_chrome_only_pages_stay_nearly_empty(sieve, corpus):
    # Chrome here is other pages' boilerplate and link lines of fewer than 25 words: menus, link
    # titles, footers, share bars, cookie and copyright notices, bylines. (Longer "boilerplate"
    # lines are other stories' teasers and about-us paragraphs: running text, which the guard
    # may restore on a page that has nothing else.)
    # measured, 20 pages each: HTML all empty; text 19 empty, one with 31 words (a Chinese blog's
    # about-us paragraph, running text)
    _, chrome = corpus
    short = [t for t in chrome if len(words(t)) < 25]
    rng = random.Random(7)
    texts = ["\n".join(rng.sample(short, 120)) + "\n" for _ in range(20)]
    pages = [html_page([], short, rng) for _ in range(20)]
    for docs, is_html in ((texts, False), (pages, True)):
        forced = sieve.clean_many(docs, html=is_html, **FORCED)
        assert sum(len(words(out)) < EMPTY for out in forced) >= 18, [len(words(o)) for o in forced]
        # with the model's own labels, the guard changes nothing on pages without an article
        assert sieve.clean_many(docs, html=is_html) == sieve.clean_many(docs, html=is_html, guard=False)


def test_the_guard_is_a_config_option(sieve):
    assert SieveConfig().guard is True
    assert SieveConfig(guard=False).guard is False
    text = "Home\nNews\n" + "The council met on Tuesday and agreed to repair the old bridge before winter comes. " * 5 + "\n"
    assert sieve.clean(text, guard=False, **FORCED) == ""
    assert "bridge" in sieve.clean(text, **FORCED)
    # the guard restores body lines; when body is not kept it has nothing to do and stays out
    captions = SieveConfig(keep=("caption",), body_threshold=1.0)
    assert not captions.guards_body and SieveConfig(keep=("body", "caption")).guards_body
    assert sieve.clean(text, captions) == sieve.clean(text, captions, guard=False)
    assert [r.label for r in sieve.label_lines(text, captions)] == [r.label for r in sieve.label_lines(text, captions, guard=False)]


def test_a_plain_text_list_of_question_titles_stays_empty(sieve):
    # An SEO page as text: link titles without their links, each ending like a sentence. Title
    # Case tells them from prose, so the guard does not hand them back as an article.
    titles = ["What Is the Best Way to Clean Your Oven Without Harsh Chemicals?",
              "How Much Does It Really Cost to Replace a Roof in 2026?",
              "Why Do Cats Sleep So Much During the Day and Night?",
              "Is It Safe to Eat Eggs After Their Best Before Date?",
              "Can You Freeze Cooked Rice and Reheat It the Next Day?",
              "Which Credit Cards Offer the Best Travel Rewards This Year?",
              "Where Can You Watch the Latest Movies Online for Free?",
              "How Long Should You Boil an Egg for a Perfect Soft Yolk?"]
    page = "\n".join(["Home", "News", "Sport", *titles, "Contact us", "Sign in"]) + "\n"
    assert sieve.clean(page, **FORCED) == ""
    # the same words as sentences are prose, and come back
    prose = "\n".join(t[0] + t[1:].lower() for t in titles)
    assert "oven" in sieve.clean(prose, **FORCED)


def test_a_page_of_spaced_cjk_menu_rows_stays_empty(sieve):
    # Each row has the CJK characters of a sentence, but in items of 2 to 4: no clause
    rows = ["首页 新闻 体育 财经 科技 娱乐 时尚 汽车 房产 教育 旅游 健康",
            "国内 国际 社会 军事 评论 图片 视频 专题 直播 滚动 排行 天气",
            "登录 注册 订阅 客户端 微博 微信 邮箱 帮助 关于我们 联系我们 广告服务",
            "热门 推荐 本地 美食 读书 历史 文化 收藏 彩票 游戏 动漫 星座",
            "网站地图 版权声明 隐私政策 用户协议 意见反馈 招聘信息 合作伙伴 友情链接"]
    assert sieve.clean("\n".join(["Home", *rows, "Copyright"]) + "\n", **FORCED) == ""


@pytest.fixture(scope="module")
def long_texts():
    """Seven plain texts of 200 paragraphs each (the last shorter), blank-line separated: the
    held-out Readability and CANOLA pages' body paragraphs (15 words or more, ending like a
    sentence), each used once, in file order."""
    paragraphs = prose_paragraphs(rec for name in ("readability", "canola")
                                  for rec in read_records(DATA_DIR / f"{name}.jsonl.xz", split="heldout"))
    return ["\n\n".join(paragraphs[i:i + 200]) + "\n" for i in range(0, 1400, 200)]


def test_a_long_text_never_comes_out_with_less_than_a_fifth_of_it(sieve, long_texts):
    """A long text of nothing but prose, whose page context pulls its lines down, is near-empty
    too, though it keeps more than ten words: the guard's relative rule (plain text) restores
    its biggest block of prose when the body holds less than a fifth of that block's words.
    ``body_threshold=1.0`` (``FORCED``) plays the worst page context: the model alone keeps no
    line. With its own threshold the model shipped before 2026-11-30's third session needed the
    guard here too (it kept 20-95% of these texts; 12% of the last without the guard, 90% with
    it); the shipped model keeps them whole on its own (the next test)."""
    def share(text, **options):
        records = sieve.label_lines(text, **FORCED, **options)
        return sum(r.label == "body" for r in records) / len(records)

    without = [share(text, guard=False) for text in long_texts]
    assert min(without) < 0.2  # the case this is about: the model alone nearly empties a text
    for text in long_texts:
        assert share(text) >= 0.2


def test_a_long_clean_text_keeps_its_lines_without_the_guard(sieve, long_texts):
    """The model alone keeps a long text of nothing but prose, blank-line separated or not.
    The model shipped before 2026-11-30's third session did not (15-99% of these texts' lines
    kept with the guard off): pass two read a long clean text as a page of chrome when its mean
    score landed where a few mislabeled training pages sat. The long-prose training rules
    (``train(prose=True, skip_cut_gold=True)``, the defaults since) fixed it; the shipped model
    keeps 98-100% of every text (measured 2026-11-30), and 0.9 leaves room for a retrain."""
    for text in long_texts:
        for form in (text, text.replace("\n\n", "\n")):
            records = sieve.label_lines(form, guard=False)
            assert sum(r.label == "body" for r in records) / len(records) >= 0.9
