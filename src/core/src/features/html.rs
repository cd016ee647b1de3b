//! The HTML block of the dense features: what a line's markup says about it (tag, link share,
//! containers, class hints, images), and how that compares with its neighbours and its page.
//!
//! Page-level statistics (the page's link share, which class-hint groups are so common on the
//! page that they say nothing) are computed once per whole document.

use std::collections::HashMap;

use crate::html::{HtmlContext, ANCESTORS};
use crate::segment::Segment;
use crate::text::{fmix64, fnv_bytes, is_letter, is_word, push_lower, word_end, FNV_OFFSET};

use super::{runs, Row, LOG_COUNT_CAP};

/// Tag groups, one feature each (`tag_<first>`); any other tag is `tag_other`.
pub const TAG_GROUPS: [&[&str]; 8] = [
    &["h1", "h2", "h3", "h4", "h5", "h6"],
    &["p"],
    &["li", "dt", "dd"],
    &["td", "th"],
    &["figcaption", "caption"],
    &["pre"],
    &["a"],
    &["br"],
];

/// Class/id/role tokens grouped by what they usually mark. Substring matches, so "td-author-box",
/// "relatedposts" and "wp-caption-text" all count; several languages' words where sites use them.
pub const HINT_GROUPS: [(&str, &[&str]); 7] = [
    ("author", &["author", "byline", "bio", "profile", "avatar", "writer", "autor", "auteur", "vcard", "contributor"]),
    (
        "related",
        &[
            "related",
            "recommend",
            "popular",
            "trending",
            "similar",
            "suggest",
            "teaser",
            "widget",
            "sidebar",
            "promo",
            "sponsor",
            "outbrain",
            "taboola",
            "mostread",
            "readmore",
            "morefrom",
            "youmay",
            "card",
        ],
    ),
    ("caption", &["caption", "credit", "figure", "photo", "image", "img", "gallery", "legend", "thumb", "media"]),
    ("social", &["social", "share", "follow", "twitter", "facebook", "instagram", "linkedin", "whatsapp"]),
    (
        "nav",
        &[
            "nav",
            "menu",
            "breadcrumb",
            "header",
            "footer",
            "topbar",
            "masthead",
            "pagination",
            "navigation",
            "contentinfo",
            "banner",
            "skip",
            "tags",
            "categor",
        ],
    ),
    (
        "content",
        &["content", "article", "entry", "post", "body", "text", "story", "main", "prose", "paragraph", "richtext"],
    ),
    ("comment", &["comment", "reply", "disqus", "discussion", "respond"]),
];

/// Class/id words of site utilities, overlays and legal lines that also count as `nav` (chrome)
/// when [`FeatureConfig::site_hints`](super::FeatureConfig::site_hints) is on. Each is on 25 or
/// more sites of the real pages' train split and next to never on a body line there (copyright:
/// 343 sites, 1 body line of 852; cart: 108 sites, 2 of 986; modal: 230 sites, 1.2%). Left out
/// for what they also mark on body lines: newsletter (58% body), print (32%), login (14%), search,
/// dialog, review, rating, drawer. Off for models trained before the list existed.
pub const SITE_HINTS: [&str; 22] = [
    "copyright",
    "cart",
    "account",
    "signup",
    "signin",
    "subscribe",
    "consent",
    "cookie",
    "modal",
    "popup",
    "popover",
    "offcanvas",
    "megamenu",
    "switcher",
    "toolbar",
    "searchform",
    "feedback",
    "announcement",
    "legal",
    "disclaimer",
    "wishlist",
    "checkout",
];

/// How many of the nearest hint tokens count as "near" (the element itself and its closest
/// ancestors).
const NEAR_HINTS: usize = 4;
/// A line is in a link run when at least this share of it is link text.
const LINK_RUN_SHARE: f32 = 0.6;
/// A line is "all link" from this share on.
const ALL_LINK_SHARE: f32 = 0.9;

/// Reusable per-document buffers plus a cache of hint flags per distinct token list (lines of a
/// page share few of them).
#[derive(Default)]
pub struct HtmlScratch {
    cache: HashMap<u64, (u8, u8)>,
    flags: Vec<(u8, u8)>,
    shares: Vec<f32>,
    in_run: Vec<bool>,
    link_run: Vec<u32>,
    words: Vec<String>,
    word: String,
    alt: Vec<String>,
}

/// Bit of the `nav` group in [`hint_bits`].
const NAV_BIT: u8 = 1 << 4;

/// One bit per hint group whose keys occur in any of `tokens` (with `site_hints`, the words of
/// [`SITE_HINTS`] set the `nav` bit too).
fn hint_bits(tokens: &[String], site_hints: bool) -> u8 {
    let mut bits = 0u8;
    for (g, (_, keys)) in HINT_GROUPS.iter().enumerate() {
        if tokens.iter().any(|t| keys.iter().any(|k| t.contains(k))) {
            bits |= 1 << g;
        }
    }
    if site_hints && tokens.iter().any(|t| SITE_HINTS.iter().any(|k| t.contains(k))) {
        bits |= NAV_BIT;
    }
    bits
}

