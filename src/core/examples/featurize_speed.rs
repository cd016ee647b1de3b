//! Lines per second of segmentation + featurization alone, on text files.
//!
//! `cargo run --release --example featurize_speed -- [--repeat N] [--threads T] [--no-words]
//! [--no-chars] [--no-html] [--html-input] FILE...`
//!
//! Each file is one document; the batch is the files repeated `N` times (default: enough for
//! about 200,000 segments) so the figure is stable. Prints segments/s and MB/s for segmentation
//! and featurization separately, with the default `FeatureConfig` (HTML block on, no contexts).
use std::time::Instant;

/// CPU time this thread has run, in seconds (Linux `/proc/thread-self/schedstat`), so the figure
/// is per core even on a loaded machine; falls back to wall time elsewhere.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse::<f64>().ok().map(|ns| ns / 1e9)
}

use textsieve_core::features::{featurize, featurize_parallel, Document, FeatureConfig};
use textsieve_core::html::{parse_html, HtmlContext};
use textsieve_core::segment::segment;

fn main() {
    let mut repeat: Option<usize> = None;
    let mut threads = 1usize;
    let mut cfg = FeatureConfig::default();
    let mut html_input = false;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => repeat = args.next().and_then(|v| v.parse().ok()),
            "--threads" => threads = args.next().and_then(|v| v.parse().ok()).unwrap_or(1),
            // Switch blocks off to see what each costs.
            "--no-words" => cfg.n_word_hash = 0,
            "--no-chars" => cfg.n_char_hash = 0,
            "--no-html" => cfg.html = false,
            // Files are HTML pages: parse them first (not timed) and featurize with contexts.
            "--html-input" => html_input = true,
            _ => files.push(a),
        }
    }
    if files.is_empty() {
        eprintln!("usage: featurize_speed [--repeat N] [--threads T] FILE...");
        std::process::exit(2);
    }
    let raw: Vec<String> = files
        .iter()
        .map(|f| match std::fs::read(f) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("cannot read {f}: {e}");
                std::process::exit(1);
            }
        })
        .collect();
    let pages: Vec<(String, Option<Vec<Option<HtmlContext>>>)> = raw
        .into_iter()
        .map(|r| {
            if html_input {
                let p = parse_html(&r);
                (p.text, Some(p.contexts))
            } else {
                (r, None)
            }
        })
        .collect();
    let texts: Vec<&String> = pages.iter().map(|p| &p.0).collect();
    let segs_once: usize = texts.iter().map(|t| segment(t, true).len()).sum();
    let repeat = repeat.unwrap_or_else(|| (200_000 / segs_once.max(1)).max(1));
    let batch: Vec<(&str, Option<&[Option<HtmlContext>]>)> =
        (0..repeat).flat_map(|_| pages.iter().map(|(t, c)| (t.as_str(), c.as_deref()))).collect();
    let bytes: usize = batch.iter().map(|t| t.0.len()).sum();

    let (t0, c0) = (Instant::now(), cpu_seconds());
    let segs: Vec<_> = batch.iter().map(|t| segment(t.0, true)).collect();
    let (seg_s, seg_cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds().zip(c0).map(|(b, a)| b - a));
    let docs: Vec<Document> =
        batch.iter().zip(&segs).map(|(t, s)| Document { text: t.0, segments: s, html: t.1 }).collect();
    let (t1, c1) = (Instant::now(), cpu_seconds());
    let m = if threads > 1 { featurize_parallel(&docs, &cfg, threads) } else { featurize(&docs, &cfg) };
    let (feat_s, feat_cpu) = (t1.elapsed().as_secs_f64(), cpu_seconds().zip(c1).map(|(b, a)| b - a));
    let n = m.n_rows as f64;
    println!("{} docs x{repeat}, {} segments, {:.1} MB, threads {threads}", texts.len(), m.n_rows, bytes as f64 / 1e6);
    println!("segment:   {:>10.0} lines/s  {:>7.1} MB/s", n / seg_s, bytes as f64 / 1e6 / seg_s);
    println!("featurize: {:>10.0} lines/s  {:>7.1} MB/s", n / feat_s, bytes as f64 / 1e6 / feat_s);
    println!("both:      {:>10.0} lines/s", n / (seg_s + feat_s));
    if let (Some(sc), Some(fc), 1) = (seg_cpu, feat_cpu, threads) {
        println!("per core (CPU time): segment {:.0} lines/s, featurize {:.0} lines/s", n / sc, n / fc);
    }
    println!("nnz per row: {:.1}", m.indices.len() as f64 / n.max(1.0));
    // A checksum of every value, to compare two builds' features (they must agree bit for bit).
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |v: u64| h = (h ^ v).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
    m.dense.iter().for_each(|v| eat(v.to_bits() as u64));
    m.indptr.iter().for_each(|&v| eat(v));
    m.indices.iter().for_each(|&v| eat(v as u64));
    m.values.iter().for_each(|v| eat(v.to_bits() as u64));
    m.doc.iter().for_each(|&v| eat(v as u64));
    println!("feature checksum: {h:016x}");
}
