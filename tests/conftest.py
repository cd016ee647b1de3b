"""Shared fixtures. The seed documents live outside the repo (../shared); tests that need them
skip with a message on a user's machine, where that folder does not exist."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def sieve():
    from textsieve import Sieve

    return Sieve()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "gold").is_dir():
        pytest.skip(f"seed evaluation set not found at {SEEDS} (it ships with the team's shared folder, not the repo)")
    return SEEDS


@pytest.fixture(scope="session")
def example_text() -> str:
    return (DATA / "example_page.txt").read_text(encoding="utf-8")
