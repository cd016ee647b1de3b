//! Thin PyO3 bindings over `textsieve-core`: conversions only, no logic.
//!
//! Strings cross as `&str` borrowed from the Python objects (no copy); a string holding lone
//! surrogates (which UTF-8 cannot carry) is copied with each surrogate replaced by U+FFFD, one
//! for one, so character offsets still index the caller's string. Offsets returned to Python are
//! CHARACTER offsets. Batch calls release the GIL while the core works.
//!
//! Errors: a non-string document raises `textsieve.errors.InputError` naming its index; arrays
//! of the wrong dtype or shape raise `ValueError` (the Python layer turns those into
//! `ModelError` with the model's path).

use numpy::{IntoPyArray, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use textsieve_core::features::{dense_feature_names as core_dense_names, featurize as core_featurize, Document, FeatureConfig, FEATURES_VERSION};
use textsieve_core::first_pass::{FirstPass, Link, Rows};
use textsieve_core::guard::Guard;
use textsieve_core::html::{parse_html as core_parse_html, HtmlContext, ANCESTORS};
use textsieve_core::model::{Model as CoreModel, ModelArrays, ModelConfig};
use textsieve_core::pipeline::{self, Input, Labeled, Options};
use textsieve_core::revision::{revision_feature_names as core_revision_names, revision_features as core_revision, RevisionConfig, MAX_WINDOW};
use textsieve_core::segment::{segment as core_segment, Segment};
use textsieve_core::text::char_offsets;

// -- errors ------------------------------------------------------------------------------------

fn textsieve_error(py: Python<'_>, class: &str, msg: String) -> PyErr {
    match py.import("textsieve.errors").and_then(|m| m.getattr(class)) {
        Ok(cls) => match cls.call1((msg.clone(),)) {
            Ok(inst) => PyErr::from_value(inst),
            Err(e) => e,
        },
        Err(_) => PyTypeError::new_err(msg),
    }
}

fn value_error(msg: impl Into<String>) -> PyErr {
    PyValueError::new_err(msg.into())
}

// -- strings -----------------------------------------------------------------------------------

/// A document's text: borrowed from Python when it is valid UTF-8, else an owned copy with
/// every surrogate code point replaced by U+FFFD.
enum Text<'py> {
    Borrowed(Bound<'py, PyString>),
    Owned(String),
}

impl<'py> Text<'py> {
    fn from_py(obj: &Bound<'py, PyAny>, index: usize, what: &str) -> PyResult<Text<'py>> {
        let py = obj.py();
        let s = obj.cast::<PyString>().map_err(|_| {
            let ty = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
            let hint = if obj.is_instance_of::<PyBytes>() { " (decode bytes first)" } else { "" };
            textsieve_error(py, "InputError", format!("document {index}: expected {what} as str, got {ty}{hint}."))
        })?;
        if s.to_str().is_ok() {
            return Ok(Text::Borrowed(s.clone()));
        }
        Ok(Text::Owned(replace_surrogates(s)?))
    }

    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s.to_str().unwrap_or(""),
            Text::Owned(s) => s.as_str(),
        }
    }
}

/// Decode a str that holds lone surrogates: one U+FFFD per surrogate code point.
fn replace_surrogates(s: &Bound<'_, PyString>) -> PyResult<String> {
    let raw = s.call_method1("encode", ("utf-32-le", "surrogatepass"))?;
    let bytes = raw.cast::<PyBytes>()?.as_bytes();
    let mut out = String::with_capacity(bytes.len() / 4);
    for c in bytes.chunks_exact(4) {
        let cp = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
    }
    Ok(out)
}

/// The Python replacement of a str (for callers that need the text the offsets index).
#[pyfunction]
fn clean_surrogates(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Py<PyString>> {
    match Text::from_py(text, 0, "text")? {
        Text::Borrowed(s) => Ok(s.unbind()),
        Text::Owned(s) => Ok(PyString::new(py, &s).unbind()),
    }
}

// -- HTML contexts -------------------------------------------------------------------------------

fn context_to_py<'py>(py: Python<'py>, c: &HtmlContext) -> PyResult<Bound<'py, PyTuple>> {
    let ancestors: Vec<&str> =
        ANCESTORS.iter().enumerate().filter(|(i, _)| c.ancestors & (1 << i) != 0).map(|(_, a)| *a).collect();
    PyTuple::new(
        py,
        [
            c.tag.as_str().into_pyobject(py)?.into_any(),
            c.link_share.into_pyobject(py)?.into_any(),
            PyTuple::new(py, ancestors)?.into_any(),
            c.link_list.into_pyobject(py)?.to_owned().into_any(),
            PyTuple::new(py, &c.hints)?.into_any(),
            c.image.into_pyobject(py)?.to_owned().into_any(),
            PyTuple::new(py, &c.alt)?.into_any(),
        ],
    )
}

