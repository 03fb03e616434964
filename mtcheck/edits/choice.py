"""Which fixes one pass applies: allowed ones, in a deterministic order, none in conflict.

Pure functions of findings, shared by the fix loop and the reports' before/after previews.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtcheck.document import Applicability, Edit, Finding
from mtcheck.edits.ops import conflicts

__all__ = ["allowed", "choose", "fix_key"]


def allowed(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    if fix is None or not fix.edits:
        return False
    return fix.applicability is Applicability.SAFE or (unsafe and fix.applicability is Applicability.UNSAFE)


def _order(finding: Finding) -> tuple[int, int, str]:
    edits = finding.fix.edits  # type: ignore[union-attr]
    lo, hi = min(e.start for e in edits), max(e.end for e in edits)
    return lo, -(hi - lo), finding.code


def choose(findings: Sequence[Finding], unsafe: bool, rejected: set[tuple]) -> list[Finding]:
    """Fixes to apply in one pass: allowed, not rejected before, no two in conflict."""
    chosen: list[Finding] = []
    taken: list[Edit] = []
    for f in sorted((f for f in findings if allowed(f, unsafe)), key=_order):
        if fix_key(f) in rejected:
            continue
        edits = f.fix.edits  # type: ignore[union-attr]
        if any(conflicts(a, b) for a in edits for b in taken):
            continue
        chosen.append(f)
        taken.extend(edits)
    return chosen


def fix_key(f: Finding) -> tuple:
    """Identifies a fix across passes, whose offsets move: rule, old text and new text."""
    edits = f.fix.edits if f.fix else ()
    return (f.code, f.text, tuple(e.replacement for e in edits))
