"""`fix` applies every edit, also past the rules' per-document limit of findings, and stays fast.

mtcheck.engine stops a rule after MAX_FINDINGS_PER_RULE findings in one document (a bound for
hostile input). The fix loop must still correct every one: the findings past the limit are fixed
in later passes, not taken for findings the first pass's fixes introduced. Moving findings through
a pass's edits and choosing non-conflicting fixes were quadratic in the number of fixes (12,000
lowercase sentence starts took over 5 minutes); each article here must finish within a minute.
"""

from __future__ import annotations

import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from mtcheck.config import Config
from mtcheck.document import Edit
from mtcheck.edits.choice import _Taken
from mtcheck.edits.ops import Shifter, conflicts, shift
from mtcheck.engine import MAX_FINDINGS_PER_RULE
from mtcheck.fix.loop import Fixer
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

N = MAX_FINDINGS_PER_RULE + 1_500


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def fail(*_: object) -> None:
        raise TimeoutError(f"fix took over {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _lines(make) -> str:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    subjects = ["talks", "ministers", "markets", "the floods", "rescue teams", "the court", "exports"]
    verbs = ["ended", "resumed", "fell", "spread", "arrived", "ruled", "rose"]
    return "".join(make(rng.choice(subjects), rng.choice(verbs), i) for i in range(N))


CASES = {
    # MT201: every line is a paragraph whose sentence starts in lowercase.
    "lowercase sentence starts": (
        lambda s, v, i: f"then {s} {v} on day {i}.\n",
        lambda text: sum(line[:1].islower() for line in text.splitlines()),
    ),
    # MT203: a lowercased acronym in every sentence of long paragraphs.
    "lowercase acronyms": (
        lambda s, v, i: f"Officials said {s} {v} after nato met.{' ' if i % 40 else chr(10) * 2}",
        lambda text: text.count(" nato "),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_fix_applies_every_edit_past_the_per_rule_limit(case: str) -> None:
    make, left = CASES[case]
    text = _lines(make)
    assert left(text) == N
    with _deadline(60):
        outcome = Fixer(Checker(Config(fluency=False))).fix(Article(id="many", text=text))
    assert left(outcome.text) == 0
    assert len(outcome.edits) == N
    assert not outcome.rejected
    assert outcome.passes >= 2  # the limit made the loop come back for the rest


def test_shifter_moves_offsets_as_shift_does() -> None:
    rng = random.Random(3)
    for _ in range(300):
        edits, pos = [], 0
        for _ in range(rng.randint(0, 12)):
            pos += rng.randint(0, 4)
            end = pos + rng.choice([0, 0, 1, 2, 5])
            edits.append(Edit(pos, end, "x" * rng.randint(0, 3)))
            pos = end
        moved = Shifter(edits)
        for p in range(pos + 3):
            for after in (False, True):
                assert moved.shift(p, after) == shift(p, edits, after), (edits, p, after)


def test_taken_edits_conflict_as_a_full_comparison_says() -> None:
    rng = random.Random(5)
    for _ in range(300):
        taken, kept = _Taken(), []
        for _ in range(rng.randint(1, 25)):
            start = rng.randint(0, 30)
            edit = Edit(start, start + rng.choice([0, 0, 1, 3]), "y")
            expected = any(conflicts(edit, b) for b in kept)
            assert taken.conflicts(edit) == expected, (kept, edit)
            if not expected or rng.random() < 0.1:  # now and then a fix whose own edits conflict
                taken.extend([edit])
                kept.append(edit)
