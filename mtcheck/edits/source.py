"""Carry edits of the analysed text into the file the article was read from.

Plain text keeps every byte outside the edits (CRLF line ends and non-NFC letters included): an edit
lands on the characters its analysed span came from. Markdown and HTML edits land in the text the
reader kept, never in markup: an edit that spans markup is split at it, each text piece edited in
place (``the <b>the</b>`` loses the second ``the``, keeps ``<b></b>``). An edit that would cut an
atomic piece (half of ``&amp;``) or that has no place in the file is refused and reported.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mtcheck.document import Edit
from mtcheck.edits.ops import apply

if TYPE_CHECKING:  # a type only: edits sit below the readers, which hand the Origin in
    from mtcheck.readers.origin import Origin


@dataclass
class Placed:
    """Edits over the original file text, and the analysed edits that could not be placed."""

    edits: list[Edit]
    refused: list[Edit]


def place(origin: Origin, edits: Sequence[Edit]) -> Placed:
    """Map sorted analysed ``edits`` onto ``origin.raw``."""
    runs = origin.map
    newline = "\r\n" if "\r\n" in origin.raw else "\n"
    placed: list[Edit] = []
    refused: list[Edit] = []
    for edit in edits:
        replacement = edit.replacement.replace("\n", newline) if newline != "\n" else edit.replacement
        if origin.format == "html":
            replacement = html.escape(replacement, quote=False)
        if edit.start == edit.end:
            at = runs.boundary(edit.start)
            pieces = None if at is None else [(at, at)]
        else:
            pieces = runs.pieces(edit.start, edit.end)
        if not pieces:
            refused.append(edit)
            continue
        real = [p for p in pieces if p[1] > p[0]] or pieces[:1]
        out = [Edit(real[0][0], real[0][1], replacement)]
        out.extend(Edit(s, e, "") for s, e in real[1:])
        merged: list[Edit] = []
        for e in out:  # pieces that touch become one edit
            if merged and merged[-1].end == e.start:
                merged[-1] = Edit(merged[-1].start, e.end, merged[-1].replacement + e.replacement)
            else:
                merged.append(e)
        if (placed and merged[0].start < placed[-1].end) or any(
            a.end > b.start for a, b in itertools.pairwise(merged)
        ):
            refused.append(edit)  # would overlap a neighbour in the file: never guess
            continue
        placed.extend(merged)
    return Placed(placed, refused)


def fixed_file(raw: str, origin: Origin | None, edits: Sequence[Edit]) -> tuple[str, list[Edit]]:
    """The corrected file text and the analysed edits that could not be placed in it.

    ``origin`` None means the analysed text is the file itself.
    """
    if origin is None:
        return apply(raw, edits), []
    result = place(origin, edits)
    return apply(raw, result.edits), result.refused
