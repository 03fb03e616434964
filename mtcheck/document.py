"""Value types shared by every stage: documents, alignments, findings and reports.

Everything here is plain data. Offsets are Python code points into ``Document.text``, end exclusive.
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mtcheck import words as _words

if TYPE_CHECKING:
    from mtcheck.signature import Signature


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError as exc:
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from exc


CATEGORIES = (
    "quote",
    "casing",
    "number",
    "entity",
    "pronoun",
    "untranslated",
    "structure",
    "leak",
    "spacing",
    "omission",
    "addition",
    "mistranslation",
    "fluency",
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    paragraph: int
    text: str

    def to_json(self) -> dict:
        return {"index": self.index, "start": self.start, "end": self.end, "paragraph": self.paragraph}


@dataclass
class Document:
    """An analysed text split into paragraphs and sentences."""

    id: str
    text: str
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    # Spans of the analysed text where rules are switched off (inline suppression comments).
    suppressions: list[tuple[int, int, frozenset[str] | None]] = field(default_factory=list)
    # Where the text came from, when that is not the text itself (Markdown, HTML, CRLF line ends,
    # non-NFC input): a ``mtcheck.readers.origin.Origin`` that maps offsets back to the file.
    origin: Any = None

    def source_line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset in the original file (the analysed text if none)."""
        if self.origin is None:
            return self.line_col(offset)
        return self.origin.line_col(offset)

    @cached_property
    def _line_starts(self) -> array[int]:
        # An array found with str.find: a list of ints from a scan of every character cost ~36 bytes
        # per line and seconds on a 50 MB article.
        starts = array("q", [0])
        text = self.text
        i = text.find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = text.find("\n", i + 1)
        return starts

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a code-point offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def sentence_at(self, offset: int) -> Sentence | None:
        if not self.sentences:
            return None
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i < 0:
            return None
        sent = self.sentences[i]
        return sent if sent.start <= offset < max(sent.end, sent.start + 1) else None

    def paragraph_sentences(self, paragraph: int) -> list[Sentence]:
        return [s for s in self.sentences if s.paragraph == paragraph]

    # --- the one tokenisation of words (mtcheck.words), computed once per document, on first use ----
    @cached_property
    def _tokenised(self) -> tuple[list[_words.Token], list[int]]:
        # One pass of the token pattern over the whole text, cut at sentence starts by bisection: a
        # call per sentence cost ~5 µs each, seconds on sentence-dense text (one letter per line).
        # Sentences tile the text with only whitespace between them, so a token lies in exactly one
        # sentence unless it runs across a boundary cut inside a word (``attacks.Gave``); those
        # sentences are tokenised on their own, as before.
        text = self.text
        pattern = _words.TOKEN
        found = [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
        starts = [t[0] for t in found]
        tokens: list[_words.Token] = []
        bounds = [0]  # sentence i's tokens are tokens[bounds[i] : bounds[i + 1]]
        lo = 0
        for sent in self.sentences:
            lo = bisect.bisect_left(starts, sent.start, lo)
            hi = bisect.bisect_left(starts, sent.end, lo)
            crosses = (hi > lo and found[hi - 1][1] > sent.end) or (lo > 0 and found[lo - 1][1] > sent.start)
            if crosses:
                tokens.extend(_words.tokens(sent.text, sent.start))
            else:
                tokens.extend(found[lo:hi])
            bounds.append(len(tokens))
            lo = hi
        return tokens, bounds

    @cached_property
    def _word_counts(self) -> list[int]:
        tokens, bounds = self._tokenised
        # Running count of words among the tokens: sentence i has cum[b[i+1]] - cum[b[i]] words.
        cum = [0]
        total = 0
        for t in tokens:
            total += t[2][0].isalnum()
            cum.append(total)
        return [cum[bounds[i + 1]] - cum[bounds[i]] for i in range(len(bounds) - 1)]

    @property
    def tokens(self) -> list[_words.Token]:
        """Every sentence's tokens in order (offsets into ``text``); a token never crosses a sentence."""
        return self._tokenised[0]

    @cached_property
    def words(self) -> list[_words.Token]:
        """The tokens that are words (no punctuation): what rules, scoring and the HTML count."""
        return [t for t in self.tokens if _words.is_word(t)]

    def sentence_tokens(self, index: int) -> list[_words.Token]:
        """The tokens of sentence ``index`` (a slice of :attr:`tokens`)."""
        bounds = self._tokenised[1]
        return self.tokens[bounds[index] : bounds[index + 1]]

    def sentence_words(self, index: int) -> list[_words.Token]:
        """The words of sentence ``index``."""
        return [t for t in self.sentence_tokens(index) if _words.is_word(t)]

    def sentence_word_count(self, index: int) -> int:
        """``len(sentence_words(index))``, from one pass over the document's tokens."""
        return self._word_counts[index]

    @property
    def word_count(self) -> int:
        return len(self.words)


@dataclass(frozen=True)
class AlignedPair:
    """MT sentence indices aligned with re-translation sentence indices (either side may be empty)."""

    mt: tuple[int, ...]
    ref: tuple[int, ...]
    similarity: float
    chrf: float | None = None
    bleu: float | None = None
    ter: float | None = None

    def to_json(self) -> dict:
        out: dict = {"mt": list(self.mt), "ref": list(self.ref), "similarity": round(self.similarity, 4)}
        out["chrf"] = None if self.chrf is None else round(self.chrf, 2)
        if self.bleu is not None:
            out["bleu"] = round(self.bleu, 2)
        if self.ter is not None:
            out["ter"] = round(self.ter, 2)
        return out


class Applicability(StrEnum):
    """How far a fix can be trusted (ruff's model).

    ``safe`` cannot change the meaning and is applied by ``mtcheck fix``; ``unsafe`` needs an editor's
    judgement and is applied only with ``--unsafe-fixes``; ``display`` is a hint, never applied.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY = "display"

    @property
    def rank(self) -> int:
        """Higher is more trustworthy: safe 3, unsafe 2, display 1."""
        return {"safe": 3, "unsafe": 2, "display": 1}[self.value]


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (code points of the analysed text) by ``replacement``.

    ``start == end`` inserts; an empty replacement deletes.
    """

    start: int
    end: int
    replacement: str

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad edit {self.start}..{self.end}")

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}


