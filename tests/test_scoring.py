"""Quality scores and the gate: the hazard model of mtcheck/scoring.py."""

from __future__ import annotations

import math

import pytest

from mtcheck.document import AlignedPair, Finding, FluencyResult, SentenceFluency, Severity
from mtcheck.scoring import (
    ADEQUACY_RATE,
    CLEAN_GIVEN_FINDING,
    RULE_SCALE,
    document_quality,
    sentence_scores,
    verdict,
)
from mtcheck.segment import segment

TEXT = "The ministers met in Brussels on Tuesday. They agreed to meet again in March next year."


def finding(start: int, end: int, severity: Severity) -> Finding:
    return Finding("MT999", "test", "structure", severity, start, end, TEXT[start:end], "m")


def test_no_signal_scores_100() -> None:
    doc = segment(TEXT)
    scores = sentence_scores(doc, [])
    assert [s.quality for s in scores] == [100.0, 100.0]
    assert document_quality(doc, scores, []) == 100.0


@pytest.mark.parametrize("severity", list(Severity))
def test_one_finding_costs_its_severity(severity: Severity) -> None:
    doc = segment(TEXT)
    scores = sentence_scores(doc, [finding(4, 13, severity)])
    expected = 100 * CLEAN_GIVEN_FINDING[severity] ** RULE_SCALE
    assert scores[0].quality == pytest.approx(expected)
    assert scores[1].quality == 100.0


def test_severities_are_ordered_and_findings_accumulate() -> None:
    doc = segment(TEXT)
    q = {sev: sentence_scores(doc, [finding(4, 13, sev)])[0].quality for sev in Severity}
    assert q[Severity.ERROR] < q[Severity.WARNING] < q[Severity.INFO] < 100
    two = sentence_scores(doc, [finding(4, 13, Severity.WARNING), finding(14, 17, Severity.WARNING)])[0]
    assert two.quality == pytest.approx(q[Severity.WARNING] ** 2 / 100)


def test_adequacy_costs_more_for_longer_divergent_sentences() -> None:
    doc = segment(TEXT)
    alignment = [AlignedPair((0,), (0,), 0.5, chrf=60.0), AlignedPair((1,), (1,), 0.5, chrf=60.0)]
    short, long = sentence_scores(doc, [], alignment)
    assert short.chrf == long.chrf == 60.0
    assert long.quality < short.quality
    words = len(doc.sentences[0].text.split())
    assert short.quality == pytest.approx(100 * math.exp(-ADEQUACY_RATE * words * 0.4))


def test_addition_without_counterpart_gets_no_adequacy_penalty() -> None:
    doc = segment(TEXT)
    scores = sentence_scores(
        doc, [], [AlignedPair((0,), (), 0.0, chrf=0.0), AlignedPair((1,), (0,), 0.9, chrf=100.0)]
    )
    assert scores[0].quality == 100.0 and scores[0].chrf is None


def test_fluency_lowers_quality_and_is_reported() -> None:
    doc = segment(TEXT)
    fluency = FluencyResult("lm", [SentenceFluency(0, 40.0, 5.0), SentenceFluency(1, 100.0, 2.0)], 70.0)
    scores = sentence_scores(doc, [], fluency=fluency)
    assert scores[0].fluency == 40.0 and scores[0].quality < 100.0
    assert scores[1].quality == 100.0


def test_document_quality_is_length_weighted() -> None:
    doc = segment(TEXT)
    scores = sentence_scores(doc, [finding(4, 13, Severity.ERROR)])
    q = document_quality(doc, scores, [])
    assert scores[0].quality < q < 100
    lengths = [len(s.text) for s in doc.sentences]
    assert q == pytest.approx((lengths[0] * scores[0].quality + lengths[1] * 100) / sum(lengths))


@pytest.mark.parametrize(
    ("severities", "fail_on", "min_score", "quality", "expected"),
    [
        ([], "error", None, 100, "pass"),
        ([Severity.WARNING], "error", None, 90, "pass"),
        ([Severity.WARNING], "warning", None, 90, "fail"),
        ([Severity.INFO], "warning", None, 90, "pass"),
        ([Severity.INFO], "info", None, 90, "fail"),
        ([Severity.ERROR], "never", None, 10, "pass"),
        ([Severity.ERROR], "never", 50, 10, "fail"),
        ([], "error", 95, 94.9, "fail"),
    ],
)
def test_verdict(
    severities: list[Severity], fail_on: str, min_score: float | None, quality: float, expected: str
) -> None:
    found = [finding(0, 3, s) for s in severities]
    assert verdict(found, quality, fail_on, min_score) == expected
