"""What `mtcheck fix` does with corrected articles: stdout, a diff, the files in place, or a folder.

The command line is thin; this module does the work so that it can be tested without a terminal.
Inputs are only ever written with ``--in-place``, through the same atomic write as reports.
"""

from __future__ import annotations

import codecs
import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtcheck.document import Edit, InputError
from mtcheck.edits.source import fixed_file
from mtcheck.errors import MtcheckError, OutputError
from mtcheck.fix.loop import Fixer, FixOutcome
from mtcheck.pipeline import Checker
from mtcheck.readers import Article


@dataclass
class FileFix:
    """One corrected article and where it goes."""

    outcome: FixOutcome
    path: str | None  # the file it came from; None for JSONL lines and stdin
    raw: str  # the file's text as read (line ends untouched)
    fixed_text: str  # the corrected file text
    refused: list[Edit] = field(default_factory=list)  # edits that could not be placed in the file

    @property
    def id(self) -> str:
        return self.outcome.article.id

    @property
    def changed(self) -> bool:
        return self.fixed_text != self.raw


class FixRun:
    """Fix a batch of articles with one Checker and write the results the way the user asked."""

    def __init__(self, checker: Checker, unsafe: bool = False, strict: bool = False) -> None:
        self.fixer = Fixer(checker, unsafe)
        self.strict = strict
        self.errors: list[InputError] = []

    def fix(
        self, articles: Sequence[Article], errors: Sequence[InputError], files: Mapping[str, str]
    ) -> list[FileFix]:
        self.errors = list(errors)
        out = []
        for article in articles:
            try:
                outcome = self.fixer.fix(article)
            except MtcheckError as exc:
                if self.strict:
                    raise
                self.errors.append(InputError(article.id, str(exc)))
                continue
            origin = article.origin
            raw = origin.raw if origin is not None else article.text
            fixed, refused = fixed_file(raw, origin, outcome.edits)
            out.append(FileFix(outcome, files.get(article.id), raw, fixed, refused))
        return out

    # --- outputs ------------------------------------------------------------------------------
    @staticmethod
    def diff(results: Sequence[FileFix]) -> str:
        """A unified diff of every changed article (``a/PATH`` -> ``b/PATH``)."""
        parts: list[str] = []
        for r in results:
            if not r.changed:
                continue
            name = r.path or r.id
            lines = difflib.unified_diff(
                r.raw.splitlines(keepends=True),
                r.fixed_text.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
            for line in lines:
                parts.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(parts)

    def write_in_place(self, results: Sequence[FileFix]) -> None:
        from mtcheck.output import write_atomic

        for r in results:
            if r.path is not None and r.changed:
                write_atomic(r.path, *_encoded(r.path, r.fixed_text))

    def write_dir(self, results: Sequence[FileFix], folder: Path, inputs: Sequence[str]) -> None:
        """Each article under ``folder`` with the name it has in its input; JSONL files as JSONL."""
        from mtcheck.output import write_atomic

        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{folder}: cannot create the output folder ({exc.strerror or exc})") from None
        target_root = folder.resolve()
        by_id = {r.id: r for r in results}
        for source in inputs:
            src = Path(source)
            if src.is_dir() and src.resolve() == target_root:
                raise OutputError(f"{folder}: is an input folder; use --in-place to rewrite the inputs")
            if source.endswith((".jsonl", ".ndjson")):
                write_atomic(folder / src.name, _fixed_jsonl(source, by_id))
        for r in results:
            if r.path is None:
                continue
            name = _relative(r, inputs)
            target = (folder / name).resolve()
            if target_root not in target.parents:
                raise OutputError(f"{r.id}: would be written outside {folder}")
            if Path(r.path).resolve() == target:
                raise OutputError(f"{r.path}: --output-dir would overwrite the input; use --in-place")
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, *_encoded(r.path, r.fixed_text))

    def summary(self, results: Sequence[FileFix]) -> list[str]:
        """One line per article (ruff style): fixed, remaining, and fixes held back."""
        lines = []
        for r in results:
            o = r.outcome
            name = r.path or r.id
            left = len(o.after.findings)
            unsafe = sum(1 for f in o.after.findings if f.fix and f.fix.applicability.value == "unsafe")
            line = f"mtcheck: {name}: fixed {len(o.applied)}, {left} remaining"
            if unsafe and not self.fixer.unsafe:
                line += f" ({unsafe} with an unsafe fix: --unsafe-fixes)"
            if o.rejected:
                line += f"; {len(o.rejected)} fix(es) not applied: they made a new finding"
            if r.refused:
                line += f"; {len(r.refused)} edit(s) cross markup and were not applied to the file"
            lines.append(line)
        return lines


def _relative(r: FileFix, inputs: Sequence[str]) -> str:
    """The article's name relative to the folder it was found in, else its file name."""
    assert r.path is not None
    for source in inputs:
        if Path(source).is_dir():
            try:
                return Path(r.path).relative_to(source).as_posix()
            except ValueError:
                continue
    return Path(r.path).name


def _encoded(path: str, text: str) -> tuple[str, str]:
    """Text and encoding that keep a file's byte-order mark and UTF-16 as they were."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError:
        return text, "utf-8"
    if head.startswith(codecs.BOM_UTF8):
        return "\ufeff" + text, "utf-8"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "\ufeff" + text, "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "\ufeff" + text, "utf-16-be"
    return text, "utf-8"


def _fixed_jsonl(path: str, by_id: Mapping[str, FileFix]) -> str:
    """The JSONL file with each fixed line's ``mt`` replaced; other lines and keys as they were."""
    from mtcheck.readers import read_text_file

    out = []
    for line in read_text_file(path).split("\n"):
        try:
            item = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            item = None
        result = (
            by_id.get(item.get("id")) if isinstance(item, dict) and isinstance(item.get("id"), str) else None
        )
        if result is None or not result.changed:
            out.append(line)
            continue
        item["mt"] = result.fixed_text
        out.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(out)
