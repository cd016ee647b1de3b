"""Folders -> cleaned folders: the batch job behind ``textsieve clean INPUT... -o OUT``.

Split by role, one module each:

* :mod:`.plan` maps input roots to output paths and refuses collisions and overlaps with the
  inputs before anything runs;
* :mod:`.read` is the one input path (also used by stdout mode and ``label``): regular files
  only, gzip streaming, format detection and sniffing, JSONL per record, encoding detection,
  binary/undecodable refusal, a per-document size cap;
* :mod:`.write` commits an output and its sidecar together, with run-unique temporary names
  that only their own (dead) run's successor may sweep;
* :mod:`.process` cleans a batch of files; :mod:`.backends` runs batches in this process, in a
  pool of worker processes that die with their parent, or on a Dask cluster;
* :mod:`.run` is the run itself (:func:`filter_folder`), :mod:`.report` what it returns.

Promises an operator can rely on: inputs are never modified; every input gets its own output or
the run refuses (exit 2) before it starts; a killed run leaves no half-written output and a
re-run resumes where it stopped; a broken file is reported with its reason and the batch goes
on; memory is bounded by the document cap, not by the size of a file or folder.
"""
from .plan import Plan, output_name, plan_files, sidecar_path
from .process import process_file, process_files
from .read import DEFAULT_MAX_DOC_MB, SUPPORTED, open_input
from .report import BatchReport, FileResult
from .run import default_jobs, filter_folder, write_report

__all__ = ["filter_folder", "write_report", "process_file", "process_files", "plan_files", "Plan", "output_name",
           "sidecar_path", "open_input", "BatchReport", "FileResult", "default_jobs", "SUPPORTED", "DEFAULT_MAX_DOC_MB"]
