//! The guard: a page that holds an article never comes out (near-)empty.
//!
//! Why: the second pass revises each line from page-level context (the document mean of the
//! first-pass scores, window statistics). On a page that is mostly chrome (150 navigation links,
//! sidebars, footers around a few paragraphs) that context can pull every line down, the
//! article's paragraphs included, and the page comes out empty. The model's *ranking* of the
//! lines usually still holds: the article's paragraphs score far above the menus, only the
//! absolute level is wrong. So when the labels would leave next to nothing, the guard trusts
//! the ranking instead of the level: page context informs each line, it does not get to
//! overrule a block that plainly is running text.
//!
//! The rule, per document, after the labels are decided:
//!
//! 1. **Fires only when the output would be near-empty**: the records labeled body hold fewer
//!    than [`Guard::min_kept_words`] words, or, for plain text whose body records hold less
//!    than half of its characters, less than [`Guard::min_kept_share`] (a fifth) of the words
//!    of the page's biggest block of prose (step 3): a page that is one long text whose context
//!    pulled all but a few of its paragraphs down. Any other page is left exactly
//!    as the model labeled it, so the guard cannot lower the quality of a page the model
//!    already handles.
//! 2. **Prose lines** are the candidates: at least [`MIN_PROSE_WORDS`] words, sentence
//!    punctuation (a terminal `.!?…` or a sentence break inside; 15 CJK characters with an
//!    unbroken run of 8 count, since CJK prose often has none per line, while a spaced menu row
//!    of 2- to 4-character items does not), not mostly link text (HTML), and not a
//!    `Key: value` field (fake author boxes), not a headline in Title Case (most words
//!    capitalised: a plain-text list of question titles ends like sentences). Menus, link lists,
//!    tag clouds, bare headlines and field lists never qualify.
//! 3. **Blocks**: runs of prose lines with at most [`MAX_GAP`] other lines between two of
//!    them (lines mostly made of links do not count toward the gap, so a related-links box
//!    inside an article does not split it). A block must hold at least
//!    [`Guard::min_block_words`] words of prose: a cookie notice and a copyright line are not an
//!    article.
//! 4. **Relative to the page**: a block's score is the logit P(body) of its best line. Blocks
//!    within [`LOGIT_MARGIN`] of the best block compete, and the one with the most words wins
//!    (the first on ties). The model's ranking picks the region, the size picks among close
//!    calls.
//! 5. **Restore the block**: every record from the block's first to its last line becomes body,
//!    except lines mostly made of links and the cut-off tail of a glued line (junk glued onto
//!    a paragraph stays cut off). Short lines inside the block (a subheading, "He declined to
//!    comment.") come back with it. The records keep their scores, so `label_lines` shows a
//!    restored line as body with its low P(body): the label says what was kept, the score what
//!    the model thought.
//!
//! Cost: one scan of each record's text and two passes over the records per document: linear,
//! with one small entry per record (with the relative rule off, a page with body stops as soon
//! as its body lines hold 10 words). Deterministic (no randomness, ties by position), never
//! panics (every index is checked, NaN scores count as 0).
//!
//! Words are `\w+` runs, as in WCXB's word F1 that defines "emptied"; a CJK character counts as
//! half a word, since CJK text has no spaces and a 40-character sentence is one `\w+` run.

use crate::html::HtmlContext;
use crate::pipeline::Record;
use crate::text::is_word;