fn strings(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        out.push(item?.extract::<String>()?);
    }
    Ok(out)
}

/// A Python HtmlContext (attributes tag, link_share, ancestors, link_list, hints, image, alt).
fn context_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Option<HtmlContext>> {
    if obj.is_none() {
        return Ok(None);
    }
    let mut ancestors = 0u32;
    for name in strings(&obj.getattr("ancestors")?)? {
        if let Some(i) = ANCESTORS.iter().position(|a| *a == name) {
            ancestors |= 1 << i;
        }
    }
    let mut alt = strings(&obj.getattr("alt")?)?;
    alt.sort(); // a set in Python: fix the order so features do not depend on hashing
    Ok(Some(HtmlContext {
        tag: obj.getattr("tag")?.extract()?,
        link_share: obj.getattr("link_share")?.extract()?,
        ancestors,
        link_list: obj.getattr("link_list")?.extract()?,
        hints: strings(&obj.getattr("hints")?)?,
        image: obj.getattr("image")?.extract()?,
        alt,
    }))
}

#[pyfunction]
/// Parse a page: `(text, contexts)`, contexts one per line of `text`, each `None` or a tuple
/// `(tag, link_share, ancestors, link_list, hints, image, alt)`.
fn parse_html<'py>(py: Python<'py>, html: &Bound<'py, PyAny>) -> PyResult<(String, Bound<'py, PyList>, bool)> {
    let text = Text::from_py(html, 0, "an HTML page")?;
    let s = text.as_str();
    let page = py.detach(|| core_parse_html(s));
    let contexts = PyList::empty(py);
    for c in &page.contexts {
        match c {
            Some(c) => contexts.append(context_to_py(py, c)?)?,
            None => contexts.append(py.None())?,
        }
    }
    Ok((page.text, contexts, page.noscript))
}

// -- documents -----------------------------------------------------------------------------------

/// Documents as the core takes them, with the storage they borrow from.
struct Docs<'py> {
    texts: Vec<Text<'py>>,
    contexts: Vec<Option<Vec<Option<HtmlContext>>>>,
    html: bool,
}

impl<'py> Docs<'py> {
    /// Each item: a str (plain text, or a raw page when `html`), or an already parsed page: an
    /// object with `.text` and `.contexts`, or a `(text, contexts)` tuple.
    fn from_py(docs: &Bound<'py, PyAny>, html: bool) -> PyResult<Docs<'py>> {
        if docs.is_instance_of::<PyString>() {
            // Iterating a str would make every character a document of its own.
            return Err(PyTypeError::new_err("expected a sequence of documents, got one str: wrap it in a list"));
        }
        let mut texts = Vec::new();
        let mut contexts = Vec::new();
        for (i, item) in docs.try_iter()?.enumerate() {
            let item = item?;
            if item.is_instance_of::<PyString>() {
                texts.push(Text::from_py(&item, i, "a document")?);
                contexts.push(None);
                continue;
            }
            let (text, ctxs) = if let Ok(t) = item.cast::<PyTuple>() {
                if t.len() != 2 {
                    return Err(textsieve_error(item.py(), "InputError", format!("document {i}: a page tuple is (text, contexts).")));
                }
                (t.get_item(0)?, t.get_item(1)?)
            } else if item.hasattr("text")? && item.hasattr("contexts")? {
                (item.getattr("text")?, item.getattr("contexts")?)
            } else {
                // Not a str and not a page: Text::from_py raises the InputError naming it.
                return Err(Text::from_py(&item, i, "a document").err().unwrap_or_else(|| PyTypeError::new_err("not a str")));
            };
            texts.push(Text::from_py(&text, i, "a page text")?);
            let py = item.py();
            let bad = |what: String| textsieve_error(py, "InputError", format!("document {i}: {what}"));
            let mut cs = Vec::new();
            let iter = ctxs.try_iter().map_err(|_| bad("a page's contexts must be a list (one per line)".into()))?;
            for (j, c) in iter.enumerate() {
                let c = c?;
                cs.push(context_from_py(&c).map_err(|e| {
                    bad(format!("contexts[{j}] is not an HtmlContext or None ({})", e.value(py)))
                })?);
            }
            contexts.push(Some(cs));
        }
        Ok(Docs { texts, contexts, html })
    }

    fn inputs(&self) -> Vec<Input<'_>> {
        self.texts
            .iter()
            .zip(&self.contexts)
            .map(|(t, c)| match c {
                Some(c) => Input::Page { text: t.as_str(), contexts: c },
                None if self.html => Input::Html(t.as_str()),
                None => Input::Text(t.as_str()),
            })
            .collect()
    }
}

