"""Model files are code: the loader checks the manifest hash before unpickling."""
import json
import shutil

import pytest

from textsieve import ModelError, Sieve, load_model
from textsieve.model import MANIFEST_FILE, MODEL_FILE, default_model_path, sha256_file


def test_shipped_model_loads_and_matches_its_manifest():
    model = load_model()
    path = default_model_path()
    assert model.manifest["model_sha256"] == sha256_file(path)
    assert model.labels == ["author_meta", "body", "caption", "link_spam"]
    assert set(model.manifest["labels"]) == set(model.labels)
    for key in ("versions", "training_data_sha256", "seed", "cross_validation"):
        assert key in model.manifest
    assert path.stat().st_size <= 25 * 1024 * 1024


@pytest.fixture
def model_copy(tmp_path):
    src = default_model_path()
    shutil.copy(src, tmp_path / MODEL_FILE)
    shutil.copy(src.with_name(MANIFEST_FILE), tmp_path / MANIFEST_FILE)
    return tmp_path


def test_a_user_model_directory_loads(model_copy):
    sieve = Sieve(model=model_copy)
    text = "A plain sentence of body text, nothing else here."
    assert sieve.clean(text) == text  # loaded and labeling: the sentence is kept as body
    assert sieve.labels == Sieve().labels
    assert sieve.model.path == model_copy / MODEL_FILE


def test_tampered_model_is_refused_before_unpickling(model_copy):
    with open(model_copy / MODEL_FILE, "ab") as fh:
        fh.write(b"\x00malicious")
    with pytest.raises(ModelError, match="does not match its manifest"):
        load_model(model_copy)


def test_model_without_manifest_is_refused(model_copy):
    (model_copy / MANIFEST_FILE).unlink()
    with pytest.raises(ModelError, match="loading a model runs code"):
        load_model(model_copy / MODEL_FILE)


def test_other_scikit_learn_minor_version_says_retrain(model_copy):
    manifest = json.loads((model_copy / MANIFEST_FILE).read_text())
    manifest["versions"]["scikit-learn"] = "0.99.0"
    (model_copy / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="retrain"):
        load_model(model_copy)


def test_missing_model_file_names_the_path(tmp_path):
    with pytest.raises(ModelError, match="model file not found"):
        load_model(tmp_path / "nope.joblib")
