"""The ``textsieve`` command: a thin Typer shell over importable functions.

Each command parses arguments, calls a function that returns data, prints, and maps errors to
exit codes (never a stack trace): 2 for a usage error (:class:`~textsieve.errors.UsageError`, an
unusable option value, i.e. :class:`~textsieve.errors.ConfigError`, or an option that does
nothing in the chosen mode), 1 for any other :class:`~textsieve.errors.TextsieveError` or when
some input failed, 0 otherwise. Help is rendered as plain text, so flags read as flags and
literal brackets such as ``textsieve[dask]`` survive.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .errors import ConfigError, TextsieveError, UsageError

app = typer.Typer(
    name="textsieve",
    help="Remove SEO link lists, fake author boxes and image captions from scraped web text.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _path(value: str) -> Path:
    """A path option as given. An empty one is refused (usage error, exit 2): ``Path("")`` is
    the current folder, so ``-o ""`` (an unset shell variable) would write, or with --force
    overwrite, wherever the command happened to run."""
    if not value:
        raise typer.BadParameter("is empty: name a path (. for the current folder).")
    return Path(value)


ModelOpt = Annotated[
    Optional[Path],
    typer.Option("--model", "-m", metavar="DIR", parser=_path, help="Model directory written by `textsieve train` (checked against its manifest before loading)."),
]


def _check_max_doc_mb(max_doc_mb: float) -> None:
    from .batch.read import check_max_doc_mb  # imported here: `--help` stays fast

    check_max_doc_mb(max_doc_mb)


def _version(value: bool):
    if value:
        typer.echo(f"textsieve {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
):
    """Exit codes: 0 success, 1 failure (message on stderr), 2 usage error."""


GUARD_HELP = ("--no-guard: the model's labels alone. By default, a page whose body lines would hold fewer "
              "than 10 words gets its best block of prose (50 words or more) back as body.")


JOIN_HELP = ("--no-join-wrapped: label every line of plain text on its own. By default, text whose lines "
             "continue one another (BeautifulSoup's get_text, hard-wrapped source) is labeled a paragraph at "
             "a time; every line of a paragraph gets its label and is kept or dropped as written.")


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"textsieve: {_name(str(exc))}", err=True)
    return typer.Exit(code=2 if isinstance(exc, (UsageError, ConfigError)) else 1)


def _config(model, keep: str, body_threshold, lang, guard: bool = True, join_wrapped: bool = True):
    """The SieveConfig for the options, checked against the model's labels from its manifest
    (read without loading the model), so a bad value is a usage error before any work starts."""
    from .clean import ARGMAX, SieveConfig
    from .manifest import read_manifest

    if body_threshold is not None and body_threshold != ARGMAX:
        try:
            body_threshold = float(body_threshold)
        except ValueError:
            raise ConfigError(f"--body-threshold {body_threshold!r}: give a probability between 0 and 1, or "
                              f"'{ARGMAX}'.") from None
    try:
        config = SieveConfig(keep=tuple(k.strip() for k in keep.split(",") if k.strip()), body_threshold=body_threshold,
                             languages=lang, guard=guard, join_wrapped=join_wrapped)
    except ConfigError as exc:  # the API's names, said as the options the user typed
        message = str(exc)
        for field, option in (("SieveConfig.languages", "--lang"), ("SieveConfig.body_threshold", "--body-threshold"),
                              ("SieveConfig.keep", "--keep")):
            message = message.replace(field, option)
        raise ConfigError(message) from None
    labels = read_manifest(model)["labels"]
    unknown = sorted(set(config.keep) - set(labels))
    if unknown:
        raise ConfigError(f"--keep: label(s) {unknown} are not in this model's labels {labels}.")
    return config  # SieveConfig refused a --lang code the detector never answers (a typo such as `englsh`)


@app.command()
def clean(
    inputs: Annotated[list[Path], typer.Argument(metavar="INPUT", readable=False, parser=_path, help="Files or folders (walked recursively), or - for standard input.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", parser=_path, metavar="OUT", help="Output folder (mirrors the input tree). Without it, each input's cleaned text goes to standard output.")] = None,
    model: ModelOpt = None,
    keep: Annotated[str, typer.Option(metavar="LABELS", help="Comma-separated labels to keep.")] = "body",
    body_threshold: Annotated[Optional[str], typer.Option(metavar="P", help="Keep a line as body when P(body) >= P (0 to 1) unless another label has more than 0.55, or 'argmax' for the most probable label. Default: the model's own threshold (0.4 for the shipped model).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", metavar="CODES", help="Comma-separated language codes (e.g. en,de): other documents are skipped and reported with their language.")] = None,
    guard: Annotated[bool, typer.Option("--guard/--no-guard", help=GUARD_HELP)] = True,
    join_wrapped: Annotated[bool, typer.Option("--join-wrapped/--no-join-wrapped", help=JOIN_HELP)] = True,
    html: Annotated[Optional[bool], typer.Option("--html/--text", help="Treat inputs (and JSONL records) as HTML or as text (default: by extension; standard input and unknown extensions are sniffed).")] = None,
    max_doc_mb: Annotated[float, typer.Option("--max-doc-mb", metavar="MB", help="Largest document (a file after decompression, or one JSONL record) to clean; larger ones are reported as failed, so memory stays bounded.")] = 50.0,
    force: Annotated[bool, typer.Option("--force", help="With -o: overwrite outputs that exist (default: skip them, so a killed run resumes), also to redo a folder with other settings. Inputs are never overwritten.")] = False,
    rejected: Annotated[bool, typer.Option("--rejected", help="With -o: also write the dropped lines with label and score beside each output (.rejected.tsv).")] = False,
    output_format: Annotated[Optional[str], typer.Option("--format", metavar="same|jsonl", help="With -o. same (default): outputs in the input format (cleaned HTML is text: page.html -> page.html.txt); jsonl: one JSON record per document with per-line labels, offsets and scores.")] = None,
    text_field: Annotated[str, typer.Option(metavar="FIELD", help="JSONL field holding the text; other fields pass through unchanged.")] = "text",
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", metavar="N", help="With -o: worker processes (default: chosen from the input size; 1 for small inputs, where starting workers costs more than it saves).")] = None,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDRESS", help="With -o: run on an existing Dask cluster (tcp://HOST:PORT); workers need the input and output folders at the same paths. Needs textsieve[dask].")] = None,
    report: Annotated[Optional[Path], typer.Option(metavar="FILE", parser=_path, help="With -o: where to write the JSON run report (default: OUT/textsieve-report.json, or OUT/textsieve-report-RUNID.json while another run writes into OUT).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, summary or repair notes (failures are still printed).")] = False,
):
    """Clean text, HTML and JSONL files (optionally .gz).

    Inputs are never modified. Every input gets its own output, or the run refuses before it
    starts. Outputs are written atomically, and a re-run skips outputs that exist, so a killed
    run resumes. A broken file is reported and skipped, and the batch goes on.

    Exit codes: 0 every file done, 1 some files failed, 2 usage error.
    """
    try:
        if output is None:
            given = [name for name, value in (("--format", output_format), ("--rejected", rejected or None),
                                              ("--jobs", jobs), ("--force", force or None), ("--scheduler", scheduler),
                                              ("--report", report)) if value is not None]
            if given:
                raise UsageError(f"{', '.join(given)} only {'applies' if len(given) == 1 else 'apply'} when cleaning into a folder: add -o OUT, or leave them out.")
        if output_format not in (None, "same", "jsonl"):
            raise UsageError("--format must be 'same' or 'jsonl'.")
        if jobs is not None and jobs < 1:
            raise UsageError("--jobs must be at least 1.")
        _check_max_doc_mb(max_doc_mb)
        config = _config(model, keep, body_threshold, lang, guard, join_wrapped)
        if output is None:
            raise typer.Exit(_clean_to_stdout(inputs, model, config, html, text_field, max_doc_mb, quiet))
        if any(str(p) == "-" for p in inputs):
            raise UsageError("- (standard input) writes to standard output: leave out -o.")
        from .batch import filter_folder, write_report
        from .batch.plan import UNSUPPORTED
        from .batch.run import OLD_SETTINGS_REASON, STALE_REASON, default_report_path

        progress, finish = _progress(quiet)
        try:
            result = filter_folder(inputs, output, model=model, config=config, force=force, rejected=rejected,
                                   output_format=output_format or "same", text_field=text_field, jobs=jobs,
                                   scheduler=scheduler, html=html, max_doc_mb=max_doc_mb, report=report,
                                   progress=progress)
        except KeyboardInterrupt:
            finish()
            typer.echo(f"textsieve: interrupted. Every output in {_name(str(output))} is whole (each is written "
                       "atomically) and no report was written; run the same command again to resume.", err=True)
            raise typer.Exit(130) from None
        finally:
            finish()
        report_path = report or default_report_path(output, result.run_id)
        try:
            write_report(result, report_path)
        except OSError as exc:
            typer.echo(f"textsieve: cannot write the report {report_path} ({exc.strerror or exc})", err=True)
            report_path = None
    except TextsieveError as exc:
        raise _fail(exc) from None
    if not quiet:
        _summary(result, report_path)
        named = {str(p) for p in inputs}
        for f in result.files:
            if f.status == "skipped" and f.reason in (STALE_REASON, OLD_SETTINGS_REASON):
                typer.echo(f"stale: {_name(f.input)}: {f.reason}", err=True)
            elif f.status == "skipped" and f.input in named and f.reason == UNSUPPORTED:
                named.discard(f.input)  # once, also when a folder given beside it holds it
                typer.echo(f"skipped: {_name(f.input)}: {UNSUPPORTED}", err=True)  # named, yet not cleaned
            for note in f.notes:
                typer.echo(f"repaired: {_name(f.input)}: {_name(note)}", err=True)
            if f.bad_records:
                shown = "; ".join(f.bad_records[:5]) + ("; ..." if len(f.bad_records) > 5 else "")
                typer.echo(f"bad records: {_name(f.input)}: {len(f.bad_records)} JSONL record(s) skipped, "
                           f"the rest cleaned ({shown}); all listed in the report", err=True)
            if f.passed_through:
                shown = "; ".join(f.passed_through[:5]) + ("; ..." if len(f.passed_through) > 5 else "")
                typer.echo(f"passed through: {_name(f.input)}: {len(f.passed_through)} JSONL record(s) with nothing "
                           f"to clean written unchanged ({shown}); all listed in the report", err=True)
    for f in result.files:
        if f.status == "failed":
            reason = f.reason[len(f.input) + 1:].lstrip() if f.reason.startswith(f.input + ":") else f.reason
            typer.echo(f"failed: {_name(f.input)}: {_name(reason)}", err=True)
    raise typer.Exit(code=result.exit_code if report_path is not None else 1)


def _clean_to_stdout(inputs, model, config, html, text_field, max_doc_mb, quiet) -> int:
    """Stdout mode: each input through the batch's reading path, in order; returns the exit code."""
    from .batch.process import clean_to_stream
    from .clean import Sieve

    for path in inputs:
        if path.is_dir():
            raise UsageError(f"{path} is a folder: give -o OUT to clean folders.")
    sieve = Sieve(model, config)
    failed = 0
    warn = (lambda msg: None) if quiet else (lambda msg: typer.echo(f"textsieve: {_name(msg)}", err=True))
    for path in inputs:
        try:
            clean_to_stream(path, sys.stdout, sieve, html=html, text_field=text_field, max_doc_mb=max_doc_mb, warn=warn)
        except TextsieveError as exc:
            failed += 1
            typer.echo(f"textsieve: failed: {_name(str(exc))}", err=True)
        sys.stdout.flush()
    return 1 if failed else 0


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