fn hints_key(tokens: &[String]) -> u64 {
    let mut h = FNV_OFFSET;
    for t in tokens {
        h = fnv_bytes(h, t.as_bytes());
        h = fnv_bytes(h, &[0xff]);
    }
    fmix64(h)
}

/// Lower-case word chars of `w` with leading/trailing punctuation removed.
fn clean_word(w: &str, out: &mut String) {
    out.clear();
    for c in w.trim_matches(|c: char| !is_word(c)).chars() {
        push_lower(out, c);
    }
}

/// Write the HTML block for one document's rows: columns `base..n_dense` of each row of `out`
/// (row-major, `n_dense` wide). `texts[i]` is segment i's text, `lengths[i]` its (capped) char
/// length, `heads[i]` the byte length of its statistics head.
#[allow(clippy::too_many_arguments)]
pub(super) fn document_html(
    segs: &[Segment],
    contexts: Option<&[Option<HtmlContext>]>,
    texts: &[&str],
    lengths: &[u32],
    heads: &[usize],
    scratch: &mut HtmlScratch,
    out: &mut [f32],
    n_dense: usize,
    base: usize,
    site_hints: bool,
) {
    let n = segs.len();
    let ctx_of = |i: usize| -> Option<&HtmlContext> {
        contexts.and_then(|c| c.get(segs[i].line as usize)).and_then(|c| c.as_ref())
    };
    let n_html = (0..n).filter(|&i| ctx_of(i).is_some()).count();
    if n_html == 0 {
        for i in 0..n {
            row_at(out, n_dense, base, i).zeros(super::HTML_NAMES.len());
        }
        return;
    }

    // Page-level statistics.
    scratch.shares.clear();
    scratch.shares.extend((0..n).map(|i| ctx_of(i).map_or(0.0, |c| clean_share(c.link_share))));
    scratch.in_run.clear();
    scratch.in_run.extend(scratch.shares.iter().map(|&s| s >= LINK_RUN_SHARE));
    runs(&scratch.in_run, &mut scratch.link_run);
    let total: f64 = lengths.iter().map(|&l| l as f64).sum::<f64>().max(1.0);
    let doc_share =
        (scratch.shares.iter().zip(lengths).map(|(&s, &l)| s as f64 * l as f64).sum::<f64>() / total) as f32;

    // Hint groups: a class token says something only where it is not everywhere (page builders
    // put "elementor-widget-container" on every element, body included). A group present on
    // nearly every line of the page (more than COMMON_HINT_SHARE) is switched off for the page.
    // Half the page is not "everywhere": an article's content hint covers most of its page, and
    // a chrome-heavy page's navigation hint most of that one; both still tell lines apart.
    scratch.flags.clear();
    let mut far_count = [0usize; 7];
    let mut near_count = [0usize; 7];
    for i in 0..n {
        let bits = match ctx_of(i) {
            None => (0, 0),
            Some(c) => {
                // One featurize call, one config: `site_hints` is the same for every entry.
                let key = hints_key(&c.hints);
                *scratch.cache.entry(key).or_insert_with(|| {
                    (hint_bits(&c.hints, site_hints), hint_bits(&c.hints[..c.hints.len().min(NEAR_HINTS)], site_hints))
                })
            }
        };
        for g in 0..7 {
            far_count[g] += ((bits.0 >> g) & 1) as usize;
            near_count[g] += ((bits.1 >> g) & 1) as usize;
        }
        scratch.flags.push(bits);
    }
    if scratch.cache.len() > 100_000 {
        scratch.cache.clear(); // bounded memory across a huge batch
    }
    let mut far_mask = 0u8;
    let mut near_mask = 0u8;
    for g in 0..7 {
        if !common_hint(far_count[g], n_html) {
            far_mask |= 1 << g;
        }
        if !common_hint(near_count[g], n_html) {
            near_mask |= 1 << g;
        }
    }

    for i in 0..n {
        let mut row = row_at(out, n_dense, base, i);
        let Some(c) = ctx_of(i) else {
            row.zeros(super::HTML_NAMES.len());
            continue;
        };
        let share = scratch.shares[i];
        row.put("html", 1.0);
        row.put("link_share", share);
        row.put("all_link", f(share >= ALL_LINK_SHARE));
        row.put("link_list", f(c.link_list));
        row.put("image", f(c.image));
        row.put("alt_overlap", alt_overlap(&texts[i][..heads[i]], &c.alt, scratch));
        row.put("log_link_run", ((scratch.link_run[i] as f32).min(LOG_COUNT_CAP)).ln_1p());
        row.put("doc_link_share", doc_share);
        let group = TAG_GROUPS.iter().position(|g| g.contains(&c.tag.as_str()));
        for (k, name) in super::TAG_NAMES.iter().enumerate() {
            let hit = match group {
                Some(g) => g == k,
                None => k == TAG_GROUPS.len(),
            };
            row.put(name, f(hit));
        }
        for (k, name) in super::ANCESTOR_NAMES.iter().enumerate() {
            debug_assert_eq!(&name[3..], ANCESTORS[k]);
            row.put(name, f(c.ancestors & (1 << k) != 0));
        }
        let (far, near) = scratch.flags[i];
        let (far, near) = (far & far_mask, near & near_mask);
        for (g, name) in super::HINT_NAMES.iter().enumerate() {
            row.put(name, f(far & (1 << g) != 0));
        }
        for (g, name) in super::NEAR_HINT_NAMES.iter().enumerate() {
            row.put(name, f(near & (1 << g) != 0));
        }
        row.put("prev_link_share", if i > 0 { scratch.shares[i - 1] } else { 0.0 });
        row.put("next_link_share", if i + 1 < n { scratch.shares[i + 1] } else { 0.0 });
        let same = |j: usize| ctx_of(j).map_or("", |x| x.tag.as_str()) == c.tag;
        row.put("same_tag_prev", f(i > 0 && same(i - 1)));
        row.put("same_tag_next", f(i + 1 < n && same(i + 1)));
    }
}