// -- segmentation and features (training) ---------------------------------------------------------

/// The text an input's segments index (for a raw HTML page: the page, before parsing).
fn input_text<'a>(input: &Input<'a>) -> &'a str {
    match input {
        Input::Text(t) | Input::Html(t) => t,
        Input::Page { text, .. } => text,
    }
}

fn segments_dict<'py>(py: Python<'py>, d: &Bound<'py, PyDict>, text: &[&str], segs: &[Vec<Segment>]) -> PyResult<()> {
    let n: usize = segs.iter().map(|s| s.len()).sum();
    let (mut doc, mut line, mut start, mut end, mut line_start) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut part, mut parts, mut before, mut after) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for (i, (t, ss)) in text.iter().zip(segs).enumerate() {
        let mut bytes = Vec::with_capacity(ss.len() * 2);
        for s in ss {
            bytes.push(s.start);
            bytes.push(s.end);
        }
        let chars = char_offsets(t, &bytes);
        let mut ls_bytes: Vec<usize> = ss.iter().map(|s| s.line_start).collect();
        ls_bytes.dedup();
        let ls_chars = char_offsets(t, &ls_bytes);
        let mut k = 0;
        for (j, s) in ss.iter().enumerate() {
            while ls_bytes[k] != s.line_start {
                k += 1;
            }
            doc.push(i as u32);
            line.push(s.line);
            start.push(chars[2 * j] as i64);
            end.push(chars[2 * j + 1] as i64);
            line_start.push(ls_chars[k] as i64);
            part.push(s.part);
            parts.push(s.parts);
            before.push(s.blank_before);
            after.push(s.blank_after);
        }
    }
    d.set_item("seg_doc", doc.into_pyarray(py))?;
    d.set_item("line", line.into_pyarray(py))?;
    d.set_item("start", start.into_pyarray(py))?;
    d.set_item("end", end.into_pyarray(py))?;
    d.set_item("line_start", line_start.into_pyarray(py))?;
    d.set_item("part", part.into_pyarray(py))?;
    d.set_item("parts", parts.into_pyarray(py))?;
    d.set_item("blank_before", before.into_pyarray(py))?;
    d.set_item("blank_after", after.into_pyarray(py))?;
    Ok(())
}

#[pyfunction]
#[pyo3(signature = (text, split_glued = true))]
/// Segments of one text as arrays (character offsets): line, start, end, line_start, part,
/// parts, blank_before, blank_after (and seg_doc, all 0).
fn segment<'py>(py: Python<'py>, text: &Bound<'py, PyAny>, split_glued: bool) -> PyResult<Bound<'py, PyDict>> {
    let t = Text::from_py(text, 0, "text")?;
    let s = t.as_str();
    let segs = py.detach(|| core_segment(s, split_glued));
    let d = PyDict::new(py);
    segments_dict(py, &d, &[s], &[segs])?;
    Ok(d)
}

#[pyfunction]
/// Where a (stripped) line may hold a second block glued to its end: the tail's character
/// offset, or None.
fn glue_offset(line: &Bound<'_, PyAny>) -> PyResult<Option<usize>> {
    let t = Text::from_py(line, 0, "a line")?;
    let s = t.as_str();
    Ok(textsieve_core::segment::glue_offset(s).map(|b| char_offsets(s, &[b])[0]))
}

#[pyfunction]
#[pyo3(signature = (html = true))]
fn dense_feature_names(html: bool) -> Vec<&'static str> {
    core_dense_names(html)
}

#[pyfunction]
#[pyo3(signature = (labels, window, dense_names = None, page = false, body_run = false))]
fn revision_feature_names(
    labels: Vec<String>,
    window: usize,
    dense_names: Option<Vec<String>>,
    page: bool,
    body_run: bool,
) -> PyResult<Vec<String>> {
    // The same bound as the features themselves: a huge window would try to allocate its names.
    if window > MAX_WINDOW {
        return Err(PyValueError::new_err(format!("window {window} is larger than {MAX_WINDOW}")));
    }
    Ok(core_revision_names(&labels, window, dense_names.as_deref(), page, body_run))
}

