"""Read a model's ``manifest.json`` without loading the model.

The manifest says what a model is (format and feature versions, labels, hashes, scores). Two
callers need it before, or instead of, the model itself: ``textsieve info``, which must never
read model weights just to print metadata, and the loader in :mod:`textsieve.model`, which checks
the manifest before it touches the weights. Both get the same validation here, so a manifest that
is not a JSON object, or lacks a required key, is one clear :class:`~textsieve.errors.ModelError`
naming the file instead of an ``AttributeError`` somewhere later.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from .errors import ModelError

__all__ = ["read_manifest", "MANIFEST_FILE", "REQUIRED_KEYS"]

MANIFEST_FILE = "manifest.json"
# Keys every model format has; a loader checks the keys of its own format version on top.
REQUIRED_KEYS = ("format_version", "labels", "model_sha256")


def _manifest_path(model_dir_or_file: str | Path | None) -> Path:
    if model_dir_or_file is None:  # the shipped model
        return Path(str(resources.files("textsieve").joinpath("models", MANIFEST_FILE)))
    path = Path(model_dir_or_file)
    if not path.exists():
        raise ModelError(f"{path}: no such model folder. Give the directory `textsieve train -o` wrote.")
    if path.is_dir():
        return path / MANIFEST_FILE
    return path if path.name == MANIFEST_FILE else path.with_name(MANIFEST_FILE)


def read_manifest(model_dir_or_file: str | Path | None = None) -> dict:
    """The manifest of a model directory (or of the directory holding a model file; ``None``
    is the shipped model), validated: a JSON object with :data:`REQUIRED_KEYS` and a non-empty
    list of string labels. Never opens the model weights."""
    path = _manifest_path(model_dir_or_file)
    retrain = "Retrain with `textsieve train`, or give the directory `textsieve train -o` wrote."
    if not path.is_file():
        raise ModelError(f"{path}: no model manifest here. {retrain}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError, RecursionError) as exc:  # RecursionError: JSON nested thousands deep
        raise ModelError(f"{path}: unreadable manifest ({type(exc).__name__}: {str(exc)[:200]}). {retrain}") from None
    if not isinstance(manifest, dict):
        raise ModelError(f"{path}: the manifest is a JSON {type(manifest).__name__}, not an object. {retrain}")
    missing = [k for k in REQUIRED_KEYS if k not in manifest]
    if missing:
        raise ModelError(f"{path}: the manifest lacks {', '.join(missing)}. {retrain}")
    labels = manifest["labels"]
    if not (isinstance(labels, list) and labels and all(isinstance(x, str) for x in labels)):
        raise ModelError(f"{path}: the manifest's labels must be a non-empty list of strings, got {labels!r:.80}. {retrain}")
    return manifest
