"""Inline suppression comments: ``<!-- mtcheck: disable=MT201,MT3 -->`` ... ``<!-- mtcheck: enable -->``."""

from __future__ import annotations

import re

DIRECTIVE = re.compile(r"^\s*mtcheck:\s*(disable|enable)(?:\s*=\s*([A-Za-z0-9,\s]+))?\s*$")


def parse_directive(comment: str) -> tuple[str, frozenset[str] | None] | None:
    """('disable'|'enable', codes or None for all) for an mtcheck comment, else None."""
    match = DIRECTIVE.match(comment)
    if not match:
        return None
    codes = match.group(2)
    parsed = frozenset(c.strip().upper() for c in codes.split(",") if c.strip()) if codes else None
    return match.group(1), parsed


class SuppressionTracker:
    """Turns a stream of directives at analysed-text offsets into suppressed ranges."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int, frozenset[str] | None]] = []
        self._open: tuple[int, frozenset[str] | None] | None = None

    def directive(self, comment: str, offset: int) -> None:
        parsed = parse_directive(comment)
        if parsed is None:
            return
        kind, codes = parsed
        if kind == "disable":
            self.close(offset)
            self._open = (offset, codes)
        else:
            self.close(offset)

    def close(self, offset: int) -> None:
        if self._open is not None:
            self.ranges.append((self._open[0], offset, self._open[1]))
            self._open = None
