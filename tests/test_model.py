"""The model file is data: format v2 (model.npz + manifest.json) is checked before it is used,
and every kind of damage is a ModelError that names the file and says what to do."""
import json
import pickle
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import write_tiny_model

from textsieve import ModelError, Sieve, load_model
from textsieve.model import ARRAYS, MANIFEST_FILE, MODEL_FILE, default_model_path, sha256_file


def test_shipped_model_loads_and_matches_its_manifest():
    model = load_model()
    path = default_model_path()
    assert model.manifest["model_sha256"] == sha256_file(path)
    assert {"author_meta", "body", "caption", "link_spam"} <= set(model.labels)
    assert model.labels == model.manifest["labels"]
    for key in ("versions", "training_data_sha256", "seed"):
        assert key in model.manifest
    assert path.stat().st_size <= 25 * 1024 * 1024


@pytest.fixture
def model_copy(tmp_path, tiny_model_dir):
    for name in (MODEL_FILE, MANIFEST_FILE):
        shutil.copy(tiny_model_dir / name, tmp_path / name)
    return tmp_path


def _edit_manifest(directory, **changes):
    path = directory / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def _rewrite_arrays(directory, **changes):
    """Replace arrays in model.npz and re-sign the manifest (damage that the hash cannot see)."""
    with np.load(directory / MODEL_FILE, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays.update(changes)
    np.savez_compressed(directory / MODEL_FILE, **arrays)
    _edit_manifest(directory, model_sha256=sha256_file(directory / MODEL_FILE))


def test_a_user_model_directory_loads_and_cleans(model_copy):
    sieve = Sieve(model=model_copy)
    text = "A plain sentence of body text, nothing else here."
    assert sieve.clean(text) == text  # the tiny model's body bias keeps a plain sentence
    assert sieve.labels == ["author_meta", "body", "caption", "link_spam"]
    assert sieve.model.path == model_copy
    assert load_model(model_copy / MODEL_FILE).labels == sieve.labels  # the file works as well as the folder


def test_writing_is_reproducible(tmp_path, tiny_model_dir):
    again = write_tiny_model(tmp_path / "again")
    assert sha256_file(again / MODEL_FILE) == sha256_file(tiny_model_dir / MODEL_FILE)
    manifest = json.loads((again / MANIFEST_FILE).read_text())
    assert manifest["format_version"] == 2 and manifest["model_sha256"] == sha256_file(again / MODEL_FILE)


def test_tampered_model_is_refused(model_copy):
    with open(model_copy / MODEL_FILE, "ab") as fh:
        fh.write(b"\x00tampered")
    with pytest.raises(ModelError, match="does not match its manifest"):
        load_model(model_copy)


def test_model_without_manifest_is_refused(model_copy):
    (model_copy / MANIFEST_FILE).unlink()
    with pytest.raises(ModelError, match="manifest"):
        load_model(model_copy / MODEL_FILE)


@pytest.mark.parametrize("changes, message", [
    ({"format_version": 1}, "model format 1"),
    ({"features_version": 999}, "features version 999"),
    ({"features_version": "3"}, "features_version must be an integer, got '3'"),
    ({"dense_features": ["renamed"]}, "dense feature names"),
    ({"revision_config": {"window": 9, "dense": True}}, "revision feature names"),
    ({"revision_config": {"window": "3"}}, "window must be an integer"),
    ({"first_pass": {"link": "probit"}}, "probit"),
    ({"feature_config": {"n_word_hash": 512, "n_char_hash": 128, "html": True}}, "first_coef has shape"),
    ({"body_threshold": 1.5}, "body_threshold must be a probability"),
    ({"body_threshold": "0.35"}, "body_threshold must be a probability"),
    ({"dense_features": None}, "dense_features must be a list of names"),  # was a TypeError
])
def test_manifest_that_does_not_describe_the_arrays_is_refused(model_copy, changes, message):
    _edit_manifest(model_copy, **changes)
    with pytest.raises(ModelError, match=message) as err:
        load_model(model_copy)
    assert str(model_copy) in str(err.value) and "textsieve train" in str(err.value)


def test_manifest_that_is_not_an_object_is_refused(model_copy):
    (model_copy / MANIFEST_FILE).write_text("[1, 2]")
    with pytest.raises(ModelError, match="not an object"):
        load_model(model_copy)


@pytest.mark.parametrize("changes, message", [
    ({"first_coef": np.zeros((4, 3), dtype=np.float32)}, "first_coef has shape \\(4, 3\\)"),  # before allocating
    ({"first_coef": "float64"}, "first_coef is float64"),
    ({"node_left": np.zeros(3, dtype=np.int32)}, "node_left has 3 entries"),
    ({"first_intercept": np.array([np.nan, 0, 0, 0], dtype=np.float32)}, "NaN"),
    ({"node_feature": np.full(12, 10_000, dtype=np.int32)}, "out of range"),
    ({"node_right": np.zeros(12, dtype=np.int32)}, "children"),
])
def test_arrays_with_wrong_dtype_shape_or_values_are_refused(model_copy, changes, message):
    if isinstance(changes.get("first_coef"), str):  # the same shape in another dtype
        with np.load(model_copy / MODEL_FILE, allow_pickle=False) as npz:
            changes = {"first_coef": npz["first_coef"].astype(changes["first_coef"])}
    _rewrite_arrays(model_copy, **changes)
    with pytest.raises(ModelError, match=message):
        load_model(model_copy)


def test_missing_array_and_pickled_array_are_refused(model_copy, tmp_path):
    with np.load(model_copy / MODEL_FILE, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    del arrays["node_value"]
    np.savez_compressed(model_copy / MODEL_FILE, **arrays)
    _edit_manifest(model_copy, model_sha256=sha256_file(model_copy / MODEL_FILE))
    with pytest.raises(ModelError, match="arrays missing: node_value"):
        load_model(model_copy)
    arrays["node_value"] = np.array([{"a": 1}], dtype=object)  # would need pickle to read
    np.savez_compressed(model_copy / MODEL_FILE, **arrays)
    _edit_manifest(model_copy, model_sha256=sha256_file(model_copy / MODEL_FILE))
    with pytest.raises(ModelError, match="not a readable .npz of plain arrays"):
        load_model(model_copy)


def test_an_array_header_claiming_more_than_its_data_is_refused_before_allocating(model_copy):
    import zipfile

    # An edited .npy header of 10**12 elements: numpy would try to allocate 8 TB before noticing.
    with zipfile.ZipFile(model_copy / MODEL_FILE) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    raw = members["second_baseline.npy"]
    header_end = raw.index(b"\n") + 1
    header = raw[10:header_end].decode("latin1")
    shape = header[header.index("'shape': ") + 9:header.index(")", header.index("'shape': ")) + 1]
    members["second_baseline.npy"] = raw[:10] + header.replace(shape, "(1000000000000,)").encode("latin1") + raw[header_end:]
    with zipfile.ZipFile(model_copy / MODEL_FILE, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    _edit_manifest(model_copy, model_sha256=sha256_file(model_copy / MODEL_FILE))
    with pytest.raises(ModelError, match="its header claims 8000000000000 bytes"):
        load_model(model_copy)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(model_copy, monkeypatch):
    # Members whose sizes agree with their headers, but far more data than a model holds: a
    # 10 MB file of zeros claimed 3.9 GB, and was refused only after allocating it.
    from textsieve import model as model_module

    monkeypatch.setattr(model_module, "MAX_ARRAY_BYTES", 2**20)  # the same check at a scale a test can afford
    _rewrite_arrays(model_copy, node_value=np.zeros(2**18, dtype=np.float64))
    allocated = []
    monkeypatch.setattr(np, "load", lambda *a, **k: allocated.append(a))
    with pytest.raises(ModelError, match="declare more than 1 MiB"):
        load_model(model_copy)
    assert allocated == []


def test_a_damaged_or_encrypted_member_is_a_model_error(model_copy):
    import zipfile

    path = model_copy / MODEL_FILE
    whole = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("first_coef.npy")
    data = bytearray(whole)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 40:start + 80] = bytes(40)  # the deflate stream of first_coef, damaged
    path.write_bytes(bytes(data))
    _edit_manifest(model_copy, model_sha256=sha256_file(path))
    with pytest.raises(ModelError, match="not a readable .npz"):
        load_model(model_copy)
    data = bytearray(whole)
    central = data.index(b"PK\x01\x02", data.index(b"first_coef.npy", info.header_offset + 30) + 14)
    while data[central + 46:central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[info.header_offset + 6] |= 1  # "encrypted" in the member's flags, local and central
    data[central + 8] |= 1
    path.write_bytes(bytes(data))
    _edit_manifest(model_copy, model_sha256=sha256_file(path))
    with pytest.raises(ModelError, match="encrypted"):
        load_model(model_copy)


def test_tree_arrays_that_would_abort_or_overflow_are_model_errors(model_copy):
    # A middle tree offset of 2**62 made the core allocate for it and abort the process; leaves
    # of 1e308 summed to infinity and every probability came out NaN.
    with np.load(model_copy / MODEL_FILE, allow_pickle=False) as npz:
        offsets, leaf, values = npz["tree_offsets"], npz["node_is_leaf"], npz["node_value"]
    bad = offsets.copy()
    bad[len(bad) // 2] = 2**62
    _rewrite_arrays(model_copy, tree_offsets=bad)
    with pytest.raises(ModelError, match="tree_offsets"):
        load_model(model_copy)
    _rewrite_arrays(model_copy, tree_offsets=offsets, node_value=np.where(leaf != 0, 1e308, values))
    with pytest.raises(ModelError, match="too large to sum"):
        load_model(model_copy)


def test_a_manifest_nested_thousands_deep_is_a_model_error(model_copy):
    (model_copy / MANIFEST_FILE).write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ModelError, match="unreadable manifest"):
        load_model(model_copy)


@pytest.mark.parametrize("section, key, value, message", [
    ("feature_config", "n_word_hash", 262144.0, "feature_config.n_word_hash must be an integer"),
    ("feature_config", "html", "false", "feature_config.html must be true or false"),
    ("revision_config", "dense", "no", "revision_config.dense must be true or false"),
    ("first_pass", "link", None, "first_pass.link must be"),
])
def test_a_manifest_setting_of_the_wrong_type_is_named_by_its_key(model_copy, section, key, value, message):
    manifest = json.loads((model_copy / MANIFEST_FILE).read_text())
    manifest[section][key] = value
    (model_copy / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=message) as err:
        load_model(model_copy)
    assert str(model_copy / MANIFEST_FILE) in str(err.value)


def test_missing_model_file_names_the_path(tmp_path):
    with pytest.raises(ModelError, match="model file not found"):
        load_model(tmp_path)


def test_model_pickles_for_workers(tiny_model_dir):
    model = load_model(tiny_model_dir)
    again = pickle.loads(pickle.dumps(model))
    text = "Some body text.\nAnother line here."
    assert again.labels == model.labels
    assert Sieve(again).label_lines(text) == Sieve(model).label_lines(text)


def test_inference_needs_neither_scikit_learn_nor_joblib(tiny_model_dir):
    code = (
        "import sys; sys.modules['sklearn'] = None; sys.modules['joblib'] = None; sys.modules['scipy'] = None\n"
        "from textsieve import Sieve\n"
        f"s = Sieve({str(tiny_model_dir)!r})\n"
        "print(s.clean('A plain sentence of body text.'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "A plain sentence of body text."


def test_every_array_of_the_format_is_written(tiny_model_dir):
    with np.load(tiny_model_dir / MODEL_FILE, allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted(ARRAYS)
        for name, (dtype, ndim) in ARRAYS.items():
            assert npz[name].dtype == np.dtype(dtype) and npz[name].ndim == ndim


def test_the_models_own_body_threshold_decides_unless_the_user_sets_one(tmp_path):
    """The shipped model carries its decision threshold; a model asking for P(body) >= 1.0 keeps
    nothing (guard off), and a threshold the user sets wins over the model's."""
    shipped = default_model_path().parent
    for name in (MODEL_FILE, MANIFEST_FILE):
        shutil.copy(shipped / name, tmp_path / name)
    assert load_model().body_threshold == json.loads((shipped / MANIFEST_FILE).read_text())["body_threshold"]
    text = ("The ferry now crosses the estuary on battery power, and the crews say it is quieter than any boat "
            "they have worked on.\n- Linda Gray A Legendary Actress And Advocate\n")
    assert "estuary" in Sieve(guard=False).clean(text)
    _edit_manifest(tmp_path, body_threshold=1.0)
    strict = Sieve(tmp_path, guard=False)
    assert strict.model.body_threshold == 1.0
    assert strict.clean(text).strip() == ""
    assert "estuary" in strict.clean(text, body_threshold=0.5)
    assert "estuary" in strict.clean(text, body_threshold="argmax"), "the most probable label, whatever the model says"


def test_an_empty_model_path_is_an_error_and_a_manifest_path_means_its_folder(model_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(model_copy)  # Path("") is the current folder, which holds a model here
    with pytest.raises(ModelError, match="model path is empty"):
        load_model("")
    assert load_model(model_copy / MANIFEST_FILE).labels == load_model(model_copy).labels
