"""Clean a Dask bag or DataFrame on a ``dask.distributed`` cluster (``pip install 'textsieve[dask]'``).

    >>> import dask.bag as db
    >>> from textsieve.dask import clean_bag
    >>> cleaned = clean_bag(db.read_text("pages/*.jsonl").map(json.loads))   # doctest: +SKIP
    >>> cleaned.map(json.dumps).to_textfiles("clean/*.jsonl")                 # doctest: +SKIP

Each partition is labeled in batches (one model call per ``batch_size`` records) in whatever
process runs it; the model is loaded once per worker process, on its first partition, and
never travels with the tasks (only its path does). Records that cannot be cleaned are not
dropped and do not fail the partition: they come back unchanged with the reason in
``textsieve_error``, so a run over millions of records reports its bad ones instead of dying.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..clean import SieveConfig
from . import describe, label_isolated, model_arg, process_sieve

__all__ = ["clean_bag", "clean_dataframe", "clean_partition", "ERROR_FIELD", "LABELS_FIELD", "QUIET_WORKERS"]

# Dask workers sample their own stacks every 10 ms and tick their monitors every 20 ms. For
# CPU-bound cleaning on a small machine that background work costs about 10% of throughput (on
# 2 cores: 1.6x -> 1.8x over one process, benchmarks/engines_throughput.py). Apply with
# ``dask.config.set(QUIET_WORKERS)`` before starting a LocalCluster, or put it in the workers'
# Dask config.
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
}

ERROR_FIELD = "textsieve_error"
LABELS_FIELD = "textsieve_labels"
BATCH = 64


def clean_partition(items: Iterable, *, text_field: str = "text", model=None, config: SieveConfig | None = None,
                    html: bool = False, batch_size: int = BATCH) -> list[dict]:
    """Clean one partition of records (dicts with ``text_field``) or plain strings.

    Returns one dict per item: the record with its text cleaned plus ``textsieve_labels``
    (lines per label) and ``textsieve_error`` (``None``, or why). A record that could not be
    cleaned keeps its text as it was and has ``textsieve_labels`` ``None``; a record skipped by
    ``config.languages`` has empty text and ``{}``. A plain string item becomes
    ``{text_field: cleaned, ...}``.
    """
    sieve = process_sieve(model, config)
    keep = sieve.config.keep
    out: list[dict] = []
    pending: list[tuple[dict, object]] = []

    def flush():
        results = label_isolated(sieve, [t for _, t in pending], html=html)
        for (rec, _), res in zip(pending, results):
            if isinstance(res, Exception):
                rec[ERROR_FIELD] = describe(res)
                rec[LABELS_FIELD] = None
            else:
                rec[text_field] = res.text(keep)
                rec[LABELS_FIELD] = res.counts()
                rec[ERROR_FIELD] = res.skipped  # None, or e.g. "language 'de' not in en"
        pending.clear()

    for item in items:
        if isinstance(item, dict):
            rec = dict(item)
            text = rec.get(text_field)
        else:
            rec = {text_field: item}
            text = item
        if not isinstance(text, str):
            rec[ERROR_FIELD] = _not_text(rec, text_field)
            rec[LABELS_FIELD] = None
            out.append(rec)
            continue
        out.append(rec)  # filled in by flush(), so records keep their order
        pending.append((rec, text))
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return out


def _not_text(rec: dict, text_field: str) -> str:
    """Why a record's text field cannot be cleaned, in words a user can act on."""
    if text_field not in rec:
        return f"no field {text_field!r} in the record"
    value = rec[text_field]
    if value is None or type(value).__name__ in ("NAType", "NaTType") or (isinstance(value, float) and value != value):
        return f"field {text_field!r} is missing (null)"
    return f"field {text_field!r} is {type(value).__name__}, not str"


def clean_bag(bag, *, text_field: str = "text", model=None, config: SieveConfig | None = None, html: bool = False,
              batch_size: int = BATCH):
    """A bag of cleaned records (see :func:`clean_partition`), lazily, one task per partition."""
    model = model_arg(model)
    return bag.map_partitions(clean_partition, text_field=text_field, model=model, config=config, html=html,
                              batch_size=batch_size)


def _clean_frame(frame, *, column, model, config, html, labels):
    import pandas as pd

    # Each cell is a record of its own (a dict in a cell is a value, not a record), and a cell
    # that cannot be cleaned keeps its value, as a record of a bag does.
    values = frame[column].tolist()
    cleaned = clean_partition([{column: v} for v in values], text_field=column, model=model, config=config, html=html)
    out = frame.copy()
    out[column] = pd.Series([r[column] for r in cleaned], index=frame.index, dtype="object")
    for lab in labels:
        out[f"textsieve_{lab}"] = pd.Series([(r[LABELS_FIELD] or {}).get(lab, 0) for r in cleaned], index=frame.index,
                                            dtype="int64")
    out[ERROR_FIELD] = pd.Series([r[ERROR_FIELD] for r in cleaned], index=frame.index, dtype="object")
    return out


def clean_dataframe(df, column: str = "text", *, model=None, config: SieveConfig | None = None, html: bool = False):
    """A Dask DataFrame with ``column`` cleaned and per-label line counts (``textsieve_<label>``)
    and ``textsieve_error`` columns added. A row whose text cannot be cleaned (null, bytes, a
    number) keeps its value as it was, with the reason in ``textsieve_error``."""
    import pandas as pd

    model = model_arg(model)
    labels = process_sieve(model, config).labels  # the client loads the model once, to know the columns
    meta = df._meta.copy()
    meta[column] = meta[column].astype("object")
    for lab in labels:
        meta[f"textsieve_{lab}"] = pd.Series(dtype="int64")
    meta[ERROR_FIELD] = pd.Series(dtype="object")
    return df.map_partitions(_clean_frame, column=column, model=model, config=config, html=html, labels=labels, meta=meta)