def _name(text: str) -> str:
    """``text`` on one line and unambiguous, as ``ls -b`` shows names: a newline or other
    control character in a file name is escaped (``\\n``), so every message stays one line
    for whoever parses the log. A byte of a name that is not UTF-8 (Python holds it as a lone
    surrogate, U+DC80-U+DCFF) shows as the byte, ``caf\\xe9.txt``, not as
    ``caf\\udce9.txt``. So that no two names look alike, ``\\x`` is kept for such bytes: a
    character that is valid but not printable shows as its code point (a no-break space is
    ``\\u00a0``, not ``\\xa0``), and a backslash in a name is doubled (not on Windows, where
    it separates the folders of a path and cannot be part of a name)."""
    if text.isprintable() and (_BACKSLASH_IS_SEP or "\\" not in text):
        return text
    return "".join(_escaped(c) for c in text)


_BACKSLASH_IS_SEP = os.sep == "\\"


def _escaped(c: str) -> str:
    if c == "\\" and not _BACKSLASH_IS_SEP:
        return "\\\\"
    if c.isprintable():
        return c
    if "\udc80" <= c <= "\udcff":
        return f"\\x{ord(c) - 0xDC00:02x}"
    shown = repr(c)[1:-1]  # \n, \t, \u200b ... and \xNN below U+0100
    return f"\\u{ord(c):04x}" if shown.startswith("\\x") else shown


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _skip_reasons(files) -> dict[str, int]:
    """Skipped files by why: an operator must tell "already done" from "never looked at"."""
    from .batch.plan import UNSUPPORTED
    from .batch.run import OLD_SETTINGS_REASON, STALE_REASON

    counts = dict.fromkeys(("already done", "stale (older than input, named below)",
                            "made with earlier settings (named below)", "unsupported format",
                            "linked folder not followed", "output without its sidecar", "by --lang", "other"), 0)
    for f in files:
        if f.status != "skipped":
            continue
        if f.reason == STALE_REASON:
            counts["stale (older than input, named below)"] += 1
        elif f.reason == OLD_SETTINGS_REASON:
            counts["made with earlier settings (named below)"] += 1
        elif f.reason == UNSUPPORTED:
            counts["unsupported format"] += 1
        elif f.reason.startswith("symbolic link to a folder"):
            counts["linked folder not followed"] += 1
        elif f.reason.startswith("output exists without"):
            counts["output without its sidecar"] += 1
        elif f.reason.startswith("output exists"):
            counts["already done"] += 1
        elif f.skipped_languages:
            counts["by --lang"] += 1
        else:
            counts["other"] += 1  # each with its reason in the report
    return counts


