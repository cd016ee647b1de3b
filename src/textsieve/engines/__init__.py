"""Engines: textsieve inside other people's process pools (Dask, datatrove, Hugging Face datasets).

One module per engine (:mod:`.dask`, :mod:`.datatrove`, :mod:`.hf`, each imported only when
used, since each needs its optional extra); ``textsieve.dask`` and friends re-export them. This
module holds what they all share, and the batch CLI's worker processes use it too: one Sieve per
process, and labeling that isolates bad records.

Dask workers, datatrove tasks, ``datasets.map`` processes and the batch CLI's worker processes all
run textsieve in long-lived processes they start themselves. Each should load the model once,
not once per task and not by receiving a pickled model with every task: :func:`process_sieve`
keeps one :class:`~textsieve.Sieve` per (model, config) in the process.

A corpus always holds a few records that are not what they claim (a missing text field, a
number where text belongs, bytes). :func:`label_isolated` labels a batch in one model call and,
only if that fails, each record alone, so one bad record is reported with its reason while the
others are cleaned.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence

from ..clean import Sieve, SieveConfig
from ..labels import LabeledLines

__all__ = ["process_sieve", "label_isolated", "model_arg", "model_key", "model_fingerprint", "loads"]

_sieves: dict = {}
_lock = threading.Lock()
loads = 0  # how many models this process loaded (tests check "once per worker")


def model_arg(model):
    """What to send to workers for ``model``: its path (small, and each worker loads it once),
    or a :class:`~textsieve.model.Model` that has no file (then it travels with the tasks)."""
    from ..model import Model

    if model is None:
        return None
    if isinstance(model, Model):
        return str(model.path) if model.path is not None else model
    return str(model)


def model_key(model) -> tuple:
    """What identifies ``model`` in this process's cache: the shipped model, a model folder by
    its absolute path (``str`` and ``Path`` alike, the folder or a file in it) and its files'
    identity and times (a model replaced in the folder is loaded again), or a loaded Model by its
    content (the sha256 of its manifest, which holds its arrays' sha256 and its settings).

    Why not ``id(model)``: an object's id is reused once the object is freed, so a Path that
    was not kept alive handed a later, different model the first one's Sieve; and every
    unpickled copy of a Model that travels with tasks has a new id, so each was cached again."""
    import os

    from ..model import MANIFEST_FILE, MODEL_FILE, Model

    if model is None:
        return ("shipped",)
    if isinstance(model, Model):
        return ("model", model_fingerprint(model))
    try:
        path = os.path.abspath(os.fspath(model))
    except TypeError:  # not a model at all: Sieve() refuses it with a ConfigError
        return ("other", id(model))
    # A model replaced in its folder is another model: the files' identity and times say so for
    # the cost of two stat calls (reading and hashing the manifest per batch would cost more).
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    files = []
    for name in (MANIFEST_FILE, MODEL_FILE):
        try:
            st = os.stat(os.path.join(folder, name))
            files.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            files.append(None)
    return ("path", folder, tuple(files))


def model_fingerprint(model) -> str:
    """A digest of what decides a model's output, read from its manifest without loading it
    (the manifest holds the arrays' sha256 and the settings), plus textsieve's version (the code
    decides too). Engines that cache results by the state of a callable (``datasets.map``) must
    see it change when the model does, or they hand back results of the model before."""
    import hashlib
    import json

    from .. import __version__
    from ..manifest import read_manifest
    from ..model import Model

    manifest = model.manifest if isinstance(model, Model) else read_manifest(model)
    text = json.dumps({"manifest": manifest, "textsieve": __version__}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def process_sieve(model=None, config: SieveConfig | None = None) -> Sieve:
    """This process's Sieve for ``model``/``config``, loaded on first use."""
    global loads
    key = (model_key(model), config)
    sieve = _sieves.get(key)
    if sieve is None:
        with _lock:
            sieve = _sieves.get(key)
            if sieve is None:
                sieve = _sieves[key] = Sieve(model, config)
                loads += 1
    return sieve


def label_isolated(sieve: Sieve, texts: Sequence, config: SieveConfig | None = None, *,
                   html: bool = False) -> list[LabeledLines | Exception]:
    """Labels for each text, or the exception that text raised (others are unaffected)."""
    try:
        return list(sieve.label_many(texts, config, html=html))
    except Exception:  # noqa: BLE001 - find the record(s) responsible, below
        pass
    out: list[LabeledLines | Exception] = []
    for text in texts:
        try:
            out.append(sieve.label_many([text], config, html=html)[0])
        except Exception as exc:  # noqa: BLE001 - reported per record by the caller
            out.append(exc)
    return out


def describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"
