//! Link lists: an item of a list of links that is all link text is never body.
//!
//! Why: on real news pages the model keeps a site's sidebars of other stories, "Today's
//! headlines" and "DON'T MISS" lists of twenty linked, truncated headlines, at P(body) 0.4–0.8:
//! each item reads as a sentence of news, and pass two's trees do not see the markup (they were
//! better without it, see the README). The markup settles it. In the real pages' `train` split,
//! 94% of the words on such lines are not body (393k words: boilerplate 82%, link spam 11%,
//! body 5.6%; the news articles 97%), and on held-out sites `clean_html`'s word F1 rose 0.862 →
//! 0.865 with it (news pages 0.912 → 0.922, no page type down by more than 0.002; measured on
//! 2026-12-02, `benchmarks/EXPERIMENTS.md`).
//!
//! The rule, per HTML document, after the labels are decided and before the guard: a record
//! labeled body whose line sits in a list of links (`HtmlContext::link_list`: a list of at least
//! 3 lines, 60% of them mostly links) and is itself at least [`MIN_LINK_SHARE`] link text gets
//! the most probable of the other labels (link spam or boilerplate, as the model scored them).
//! Its scores stay: `label_lines` shows the model's P(body) beside the label that was applied,
//! as for a line the guard restores. A list of plain text items, or an item with text of its
//! own beside its link, is left as the model labeled it. Plain text has no markup and is never
//! touched.
//!
//! Cost: one look at each body record's context. Never panics: a record whose line has no
//! context, an out-of-range line or a NaN score is handled like any other.

use crate::html::HtmlContext;
use crate::pipeline::Record;

/// A line at least this much link text (by characters) counts as a link.
pub const MIN_LINK_SHARE: f32 = 0.9;

/// Whether a line's context marks it as an item of a list of links that is all link text.
pub fn is_link_item(context: Option<&HtmlContext>) -> bool {
    context.is_some_and(|c| c.link_list && c.link_share >= MIN_LINK_SHARE)
}

/// Relabel the body records that are items of a list of links (see the module). `scores` is
/// row-major `records.len() x k`. Returns how many records were relabeled.
pub fn demote(
    contexts: Option<&[Option<HtmlContext>]>,
    records: &mut [Record],
    scores: &[f64],
    k: usize,
    body: Option<usize>,
) -> usize {
    let (Some(contexts), Some(body)) = (contexts, body) else { return 0 };
    if k < 2 || scores.len() < records.len().saturating_mul(k) {
        return 0;
    }
    let mut changed = 0;
    for (i, r) in records.iter_mut().enumerate() {
        if r.label as usize != body || !is_link_item(contexts.get(r.line as usize).and_then(|c| c.as_ref())) {
            continue;
        }
        let row = &scores[i * k..(i + 1) * k];
        let other = (0..k)
            .filter(|&j| j != body)
            .max_by(|&a, &b| clean(row[a]).total_cmp(&clean(row[b])).then(b.cmp(&a)))
            .unwrap_or(body);
        if other != body {
            r.label = other as u32;
            changed += 1;
        }
    }
    changed
}

fn clean(p: f64) -> f64 {
    if p.is_nan() { 0.0 } else { p }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: usize = 3; // boilerplate, body, link_spam
    const BODY: usize = 1;

    fn ctx(link_list: bool, share: f32) -> Option<HtmlContext> {
        Some(HtmlContext { tag: "li".into(), link_share: share, link_list, ..HtmlContext::default() })
    }

    fn recs(n: usize) -> Vec<Record> {
        (0..n).map(|i| Record { line: i as u32, start: 0, end: 0, label: BODY as u32, starts_line: true }).collect()
    }

    #[test]
    fn a_linked_headline_in_a_list_of_links_becomes_the_likelier_junk_label() {
        // a sidebar of linked headlines, a list item with text of its own, a plain list item,
        // a linked paragraph outside any list, and a line with no context
        let contexts = vec![ctx(true, 1.0), ctx(true, 0.95), ctx(true, 0.5), ctx(false, 1.0), ctx(false, 0.0), None];
        let mut records = recs(contexts.len() + 1); // the last record's line has no context at all
        let scores = [
            0.2, 0.7, 0.1, // -> boilerplate
            0.1, 0.6, 0.3, // -> link_spam
            0.1, 0.8, 0.1, // a third of it is text of its own: stays
            0.1, 0.8, 0.1, // a link, but not in a list: stays
            0.1, 0.8, 0.1, // plain list item: stays
            0.1, 0.8, 0.1, // no context: stays
            0.1, 0.8, 0.1, // line out of range: stays
        ];
        assert_eq!(demote(Some(&contexts), &mut records, &scores, K, Some(BODY)), 2);
        let labels: Vec<u32> = records.iter().map(|r| r.label).collect();
        assert_eq!(labels, [0, 2, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn plain_text_other_labels_and_broken_input_are_left_alone() {
        let contexts = vec![ctx(true, 1.0); 3];
        // no contexts: plain text
        let mut records = recs(3);
        assert_eq!(demote(None, &mut records, &[0.1, 0.8, 0.1].repeat(3), K, Some(BODY)), 0);
        // a model without a body label, scores too short, a single label
        assert_eq!(demote(Some(&contexts), &mut records, &[0.1, 0.8, 0.1].repeat(3), K, None), 0);
        assert_eq!(demote(Some(&contexts), &mut records, &[0.5; 4], K, Some(BODY)), 0);
        assert_eq!(demote(Some(&contexts), &mut records, &[1.0; 3], 1, Some(0)), 0);
        assert!(records.iter().all(|r| r.label == BODY as u32));
        // a record already labeled junk keeps its label; NaN scores never panic
        records[0].label = 2;
        let scores = [f64::NAN, 0.9, f64::NAN, f64::NAN, f64::NAN, f64::NAN, 0.3, 0.3, 0.4];
        assert_eq!(demote(Some(&contexts), &mut records, &scores, K, Some(BODY)), 2);
        assert_eq!(records.iter().map(|r| r.label).collect::<Vec<_>>(), [2, 0, 2]);
    }
}