fn feature_config(d: Option<&Bound<'_, PyDict>>) -> PyResult<FeatureConfig> {
    let mut cfg = FeatureConfig::default();
    if let Some(d) = d {
        for (k, v) in d.iter() {
            let key: String = k.extract()?;
            match key.as_str() {
                "n_word_hash" => cfg.n_word_hash = v.extract()?,
                "n_char_hash" => cfg.n_char_hash = v.extract()?,
                "max_chars" => cfg.max_chars = v.extract()?,
                "char_chars" => cfg.char_chars = v.extract()?,
                "html" => cfg.html = v.extract()?,
                "site_hints" => cfg.site_hints = v.extract()?,
                other => return Err(value_error(format!("unknown feature setting {other:?}"))),
            }
        }
    }
    if cfg.n_word_hash as u64 + cfg.n_char_hash as u64 > 1 << 28 {
        return Err(value_error("n_word_hash + n_char_hash must be at most 2^28"));
    }
    Ok(cfg)
}

fn feature_config_dict<'py>(py: Python<'py>, cfg: &FeatureConfig) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("n_word_hash", cfg.n_word_hash)?;
    d.set_item("n_char_hash", cfg.n_char_hash)?;
    d.set_item("max_chars", cfg.max_chars)?;
    d.set_item("char_chars", cfg.char_chars)?;
    d.set_item("html", cfg.html)?;
    if cfg.site_hints {
        // Written only when on, so the manifest of a model trained without it stays as it was.
        d.set_item("site_hints", true)?;
    }
    Ok(d)
}

#[pyfunction]
#[pyo3(signature = (docs, *, html = false, split_glued = true, join_wrapped = true, config = None))]
/// Featurize documents (str, or raw HTML when `html`, or parsed pages `(text, contexts)`).
///
/// Returns a dict: `doc` (u32 per row), `dense` (rows x n_dense, f32), the hashed block as CSR
/// (`indptr` i64, `indices` i32, `values` f32, `n_hash`), the segment arrays of [`segment`] with
/// `seg_doc` and `last_line`, and `texts`: the text each document's offsets index (the page text
/// for HTML). With `join_wrapped`, a plain text's wrapped lines are joined as `label` joins them;
/// a row's offsets are then in the source text, from the first source line it covers (`line`) to
/// the last (`last_line`).
fn featurize<'py>(
    py: Python<'py>,
    docs: &Bound<'py, PyAny>,
    html: bool,
    split_glued: bool,
    join_wrapped: bool,
    config: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let cfg = feature_config(config)?;
    let docs = Docs::from_py(docs, html)?;
    let inputs = docs.inputs();
    let (texts, segs, m, last_lines) = py.detach(|| {
        let pages = pipeline::parse_pages(&inputs);
        let unwrapped = pipeline::unwrap_texts(&inputs, join_wrapped);
        let read = pipeline::read_texts(&inputs, &pages, &unwrapped);
        let segs: Vec<Vec<Segment>> = read.iter().map(|(t, _)| core_segment(t, split_glued)).collect();
        let fdocs: Vec<Document> =
            read.iter().zip(&segs).map(|(&(text, html), s)| Document { text, segments: s, html }).collect();
        let m = core_featurize(&fdocs, &cfg);
        // Rows of an unwrapped text are located in its source.
        let (segs, last_lines): (Vec<Vec<Segment>>, Vec<Vec<u32>>) = segs
            .into_iter()
            .zip(&unwrapped)
            .map(|(s, u)| match u {
                Some(u) => s.iter().map(|seg| u.segment_in_source(seg)).unzip(),
                None => {
                    let last = s.iter().map(|seg| seg.line).collect();
                    (s, last)
                }
            })
            .unzip();
        // Only a parsed page's text is new; any other document's text is its input.
        let page_texts: Vec<Option<String>> = pages.into_iter().map(|p| p.map(|p| p.text)).collect();
        (page_texts, segs, m, last_lines)
    });
    let d = PyDict::new(py);
    let n = m.n_rows;
    d.set_item("doc", m.doc.into_pyarray(py))?;
    d.set_item("dense", m.dense.into_pyarray(py).reshape([n, m.n_dense])?)?;
    d.set_item("indptr", m.indptr.iter().map(|&p| p as i64).collect::<Vec<_>>().into_pyarray(py))?;
    d.set_item("indices", m.indices.iter().map(|&p| p as i32).collect::<Vec<_>>().into_pyarray(py))?;
    d.set_item("values", m.values.into_pyarray(py))?;
    d.set_item("n_hash", m.n_hash)?;
    d.set_item("config", feature_config_dict(py, &cfg)?)?;
    let text_refs: Vec<&str> =
        texts.iter().zip(&inputs).map(|(page, input)| page.as_deref().unwrap_or_else(|| input_text(input))).collect();
    segments_dict(py, &d, &text_refs, &segs)?;
    d.set_item("last_line", last_lines.concat().into_pyarray(py))?;
    let list = PyList::empty(py);
    for (page, text) in texts.iter().zip(&docs.texts) {
        match (page, text) {
            (Some(p), _) => list.append(p)?,
            (None, Text::Borrowed(s)) => list.append(s)?,
            (None, Text::Owned(s)) => list.append(s)?,
        }
    }
    d.set_item("texts", list)?;
    Ok(d)
}

