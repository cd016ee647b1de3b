"""Hugging Face ``datasets``: a batched function for ``Dataset.map`` (``pip install 'textsieve[hf]'``).

    from textsieve.hf import CleanBatch
    ds = ds.map(CleanBatch(text_column="text"), batched=True, batch_size=64, num_proc=4)

Adds ``clean_text`` (the cleaned text), one ``textsieve_<label>`` column per label with the
number of lines that got it, and ``textsieve_error`` (``""``, or why the row was left empty;
an empty string rather than ``None`` because Arrow would type an all-``None`` first batch as
null and then refuse the first real error). The callable carries no model: each ``num_proc``
process loads the model once, on its first batch, and pickling the callable (which ``datasets``
does to fingerprint it and to send it to workers) stays cheap and deterministic. It does carry
the model's fingerprint (its manifest's digest and textsieve's version), so ``datasets``' cache
never hands back the results of another model or version under the same path.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..clean import SieveConfig
from . import describe, label_isolated, model_arg, model_fingerprint, process_sieve

__all__ = ["CleanBatch"]


class CleanBatch:
    """``fn(batch: dict[str, list]) -> dict[str, list]`` for ``Dataset.map(batched=True)``."""

    def __init__(self, text_column: str = "text", output_column: str = "clean_text", *, model=None,
                 config: SieveConfig | None = None, html: bool = False):
        self.text_column = text_column
        self.output_column = output_column
        self.model = model_arg(model)
        self.model_fingerprint = model_fingerprint(self.model)  # part of datasets' cache key
        self.config = config
        self.html = html

    def labels(self) -> list[str]:
        return process_sieve(self.model, self.config).labels

    def __call__(self, batch: dict) -> dict:
        from ..errors import InputError

        if not isinstance(batch, Mapping):  # input_columns=... passes the column, not the batch
            raise InputError(f"CleanBatch takes the whole batch (a dict of columns), got a {type(batch).__name__}: "
                             "call Dataset.map without input_columns.")
        if self.text_column not in batch:
            raise InputError(f"no column {self.text_column!r} in the dataset (columns: {sorted(map(str, batch))}).")
        texts = batch[self.text_column]
        if isinstance(texts, (str, bytes, Mapping)) or not hasattr(texts, "__len__"):
            # Without batched=True, map passes one row: a str column would be read letter by letter.
            raise InputError(f"column {self.text_column!r} holds one {type(texts).__name__}, not a batch: call "
                             "Dataset.map(CleanBatch(...), batched=True).")
        sieve = process_sieve(self.model, self.config)
        ok = [i for i, t in enumerate(texts) if isinstance(t, str)]
        results: list = [TypeError(f"{self.text_column!r} is {type(t).__name__}, not str") for t in texts]
        for i, res in zip(ok, label_isolated(sieve, [texts[i] for i in ok], html=self.html)):
            results[i] = res
        out: dict[str, list] = {self.output_column: [], "textsieve_error": []}
        out.update({f"textsieve_{lab}": [] for lab in sieve.labels})
        for res in results:
            failed = isinstance(res, Exception)
            out[self.output_column].append("" if failed else res.text(sieve.config.keep))
            out["textsieve_error"].append(describe(res) if failed else (res.skipped or ""))
            counts = {} if failed else res.counts()
            for lab in sieve.labels:
                out[f"textsieve_{lab}"].append(counts.get(lab, 0))
        return out
