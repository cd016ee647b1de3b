"""The model file (format v2): reading, checking, writing. No pickle anywhere.

A model is a directory with two files:

``model.npz``
    numpy arrays only, read with ``np.load(allow_pickle=False)``: the first pass's
    standardisation and weights (``dense_mean``, ``dense_scale``, ``first_coef``,
    ``first_intercept``) and the second pass's trees (``tree_offsets``, ``tree_class``, the
    ``node_*`` arrays, ``second_baseline``). The shapes and dtypes are listed in :data:`ARRAYS`.
``manifest.json``
    what the arrays mean and where they came from: ``format_version``, ``features_version``
    (the core's featurizer must match), ``labels`` (in the order of the probability columns),
    ``dense_features`` and ``revision_features`` (names, checked against the core's),
    ``feature_config`` (hash sizes and snippet bounds), ``revision_config`` (``window``,
    ``dense``, ``page``: the page-relative block, absent and off in older models), ``first_pass`` (``link``: ``softmax`` or ``ovr_sigmoid``), ``model_sha256``,
    plus library versions, seed, training-data hash and scores.

Loading runs no code from the file. It checks, in order: the manifest is a JSON object with the
required keys, the format and features versions are the ones this textsieve reads, the sha256 of
``model.npz`` matches, every array is present with the right dtype and shape; then the core
validates the values (finite weights, tree indices in range). Any failure is a
:class:`~textsieve.errors.ModelError` that names the file and says what to do. Inference needs
numpy and the compiled core, not scikit-learn or joblib.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import ModelError
from .manifest import MANIFEST_FILE, read_manifest

__all__ = ["Model", "load_model", "write_model", "check_model_dir", "default_model_path", "sha256_file", "MODEL_FILE", "MANIFEST_FILE",
           "FORMAT_VERSION", "ARRAYS"]

FORMAT_VERSION = 2
MODEL_FILE = "model.npz"

# name -> (dtype, number of dimensions). Shapes are checked against each other in _check_shapes.
ARRAYS = {
    "dense_mean": ("float32", 1),
    "dense_scale": ("float32", 1),
    "first_coef": ("float32", 2),
    "first_intercept": ("float32", 1),
    "tree_offsets": ("int64", 1),
    "tree_class": ("int32", 1),
    "node_feature": ("int32", 1),
    "node_threshold": ("float64", 1),
    "node_missing_left": ("uint8", 1),
    "node_left": ("int32", 1),
    "node_right": ("int32", 1),
    "node_is_leaf": ("uint8", 1),
    "node_value": ("float64", 1),
    "second_baseline": ("float64", 1),
}
V2_KEYS = ("features_version", "dense_features", "revision_features", "feature_config", "revision_config", "first_pass")
_RETRAIN = "Retrain with `textsieve train`, or give the directory `textsieve train -o` wrote."


@dataclass(frozen=True, eq=False)
class Model:
    """A checked model: the core's compiled model plus the manifest and arrays it came from.

    Pickles as its arrays and manifest (a Dask worker rebuilds the core model on arrival).
    """

    core: object = field(repr=False)
    manifest: dict = field(repr=False)
    path: Path | None = None
    arrays: dict = field(default_factory=dict, repr=False)

    @property
    def labels(self) -> list[str]:
        return list(self.manifest["labels"])

    @property
    def body_threshold(self) -> float | None:
        """The model's own decision threshold: a line is body when P(body) is at least this,
        unless another label has more than 0.55 (``decide`` in the core).

        A model setting, not a user's: it depends on how the model's probabilities are spread,
        so it is chosen when the model is trained (recorded in the manifest) and used whenever
        ``SieveConfig.body_threshold`` is ``None``. ``None``: the most probable label."""
        value = self.manifest.get("body_threshold")
        return None if value is None else float(value)

    def __reduce__(self):
        return (_rebuild, (self.arrays, self.manifest, self.path))


def _rebuild(arrays: dict, manifest: dict, path):
    return Model(_core_model(arrays, manifest, path or "<pickled model>"), manifest, path, arrays)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_model_path() -> Path:
    """The shipped model's ``model.npz``, wherever the package was installed (wheel or editable)."""
    return Path(str(resources.files("textsieve").joinpath("models", MODEL_FILE)))


def _features_version() -> int:
    from . import _core

    return int(_core.FEATURES_VERSION)


