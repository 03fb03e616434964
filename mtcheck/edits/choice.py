"""Which fixes one pass applies: allowed ones, in a deterministic order, none in conflict.

Pure functions of findings, shared by the fix loop and the reports' before/after previews.
"""

from __future__ import annotations

from bisect import bisect_left
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
    taken = _Taken()
    for f in sorted((f for f in findings if allowed(f, unsafe)), key=_order):
        if fix_key(f) in rejected:
            continue
        edits = f.fix.edits  # type: ignore[union-attr]
        if any(taken.conflicts(a) for a in edits):
            continue
        chosen.append(f)
        taken.extend(edits)
    return chosen


class _Taken:
    """The edits taken so far, asked whether a new edit conflicts with any of them.

    Taken edits never conflict with each other (unless one fix's own edits do), so sorted by start
    they are disjoint and their ends ascend: only the last one starting before a new edit's end can
    overlap it, found by bisection. Comparing with every taken edit was quadratic (10,000 fixes of
    one article: 25 s a pass). If a fix's own edits conflict, every later question compares with all.
    """

    def __init__(self) -> None:
        self.edits: list[Edit] = []
        self.starts: list[int] = []
        self.disjoint = True

    def conflicts(self, edit: Edit) -> bool:
        if not self.disjoint:
            return any(conflicts(edit, b) for b in self.edits)
        i = bisect_left(self.starts, edit.end)
        if i < len(self.starts) and self.starts[i] == edit.start:
            return True  # same start (an insertion at a replacement's end starts there too)
        return i > 0 and conflicts(edit, self.edits[i - 1])

    def extend(self, edits: Sequence[Edit]) -> None:
        for e in edits:
            if self.disjoint and self.conflicts(e):
                self.disjoint = False
            i = bisect_left(self.starts, e.start)
            self.starts.insert(i, e.start)
            self.edits.insert(i, e)


def fix_key(f: Finding) -> tuple:
    """Identifies a fix across passes, whose offsets move: rule, old text and new text."""
    edits = f.fix.edits if f.fix else ()
    return (f.code, f.text, tuple(e.replacement for e in edits))
