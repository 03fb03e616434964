"""The word diff: one tokenisation of words and punctuation, and one diff over it.

Used by the divergence rules (MT6xx: which MT words the re-translation does not support) and by the
HTML report's side-by-side view, so that the page marks the words a finding is about. A token is a
word (letters and digits, with inner apostrophes and hyphens: ``don't``, ``air-defence``) or one
punctuation mark; whitespace separates tokens and is never one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

TOKEN = re.compile(r"\w+(?:[’'\-]\w+)*|[^\w\s]")

Token = tuple[int, int, str]  # (start, end, text), offsets into the tokenised text plus its base
Opcode = tuple[str, int, int, int, int]  # difflib's (tag, a_lo, a_hi, b_lo, b_hi), token indices


def tokens(text: str, base: int = 0) -> list[Token]:
    """The tokens of ``text`` in order; offsets shifted by ``base`` (a slice's start in its document)."""
    return [(m.start() + base, m.end() + base, m.group()) for m in TOKEN.finditer(text)]


def is_word(token: Token) -> bool:
    """A word, not a punctuation mark."""
    return token[2][0].isalnum()


def diff(a: Sequence[Token], b: Sequence[Token]) -> list[Opcode]:
    """How ``a`` turns into ``b``, compared case-insensitively, without difflib's junk heuristic
    (which would treat frequent words such as "the" as junk in long texts)."""
    matcher = difflib.SequenceMatcher(
        a=[t[2].lower() for t in a], b=[t[2].lower() for t in b], autojunk=False
    )
    return [tuple(op) for op in matcher.get_opcodes()]  # type: ignore[misc]