def load_model(path: str | Path | None = None, *, verify: bool | None = None) -> Model:
    """Load a model: the shipped one by default, or a directory (or its ``model.npz``) you trained.

    ``verify=False`` skips the sha256 of the arrays (never needed for safety, since the file is
    data; it only catches a file changed after training). Every other check always runs.
    """
    shipped = path is None
    if not shipped and os.fspath(path) == "":  # Path("") is the current folder: never guess
        raise ModelError("the model path is empty: give a model folder, or leave it out for the shipped model.")
    model_path = default_model_path() if shipped else Path(path)
    if model_path.name == MANIFEST_FILE and model_path.is_file():
        model_path = model_path.parent  # the folder's manifest named instead of the folder
    if model_path.is_dir():
        model_path = model_path / MODEL_FILE
    if not model_path.is_file():
        hint = "Reinstall textsieve." if shipped else _RETRAIN
        if model_path.with_name("textsieve-lines.joblib").is_file():
            hint = ("This folder holds a format-1 model (a pickle, textsieve 0.1), which textsieve no longer "
                    "loads: retrain with `textsieve train` to get model.npz.")
        raise ModelError(f"{model_path}: model file not found. {hint}")
    manifest = read_manifest(model_path.parent)
    _check_manifest(manifest, model_path)
    if verify is None or verify:
        actual = sha256_file(model_path)
        if actual != manifest["model_sha256"]:
            raise ModelError(
                f"{model_path}: sha256 {actual[:12]}… does not match its manifest "
                f"({str(manifest['model_sha256'])[:12]}…). The file was changed or corrupted after training. "
                f"Restore it, or retrain with `textsieve train`."
            )
    arrays = _read_arrays(model_path, manifest)
    _check_shapes(arrays, manifest, model_path)
    return Model(_core_model(arrays, manifest, model_path), manifest, model_path.parent, arrays)


# The manifest's settings the core reads, with the type each must have (bool is not an int here).
_FEATURE_INTS = ("n_word_hash", "n_char_hash", "max_chars", "char_chars")
_MAX_HASH = 2**26


def _check_settings_types(manifest: dict, where) -> None:
    """Each setting the core reads has its type, named by its key in ``manifest.json``: a
    ``262144.0`` or ``"false"`` there used to surface as a puzzle about ``model.npz``, and
    ``"no"`` read as true."""
    path = f"{where.parent / MANIFEST_FILE if isinstance(where, Path) else where}"
    cfg = manifest["feature_config"]
    for key in _FEATURE_INTS:
        value = cfg.get(key)
        if key in cfg and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= _MAX_HASH):
            raise ModelError(f"{path}: feature_config.{key} must be an integer 0..{_MAX_HASH}, got {value!r}. {_RETRAIN}")
    for key in ("n_word_hash", "n_char_hash"):
        if key not in cfg:
            raise ModelError(f"{path}: feature_config lacks {key}. {_RETRAIN}")
    for section, key in (("feature_config", "html"), ("feature_config", "site_hints"), ("revision_config", "dense"),
                         ("revision_config", "page"), ("revision_config", "body_run")):
        value = manifest[section].get(key)
        if key in manifest[section] and not isinstance(value, bool):
            raise ModelError(f"{path}: {section}.{key} must be true or false, got {value!r}. {_RETRAIN}")
    link = manifest["first_pass"].get("link")
    if link not in ("softmax", "ovr_sigmoid"):
        raise ModelError(f"{path}: first_pass.link must be \"softmax\" or \"ovr_sigmoid\", got {link!r}. {_RETRAIN}")
    if len(manifest["labels"]) < 2 or len(set(manifest["labels"])) != len(manifest["labels"]):
        raise ModelError(f"{path}: labels must be at least two distinct names, got {manifest['labels']!r}. {_RETRAIN}")