// -- model pieces (training computes its out-of-fold scores with these) ---------------------------

fn slice1<'a, T: numpy::Element>(a: &'a PyReadonlyArray1<'_, T>, name: &str) -> PyResult<&'a [T]> {
    a.as_slice().map_err(|_| value_error(format!("{name} must be a contiguous 1-d array")))
}

fn slice2<'a, T: numpy::Element>(a: &'a PyReadonlyArray2<'_, T>, name: &str) -> PyResult<(&'a [T], usize, usize)> {
    let shape = a.shape();
    let s = a.as_slice().map_err(|_| value_error(format!("{name} must be a C-contiguous 2-d array")))?;
    Ok((s, shape[0], shape[1]))
}

#[pyfunction]
#[pyo3(signature = (proba, doc, window, dense = None, page = false, rows = None, body_run = None))]
/// Pass two's input: revision features (rows x n, f64) from first-pass `proba` (rows x k) and
/// each row's document; `dense` (rows x n_dense, f32) is included when given, the page-relative
/// block when `page`, the body-run block when `body_run` (the body label's column; needs
/// `dense`); only the rows `rows` (int64 indices, in that order) when given.
#[allow(clippy::too_many_arguments)]
fn revision_features<'py>(
    py: Python<'py>,
    proba: PyReadonlyArray2<'py, f64>,
    doc: PyReadonlyArray1<'py, u32>,
    window: usize,
    dense: Option<PyReadonlyArray2<'py, f32>>,
    page: bool,
    rows: Option<PyReadonlyArray1<'py, i64>>,
    body_run: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let (p, n, k) = slice2(&proba, "proba")?;
    let d = slice1(&doc, "doc")?;
    let dense = match &dense {
        Some(a) => Some(slice2(a, "dense")?),
        None => None,
    };
    let dense_arg = dense.map(|(s, _, nd)| (s, nd));
    let config = RevisionConfig { window, dense: dense.is_some(), page, body_run };
    if let Some(rows) = &rows {
        let picked = slice1(rows, "rows")?;
        if let Some(bad) = picked.iter().find(|&&r| r < 0) {
            return Err(value_error(format!("row {bad} is negative")));
        }
        let picked: Vec<usize> = picked.iter().map(|&r| r as usize).collect();
        let m = picked.len();
        let x = py
            .detach(|| textsieve_core::revision::revision_features_of_rows(p, k, d, config, dense_arg, &picked))
            .map_err(value_error)?;
        let width = textsieve_core::revision::n_revision_features(k, window, dense.map_or(0, |d| d.2), dense.is_some(), page, body_run.is_some());
        return Ok(x.into_pyarray(py).reshape([m, width])?.into_any());
    }
    let x = py.detach(|| core_revision(p, k, d, config, dense_arg)).map_err(value_error)?;
    let width = if n == 0 { textsieve_core::revision::n_revision_features(k, window, dense.map_or(0, |d| d.2), dense.is_some(), page, body_run.is_some()) } else { x.len() / n };
    Ok(x.into_pyarray(py).reshape([n, width])?.into_any())
}

