"""Before -> after views of fixes, for reports (pure functions of a finding or a report)."""

from __future__ import annotations

from mtcheck.document import DocumentReport, Finding
from mtcheck.edits.ops import apply

_WORD_EDGE = 12  # characters of context either side before widening to whole words


def before_after(text: str, finding: Finding) -> tuple[str, str] | None:
    """The flagged words before and after the finding's fix: ``('2024″Nato', '2024” Nato')``.

    Spans the finding and its edits, widened to whole words so that an inserted space or a changed
    letter is seen in context. None when the finding has no edits.
    """
    if finding.fix is None or not finding.fix.edits:
        return None
    edits = sorted(finding.fix.edits, key=lambda e: (e.start, e.end))
    lo = min(finding.start, edits[0].start)
    hi = max(finding.end, edits[-1].end)
    floor, ceiling = max(0, lo - _WORD_EDGE), min(len(text), hi + _WORD_EDGE)
    while lo > floor and not text[lo - 1].isspace():
        lo -= 1
    while hi < ceiling and not text[hi].isspace():
        hi += 1
    from mtcheck.document import Edit

    local = [Edit(e.start - lo, e.end - lo, e.replacement) for e in edits]
    return text[lo:hi], apply(text[lo:hi], local)


def corrected_text(report: DocumentReport, unsafe: bool = False) -> str:
    """The document text with one pass of its fixes applied (safe only unless ``unsafe``).

    Conflicting fixes are resolved as ``mtcheck fix`` resolves them; unlike the command, no second
    check runs, so a fix that only appears after another is applied is not included.
    """
    from mtcheck.edits.choice import choose

    chosen = choose(report.findings, unsafe, set())
    edits = sorted((e for f in chosen for e in f.fix.edits), key=lambda e: (e.start, e.end))  # type: ignore[union-attr]
    return apply(report.document.text, edits)


def describe(finding: Finding, text: str) -> str | None:
    """``fix (safe): «A forum» → «a forum»`` for a text report, or None."""
    pair = before_after(text, finding)
    if pair is None or finding.fix is None:
        return None
    before, after = pair
    return f"fix ({finding.fix.applicability.value}): {before} → {after}"
