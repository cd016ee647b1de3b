//! The batch entry points: documents in, labeled records or cleaned text out.
//!
//! text (unwrapped when it is a scraper's dump of text nodes, see `unwrap`; or an HTML page ->
//! its block lines) -> segments -> features -> first pass -> revision -> trees -> probabilities
//! -> one label per segment (an item of a list of links never body, see `link_lists`; a page
//! never emptied, see `guard`) -> records (the two parts of a provisionally cut line joined again
//! when they got the same label; an unwrapped text's records back on its source lines) -> the
//! kept records joined into the cleaned text.
//!
//! Page statistics are computed per page by the featurizer, whatever the page's length, so a
//! long page is never cut into windows. A large batch is split into contiguous pieces that the
//! threads take one at a time, and every document's result depends on that document alone, so
//! the output is the same for any number of threads. Each piece is worked through in groups of
//! bounded size, which bounds the memory held by feature matrices.

use crate::features::{featurize, Document};
use crate::first_pass::Rows;
use crate::html::{parse_html, HtmlContext, HtmlPage};
use crate::model::Model;
use crate::segment::{segment, Segment};
use crate::text::is_space;
use crate::unwrap::{unwrap, Unwrapped};

/// The label that `body_threshold` is about.
pub const BODY: &str = "body";

/// One input document.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    /// Plain text.
    Text(&'a str),
    /// An HTML page, parsed by [`parse_html`].
    Html(&'a str),
    /// An already parsed page: its text and one context per line of the text.
    Page { text: &'a str, contexts: &'a [Option<HtmlContext>] },
}

/// How segments become labels.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Cut lines that look like two blocks glued together (see `segment`).
    pub split_glued: bool,
    /// Join a plain text's lines that continue the line before (a sentence cut by a link, a
    /// hard-wrapped paragraph; see `unwrap`) before labeling; each source line keeps its own
    /// record.
    pub join_wrapped: bool,
    /// When set, a segment is body exactly when P(body) >= threshold; otherwise it gets the
    /// most probable other label. `None`: the most probable label.
    pub body_threshold: Option<f64>,
    /// Worker threads; 0 picks from the machine and the batch size.
    pub threads: usize,
    /// Restore a page's best block of prose when its labels would leave it near-empty (see
    /// `guard`); on by default.
    pub guard: crate::guard::Guard,
}

/// One labeled record: a segment, or the two parts of a cut line joined again.
/// Offsets are BYTE offsets into the document's source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// 0-based source line.
    pub line: u32,
    pub start: usize,
    pub end: usize,
    /// Label index (into `Model::labels`).
    pub label: u32,
    /// The record starts its line (a whole line, or the head of a cut line), so a kept record
    /// keeps the line's indentation.
    pub starts_line: bool,
}

/// A labeled document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Labeled {
    /// The text the records index: `None` when it is the input itself, the extracted page
    /// text for an HTML page.
    pub page_text: Option<String>,
    pub records: Vec<Record>,
    /// Row-major `records.len() x k`: each record's probability per label (a joined record
    /// gets the length-weighted mean of its parts).
    pub scores: Vec<f64>,
}

impl Labeled {
    /// The records' text source, given the input document.
    pub fn source<'a>(&'a self, input: &Input<'a>) -> &'a str {
        match (&self.page_text, input) {
            (Some(t), _) => t.as_str(),
            (None, Input::Text(t)) | (None, Input::Html(t)) => t,
            (None, Input::Page { text, .. }) => text,
        }
    }
}

/// Documents per group are added until about this many bytes of text are in the group.
const GROUP_BYTES: usize = 256 * 1024;
/// Batches smaller than this run on the calling thread: starting threads would cost more.
const PARALLEL_BYTES: usize = 512 * 1024;

fn input_len(i: &Input) -> usize {
    match i {
        Input::Text(t) | Input::Html(t) => t.len(),
        Input::Page { text, .. } => text.len(),
    }
}

/// Label a batch. Errors only when the model and the featurizer disagree on shapes (a bug or
/// an incompatible model), never because of the input.
pub fn label(model: &Model, inputs: &[Input], opts: &Options) -> Result<Vec<Labeled>, String> {
    run_parallel(inputs, opts.threads, |chunk| label_chunk(model, chunk, opts))
}

