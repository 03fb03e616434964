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


def render(report: Report, fmt: str, max_repeats: int | None = None, **options: Any) -> str:
    """``report`` in format ``fmt``, bounded (mtcheck.render.bound): at most ``max_repeats``
    findings of one rule per document are listed (default: the ``report_max_repeats`` setting's)."""
    from mtcheck.render.bound import DEFAULT_MAX_REPEATS, bound_report

    module = FORMATS.get(fmt)
    if module is None:
        raise ConfigError(f"unknown output format {fmt!r} (use {', '.join(FORMATS)})")
    bounded = bound_report(report, DEFAULT_MAX_REPEATS if max_repeats is None else max_repeats)
    return importlib.import_module(module).render(bounded, **options)
