"""Planning: input roots -> one output path per input file, or a refusal before anything runs.

The mapping, in one rule per case:

* a folder given as the only input maps its files to ``OUT/<path inside the folder>``; with
  several inputs each folder's files go to ``OUT/<folder name>/<path inside it>``;
* a file given as an input maps to ``OUT/<its name>``;
* the output name says what the output holds: a cleaned ``.html``/``.htm`` page is text, so
  ``page.html`` becomes ``page.html.txt`` (``page.html.gz`` -> ``page.html.txt.gz``); with
  ``--format jsonl`` every non-JSONL input becomes ``<name>.jsonl``. Appending keeps the input's
  name visible and never makes two inputs of one folder share an output by itself;
* ``--rejected`` writes ``<output name without .gz>.rejected.tsv`` beside each output.

Refused with a :class:`~textsieve.errors.UsageError` (exit 2) before anything is read, written
or swept: two inputs that would share an output or a sidecar (both are named), also when their
outputs differ only by letter case (``A.txt``, ``a.txt``), because on a case-insensitive
filesystem (the default on macOS and Windows) one would overwrite the other, or by Unicode
form (NFC and NFD: one name on macOS); an output file standing where other outputs need a
folder (``page.html`` -> ``page.html.txt`` beside a folder ``page.html.txt/``); an output folder
equal to or inside an input folder (outputs would be read as inputs on the next run); any output,
sidecar or the report landing on an input file or inside an input folder. The overlap checks
ignore letter case and Unicode form as well.

The walk is sorted. Entries that are not regular files (FIFOs, sockets, devices) and broken or
looping symbolic links are reported as failed without being opened; a symbolic link to a
folder is reported as skipped (not followed, so a link cannot make the walk loop).
"""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, UsageError
from .read import check_regular, kind_from_name
from .report import FileResult

__all__ = ["Plan", "plan_files", "folder_inputs", "output_name", "sidecar_path", "fold_name", "REPORT_NAME", "UNSUPPORTED"]

REPORT_NAME = "textsieve-report.json"
UNSUPPORTED = "unsupported format (not .txt/.text/.html/.htm/.jsonl, optionally .gz)"


@dataclass
class Plan:
    """What a run will do: ``pairs`` of (input, output) in input order, and ``problems``: the
    entries reported without being read (not regular files, broken links, unsupported)."""

    pairs: list[tuple[Path, Path]] = field(default_factory=list)
    problems: list[FileResult] = field(default_factory=list)


def output_name(name: str, output_format: str = "same") -> str:
    """The output file name for an input file name (see the module docstring)."""
    gz = name.lower().endswith(".gz")
    base = name[:-3] if gz else name
    kind = kind_from_name(name)
    if output_format == "jsonl" and kind != "jsonl":
        base += ".jsonl"
    elif output_format != "jsonl" and kind == "html":
        base += ".txt"
    return base + (name[-3:] if gz else "")


def sidecar_path(output: Path) -> Path:
    name = output.name[:-3] if output.name.lower().endswith(".gz") else output.name
    return output.with_name(name + ".rejected.tsv")