/// Clean a batch: for every document, its kept records joined as [`join_kept`] does.
/// `keep[i]` says whether label `i` is kept.
pub fn clean(model: &Model, inputs: &[Input], opts: &Options, keep: &[bool]) -> Result<Vec<String>, String> {
    if keep.len() != model.labels().len() {
        return Err(format!("keep has {} flags, the model has {} labels", keep.len(), model.labels().len()));
    }
    run_parallel(inputs, opts.threads, |chunk| {
        let labeled = label_chunk(model, chunk, opts)?;
        Ok(labeled.iter().zip(chunk).map(|(l, input)| join_kept(l.source(input), &l.records, keep)).collect())
    })
}

/// Split `inputs` into contiguous pieces of similar byte size and run `f` on each, on up to
/// `threads` threads (the calling thread is one of them) when the batch is large; the results
/// are concatenated in input order.
///
/// The pieces are handed out one at a time (a shared counter), several per thread, rather than
/// one fixed share per thread: on a shared machine one core is often slower than the other (or
/// busy with someone else's work for a while), and with fixed shares the batch waits for the
/// slowest share. Every document's result depends on that document alone, so neither the
/// number of threads nor who ran which piece changes the output.
fn run_parallel<T: Send>(
    inputs: &[Input],
    threads: usize,
    f: impl Fn(&[Input]) -> Result<Vec<T>, String> + Sync,
) -> Result<Vec<T>, String> {
    let total: usize = inputs.iter().map(input_len).sum();
    let threads = if threads == 0 {
        // A small batch runs on this thread without asking: on Linux the core count reads the
        // cgroup quota files, which cost as much as cleaning a short document. Asked once.
        static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let wanted = total / PARALLEL_BYTES + 1;
        if wanted == 1 {
            1
        } else {
            (*CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))).min(wanted)
        }
    } else {
        threads
    }
    .clamp(1, inputs.len().max(1));
    if threads == 1 {
        return f(inputs);
    }
    let per = (total / (threads * PIECES_PER_THREAD)).max(MIN_PIECE_BYTES);
    let mut bounds = vec![0usize];
    let mut acc = 0usize;
    for (i, input) in inputs.iter().enumerate() {
        acc += input_len(input);
        if acc >= per && i + 1 < inputs.len() {
            bounds.push(i + 1);
            acc = 0;
        }
    }
    bounds.push(inputs.len());
    let n_pieces = bounds.len() - 1;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Result<Vec<T>, String>>>> =
        (0..n_pieces).map(|_| std::sync::Mutex::new(None)).collect();
    let work = || loop {
        let p = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if p >= n_pieces {
            break;
        }
        let r = f(&inputs[bounds[p]..bounds[p + 1]]);
        *slots[p].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads.min(n_pieces)).map(|_| s.spawn(&work)).collect();
        // A worker that failed (it cannot) leaves its piece empty: reported below, on this
        // thread as on the others (joined here, so no failure is re-raised when the scope ends).
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&work));
        for h in handles {
            let _ = h.join();
        }
    });
    let mut out = Vec::with_capacity(inputs.len());
    for slot in slots {
        match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(part) => out.extend(part?),
            None => return Err("a worker thread failed".to_string()),
        }
    }
    Ok(out)
}

/// Pieces per thread that a large batch is cut into (see [`run_parallel`]): enough that a slow
/// core ends up with fewer of them, few enough that each still fills a feature matrix.
const PIECES_PER_THREAD: usize = 2;
/// Smallest piece of a batch, in bytes of text.
const MIN_PIECE_BYTES: usize = 32 * 1024;

/// Label a chunk on this thread, in groups of about [`GROUP_BYTES`].
fn label_chunk(model: &Model, inputs: &[Input], opts: &Options) -> Result<Vec<Labeled>, String> {
    let mut out = Vec::with_capacity(inputs.len());
    let mut lo = 0;
    while lo < inputs.len() {
        let mut hi = lo;
        let mut bytes = 0;
        while hi < inputs.len() && (hi == lo || bytes + input_len(&inputs[hi]) <= GROUP_BYTES) {
            bytes += input_len(&inputs[hi]);
            hi += 1;
        }
        out.extend(label_group(model, &inputs[lo..hi], opts)?);
        lo = hi;
    }
    Ok(out)
}

fn label_group(model: &Model, inputs: &[Input], opts: &Options) -> Result<Vec<Labeled>, String> {
    label_group_in(model, inputs, opts, WINDOW_SEGMENTS)
}