def _summary(result, report_path) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    d = result.to_dict()
    table = Table(title="textsieve clean", show_header=False)
    table.add_row("files done / skipped / failed", f"{d['done']} / {d['skipped']} / {d['failed']}")
    if d["skipped"]:
        table.add_row("skipped because", ", ".join(f"{what} {n}" for what, n in _skip_reasons(result.files).items() if n))
    for lab, n in d["lines_per_label"].items():
        table.add_row(f"lines {lab}", str(n))
    table.add_row("bytes in / out", f"{_size(d['bytes_in'])} / {_size(d['bytes_out'])}")
    table.add_row("languages", ", ".join(f"{k} {v}" for k, v in list(d["languages"].items())[:8]) or "-")
    if d["skipped_by_language"]:
        table.add_row("skipped by --lang", ", ".join(f"{k} {v}" for k, v in d["skipped_by_language"].items()))
    bad = sum(len(f.bad_records) for f in result.files)
    if bad:
        table.add_row("JSONL records skipped", f"{bad} bad record(s), listed below and in the report")
    through = sum(len(f.passed_through) for f in result.files)
    if through:
        table.add_row("JSONL records written through", f"{through} with no text to clean, listed below and in the report")
    if d["repaired"]:
        table.add_row("repaired decodes", f"{len(d['repaired'])} file(s), listed below and in the report")
    table.add_row("worker processes", str(d["jobs"]))
    table.add_row("wall time", f"{d['wall_seconds']:.1f} s")
    # A path is text, not rich markup: "out[v2]" would lose its brackets, "runs[/v2]" raise.
    table.add_row("report", escape(_name(str(report_path))) if report_path else "not written (see error above)")
    Console(stderr=True).print(table)


