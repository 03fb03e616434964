"""MT6xx: divergence from the re-translation of the same source.

Each finding points at the MT span and quotes the re-translation as evidence. The rules read the
precomputed alignment (mtcheck.align) and never translate anything themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from mtcheck import words
from mtcheck.document import AlignedPair, Applicability, Document, Finding, Severity
from mtcheck.gazetteer import is_common_word
from mtcheck.rules._amounts import amounts, atoms, matched
from mtcheck.rules.base import Example, Rule, RuleContext, register


# Amounts are read by value (mtcheck/rules/_amounts.py): grouping, shorthand, words, clock times,
# ranges and seasons compare equal however they are written.
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
        Example(
            "The club paid £2.5m for him at 18:45.", reference="The club paid 2.5 million pounds at 6:45 p.m."
        ),
        Example("In 2021 14 people were hurt.", reference="In 2021, 14 people were hurt."),
    )
    fails = (
        Example(
            "Allies plan to provide Billion euros in additional capacities in 2024.",
            reference="Allies plan to provide billions of euros in additional capabilities in 2024.",
            flagged=("Billion",),
        ),
        Example("They bought 1,000 missiles.", reference="They bought 100 missiles.", flagged=("1,000",)),
        Example("Porto won 2-0 on Saturday.", reference="Porto won 3-1 on Saturday.", flagged=("2-0",)),
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
            window_values = atoms(amounts(_ref_window(ctx, k)))
            ref_text = _ref_text(ctx.reference, pair)
            mt_values = atoms(mt_amounts)
            unmatched_ref = [a for a in amounts(ref_text) if not matched(a, mt_values)]
            for amount in mt_amounts:
                if matched(amount, window_values):
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
            if not word[0].isalpha():
                continue  # names and acronyms start with a letter (2024, 7th are never garbled names)
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


_CAPITALISED_NEIGHBOUR_BEFORE = re.compile(r"[A-Z][\w’'\-]*\s+$")
_CAPITALISED_NEIGHBOUR_AFTER = re.compile(r"\s+[A-Z]")


def _in_multiword_name(text: str, start: int, end: int) -> bool:
    """A capitalised word next to another capitalised word (``Weather Service``)."""
    return bool(
        _CAPITALISED_NEIGHBOUR_BEFORE.search(text, max(0, start - 40), start)
        or _CAPITALISED_NEIGHBOUR_AFTER.match(text, end)
    )


def _entity_forms(ref: Document) -> dict[str, tuple[str, str]]:
    """Names and acronyms of the re-translation: lowercased word -> (its one spelling, a sentence).

    A word counts when every occurrence that does not open a sentence is capitalised the same way,
    so ordinary words capitalised at a sentence start never count.
    """
    seen: dict[str, set[str]] = {}
    where: dict[str, str] = {}
    alone: set[str] = set()  # words capitalised somewhere outside a multi-word name
    for sent in ref.sentences:
        named = [w for w in ref.sentence_words(sent.index) if w[2][0].isalpha()]
        for i, (w_start, w_end, word) in enumerate(named):
            start, end = w_start - sent.start, w_end - sent.start
            key = word.lower()
            if not _in_multiword_name(sent.text, start, end):
                alone.add(key)
            opens = i == 0 or sent.text[:start].rstrip().endswith(("“", '"', "(", ":"))
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
        if key not in alone and not form.isupper() and is_common_word(key):
            continue  # National Weather Service: `service` in lowercase elsewhere is another word
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
            ref_text = _ref_text(ctx.reference, pair)
            for s, e, replacement in _divergent_spans(ctx.doc, ctx.reference, pair, min_words):
                message = (
                    f"Possible mistranslation (chrF {pair.chrf:.0f} against the re-translation): "
                    f"“{ctx.doc.text[s:e]}”"
                    + (f" where the re-translation has “{replacement}”." if replacement else ".")
                )
                yield self.finding(ctx, s, e, message, suggestion=replacement or None, evidence=ref_text)


def _divergent_spans(
    doc: Document, ref: Document, pair: AlignedPair, min_words: int
) -> list[tuple[int, int, str]]:
    """MT spans (with the re-translation's words in their place) that a token diff marks as different.

    The tokens are the documents' own (``Document.sentence_tokens``), the ones the HTML report diffs.
    Differences separated by a single shared word are joined, and only runs of at least
    ``min_words`` MT words are kept: a one-word synonym is not a mistranslation.
    """
    mt_tokens = [t for i in pair.mt for t in doc.sentence_tokens(i)]
    ref_tokens = [t for j in pair.ref for t in ref.sentence_tokens(j)]
    runs: list[list[int]] = []  # [mt_lo, mt_hi, ref_lo, ref_hi] token indices
    for tag, i1, i2, j1, j2 in words.diff(mt_tokens, ref_tokens):
        if tag == "equal" or i1 == i2:
            continue
        if runs and i1 - runs[-1][1] <= 1:
            runs[-1][1], runs[-1][3] = i2, j2
        else:
            runs.append([i1, i2, j1, j2])
    out = []
    for i1, i2, j1, j2 in runs:
        run = [t for t in mt_tokens[i1:i2] if words.is_word(t)]
        if len(run) < min_words:
            continue
        out.append((run[0][0], run[-1][1], _joined(ref, ref_tokens[j1:j2])))
    return out


def _joined(doc: Document, tokens: list[words.Token]) -> str:
    """The text the tokens span, as in the sentences joined by single spaces (``_ref_text``)."""
    spans: list[list[int]] = []  # [start, end, sentence index]
    for start, end, _ in tokens:
        sent = doc.sentence_at(start)
        index = -1 if sent is None else sent.index
        if spans and spans[-1][2] == index:
            spans[-1][1] = end
        else:
            spans.append([start, end, index])
    return " ".join(doc.text[a:b] for a, b, _ in spans)