/// [`label_group`] with windows of `window` lines (tests use small ones).
fn label_group_in(model: &Model, inputs: &[Input], opts: &Options, window: usize) -> Result<Vec<Labeled>, String> {
    let pages = parse_pages(inputs);
    let unwrapped = unwrap_texts(inputs, opts.join_wrapped);
    let read = read_texts(inputs, &pages, &unwrapped);
    let segments: Vec<Vec<Segment>> = read.iter().map(|(t, _)| segment(t, opts.split_glued)).collect();
    // What the model sees as one document: a whole input, or a window of a very long one.
    let docs: Vec<Document> = read
        .iter()
        .zip(&segments)
        .flat_map(|(&(text, html), segs)| {
            window_bounds(segs, window).windows(2).map(|b| Document { text, segments: &segs[b[0]..b[1]], html }).collect::<Vec<_>>()
        })
        .collect();
    let proba = proba_bounded(model, &docs, window)?;
    let k = model.labels().len();
    let body = model.labels().iter().position(|l| l == BODY);
    let mut out = Vec::with_capacity(inputs.len());
    let mut row = 0;
    for (((segs, (text, html)), page), u) in segments.iter().zip(&read).zip(pages.iter()).zip(&unwrapped) {
        let p = &proba[row * k..(row + segs.len()) * k];
        row += segs.len();
        let (mut records, mut scores) = to_records(text, segs, p, k, body, opts.body_threshold);
        crate::link_lists::demote(*html, &mut records, &scores, k, body);
        crate::guard::restore(text, *html, &mut records, &scores, k, body, &opts.guard);
        if let Some(u) = u {
            (records, scores) = records_in_source(u, &records, &scores, k);
        }
        out.push(Labeled { page_text: page.as_ref().map(|p| p.text.clone()), records, scores });
    }
    Ok(out)
}

/// Each raw HTML input parsed into its block lines (`None` for the other inputs).
pub fn parse_pages(inputs: &[Input]) -> Vec<Option<HtmlPage>> {
    inputs.iter().map(|i| if let Input::Html(h) = i { Some(parse_html(h)) } else { None }).collect()
}

/// Each plain-text input's unwrapped text when `join_wrapped` is on and the text reads as a
/// scraper's dump (see [`crate::unwrap`]); `None` for HTML pages and for any other text.
pub fn unwrap_texts(inputs: &[Input], join_wrapped: bool) -> Vec<Option<Unwrapped>> {
    inputs.iter().map(|i| match i {
        Input::Text(t) if join_wrapped => unwrap(t),
        _ => None,
    }).collect()
}

/// What is segmented and featurized for each input, with its lines' markup contexts: a parsed
/// page's block lines, an unwrapped text, or the input text itself.
pub fn read_texts<'a>(
    inputs: &'a [Input<'a>],
    pages: &'a [Option<HtmlPage>],
    unwrapped: &'a [Option<Unwrapped>],
) -> Vec<(&'a str, Option<&'a [Option<HtmlContext>]>)> {
    inputs
        .iter()
        .zip(pages)
        .zip(unwrapped)
        .map(|((input, page), u)| match (input, page, u) {
            (_, Some(p), _) => (p.text.as_str(), Some(p.contexts.as_slice())),
            (Input::Page { text, contexts }, None, _) => (*text, Some(*contexts)),
            (_, None, Some(u)) => (u.text.as_str(), None),
            (Input::Text(t), None, None) | (Input::Html(t), None, None) => (*t, None),
        })
        .collect()
}

/// Records of an unwrapped text -> records of its source: one per source line a record covers,
/// each with the record's label and scores.
fn records_in_source(u: &Unwrapped, records: &[Record], scores: &[f64], k: usize) -> (Vec<Record>, Vec<f64>) {
    let mut out = Vec::with_capacity(records.len());
    let mut out_scores = Vec::with_capacity(scores.len());
    for (i, rec) in records.iter().enumerate() {
        let ranges = u.to_source(rec.start, rec.end);
        debug_assert!(!ranges.is_empty(), "a record is stripped text, never only a joining space");
        for r in ranges {
            out.push(Record { line: r.line, start: r.start, end: r.end, label: rec.label, starts_line: r.starts_line });
            out_scores.extend_from_slice(&scores[i * k..(i + 1) * k]);
        }
    }
    (out, out_scores)
}

/// Lines of one document the model sees at once. A longer input (no web page comes close: the
/// longest benchmark page, a 2 MB archive, has 10,231) is featurized and scored as consecutive
/// windows of at most this many lines, each with its own page statistics, so the feature rows
/// of a document of millions of short lines (about 900 bytes a line) are never held whole:
/// memory stays bounded by the window, plus the labels and scores of the whole input (about
/// 130 bytes a line).
pub const WINDOW_SEGMENTS: usize = 100_000;

