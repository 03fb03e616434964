"""The one tokenisation of words: tokens, the word diff over them, and the groups the QE counts.

A token is a word (letters and digits, with inner apostrophes, hyphens and dots kept inside:
``don't``, ``air-defence``, ``U.S``, ``3.5``) or one other non-space character (a punctuation mark);
whitespace separates tokens and is never one, and every other character is in exactly one token.
:class:`mtcheck.document.Document` tokenises its sentences once, lazily (``Document.tokens``,
``Document.words``), and everything that counts or compares words reads that: the rules
(``RuleContext.words``), the divergence rules' and the HTML report's word diff, sentence scoring,
the fluency stage (its word units: the LM's sub-word surprisals are summed onto these tokens) and
the quality model (its whitespace words are runs of adjacent tokens, :func:`runs`).

It is the fluency stage's former unit, so the fitted fluency calibration keeps its meaning.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

TOKEN = re.compile(r"[^\W_](?:[\w’'\-.]*[^\W_])?|\S")

Token = tuple[int, int, str]  # (start, end, text), offsets into the tokenised text plus its base
Opcode = tuple[str, int, int, int, int]  # difflib's (tag, a_lo, a_hi, b_lo, b_hi), token indices


def tokens(text: str, base: int = 0) -> list[Token]:
    """The tokens of ``text`` in order; offsets shifted by ``base`` (a slice's start in its document)."""
    return [(m.start() + base, m.end() + base, m.group()) for m in TOKEN.finditer(text)]


def is_word(token: Token) -> bool:
    """A word, not a punctuation mark."""
    return token[2][0].isalnum()


def runs(tokens: Sequence[Token]) -> list[list[Token]]:
    """Tokens grouped into runs with no space between them: the whitespace-separated words that the
    WMT word-level QE task and the MQM benchmark count (``Kyiv,`` is one run of two tokens)."""
    out: list[list[Token]] = []
    for token in tokens:
        if out and out[-1][-1][1] == token[0]:
            out[-1].append(token)
        else:
            out.append([token])
    return out


def diff(a: Sequence[Token], b: Sequence[Token]) -> list[Opcode]:
    """How ``a`` turns into ``b``, compared case-insensitively, without difflib's junk heuristic
    (which would treat frequent words such as "the" as junk in long texts)."""
    matcher = difflib.SequenceMatcher(
        a=[t[2].lower() for t in a], b=[t[2].lower() for t in b], autojunk=False
    )
    return [tuple(op) for op in matcher.get_opcodes()]  # type: ignore[misc]
