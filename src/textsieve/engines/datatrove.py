"""A datatrove pipeline step (``pip install 'textsieve[datatrove]'``).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from textsieve.datatrove import TextsieveFilter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("scraped/"),
        TextsieveFilter(min_body_chars=200, exclusion_writer=JsonlWriter("dropped/")),
        JsonlWriter("clean/"),
    ], tasks=4).run()

Each document's text is cleaned in place, and its metadata gets ``textsieve_labels`` (lines per
label, every label of the model in its order, 0 when absent), ``textsieve_language``,
``textsieve_body_chars``, ``textsieve_skipped`` and ``textsieve_error`` (``None`` when they do
not apply): the same keys on every document, so a Parquet writer sees one schema. A document left
with no body at all, or with less than ``min_body_chars`` characters of body (or less than
``min_body_share`` of its original characters), is dropped with the reason
``textsieve_too_little_body``; with an ``exclusion_writer`` the dropped documents are written
with that reason in ``metadata["filter_reason"]`` (their text left as it was, so a reviewer sees
what was removed). A document whose text is not a str (a custom reader's ``None``) is dropped
with the reason ``textsieve_error``, since the writers after this step cannot write it; one
textsieve fails on otherwise is kept unchanged and counted, never silently lost. The model loads
once per task process, on the first batch.
"""
from __future__ import annotations

from datatrove.pipeline.filters.base_filter import BaseFilter

from ..clean import SieveConfig
from . import describe, label_isolated, model_arg, process_sieve

__all__ = ["TextsieveFilter"]


class TextsieveFilter(BaseFilter):
    name = "🧹 textsieve"

    def __init__(self, min_body_chars: int = 0, min_body_share: float = 0.0, *, model=None,
                 config: SieveConfig | None = None, html: bool = False, batch_size: int = 64,
                 exclusion_writer=None):
        super().__init__(exclusion_writer=exclusion_writer, batch_size=batch_size)
        self.min_body_chars = min_body_chars
        self.min_body_share = min_body_share
        self.model = model_arg(model)
        self.config = config
        self.html = html

    def filter(self, doc) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch) -> list[bool | tuple[bool, str]]:
        sieve = process_sieve(self.model, self.config)
        keep = sieve.config.keep
        texts = [d.text for d in batch]
        ok = [i for i, t in enumerate(texts) if isinstance(t, str)]
        results: list = [TypeError(f"document text is {type(t).__name__}, not str") for t in texts]
        for i, res in zip(ok, label_isolated(sieve, [texts[i] for i in ok], html=self.html)):
            results[i] = res
        verdicts: list[bool | tuple[bool, str]] = []
        for doc, res in zip(batch, results):
            meta = doc.metadata
            meta.update({"textsieve_labels": dict.fromkeys(sieve.labels, 0), "textsieve_language": None,
                         "textsieve_body_chars": None, "textsieve_skipped": None, "textsieve_error": None})
            if isinstance(res, Exception):
                self.stat_update("textsieve_errors")
                meta["textsieve_error"] = describe(res)
                # A text that is not a str would crash datatrove's own steps after this one.
                verdicts.append(True if isinstance(doc.text, str) else (False, "textsieve_error"))
                continue
            original = len(res.source)  # the extracted text for HTML, not the markup
            cleaned = res.text(keep)
            counts = res.counts()
            meta["textsieve_labels"] = {label: counts.get(label, 0) for label in sieve.labels}
            meta["textsieve_language"] = res.language
            if res.skipped:
                meta["textsieve_skipped"] = res.skipped
                verdicts.append((False, "textsieve_language"))
                continue
            for label, n in counts.items():
                self.stat_update(f"lines_{label}", value=n)
            body = len(cleaned.strip())
            meta["textsieve_body_chars"] = body
            if body == 0 or body < self.min_body_chars or (original and body < self.min_body_share * original):
                verdicts.append((False, "textsieve_too_little_body"))
                continue
            doc.text = cleaned
            verdicts.append(True)
        return verdicts