/// Where the windows of one input's segments start, plus the end: one window (`[0, n]`) unless
/// there are more than `window` segments. Windows are of even size (a last window of a few
/// lines would be scored as a page of its own) and never separate the two parts of a cut line.
fn window_bounds(segs: &[Segment], window: usize) -> Vec<usize> {
    let n = segs.len();
    let count = n.div_ceil(window.max(1)).max(1);
    let size = n.div_ceil(count).max(1);
    let mut bounds = vec![0];
    for w in 1..count {
        let mut b = (w * size).min(n);
        while b < n && segs[b].part == 1 {
            b += 1; // a tail stays with its head
        }
        if b > *bounds.last().unwrap_or(&0) && b < n {
            bounds.push(b);
        }
    }
    bounds.push(n);
    bounds
}

/// Probabilities of every row of `docs` (row-major `rows x k`), featurized and scored a few
/// documents at a time, at most `max_rows` rows per step unless one document is larger. Each
/// document's rows depend on that document alone, so the steps change nothing.
fn proba_bounded(model: &Model, docs: &[Document], max_rows: usize) -> Result<Vec<f64>, String> {
    let total: usize = docs.iter().map(|d| d.segments.len()).sum();
    let mut out = Vec::with_capacity(total * model.labels().len());
    let mut lo = 0;
    while lo < docs.len() {
        let (mut hi, mut rows) = (lo, 0);
        while hi < docs.len() && (hi == lo || rows + docs[hi].segments.len() <= max_rows) {
            rows += docs[hi].segments.len();
            hi += 1;
        }
        let m = featurize(&docs[lo..hi], model.feature_config());
        let r = Rows { n_rows: m.n_rows, dense: &m.dense, indptr: &m.indptr, indices: &m.indices, values: &m.values };
        out.extend(model.proba(&r, &m.doc)?);
        lo = hi;
    }
    Ok(out)
}

/// Above this probability another label beats a body threshold (see [`decide`]). Chosen with
/// the threshold of the shipped model on the train split of the real pages: the most body
/// kept while the leak of must-not snippets stays within 0.01 of the argmax's.
pub const SURE_OTHER: f64 = 0.55;

/// Index of the chosen label for one row of probabilities: the argmax (first on ties), or with
/// a body threshold, body when P(body) >= threshold and the best other label otherwise. A label
/// the model gives clearly more than half the probability (over [`SURE_OTHER`]) still wins: a
/// threshold under 0.5 keeps the lines the model is torn on (P(body) 0.4, the rest spread over
/// junk labels or split nearly evenly), not those it is fairly sure are junk (a byline at
/// P(author_meta) 0.58). From a threshold of 0.45 up this never applies.
pub fn decide(p: &[f64], body: Option<usize>, body_threshold: Option<f64>) -> usize {
    let argmax = |skip: Option<usize>| {
        let mut best = None;
        for (c, &v) in p.iter().enumerate() {
            if Some(c) == skip {
                continue;
            }
            match best {
                Some((_, bv)) if v <= bv => {}
                _ => best = Some((c, v)),
            }
        }
        best.map_or(0, |(c, _)| c)
    };
    match (body, body_threshold) {
        (Some(b), Some(t)) => {
            if p.len() == 1 {
                return b;
            }
            let other = argmax(Some(b));
            if p[b] >= t && p[other] <= SURE_OTHER {
                b
            } else {
                other
            }
        }
        _ => argmax(None),
    }
}