#[pyfunction]
#[pyo3(signature = (dense, indptr, indices, values, dense_mean, dense_scale, coef, intercept, link))]
#[allow(clippy::too_many_arguments)]
/// Pass one's probabilities (rows x k) from a feature matrix and the exported weights.
fn first_pass_proba<'py>(
    py: Python<'py>,
    dense: PyReadonlyArray2<'py, f32>,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i32>,
    values: PyReadonlyArray1<'py, f32>,
    dense_mean: PyReadonlyArray1<'py, f32>,
    dense_scale: PyReadonlyArray1<'py, f32>,
    coef: PyReadonlyArray2<'py, f32>,
    intercept: PyReadonlyArray1<'py, f32>,
    link: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let (dv, n, nd) = slice2(&dense, "dense")?;
    let (cv, rows, width) = slice2(&coef, "coef")?;
    let intercept = slice1(&intercept, "intercept")?;
    let k = if rows == 1 && intercept.len() == 1 { 2 } else { rows };
    let n_hash = width.checked_sub(nd).ok_or_else(|| value_error("coef is narrower than the dense block"))?;
    let fp = FirstPass::new(
        k,
        nd,
        n_hash,
        slice1(&dense_mean, "dense_mean")?,
        slice1(&dense_scale, "dense_scale")?,
        cv,
        intercept,
        Link::parse(link).map_err(value_error)?,
    )
    .map_err(value_error)?;
    let indptr: Vec<u64> = slice1(&indptr, "indptr")?.iter().map(|&p| p.max(0) as u64).collect();
    let indices: Vec<u32> = slice1(&indices, "indices")?.iter().map(|&p| if p < 0 { u32::MAX } else { p as u32 }).collect();
    let values = slice1(&values, "values")?;
    let p = py
        .detach(|| fp.proba(&Rows { n_rows: n, dense: dv, indptr: &indptr, indices: &indices, values }))
        .map_err(value_error)?;
    Ok(p.into_pyarray(py).reshape([n, k])?.into_any())
}

#[pyfunction]
#[pyo3(signature = (proba, body, body_threshold=None))]
/// The label index serving chooses for each row of probabilities (rows x k): `decide` of the
/// core, so training's cross-validation scores what `clean` does.
fn decide<'py>(
    py: Python<'py>,
    proba: PyReadonlyArray2<'py, f64>,
    body: Option<usize>,
    body_threshold: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let (pv, n, k) = slice2(&proba, "proba")?;
    if k == 0 {
        return Err(value_error("proba has no columns"));
    }
    if body.is_some_and(|b| b >= k) {
        return Err(value_error("body is not a column of proba"));
    }
    let chosen: Vec<u32> = pv.chunks_exact(k).map(|row| textsieve_core::pipeline::decide(row, body, body_threshold) as u32).collect();
    debug_assert_eq!(chosen.len(), n);
    Ok(chosen.into_pyarray(py).into_any())
}

#[pyfunction]
/// Pass two alone: probabilities (rows x k) of the exported trees in `arrays` for rows `x`.
fn tree_proba<'py>(
    py: Python<'py>,
    arrays: &Bound<'py, PyDict>,
    k: usize,
    x: PyReadonlyArray2<'py, f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let (xv, n, w) = slice2(&x, "x")?;
    let (offsets, class, feature, threshold, missing, left, right, leaf, value, baseline) = (
        array::<i64>(arrays, "tree_offsets")?,
        array::<i32>(arrays, "tree_class")?,
        array::<i32>(arrays, "node_feature")?,
        array::<f64>(arrays, "node_threshold")?,
        array::<u8>(arrays, "node_missing_left")?,
        array::<i32>(arrays, "node_left")?,
        array::<i32>(arrays, "node_right")?,
        array::<u8>(arrays, "node_is_leaf")?,
        array::<f64>(arrays, "node_value")?,
        array::<f64>(arrays, "second_baseline")?,
    );
    let trees = textsieve_core::trees::Trees::new(
        &textsieve_core::trees::TreeArrays {
            tree_offsets: &offsets,
            tree_class: &class,
            node_feature: &feature,
            node_threshold: &threshold,
            node_missing_left: &missing,
            node_left: &left,
            node_right: &right,
            node_is_leaf: &leaf,
            node_value: &value,
            baseline: &baseline,
        },
        k,
        w,
    )
    .map_err(value_error)?;
    let p = py.detach(|| trees.proba(xv)).map_err(value_error)?;
    Ok(p.into_pyarray(py).reshape([n, k])?.into_any())
}

// -- the model -----------------------------------------------------------------------------------

fn array<T: numpy::Element + Copy>(arrays: &Bound<'_, PyDict>, name: &str) -> PyResult<Vec<T>> {
    let a = arrays.get_item(name)?.ok_or_else(|| value_error(format!("array {name} is missing")))?;
    let a = a
        .cast::<numpy::PyArrayDyn<T>>()
        .map_err(|_| value_error(format!("array {name} has the wrong dtype (expected {})", std::any::type_name::<T>())))?;
    let ro = a.readonly();
    Ok(ro.as_array().iter().copied().collect())
}

/// A validated model (see `textsieve.model`, which builds it from `model.npz` + manifest).
#[pyclass(frozen, module = "textsieve._core")]
struct Model {
    inner: CoreModel,
}

