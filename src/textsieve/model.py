"""The model file and its manifest: building, saving, checking, loading.

A model is one scikit-learn ``Pipeline`` (featurizer + two-pass classifier) saved with joblib,
next to a ``manifest.json`` that records what made it: format version, library versions, label
set, seed, the sha256 of the training data and of the model file, and held-out scores.

Why the hash check: joblib files are pickles, and unpickling runs code. The shipped model is
trusted (it comes with the package). A model path given by a user is loaded only when a
manifest sits next to it and the file's sha256 matches the manifest, so a swapped or corrupted
file is refused before a single byte of it is unpickled. The check proves the file is the one
its manifest describes; it cannot make a file from an untrusted source safe, so only load models
you or your team trained.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import joblib
import numpy as np
import scipy
import sklearn
from sklearn.pipeline import Pipeline

from .classifier import ContextClassifier
from .errors import ModelError
from .files import atomic_write_text
from .features import SegmentFeaturizer

__all__ = ["Model", "build_pipeline", "load_model", "save_model", "default_model_path", "MODEL_FILE", "MANIFEST_FILE"]

FORMAT_VERSION = 1
MODEL_FILE = "textsieve-lines.joblib"
MANIFEST_FILE = "manifest.json"


def build_pipeline(seed: int = 0, features: dict | None = None) -> Pipeline:
    """A fresh, unfitted model: the one place its structure is defined.

    ``features`` overrides :class:`SegmentFeaturizer` options, e.g. smaller hash spaces
    (``{"n_word_features": 2**16}``): training time is dominated by the first pass's
    n_hashed_features x n_labels weights, so this is the lever for faster experiments.
    """
    return Pipeline([("features", SegmentFeaturizer(**(features or {}))),
                     ("classify", ContextClassifier(random_state=seed))])


@dataclass(frozen=True)
class Model:
    """A fitted pipeline with its manifest."""

    pipeline: Pipeline
    manifest: dict
    path: Path | None = None

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.pipeline.classes_]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_model_path() -> Path:
    """The shipped model, wherever the package was installed (wheel or editable)."""
    return Path(str(resources.files("textsieve").joinpath("models", MODEL_FILE)))


def _versions() -> dict:
    from . import __version__

    return {
        "textsieve": __version__, "scikit-learn": sklearn.__version__, "numpy": np.__version__,
        "scipy": scipy.__version__, "joblib": joblib.__version__,
    }


def save_model(pipeline: Pipeline, directory: str | Path, extra: dict | None = None) -> Path:
    """Write model + manifest atomically into ``directory``; returns the model path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / MODEL_FILE
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-model-")
    os.close(fd)
    try:
        joblib.dump(pipeline, tmp, compress=3)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a shipped or shared model must be readable
        digest = sha256_file(Path(tmp))
        manifest = {
            "format_version": FORMAT_VERSION,
            "model_file": MODEL_FILE,
            "model_sha256": digest,
            "labels": [str(c) for c in pipeline.classes_],
            "versions": _versions(),
            **(extra or {}),
        }
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    atomic_write_text(directory / MANIFEST_FILE, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return target


def read_manifest(model_path: Path) -> dict:
    manifest_path = model_path.with_name(MANIFEST_FILE)
    if not manifest_path.is_file():
        raise ModelError(
            f"{model_path}: no {MANIFEST_FILE} next to it. textsieve loads a model file only with the "
            "manifest written by `textsieve train`, because loading a model runs code (pickle)."
        )
    from .manifest import read_manifest as read_validated  # not a JSON object / missing keys -> ModelError

    return read_validated(manifest_path)


def load_model(path: str | Path | None = None, *, verify: bool | None = None) -> Model:
    """Load a model: the shipped one by default, or a model file/directory you trained.

    A user-given path is verified (manifest present, sha256 equal) before unpickling; the shipped
    model is verified too unless ``verify=False`` (it is cheap: one hash of a few MB).
    """
    shipped = path is None
    model_path = default_model_path() if shipped else Path(path)
    if model_path.is_dir():
        model_path = model_path / MODEL_FILE
    if not model_path.is_file():
        hint = "Reinstall textsieve, or train one with `textsieve train`." if shipped else "Give the .joblib file or the directory `textsieve train -o` wrote."
        raise ModelError(f"{model_path}: model file not found. {hint}")
    manifest = read_manifest(model_path)
    if verify is None or verify:
        actual = sha256_file(model_path)
        if actual != manifest.get("model_sha256"):
            raise ModelError(
                f"{model_path}: sha256 {actual[:12]}… does not match its manifest "
                f"({str(manifest.get('model_sha256'))[:12]}…). The file was changed or corrupted after "
                "training; refusing to unpickle it. Retrain with `textsieve train` or restore the file."
            )
    trained = manifest.get("versions", {}).get("scikit-learn", "")
    if trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(
            f"{model_path}: trained with scikit-learn {trained or '?'}, this environment has "
            f"{sklearn.__version__}. Pickled models do not survive a scikit-learn minor upgrade: retrain "
            "with `textsieve train`, or install the scikit-learn version in the manifest."
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{model_path}: model format {manifest.get('format_version')} but this textsieve reads "
            f"format {FORMAT_VERSION}. Retrain with `textsieve train`."
        )
    try:
        pipeline = joblib.load(model_path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means the same thing to a user
        raise ModelError(f"{model_path}: could not be loaded ({type(exc).__name__}: {exc}). Retrain with `textsieve train`.") from None
    return Model(pipeline, manifest, model_path)
