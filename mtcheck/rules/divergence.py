"""MT6xx: divergence from the re-translation of the same source.

Each finding points at the MT span and quotes the re-translation as evidence. The rules read the
precomputed alignment (mtcheck.align) and never translate anything themselves.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from mtcheck.document import AlignedPair, Applicability, Document, Finding, Severity
from mtcheck.rules.base import WORD, Example, Rule, RuleContext, register

# --- amounts ---------------------------------------------------------------------------------------
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
_TOKEN = rf"(?:\d+(?:[.,]\d+)*|(?:{_NUMBER_WORD})s?)"
# An amount: number tokens joined by spaces, hyphens or "and" ("2 billion", "twenty-five",
# "one hundred and five"), an ISO date kept whole, or a plural scale word ("billions of").
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|{_TOKEN}(?:(?:[\s\-]+|\s+and\s+){_TOKEN})*(?:\s+of\b)?)(?![\w])",
    re.IGNORECASE,
)
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


@dataclass(frozen=True)
class Amount:
    start: int
    end: int
    text: str
    key: str  # normalised value: "1000", "2000000000", "billions", "2024-01-10"


def _number_value(token: str) -> float | None:
    if _GROUPED.match(token):  # 1,000 and 1.000 both group thousands
        return float(re.sub(r"[.,]", "", token))
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


def _key(text: str) -> str:
    """A normalised value, so that 1,000 == 1000 == one thousand and 2 billion == 2,000,000,000."""
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        return text
    words = [w for w in re.split(r"[\s\-]+", text.lower()) if w and w not in ("and", "of")]
    if len(words) == 1 and words[0].endswith("s") and words[0][:-1] in _SCALES:
        return words[0]  # "billions": many billions, no exact value
    total = 0.0
    current = 0.0
    seen_number = False
    for word in words:
        base = word[:-1] if word.endswith("s") and word[:-1] in _SCALES else word
        if base in _SCALES:
            current = (current if seen_number else 1.0) * _SCALES[base]
            if _SCALES[base] >= 1000:
                total += current
                current = 0.0
            seen_number = True
        elif base in _UNITS:
            current += _UNITS[base]
            seen_number = True
        else:
            value = _number_value(word)
            if value is None:
                return text.lower()
            current += value
            seen_number = True
    value = total + current
    if not words or not seen_number:
        return text.lower()
    bare = words[0] in _SCALES  # "Billion euros": a scale word with no quantity
    number = str(int(value)) if value.is_integer() else repr(value)
    return number + ("~bare" if bare else "")


def amounts(text: str, offset: int = 0) -> list[Amount]:
    out = []
    for m in _AMOUNT.finditer(text):
        raw = m.group()
        # "of" only belongs to plural scale words ("billions of euros"), not "one of them".
        if raw.lower().endswith(" of") and not re.search(
            r"(?i)(?:hundred|thousand|[mbtr]illion)s\s+of$", raw
        ):
            raw = raw[: -len(" of")].rstrip()
        if raw.lower() in ("one",):
            continue  # "one of the allies", "no one": a pronoun far more often than an amount
        out.append(Amount(offset + m.start(), offset + m.start() + len(raw), raw, _key(raw)))
    return out


def _ref_window(ctx: RuleContext, pair_index: int) -> str:
    """Re-translation text of a pair and its neighbours: a number moved across a sentence is fine."""
    assert ctx.reference is not None
    ids: list[int] = []
    for k in range(max(0, pair_index - 1), min(len(ctx.alignment), pair_index + 2)):
        ids.extend(ctx.alignment[k].ref)
    return " ".join(ctx.reference.sentences[i].text for i in sorted(set(ids)))


def _ref_text(ref: Document, pair: AlignedPair) -> str:
    return " ".join(ref.sentences[i].text for i in pair.ref)


def _mt_span(doc: Document, pair: AlignedPair) -> tuple[int, int]:
    return doc.sentences[pair.mt[0]].start, doc.sentences[pair.mt[-1]].end


@register
class NumberMismatch(Rule):
    code = "MT601"
    fix_applicability = Applicability.UNSAFE
    name = "number-mismatch"
    category = "number"
    severity = Severity.ERROR
    needs = frozenset({"reference"})
    summary = "An amount in the MT has no equal amount in the aligned re-translation."
    why = (
        "MT garbles amounts: it drops the quantity before a scale word (`Billion euros`), turns "
        "`billions` into one billion, or misreads a decimal separator. A wrong figure in news is a "
        "correction waiting to happen."
    )
    fix = "Check the figure against the source; the re-translation's amount is quoted as evidence."
    passes = (
        Example("They bought 1,000 missiles.", reference="They are buying 1,000 missiles."),
        Example("They bought 1000 missiles.", reference="They bought one thousand missiles."),
        Example("It costs 2 billion euros.", reference="It costs two billion euros."),
    )
    fails = (
        Example(
            "Allies plan to provide Billion euros in additional capacities in 2024.",
            reference="Allies plan to provide billions of euros in additional capabilities in 2024.",
            flagged=("Billion",),
        ),
        Example("They bought 1,000 missiles.", reference="They bought 100 missiles.", flagged=("1,000",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        assert ctx.reference is not None
        for k, pair in enumerate(ctx.alignment):
            if not pair.mt or not pair.ref:
                continue  # additions and omissions are reported as such
            start, end = _mt_span(ctx.doc, pair)
            mt_amounts = amounts(ctx.doc.text[start:end], start)
            if not mt_amounts:
                continue
            window = _ref_window(ctx, k)
            window_keys = {a.key for a in amounts(window)}
            ref_text = _ref_text(ctx.reference, pair)
            ref_amounts = amounts(ref_text)
            mt_keys = {a.key for a in mt_amounts}
            unmatched_ref = [a for a in ref_amounts if a.key not in mt_keys]
            for amount in mt_amounts:
                if amount.key in window_keys:
                    continue
                suggestion = unmatched_ref[0].text if len(unmatched_ref) == 1 else None
                if unmatched_ref:
                    said = ", ".join(f"“{a.text}”" for a in unmatched_ref)
                    message = f"“{amount.text}” does not match the re-translation, which has {said}."
                else:
                    message = f"“{amount.text}” has no counterpart in the re-translation."
                yield self.finding(
                    ctx, amount.start, amount.end, message, suggestion=suggestion, evidence=ref_text
                )


@register
class EntityCasing(Rule):
    code = "MT602"
    fix_applicability = Applicability.UNSAFE
    name = "entity-casing-mismatch"
    category = "entity"
    severity = Severity.ERROR
    needs = frozenset({"reference"})
    summary = "A name or acronym is cased differently from the re-translation (`nato` for `NATO`)."
    why = (
        "MT lowercases names it does not recognise (`nato`, `iran`) or title-cases acronyms (`Nato`). "
        "The re-translation spells them the way the source names them."
    )
    fix = "Use the re-translation's spelling of the name."
    passes = (
        Example("NATO met in Brussels.", reference="NATO met in Brussels."),
        Example("The Allies met.", reference="the allies met, and The Allies agreed."),
    )
    fails = (
        Example(
            "member countries of nato met. They condemned weapons from iran.",
            reference="NATO member countries met. They condemned weapons from Iran.",
            flagged=("nato", "iran"),
        ),
        Example("Nato added.", reference="NATO added.", flagged=("Nato",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        assert ctx.reference is not None
        forms = _entity_forms(ctx.reference)
        if not forms:
            return
        for start, end, word in ctx.words:
            canonical = forms.get(word.lower())
            if canonical is None or canonical[0] == word:
                continue
            form, evidence = canonical
            # Only clear garbles: an all-lowercase name, or an acronym written in another case.
            if not (word.islower() or (form.isupper() and not word.isupper())):
                continue
            if word.islower() and word in _GENERIC_TITLES:
                continue  # style guides lowercase a title or unit used alone ("the press secretary")
            yield self.finding(
                ctx, start, end, f"“{word}” is written “{form}” in the re-translation.",
                suggestion=form, evidence=evidence,
            )  # fmt: skip


# Titles and generic names of offices and units: capitalised before a name ("Director Wang", "Guangdong
# Province") but lowercase in AP and Chicago style when used alone, so either casing is correct.
_GENERIC_TITLES = frozenset(
    {
        "secretary", "director", "minister", "president", "chairman", "chairwoman", "chair", "spokesman",
        "spokeswoman", "spokesperson", "governor", "mayor", "ambassador", "premier", "chancellor",
        "senator", "representative", "official", "general", "commissioner", "press", "province", "state",
        "county", "city", "district", "region", "ministry", "department", "bureau", "office", "foundation",
    }
)  # fmt: skip


def _entity_forms(ref: Document) -> dict[str, tuple[str, str]]:
    """Names and acronyms of the re-translation: lowercased word -> (its one spelling, a sentence).

    A word counts when every occurrence that does not open a sentence is capitalised the same way,
    so ordinary words capitalised at a sentence start never count.
    """
    seen: dict[str, set[str]] = {}
    where: dict[str, str] = {}
    for sent in ref.sentences:
        for i, m in enumerate(WORD.finditer(sent.text)):
            word = m.group()
            key = word.lower()
            opens = i == 0 or sent.text[: m.start()].rstrip().endswith(("“", '"', "(", ":"))
            if opens and not (word.isupper() and len(word) > 1):
                seen.setdefault(key, set())
                continue
            seen.setdefault(key, set()).add(word)
            where.setdefault(key, sent.text)
    out = {}
    for key, spellings in seen.items():
        if len(spellings) != 1:
            continue
        (form,) = spellings
        if form[0].isupper() and (len(form) > 1 or form.isupper()):
            out[key] = (form, where[key])
    return out


@register
class Addition(Rule):
    code = "MT603"
    fix_applicability = Applicability.DISPLAY
    name = "addition"
    category = "addition"
    severity = Severity.WARNING
    needs = frozenset({"reference"})
    summary = "An MT sentence has no counterpart in the re-translation."
    why = (
        "Text that the source does not say: a leaked caption or credit, a duplicated sentence, or "
        "content the engine invented."
    )
    fix = "Delete it, or check the source for where it belongs."
    passes = (Example("NATO met. Allies agreed.", reference="NATO met. The allies agreed."),)
    fails = (
        Example(
            "NATO met in Brussels on Wednesday.\n\n"
            "Jens Stoltenberg, Secretary General of NATO (Photo: Europapress)\n\n"
            "The allies agreed to send more missiles.",
            reference="NATO met in Brussels on Wednesday.\n\nThe allies agreed to send more missiles.",
            flagged=("Jens Stoltenberg, Secretary General of NATO (Photo: Europapress)",),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for pair in ctx.alignment:
            if pair.mt and not pair.ref:
                start, end = _mt_span(ctx.doc, pair)
                yield self.finding(ctx, start, end, "This sentence has no counterpart in the re-translation.")


@register
class Omission(Rule):
    code = "MT604"
    fix_applicability = Applicability.DISPLAY
    name = "omission"
    category = "omission"
    severity = Severity.WARNING
    needs = frozenset({"reference"})
    summary = "A re-translation sentence has no counterpart in the MT."
    why = "MT drops sentences, especially short ones between long ones, and a dropped fact goes unnoticed."
    fix = "Translate the missing sentence (quoted in the message) and insert it at this point."
    passes = (Example("NATO met. Allies agreed.", reference="NATO met. The allies agreed."),)
    fails = (
        Example(
            "NATO met in Brussels on Wednesday. The allies agreed to send more missiles.",
            reference="NATO met in Brussels on Wednesday. The meeting was chaired by Jens Stoltenberg. "
            "The allies agreed to send more missiles.",
            flagged=("NATO met in Brussels on Wednesday.",),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        assert ctx.reference is not None
        if not ctx.doc.sentences:
            return
        last_mt: int | None = None
        for k, pair in enumerate(ctx.alignment):
            if pair.mt:
                last_mt = pair.mt[-1]
                continue
            # Reported on the MT sentence before the gap (or after it, at the very start).
            anchor = last_mt
            if anchor is None:
                anchor = next((p.mt[0] for p in ctx.alignment[k + 1 :] if p.mt), None)
            if anchor is None:
                continue
            sent = ctx.doc.sentences[anchor]
            missing = _ref_text(ctx.reference, pair)
            where = "after" if last_mt is not None else "before"
            yield self.finding(
                ctx, sent.start, sent.end,
                f"The re-translation has a sentence here that the MT lacks ({where} this one): “{missing}”",
                evidence=missing,
            )  # fmt: skip


_DIFF_TOKEN = re.compile(r"\w+(?:[’'\-]\w+)*|[^\w\s]")


@register
class LowAdequacy(Rule):
    code = "MT605"
    fix_applicability = Applicability.UNSAFE
    name = "possible-mistranslation"
    category = "mistranslation"
    severity = Severity.WARNING
    needs = frozenset({"reference"})
    summary = "An aligned sentence diverges strongly from the re-translation; the differing words are marked."
    why = (
        "Very low overlap (chrF) with an independent translation of the same source sentence points "
        "at a garbled or mistranslated passage, even when the MT reads smoothly."
    )
    fix = "Compare the marked words with the re-translation (the suggestion) and the source."
    options: ClassVar[dict[str, Any]] = {"max_chrf": 70.0, "min_words": 2}
    passes = (
        Example(
            "The allies reaffirmed their commitment to Ukraine.",
            reference="The allies reaffirmed their commitment to Ukraine.",
        ),
    )
    fails = (
        Example(
            "In a new period the allies expressed themselves in the sense of the council meeting.",
            reference="The allies met again in the council at ambassador level.",
            flagged=("expressed themselves",),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        assert ctx.reference is not None
        max_chrf = float(ctx.option(self, "max_chrf"))
        min_words = int(ctx.option(self, "min_words"))
        for pair in ctx.alignment:
            if not pair.mt or not pair.ref or pair.chrf is None or pair.chrf >= max_chrf:
                continue
            start, end = _mt_span(ctx.doc, pair)
            ref_text = _ref_text(ctx.reference, pair)
            for s, e, replacement in _divergent_spans(ctx.doc.text, start, end, ref_text, min_words):
                message = (
                    f"Possible mistranslation (chrF {pair.chrf:.0f} against the re-translation): "
                    f"“{ctx.doc.text[s:e]}”"
                    + (f" where the re-translation has “{replacement}”." if replacement else ".")
                )
                yield self.finding(ctx, s, e, message, suggestion=replacement or None, evidence=ref_text)


def _divergent_spans(text: str, start: int, end: int, ref: str, min_words: int) -> list[tuple[int, int, str]]:
    """MT spans (with the re-translation's words in their place) that a token diff marks as different.

    Differences separated by a single shared word are joined, and only runs of at least
    ``min_words`` MT words are kept: a one-word synonym is not a mistranslation.
    """
    mt_tokens = [
        (m.start() + start, m.end() + start, m.group()) for m in _DIFF_TOKEN.finditer(text[start:end])
    ]
    ref_tokens = [(m.start(), m.end(), m.group()) for m in _DIFF_TOKEN.finditer(ref)]
    matcher = difflib.SequenceMatcher(
        a=[t[2].lower() for t in mt_tokens], b=[t[2].lower() for t in ref_tokens], autojunk=False
    )
    runs: list[list[int]] = []  # [mt_lo, mt_hi, ref_lo, ref_hi] token indices
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or i1 == i2:
            continue
        if runs and i1 - runs[-1][1] <= 1:
            runs[-1][1], runs[-1][3] = i2, j2
        else:
            runs.append([i1, i2, j1, j2])
    out = []
    for i1, i2, j1, j2 in runs:
        words = [t for t in mt_tokens[i1:i2] if t[2][0].isalnum()]
        if len(words) < min_words:
            continue
        replacement = ref[ref_tokens[j1][0] : ref_tokens[j2 - 1][1]] if j2 > j1 else ""
        out.append((words[0][0], words[-1][1], replacement))
    return out