fn keep_flags(model: &CoreModel, keep: Vec<String>) -> PyResult<Vec<bool>> {
    let labels = model.labels();
    for k in &keep {
        if !labels.contains(k) {
            return Err(value_error(format!("label {k:?} is not one of the model's labels {labels:?}")));
        }
    }
    Ok(labels.iter().map(|l| keep.contains(l)).collect())
}

fn labeled_to_py<'py>(py: Python<'py>, l: Labeled, source: &str, k: usize) -> PyResult<Bound<'py, PyTuple>> {
    let text = l.page_text.as_deref().unwrap_or(source);
    let mut bytes = Vec::with_capacity(l.records.len() * 2);
    for r in &l.records {
        bytes.push(r.start);
        bytes.push(r.end);
    }
    let chars = char_offsets(text, &bytes);
    let n = l.records.len();
    let start: Vec<i64> = chars.iter().step_by(2).map(|&c| c as i64).collect();
    let end: Vec<i64> = chars.iter().skip(1).step_by(2).map(|&c| c as i64).collect();
    let line: Vec<u32> = l.records.iter().map(|r| r.line).collect();
    let label: Vec<u32> = l.records.iter().map(|r| r.label).collect();
    let page_text: Option<String> = l.page_text;
    let scores = l.scores.into_pyarray(py).reshape([n, k])?;
    PyTuple::new(
        py,
        [
            page_text.into_pyobject(py)?.into_any(),
            start.into_pyarray(py).into_any(),
            end.into_pyarray(py).into_any(),
            line.into_pyarray(py).into_any(),
            label.into_pyarray(py).into_any(),
            scores.into_any(),
        ],
    )
}

#[pymethods]
impl Model {
    #[new]
    #[pyo3(signature = (arrays, labels, feature_config, window, revision_dense, link, revision_page = false, revision_body_run = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        arrays: &Bound<'_, PyDict>,
        labels: Vec<String>,
        feature_config: &Bound<'_, PyDict>,
        window: usize,
        revision_dense: bool,
        link: &str,
        revision_page: bool,
        revision_body_run: bool,
    ) -> PyResult<Model> {
        let body_run = if revision_body_run {
            Some(labels.iter().position(|l| l == "body").ok_or_else(|| {
                value_error("the model's revision has the body-run block, but its labels have no \"body\"".to_string())
            })?)
        } else {
            None
        };
        let a = ModelArrays {
            dense_mean: array(arrays, "dense_mean")?,
            dense_scale: array(arrays, "dense_scale")?,
            first_coef: array(arrays, "first_coef")?,
            first_intercept: array(arrays, "first_intercept")?,
            tree_offsets: array(arrays, "tree_offsets")?,
            tree_class: array(arrays, "tree_class")?,
            node_feature: array(arrays, "node_feature")?,
            node_threshold: array(arrays, "node_threshold")?,
            node_missing_left: array(arrays, "node_missing_left")?,
            node_left: array(arrays, "node_left")?,
            node_right: array(arrays, "node_right")?,
            node_is_leaf: array(arrays, "node_is_leaf")?,
            node_value: array(arrays, "node_value")?,
            second_baseline: array(arrays, "second_baseline")?,
        };
        let config = ModelConfig {
            labels,
            features: self::feature_config(Some(feature_config))?,
            revision: RevisionConfig { window, dense: revision_dense, page: revision_page, body_run },
            link: Link::parse(link).map_err(value_error)?,
        };
        let inner = CoreModel::new(&a, config).map_err(|e| value_error(e.0))?;
        Ok(Model { inner })
    }

    #[getter]
    fn labels(&self) -> Vec<String> {
        self.inner.labels().to_vec()
    }

    #[getter]
    fn feature_config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        feature_config_dict(py, self.inner.feature_config())
    }

    #[getter]
    fn n_trees(&self) -> usize {
        self.inner.trees().n_trees()
    }

    /// Both passes over a feature matrix from `featurize` (rows x k).
    fn predict_proba<'py>(&self, py: Python<'py>, features: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        self.proba(py, features, false)
    }

    /// Pass one alone over a feature matrix from `featurize` (rows x k).
    fn first_pass_proba<'py>(&self, py: Python<'py>, features: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        self.proba(py, features, true)
    }

    /// Label documents: per document a tuple `(page_text or None, start, end, line, label,
    /// scores)`; offsets are character offsets into the document (or the page text for HTML),
    /// `label` indexes `labels`, `scores` is records x labels.
    #[pyo3(signature = (docs, *, html = false, split_glued = true, join_wrapped = true, body_threshold = None, threads = 0, guard = true))]
    #[allow(clippy::too_many_arguments)]
    fn label<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
        html: bool,
        split_glued: bool,
        join_wrapped: bool,
        body_threshold: Option<f64>,
        threads: usize,
        guard: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let docs = Docs::from_py(docs, html)?;
        let inputs = docs.inputs();
        let opts = Options { split_glued, join_wrapped, body_threshold, threads, guard: if guard { Guard::default() } else { Guard::off() } };
        let model = &self.inner;
        let labeled = py.detach(|| pipeline::label(model, &inputs, &opts)).map_err(value_error)?;
        let out = PyList::empty(py);
        let k = model.labels().len();
        for (l, input) in labeled.into_iter().zip(&inputs) {
            let src = match input {
                Input::Text(t) | Input::Html(t) => *t,
                Input::Page { text, .. } => *text,
            };
            out.append(labeled_to_py(py, l, src, k)?)?;
        }
        Ok(out)
    }

    /// Cleaned text of every document: the records whose label is in `keep`, joined with the
    /// source's paragraph breaks.
    #[pyo3(signature = (docs, keep, *, html = false, split_glued = true, join_wrapped = true, body_threshold = None, threads = 0, guard = true))]
    #[allow(clippy::too_many_arguments)]
    fn clean(
        &self,
        py: Python<'_>,
        docs: &Bound<'_, PyAny>,
        keep: Vec<String>,
        html: bool,
        split_glued: bool,
        join_wrapped: bool,
        body_threshold: Option<f64>,
        threads: usize,
        guard: bool,
    ) -> PyResult<Vec<String>> {
        let keep = keep_flags(&self.inner, keep)?;
        let docs = Docs::from_py(docs, html)?;
        let inputs = docs.inputs();
        let opts = Options { split_glued, join_wrapped, body_threshold, threads, guard: if guard { Guard::default() } else { Guard::off() } };
        let model = &self.inner;
        py.detach(|| pipeline::clean(model, &inputs, &opts, &keep)).map_err(value_error)
    }
}