def _check_manifest(manifest: dict, where) -> None:
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{where}: model format {manifest.get('format_version')!r}, but this textsieve reads format "
                         f"{FORMAT_VERSION}. {_RETRAIN}")
    missing = [k for k in V2_KEYS if k not in manifest]
    if missing:
        raise ModelError(f"{where}: the manifest lacks {', '.join(missing)}. {_RETRAIN}")
    features = _features_version()
    if not isinstance(manifest["features_version"], int) or isinstance(manifest["features_version"], bool):
        raise ModelError(f"{where}: features_version must be an integer, got {manifest['features_version']!r}. "
                         f"{_RETRAIN}")
    if manifest["features_version"] != features:
        raise ModelError(f"{where}: trained on features version {manifest['features_version']!r}, this textsieve "
                         f"computes version {features}. {_RETRAIN}")
    if not isinstance(manifest["feature_config"], dict) or not isinstance(manifest["revision_config"], dict) \
            or not isinstance(manifest["first_pass"], dict):
        raise ModelError(f"{where}: feature_config, revision_config and first_pass must be JSON objects. {_RETRAIN}")
    _check_settings_types(manifest, where)
    from . import _core

    for key in ("labels", "dense_features", "revision_features"):
        if not isinstance(manifest[key], list) or not all(isinstance(x, str) for x in manifest[key]):
            raise ModelError(f"{where}: {key} must be a list of names, got {type(manifest[key]).__name__}. {_RETRAIN}")
    html = bool(manifest["feature_config"].get("html", True))
    names = list(_core.dense_feature_names(html))
    if manifest["dense_features"] != names:
        raise ModelError(f"{where}: the manifest's dense feature names differ from the core's ({len(manifest['dense_features'])} "
                         f"vs {len(names)}); the model was trained by another featurizer. {_RETRAIN}")
    threshold = manifest.get("body_threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or not 0.0 <= threshold <= 1.0):
        raise ModelError(f"{where}: body_threshold must be a probability between 0 and 1 or null, got {threshold!r}. "
                         f"{_RETRAIN}")
    window = manifest["revision_config"].get("window")
    dense = manifest["revision_config"].get("dense", True)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 64:
        raise ModelError(f"{where}: revision_config.window must be an integer 0..64, got {window!r}. {_RETRAIN}")
    page = manifest["revision_config"].get("page", False)  # both checked by _check_settings_types
    body_run = manifest["revision_config"].get("body_run", False)
    expected = list(_core.revision_feature_names(manifest["labels"], window, names if dense else None, page,
                                                 body_run))
    if manifest["revision_features"] != expected:
        raise ModelError(f"{where}: the manifest's revision feature names differ from the core's. {_RETRAIN}")


# The most array data a model may declare, in bytes: the shipped model holds about 8 MB, and a
# model file is at most 25 MB. The sizes a zip member declares are the attacker's to set, and
# deflate packs zeros a thousandfold, so a small file could otherwise claim gigabytes.
MAX_ARRAY_BYTES = 256 * 2**20


def _check_member_sizes(model_path: Path, manifest: dict) -> None:
    """Refuse (ValueError) arrays that would take memory no model needs, before numpy allocates
    it: a header claiming more data than its member holds (an edited header of 10**12 elements
    would ask for terabytes), first-pass arrays of another shape than the manifest's labels and
    features give, and more than :data:`MAX_ARRAY_BYTES` in all (a zip bomb)."""
    import numpy as np

    expected = _first_pass_shapes(manifest)
    total = 0
    with zipfile.ZipFile(model_path) as zf:
        for info in zf.infolist():
            name = info.filename.removesuffix(".npy")
            if name not in ARRAYS:
                continue
            with zf.open(info) as member:
                version = np.lib.format.read_magic(member)
                if version not in ((1, 0), (2, 0)):
                    raise ValueError(f"{info.filename}: .npy format {version}, not one textsieve writes")
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                    np.lib.format.read_array_header_2_0
                shape, _, dtype = read_header(member)
                header = member.tell()
            if name in expected and tuple(shape) != expected[name]:
                raise ModelError(f"{model_path}: array {name} has shape {tuple(shape)}, expected {expected[name]} for "
                                 f"the manifest's {len(manifest['labels'])} labels and its features. {_RETRAIN}")
            n = 1
            for d in shape:
                n *= d
            if n * dtype.itemsize != info.file_size - header:
                raise ValueError(f"{info.filename}: its header claims {n * dtype.itemsize} bytes of data, the member "
                                 f"holds {info.file_size - header}")
            total += info.file_size
            if total > MAX_ARRAY_BYTES:
                raise ValueError(f"the arrays declare more than {MAX_ARRAY_BYTES >> 20} MiB of data, far more than a "
                                 "model holds")


def _read_arrays(model_path: Path, manifest: dict) -> dict:
    import numpy as np

    try:
        _check_member_sizes(model_path, manifest)
        with np.load(model_path, allow_pickle=False) as npz:
            # Only the arrays a model has: an extra member is never read (nor its memory taken).
            arrays = {name: npz[name] for name in npz.files if name in ARRAYS}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, zlib.error, RuntimeError, NotImplementedError,
            MemoryError) as exc:  # a damaged stream, an encrypted member, an unknown compression method
        raise ModelError(f"{model_path}: not a readable .npz of plain arrays ({type(exc).__name__}: {exc}). {_RETRAIN}") from None
    missing = sorted(set(ARRAYS) - set(arrays))
    if missing:
        raise ModelError(f"{model_path}: arrays missing: {', '.join(missing)}. {_RETRAIN}")
    for name, (dtype, ndim) in ARRAYS.items():
        a = arrays[name]
        if a.dtype != np.dtype(dtype) or a.ndim != ndim:
            raise ModelError(f"{model_path}: array {name} is {a.dtype} with {a.ndim} dimension(s), expected {dtype} with "
                             f"{ndim}. {_RETRAIN}")
        arrays[name] = np.ascontiguousarray(a)
    return {name: arrays[name] for name in ARRAYS}


