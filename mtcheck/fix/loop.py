"""The fix loop: apply the fixes a check found, check again, until nothing more can be fixed.

Each pass checks the current text, takes the fixes allowed (safe, and unsafe with ``unsafe=True``)
in a deterministic order — leftmost first, then the wider edit, then the rule code — and skips any
that conflicts with one already taken (it gets its turn in the next pass, against the new text).
The text is checked again after the pass; a finding that was not there before (matched by rule
code and position through the edits) rejects the fixes near it — in its sentence, or all of the
pass if none is near — and the pass is redone without them. At most ``MAX_PASSES`` passes run.

Models run once: the re-translation of the first pass is reused as a fixed reference afterwards.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from mtcheck.document import DocumentReport, Edit, Finding, InputError
from mtcheck.edits.choice import choose
from mtcheck.edits.choice import fix_key as _key
from mtcheck.edits.ops import Composer, Shifter, applied_span, apply, shift
from mtcheck.errors import MtcheckError
from mtcheck.pipeline import Checker, Prepared
from mtcheck.readers import Article
from mtcheck.reporting import document_report

# ruff stops after 100 passes; an article settles in 2-3 (a fix can only reveal its neighbour's).
MAX_PASSES = 10


@dataclass
class FixOutcome:
    """What fixing one article did. Offsets of ``edits`` index ``before.document.text``."""

    article: Article
    before: DocumentReport
    after: DocumentReport
    edits: list[Edit]
    applied: list[Finding] = field(default_factory=list)  # findings (of some pass) whose fix was applied
    rejected: list[Finding] = field(default_factory=list)  # fixes not applied: they made a new finding
    passes: int = 0

    @property
    def text(self) -> str:
        """The corrected analysed text."""
        return self.after.document.text

    @property
    def changed(self) -> bool:
        return bool(self.edits)


def introduced(old: Sequence[Finding], new: Sequence[Finding], edits: Sequence[Edit]) -> list[Finding]:
    """Findings in ``new`` with no counterpart in ``old``: same code, span moved through ``edits``.

    A rule stops after ``MAX_FINDINGS_PER_RULE`` findings in a document (mtcheck.engine): when the
    old check of a rule stopped there, the rest of the text was never judged by it, so its findings
    past the last old one are not new (they are the next pass's fixes), only those before it.
    """
    from mtcheck.engine import MAX_FINDINGS_PER_RULE

    pool: dict[str, list[tuple[int, int]]] = {}
    moved = Shifter(edits)
    for f in old:
        pool.setdefault(f.code, []).append((moved.shift(f.start), moved.shift(f.end, after=True)))
    judged_to = {
        code: max(e for _, e in spans) for code, spans in pool.items() if len(spans) >= MAX_FINDINGS_PER_RULE
    }
    out = []
    for f in new:
        spans = pool.get(f.code, [])
        match = next((i for i, (s, e) in enumerate(spans) if s <= f.end and f.start <= e), None)
        if match is None:
            if f.start < judged_to.get(f.code, f.start + 1):
                out.append(f)
        else:
            spans.pop(match)
    return out


def _culprits(
    report: DocumentReport, new: list[Finding], chosen: list[Finding], edits: list[Edit]
) -> list[Finding]:
    """The chosen fixes to blame for new findings: those whose edit lies in the same sentence."""
    doc = report.document
    # Each new finding widened to the sentences it touches, once (not once per chosen fix).
    starts = [s.start for s in doc.sentences]
    zones = []
    for n in new:
        lo, hi = n.start, n.end
        # Sentences with start <= n.end, from the last one back while they still reach n.start.
        i = bisect_right(starts, n.end) - 1
        while i >= 0:
            s = doc.sentences[i]
            if s.end < n.start:
                break
            lo, hi = min(lo, s.start), max(hi, s.end)
            i -= 1
        zones.append((lo, hi))
    blamed: list[Finding] = []
    for f in chosen:
        spans = [applied_span(e, edits) for e in f.fix.edits]  # type: ignore[union-attr]
        if any(s <= hi and lo <= e for lo, hi in zones for s, e in spans):
            blamed.append(f)
    return blamed or list(chosen)


class Fixer:
    """Runs the fix loop with one Checker (models loaded once for every article)."""

    def __init__(self, checker: Checker, unsafe: bool = False, max_passes: int = MAX_PASSES) -> None:
        self.checker = checker
        self.unsafe = unsafe
        self.max_passes = max_passes

    def _check(self, article: Article) -> tuple[Prepared, DocumentReport]:
        item = self.checker.prepare_all([article], strict=True).items[0]
        return item, document_report(self.checker.judge(item), self.checker.settings)

    def fix(self, article: Article) -> FixOutcome:
        item, report = self._check(article)
        first = report
        # The re-translation does not change when the MT text is corrected: reuse it as a file.
        reference = item.reference.document.text if item.reference else None
        composer = Composer(report.document.text)
        outcome = FixOutcome(article, first, report, [])
        rejected: set[tuple] = set()
        for number in range(1, self.max_passes + 1):
            chosen = choose(report.findings, self.unsafe, rejected)
            step = None
            while chosen:
                edits = sorted((e for f in chosen for e in f.fix.edits), key=lambda e: (e.start, e.end))  # type: ignore[union-attr]
                text = apply(report.document.text, edits)
                candidate = Article(
                    id=article.id,
                    text=text,
                    format=article.format,
                    reference=reference,
                    source=None if reference is not None else article.source,
                    src_lang=article.src_lang,
                    suppressions=[
                        (shift(s, edits), shift(e, edits, after=True), c) for s, e, c in article.suppressions
                    ],
                )
                try:
                    _, new_report = self._check(candidate)
                except MtcheckError:
                    new = list(report.findings[:1])  # e.g. the text became empty: blame every fix
                    new_report = None
                else:
                    new = introduced(report.findings, new_report.findings, edits)
                if not new and new_report is not None:
                    step = (edits, candidate, new_report, chosen)
                    break
                blame = _culprits(new_report or report, new, chosen, edits) if new_report else list(chosen)
                outcome.rejected.extend(blame)
                rejected.update(_key(f) for f in blame)
                dropped = {id(f) for f in blame}
                chosen = [f for f in chosen if id(f) not in dropped]
            if step is None:
                break
            edits, article, report, chosen = step
            composer.apply(edits)
            outcome.applied.extend(chosen)
            outcome.passes = number
        outcome.after = report
        outcome.edits = composer.edits()
        return outcome


def fix_articles(
    checker: Checker, articles: Sequence[Article], unsafe: bool = False
) -> tuple[list[FixOutcome], list[InputError]]:
    """Fix every article; one that cannot be read or checked becomes an InputError."""
    fixer = Fixer(checker, unsafe)
    outcomes, errors = [], []
    for article in articles:
        try:
            outcomes.append(fixer.fix(article))
        except MtcheckError as exc:
            errors.append(InputError(article.id, str(exc)))
    return outcomes, errors
