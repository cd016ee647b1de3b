"""Errors textsieve raises on purpose.

Every message names the thing that is wrong (a file, a line, an option) and what to do next,
because the people who meet them are running a batch over thousands of files or retraining a
model, and a bare stack trace helps neither.
"""
from __future__ import annotations


class TextsieveError(Exception):
    """Base class: catch this to handle every textsieve failure at a boundary."""


class ConfigError(TextsieveError, ValueError):
    """An option passed to clean_text/label_lines/SieveConfig is not usable."""


class CorpusError(TextsieveError, ValueError):
    """A labeled training or evaluation file is malformed (the message gives file:line)."""


class ModelError(TextsieveError):
    """A model file cannot be used: missing, tampered with, or built by an incompatible version."""


class InputError(TextsieveError, ValueError):
    """A document given to textsieve cannot be read as text."""


class UsageError(TextsieveError, ValueError):
    """A command asks for something that cannot work as given (two inputs that would share one
    output, an output folder that would overwrite an input, an option that does nothing in the
    chosen mode). Nothing has been written when it is raised; the CLI exits with code 2."""


class OutputError(TextsieveError, OSError):
    """An output folder cannot be written for a reason a retry may cure (disk full, a failing
    device); the message names the folder. One that can never be written as given (a file on
    its path, no permission, read-only) is a :class:`UsageError`."""
