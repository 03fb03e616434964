"""Reports for renderer tests: real pipeline runs, or hand-made findings at chosen words."""

from __future__ import annotations

from pathlib import Path

from mtcheck.config import Config
from mtcheck.document import Finding, FluencyResult, Report, SentenceFluency, Severity
from mtcheck.pipeline import Checker
from mtcheck.readers import Article
from mtcheck.reporting import Judged, build_report
from mtcheck.segment import segment
from mtcheck.settings import RuleSettings
from mtcheck.signature import ModelsUsed

ROOT = Path(__file__).resolve().parents[2]
NATO = ROOT / "examples" / "nato.en.txt"
NATO_REF = ROOT / "examples" / "nato.ref.txt"


def nato_report(reference: bool = True) -> Report:
    article = Article(id="nato.en.txt", text=NATO.read_text(encoding="utf-8"))
    if reference:
        article.reference = NATO_REF.read_text(encoding="utf-8")
    return Checker(Config(fluency=False)).run([article], strict=True)


def made_report(
    text: str,
    marks: list[tuple[str, str, str, str]],
    doc_id: str = "made.txt",
    message: str = "Problem with {text}.",
    suggestion: str | None = "fixed",
    fluency: list[float] | None = None,
) -> Report:
    """A report whose findings sit on the first occurrence of each given substring.

    ``marks`` holds (substring, code, severity, category).
    """
    doc = segment(text, doc_id)
    findings = []
    for needle, code, severity, category in marks:
        start = text.index(needle)
        line, col = doc.line_col(start)
        findings.append(
            Finding(
                code=code,
                name=f"made-{code.lower()}",
                category=category,
                severity=Severity(severity),
                start=start,
                end=start + len(needle),
                text=needle,
                message=message.format(text=needle),
                suggestion=suggestion,
                line=line,
                col=col,
            )
        )
    findings.sort(key=lambda f: (f.start, f.end, f.code))
    flu = None
    if fluency is not None:
        flu = FluencyResult(
            "test-lm",
            [SentenceFluency(i, score, 3.0) for i, score in enumerate(fluency)],
            sum(fluency) / len(fluency),
        )
    # Scored through the one report path, as a run would score these findings (gate: error).
    return build_report([Judged(doc, findings, fluency=flu)], [], RuleSettings(), ModelsUsed())
