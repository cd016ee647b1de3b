//! Features checked by name on small examples.

use super::*;
use crate::html::{HtmlContext, ANCESTORS};
use crate::segment::segment;

const PARA: &str = "The committee met on Tuesday and agreed to extend the opening hours of the library.";
const PARA2: &str = "Readers asked for longer hours because the library is the only quiet place in town.";

fn small() -> FeatureConfig {
    FeatureConfig { n_word_hash: 1 << 12, n_char_hash: 1 << 10, html: false, ..Default::default() }
}

/// Featurize one plain-text document.
fn run(text: &str) -> FeatureMatrix {
    let segs = segment(text, true);
    featurize(&[Document { text, segments: &segs, html: None }], &small())
}

/// Feature `name` of row `row` (panics on an unknown name: tests must name real features).
fn feature(m: &FeatureMatrix, row: usize, name: &str) -> f32 {
    m.dense_value(row, name).unwrap_or_else(|| panic!("no feature {name} / row {row}"))
}

fn ctx(tag: &str) -> HtmlContext {
    HtmlContext { tag: tag.into(), ..Default::default() }
}

fn run_html(text: &str, contexts: &[Option<HtmlContext>]) -> FeatureMatrix {
    let segs = segment(text, true);
    let cfg = FeatureConfig { html: true, ..small() };
    featurize(&[Document { text, segments: &segs, html: Some(contexts) }], &cfg)
}

#[test]
fn names_are_unique_and_match_the_columns() {
    let names = dense_feature_names(true);
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len());
    assert_eq!(dense_feature_names(false).len(), BASE_NAMES.len());
    assert_eq!(run("a\nb").n_dense, BASE_NAMES.len());
    assert_eq!(ANCESTOR_NAMES.iter().map(|n| &n[3..]).collect::<Vec<_>>(), ANCESTORS);
}

#[test]
fn a_title_cased_line_between_two_paragraphs_has_title_ratio_1() {
    let m = run(&format!("{PARA}\nOpening Hours And Access\n{PARA2}"));
    assert_eq!(feature(&m, 1, "title_ratio"), 1.0);
    assert!(feature(&m, 0, "title_ratio") < 0.2);
    assert_eq!(feature(&m, 0, "next_title"), 1.0); // the context block sees it too
    assert_eq!(feature(&m, 2, "prev_title"), 1.0);
}

#[test]
fn length_words_and_sentence_ends() {
    let m = run(&format!("{PARA} {PARA2}\nShort"));
    assert!((feature(&m, 1, "log_chars") - 6f32.ln()).abs() < 1e-5);
    assert!((feature(&m, 1, "log_words") - 2f32.ln()).abs() < 1e-5);
    assert_eq!(feature(&m, 1, "mean_word_len"), 5.0);
    assert!((feature(&m, 0, "log_sentences") - 2f32.ln()).abs() < 1e-5);
    assert_eq!(feature(&m, 1, "log_sentences"), 0.0);
}

#[test]
fn line_endings() {
    let m = run("It ended.\nA list:\nOne, two,\nNo end");
    assert_eq!(feature(&m, 0, "ends_terminal"), 1.0);
    assert_eq!(feature(&m, 1, "ends_colon"), 1.0);
    assert_eq!(feature(&m, 2, "ends_other"), 1.0);
    let last = ["ends_terminal", "ends_colon", "ends_other"].map(|f| feature(&m, 3, f));
    assert_eq!(last, [0.0; 3]);
}

#[test]
fn line_starts_and_indentation() {
    let m = run("- item one\n2020 was a year\n“Quoted,” she said\n   indented text");
    assert_eq!(feature(&m, 0, "starts_marker"), 1.0);
    assert_eq!(feature(&m, 1, "starts_digit"), 1.0);
    assert_eq!(feature(&m, 1, "starts_marker"), 0.0);
    assert_eq!(feature(&m, 2, "starts_quote"), 1.0);
    assert_eq!(feature(&m, 3, "indented"), 1.0);
    assert_eq!(feature(&m, 0, "indented"), 0.0);
}

