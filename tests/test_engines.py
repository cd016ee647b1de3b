"""Engines: a real 2-worker Dask LocalCluster, a real datatrove pipeline, a real datasets.Dataset."""
import dataclasses
import gzip
import json
import os
import pickle
import shutil

import pytest

from textsieve import clean_text

GOOD = [
    "Tide pools at low water\n\n"
    "A tide pool is a rocky hollow that holds sea water when the tide goes out. Crabs, anemones and small fish live in them.\n\n"
    "At low tide you can see limpets clamped to the rock and periwinkles grazing on the algae film.\n\n"
    "- 10 Celebrity Beach Houses You Won't Believe\n- Linda Gray A Legendary Actress And Advocate\n"
    "- The 7 Best Budget Phones Of The Year Ranked\n\n"
    "Visit on a falling tide and put every stone back the way you found it.\n",
    "Winter bread\n\nRye bread keeps for a week when it is wrapped in a linen cloth and stored cool.\n",
]

JUNK_ONLY = ("Related Articles\n- 10 Celebrity Beach Houses You Won't Believe\n"
             "- Linda Gray A Legendary Actress And Advocate\n- The 7 Best Budget Phones Ranked\n"
             "- Why Everyone Is Moving To Portugal In 2024\n")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")  # in the test extra: CI always has it
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        yield cluster, client


def test_clean_bag_on_two_workers_reports_bad_records_and_cleans_the_rest(cluster):
    import dask.bag as db

    from textsieve.dask import clean_bag

    _, client = cluster
    records = [{"id": i, "text": GOOD[i % 2], "url": f"https://example.org/{i}"} for i in range(40)]
    records[7] = {"id": 7, "text": None}
    records[23] = {"id": 23, "body": "no text field"}
    out = clean_bag(db.from_sequence(records, npartitions=8)).compute(scheduler=client)
    assert [r["id"] for r in out] == list(range(40))  # nothing lost, order kept
    bad = {r["id"]: r["textsieve_error"] for r in out if r["textsieve_error"]}
    assert bad == {7: "field 'text' is missing (null)", 23: "no field 'text' in the record"}
    good = [r for r in out if not r["textsieve_error"]]
    assert all(r["text"] == clean_text(GOOD[r["id"] % 2]) for r in good)
    assert good[0]["url"] == "https://example.org/0" and good[0]["textsieve_labels"]["body"] >= 2
    assert "Linda Gray" not in good[0]["text"]
    # The model was loaded once per worker process, however many partitions each ran.
    loads = client.run(lambda: __import__("textsieve.engines").engines.loads)
    assert sorted(loads.values()) == [1, 1]


def test_clean_dataframe_column(cluster):
    import dask.dataframe as dd
    import pandas as pd

    from textsieve.dask import clean_dataframe

    _, client = cluster
    pdf = pd.DataFrame({"id": range(6), "text": [GOOD[i % 2] for i in range(6)]})
    out = clean_dataframe(dd.from_pandas(pdf, npartitions=3), "text").compute(scheduler=client)
    assert list(out["text"]) == [clean_text(GOOD[i % 2]) for i in range(6)]
    assert (out["textsieve_link_spam"] == [3, 0, 3, 0, 3, 0]).all()
    assert out["textsieve_error"].isna().all()


