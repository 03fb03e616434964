"""The progress display of check and batch: rich bars on stderr, only where a person watches."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _progress_wanted(quiet: bool) -> bool:
    import os

    in_ci = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
    return not quiet and not in_ci and sys.stderr.isatty()


@contextmanager
def progress(quiet: bool, articles: int) -> Iterator[tuple[Any, Any]]:
    """(article callback, stage callback) driving a rich progress display on stderr, or (None, None).

    Shown only on a terminal: CI logs, pipes and --quiet stay clean.
    """
    if not _progress_wanted(quiet):
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        stages: dict[str, Any] = {}

        def on_stage(stage: str, done: int, total: int) -> None:
            if stage not in stages:
                stages[stage] = bar.add_task(f"{stage} (sentences)", total=total)
            bar.update(stages[stage], completed=done, total=total)

        task = bar.add_task("articles", total=articles)
        yield (lambda n: bar.advance(task, n)), on_stage