/// Segments + probabilities -> records and their scores. The two parts of a cut line become one
/// record again when they got the same label; its scores are the parts' scores weighted by
/// their length in characters.
///
/// A tail labeled body takes its head along (the head becomes body too, and the line one
/// record): the cut exists to take junk off the *end* of a paragraph, so a tail that is body
/// says nothing was glued there, and keeping it alone would give back the end of a line without
/// its beginning. On the held-out real pages (`benchmarks/real_pages.py`) it moved
/// BeautifulSoup text read line by line from 0.728 to 0.734 and emptied one inscriptis page
/// fewer; the other figures moved by at most 0.0002.
pub fn to_records(
    text: &str,
    segs: &[Segment],
    proba: &[f64],
    k: usize,
    body: Option<usize>,
    body_threshold: Option<f64>,
) -> (Vec<Record>, Vec<f64>) {
    let mut chosen: Vec<usize> = (0..segs.len()).map(|i| decide(&proba[i * k..(i + 1) * k], body, body_threshold)).collect();
    if let Some(b) = body {
        for i in 0..segs.len().saturating_sub(1) {
            if segs[i].parts == 2 && segs[i].part == 0 && chosen[i + 1] == b {
                chosen[i] = b;
            }
        }
    }
    let mut records = Vec::with_capacity(segs.len());
    let mut scores = Vec::with_capacity(segs.len() * k);
    let mut i = 0;
    while i < segs.len() {
        let seg = &segs[i];
        let joined = seg.parts == 2 && seg.part == 0 && i + 1 < segs.len() && chosen[i] == chosen[i + 1];
        if joined {
            let tail = &segs[i + 1];
            let wh = seg.text(text).chars().count() as f64;
            let wt = tail.text(text).chars().count() as f64;
            let total = (wh + wt).max(1.0);
            for c in 0..k {
                scores.push((proba[i * k + c] * wh + proba[(i + 1) * k + c] * wt) / total);
            }
            records.push(Record { line: seg.line, start: seg.start, end: tail.end, label: chosen[i] as u32, starts_line: true });
            i += 2;
        } else {
            scores.extend_from_slice(&proba[i * k..(i + 1) * k]);
            records.push(Record {
                line: seg.line,
                start: seg.start,
                end: seg.end,
                label: chosen[i] as u32,
                starts_line: seg.part == 0,
            });
            i += 1;
        }
    }
    (records, scores)
}

/// Rebuild text from the kept records.
///
/// Kept parts of one source line stay on one line (the line's indentation is kept when its
/// first part is). Between two kept lines, as many blank lines as the longest run of blank lines
/// between them in the source: paragraph breaks survive, and removing a junk block that sat
/// between blank lines leaves one break, not three. The text ends with a newline when the
/// source does and something was kept.
pub fn join_kept(text: &str, records: &[Record], keep: &[bool]) -> String {
    let mut out = String::with_capacity(text.len() / 2);
    let mut current_line: Option<u32> = None;
    let mut prev_end = 0usize;
    let mut prev_line: Option<u32> = None; // line of the previous record, kept or not
    let mut gap = 0u32; // longest run of blank lines since the last kept record
    let mut any = false;
    for rec in records {
        if let Some(p) = prev_line {
            if rec.line > p {
                gap = gap.max(rec.line - p - 1);
            }
        }
        prev_line = Some(rec.line);
        if !keep.get(rec.label as usize).copied().unwrap_or(false) {
            continue;
        }
        let piece = text.get(rec.start..rec.end).unwrap_or("");
        if current_line != Some(rec.line) {
            if any {
                out.push('\n');
                for _ in 0..gap {
                    out.push('\n');
                }
            }
            if rec.starts_line {
                let line_start = text[..rec.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
                let indent = text.get(line_start..rec.start).unwrap_or("");
                if indent.chars().all(is_space) {
                    out.push_str(indent);
                }
            }
            out.push_str(piece);
            current_line = Some(rec.line);
        } else {
            if prev_end <= rec.start {
                // What the source has between the two kept parts, as it is: a lone CR there (the
                // glue cut splits at one) stays, as it does when the parts form one record, so
                // "January.\rShare" never comes back as "January.Share".
                out.push_str(text.get(prev_end..rec.start).unwrap_or(""));
            } else {
                out.push(' ');
            }
            out.push_str(piece);
        }
        any = true;
        gap = 0;
        prev_end = rec.end;
    }
    if any && text.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(line: u32, start: usize, end: usize, label: u32, starts_line: bool) -> Record {
        Record { line, start, end, label, starts_line }
    }

    #[test]
    fn decide_argmax_and_threshold() {
        assert_eq!(decide(&[0.2, 0.5, 0.3], Some(0), None), 1);
        assert_eq!(decide(&[0.4, 0.4, 0.2], None, None), 0, "ties go to the first label");
        assert_eq!(decide(&[0.2, 0.5, 0.3], Some(0), Some(0.2)), 0);
        assert_eq!(decide(&[0.6, 0.1, 0.3], Some(0), Some(0.7)), 2, "below threshold: best other label");
        assert_eq!(decide(&[0.6, 0.4], None, Some(0.9)), 0, "no body label: threshold ignored");
        assert_eq!(decide(&[0.41, 0.58, 0.01], Some(0), Some(0.35)), 1, "a label clearly over one half wins");
        assert_eq!(decide(&[0.4, 0.3, 0.3], Some(0), Some(0.35)), 0, "torn: body");
        assert_eq!(decide(&[0.46, 0.54], Some(0), Some(0.35)), 0, "nearly even: body");
    }

    #[test]
    fn join_keeps_paragraph_breaks_and_indentation() {
        let text = "  Title\n\nJunk line\n\n\nBody one\nBody two\n";
        let segs = segment(text, false);
        let records: Vec<Record> =
            segs.iter().enumerate().map(|(i, s)| rec(s.line, s.start, s.end, (i == 1) as u32, s.part == 0)).collect();
        assert_eq!(join_kept(text, &records, &[true, false]), "  Title\n\n\nBody one\nBody two\n");
        assert_eq!(join_kept(text, &records, &[false, false]), "");
        assert_eq!(join_kept("a\r\nb", &[rec(0, 0, 1, 0, true), rec(1, 3, 4, 0, true)], &[true]), "a\nb");
    }

    #[test]
    fn cut_line_rejoined_or_split() {
        let text = "  A long enough paragraph that ends with a period here.Related: Ten Best Things\n";
        let segs = segment(text, true);
        assert_eq!(segs.len(), 2, "{segs:?}");
        // Same label: one record spanning both parts, length-weighted scores.
        let (r, s) = to_records(text, &segs, &[0.9, 0.1, 0.7, 0.3], 2, Some(0), None);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].start, r[0].end), (segs[0].start, segs[1].end));
        assert!(s[0] < 0.9 && s[0] > 0.7 && (s[0] + s[1] - 1.0).abs() < 1e-12);
        // Different labels: two records; keeping only the head keeps the indentation.
        let (r, _) = to_records(text, &segs, &[0.9, 0.1, 0.2, 0.8], 2, Some(0), None);
        assert_eq!(r.len(), 2);
        assert!(r[0].starts_line && !r[1].starts_line);
        assert_eq!(join_kept(text, &r, &[true, false]), "  A long enough paragraph that ends with a period here.\n");
        assert_eq!(join_kept(text, &r, &[false, true]), "Related: Ten Best Things\n");
        assert_eq!(join_kept(text, &r, &[true, true]), text);
        // A body tail after a junk head: the head comes along, one record, the whole line kept.
        let (r, s) = to_records(text, &segs, &[0.2, 0.8, 0.9, 0.1], 2, Some(0), None);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].start, r[0].end, r[0].label), (segs[0].start, segs[1].end, 0));
        assert!(s[0] > 0.2 && s[0] < 0.9);
        assert_eq!(join_kept(text, &r, &[true, false]), text);
    }

    #[test]
    fn a_lone_cr_between_two_kept_parts_stays() {
        let text = "It was a long winter, and the village had run out of firewood by January.\rShare on Facebook\n";
        let segs = segment(text, true);
        assert_eq!(segs.len(), 2, "the glue cut splits at a lone CR: {segs:?}");
        let (r, _) = to_records(text, &segs, &[0.9, 0.1, 0.2, 0.8], 2, Some(0), None);
        assert_eq!(r.len(), 2);
        assert_eq!(join_kept(text, &r, &[true, true]), text, "never 'January.Share'");
    }
}

