"""Engines: a real 2-worker Dask LocalCluster, a real datatrove pipeline, a real datasets.Dataset."""
import gzip
import json

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
    assert set(bad) == {7, 23} and "NoneType" in bad[7]
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
    rows.append({"id": "junk-only", "text": "Related Articles\n- 10 Celebrity Beach Houses You Won't Believe\n"
                 "- Linda Gray A Legendary Actress And Advocate\n- The 7 Best Budget Phones Ranked\n"
                 "- Why Everyone Is Moving To Portugal In 2024\n"})
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
