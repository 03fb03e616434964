"""Every registered rule: metadata is complete, examples behave, spans index the text exactly."""

from __future__ import annotations

import pytest

from mtcheck.document import CATEGORIES
from mtcheck.rules import REGISTRY
from tests.helpers import run_rule

CODES = sorted(REGISTRY)


def test_registry_is_not_empty() -> None:
    assert len(CODES) >= 10


@pytest.mark.parametrize("code", CODES)
def test_metadata(code: str) -> None:
    rule = REGISTRY[code]
    assert rule.code == code
    assert rule.category in CATEGORIES
    assert rule.name and rule.name == rule.name.lower() and " " not in rule.name
    assert rule.summary and rule.why and rule.fix
    passes, fails = rule.examples()
    assert passes, f"{code} has no passing example"
    assert fails, f"{code} has no failing example"


@pytest.mark.parametrize("code", CODES)
def test_passing_examples_stay_quiet(code: str) -> None:
    passes, _ = REGISTRY[code].examples()
    for example in passes:
        found = run_rule(code, example.mt, example.reference, example.src_lang)
        assert not found, f"{code} fired on a passing example: {[f.text for f in found]} in {example.mt!r}"


@pytest.mark.parametrize("code", CODES)
def test_failing_examples_are_flagged_exactly(code: str) -> None:
    _, fails = REGISTRY[code].examples()
    for example in fails:
        found = run_rule(code, example.mt, example.reference, example.src_lang)
        assert found, f"{code} missed its failing example {example.mt!r}"
        for f in found:
            assert example.mt[f.start : f.end] == f.text
            assert f.text == f.text.strip() and f.text
            assert f.message
        texts = [f.text for f in found]
        for expected in example.flagged:
            assert expected in texts, f"{code}: expected {expected!r} flagged, got {texts}"
