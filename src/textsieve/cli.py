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


def _read_input(path: Path) -> str:
    from .errors import InputError

    if str(path) == "-":
        return sys.stdin.read()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from bs4 import UnicodeDammit

        guess = UnicodeDammit(data)
        if guess.unicode_markup is None:
            raise InputError(f"{path}: not text in any encoding textsieve recognises.") from None
        return guess.unicode_markup


@app.command()
def clean(
    inputs: Annotated[list[Path], typer.Argument(help="Text files to clean, or - for standard input.")],
    model: ModelOpt = None,
    keep: Annotated[str, typer.Option(help="Comma-separated labels to keep.")] = "body",
    body_threshold: Annotated[Optional[float], typer.Option(help="Keep a line as body when P(body) >= this.")] = None,
):
    """Print the cleaned text of each input to standard output."""
    from .clean import Sieve

    try:
        sieve = Sieve(model, keep=tuple(k.strip() for k in keep.split(",") if k.strip()), body_threshold=body_threshold)
        for path in inputs:
            sys.stdout.write(sieve.clean(_read_input(path)))
    except TextsieveError as exc:
        raise _fail(exc) from None


@app.command()
def label(
    input: Annotated[Path, typer.Argument(help="A text file, or - for standard input.")],
    model: ModelOpt = None,
):
    """Show every line with its label and score (TSV: line, label, score, text)."""
    from .clean import Sieve

    try:
        records = Sieve(model).label_lines(_read_input(input))
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
):
    """Validate labeled data, cross-validate grouped by document, fit, write model + manifest."""
    from .train import train as run_train

    try:
        run_train(data_dir, output, seed=seed, folds=folds, log=lambda m: typer.echo(m, err=True))
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
    from .corpus import read_corpus
    from .evaluate import evaluate_documents, format_metrics

    try:
        sieve = Sieve(model)
        docs = read_corpus(labeled_dir)
        preds = sieve.label_many([d.text for d in docs])
        metrics = evaluate_documents(docs, preds, sieve.labels)
    except TextsieveError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps(metrics, indent=2) if as_json else format_metrics(metrics))


def main() -> None:
    app()
