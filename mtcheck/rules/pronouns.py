"""MT41x: a personal pronoun standing for an organisation (`He said` for NATO).

Spanish and other pro-drop languages leave the subject out (`Dijo que...`); MT fills it in with
`He`, although the subject is an organisation. With a re-translation the aligned sentence tells
which subject the source means; without one, the subject of the preceding statement does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtcheck.document import Applicability, Finding, Severity
from mtcheck.rules.base import Example, Rule, RuleContext, register

_MASCULINE = re.compile(r"\b(?:[Hh]e|[Hh]is|[Hh]im|[Hh]imself)\b")
_PERSONAL = re.compile(r"\b(?:he|his|him|himself|she|her|hers|herself)\b", re.IGNORECASE)
ORG_NOUNS = frozenset(
    [
        "alliance",
        "organisation",
        "organization",
        "coalition",
        "government",
        "ministry",
        "company",
        "council",
        "committee",
        "party",
        "bank",
        "agency",
        "union",
        "army",
        "police",
        "court",
        "commission",
        "parliament",
        "congress",
        "senate",
        "federation",
        "association",
        "bloc",
        "group",
        "firm",
        "office",
        "department",
        "administration",
        "authority",
        "board",
        "embassy",
        "institute",
        "club",
        "team",
        "league",
        "network",
        "broadcaster",
        "airline",
        "carrier",
        "regulator",
        "watchdog",
        "foundation",
        "charity",
        "university",
        "hospital",
        "newspaper",
        "channel",
        "operator",
        "manufacturer",
        "carmaker",
        "retailer",
        "insurer",
        "lender",
        "utility",
        "museum",
        "studio",
        "prosecutor's office",
    ]
)
_PERSON_NOUNS = frozenset(
    [
        "minister",
        "president",
        "secretary",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "leader",
        "chancellor",
        "general",
        "politician",
        "premier",
        "king",
        "queen",
        "ambassador",
        "director",
        "chief",
        "commander",
        "official",
        "mayor",
        "governor",
        "senator",
        "prime",
        "envoy",
        "chairman",
        "chairwoman",
    ]
)
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
# Two capitalised words in a row that are not acronyms: most likely a person's name.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[\-’'][A-Za-z]+)?\s+[A-Z][a-z]+\b")
_REPORTING = r"(?:said|added|stated|stressed|noted|explained|warned|declared|announced|reported|insisted)"
_ATTRIBUTION = re.compile(rf"\b(\w+)\s+(?:also\s+)?(?:{_REPORTING}|confirmed|indicated|recalled)\b")
# What a dropped subject does in wire copy: report, recall, indicate, announce... (`He recalled that`).
_STATEMENT_VERBS = (
    r"(?:said|says|added|stated|stressed|noted|explained|warned|declared|announced|reported|insisted"
    r"|recalled|indicated|pointed out|clarified|confirmed|specified|detailed|assured|affirmed|reiterated"
    r"|maintained|argued|claimed|highlighted|underlined|emphasi[sz]ed|revealed|acknowledged|admitted"
    r"|estimated|considered|denied|regretted|critici[sz]ed|welcomed|urged|asked|recommended|reported"
    r"|informed|communicated|expressed|described|defended|assessed|added)"
)
_HE_SAID = re.compile(rf"^[“\"]?(He)\s+(?:also\s+)?{_STATEMENT_VERBS}\b")
# A re-translation sentence whose subject is an organisation: `It recalled`, `The union indicated`,
# `The club announced`, `UEFA said` (not `It is expected...`, where `it` is no subject at all).
_ORG_SUBJECT = re.compile(
    r"^[“\"]?(?:It\s+(?!is\b|was\b|will\b|would\b|could\b|may\b|might\b|seems\b|appears\b|remains\b"
    r"|has been\b|had been\b)|The\s+(?:[a-z]+\s+)?(?:" + "|".join(sorted(ORG_NOUNS)) + r")\b|[A-Z]{2,6}\b)"
)
_HE_SUBJECT = re.compile(r"^[“\"]?(He)\b")
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sir", "lady", "lord", "coach", "judge"})


def _organisation_name(subject: str, before: str) -> bool:
    """A single capitalised subject (``Juventus said``) that names no person in the article so far.

    News names a person in full at first mention (``Thiago Motta``) and by surname after, so a
    capitalised word never preceded by a first name or title is an organisation or a team. Common
    words (``Officials``, ``Police``) and pronouns are not names.
    """
    from mtcheck.gazetteer import is_common_word

    if not subject[:1].isupper() or is_common_word(subject):
        return False
    for m in re.finditer(rf"\b([A-Z][\w’'\-]*)\.?\s+{re.escape(subject)}\b", before):
        if m.group(1).lower() not in _NOT_FIRST_NAMES or m.group(1).lower() in _TITLES:
            return False
    return True


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


_NOT_FIRST_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "for",
        "of",
        "and",
        "but",
        "as",
        "this",
        "that",
        "these",
        "those",
        "today",
        "when",
        "while",
        "according",
        "after",
        "before",
        "during",
        "since",
        "with",
        "from",
        "by",
    ]
)


def _mentions_person(text: str) -> bool:
    if _words(text) & _PERSON_NOUNS:
        return True
    for m in _NAME.finditer(text):
        first, second = m.group().split()
        if first.lower() not in _NOT_FIRST_NAMES and second.lower() not in ORG_NOUNS:
            return True
    return False


def _organisation_in(text: str) -> bool:
    return bool(_ACRONYM.search(text)) or bool(_words(text) & ORG_NOUNS)


def _clip(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _replacement(pronoun: str, ref_words: set[str]) -> str:
    """The pronoun the re-translation implies: `it`/`its` for a singular body, `they` for members."""
    plural = bool(ref_words & {"they", "their", "them"}) and not ref_words & {"it", "its"}
    lower = pronoun.lower()
    if lower == "his":
        out = "their" if plural else "its"
    elif lower == "himself":
        out = "themselves" if plural else "itself"
    elif lower == "him":
        out = "them" if plural else "it"
    else:
        out = "they" if plural else "it"
    return out.capitalize() if pronoun[0].isupper() else out


@register
class PronounForOrganisation(Rule):
    code = "MT410"
    fix_applicability = Applicability.UNSAFE
    name = "pronoun-for-organisation"
    category = "pronoun"
    severity = Severity.ERROR
    needs = frozenset({"reference"})
    summary = "`he`/`his` where the re-translation's subject is an organisation, not a person."
    why = (
        "The source left the subject out and the engine guessed `he`; the re-translation shows the "
        "subject is an organisation (`It said`, `NATO said`). Readers attribute the statement to a man."
    )
    fix = "Use `it`/`its` (or the organisation's name, or `they` for its members)."
    passes = (
        Example("Stoltenberg said he would stay.", reference="Stoltenberg said he would stay."),
        Example(
            "He said the alliance would act.",
            reference="NATO Secretary General Jens Stoltenberg said the alliance would act.",
        ),
    )
    fails = (
        Example(
            "He said that through NATO, member states are buying 1,000 missiles.",
            reference="It said that member states are buying 1,000 missiles through NATO.",
            flagged=("He",),
        ),
        Example(
            "Juventus reported a loss. He recalled that the stadium was closed for months.",
            reference="Juventus reported a loss. It recalled that the stadium was closed for months.",
            flagged=("He",),
        ),
        Example(
            "member countries of nato He reaffirmed this Wednesday his commitment to Ukraine.",
            reference="NATO member countries on Wednesday reaffirmed their commitment to Ukraine.",
            flagged=("He", "his"),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for sent in ctx.doc.sentences:
            hits = list(_MASCULINE.finditer(sent.text))
            if not hits:
                continue
            aligned = ctx.aligned_reference(sent.index)
            if aligned is None or not aligned[0].ref:
                continue
            ref_text = aligned[1]
            he = _HE_SUBJECT.match(sent.text)
            if (
                he is not None
                and _ORG_SUBJECT.match(ref_text)
                and not _PERSONAL.search(ref_text)
                and not _mentions_person(ref_text)
            ):
                # The sentence opens with `He` where the re-translation's subject is `It`, `The union`,
                # `The club`: the pronoun stands for that organisation.
                yield self.finding(
                    ctx, sent.start + he.start(1), sent.start + he.end(1),
                    f"“He” stands for an organisation here; the re-translation reads “{_clip(ref_text)}”",
                    suggestion="It", evidence=ref_text,
                )  # fmt: skip
                continue
            if _PERSONAL.search(ref_text) or _mentions_person(ref_text) or not _organisation_in(ref_text):
                continue
            ref_words = _words(ref_text)
            if not ref_words & {"it", "its", "they", "their", "them"} and not _ACRONYM.search(ref_text):
                continue
            for m in hits:
                suggestion = _replacement(m.group(), ref_words)
                yield self.finding(
                    ctx, sent.start + m.start(), sent.start + m.end(),
                    f"“{m.group()}” stands for an organisation here; the re-translation reads "
                    f"“{_clip(ref_text)}”",
                    suggestion=suggestion, evidence=ref_text,
                )  # fmt: skip


@register
class HeSaidAfterOrganisation(Rule):
    code = "MT411"
    fix_applicability = Applicability.UNSAFE
    name = "he-said-after-organisation"
    category = "pronoun"
    severity = Severity.WARNING
    summary = "A sentence opens `He said` right after a statement attributed to an organisation."
    why = (
        "Without a re-translation to compare with, the preceding statement is the best clue: when "
        "it was made by `the coalition` or `NATO` and no person is named, `He said` is the engine "
        "filling in a dropped subject."
    )
    fix = "Write `It said` or name the organisation."
    passes = (
        "NATO Secretary General Jens Stoltenberg spoke in Brussels. He said the alliance would act.",
        "“We will act,” the coalition said. The minister spoke later. He said more aid was coming.",
    )
    fails = (
        Example(
            "“Allies reaffirmed their commitment,” the coalition said in a statement. "
            "He said that member states are buying 1,000 missiles.",
            flagged=("He",),
        ),
        Example(
            "Juventus said on Sunday that the striker had signed a new contract. "
            "He recalled that the player joined the club in 2019.",
            flagged=("He",),
        ),
    )

    def applies(self, ctx: RuleContext) -> bool:
        # With a re-translation MT410 judges the same pronoun on better evidence.
        return ctx.reference is None and super().applies(ctx)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        sentences = ctx.doc.sentences
        for k in range(1, len(sentences)):
            sent = sentences[k]
            m = _HE_SAID.match(sent.text)
            if m is None:
                continue
            previous = sentences[k - 1].text
            subjects = [s.group(1) for s in _ATTRIBUTION.finditer(previous)]
            if not subjects or _mentions_person(previous):
                continue
            subject = subjects[-1]
            before = ctx.text[: sentences[k - 1].end]
            if not (
                subject.lower() in ORG_NOUNS
                or _ACRONYM.fullmatch(subject)
                or _organisation_name(subject, before)
            ):
                continue
            yield self.finding(
                ctx, sent.start + m.start(1), sent.start + m.end(1),
                f"“He” follows a statement by “{subject}”, an organisation: the subject was probably "
                "dropped.",
                suggestion="It",
            )  # fmt: skip