/// Share of a page's HTML lines above which a class-hint group is on "everywhere" and says nothing.
const COMMON_HINT_SHARE: f64 = 0.9;

/// Whether a hint group found on `count` of a page's `n_html` HTML lines is too common to inform.
fn common_hint(count: usize, n_html: usize) -> bool {
    count as f64 > COMMON_HINT_SHARE * n_html as f64
}

/// A link share as a feature value: within 0..=1, and 0 for NaN (a context built by hand or by a
/// future parser must not poison the row).
#[inline]
fn clean_share(x: f32) -> f32 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

#[inline]
fn row_at(out: &mut [f32], n_dense: usize, base: usize, i: usize) -> Row<'_> {
    Row::new(&mut out[i * n_dense + base..(i + 1) * n_dense], &super::HTML_NAMES)
}

#[inline]
fn f(b: bool) -> f32 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Share of the line's distinct (lower-case, letter) words that are also words of the image's
/// alt/title text: a caption repeating its image's description. Both sides are lower-cased and
/// stripped of punctuation, so "Reuters." in an alt text meets "Reuters" in the line.
fn alt_overlap(head: &str, alt: &[String], scratch: &mut HtmlScratch) -> f32 {
    if alt.is_empty() {
        return 0.0;
    }
    let HtmlScratch { words, word, alt: alt_clean, .. } = scratch;
    alt_clean.clear();
    for a in alt {
        let mut w = String::new();
        clean_word(a, &mut w);
        if !w.is_empty() {
            alt_clean.push(w);
        }
    }
    // Distinct lower-case words of the line (letters joined by inner apostrophes).
    words.clear();
    let chars: Vec<char> = head.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_letter(chars[i]) {
            i += 1;
            continue;
        }
        let j = word_end(&chars, i);
        word.clear();
        for &c in &chars[i..j] {
            push_lower(word, c);
        }
        if !words.iter().any(|w| w == word) {
            words.push(word.clone());
        }
        i = j;
    }
    if words.is_empty() {
        return 0.0;
    }
    let shared = words.iter().filter(|w| alt_clean.iter().any(|a| a == *w)).count();
    shared as f32 / words.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_groups_match_substrings_of_tokens() {
        let toks = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(hint_bits(&toks(&["td-author-box"]), false), 1 << 0);
        assert_eq!(hint_bits(&toks(&["related-widget", "wp-caption"]), false), (1 << 1) | (1 << 2));
        assert_eq!(hint_bits(&toks(&["wp-caption-text"]), false), (1 << 2) | (1 << 5)); // "text" is a content hint
        assert_eq!(hint_bits(&toks(&["x"]), false), 0);
    }

    #[test]
    fn site_utilities_count_as_chrome_only_when_switched_on() {
        let toks = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(1 << HINT_GROUPS.iter().position(|(name, _)| *name == "nav").unwrap(), NAV_BIT);
        for t in ["mini-cart", "cookie-consent", "site-copyright", "modal-dialog", "account-signup"] {
            assert_eq!(hint_bits(&toks(&[t]), true), NAV_BIT, "{t}");
            assert_eq!(hint_bits(&toks(&[t]), false), 0, "{t}: models trained before the list see nothing");
        }
        // A word of the list inside a content class adds the chrome bit and takes none away.
        assert_eq!(hint_bits(&toks(&["entry-content", "cart"]), true), NAV_BIT | (1 << 5));
    }

    #[test]
    fn alt_overlap_strips_punctuation_on_both_sides() {
        let mut s = HtmlScratch::default();
        let alt = vec!["reuters.".to_string(), "\"photo\"".to_string()];
        assert!((alt_overlap("Photo: Reuters", &alt, &mut s) - 1.0).abs() < 1e-6);
        assert!((alt_overlap("Photo of the day", &alt, &mut s) - 0.25).abs() < 1e-6);
        assert_eq!(alt_overlap("", &alt, &mut s), 0.0);
    }
}