/// A line is prose only with at least this many words.
pub const MIN_PROSE_WORDS: f64 = 8.0;
/// A line with this many CJK characters counts as running text without sentence punctuation,
/// when one run of them without a break is at least [`MIN_CJK_RUN`] long.
pub const MIN_CJK_CHARS: usize = 15;
/// The longest unbroken CJK run a line needs to count as running text without sentence
/// punctuation: a clause is longer, while a menu row ("首页 新闻 体育 财经 …", 2 to 4
/// characters an item) has the characters but never the run.
pub const MIN_CJK_RUN: usize = 8;
/// A block competes when its best line's logit P(body) is at most this far below the best
/// block's (6 nats: about 400 times less likely in odds). Page context shifts every line of a
/// page by about the same amount; the ranking it leaves is what the guard trusts.
pub const LOGIT_MARGIN: f64 = 6.0;
/// At most this many other (non-link) lines between two prose lines of one block: a
/// subheading or an ad slot between paragraphs does not split an article, while prose-shaped
/// chrome scattered among menus (a caption here, a teaser there) does not add up to a block.
/// Two let a third of random chrome-only pages built from real boilerplate form a 50-word
/// "block"; one did not change a held-out real page.
pub const MAX_GAP: usize = 1;
/// The guard fires when the body records hold less than this share of the words of the page's
/// biggest prose block: a page that is one long text (a story of 256 paragraphs) whose page
/// context pulled all but a few paragraphs down is near-empty too, though it keeps more than
/// ten words. A fifth, because the pages this must not touch keep far more of their biggest
/// block or keep a different, smaller one (an article above a long comment thread): on the
/// 1,455 train-split real pages as full text it fires on one page (word F1 0.08 -> 0.10), on
/// the 348 held-out ones on one (a short story, 0.08 -> 0.58), and nowhere at a tenth. Plain
/// text only: on the same pages as HTML it fired on one train page, for the worse (a product
/// page, 0.69 -> 0.19: the biggest block was not the gold).
pub const MIN_KEPT_SHARE: f64 = 0.2;
/// A line whose share of characters inside links reaches this is link text, never restored.
pub const LINK_SHARE: f32 = 0.5;
/// A line whose words start with a capital at least this often is a headline in Title Case
/// ("How Much Does It Really Cost to Replace a Roof?"), not prose: in plain text a list of
/// link titles has no link markup, and question titles end like sentences. Sentences, German
/// ones with their capitalised nouns included, stay well under it.
pub const TITLE_CASE_SHARE: f64 = 0.7;
/// Title Case is judged only on lines with at least this many words that have letter case.
pub const MIN_CASED_WORDS: usize = 5;

/// The guard's settings; `Guard::default()` is on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Guard {
    /// Off: the labels are the model's alone.
    pub enabled: bool,
    /// The guard fires when the body records hold fewer words than this (issue 12's
    /// "emptied": fewer than 10 words).
    pub min_kept_words: f64,
    /// The restored block must hold at least this many words of prose.
    pub min_block_words: f64,
    /// The guard also fires when the body records hold fewer words than this share of the
    /// page's biggest block of prose (0: off). See the module docs, rule 1.
    pub min_kept_share: f64,
}

impl Default for Guard {
    fn default() -> Self {
        Guard { enabled: true, min_kept_words: 10.0, min_block_words: 50.0, min_kept_share: MIN_KEPT_SHARE }
    }
}

impl Guard {
    /// The guard switched off.
    pub fn off() -> Self {
        Guard { enabled: false, ..Guard::default() }
    }
}

/// What one scan of a line's text tells the guard.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LineShape {
    /// `\w+` runs outside CJK plus half the CJK characters.
    pub words: f64,
    pub cjk: usize,
    /// The longest run of CJK characters with nothing between them.
    pub cjk_run: usize,
    /// Ends with sentence punctuation (closing quotes/brackets skipped) or holds a sentence
    /// break (`.`, `!`, `?` followed by a space).
    pub sentence: bool,
    /// Starts with a short `Key:` / `Key :` label (1 to 3 words before the colon).
    pub key_value: bool,
    /// Words that start with a letter that has case, and those of them that start with a
    /// capital (Title Case headlines).
    pub cased: usize,
    pub capitalised: usize,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // Extensions B.. and compatibility supplement
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '．')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '»' | '”' | '’' | '」' | '』' | '）' | '*' | '_')
}

