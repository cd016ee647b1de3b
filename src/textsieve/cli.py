"""The ``textsieve`` command: a thin Typer shell over importable functions.

Each command parses arguments, calls a function that returns data, prints, and maps
:class:`~textsieve.errors.TextsieveError` to exit code 1 with its message (never a stack trace).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .errors import TextsieveError
from .files import read_text_file

app = typer.Typer(
    name="textsieve",
    help="Remove SEO link lists, fake author boxes and image captions from scraped web text.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ModelOpt = Annotated[
    Optional[Path],
    typer.Option("--model", "-m", help="Model file or directory written by `textsieve train` (checked against its manifest hash before loading)."),
]


def _version(value: bool):
    if value:
        typer.echo(f"textsieve {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
):
    """Exit codes: 0 success, 1 failure (message on stderr), 2 usage error."""


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"textsieve: {exc}", err=True)
    return typer.Exit(code=1)


@app.command()
def clean(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders (walked recursively), or - for standard input.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Output folder (mirrors the input tree). Without it, cleaned text goes to standard output.")] = None,
    model: ModelOpt = None,
    keep: Annotated[str, typer.Option(help="Comma-separated labels to keep.")] = "body",
    body_threshold: Annotated[Optional[float], typer.Option(help="Keep a line as body when P(body) >= this.")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Comma-separated language codes (e.g. en,de): other documents are skipped and reported with their language.")] = None,
    html: Annotated[Optional[bool], typer.Option("--html/--text", help="Treat standard input / files as HTML or as text (default: by extension).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite outputs that exist (default: skip them, so a killed run resumes).")] = False,
    rejected: Annotated[bool, typer.Option("--rejected", help="Also write the dropped lines with label and score beside each output (.rejected.tsv).")] = False,
    output_format: Annotated[str, typer.Option("--format", help="same: outputs in the input format; jsonl: one JSON record per document with per-line labels and scores.")] = "same",
    text_field: Annotated[str, typer.Option(help="JSONL field holding the text; other fields pass through unchanged.")] = "text",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel worker processes (default: all cores).")] = 0,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run on an existing Dask cluster (tcp://HOST:PORT); workers need the input and output folders at the same paths. Needs textsieve[dask].")] = None,
    report: Annotated[Optional[Path], typer.Option(help="Where to write the JSON run report (default: OUT/textsieve-report.json).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary (for scripts).")] = False,
):
    """Clean text, HTML and JSONL files (optionally .gz).

    Inputs are never modified. Outputs are written atomically. A re-run skips outputs that exist,
    so a killed run resumes. A broken file is reported and skipped, and the batch goes on.
    Exit codes: 0 means every file is done, 1 means some files failed, 2 means a usage error.
    """
    import os

    from .clean import Sieve, SieveConfig

    if output_format not in ("same", "jsonl"):
        typer.echo("textsieve: --format must be 'same' or 'jsonl'", err=True)
        raise typer.Exit(code=2)
    try:
        config = SieveConfig(keep=tuple(k.strip() for k in keep.split(",") if k.strip()), body_threshold=body_threshold,
                             languages=lang)
        if output is None:
            sieve = Sieve(model, config)
            for path in inputs:
                if path.is_dir():
                    raise _usage(f"{path} is a folder: give -o OUT to clean folders.")
                records = sieve.label_many([read_text_file(path)], html=_is_html(path, html))[0]
                if records.skipped:
                    typer.echo(f"textsieve: skipped {path}: {records.skipped}", err=True)
                sys.stdout.write(records.text(config.keep))
            return
        if any(str(p) == "-" for p in inputs):
            raise _usage("- (standard input) writes to standard output: leave out -o.")
        from .batch import filter_folder, write_report

        progress, finish = _progress(quiet)
        result = filter_folder(inputs, output, model=model, config=config, force=force, rejected=rejected,
                               output_format=output_format, text_field=text_field, jobs=jobs or os.cpu_count() or 1,
                               scheduler=scheduler, progress=progress)
        finish()
        report_path = report or output / "textsieve-report.json"
        try:
            write_report(result, report_path)
        except OSError as exc:
            typer.echo(f"textsieve: cannot write the report {report_path} ({exc.strerror or exc})", err=True)
            report_path = None
    except TextsieveError as exc:
        raise _fail(exc) from None
    if not quiet:
        _summary(result, report_path)
    for f in result.files:
        if f.status == "failed":
            typer.echo(f"failed: {f.input}: {f.reason}", err=True)
    raise typer.Exit(code=result.exit_code if report_path is not None else 1)


def _is_html(path: Path, flag: bool | None) -> bool:
    if flag is not None:
        return flag
    name = path.name.lower().removesuffix(".gz")
    return name.endswith((".html", ".htm"))


def _usage(message: str) -> typer.Exit:
    typer.echo(f"textsieve: {message}", err=True)
    return typer.Exit(code=2)


def _progress(quiet: bool):
    """A rich progress bar with files/s and MB/s (on stderr), or nothing when quiet."""
    if quiet:
        return None, lambda: None
    import time

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    bar = Progress(TextColumn("[bold]cleaning"), BarColumn(), TextColumn("{task.completed} files"),
                   TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), console=console, transient=True)
    task = bar.add_task("clean", total=None, rate="")
    state = {"bytes": 0, "files": 0, "t0": time.perf_counter()}
    bar.start()

    def update(res):
        state["files"] += 1
        state["bytes"] += res.bytes_in
        dt = max(time.perf_counter() - state["t0"], 1e-9)
        bar.update(task, advance=1, rate=f"{state['files'] / dt:.1f} files/s  {state['bytes'] / dt / 1e6:.2f} MB/s")

    return update, bar.stop


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _summary(result, report_path) -> None:
    from rich.console import Console
    from rich.table import Table

    d = result.to_dict()
    table = Table(title="textsieve clean", show_header=False)
    table.add_row("files done / skipped / failed", f"{d['done']} / {d['skipped']} / {d['failed']}")
    for lab, n in d["lines_per_label"].items():
        table.add_row(f"lines {lab}", str(n))
    table.add_row("bytes in / out", f"{_size(d['bytes_in'])} / {_size(d['bytes_out'])}")
    table.add_row("languages", ", ".join(f"{k} {v}" for k, v in list(d["languages"].items())[:8]) or "-")
    if d["skipped_by_language"]:
        table.add_row("skipped by --lang", ", ".join(f"{k} {v}" for k, v in d["skipped_by_language"].items()))
    table.add_row("wall time", f"{d['wall_seconds']:.1f} s")
    table.add_row("report", str(report_path) if report_path else "not written (see error above)")
    Console(stderr=True).print(table)


@app.command()
def label(
    input: Annotated[Path, typer.Argument(help="A text or HTML file, or - for standard input.")],
    model: ModelOpt = None,
    html: Annotated[Optional[bool], typer.Option("--html/--text", help="Treat the input as HTML or as text (default: by extension).")] = None,
):
    """Show every line with its label and score (TSV: line, label, score, text).

    For HTML the lines are the page's blocks, as `clean` sees them.
    """
    from .clean import Sieve

    try:
        records = Sieve(model).label_many([read_text_file(input)], html=_is_html(input, html))[0]
    except TextsieveError as exc:
        raise _fail(exc) from None
    color = sys.stdout.isatty()
    colors = {"body": None, "link_spam": typer.colors.RED, "author_meta": typer.colors.MAGENTA, "caption": typer.colors.YELLOW}
    for r in records:
        row = f"{r.line + 1}\t{r.label}\t{r.score:.3f}\t{r.text}"
        typer.secho(row, fg=colors.get(r.label, typer.colors.CYAN) if color else None)


@app.command()
def info(model: ModelOpt = None):
    """Print the model manifest (versions, labels, training-data hash, held-out scores)."""
    from .model import load_model

    try:
        m = load_model(model)
    except TextsieveError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps({"path": str(m.path), **m.manifest}, indent=2, sort_keys=True))


@app.command()
def train(
    data_dir: Annotated[Path, typer.Argument(help="Folder of labeled .tsv documents.")] = Path("training_data"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the model and manifest.json.")] = Path("models"),
    seed: Annotated[int, typer.Option(help="Random seed (same data + seed = same model).")] = 0,
    folds: Annotated[int, typer.Option(help="Grouped cross-validation folds (0 skips CV).")] = 5,
    new_label: Annotated[Optional[list[str]], typer.Option("--new-label", help="A label the data may use besides body, link_spam, author_meta, caption, boilerplate (repeat for several). Without it an unknown label is an error, so a typo never becomes a class.")] = None,
):
    """Validate labeled data, cross-validate grouped by document, fit, write model + manifest."""
    from .training.train import train as run_train

    try:
        run_train(data_dir, output, seed=seed, folds=folds, new_labels=tuple(new_label or ()),
                  log=lambda m: typer.echo(m, err=True))
    except TextsieveError as exc:
        raise _fail(exc) from None


@app.command()
def evaluate(
    labeled_dir: Annotated[Path, typer.Argument(help="Folder of labeled .tsv documents the model did not train on.")],
    model: ModelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
):
    """Per-label precision/recall/F1, macro-F1 and body-keep scores on labeled documents."""
    from .clean import Sieve
    from .training.corpus import read_corpus
    from .evaluate import evaluate_documents, format_metrics

    try:
        sieve = Sieve(model)
        docs = read_corpus(labeled_dir)
        preds = sieve.label_many([d.text for d in docs])
        metrics = evaluate_documents(docs, preds, sieve.labels)
    except TextsieveError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps(metrics, indent=2) if as_json else format_metrics(metrics))


@app.command()
def suggest(
    inputs: Annotated[list[Path], typer.Argument(help="Scraped .txt files or folders to look through.")],
    n: Annotated[int, typer.Option("-n", help="How many lines to suggest.")] = 200,
    output: Annotated[Path, typer.Option("--output", "-o", help="Labeled file to write (with a .sources.tsv beside it).")] = Path("suggestions.tsv"),
    model: ModelOpt = None,
):
    """Write the lines the model is least sure about, labels prefilled, for a maintainer to correct."""
    from .clean import Sieve
    from .training.suggest import suggest as run_suggest
    from .training.suggest import write_suggestions

    try:
        picks = run_suggest(inputs, n=n, sieve=Sieve(model))
        path = write_suggestions(picks, output)
    except TextsieveError as exc:
        raise _fail(exc) from None
    docs = len({s.path for s in picks})
    typer.echo(f"wrote {len(picks)} suggestions from {docs} documents to {path} (sources: {path}.sources.tsv)", err=True)


def main() -> None:
    app()
