"""Batch runs: read a folder, JSONL file or feed, check every article with models loaded once,
and write one HTML page per article plus an index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mtcheck.config import Config
from mtcheck.document import InputError, Report
from mtcheck.errors import OutputError
from mtcheck.pipeline import Checker, Progress, StageProgress
from mtcheck.readers import Article
from mtcheck.readers.feeds import kind_of, read_batch

if TYPE_CHECKING:
    from mtcheck.models import ModelRegistry
    from mtcheck.reporting import FindingFilter

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 80
# Names Windows refuses, whatever the extension; pages may be copied there.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
)


def read_input(
    paths: str | Sequence[str], input_format: str = "auto", config: Config | None = None
) -> tuple[list[Article], list[InputError], dict[str, str]]:
    """Articles and unreadable inputs from every path, and the file each article id came from.

    Paths may mix folders, JSONL files, feeds and single article files (as pre-commit passes them).
    """
    src_lang = config.src_lang if config else None
    max_chars = config.max_chars if config else None
    articles: list[Article] = []
    errors: list[InputError] = []
    files: dict[str, str] = {}
    seen: set[str] = set()
    for path in [paths] if isinstance(paths, str) else paths:
        kind = kind_of(path)  # before reading: a FIFO can be read only once
        found, failed = read_batch(path, input_format, src_lang, max_chars)
        errors.extend(failed)
        folder = Path(path) if Path(path).is_dir() else None
        for article in found:
            if article.id in seen:
                errors.append(InputError(article.id, f"{path}: duplicate article id {article.id!r}"))
                continue
            seen.add(article.id)
            articles.append(article)
            if folder is not None:
                files[article.id] = str(folder / article.id)
            elif kind == "article" and path != "-":
                files[article.id] = path
    return articles, errors, files


def check_batch(
    articles: list[Article],
    errors: list,
    config: Config,
    progress: Progress | None = None,
    stage_progress: StageProgress | None = None,
    *,
    keep: FindingFilter | None = None,
    models: ModelRegistry | None = None,
) -> Report:
    """Check a batch here or on Ray (``config.ray``); ``keep`` (a baseline) filters findings before
    scoring; ``models``: a registry to share (local runs only: Ray workers load their own)."""
    if config.ray:
        # Imported only here: Ray is an optional extra and the default run never touches it.
        # Model stages run on the workers there; progress counts finished articles.
        from mtcheck.distributed import run_batch

        return run_batch(config, articles, errors, progress, keep)
    return Checker(config, stage_progress, models=models).run(
        articles, errors=errors, progress=progress, keep=keep
    )


def safe_names(
    ids: Iterable[str], suffix: str = ".html", reserved: Iterable[str] = ("index",)
) -> dict[str, str]:
    """A file name for each id: only [A-Za-z0-9._-], no leading dot, unique ignoring case.

    Ids come from feeds and JSONL files, so they are untrusted: ``../../etc/passwd`` becomes
    ``etc_passwd.html`` inside the report folder, and two ids never share (or overwrite) a page.
    """
    taken = {r.lower() for r in reserved}
    out: dict[str, str] = {}
    for doc_id in ids:
        if doc_id in out:
            continue
        ascii_id = unicodedata.normalize("NFKD", doc_id).encode("ascii", "ignore").decode("ascii")
        stem = _UNSAFE.sub("_", ascii_id).strip("._-")[:_MAX_NAME].rstrip("._-") or "article"
        if stem.lower() in _RESERVED:
            stem = f"{stem}_"
        name, n = stem, 2
        while name.lower() in taken:
            name, n = f"{stem}-{n}", n + 1
        taken.add(name.lower())
        out[doc_id] = name + suffix
    return out


def write_report_dir(report: Report, folder: Path, max_repeats: int | None = None) -> dict[str, str]:
    """One page per article and index.html; returns the page name of each article id.

    Pages are bounded like every rendered report (mtcheck.render.bound).
    """
    from mtcheck.output import write_atomic
    from mtcheck.render.bound import DEFAULT_MAX_REPEATS, bound_report
    from mtcheck.render.html import render_documents, render_index

    report = bound_report(report, DEFAULT_MAX_REPEATS if max_repeats is None else max_repeats)

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the report folder ({exc.strerror or exc})") from None
    pages = safe_names(d.document.id for d in report.documents)
    for doc in report.documents:
        page = render_documents(report, [doc], index_href="index.html")
        write_atomic(folder / pages[doc.document.id], page)
    write_atomic(folder / "index.html", render_index(report, pages))
    return pages