impl Model {
    fn proba<'py>(&self, py: Python<'py>, f: &Bound<'py, PyDict>, first_only: bool) -> PyResult<Bound<'py, PyAny>> {
        let get = |name: &str| -> PyResult<Bound<'py, PyAny>> {
            f.get_item(name)?.ok_or_else(|| value_error(format!("feature dict has no {name:?}")))
        };
        let dense_any = get("dense")?;
        let dense = dense_any.cast::<numpy::PyArray2<f32>>().map_err(|_| value_error("dense must be a 2-d float32 array"))?.readonly();
        let (dv, n, _) = slice2(&dense, "dense")?;
        let indptr: Vec<u64> = array::<i64>(f, "indptr")?.into_iter().map(|p| p.max(0) as u64).collect();
        let indices: Vec<u32> = array::<i32>(f, "indices")?.into_iter().map(|p| if p < 0 { u32::MAX } else { p as u32 }).collect();
        let values: Vec<f32> = array(f, "values")?;
        let doc: Vec<u32> = array(f, "doc")?;
        let model = &self.inner;
        let rows = Rows { n_rows: n, dense: dv, indptr: &indptr, indices: &indices, values: &values };
        let p = py
            .detach(|| if first_only { model.first_pass_proba(&rows) } else { model.proba(&rows, &doc) })
            .map_err(value_error)?;
        let k = model.labels().len();
        Ok(p.into_pyarray(py).reshape([n, k])?.into_any())
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("FEATURES_VERSION", FEATURES_VERSION)?;
    m.add_function(wrap_pyfunction!(parse_html, m)?)?;
    m.add_function(wrap_pyfunction!(segment, m)?)?;
    m.add_function(wrap_pyfunction!(glue_offset, m)?)?;
    m.add_function(wrap_pyfunction!(featurize, m)?)?;
    m.add_function(wrap_pyfunction!(dense_feature_names, m)?)?;
    m.add_function(wrap_pyfunction!(revision_features, m)?)?;
    m.add_function(wrap_pyfunction!(revision_feature_names, m)?)?;
    m.add_function(wrap_pyfunction!(first_pass_proba, m)?)?;
    m.add_function(wrap_pyfunction!(tree_proba, m)?)?;
    m.add_function(wrap_pyfunction!(decide, m)?)?;
    m.add_function(wrap_pyfunction!(clean_surrogates, m)?)?;
    m.add_class::<Model>()?;
    Ok(())
}