def _walk(root: Path, problems: list[FileResult]) -> list[Path]:
    """Regular files under ``root``, sorted; everything else goes to ``problems``."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, onerror=lambda exc: problems.append(
            FileResult(str(exc.filename), None, "failed", f"{exc.filename}: cannot list folder ({exc.strerror})"))):
        dirs.sort()
        for d in list(dirs):
            if os.path.islink(os.path.join(folder, d)):
                problems.append(FileResult(os.path.join(folder, d), None, "skipped",
                                           "symbolic link to a folder (not followed; give its target as an input)"))
        for name in sorted(files):
            path = Path(folder, name)
            try:
                check_regular(path)
            except InputError as exc:
                problems.append(FileResult(str(path), None, "failed", str(exc)))
                continue
            found.append(path)
    return found


def folder_inputs(root: Path, problems: list[FileResult]) -> list[Path]:
    """The files under ``root`` that textsieve reads (.txt/.text/.html/.htm/.jsonl, optionally
    .gz), in sorted walk order. Everything else goes to ``problems``: unsupported files as
    skipped, entries that are not regular files or cannot be listed as failed. Folder mode and
    ``textsieve suggest`` walk folders through this one function, so they read the same files."""
    found: list[Path] = []
    for path in _walk(root, problems):
        if kind_from_name(path.name) is None:
            problems.append(FileResult(str(path), None, "skipped", UNSUPPORTED))
            continue
        found.append(path)
    return found


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def plan_files(inputs, out_dir, output_format: str = "same", *, rejected: bool = False,
               report: str | Path | None = None) -> Plan:
    """Map every input file to its output; raise UsageError for collisions and overlaps."""
    out_dir = Path(out_dir)
    out_real = Path(os.path.realpath(out_dir))
    plan = Plan()
    roots: list[tuple[Path, Path]] = []  # (as given, resolved)
    for item in inputs:
        src = Path(item)
        if not os.path.lexists(src):
            raise InputError(f"{src}: no such file or directory.")
        roots.append((src, Path(os.path.realpath(src))))
    input_dirs = [real for src, real in roots if src.is_dir()]
    if os.path.lexists(out_dir) and not out_dir.is_dir():  # refused here, before a lock or folder is made
        if any(real == out_real for src, real in roots):
            raise UsageError(f"-o {out_dir} is the input file itself; -o names an output folder. Choose a folder "
                             "that is not an input (textsieve never modifies its inputs).")
        raise UsageError(f"-o {out_dir} exists and is not a folder; -o names an output folder. Choose another path.")
    for folder in input_dirs:
        if _inside(out_real, folder):
            raise UsageError(f"-o {out_dir} is {'the input folder' if out_real == folder else 'inside the input folder'} "
                             f"{folder}: outputs would be read as inputs by the next run. Choose an output folder outside it.")
        if _inside_folded(out_real, folder):
            raise UsageError(f"-o {out_dir} is {'the input folder' if fold_name(out_real) == fold_name(folder) else 'inside the input folder'} "
                             f"{folder} {IGNORING}: outputs would be read as inputs by the next run. Choose an output "
                             "folder outside it.")
    several = len(roots) > 1
    input_files: dict[Path, Path] = {}
    for src, real in roots:
        if src.is_dir():
            base = out_dir / src.resolve().name if several else out_dir
            for path in folder_inputs(src, plan.problems):
                rel = path.relative_to(src)
                plan.pairs.append((path, base / rel.parent / output_name(path.name, output_format)))
        else:
            try:
                check_regular(src)
            except InputError as exc:
                plan.problems.append(FileResult(str(src), None, "failed", str(exc)))
                continue
            if kind_from_name(src.name) is None:
                plan.problems.append(FileResult(str(src), None, "skipped", UNSUPPORTED))
                continue
            plan.pairs.append((src, out_dir / output_name(src.name, output_format)))
    for src, _ in plan.pairs:
        input_files[Path(os.path.realpath(src))] = src
    for src, real in roots:  # a named file that is not cleaned (unsupported, unreadable) is an input too
        if not src.is_dir():
            input_files.setdefault(real, src)
    _refuse_overlaps(plan, input_files, input_dirs, rejected, Path(report) if report else out_dir / REPORT_NAME)
    return plan


def fold_name(path: Path) -> str:
    """``path`` as a case-insensitive filesystem compares it: letter case ignored, and Unicode
    normalised (macOS also treats the composed and decomposed forms of ``é`` as one name)."""
    return unicodedata.normalize("NFC", str(path)).lower()


def _differ(a: Path, b: Path) -> str:
    """How two paths that fold to one name differ, said so that a user can see it: NFC and NFD
    forms of a name print the same."""
    if unicodedata.normalize("NFC", str(a)) == unicodedata.normalize("NFC", str(b)):
        return ("are one name in two Unicode forms (composed and decomposed accents): on macOS, whose filesystem "
                "ignores the difference,")
    return ("differ only by letter case: on a case-insensitive filesystem (the default on macOS and Windows)")


IGNORING = "on a filesystem that ignores letter case (the default on macOS and Windows) or Unicode form (macOS)"


def _inside_folded(path: Path, folder: Path) -> bool:
    """``_inside`` as a case-insensitive filesystem sees it."""
    p, f = fold_name(path), fold_name(folder)
    return p == f or p.startswith(f.rstrip(os.sep) + os.sep)


def _refuse_overlaps(plan: Plan, input_files: dict[Path, Path], input_dirs: list[Path], rejected: bool,
                     report: Path) -> None:
    writes: dict[Path, Path] = {}  # resolved path written -> the input it comes from
    folded: dict[str, Path] = {}  # the same paths, case-folded -> the path as written
    folded_inputs = {fold_name(real): real for real in input_files}
    unique: list[tuple[Path, Path]] = []
    seen_pairs: set[tuple[Path, Path]] = set()
    for src, dst in plan.pairs:
        src_real, dst_real = Path(os.path.realpath(src)), Path(os.path.realpath(dst))
        if (src_real, dst_real) in seen_pairs:  # the same file given twice: one job
            continue
        seen_pairs.add((src_real, dst_real))
        unique.append((src, dst))
        targets = [dst_real] + ([Path(os.path.realpath(sidecar_path(dst)))] if rejected else [])
        for target in targets:
            other = writes.get(target)
            if other is not None:
                raise UsageError(f"{other} and {src} would both be written to {target}. "
                                 "Give them separate runs with different -o folders, or rename one.")
            twin = folded.get(fold_name(target))
            if twin is not None:
                raise UsageError(f"{writes[twin]} and {src} would be written to {twin} and {target}, which "
                                 f"{_differ(twin, target)} one would overwrite the other. Rename one, or give them "
                                 "separate runs with different -o folders.")
            writes[target] = src
            folded[fold_name(target)] = target
            _refuse_input_overlap(target, src, input_files, input_dirs)
            _refuse_input_case_twin(target, src, input_files, folded_inputs)
    folders = _refuse_file_as_folder(writes, folded)
    report_real = Path(os.path.realpath(report))
    if report_real.is_dir():
        raise UsageError(f"--report {report} is a folder; --report names the report file to write "
                         f"(e.g. {Path(report) / REPORT_NAME}).")
    if fold_name(report_real) in folders:
        folder, src = folders[fold_name(report_real)]
        raise UsageError(f"the report {report} would be a file where the output of {src} needs the folder {folder}; "
                         "give --report elsewhere.")
    if report_real in writes:
        raise UsageError(f"the report {report} would overwrite the output of {writes[report_real]}; give --report elsewhere.")
    if fold_name(report_real) in folded:
        twin = folded[fold_name(report_real)]
        raise UsageError(f"the report {report} and the output of {writes[twin]} ({twin}) {_differ(twin, report_real)} "
                         "one would overwrite the other; give --report elsewhere.")
    _refuse_input_overlap(report_real, None, input_files, input_dirs)
    _refuse_input_case_twin(report_real, None, input_files, folded_inputs)
    plan.pairs = unique


def _refuse_file_as_folder(writes: dict[Path, Path], folded: dict[str, Path]) -> dict[str, tuple[Path, Path]]:
    """Refuse an output file whose path is a folder that other outputs go into (``x.html`` is
    cleaned to ``x.html.txt``, a folder ``x.html.txt/`` beside it mirrors to a folder of that name;
    with letter case ignored, ``b.txt`` and a folder ``B.txt/``): one of them could only fail
    once the run is under way. Returns the folders outputs go into, folded -> (folder, an input
    whose output is inside it). Each folder is looked at once."""
    folders: dict[str, tuple[Path, Path]] = {}
    for target, src in writes.items():
        for parent in target.parents:
            key = fold_name(parent)
            if key in folders:
                break  # its ancestors were looked at with it
            folders[key] = (parent, src)
            file = folded.get(key)
            if file is not None:
                how = "" if file == parent else f" ({file} and {parent} {_differ(file, parent)} they are one name)"
                raise UsageError(f"the output of {writes[file]} ({file}) would be a file where the output of {src} "
                                 f"({target}) needs a folder{how}. Rename one, or give them separate runs with "
                                 "different -o folders.")
    return folders


def _refuse_input_case_twin(target: Path, src: Path | None, input_files: dict[Path, Path],
                            folded_inputs: dict[str, Path]) -> None:
    """An output (or the report) whose path is an input file's path in other letter case would
    overwrite that input on a case-insensitive filesystem."""
    twin = folded_inputs.get(fold_name(target))
    if twin is not None and target not in input_files:
        what = f"the output of {src}" if src is not None else "the report"
        raise UsageError(f"{what} ({target}) and the input {input_files[twin]} {_differ(target, twin)} it would "
                         f"overwrite that input. {'Choose another -o folder' if src is not None else 'Give --report elsewhere'} "
                         "(textsieve never modifies its inputs).")


def _refuse_input_overlap(target: Path, src: Path | None, input_files: dict[Path, Path], input_dirs: list[Path]) -> None:
    what = f"the output of {src}" if src is not None else "the report"
    elsewhere = "an -o folder" if src is not None else "a --report path"
    if target in input_files:
        raise UsageError(f"{what} would overwrite the input {input_files[target]}. Choose "
                         f"{'another -o folder' if src is not None else 'another --report path'} "
                         "(textsieve never modifies its inputs, not even with --force).")
    for folder in input_dirs:
        if _inside(target, folder):
            raise UsageError(f"{what} would be written inside the input folder {folder} ({target}). "
                             f"Choose {elsewhere} outside every input folder.")
        if _inside_folded(target, folder):
            raise UsageError(f"{what} ({target}) would be written inside the input folder {folder} {IGNORING}. "
                             f"Choose {elsewhere} outside every input folder.")
