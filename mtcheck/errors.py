"""Typed errors. The CLI turns each into one line on stderr and exit code 2."""

from __future__ import annotations


class MtcheckError(Exception):
    """Base class: the message is shown to the user as one line."""

    exit_code = 2


class InputFileError(MtcheckError):
    """An input could not be read, decoded or parsed."""


class ConfigError(MtcheckError):
    """Bad configuration: unknown rule code, bad option value, unreadable config file."""


class ModelError(MtcheckError):
    """A model could not be resolved or loaded (missing offline, corrupt, wrong architecture)."""


class OutputError(MtcheckError):
    """A report could not be written."""