#[test]
fn an_indented_paragraph_or_labeled_point_is_not_read_as_indented_but_fields_items_and_titles_are() {
    let m = run(concat!(
        "The harbour was quiet on Monday morning when the boats came back.\n",
        "    Fishermen said the season had been the best in a decade, and prices held.\n",
        "  • Bio : Maiores in similique minus odio. Labore voluptas facere voluptate numquam.\n",
        "  Name : Roxanne Rolfson\n",
        "  - The Extraordinary Life And Legacy Of Brianna Cole Revealed At Last.\n",
        "    Fishermen said the season had been the best in a decade, and prices held\n",
        "    Short and indented.\n",
        "  • Minimal packaging and clear labels are what shoppers now prefer in most stores.\n",
        "    “We have not seen a season like this one since my father ran the boat,” he said.”\n",
        "  • Taco Tuesday: Use black beans or seasoned tofu instead of meat, and add your toppings.\n",
        "    Pros: One of only two sites to show the actual baggage fees for each of the fares.\n",
        "  • bio : Try under again might. Attorney throughout your office beyond into field.\n",
    ));
    let indented: Vec<f32> = (0..12).map(|i| feature(&m, i, "indented")).collect();
    // a plain line, a paragraph, a field, a field, a Title Case item, a paragraph that does not
    // end like one, a short line, a bulleted point of running text, a quote, two labeled points
    // of prose, and a generated field of as many words whose words are word salad
    assert_eq!(indented, [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn a_cjk_first_line_indent_is_not_read_as_indented_but_other_indents_are() {
    let m = run(concat!(
        "美樹營地\n",
        "\u{3000}\u{3000}一波波接續性低溫寒流報到，已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣。\n",
        "\u{3000}玉峰道路一路上雲氣山嵐滯留山頭。\n",
        "  \u{3000}美樹美如其名。\n",
        "\u{3000}  Name : Roxanne Rolfson\n",
    ));
    let indented: Vec<f32> = (0..5).map(|i| feature(&m, i, "indented")).collect();
    // a heading, two CJK paragraphs (two and one ideographic spaces), and two lines whose
    // indentation mixes in ASCII spaces: a layout, read as before
    assert_eq!(indented, [0.0, 0.0, 0.0, 1.0, 1.0]);
}

#[test]
fn caps_and_function_words() {
    let m = run("READ MORE NOW\nthe cat and the dog\nder Hund und die Katze");
    assert_eq!(feature(&m, 0, "caps_ratio"), 1.0);
    assert_eq!(feature(&m, 1, "stop_en"), 0.6);
    assert_eq!(feature(&m, 1, "stop_any"), 0.6);
    assert_eq!(feature(&m, 2, "stop_en"), 0.0);
    assert_eq!(feature(&m, 2, "stop_any"), 0.6);
}

#[test]
fn key_values_urls_emails_handles_and_separators() {
    let m = run("Photo: Reuters\nsee www.example.org\nwrite to jo@example.org\nfollow @textsieve\nHome | News - World · Europe\nPosted by : admin");
    assert_eq!(feature(&m, 0, "key_value"), 1.0);
    assert_eq!(feature(&m, 1, "has_url"), 1.0);
    assert_eq!(feature(&m, 2, "has_email"), 1.0);
    assert_eq!(feature(&m, 2, "has_handle"), 0.0);
    assert_eq!(feature(&m, 3, "has_handle"), 1.0);
    assert_eq!(feature(&m, 4, "pipe_seps"), 1.0);
    assert_eq!(feature(&m, 4, "dash_seps"), 1.0);
    assert_eq!(feature(&m, 4, "dot_seps"), 1.0);
    assert_eq!(feature(&m, 5, "spaced_colon"), 1.0);
    assert_eq!(feature(&m, 0, "spaced_colon"), 0.0);
}

#[test]
fn digits_and_commas() {
    let m = run("2024 12 31\na, b, c, d");
    assert!((feature(&m, 0, "digit_ratio") - 0.8).abs() < 1e-6);
    assert_eq!(feature(&m, 1, "commas_per_word"), 0.75);
}

#[test]
fn a_line_repeated_twice_has_log_exact_dups_above_0() {
    let m = run(&format!("Share this article\n{PARA}\nShare this article"));
    assert!(feature(&m, 0, "log_exact_dups") > 0.0);
    assert_eq!(feature(&m, 1, "log_exact_dups"), 0.0);
    assert_eq!(feature(&m, 0, "log_key_dups"), 0.0);
}

#[test]
fn a_toc_entry_repeating_a_heading_has_log_key_dups_above_0() {
    let m = run(&format!("- Military Ties: Beyond the Headlines\n{PARA}\nMilitary ties - beyond the headlines"));
    assert!(feature(&m, 0, "log_key_dups") > 0.0);
    assert_eq!(feature(&m, 0, "log_exact_dups"), 0.0);
}

#[test]
fn off_topic_lines_share_no_words_with_the_document() {
    let m =
        run(&format!("Library opening hours extended\n{PARA}\nTen Celebrities Who Secretly Hate Their Roles\n{PARA2}"));
    // Row 1 shares "library", "opening", "hours" with the title line and the next paragraph.
    assert!(feature(&m, 1, "doc_overlap") > 0.3);
    assert!(feature(&m, 1, "title_overlap") > 0.3);
    assert_eq!(feature(&m, 2, "doc_overlap"), 0.0);
    assert_eq!(feature(&m, 2, "title_overlap"), 0.0);
    assert_eq!(feature(&m, 2, "neighbour_overlap"), 0.0);
    assert!(feature(&m, 3, "doc_overlap") > 0.0);
    assert_eq!(feature(&m, 0, "title_overlap"), 1.0); // the first line is the title
    assert!(feature(&m, 2, "log_content_words") > 0.0);
}

#[test]
fn neighbour_overlap_sees_the_adjacent_lines() {
    let m = run("Garden roses in bloom\nRoses need sunlight daily\nUnrelated words entirely");
    // Content words of row 1: roses, need, sunlight, daily; "roses" is also in the line before.
    assert_eq!(feature(&m, 1, "neighbour_overlap"), 0.25);
    assert_eq!(feature(&m, 2, "neighbour_overlap"), 0.0);
}

#[test]
fn position_features() {
    let m = run("a\nb\nc\nd");
    assert_eq!(feature(&m, 1, "rel_position"), 0.25);
    assert!((feature(&m, 1, "log_index") - 2f32.ln()).abs() < 1e-6);
    assert!((feature(&m, 1, "log_from_end") - 3f32.ln()).abs() < 1e-6);
    assert!((feature(&m, 0, "log_doc_segments") - 5f32.ln()).abs() < 1e-6);
    assert_eq!(feature(&m, 2, "rel_char_position"), 0.5);
}

#[test]
fn counts_that_grow_with_page_size_are_capped() {
    let text = "line\n".repeat(5000);
    let m = run(&text);
    let cap = LOG_COUNT_CAP.ln_1p();
    assert_eq!(feature(&m, 4999, "log_index"), cap);
    assert_eq!(feature(&m, 0, "log_from_end"), cap);
    assert_eq!(feature(&m, 0, "log_doc_segments"), cap);
    assert_eq!(feature(&m, 0, "short_run"), cap);
    assert_eq!(feature(&m, 0, "log_exact_dups"), cap);
}

#[test]
fn blank_lines_and_glue_parts() {
    let m = run(&format!("Title\n\n\n\n\n{PARA}Opening Hours and Access\nNext line."));
    assert_eq!(feature(&m, 0, "blank_after"), 3.0); // clipped
    assert_eq!(feature(&m, 1, "blank_before"), 3.0);
    assert_eq!(feature(&m, 1, "has_tail"), 1.0);
    assert_eq!(feature(&m, 2, "is_tail"), 1.0);
    assert_eq!(feature(&m, 3, "is_tail"), 0.0);
    assert_eq!(feature(&m, 3, "has_tail"), 0.0);
}

#[test]
fn document_means_are_for_the_whole_document() {
    let long = "word ".repeat(60);
    let m = run(&format!("{long}\n\nshort\nshort two\n\n{long}"));
    assert_eq!(feature(&m, 0, "doc_long_share"), 0.5);
    assert_eq!(feature(&m, 3, "doc_long_share"), 0.5);
    assert_eq!(feature(&m, 0, "doc_blank_share"), 0.5);
}

#[test]
fn runs_of_markers_and_short_lines() {
    let m = run(&format!("- one\n- two\n- three\n{PARA}"));
    assert!((feature(&m, 1, "marker_run") - 4f32.ln()).abs() < 1e-6);
    assert!((feature(&m, 1, "short_run") - 4f32.ln()).abs() < 1e-6);
    assert_eq!(feature(&m, 3, "marker_run"), 0.0);
    assert_eq!(feature(&m, 3, "short_run"), 0.0);
}

#[test]
fn context_features_are_zero_past_the_ends() {
    let m = run(&format!("- item\n{PARA}"));
    assert_eq!(feature(&m, 0, "prev_present"), 0.0);
    assert_eq!(feature(&m, 0, "next_present"), 1.0);
    assert_eq!(feature(&m, 0, "next_terminal"), 1.0);
    assert_eq!(feature(&m, 1, "prev_marker"), 1.0);
    assert_eq!(feature(&m, 1, "prev2_present"), 0.0);
    assert!(feature(&m, 1, "prev_len") > 0.0);
    assert_eq!(feature(&m, 0, "next2_present"), 0.0);
}

#[test]
fn key_value_context_feature() {
    let m = run("Photo: Reuters\nbody");
    assert_eq!(feature(&m, 1, "prev_kv"), 1.0);
}

#[test]
fn plain_text_rows_have_zero_html_features() {
    let text = "a\nb";
    let segs = segment(text, true);
    let m = featurize(&[Document { text, segments: &segs, html: None }], &FeatureConfig { html: true, ..small() });
    assert_eq!(m.n_dense, BASE_NAMES.len() + HTML_NAMES.len());
    for name in HTML_NAMES {
        assert_eq!(feature(&m, 0, name), 0.0, "{name}");
    }
}

#[test]
fn html_tag_link_and_image_features() {
    let text = "Home\nNews\nA paragraph about the library.\nbr line\nPhoto: Library interior";
    let mut home = ctx("a");
    home.link_share = 1.0;
    home.link_list = true;
    home.ancestors = 1 << ANCESTORS.iter().position(|a| *a == "nav").unwrap();
    let mut news = home.clone();
    news.link_share = 0.95;
    let mut caption = ctx("figcaption");
    caption.image = true;
    caption.alt = vec!["library".into(), "interior,".into()];
    let contexts = vec![Some(home), Some(news), Some(ctx("p")), Some(ctx("br")), Some(caption)];
    let m = run_html(text, &contexts);
    assert_eq!(feature(&m, 0, "html"), 1.0);
    assert_eq!(feature(&m, 0, "tag_a"), 1.0);
    assert_eq!(feature(&m, 0, "link_share"), 1.0);
    assert_eq!(feature(&m, 0, "all_link"), 1.0);
    assert_eq!(feature(&m, 0, "link_list"), 1.0);
    assert_eq!(feature(&m, 0, "in_nav"), 1.0);
    assert_eq!(feature(&m, 0, "in_footer"), 0.0);
    assert!((feature(&m, 0, "log_link_run") - 3f32.ln()).abs() < 1e-6);
    assert_eq!(feature(&m, 0, "same_tag_next"), 1.0);
    assert_eq!(feature(&m, 1, "same_tag_prev"), 1.0);
    assert_eq!(feature(&m, 1, "prev_link_share"), 1.0);
    assert_eq!(feature(&m, 2, "prev_link_share"), 0.95);
    assert_eq!(feature(&m, 1, "next_link_share"), 0.0);
    assert_eq!(feature(&m, 2, "tag_p"), 1.0);
    assert_eq!(feature(&m, 3, "tag_br"), 1.0, "tag_br fires for <br>-separated lines");
    assert_eq!(feature(&m, 3, "tag_other"), 0.0);
    assert_eq!(feature(&m, 4, "tag_figcaption"), 1.0);
    assert_eq!(feature(&m, 4, "image"), 1.0);
    assert!((feature(&m, 4, "alt_overlap") - 2.0 / 3.0).abs() < 1e-6, "alt punctuation stripped");
    let page_share = (4.0 * 1.0 + 4.0 * 0.95) / text.lines().map(|l| l.len() as f32).sum::<f32>();
    assert!((feature(&m, 2, "doc_link_share") - page_share).abs() < 1e-6);
}

#[test]
fn unknown_tags_are_tag_other_and_heading_levels_share_tag_h1() {
    let m = run_html("x\ny", &[Some(ctx("div")), Some(ctx("h3"))]);
    assert_eq!(feature(&m, 0, "tag_other"), 1.0);
    assert_eq!(feature(&m, 1, "tag_h1"), 1.0);
}

#[test]
fn hint_groups_common_on_the_page_are_switched_off() {
    let with = |hints: &[&str]| {
        let mut c = ctx("p");
        c.hints = hints.iter().map(|s| s.to_string()).collect();
        Some(c)
    };
    let contexts = vec![
        with(&["author-box", "entry-content"]),
        with(&["entry-content"]),
        with(&["entry-content"]),
        with(&["p1", "p2", "p3", "p4", "footer-menu", "entry-content"]),
    ];
    let m = run_html("a\nb\nc\nd", &contexts);
    assert_eq!(feature(&m, 0, "hint_author"), 1.0);
    assert_eq!(feature(&m, 0, "near_hint_author"), 1.0);
    assert_eq!(feature(&m, 1, "hint_author"), 0.0);
    assert_eq!(feature(&m, 0, "hint_content"), 0.0, "on every line: says nothing");
    assert_eq!(feature(&m, 3, "hint_nav"), 1.0);
    assert_eq!(feature(&m, 3, "near_hint_nav"), 0.0, "fifth token is not near");
}

#[test]
fn page_statistics_are_computed_over_the_whole_page_not_a_window() {
    // 190 navigation lines then 110 body lines: the nav hint is on 63% of the page, under the
    // 90% that switches a hint group off, so it stays on (a 200-line window would have seen 95%
    // navigation and switched it off).
    let mut text = String::new();
    let mut contexts = Vec::new();
    for i in 0..300 {
        text.push_str(&format!("line {i}\n"));
        let mut c = ctx("li");
        c.hints = vec![if i < 190 { "main-nav".into() } else { "prose".into() }];
        contexts.push(Some(c));
    }
    let m = run_html(&text, &contexts);
    assert_eq!(feature(&m, 0, "hint_nav"), 1.0);
    assert_eq!(feature(&m, 299, "hint_nav"), 0.0);
}

#[test]
fn a_content_hint_on_most_of_a_long_page_stays_on() {
    // An archive of 50 entries: the content hint covers 80% of the page's lines. That is most of
    // the page, not all of it, so it still tells the entries' paragraphs from the chrome around.
    let mut text = String::new();
    let mut contexts = Vec::new();
    for i in 0..500 {
        text.push_str(&format!("line {i}\n"));
        let mut c = ctx("p");
        c.hints = vec![if i % 5 == 0 { "share-bar".into() } else { "entry-content".into() }];
        contexts.push(Some(c));
    }
    let m = run_html(&text, &contexts);
    assert_eq!(feature(&m, 1, "hint_content"), 1.0);
    assert_eq!(feature(&m, 0, "hint_content"), 0.0);
}

#[test]
fn html_contexts_are_indexed_by_source_line() {
    // Blank source lines have no context; segments find theirs by `Segment::line`.
    let m = run_html("Heading\n\nBody text.", &[Some(ctx("h2")), None, Some(ctx("p"))]);
    assert_eq!(feature(&m, 0, "tag_h1"), 1.0);
    assert_eq!(feature(&m, 1, "tag_p"), 1.0);
    // Too few contexts: missing lines count as plain text.
    let m = run_html("a\nb", &[Some(ctx("p"))]);
    assert_eq!(feature(&m, 1, "html"), 0.0);
}

#[test]
fn batches_keep_document_order_and_ids() {
    let (a, b) = ("one\ntwo", "three");
    let (sa, sb) = (segment(a, true), segment(b, true));
    let docs = [
        Document { text: a, segments: &sa, html: None },
        Document { text: "", segments: &[], html: None },
        Document { text: b, segments: &sb, html: None },
    ];
    let m = featurize(&docs, &small());
    assert_eq!(m.n_rows, 3);
    assert_eq!(m.doc, [0, 0, 2]);
    assert_eq!(m.indptr.len(), 4);
    // Document statistics do not leak across documents.
    assert!((feature(&m, 2, "log_doc_segments") - 2f32.ln()).abs() < 1e-6);
    let par = featurize_parallel(&docs, &small(), 2);
    assert_eq!(par, m);
}

#[test]
fn csr_block_is_canonical_and_in_range() {
    let text = format!("{PARA}\n{PARA2}\nthe the the the\n!!!");
    let m = run(&text);
    assert_eq!(m.n_hash, (1 << 12) + (1 << 10));
    assert_eq!(*m.indptr.last().unwrap() as usize, m.indices.len());
    for r in 0..m.n_rows {
        let (a, b) = (m.indptr[r] as usize, m.indptr[r + 1] as usize);
        assert!(m.indices[a..b].windows(2).all(|w| w[0] < w[1]), "row {r} sorted, no duplicates");
        assert!(m.indices[a..b].iter().all(|&i| (i as usize) < m.n_hash));
    }
    // "the the the the": one unigram and one bigram index with counts 4 and 3 -> 0.8, 0.6.
    let (a, b) = (m.indptr[2] as usize, m.indptr[3] as usize);
    let words: Vec<f32> = (a..b).filter(|&k| m.indices[k] < 1 << 12).map(|k| m.values[k]).collect();
    let mut words = words;
    words.sort_by(f32::total_cmp);
    assert_eq!(words.len(), 2);
    assert!((words[0] - 0.6).abs() < 1e-6 && (words[1] - 0.8).abs() < 1e-6);
}

/// "Hello world" with the default config: 3 word indices (hello, world, "hello world") and 18
/// char n-gram indices.
const PINNED: &[u32] = &[
    160167, 185416, 219616, 262788, 264429, 266157, 267688, 269975, 276785, 281770, 282064, 284272, 287459, 288570,
    297442, 309671, 311488, 316487, 317888, 326162, 326973,
];

#[test]
fn hash_indices_are_pinned() {
    // A trained model depends on these exact indices: if this fails, the hashing changed, and
    // FEATURES_VERSION must be bumped (and the model retrained).
    let m = featurize(
        &[Document { text: "Hello world", segments: &segment("Hello world", true), html: None }],
        &FeatureConfig::default(),
    );
    assert_eq!(FEATURES_VERSION, 3);
    assert_eq!(m.indices, PINNED);
}

#[test]
fn featurizing_is_deterministic() {
    let text = format!("{PARA}\n{PARA2}\nTitle Line");
    assert_eq!(run(&text), run(&text));
}

#[test]
fn nasty_inputs_never_panic() {
    let big_line = "x".repeat(10 << 20);
    let nul = "a\0b\0\n\0\0\0\n".to_string();
    let blanks = "\n".repeat(100_000);
    let mixed = format!("{}\n{}é\r\n\r\r\n{}", "\u{2028}".repeat(100), "Ⅻ'’@@..", "word ".repeat(100_000));
    for text in ["", "\r", "\r\n", "\0", "@", "-", "#", "(1", "a:", ".com"]
        .map(String::from)
        .into_iter()
        .chain([big_line, nul, blanks, mixed])
    {
        let segs = segment(&text, true);
        let contexts: Vec<Option<HtmlContext>> = (0..text.split('\n').count().min(10))
            .map(|_| Some(HtmlContext { alt: vec!["...".into(), "".into()], hints: vec!["".into()], ..ctx("") }))
            .collect();
        let docs = [Document { text: &text, segments: &segs, html: Some(&contexts) }];
        let m = featurize(&docs, &FeatureConfig::default());
        assert_eq!(m.n_rows, segs.len());
        assert!(m.dense.iter().all(|v| v.is_finite()));
        assert!(m.values.iter().all(|v| v.is_finite()));
    }
}

#[test]
fn a_huge_line_has_bounded_feature_values() {
    let text = format!("{} end", "Word. ".repeat(2_000_000));
    let m = run(&text);
    assert_eq!(feature(&m, 0, "log_chars"), (shape::MAX_CHARS as f32).ln_1p());
    assert_eq!(feature(&m, 0, "log_sentences"), (shape::MAX_SENTENCES as f32).ln_1p());
    let (a, b) = (m.indptr[0] as usize, m.indptr[1] as usize);
    assert!(b - a < 600, "hashed features come from a bounded snippet");
}

#[test]
fn zero_sized_hash_blocks_switch_hashing_off() {
    let text = "hello world";
    let segs = segment(text, true);
    let cfg = FeatureConfig { n_word_hash: 0, n_char_hash: 0, html: false, ..Default::default() };
    let m = featurize(&[Document { text, segments: &segs, html: None }], &cfg);
    assert_eq!(m.n_hash, 0);
    assert!(m.indices.is_empty());
    assert_eq!(m.indptr, [0, 0]);
}

/// A tiny deterministic generator (xorshift) so the fuzz test needs no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_tricky_text_never_panics_and_stays_canonical() {
    const ALPHABET: &[&str] = &[
        "\n", "\n", "\r", " ", " ", "\t", ".", "!", "?", "@", ":", "-", "–", "—", "•", "·", "|", "#", "(", ")", "\"",
        "“", "’", "'", "A", "b", "Z", "x", "é", "ß", "İ", "Σ", "中", "1", "٣", "²", "_", "\0", "\u{2028}", "\u{a0}",
        "\u{1c}", "🙂", "www.", ".com", "http://", "The ", "Word. ", "- ", "12. ",
    ];
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let cfg = FeatureConfig { n_word_hash: 1000, n_char_hash: 333, ..FeatureConfig::default() };
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..rng.below(400) {
            text.push_str(ALPHABET[rng.below(ALPHABET.len())]);
        }
        let segs = segment(&text, rng.below(2) == 0);
        for s in &segs {
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end) && s.start < s.end);
        }
        let contexts: Vec<Option<HtmlContext>> = (0..text.split('\n').count())
            .map(|_| {
                (rng.below(3) > 0).then(|| HtmlContext {
                    tag: ["p", "br", "a", "", "h2"][rng.below(5)].into(),
                    link_share: [0.0, 0.5, 1.0, f32::NAN][rng.below(4)],
                    ancestors: rng.next() as u32,
                    hints: vec!["nav-menu".into(); rng.below(6)],
                    alt: vec!["word.".into(); rng.below(3)],
                    ..Default::default()
                })
            })
            .collect();
        let m = featurize(&[Document { text: &text, segments: &segs, html: Some(&contexts) }], &cfg);
        assert_eq!(m.n_rows, segs.len());
        assert!(m.dense.iter().all(|v| v.is_finite()), "finite dense features for {text:?}");
        for r in 0..m.n_rows {
            let (a, b) = (m.indptr[r] as usize, m.indptr[r + 1] as usize);
            assert!(m.indices[a..b].windows(2).all(|w| w[0] < w[1]));
            assert!(m.indices[a..b].iter().all(|&i| (i as usize) < m.n_hash));
        }
    }
}