def _folder(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        (src / f"doc{i:02d}.txt").write_text(GOOD[i % 2], encoding="utf-8")
    (src / "broken.txt.gz").write_bytes(gzip.compress(b"truncated")[:-8])
    return src


def test_folder_on_a_dask_cluster(cluster, tmp_path):
    from textsieve.batch import filter_folder

    local_cluster, _ = cluster
    src = _folder(tmp_path)
    report = filter_folder([src], tmp_path / "out", scheduler=local_cluster.scheduler_address)
    assert report.count("done") == 40 and report.count("failed") == 1
    assert "truncated gzip" in next(f.reason for f in report.files if f.status == "failed")
    assert (tmp_path / "out" / "doc00.txt").read_text() == clean_text(GOOD[0])


def test_a_failing_worker_task_is_reported_per_file(cluster, tmp_path):
    from textsieve.batch import filter_folder

    local_cluster, _ = cluster
    src = _folder(tmp_path)
    report = filter_folder([src], tmp_path / "out", scheduler=local_cluster.scheduler_address, model=tmp_path / "missing")
    assert report.count("failed") == 41 and report.count("done") == 0
    assert all("worker failed: ModelError" in f.reason for f in report.files)


def test_cli_scheduler_option(cluster, tmp_path):
    from typer.testing import CliRunner

    from textsieve.cli import app

    local_cluster, _ = cluster
    src = _folder(tmp_path)
    result = CliRunner().invoke(app, ["clean", str(src), "-o", str(tmp_path / "out"), "-q",
                                      "--scheduler", local_cluster.scheduler_address])
    assert result.exit_code == 1  # the broken file
    assert (tmp_path / "out" / "doc39.txt").exists()


def test_datatrove_pipeline_cleans_in_place_and_drops_pages_without_body(tmp_path):
    pytest.importorskip("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from textsieve.datatrove import TextsieveFilter

    src = tmp_path / "in"
    src.mkdir()
    rows = [{"id": str(i), "text": GOOD[i % 2]} for i in range(6)]
    rows.append({"id": "junk-only", "text": JUNK_ONLY})
    (src / "part.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    LocalPipelineExecutor(pipeline=[
        JsonlReader(str(src)),
        TextsieveFilter(min_body_chars=60, exclusion_writer=JsonlWriter(str(tmp_path / "dropped"), compression=None)),
        JsonlWriter(str(tmp_path / "out"), compression=None),
    ], tasks=1, logging_dir=str(tmp_path / "logs")).run()
    out = [json.loads(line) for p in sorted((tmp_path / "out").glob("*.jsonl")) for line in p.read_text().splitlines()]
    assert [r["id"] for r in out] == [str(i) for i in range(6)]
    assert all(r["text"] == clean_text(GOOD[int(r["id"]) % 2]) for r in out)
    assert out[0]["metadata"]["textsieve_labels"]["link_spam"] == 3
    dropped = [json.loads(line) for p in (tmp_path / "dropped").glob("*.jsonl") for line in p.read_text().splitlines()]
    assert [r["id"] for r in dropped] == ["junk-only"]
    assert dropped[0]["metadata"]["filter_reason"] == "textsieve_too_little_body"


@pytest.mark.parametrize("num_proc", [None, 2])
def test_datasets_map_batched(num_proc):
    datasets = pytest.importorskip("datasets")

    from textsieve.hf import CleanBatch

    ds = datasets.Dataset.from_dict({"text": [GOOD[i % 2] for i in range(8)] + [None], "id": list(range(9))})
    out = ds.map(CleanBatch(), batched=True, batch_size=3, num_proc=num_proc)
    assert out["clean_text"][:8] == [clean_text(GOOD[i % 2]) for i in range(8)]
    assert out["textsieve_link_spam"][:2] == [3, 0]
    assert out["textsieve_error"][:8] == [""] * 8 and "NoneType" in out["textsieve_error"][8]
    assert out["id"] == list(range(9))


def _model_with_threshold(tmp_path, name, threshold):
    """A copy of the shipped model whose manifest sets another body threshold."""
    from textsieve.model import default_model_path

    folder = tmp_path / name
    shutil.copytree(default_model_path().parent, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["body_threshold"] = threshold
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_each_model_gets_its_own_sieve_in_a_process_however_it_is_named(tmp_path):
    # The cache was keyed on id(model): a freed Path's id is reused, so the next model got the
    # first one's Sieve; and every unpickled copy of a Model was loaded again.
    from pathlib import Path

    from textsieve import engines
    from textsieve.model import load_model

    strict, loose = _model_with_threshold(tmp_path, "strict", 0.95), _model_with_threshold(tmp_path, "loose", 0.4)
    assert engines.process_sieve(Path(strict)).model.body_threshold == 0.95
    assert engines.process_sieve(Path(loose)).model.body_threshold == 0.4  # a new Path, perhaps at the same id
    assert engines.process_sieve(str(strict)) is engines.process_sieve(Path(strict))
    model = dataclasses.replace(load_model(loose), path=None)  # a Model without a folder travels pickled
    before = engines.loads
    copies = [pickle.loads(pickle.dumps(model)) for _ in range(3)]
    assert len({id(engines.process_sieve(m)) for m in copies}) == 1 and engines.loads == before + 1


def test_datasets_map_without_batched_is_an_error_not_a_letter_per_row(tmp_path):
    datasets = pytest.importorskip("datasets")

    from textsieve.errors import InputError
    from textsieve.hf import CleanBatch

    ds = datasets.Dataset.from_dict({"text": GOOD})
    with pytest.raises(InputError, match="batched=True"):
        ds.map(CleanBatch())
    with pytest.raises(InputError, match="without input_columns"):
        ds.map(CleanBatch(), batched=True, input_columns=["text"])


def test_datasets_cache_key_changes_with_the_model(tmp_path):
    # datasets caches a map by a hash of the callable; it held only the model's path, so after
    # the model in that folder changed, the same map returned the old model's results.
    datasets = pytest.importorskip("datasets")
    from datasets.fingerprint import Hasher

    from textsieve.hf import CleanBatch

    folder = _model_with_threshold(tmp_path, "m", 0.4)
    before = Hasher.hash(CleanBatch(model=folder))
    assert Hasher.hash(CleanBatch(model=folder)) == before  # deterministic: the cache still works
    _model_with_threshold(tmp_path / "again", "m", 0.95)
    shutil.rmtree(folder)
    shutil.copytree(tmp_path / "again" / "m", folder)
    assert Hasher.hash(CleanBatch(model=folder)) != before
    assert datasets.Dataset.from_dict({"text": GOOD}).map(CleanBatch(model=folder), batched=True)["clean_text"] == [
        clean_text(t, body_threshold=0.95) for t in GOOD]


def test_clean_dataframe_keeps_cells_it_cannot_clean(cluster):
    import dask.dataframe as dd
    import pandas as pd

    from textsieve.dask import clean_dataframe

    import dask

    _, client = cluster
    pdf = pd.DataFrame({"text": pd.Series([GOOD[0], b"<p>raw bytes</p>", {"nested": "x"}, None], dtype="object")})
    with dask.config.set({"dataframe.convert-string": False}):  # else Dask itself turns every cell into a str
        out = clean_dataframe(dd.from_pandas(pdf, npartitions=1), "text").compute(scheduler=client)
    assert list(out["text"])[:3] == [clean_text(GOOD[0]), b"<p>raw bytes</p>", {"nested": "x"}]
    assert list(out["textsieve_error"])[1:3] == ["field 'text' is bytes, not str", "field 'text' is dict, not str"]
    assert out["textsieve_error"].iloc[3] == "field 'text' is missing (null)"


def test_datatrove_metadata_has_one_schema_and_empty_or_textless_documents_are_dropped():
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from textsieve.datatrove import TextsieveFilter

    docs = [Document(text=GOOD[0], id="a"), Document(text="", id="empty"),
            Document(text=JUNK_ONLY, id="junk"),
            Document(text=None, id="none")]
    verdicts = TextsieveFilter().filter_batch(docs)  # default min_body_chars=0
    assert verdicts == [True, (False, "textsieve_too_little_body"), (False, "textsieve_too_little_body"),
                        (False, "textsieve_error")]
    keys = {tuple(d.metadata) for d in docs}
    assert len(keys) == 1  # a Parquet writer needs one schema
    assert all(list(d.metadata["textsieve_labels"]) == ["author_meta", "body", "boilerplate", "caption", "link_spam"]
               for d in docs)
    assert docs[0].metadata["textsieve_error"] is None and "NoneType" in docs[3].metadata["textsieve_error"]


@pytest.fixture
def inprocess_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        yield cluster, client


def test_a_dask_batch_that_fails_after_committing_a_file_reports_that_file_done(inprocess_cluster, tmp_path,
                                                                                 monkeypatch):
    from textsieve.batch import filter_folder, process

    local_cluster, _ = inprocess_cluster
    real = process.process_files

    def commit_one_then_die(pairs, sieve, **options):
        real(pairs[:1], sieve, **options)
        raise MemoryError("worker ran out of memory")

    monkeypatch.setattr(process, "process_files", commit_one_then_die)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"f{i}.txt").write_text(GOOD[0], encoding="utf-8")
    report = filter_folder([src], tmp_path / "out", scheduler=local_cluster.scheduler_address)
    status = {os.path.basename(f.input): f.status for f in report.files}
    assert status == {"f0.txt": "done", "f1.txt": "failed", "f2.txt": "failed"}
    assert (tmp_path / "out" / "f0.txt").read_text() == clean_text(GOOD[0])


def test_a_dask_worker_with_another_model_refuses_to_clean(inprocess_cluster, tmp_path):
    from textsieve.batch.backends import run_dask

    local_cluster, _ = inprocess_cluster
    src = tmp_path / "a.txt"
    src.write_text(GOOD[0], encoding="utf-8")
    options = {"config": None, "rejected": False, "output_format": "text", "text_field": "text", "languages": None,
               "html": None, "max_doc_mb": 64, "run_id": "tsrtest"}
    results = [r for batch in run_dask(local_cluster.scheduler_address, [[(src, tmp_path / "out" / "a.txt")]], None,
                                       None, options, model_sha256="0" * 64) for r in batch]
    assert [r.status for r in results] == ["failed"] and "is not the run's" in results[0].reason
    assert not (tmp_path / "out" / "a.txt").exists()


def test_a_model_replaced_in_its_folder_is_loaded_again(tmp_path):
    # The cache was keyed by the path alone: datasets' new fingerprint saw the new model while
    # this process kept cleaning with the old one.
    from textsieve import engines

    folder = _model_with_threshold(tmp_path, "m", 0.4)
    assert engines.process_sieve(folder).model.body_threshold == 0.4
    replacement = _model_with_threshold(tmp_path / "new", "m", 0.95)
    os.replace(replacement / "manifest.json", folder / "manifest.json")
    assert engines.process_sieve(folder).model.body_threshold == 0.95
    assert engines.process_sieve(folder / "manifest.json") is engines.process_sieve(folder)


def test_an_output_from_before_a_forced_run_is_never_reported_done_by_a_dead_batch(inprocess_cluster, tmp_path,
                                                                                  monkeypatch):
    # On a file system with coarse times an old output can carry the run's start time; it must
    # still count as failed when the batch that was to redo it dies.
    from textsieve.batch import filter_folder, process

    local_cluster, _ = inprocess_cluster
    src = tmp_path / "in"
    src.mkdir()
    (src / "f0.txt").write_text(GOOD[0], encoding="utf-8")
    filter_folder([src], tmp_path / "out")
    future = os.stat(tmp_path / "out" / "f0.txt").st_mtime + 3600
    os.utime(tmp_path / "out" / "f0.txt", (future, future))

    def die(pairs, sieve, **options):
        raise MemoryError("worker ran out of memory")

    monkeypatch.setattr(process, "process_files", die)
    report = filter_folder([src], tmp_path / "out", scheduler=local_cluster.scheduler_address, force=True)
    assert [f.status for f in report.files] == ["failed"]
