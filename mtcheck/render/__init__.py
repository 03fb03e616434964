"""Renderers: one module per output format, each a pure ``render(report) -> str``.

Modules are imported only when their format is asked for, so adding a format costs nothing at start-up.
"""

from __future__ import annotations

import importlib
from typing import Any

from mtcheck.document import Report
from mtcheck.errors import ConfigError

FORMATS: dict[str, str] = {
    "text": "mtcheck.render.text",
    "json": "mtcheck.render.json",
    "html": "mtcheck.render.html",
    "sarif": "mtcheck.render.sarif",
    "junit": "mtcheck.render.junit",
    "github": "mtcheck.render.github",
}


def render(report: Report, fmt: str, **options: Any) -> str:
    module = FORMATS.get(fmt)
    if module is None:
        raise ConfigError(f"unknown output format {fmt!r} (use {', '.join(FORMATS)})")
    return importlib.import_module(module).render(report, **options)
