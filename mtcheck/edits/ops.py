"""Edits over a text: choosing a non-overlapping set, applying it, and composing passes.

All offsets are code points. Lists of edits passed around here are sorted and never overlap.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from mtcheck.document import Edit


def conflicts(a: Edit, b: Edit) -> bool:
    """Two edits that cannot both be applied in one pass: they overlap, or they start at the same
    place (two insertions there, or an insertion before a replacement, have no defined order)."""
    return (a.start < b.end and b.start < a.end) or a.start == b.start


def apply(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with sorted, non-overlapping ``edits`` applied."""
    parts: list[str] = []
    pos = 0
    for e in edits:
        parts.append(text[pos : e.start])
        parts.append(e.replacement)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def shift(pos: int, edits: Sequence[Edit], after: bool = False) -> int:
    """Where offset ``pos`` lands once ``edits`` are applied.

    Inside a replaced span it lands at the replacement's start (or end with ``after``).
    """
    delta = 0
    for e in edits:
        if e.end <= pos and not (e.start == e.end == pos and not after):
            delta += len(e.replacement) - (e.end - e.start)
        elif e.start < pos < e.end or (e.start == pos == e.end and after):
            return e.start + delta + (len(e.replacement) if after else 0)
        elif e.start >= pos:
            break
    return pos + delta


class Shifter:
    """:func:`shift` for many offsets through one list of edits, by bisection.

    ``shift`` scans the edits up to the offset: moving every finding of a long article through the
    edits of a pass was quadratic (10,000 fixes: 30 s). Here each offset costs a bisection. Edits
    sorted and not overlapping (each ends at or before the next starts, as the fix loop makes them)
    give exactly ``shift``'s result; any other list is handed to ``shift`` itself.
    """

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.edits = list(edits)
        self.ordered = all(a.end <= b.start for a, b in itertools.pairwise(self.edits))
        self.ends = [e.end for e in self.edits]
        self.delta = [0]  # delta[k]: the change in length made by the first k edits
        for e in self.edits:
            self.delta.append(self.delta[-1] + len(e.replacement) - (e.end - e.start))

    def shift(self, pos: int, after: bool = False) -> int:
        if not self.ordered:
            return shift(pos, self.edits, after)
        edits = self.edits
        # The edits ``shift`` counts before ``pos``: those ending at or before it, except that without
        # ``after`` it stops at an insertion at ``pos`` (those come last among them).
        k = bisect_right(self.ends, pos)
        if not after:
            while k and edits[k - 1].start == edits[k - 1].end == pos:
                k -= 1
        if k < len(edits) and edits[k].start < pos < edits[k].end:
            e = edits[k]
            return e.start + self.delta[k] + (len(e.replacement) if after else 0)
        return pos + self.delta[k]


def applied_span(edit: Edit, edits: Sequence[Edit]) -> tuple[int, int]:
    """The span an edit's replacement occupies after ``edits`` (which include it) are applied."""
    delta = 0
    for e in edits:
        if e is edit:
            return e.start + delta, e.start + delta + len(e.replacement)
        delta += len(e.replacement) - (e.end - e.start)
    raise ValueError("edit not in the list")


class Composer:
    """Follows a text through several passes of edits and returns one edit list over the first text.

    The current text is kept as segments: ``(start, end)`` of the original text, or inserted strings.
    """

    def __init__(self, original: str) -> None:
        self.original = original
        self.segments: list[tuple[int, int] | str] = [(0, len(original))] if original else []

    @staticmethod
    def _length(seg: tuple[int, int] | str) -> int:
        return len(seg) if isinstance(seg, str) else seg[1] - seg[0]

    @staticmethod
    def _slice(seg: tuple[int, int] | str, lo: int, hi: int) -> tuple[int, int] | str:
        return seg[lo:hi] if isinstance(seg, str) else (seg[0] + lo, seg[0] + hi)

    def apply(self, edits: Iterable[Edit]) -> None:
        """Apply sorted, non-overlapping edits given in the coordinates of the current text."""
        out: list[tuple[int, int] | str] = []
        segs = self.segments
        state = {"i": 0, "off": 0, "cur": 0}

        def advance(upto: int, keep: bool) -> None:
            while state["cur"] < upto and state["i"] < len(segs):
                seg = segs[state["i"]]
                length = self._length(seg)
                take = min(length - state["off"], upto - state["cur"])
                if keep and take:
                    out.append(self._slice(seg, state["off"], state["off"] + take))
                state["off"] += take
                state["cur"] += take
                if state["off"] >= length:
                    state["i"] += 1
                    state["off"] = 0

        for e in edits:
            advance(e.start, True)
            advance(e.end, False)
            if e.replacement:
                out.append(e.replacement)
        advance(sum(self._length(s) for s in segs), True)
        self.segments = out

    def text(self) -> str:
        return "".join(s if isinstance(s, str) else self.original[s[0] : s[1]] for s in self.segments)

    def edits(self) -> list[Edit]:
        """Minimal edits that turn the original text into the current one."""
        from mtcheck.edits.derive import minimal_edit

        out: list[Edit] = []
        pos, pending = 0, ""

        def emit(upto: int) -> None:
            if upto > pos or pending:
                edit = minimal_edit(self.original, pos, upto, pending)
                if edit is not None:
                    out.append(edit)

        for seg in self.segments:
            if isinstance(seg, str):
                pending += seg
                continue
            if seg[0] != pos or pending:
                emit(seg[0])
            pos, pending = seg[1], ""
        emit(len(self.original))
        return out