/// One pass over `line`: its words, CJK characters and sentence punctuation.
pub fn line_shape(line: &str) -> LineShape {
    let mut runs = 0usize;
    let mut cjk = 0usize;
    let mut cased = 0usize;
    let mut capitalised = 0usize;
    let mut run = 0usize;
    let mut cjk_run = 0usize;
    let mut in_word = false;
    let mut sentence = false;
    let mut prev_terminal = false;
    let mut last_meaningful: Option<char> = None;
    // key_value: a ':' after 1..=3 words, within the first 40 characters, before any other
    // punctuation that ends a label
    let mut key_value = false;
    let mut key_open = true;
    let mut chars_seen = 0usize;
    for c in line.chars() {
        chars_seen += 1;
        if is_cjk(c) {
            cjk += 1;
            run += 1;
            cjk_run = cjk_run.max(run);
            in_word = false;
        } else if is_word(c) {
            run = 0;
            if !in_word {
                runs += 1;
                if c.is_uppercase() {
                    capitalised += 1;
                    cased += 1;
                } else if c.is_lowercase() {
                    cased += 1;
                }
            }
            in_word = true;
        } else {
            run = 0;
            in_word = false;
        }
        if c.is_whitespace() && prev_terminal {
            sentence = true;
        }
        prev_terminal = is_terminal(c);
        if !c.is_whitespace() && !is_closer(c) {
            last_meaningful = Some(c);
        }
        if key_open {
            if c == ':' || c == '：' {
                key_value = (1..=3).contains(&runs);
                key_open = false;
            } else if chars_seen > 40 || is_terminal(c) || c == ',' || runs > 3 {
                key_open = false;
            }
        }
    }
    if last_meaningful.is_some_and(is_terminal) {
        sentence = true;
    }
    LineShape { words: runs as f64 + cjk as f64 / 2.0, cjk, cjk_run, sentence, key_value, cased, capitalised }
}

/// Most of its cased words start with a capital: a headline, not a sentence.
pub fn is_title_case(shape: &LineShape) -> bool {
    shape.cased >= MIN_CASED_WORDS && shape.capitalised as f64 >= TITLE_CASE_SHARE * shape.cased as f64
}

/// Prose shape: enough words, sentence punctuation (or a long CJK run), no `Key:` label, not
/// a Title Case headline.
pub fn is_prose(shape: &LineShape) -> bool {
    shape.words >= MIN_PROSE_WORDS
        && !shape.key_value
        && !is_title_case(shape)
        && (shape.sentence || (shape.cjk >= MIN_CJK_CHARS && shape.cjk_run >= MIN_CJK_RUN))
}

fn logit(p: f64) -> f64 {
    let p = if p.is_nan() { 0.0 } else { p.clamp(1e-9, 1.0 - 1e-9) };
    (p / (1.0 - p)).ln()
}

/// One run of prose lines: its first and last record, its prose words and its best line's
/// logit P(body).
#[derive(Clone, Copy, Debug)]
struct Block {
    first: usize,
    last: usize,
    words: f64,
    best: f64,
}

