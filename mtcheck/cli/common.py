"""What the commands share: exit codes, failing in one line, Config from flags, writing a report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from mtcheck.config import Config

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"mtcheck: error: {message}", err=True)
    raise typer.Exit(code)


def split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def build_config(
    config_path: Path | None,
    *,
    select: str | None = None,
    ignore: str | None = None,
    no_cache: bool = False,
    no_fluency: bool = False,
    **flags: Any,
) -> Config:
    """The file's settings (or the one found by searching) under the command line's flags.

    Flags left at None keep the file's value; the --no-* switches only ever turn a setting off.
    """
    from mtcheck.config import load_config
    from mtcheck.engine import validate_rule_settings

    config = load_config(config_path).merged(
        select=split(select),
        ignore=split(ignore),
        cache=False if no_cache else None,
        **{**flags, "fluency": False if no_fluency else flags.get("fluency")},
    )
    # Unknown rule codes and options fail here, before any input is read.
    validate_rule_settings(config.rule_settings)
    return config


def emit(report: Any, fmt: str, output: Path | None, **options: Any) -> None:
    from mtcheck.output import write_atomic
    from mtcheck.render import render

    color = output is None and sys.stdout.isatty()
    content = render(report, fmt, color=color, **options)
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
    else:
        write_atomic(output, content)


def baseline_filter(baseline_file: Path | None) -> Any:
    """The findings filter of ``--baseline FILE`` (applied before scoring), or None without one."""
    if baseline_file is None:
        return None
    from mtcheck import baseline

    return baseline.keep_new(baseline.load(baseline_file))


def exit_for(report: Any) -> NoReturn:
    raise typer.Exit(EXIT_FAIL if report.verdict == "fail" else EXIT_PASS)