@app.command()
def label(
    input: Annotated[Path, typer.Argument(metavar="INPUT", readable=False, parser=_path, help="A text, HTML or JSONL file (optionally .gz), or - for standard input.")],
    model: ModelOpt = None,
    html: Annotated[Optional[bool], typer.Option("--html/--text", help="Treat the input as HTML or as text (default: by extension; standard input is sniffed).")] = None,
    text_field: Annotated[str, typer.Option(metavar="FIELD", help="JSONL field holding the text.")] = "text",
    max_doc_mb: Annotated[float, typer.Option("--max-doc-mb", metavar="MB", help="Largest document to label.")] = 50.0,
    guard: Annotated[bool, typer.Option("--guard/--no-guard", help=GUARD_HELP)] = True,
    join_wrapped: Annotated[bool, typer.Option("--join-wrapped/--no-join-wrapped", help=JOIN_HELP)] = True,
):
    """Show every line with its label and score (TSV: line, label, score, text).

    For HTML the lines are the page's blocks, as `clean` sees them. For JSONL the first column
    is RECORD:LINE, RECORD being the record's line number in the file.
    """
    from .batch.process import label_rows
    from .clean import Sieve

    color = sys.stdout.isatty()
    colors = {"body": None, "link_spam": typer.colors.RED, "author_meta": typer.colors.MAGENTA, "caption": typer.colors.YELLOW}
    try:
        _check_max_doc_mb(max_doc_mb)
        warn = lambda msg: typer.echo(f"textsieve: {_name(msg)}", err=True)  # noqa: E731
        for position, r in label_rows(input, Sieve(model, guard=guard, join_wrapped=join_wrapped), html=html, text_field=text_field, max_doc_mb=max_doc_mb,
                                      warn=warn):
            typer.secho(f"{position}\t{r.label}\t{r.score:.3f}\t{r.text}", fg=colors.get(r.label, typer.colors.CYAN) if color else None)
    except TextsieveError as exc:
        raise _fail(exc) from None