@dataclass(frozen=True)
class Fix:
    """What a finding's correction is: edits over the analysed text and how far to trust them."""

    applicability: Applicability
    edits: tuple[Edit, ...] = ()

    def to_json(self) -> dict:
        return {"applicability": self.applicability.value, "edits": [e.to_json() for e in self.edits]}


@dataclass
class Finding:
    code: str
    name: str
    category: str
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    suggestion: str | None = None
    line: int = 0
    col: int = 0
    # Where the finding came from; e.g. the re-translation sentence quoted as evidence.
    evidence: str | None = None
    # The correction, if the rule knows one (see ``Rule.fix_applicability``); JSON key ``fix``.
    fix: Fix | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def to_json(self) -> dict:
        out = {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "suggestion": self.suggestion,
        }
        if self.evidence is not None:
            out["evidence"] = self.evidence
        if self.fix is not None:
            out["fix"] = self.fix.to_json()
        return out


@dataclass
class Reference:
    """A re-translation of the source: where it came from and its segmented text."""

    origin: str  # file | model | apertium
    name: str
    document: Document

    def to_json(self) -> dict:
        return {
            "origin": self.origin,
            "name": self.name,
            "text": self.document.text,
            "sentences": [s.to_json() for s in self.document.sentences],
        }


@dataclass
class TokenSurprisal:
    start: int  # offsets into the document text
    end: int
    surprisal: float  # nats


@dataclass
class SentenceFluency:
    index: int
    score: float  # 0-100, higher is more fluent
    mean_surprisal: float  # nats per token
    tokens: list[TokenSurprisal] = field(default_factory=list)
    slor: float | None = None
    reference_score: float | None = None  # the aligned re-translation's fluency, scored the same way


