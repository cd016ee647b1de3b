"""What a run reports: one :class:`FileResult` per input entry, totals in :class:`BatchReport`."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

__all__ = ["FileResult", "BatchReport"]


@dataclass
class FileResult:
    """What happened to one input file.

    ``status`` is ``done``, ``skipped`` (output already there, unsupported format, language
    filter) or ``failed`` (with ``reason``). ``notes`` lists what was repaired on the way in (a
    non-UTF-8 encoding, undecodable bytes replaced, lone surrogates replaced), so "done" never
    hides a lossy decode.
    """

    input: str
    output: str | None
    status: str  # done | skipped | failed
    reason: str = ""
    bytes_in: int = 0
    bytes_out: int = 0
    documents: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    skipped_languages: dict[str, int] = field(default_factory=dict)  # documents left out by --lang
    bad_records: list[str] = field(default_factory=list)
    passed_through: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class BatchReport:
    """Totals over a run, plus one :class:`FileResult` per input file."""

    files: list[FileResult] = field(default_factory=list)
    wall_seconds: float = 0.0
    run_id: str = ""
    jobs: int = 1

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def _total(self, attr: str) -> Counter:
        total: Counter = Counter()
        for f in self.files:
            total.update(getattr(f, attr))
        return total

    @property
    def labels(self) -> Counter:
        return self._total("labels")

    @property
    def languages(self) -> Counter:
        return self._total("languages")

    @property
    def skipped_languages(self) -> Counter:
        return self._total("skipped_languages")

    @property
    def exit_code(self) -> int:
        """0 when every file is done or was already done; 1 when any failed."""
        return 1 if self.count("failed") else 0

    def to_dict(self) -> dict:
        return {
            "run_id": self.run_id, "jobs": self.jobs,
            "done": self.count("done"), "skipped": self.count("skipped"), "failed": self.count("failed"),
            "lines_per_label": dict(sorted(self.labels.items())),
            "languages": dict(self.languages.most_common()),
            "skipped_by_language": dict(self.skipped_languages.most_common()),
            "bytes_in": sum(f.bytes_in for f in self.files), "bytes_out": sum(f.bytes_out for f in self.files),
            "wall_seconds": round(self.wall_seconds, 3),
            "failures": [{"file": f.input, "reason": f.reason} for f in self.files if f.status == "failed"],
            "repaired": [{"file": f.input, "notes": f.notes} for f in self.files if f.notes],
            "files": [asdict(f) for f in self.files],
        }
