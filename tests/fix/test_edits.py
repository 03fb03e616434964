"""Edits: minimal replacements, deletions that tidy up after themselves, passes, conflicts, blame."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mtcheck.config import load_config
from mtcheck.document import Applicability, Edit, Finding, Severity
from mtcheck.edits.derive import deletion, minimal_edit
from mtcheck.edits.ops import Composer, apply, conflicts, shift
from mtcheck.fix.loop import Fixer, choose, introduced
from mtcheck.pipeline import Checker
from mtcheck.readers import Article
from mtcheck.rules import REGISTRY, Rule, RuleContext
from mtcheck.segment import segment


@pytest.mark.parametrize(
    ("text", "span", "suggestion", "edit"),
    [
        ("in 2024″Nato added", "″Nato", "” Nato", Edit(7, 8, "” ")),
        ("the nato summit", "nato", "NATO", Edit(4, 8, "NATO")),
        ("said the the talks", "the the", "the", Edit(8, 12, "")),  # the second copy and its space
        ("from Iran.”Gave", ".”", ".” ", Edit(11, 11, " ")),  # an insertion
        ("a Forum of", "Forum", "forum", Edit(2, 3, "f")),
    ],
)
def test_minimal_edit_changes_only_what_differs(text: str, span: str, suggestion: str, edit: Edit) -> None:
    start = text.index(span)
    got = minimal_edit(text, start, start + len(span), suggestion)
    assert got == edit
    assert apply(text, [got]) == text[:start] + suggestion + text[start + len(span) :]


def test_minimal_edit_of_no_change_is_none() -> None:
    assert minimal_edit("NATO met", 0, 4, "NATO") is None


@pytest.mark.parametrize(
    ("text", "leak", "expected"),
    [
        # A paragraph of its own: it goes with one blank line.
        (
            "The talks ended.\n\nMinisters at the summit (Photo: Reuters)\n\nThey meet again in May.",
            "Ministers at the summit (Photo: Reuters)",
            "The talks ended.\n\nThey meet again in May.",
        ),
        # The first paragraph: the blank line after it goes.
        ("Tags: EU, Energy\n\nPrices fell in March.", "Tags: EU, Energy", "Prices fell in March."),
        # At the end of a sentence: the space before it goes.
        (
            "The minister resigned on Friday. (AP Photo/Jane Doe)\n\nHer party named a successor.",
            "(AP Photo/Jane Doe)",
            "The minister resigned on Friday.\n\nHer party named a successor.",
        ),
        # At the start of a line, before the text: the space after it goes.
        (
            " updated 2023-05-02 The storm hit the coast.",
            "updated 2023-05-02",
            " The storm hit the coast.",
        ),
        # A line of its own inside a paragraph: the line and its break go.
        (
            "Floods closed the road.\nRead more: Storm warnings for the weekend\n"
            "Crews worked all night.\n\nEnd.",
            "Read more: Storm warnings for the weekend",
            "Floods closed the road.\nCrews worked all night.\n\nEnd.",
        ),
    ],
)
def test_deletion_leaves_no_stray_space(text: str, leak: str, expected: str) -> None:
    doc = segment(text)
    start = text.index(leak)
    assert apply(text, [deletion(doc, start, start + len(leak))]) == expected


def test_conflicts_are_overlaps_and_shared_starts() -> None:
    assert conflicts(Edit(2, 5, "x"), Edit(4, 6, "y"))
    assert conflicts(Edit(3, 3, "x"), Edit(3, 3, "y"))  # two insertions at one place
    assert conflicts(Edit(3, 3, "x"), Edit(3, 5, "y"))
    assert conflicts(Edit(2, 6, ""), Edit(4, 4, "y"))  # an insertion inside a deletion
    assert not conflicts(Edit(2, 4, "x"), Edit(4, 6, "y"))  # touching is fine
    assert not conflicts(Edit(2, 4, "x"), Edit(4, 4, "y"))


def test_shift_moves_offsets_through_edits() -> None:
    edits = [Edit(0, 1, "AA"), Edit(5, 8, "")]
    assert shift(3, edits) == 4
    assert shift(9, edits) == 7
    assert shift(6, edits) == 6  # inside the deletion: its start
    assert shift(5, [Edit(5, 5, "xy")]) == 5 and shift(5, [Edit(5, 5, "xy")], after=True) == 7


def test_composer_gives_one_edit_list_over_the_first_text() -> None:
    original = "the nato  summit in brussels ended"
    composer = Composer(original)
    first = [Edit(4, 8, "NATO"), Edit(20, 21, "B")]
    composer.apply(first)
    middle = apply(original, first)
    second = [Edit(8, 9, ""), Edit(0, 1, "T")]
    second.sort(key=lambda e: e.start)
    composer.apply(second)
    final = apply(middle, second)
    assert composer.text() == final == "The NATO summit in Brussels ended"
    assert apply(original, composer.edits()) == final
    # Edits are minimal and sorted (touching ones join): nothing outside what changed is rewritten.
    assert [original[e.start : e.end] for e in composer.edits()] == ["t", "nato ", "b"]


def _finding(code: str, start: int, end: int, edits: tuple[Edit, ...], kind=Applicability.SAFE) -> Finding:
    from mtcheck.document import Fix

    return Finding(
        code, code.lower(), "spacing", Severity.WARNING, start, end, "x", "m", fix=Fix(kind, edits)
    )


def test_choose_is_deterministic_and_prefers_the_wider_fix() -> None:
    a = _finding("MT201", 1, 5, (Edit(1, 2, "D"),))
    b = _finding("MT522", 1, 16, (Edit(1, 17, ""),), Applicability.UNSAFE)
    c = _finding("MT203", 20, 24, (Edit(20, 24, "NATO"),))
    assert choose([a, b, c], unsafe=False, rejected=set()) == [a, c]
    assert choose([c, b, a], unsafe=True, rejected=set()) == [b, c]
    assert choose([a, c], unsafe=False, rejected=set()) == choose([c, a], unsafe=False, rejected=set())


def test_display_fixes_are_never_chosen() -> None:
    hint = _finding("MT502", 5, 6, (Edit(5, 6, "."),), Applicability.DISPLAY)
    assert choose([hint], unsafe=True, rejected=set()) == []


def test_introduced_matches_findings_through_the_edits() -> None:
    old = [_finding("MT203", 10, 14, ())]
    edits = [Edit(0, 3, "")]
    moved = _finding("MT203", 7, 11, ())
    fresh = _finding("MT541", 0, 4, ())
    assert introduced(old, [moved, fresh], edits) == [fresh]


class _Typo(Rule):
    """A test rule: `teh` is a typo for `the` (safe). Not registered."""

    code = "MT999"
    name = "test-typo"
    category = "spacing"
    summary = why = fix = "test"
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        import re

        for m in re.finditer(r"\bteh\b", ctx.text):
            yield self.finding(ctx, m.start(), m.end(), "typo", suggestion="the")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # `teh` -> `the` would make `the the` (a new MT541 finding): that fix is held back,
        # the one in the other paragraph goes through.
        (
            "The fire spread to teh the houses.\n\nCrews saw teh flames.",
            "The fire spread to teh the houses.\n\nCrews saw the flames.",
        ),
        (
            "Voters chose teh the mayor.\n\nTurnout was teh highest.",
            "Voters chose teh the mayor.\n\nTurnout was the highest.",
        ),
    ],
)
def test_a_fix_that_makes_a_new_finding_is_not_applied(text: str, expected: str) -> None:
    checker = Checker(load_config(None).merged(fluency=False))
    checker.rules = [_Typo(), REGISTRY["MT541"]()]
    outcome = Fixer(checker).fix(Article("t", text))
    assert outcome.text == expected
    assert [f.text for f in outcome.rejected] == ["teh"]
    assert len(outcome.after.findings) <= len(outcome.before.findings)
