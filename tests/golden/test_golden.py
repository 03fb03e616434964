"""The JSON reports of fixed inputs stay byte-identical, except the signature string.

A failure means findings, scores, offsets or the report's shape changed. If that is on purpose,
regenerate the goldens in the same commit (tests/golden/regenerate.py says how) and say why.
"""

from __future__ import annotations

import difflib

import pytest

from tests.golden import regenerate

FLUENCY = {"nato_fluency.json", "nato_fluency_ref.json"}


def _first_difference(expected: str, actual: str) -> str:
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "now", n=2, lineterm="")
    return "\n".join(list(diff)[:40])


@pytest.mark.parametrize("name", sorted(regenerate.CASES))
def test_report_matches_golden(name: str, request: pytest.FixtureRequest) -> None:
    if name in FLUENCY:
        request.getfixturevalue("embedded_home")  # the embedded fluency model, converted once per session
    expected = regenerate.without_signature(regenerate.read_golden(name))
    actual = regenerate.without_signature(regenerate.CASES[name]())
    assert actual == expected, (
        f"{name} differs from its golden (regenerate on purpose only: tests/golden/regenerate.py):\n"
        + _first_difference(expected, actual)
    )


def test_mqm_dev_set_is_read_in_full() -> None:
    # The golden batch must cover the whole dev set: 6 documents x 10 systems, 10 segments each.
    items = regenerate.mqm_articles()
    assert len(items) == 60
    assert all(item["mt"].count("\n\n") == 9 and item["reference"].count("\n\n") == 9 for item in items)
    assert len({item["id"] for item in items}) == 60


def test_signature_is_the_only_part_ignored() -> None:
    report = regenerate.read_golden("nato_rules.json")
    blanked = regenerate.without_signature(report)
    assert blanked != report and '"signature": ""' in blanked
    # Everything else is compared: one changed character in a finding is a difference.
    changed = report.replace('"code": "MT', '"code": "XT', 1)
    assert regenerate.without_signature(changed) != blanked