@app.command()
def info(model: ModelOpt = None):
    """Print the model manifest (versions, labels, training-data hash, held-out scores).

    Reads manifest.json only: the model itself is not loaded.
    """
    from .manifest import _manifest_path, read_manifest

    try:
        manifest = read_manifest(model)
    except TextsieveError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps({"path": str(_manifest_path(model).parent), **manifest}, indent=2, sort_keys=True))


@app.command()
def train(
    data_dir: Annotated[Path, typer.Argument(metavar="DATA_DIR", parser=_path, help="Folder of labeled .tsv documents.")] = Path("training_data"),
    output: Annotated[Path, typer.Option("--output", "-o", parser=_path, help="Where to write the model and manifest.json.")] = Path("models"),
    seed: Annotated[int, typer.Option(help="Random seed (same data + seed = same model).")] = 0,
    folds: Annotated[int, typer.Option(help="Also cross-validate with this many folds grouped by source document and record the scores in the manifest (refits once per fold; 0, the default, skips it).")] = 0,
    new_label: Annotated[Optional[list[str]], typer.Option("--new-label", help="A label the data may use besides body, link_spam, author_meta, caption, boilerplate (repeat for several). Without it an unknown label is an error, so a typo never becomes a class.")] = None,
    real_pages: Annotated[str, typer.Option("--real-pages", help="How many real labeled pages of DATA_DIR/real (train split only) to train on: 'all' (the default), a number (a seeded pick), or 0 for none. With --snippet-pages every snippet-labeled page comes on top (none with 0).")] = "all",
    snippet_pages: Annotated[bool, typer.Option("--snippet-pages", help="Also train on the real pages labeled from snippets only (trafilatura's): their snippet lines are fitted, the rest of each page is context. Off by default (the shipped model was trained without; see the README).")] = False,
    excerpts: Annotated[int, typer.Option("--excerpts", min=0, max=20, help="Also cut this many short records from every real page: a few body lines with the lines around them, as a pipeline's records are. 0 by default (the shipped model was trained without; see the README, 'Short texts').")] = 0,
    real_sources: Annotated[Optional[str], typer.Option("--real-sources", help="Which real sources of DATA_DIR/real to train on, comma-separated (canola, newsarticles, readability, trafilatura, wcxb), or 'all' (the default: every source).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the model already in -o (the default -o, models, is the shipped model). Without it a folder holding a model is refused before training starts.")] = False,
):
    """Validate labeled data, fit both passes on the core's features, write model.npz + manifest.json."""
    from .training.train import DEFAULT_REAL_SOURCES
    from .training.train import train as run_train

    if real_pages.strip().lower() == "all":
        n_real = None
    elif real_pages.strip().isdigit():
        n_real = int(real_pages)
    else:
        raise _fail(UsageError(f"--real-pages takes 'all' or a whole number, got {real_pages!r}."))
    if real_sources is None:
        sources: tuple[str, ...] | None = DEFAULT_REAL_SOURCES
    elif real_sources.strip().lower() == "all":
        sources = None
    else:
        sources = tuple(s.strip().lower() for s in real_sources.split(",") if s.strip())
        if not sources:
            raise _fail(UsageError(f"--real-sources names no source ({real_sources!r}); give a comma-separated "
                                   "list such as wcxb,readability, or 'all' (--real-pages 0 trains on no real page)."))
    try:
        run_train(data_dir, output, seed=seed, folds=folds, new_labels=tuple(new_label or ()), real_pages=n_real,
                  snippet_pages=snippet_pages, real_sources=sources, excerpts=excerpts, force=force,
                  log=lambda m: typer.echo(m, err=True))
    except TextsieveError as exc:
        raise _fail(exc) from None