#[cfg(test)]
mod batch_tests {
    use super::*;
    use crate::model::testing::model;

    fn opts(threads: usize) -> Options {
        Options { split_glued: true, join_wrapped: true, body_threshold: None, threads, ..Options::default() }
    }

    #[test]
    fn hostile_inputs_never_panic_and_records_index_the_text() {
        let m = model(3);
        let huge = "word ".repeat(2_000_000);
        let blanks = "\n".repeat(1_000_000);
        let deep = "<div>".repeat(5000) + "text" + &"</div>".repeat(5000);
        let texts = [
            "", "\0", "\r", "\r\r\r", "\n\n", "a\0b\nc", &huge, &blanks, "ü\u{FFFD}\u{10FFFF}\n  x  \n",
            "A long enough paragraph that ends with a period here.Related: Ten Best Things",
            " \n \u{a0}\n\t\u{a0}x \r\n y\r\r\n\u{a0}\n\u{a0}z ", "A long enough paragraph that ends here. \nRelated: Ten Best Things",
        ];
        let inputs: Vec<Input> = texts.iter().map(|t| Input::Text(t)).collect();
        let out = label(&m, &inputs, &opts(1)).unwrap();
        for (l, t) in out.iter().zip(texts) {
            for r in &l.records {
                assert!(t.get(r.start..r.end).is_some_and(|s| !s.is_empty()));
            }
        }
        let pages = [Input::Html(&deep), Input::Html("<p>a</p><<<>>"), Input::Html(""), Input::Html("\0<b>")];
        let out = label(&m, &pages, &opts(1)).unwrap();
        for (l, p) in out.iter().zip(&pages) {
            let src = l.source(p);
            assert!(l.records.iter().all(|r| src.get(r.start..r.end).is_some()));
        }
        let cleaned = clean(&m, &inputs, &opts(1), &[true, true, true]).unwrap();
        assert_eq!(cleaned[0], "");
        assert_eq!(cleaned[4], "", "blank lines only");
        assert!(cleaned[6].len() < huge.len(), "the line is stripped");
    }

