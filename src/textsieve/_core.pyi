"""Type stubs for textsieve._core, the compiled Rust core (src/core) behind thin PyO3 bindings
(src/bindings). Offsets are CHARACTER offsets into the str given (lone surrogates count as one
character each and are read as U+FFFD). Batch calls release the GIL. A document that is not a str
raises textsieve.errors.InputError naming its index; malformed arrays raise ValueError."""
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str
FEATURES_VERSION: int

# An HTML context as a tuple: (tag, link_share, ancestors, link_list, hints, image, alt).
ContextTuple = tuple[str, float, tuple[str, ...], bool, tuple[str, ...], bool, tuple[str, ...]]
# A document: a str (plain text, or HTML when html=True), or a parsed page: an object with
# .text and .contexts (textsieve.html.HtmlPage) or a (text, contexts) tuple.
Document = str | tuple[str, Sequence[Any]] | Any

def parse_html(html: str) -> tuple[str, list[ContextTuple | None], bool]:
    """The page's block lines (one per line of the text, blank lines between blocks), one
    context per line (None for blank lines), and whether the lines are the ``<noscript>``
    reading of a page that shows nothing else."""

def segment(text: str, split_glued: bool = True) -> dict[str, npt.NDArray[Any]]:
    """Segment arrays: seg_doc, line, start, end, line_start, part, parts, blank_before, blank_after."""

def glue_offset(line: str) -> int | None: ...
def clean_surrogates(text: str) -> str:
    """``text`` itself, or a copy with each lone surrogate replaced by U+FFFD."""

def dense_feature_names(html: bool = True) -> list[str]: ...
def revision_feature_names(labels: Sequence[str], window: int, dense_names: Sequence[str] | None = None,
                           page: bool = False, body_run: bool = False) -> list[str]: ...
def featurize(docs: Iterable[Document], *, html: bool = False, split_glued: bool = True, join_wrapped: bool = True,
              config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Feature matrix of every segment: doc (u32), dense (rows x n_dense f32), indptr (i64),
    indices (i32), values (f32), n_hash, config, the segment arrays of ``segment``, ``last_line``
    and ``texts`` (what each document's offsets index: the page text for HTML). With
    ``join_wrapped`` a plain text's wrapped lines are joined as ``Model.label`` joins them; a row
    then runs from ``line`` to ``last_line`` of the source."""

def revision_features(proba: npt.NDArray[np.float64], doc: npt.NDArray[np.uint32], window: int,
                      dense: npt.NDArray[np.float32] | None = None, page: bool = False,
                      rows: npt.NDArray[np.int64] | None = None,
                      body_run: int | None = None) -> npt.NDArray[np.float64]:
    """Pass two's input from first-pass scores: ``dense`` included when given, the page block when
    ``page``, the body-run block when ``body_run`` (the body label's column; needs ``dense``),
    only the rows ``rows`` (in that order) when given."""
def first_pass_proba(dense: npt.NDArray[np.float32], indptr: npt.NDArray[np.int64], indices: npt.NDArray[np.int32],
                     values: npt.NDArray[np.float32], dense_mean: npt.NDArray[np.float32],
                     dense_scale: npt.NDArray[np.float32], coef: npt.NDArray[np.float32],
                     intercept: npt.NDArray[np.float32], link: str) -> npt.NDArray[np.float64]: ...
def decide(proba: npt.NDArray[np.float64], body: int | None, body_threshold: float | None = None) -> npt.NDArray[np.uint32]:
    """The label index serving chooses per row (the argmax, or the body threshold rule)."""
def tree_proba(arrays: dict[str, npt.NDArray[Any]], k: int, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Pass two alone: the exported trees' probabilities for rows ``x``."""

# (page_text or None, start, end, line, label index, scores records x labels)
Labeled = tuple[str | None, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.uint32],
                npt.NDArray[np.uint32], npt.NDArray[np.float64]]

class Model:
    """A validated model (textsieve.model builds it from model.npz + manifest.json)."""

    def __init__(self, arrays: dict[str, npt.NDArray[Any]], labels: Sequence[str], feature_config: dict[str, Any],
                 window: int, revision_dense: bool, link: str, revision_page: bool = False,
                 revision_body_run: bool = False) -> None: ...
    @property
    def labels(self) -> list[str]: ...
    @property
    def feature_config(self) -> dict[str, Any]: ...
    @property
    def n_trees(self) -> int: ...
    def predict_proba(self, features: dict[str, Any]) -> npt.NDArray[np.float64]: ...
    def first_pass_proba(self, features: dict[str, Any]) -> npt.NDArray[np.float64]: ...
    def label(self, docs: Iterable[Document], *, html: bool = False, split_glued: bool = True,
              join_wrapped: bool = True, body_threshold: float | None = None, threads: int = 0, guard: bool = True) -> list[Labeled]: ...
    def clean(self, docs: Iterable[Document], keep: Sequence[str], *, html: bool = False, split_glued: bool = True,
              join_wrapped: bool = True, body_threshold: float | None = None, threads: int = 0, guard: bool = True) -> list[str]: ...
