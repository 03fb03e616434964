"""Every setting that can change a finding or a score shows in the report's signature.

Each test makes two runs that differ in one setting only, with real (tiny or packaged) models, and
checks that their signatures differ in that setting's part and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcheck import baseline
from mtcheck.config import Config
from mtcheck.document import Report
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

MT = "Finance Minister Lindner presented the budget to parliament on Wednesday afternoon."
REF = "Finance Minister Habeck presented the budget to parliament on Wednesday afternoon."


def _parts(report: Report) -> dict[str, str]:
    """The rendered signature as {key: value}."""
    return dict(part.split(":", 1) for part in report.signature.render().split("|"))


def _differ(one: Report, two: Report) -> set[str]:
    a, b = _parts(one), _parts(two)
    return {key for key in a.keys() | b.keys() if a.get(key) != b.get(key)}


def _qe_run(findings: str, model: str = "on") -> Report:
    config = Config(
        fluency="off", fail_on="never", quality_model=model, embeddings="on", quality_findings=findings
    )
    return Checker(config).run([Article("t", MT, reference=REF)], strict=True)


def test_the_quality_models_finding_threshold_is_in_the_signature() -> None:
    precise, balanced = _qe_run("precise"), _qe_run("balanced")
    assert (precise.signature.quality_findings, balanced.signature.quality_findings) == (
        "precise",
        "balanced",
    )
    assert _differ(precise, balanced) == {"qe-findings"}
    assert _parts(precise)["qe-findings"] == "precise"
    # Without the quality model the threshold changes nothing, and the signature does not name it.
    off_precise, off_balanced = _qe_run("precise", "off"), _qe_run("balanced", "off")
    assert off_precise.signature == off_balanced.signature
    assert off_precise.signature.quality_findings is None and "qe" not in _parts(off_precise)


def test_scoring_a_report_again_keeps_its_models_and_how_they_ran() -> None:
    report = _qe_run("balanced")
    again = baseline.apply(report, {}, Config(fail_on="never").rule_settings)
    assert again.signature == report.signature
    assert again.signature.quality_model and again.signature.quality_findings == "balanced"


@pytest.fixture(scope="module")
def marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.backends.tiny_marian import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("marian"))


def _mt_run(folder: Path, **settings) -> Report:
    config = Config(
        mt_model=str(folder), cache=False, fluency="off", embeddings="off", src_lang="es", device="cpu",
        threads=1, **settings,
    )  # fmt: skip
    article = Article("a", "NATO said the allies met.", source="La OTAN dijo que los aliados se reunieron.")
    return Checker(config).run([article], strict=True)


def test_beam_size_and_length_limit_of_the_translator_are_in_the_signature(marian: Path) -> None:
    base = _mt_run(marian, beam_size=2, max_length=12)
    assert base.signature.decoding == "beam=2,max=12"
    assert _differ(base, _mt_run(marian, beam_size=1, max_length=12)) == {"decode"}
    assert _differ(base, _mt_run(marian, beam_size=2, max_length=8)) == {"decode"}
    # A supplied re-translation was not decoded here: no decode part.
    supplied = Checker(Config(fluency="off", embeddings="off")).run([Article("a", MT, reference=REF)])
    assert supplied.signature.decoding is None and "decode" not in _parts(supplied)


def test_the_lm_arithmetic_is_in_the_signature(tmp_path: Path) -> None:
    from tests.backends.tiny_causal import build_tiny_causal_lm

    folder = build_tiny_causal_lm(tmp_path / "lm")
    runs = {
        precision: Checker(
            Config(fluency="on", fluency_model=str(folder), lm_precision=precision, embeddings="off",
                   device="cpu", threads=1, model_runtime="torch")
        ).run([Article("a", "the allies said that nato will send more .")])
        for precision in ("fp32", "int8")
    }  # fmt: skip
    assert _differ(runs["fp32"], runs["int8"]) == {"lm"}
    assert _parts(runs["int8"])["lm"] == _parts(runs["fp32"])["lm"] + "@int8"


def test_fluency_and_embeddings_on_or_off_are_in_the_signature(tmp_path: Path) -> None:
    from tests.backends.tiny_causal import build_tiny_causal_lm

    folder = build_tiny_causal_lm(tmp_path / "lm")
    article = Article(
        "a", "the allies said that nato will send more .", reference="the allies said nato sends more ."
    )

    def run(**settings) -> Report:
        config = Config(fluency_model=str(folder), device="cpu", threads=1, **settings)
        return Checker(config).run([article])

    on = run(fluency="on", embeddings="on")
    assert _differ(on, run(fluency="off", embeddings="on")) == {"lm"}
    assert _differ(on, run(fluency="on", embeddings="off")) == {"emb"}
    # model-runtime auto: CTranslate2 (installed with the models extra) on CPU at fp32.
    assert _parts(on)["lm"] == f"{folder.name}@ct2" and _parts(on)["emb"] != "none"