@app.command()
def evaluate(
    labeled_dir: Annotated[Path, typer.Argument(metavar="LABELED_DIR", parser=_path, help="Folder of labeled .tsv documents the model did not train on.")],
    model: ModelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
):
    """Per-label precision/recall/F1, macro-F1 and body-keep scores on labeled documents."""
    from .clean import Sieve
    from .training.corpus import KNOWN_LABELS, read_corpus
    from .evaluate import evaluate_documents, format_metrics

    try:
        sieve = Sieve(model)
        # A model trained with --new-label knows its labels: documents may use them.
        docs = read_corpus(labeled_dir, new_labels=[lab for lab in sieve.labels if lab not in KNOWN_LABELS])
        preds = sieve.label_many([d.text for d in docs])
        metrics = evaluate_documents(docs, preds, sieve.labels)
    except TextsieveError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps(metrics, indent=2) if as_json else format_metrics(metrics))


@app.command()
def suggest(
    inputs: Annotated[list[Path], typer.Argument(metavar="INPUT", readable=False, parser=_path, help="What `clean` reads: text, HTML and JSONL files (optionally .gz), folders (walked recursively), or - for standard input.")],
    n: Annotated[int, typer.Option("-n", help="How many lines to suggest.")] = 200,
    output: Annotated[Path, typer.Option("--output", "-o", parser=_path, help="Labeled file to write (with a .sources.tsv beside it).")] = Path("suggestions.tsv"),
    model: ModelOpt = None,
    html: Annotated[Optional[bool], typer.Option("--html/--text", help="Treat inputs (and JSONL records) as HTML or as text (default: by extension; standard input and unknown extensions are sniffed).")] = None,
    text_field: Annotated[str, typer.Option(metavar="FIELD", help="JSONL field holding the text.")] = "text",
    max_doc_mb: Annotated[float, typer.Option("--max-doc-mb", metavar="MB", help="Largest document (a file after decompression, or one JSONL record) to read; larger ones are reported as failed.")] = 50.0,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file (by default it is kept: it may hold labels you corrected).")] = False,
):
    """Write the lines the model is least sure about, labels prefilled, for a maintainer to correct.

    Reads every input `clean` reads, the same way. A broken file is reported with its reason and
    the rest goes on. Inputs are never modified, and an existing -o file is kept unless --force.
    Exit codes: 0 every input read, 1 some inputs failed (the suggestions from the others are
    still written), 2 usage error.
    """
    from .clean import Sieve
    from .training.suggest import check_output, write_suggestions
    from .training.suggest import suggest as run_suggest

    try:
        if n < 1:
            raise UsageError("-n must be at least 1.")
        _check_max_doc_mb(max_doc_mb)
        check_output(inputs, output, force=force)
        result = run_suggest(inputs, n=n, sieve=Sieve(model), html=html, text_field=text_field, max_doc_mb=max_doc_mb)
        # No suggestions (every input failed, or held no lines): an empty file at -o would only
        # be refused by the next run without --force, and by training as "no rows".
        path = write_suggestions(result.suggestions, output) if result.suggestions else None
    except TextsieveError as exc:
        raise _fail(exc) from None
    for warning in result.warnings:
        typer.echo(f"textsieve: {_name(warning)}", err=True)
    for f in result.failed:
        typer.echo(f"failed: {_name(f.reason if f.reason.startswith(f.input) else f'{f.input}: {f.reason}')}", err=True)
    docs = len({(s.path, s.number) for s in result.suggestions})
    skipped = f"; {len(result.skipped)} unsupported file(s) skipped" if result.skipped else ""
    failed = f"; {len(result.failed)} input(s) failed" if result.failed else ""
    if path is None:
        typer.echo(f"no suggestions from {result.documents} documents: nothing written to {_name(str(output))}"
                   f"{skipped}{failed}", err=True)
    else:
        typer.echo(f"wrote {len(result.suggestions)} suggestions from {docs} of {result.documents} documents to {path} "
                   f"(sources: {path}.sources.tsv){skipped}{failed}", err=True)
    raise typer.Exit(code=1 if result.failed else 0)


def main() -> None:
    try:
        app()
    except OSError as exc:
        # Only writes get here (every read error becomes an InputError naming its file): standard
        # output on a full disk, a closed pipe or a failing device. One line, not a traceback.
        where = exc.filename or "standard output"
        typer.echo(f"textsieve: cannot write to {_name(str(where))} ({exc.strerror or exc}).", err=True)
        try:  # what is still buffered would fail again when Python exits
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        sys.exit(1)