    #[test]
    fn a_wrapped_paragraph_is_labeled_as_one_line_and_cleaned_as_its_source_lines() {
        let m = model(3);
        let wrapped = "Menu\n\nRead the \ndocs\n here, it is all there.\r\n\nFooter \n";
        let joined = "Menu\n\nRead the docs here, it is all there.\r\n\nFooter \n";
        let on = opts(1);
        let no_join = Options { join_wrapped: false, ..opts(1) };
        let w = label(&m, &[Input::Text(wrapped)], &on).unwrap().remove(0);
        let j = label(&m, &[Input::Text(joined)], &on).unwrap().remove(0);
        // Every source line of the joined paragraph gets the joined line's label and scores.
        let lines: Vec<u32> = w.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [0, 2, 3, 4, 6]);
        let k = 3;
        for i in 1..4 {
            assert_eq!(w.records[i].label, j.records[1].label);
            assert_eq!(w.scores[i * k..(i + 1) * k], j.scores[k..2 * k]);
        }
        assert_eq!(w.records[0].label, j.records[0].label);
        assert!(w.records.iter().all(|r| wrapped.get(r.start..r.end).is_some_and(|s| s.trim() == s && !s.is_empty())));
        // Kept, the source lines come back as they were; off, each line is labeled alone.
        let all = clean(&m, &[Input::Text(wrapped)], &on, &[true, true, true]).unwrap().remove(0);
        assert_eq!(all, "Menu\n\nRead the\ndocs\n here, it is all there.\n\nFooter\n");
        let off = label(&m, &[Input::Text(wrapped)], &no_join).unwrap().remove(0);
        assert_eq!(off.records.len(), 5);
        assert_ne!(off.scores[k..2 * k], w.scores[k..2 * k], "alone, 'Read the' scores differently");
        // HTML pages are never unwrapped: their block lines are already whole.
        let page = "<p>Read the <a href=x>docs</a> here.</p>";
        assert_eq!(label(&m, &[Input::Html(page)], &on).unwrap(), label(&m, &[Input::Html(page)], &no_join).unwrap());
    }

    #[test]
    fn windows_are_even_and_keep_a_cut_line_whole() {
        let seg = |part: u8| Segment { part, parts: if part == 1 { 2 } else { 1 }, ..Segment::default() };
        let segs: Vec<Segment> = (0..10).map(|_| seg(0)).collect();
        assert_eq!(window_bounds(&segs, 10), [0, 10]);
        assert_eq!(window_bounds(&segs, 100), [0, 10]);
        assert_eq!(window_bounds(&segs, 9), [0, 5, 10], "two even windows, not 9 + 1");
        assert_eq!(window_bounds(&segs, 3), [0, 3, 6, 9, 10]);
        assert_eq!(window_bounds(&[], 3), [0, 0], "an empty input is one empty document");
        let mut cut = segs.clone();
        cut[5] = seg(1); // the tail of the line whose head is segment 4
        assert_eq!(window_bounds(&cut, 9), [0, 6, 10]);
        let tails: Vec<Segment> = (0..4).map(|i| seg((i % 2) as u8)).collect();
        assert_eq!(window_bounds(&tails, 1), [0, 2, 4], "never a window starting on a tail");
    }

    #[test]
    fn a_long_input_is_scored_as_consecutive_windows_of_lines() {
        // Every window scores exactly as that window's lines alone would; a window of 7 lines
        // stands in for the real 100,000 (the code path is the same).
        let m = model(5);
        let lines: Vec<String> = (0..30)
            .map(|i| match i % 4 {
                0 => format!("Heading number {i}"),
                1 => format!("Some body text number {i}, with words and a full stop."),
                2 => "Share on Facebook".to_string(),
                _ => format!("{} end.", "word ".repeat(i)),
            })
            .collect();
        let text = lines.join("\n") + "\n";
        let o = Options { split_glued: false, body_threshold: None, threads: 1, ..Options::default() };
        let whole = label_group_in(&m, &[Input::Text(&text)], &o, 7).unwrap().remove(0);
        assert_eq!(whole.records.len(), 30);
        let bounds = window_bounds(&segment(&text, false), 7);
        assert_eq!(bounds, [0, 6, 12, 18, 24, 30], "five even windows of 6 lines, not 4 of 7 and one of 2");
        for b in bounds.windows(2) {
            let part = lines[b[0]..b[1]].join("\n") + "\n";
            let alone = label_group_in(&m, &[Input::Text(&part)], &o, 7).unwrap().remove(0);
            let k = alone.scores.len() / alone.records.len();
            for (j, r) in alone.records.iter().enumerate() {
                let i = b[0] + j;
                assert_eq!(whole.records[i].label, r.label, "line {i}");
                assert_eq!(whole.scores[i * k..(i + 1) * k], alone.scores[j * k..(j + 1) * k], "line {i}");
            }
        }
        // An input within one window is one document, whatever the window's size.
        assert_eq!(label_group_in(&m, &[Input::Text(&text)], &o, 1000).unwrap(), label(&m, &[Input::Text(&text)], &o).unwrap());
        // Scores of several inputs batched together do not depend on the step size either.
        let inputs = [Input::Text(&text), Input::Text("One more line.\n"), Input::Text(&text)];
        let small_steps: Vec<f64> = {
            let segs: Vec<Vec<Segment>> = [&text[..], "One more line.\n", &text[..]].iter().map(|t| segment(t, false)).collect();
            let docs: Vec<Document> = segs.iter().zip([&text[..], "One more line.\n", &text[..]]).map(|(s, t)| Document { text: t, segments: s, html: None }).collect();
            proba_bounded(&m, &docs, 1).unwrap()
        };
        let one_step: Vec<f64> = label(&m, &inputs, &o).unwrap().iter().flat_map(|l| l.scores.clone()).collect();
        assert_eq!(small_steps, one_step);
    }

    #[test]
    fn threads_do_not_change_results() {
        let m = model(4);
        let docs: Vec<String> = (0..200)
            .map(|i| format!("Heading {i}\n\nSome body text number {i}, with words.\nShare on Facebook\n\n{}\n", "x y ".repeat(i * 40)))
            .collect();
        let inputs: Vec<Input> = docs.iter().map(|d| Input::Text(d)).collect();
        let one = label(&m, &inputs, &opts(1)).unwrap();
        let four = label(&m, &inputs, &opts(4)).unwrap();
        assert_eq!(one, four);
        let keep = [true, false, false];
        assert_eq!(clean(&m, &inputs, &opts(1), &keep).unwrap(), clean(&m, &inputs, &opts(3), &keep).unwrap());
        assert!(clean(&m, &inputs, &opts(1), &[true]).is_err(), "keep flags must match the labels");
    }

    #[test]
    fn pieces_come_back_in_order_and_a_failed_piece_is_an_error() {
        // Eight documents of 40 KB: several pieces for two threads.
        let docs: Vec<String> = (0..8).map(|i| format!("{i} ").repeat(20_000 + i)).collect();
        let inputs: Vec<Input> = docs.iter().map(|d| Input::Text(d)).collect();
        let lens = run_parallel(&inputs, 2, |chunk| Ok(chunk.iter().map(input_len).collect::<Vec<_>>())).unwrap();
        assert_eq!(lens, docs.iter().map(|d| d.len()).collect::<Vec<_>>());
        for bad in ['0', '5', '7'] {
            let failed = run_parallel(&inputs, 2, |chunk| {
                if chunk.iter().any(|i| matches!(i, Input::Text(t) if t.starts_with(bad))) {
                    panic!("a failing piece (expected in this test)");
                }
                Ok(vec![0u8; chunk.len()])
            });
            assert!(failed.is_err(), "piece with document {bad}");
        }
    }

    #[test]
    fn clean_is_the_join_of_labeled_records() {
        let m = model(5);
        let docs = ["  Title\n\nBody one.\n\n\nShare this\nBody two.\n", "x\r\ny\r\n"];
        let inputs: Vec<Input> = docs.iter().map(|d| Input::Text(d)).collect();
        let labeled = label(&m, &inputs, &opts(1)).unwrap();
        for keep in [[true, false, false], [false, true, true], [true, true, true]] {
            let cleaned = clean(&m, &inputs, &opts(1), &keep).unwrap();
            for ((l, d), c) in labeled.iter().zip(docs).zip(&cleaned) {
                assert_eq!(&join_kept(d, &l.records, &keep), c);
            }
        }
        assert_eq!(clean(&m, &inputs, &opts(1), &[true, true, true]).unwrap()[0], docs[0]);
    }
}