/// Relabel the records of one document so that a page holding a block of prose never comes
/// out near-empty (see the module docs for the rule). `text` is what the records index,
/// `contexts` the page's per-line markup context (HTML input), `scores` the records' label
/// probabilities (row-major, `k` per record), `body` the body label's index. Returns how many
/// records were relabeled body (0 when the guard did not fire).
pub fn restore(
    text: &str,
    contexts: Option<&[Option<HtmlContext>]>,
    records: &mut [Record],
    scores: &[f64],
    k: usize,
    body: Option<usize>,
    guard: &Guard,
) -> usize {
    let Some(body) = body else { return 0 };
    if !guard.enabled || records.is_empty() || body >= k || scores.len() < records.len() * k {
        return 0;
    }
    // The relative rule is for plain text: on HTML pages the biggest block of prose can be a
    // product's terms or a hidden description the page's markup told the model to drop.
    // It also needs a page whose body holds less than half of its characters (a sum of record
    // lengths, no scan): a page that keeps most of its text is not near-empty, and most pages
    // skip shaping every line (measured: shaping every line of every page cost a quarter of
    // clean_text's throughput).
    let relative = guard.min_kept_share > 0.0 && contexts.is_none() && {
        let (mut kept_bytes, mut all_bytes) = (0usize, 0usize);
        for r in records.iter() {
            let len = r.end.saturating_sub(r.start);
            all_bytes += len;
            if r.label as usize == body {
                kept_bytes += len;
            }
        }
        kept_bytes.saturating_mul(2) < all_bytes
    };
    if !relative {
        // Only the absolute rule: stop counting as soon as the body holds enough words (word
        // counts are never negative), and shape every line only when the guard may fire.
        let mut kept = 0.0;
        for r in records.iter().filter(|r| r.label as usize == body) {
            kept += line_shape(text.get(r.start..r.end).unwrap_or("")).words;
            if kept >= guard.min_kept_words {
                return 0;
            }
        }
    }
    let shapes: Vec<LineShape> = records.iter().map(|r| line_shape(text.get(r.start..r.end).unwrap_or(""))).collect();
    let kept: f64 = records.iter().zip(&shapes).filter(|(r, _)| r.label as usize == body).map(|(_, s)| s.words).sum();
    let linky: Vec<bool> = records
        .iter()
        .map(|r| {
            contexts
                .and_then(|c| c.get(r.line as usize))
                .and_then(|c| c.as_ref())
                .is_some_and(|c| c.link_share >= LINK_SHARE)
        })
        .collect();
    // runs of prose lines, at most MAX_GAP other (non-link) lines apart
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let mut gap = 0usize;
    for (i, shape) in shapes.iter().enumerate() {
        if is_prose(shape) && !linky[i] {
            let p = logit(scores[i * k + body]);
            current = match current {
                Some(b) if gap <= MAX_GAP => Some(Block { last: i, words: b.words + shape.words, best: b.best.max(p), ..b }),
                other => {
                    blocks.extend(other);
                    Some(Block { first: i, last: i, words: shape.words, best: p })
                }
            };
            gap = 0;
        } else if !linky[i] {
            gap += 1;
        }
    }
    blocks.extend(current);
    blocks.retain(|b| b.words >= guard.min_block_words);
    let biggest = blocks.iter().map(|b| b.words).fold(0.0, f64::max);
    if kept >= guard.min_kept_words && !(relative && kept < guard.min_kept_share * biggest) {
        return 0;
    }
    let Some(top) = blocks.iter().map(|b| b.best).reduce(f64::max) else { return 0 };
    // the biggest block among those the model ranks near the page's best; the first on ties
    let mut chosen: Option<Block> = None;
    for b in blocks.iter().filter(|b| b.best >= top - LOGIT_MARGIN) {
        if chosen.is_none_or(|c| b.words > c.words) {
            chosen = Some(*b);
        }
    }
    let Some(block) = chosen else { return 0 };
    let mut restored = 0;
    for (r, &link) in records[block.first..=block.last].iter_mut().zip(&linky[block.first..=block.last]) {
        if r.label as usize != body && r.starts_line && !link {
            r.label = body as u32;
            restored += 1;
        }
    }
    restored
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::segment;

    const BODY: usize = 1;
    const K: usize = 2; // labels: [junk, body]

    /// Records over every line of `text`, labeled junk, with P(body) from `p`.
    fn records(text: &str, p: impl Fn(usize, &str) -> f64) -> (Vec<Record>, Vec<f64>) {
        let segs = segment(text, false);
        let mut recs = Vec::new();
        let mut scores = Vec::new();
        for (i, s) in segs.iter().enumerate() {
            recs.push(Record { line: s.line, start: s.start, end: s.end, label: 0, starts_line: true });
            let pb = p(i, s.text(text));
            scores.extend_from_slice(&[1.0 - pb, pb]);
        }
        (recs, scores)
    }

    fn body_text(text: &str, recs: &[Record]) -> Vec<String> {
        recs.iter().filter(|r| r.label as usize == BODY).map(|r| text[r.start..r.end].to_string()).collect()
    }

    const ARTICLE: [&str; 5] = [
        "Manchester United chief executive David Gill has admitted the club faces a difficult summer.",
        "He said the board would back the manager in the transfer market, whatever the fee.",
        "The club",
        "Supporters have protested against the owners for months, and the debt keeps growing every year.",
        "Gill would not say how long the manager's contract runs, nor who would replace him.",
    ];

    fn chrome(n: usize) -> Vec<String> {
        (0..n).map(|i| ["Home", "Local News", "Sport", "Register / Sign In", "Top 10 Gadgets You Need This Year"][i % 5].to_string()).collect()
    }

    fn page(before: usize, after: usize) -> String {
        let mut lines = chrome(before);
        lines.extend(ARTICLE.iter().map(|s| s.to_string()));
        lines.extend(chrome(after));
        lines.join("\n") + "\n"
    }

    #[test]
    fn shapes() {
        let s = line_shape("He said the board would back the manager, whatever the fee.");
        assert_eq!(s.words, 11.0);
        assert!(s.sentence && !s.key_value && is_prose(&s));
        assert!(line_shape("“A quoted sentence ends inside its quotes.”").sentence);
        assert!(line_shape("One sentence. Then another without an end").sentence);
        assert!(!line_shape("Top 10 Gadgets You Need This Year And Next Year Too").sentence);
        let bio = line_shape("• Bio : Quia voluptas sit aut. Et rerum quia dolor et laborum sed quod.");
        assert!(bio.key_value && !is_prose(&bio), "a fake author box field is not prose");
        assert!(!line_shape("In 2020, the council said: no.").key_value, "a colon after a comma is no label");
        let cjk = line_shape("一波波接續性低溫寒流報到 已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣");
        assert!(cjk.cjk >= MIN_CJK_CHARS && is_prose(&cjk), "{cjk:?}");
        // a spaced CJK menu row has the characters of a sentence but no run of a clause
        let menu = line_shape("首页 新闻 体育 财经 科技 娱乐 时尚 汽车 房产 教育 旅游 健康");
        assert!(menu.cjk >= MIN_CJK_CHARS && menu.cjk_run == 2 && !is_prose(&menu), "{menu:?}");
        assert!(is_prose(&line_shape("今天下午市政府召开记者会，宣布新的公共交通计划将于明年春天开始实施")));
        assert_eq!(line_shape("").words, 0.0);
    }

    #[test]
    fn restores_the_article_of_a_chrome_page() {
        let text = page(150, 40);
        // page context pulled everything down, but the article still ranks above the chrome
        let (mut recs, scores) = records(&text, |_, s| if ARTICLE.contains(&s) { 1e-4 } else { 1e-7 });
        let n = restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::default());
        assert_eq!(n, ARTICLE.len(), "{:?}", body_text(&text, &recs));
        assert_eq!(body_text(&text, &recs), ARTICLE, "the short line inside the block comes back too");
    }

    #[test]
    fn leaves_pages_alone_that_are_not_empty_or_hold_no_prose() {
        let text = page(150, 40);
        let (mut recs, scores) = records(&text, |_, s| if ARTICLE.contains(&s) { 1e-4 } else { 1e-7 });
        recs[0].label = BODY as u32;
        recs[3].label = BODY as u32;
        recs[4].label = BODY as u32; // "Top 10 Gadgets You Need This Year": 4 + 1 + 1 + 6 words
        let before = recs.clone();
        let absolute_only = Guard { min_kept_share: 0.0, ..Guard::default() };
        assert_eq!(restore(&text, None, &mut recs, &scores, K, Some(BODY), &absolute_only), 0, "12 words kept: not empty");
        assert_eq!(recs, before);
        // ... but 12 words of chrome are under a fifth of the 61-word article: near-empty for
        // the relative rule, and the article comes back (the chrome lines stay as labeled)
        assert_eq!(restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::default()), ARTICLE.len());
        assert!(ARTICLE.iter().all(|a| body_text(&text, &recs).iter().any(|b| b == a)));

        let menus = chrome(300).join("\n");
        let (mut recs, scores) = records(&menus, |i, _| (i % 7) as f64 / 10.0);
        assert_eq!(restore(&menus, None, &mut recs, &scores, K, Some(BODY), &Guard::default()), 0, "menus and link titles stay out");

        let text = page(20, 20);
        let (mut recs, scores) = records(&text, |_, _| 0.0);
        assert_eq!(restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::off()), 0, "switched off");
        assert_eq!(restore(&text, None, &mut recs, &scores, K, None, &Guard::default()), 0, "no body label");
        assert_eq!(restore(&text, None, &mut recs, &scores[..4], K, Some(BODY), &Guard::default()), 0, "short scores");
    }

    /// A long text of `n` paragraphs, each its own sentence-shaped line.
    fn story(n: usize) -> String {
        (0..n)
            .map(|i| format!("Paragraph {i} of the story: the scrivener would prefer not to, and the lawyer did not know what to do about it."))
            .collect::<Vec<_>>()
            .join("\n\n")
            + "\n"
    }

    #[test]
    fn a_long_text_that_page_context_shredded_comes_back_whole() {
        // 200 paragraphs, one block; the model kept three of them (page context pulled the rest
        // down, the ranking still puts the text far above nothing): under a fifth of the block
        let text = story(200);
        let (mut recs, scores) = records(&text, |i, _| if i % 70 == 5 { 0.6 } else { 0.2 });
        for r in recs.iter_mut().skip(5).step_by(70) {
            r.label = BODY as u32;
        }
        let no_markup: Vec<Option<HtmlContext>> = vec![None; recs.len()];
        let mut as_html = recs.clone();
        assert_eq!(restore(&text, Some(&no_markup), &mut as_html, &scores, K, Some(BODY), &Guard::default()), 0,
                   "HTML pages: the absolute rule only");
        let n = restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::default());
        assert_eq!(n, 197);
        assert!(recs.iter().all(|r| r.label as usize == BODY));
    }

    #[test]
    fn a_text_keeping_a_fifth_of_its_biggest_block_is_left_alone() {
        // the same text with every fourth paragraph kept: the model dropped lines, it did not
        // empty the page, and the guard does not second-guess it
        let text = story(200);
        let (mut recs, scores) = records(&text, |_, _| 0.3);
        for r in recs.iter_mut().step_by(4) {
            r.label = BODY as u32;
        }
        let before = recs.clone();
        assert_eq!(restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::default()), 0);
        assert_eq!(recs, before);
    }

    #[test]
    fn a_list_of_title_case_questions_is_not_an_article() {
        // an SEO page in plain text: link titles without their links, each ending like a sentence
        let titles = ["What Is the Best Way to Clean Your Oven Without Harsh Chemicals?",
            "How Much Does It Really Cost to Replace a Roof in 2026?",
            "Why Do Cats Sleep So Much During the Day and Night?",
            "Is It Safe to Eat Eggs After Their Best Before Date?",
            "Can You Freeze Cooked Rice and Reheat It the Next Day?",
            "Where Can You Watch the Latest Movies Online for Free?"];
        let text = ["Home", "News"].iter().chain(&titles).copied().collect::<Vec<_>>().join("\n");
        let (mut recs, scores) = records(&text, |_, _| 0.01);
        assert_eq!(restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::default()), 0);
        assert!(titles.iter().all(|t| is_title_case(&line_shape(t))));
        // sentences are not Title Case, German nouns and English proper names included
        for s in ARTICLE.iter().chain(&[
            "Die Europäische Zentralbank hat am Donnerstag die Zinsen für den Euroraum erneut angehoben.",
            "Barack Obama met Angela Merkel in Berlin on Monday to discuss the trade deal.",
        ]) {
            assert!(!is_title_case(&line_shape(s)), "{s}");
        }
    }

    #[test]
    fn a_cookie_notice_is_not_an_article() {
        let text = "Home\nNews\nWe use cookies to give you the best online experience.\nSport\nWeather\nCopyright 2026 The Paper. All rights reserved.\n";
        let (mut recs, scores) = records(text, |_, _| 0.01);
        assert_eq!(restore(text, None, &mut recs, &scores, K, Some(BODY), &Guard::default()), 0);
    }

    #[test]
    fn the_biggest_block_near_the_best_score_wins() {
        let small = ["A short teaser sentence that has exactly eleven words in it.",
            "Another teaser, scored best of all, still far too short a block."];
        let big = ["The first paragraph of the real story has quite a few words in it.",
            "The second paragraph of the real story goes on for a while as well.",
            "The third paragraph of the real story is every bit as long as those.",
            "The fourth paragraph of the real story ends the article with a quote."];
        let far = ["Far below the best score, this paragraph should never be chosen at all.",
            "Neither should this one, which is just as long as the one before it.",
            "And a third one, so the far block has the most words of them all here.",
            "And a fourth one, to make the point as clear as can be made here.",
            "And a fifth one, because more words must not beat the model's ranking."];
        let mut lines: Vec<&str> = vec!["Home"];
        lines.extend(small);
        lines.extend(["Menu", "Menu", "Menu"]);
        lines.extend(big);
        lines.extend(["Menu", "Menu", "Menu"]);
        lines.extend(far);
        let text = lines.join("\n");
        let (mut recs, scores) = records(&text, |_, s| {
            if small.contains(&s) { 0.5 } else if big.contains(&s) { 0.01 } else if far.contains(&s) { 1e-9 } else { 1e-4 }
        });
        restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::default());
        assert_eq!(body_text(&text, &recs), big, "small is under 50 words, far is ranked 16 nats below big");

        // within the margin, the ranking is a close call and the bigger block wins
        let (mut recs, scores) = records(&text, |_, s| if big.contains(&s) { 0.02 } else { 1e-3 });
        restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::default());
        assert_eq!(body_text(&text, &recs), far);
    }

    #[test]
    fn html_link_lines_neither_qualify_nor_come_back() {
        let lines = [
            "Read the full story of the day: the mayor resigned after a long and bitter fight.", // a link
            "The mayor resigned on Monday after months of pressure from the city council members.",
            "Related stories you might like, all of them worth a read this fine weekend.", // a link
            "Her deputy will run the city until the election, which is due in the spring of next year.",
            "Nobody on the council would say on Monday who might stand for the office in the coming vote this spring.",
        ];
        let text = lines.join("\n");
        let ctx = |share: f32| Some(HtmlContext { tag: "p".into(), link_share: share, ..HtmlContext::default() });
        let contexts = vec![ctx(1.0), ctx(0.0), ctx(0.9), ctx(0.0), ctx(0.1)];
        let (mut recs, scores) = records(&text, |i, _| [0.9, 1e-5, 0.9, 1e-5, 1e-5][i]);
        restore(&text, Some(&contexts), &mut recs, &scores, K, Some(BODY), &Guard::default());
        assert_eq!(body_text(&text, &recs), [lines[1], lines[3], lines[4]], "the link lines are not the best prose");
    }

    #[test]
    fn glued_tails_stay_cut_and_nan_never_panics() {
        let text = page(10, 10);
        let (mut recs, mut scores) = records(&text, |_, s| if ARTICLE.contains(&s) { 1e-4 } else { 1e-7 });
        let i = recs.iter().position(|r| &text[r.start..r.end] == ARTICLE[1]).unwrap();
        recs[i].starts_line = false; // pretend it is the cut-off tail of a glued line
        for v in scores.iter_mut().step_by(3) {
            *v = f64::NAN;
        }
        restore(&text, None, &mut recs, &scores, K, Some(BODY), &Guard::default());
        assert_eq!(recs[i].label, 0, "a cut-off tail is not restored by filling the block");
        let (mut recs, scores) = records("", |_, _| 0.0);
        assert_eq!(restore("", None, &mut recs, &scores, K, Some(BODY), &Guard::default()), 0);
    }
}
