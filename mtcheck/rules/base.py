"""The rule interface, the registry and the context every rule reads.

A rule is a small class registered by its code. It never calls a model: everything it needs
(segmentation, the aligned re-translation, fluency scores) is precomputed in ``RuleContext``.
Each rule carries its own documentation and pass/fail examples; tests/rules/test_contract.py runs
the examples of every registered rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from mtcheck.document import (
    CATEGORIES,
    AlignedPair,
    Applicability,
    Document,
    Finding,
    Fix,
    FluencyResult,
    Severity,
)

_CODE = re.compile(r"^MT\d{3}$")
T = TypeVar("T")


@dataclass(frozen=True)
class Example:
    """A rule example: the MT text and, for rules that compare, a re-translation of the same story.

    ``flagged`` lists substrings the rule must flag on a failing example (empty: any finding will do).
    """

    mt: str
    reference: str | None = None
    flagged: tuple[str, ...] = ()
    src_lang: str | None = None


def _as_example(value: str | Example) -> Example:
    return value if isinstance(value, Example) else Example(value)


@dataclass
class RuleContext:
    """All precomputed data about one document that rules may read."""

    doc: Document
    reference: Document | None = None
    alignment: list[AlignedPair] = field(default_factory=list)
    fluency: FluencyResult | None = None
    src_lang: str | None = None
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Analyses several rules share, by the function that computes them (see ``analysis``).
    _analyses: dict[Callable[[RuleContext], Any], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def analysis(self, compute: Callable[[RuleContext], T]) -> T:
        """The analysis ``compute(self)`` of this document, computed on first use and shared by every
        rule that asks for it (a rule family's quote pairing, casing view, ...); typed by ``compute``'s
        return type."""
        try:
            return self._analyses[compute]
        except KeyError:
            value = self._analyses[compute] = compute(self)
            return value

    @property
    def text(self) -> str:
        return self.doc.text

    def option(self, rule: Rule, key: str) -> Any:
        return self.options.get(rule.code, {}).get(key, rule.options[key])

    @property
    def words(self) -> list[tuple[int, int, str]]:
        """Every word of the text as (start, end, word): the document's one tokenisation
        (``Document.words``, :mod:`mtcheck.words`), the same list scoring and the HTML report read."""
        return self.doc.words

    def aligned_reference(self, sentence_index: int) -> tuple[AlignedPair, str] | None:
        """The alignment pair that holds an MT sentence and the joined re-translation text, if any."""
        if self.reference is None:
            return None
        for pair in self.alignment:
            if sentence_index in pair.mt:
                ref_text = " ".join(self.reference.sentences[i].text for i in pair.ref)
                return pair, ref_text
        return None


class Rule:
    """Base class. Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    # Documentation in the ruff/Vale style: what it finds, why it matters, an example, how to fix.
    summary: ClassVar[str]
    why: ClassVar[str]
    fix: ClassVar[str]
    # Texts the rule must stay quiet on, and texts it must flag.
    passes: ClassVar[tuple[str | Example, ...]] = ()
    fails: ClassVar[tuple[str | Example, ...]] = ()
    # Data the rule needs: "reference" (an aligned re-translation) or "fluency" (LM scores).
    needs: ClassVar[frozenset[str]] = frozenset()
    options: ClassVar[dict[str, Any]] = {}
    # How far the rule's suggestion can be trusted as a correction (`mtcheck fix`): safe, unsafe or
    # display; None when the rule never knows one.
    fix_applicability: ClassVar[Applicability | None] = None

    def __init__(self, severity: Severity | None = None) -> None:
        self.effective_severity = severity or self.severity

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    def applies(self, ctx: RuleContext) -> bool:
        if "reference" in self.needs and ctx.reference is None:
            return False
        if "fluency" in self.needs and ctx.fluency is None:
            return False
        return not ("src_lang" in self.needs and not ctx.src_lang)

    def finding(
        self,
        ctx: RuleContext,
        start: int,
        end: int,
        message: str,
        suggestion: str | None = None,
        evidence: str | None = None,
    ) -> Finding:
        """A finding on ``text[start:end]``, trimmed of surrounding whitespace."""
        text = ctx.doc.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        line, col = ctx.doc.line_col(start)
        return Finding(
            code=self.code,
            name=self.name,
            category=self.category,
            severity=self.effective_severity,
            start=start,
            end=end,
            text=text[start:end],
            message=message,
            suggestion=suggestion,
            line=line,
            col=col,
            evidence=evidence,
        )

    def fix_for(self, ctx: RuleContext, finding: Finding) -> Fix | None:
        """The structured fix of a finding: its suggestion as edits, at the rule's applicability.

        A display-only rule gets a fix even without a suggestion (nothing to apply: a person must act);
        a safe or unsafe rule without a suggestion has no fix. Rules whose suggestion is not a plain
        replacement of the span override this.
        """
        from mtcheck.edits.derive import edits_for

        applicability = self.fix_applicability
        if applicability is None:
            return None
        if finding.suggestion is None:
            return Fix(Applicability.DISPLAY) if applicability is Applicability.DISPLAY else None
        edits = edits_for(ctx.doc, finding.start, finding.end, finding.suggestion)
        if not edits and applicability is not Applicability.DISPLAY:
            return None
        return Fix(applicability, edits)

    @classmethod
    def examples(cls) -> tuple[list[Example], list[Example]]:
        return [_as_example(e) for e in cls.passes], [_as_example(e) for e in cls.fails]


REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the registry, checking its metadata once at import."""
    if not _CODE.match(cls.code):
        raise ValueError(f"bad rule code {cls.code!r}")
    if cls.code in REGISTRY:
        raise ValueError(f"rule code {cls.code} registered twice")
    if cls.category not in CATEGORIES:
        raise ValueError(f"{cls.code}: unknown category {cls.category!r}")
    for attr in ("name", "summary", "why", "fix"):
        if not getattr(cls, attr, None):
            raise ValueError(f"{cls.code}: missing {attr}")
    REGISTRY[cls.code] = cls
    return cls