def _first_pass_shapes(manifest: dict) -> dict:
    """The first pass's array shapes, from the manifest's labels and features."""
    k = len(manifest["labels"])
    n_dense = len(manifest["dense_features"])
    cfg = manifest["feature_config"]
    n_hash = cfg.get("n_word_hash", 0) + cfg.get("n_char_hash", 0)
    return {"dense_mean": (n_dense,), "dense_scale": (n_dense,), "first_coef": (k, n_dense + n_hash),
            "first_intercept": (k,)}


def _check_shapes(arrays: dict, manifest: dict, where) -> None:
    """The shapes the manifest implies (the core re-checks them with the values)."""
    for name, shape in _first_pass_shapes(manifest).items():
        if arrays[name].shape != shape:
            raise ModelError(f"{where}: array {name} has shape {arrays[name].shape}, expected {shape} for the "
                             f"manifest's {len(manifest['labels'])} labels and its features. {_RETRAIN}")
    n_nodes = len(arrays["node_feature"])
    for name in ("node_threshold", "node_missing_left", "node_left", "node_right", "node_is_leaf", "node_value"):
        if len(arrays[name]) != n_nodes:
            raise ModelError(f"{where}: array {name} has {len(arrays[name])} entries, node_feature {n_nodes}. {_RETRAIN}")
    if len(arrays["tree_offsets"]) != len(arrays["tree_class"]) + 1:
        raise ModelError(f"{where}: tree_offsets must have one entry more than tree_class. {_RETRAIN}")


def _core_model(arrays: dict, manifest: dict, where):
    from . import _core

    cfg = manifest["feature_config"]
    try:
        return _core.Model(arrays, list(manifest["labels"]), dict(cfg), int(manifest["revision_config"]["window"]),
                           bool(manifest["revision_config"].get("dense", True)), str(manifest["first_pass"].get("link")),
                           bool(manifest["revision_config"].get("page", False)),
                           bool(manifest["revision_config"].get("body_run", False)))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ModelError(f"{where}: the model's arrays are not usable: {exc}. {_RETRAIN}") from None


def check_model_dir(directory: str | Path, *, force: bool = False, create: bool = True) -> None:
    """Refuse, before any training, an output folder the model could not be written to or would
    silently replace a model in: a file in its place, ``model.npz`` or ``manifest.json`` there
    already (unless ``force``), or (with ``create``, which makes the folder) a folder that cannot
    be created or written."""
    from .errors import OutputError, UsageError

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: exists and is not a folder; -o names the folder the model is written to.")
    for name in (MODEL_FILE, MANIFEST_FILE):
        path = directory / name
        if path.is_dir():
            raise UsageError(f"{path} is a folder where the model's {name} goes: remove it or choose another -o.")
        if path.exists() and not force:
            raise UsageError(f"{directory} already holds a model ({name}): training would replace it. Add --force to "
                             "replace it, or choose another -o.")
    if not create:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".tmp-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot write the model there ({exc.strerror or exc}).") from None


def write_model(directory: str | Path, arrays: dict, manifest: dict) -> Path:
    """Write ``model.npz`` and ``manifest.json`` into ``directory``; returns the ``model.npz`` path.

    ``manifest`` is completed with ``format_version``, ``features_version`` and ``model_sha256``.
    The ``.npz`` is byte-for-byte reproducible (members in sorted order, fixed timestamps), so the
    same training run gives the same hash. Both files are written to temporary names and moved
    into place; the manifest last, so a reader never sees a manifest whose hash does not match.
    The written model is loaded back (every check) before the call returns.
    """
    import numpy as np

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    missing = sorted(set(ARRAYS) - set(arrays))
    if missing:
        raise ModelError(f"write_model: arrays missing: {', '.join(missing)}")
    target = directory / MODEL_FILE
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-model-", suffix=".npz")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(ARRAYS):
                a = np.ascontiguousarray(np.asarray(arrays[name]).astype(ARRAYS[name][0], copy=False))
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, a, allow_pickle=False)
        with open(tmp, "rb") as written:  # on disk before the rename, as AtomicWriter does
            os.fsync(written.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a shipped or shared model must be readable
        manifest = {**manifest, "format_version": FORMAT_VERSION, "features_version": _features_version(),
                    "model_file": MODEL_FILE, "model_sha256": sha256_file(Path(tmp))}
        _check_manifest(manifest, target)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    from .files import atomic_write_text

    atomic_write_text(directory / MANIFEST_FILE, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    load_model(directory)
    return target
