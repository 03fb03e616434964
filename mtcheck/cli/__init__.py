"""The command line: thin Typer commands. The only package that prints or exits.

One module per command family, registered on the one app in ``root``. Heavy modules (rules, models,
renderers) are imported inside commands so that ``mtcheck --help`` stays instant.
"""

from __future__ import annotations

from mtcheck.cli.root import app, main

__all__ = ["app", "main"]