@dataclass
class FluencyResult:
    model: str
    sentences: list[SentenceFluency]
    score: float  # document 0-100

    def for_sentence(self, index: int) -> SentenceFluency | None:
        for s in self.sentences:
            if s.index == index:
                return s
        return None


@dataclass
class SentenceScore:
    index: int
    quality: float
    fluency: float | None = None
    chrf: float | None = None

    def to_json(self) -> dict:
        return {
            "index": self.index,
            "quality": round(self.quality, 1),
            "fluency": None if self.fluency is None else round(self.fluency, 1),
            "chrf": None if self.chrf is None else round(self.chrf, 1),
        }


@dataclass
class Adequacy:
    chrf: float
    bleu: float
    ter: float

    def to_json(self) -> dict:
        return {"chrf": round(self.chrf, 1), "bleu": round(self.bleu, 1), "ter": round(self.ter, 1)}


@dataclass
class DocumentReport:
    document: Document
    findings: list[Finding]
    quality: float
    sentence_scores: list[SentenceScore]
    verdict: str
    reference: Reference | None = None
    alignment: list[AlignedPair] = field(default_factory=list)
    adequacy: Adequacy | None = None
    fluency: FluencyResult | None = None
    # Re-translations after ``reference``, each with its own alignment (mtcheck.multiref).
    extra_references: list[tuple[Reference, list[AlignedPair]]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            counts[f.severity.value] += 1
        return counts

    def to_json(self) -> dict:
        out = {
            "id": self.document.id,
            "text": self.document.text,
            "sentences": [s.to_json() for s in self.document.sentences],
            "reference": None if self.reference is None else self.reference.to_json(),
            "alignment": [p.to_json() for p in self.alignment],
            "findings": [f.to_json() for f in self.findings],
            "scores": {
                "quality": round(self.quality, 1),
                "fluency": None if self.fluency is None else round(self.fluency.score, 1),
                "adequacy": None if self.adequacy is None else self.adequacy.to_json(),
            },
            "sentence_scores": [s.to_json() for s in self.sentence_scores],
            "verdict": self.verdict,
        }
        if self.extra_references and self.reference is not None:
            # Added key, only with more than one re-translation: every one in order (the first is
            # ``reference``), each with the alignment of the MT against it.
            pairs = [(self.reference, self.alignment), *self.extra_references]
            out["references"] = [
                {**ref.to_json(), "alignment": [p.to_json() for p in alignment]} for ref, alignment in pairs
            ]
        return out


@dataclass
class InputError:
    """An article of a batch that could not be read or checked."""

    id: str
    reason: str
    line: int | None = None
    # How many bad inputs this entry stands for: more than 1 only for the one entry that sums up a
    # file's bad lines past the first few hundred (mtcheck.readers.feeds), so memory stays bounded.
    count: int = 1

    def to_json(self) -> dict:
        out: dict = {"id": self.id, "line": self.line, "reason": self.reason}
        if self.count != 1:
            out["count"] = self.count
        return out


@dataclass(frozen=True)
class RuleInfo:
    """A rule's catalogue entry, for renderers that describe rules (SARIF) without the rule registry."""

    code: str
    name: str
    category: str
    severity: Severity  # the default severity
    summary: str
    why: str
    fix: str


@dataclass
class Report:
    signature: Signature  # renders to the JSON ``signature`` string; read its fields, never parse it
    documents: list[DocumentReport]
    verdict: str
    errors: list[InputError] = field(default_factory=list)
    rules: tuple[RuleInfo, ...] = ()  # the rule catalogue of the run (not part of the JSON report)

    SCHEMA = "mtcheck.report/1"

    def counts(self) -> dict[str, int]:
        total = {"error": 0, "warning": 0, "info": 0}
        for doc in self.documents:
            for key, value in doc.counts().items():
                total[key] += value
        return total

    def to_json(self) -> dict:
        out: dict = {
            "schema": self.SCHEMA,
            "signature": self.signature.render(),
            "summary": {"documents": len(self.documents), "findings": self.counts(), "verdict": self.verdict},
            "documents": [d.to_json() for d in self.documents],
        }
        if self.errors:
            out["errors"] = [e.to_json() for e in self.errors]
        return out
