"""MT1xx: quotation marks and brackets.

Double quotes are paired paragraph by paragraph. News style lets a quotation run on into the next
paragraph: the paragraph leaves its quote open and the next one starts with an opening quote. MT
segments sometimes also close a quote in the next paragraph without reopening it; that is paired
too rather than reported twice. Single quotes are not paired: ’ is far more often an apostrophe
(Ukraine’s, ’90s, rock ’n’ roll) than a closing quote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from mtcheck.document import Applicability, Finding, Paragraph, Severity
from mtcheck.rules.base import Example, Rule, RuleContext, register

OPEN, CLOSE, EITHER = "open", "close", "either"

# Marks that stand for a double quote. Curly quotes and CJK/East-European marks carry their
# direction; the others get it from the characters around them.
# Guillemets (« » ‹ ›) are the quotes of French, Spanish, Russian and German sources; in English
# MT they are look-alikes, and they are paired like any other quote.
_MARK = re.compile(r"''|``|[“”\"″‟„״＂〃「」『』《》«»‹›]")
_INHERENT = {
    "“": OPEN,
    "‟": OPEN,
    "„": OPEN,
    "``": OPEN,
    "「": OPEN,
    "『": OPEN,
    "《": OPEN,
    "”": CLOSE,
    "」": CLOSE,
    "』": CLOSE,
    "》": CLOSE,
    "«": OPEN,
    "‹": OPEN,
    "»": CLOSE,
    "›": CLOSE,
}
# Marks with a direction whose mirror image is the other direction: ”word / word“, »word« (German).
_MIRRORED = {"”": "“", "»": "«", "›": "‹"}
_MIRRORED_OPEN = {v: k for k, v in _MIRRORED.items()}
_SINGLE_GUILLEMETS = frozenset("‹›")
_LOOKALIKE = frozenset(
    {"″", "‟", "„", "״", "＂", "〃", "''", "``", "「", "」", "『", "』", "《", "》", "«", "»", "‹", "›"}
)
_BEFORE_OPEN = set(" \t\n([{<—–-/“‘")
_AFTER_CLOSE = set(" \t\n.,;:!?)]}>…—–-/”’")
_SENTENCE_END = set(".!?…")


@dataclass
class QuoteMark:
    start: int
    end: int
    mark: str
    role: str  # OPEN or CLOSE once resolved; EITHER before
    # A prime or straight quote right after a digit (12″, 5'11") is usually an inch or second mark:
    # it only counts as a quote when an open quote needs it.
    weak: bool = False
    reversed: bool = False  # a curly quote facing the wrong way (”word, word“)

    @property
    def lookalike(self) -> bool:
        return self.mark in _LOOKALIKE or self.reversed

    @property
    def proper(self) -> str:
        if self.mark in _SINGLE_GUILLEMETS:
            return "‘" if self.role == OPEN else "’"
        return "“" if self.role == OPEN else "”"


@dataclass
class QuoteAnalysis:
    """Every double-quote mark of a document, with its resolved role, and the unpaired ones."""

    marks: list[QuoteMark]
    unclosed: list[QuoteMark]
    unopened: list[QuoteMark]


def _role(text: str, start: int, end: int, mark: str) -> tuple[str, bool, bool]:
    """(role, weak, reversed) of a quote mark from its neighbours."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    open_side = before in _BEFORE_OPEN and not after.isspace()
    close_side = after in _AFTER_CLOSE and not before.isspace()
    if mark in _INHERENT:
        role = _INHERENT[mark]
        # A curly quote facing the wrong way: ”word at a word start, word“ at a word end.
        if mark in _MIRRORED and open_side and not close_side and before != _MIRRORED[mark]:
            return OPEN, False, True
        if mark in _MIRRORED_OPEN and close_side and not open_side and after != _MIRRORED_OPEN[mark]:
            return CLOSE, False, True
        return role, False, False
    # 12″, 5'11", 40°26′46″N: a measure, unless a word is glued on (2024″Nato).
    after2 = text[end + 1] if end + 1 < len(text) else " "
    weak = before.isdigit() and (not after.isalpha() or (after in "NSEW" and not after2.isalpha()))
    if open_side and not close_side:
        return OPEN, weak, False
    if close_side and not open_side:
        return CLOSE, weak, False
    return EITHER, weak, False


_REPORTING = (
    r"(?:said|says|added|adds|told|tells|insisted|insists|explained|explains|stated|noted|warned|warns"
    r"|declared|asked|asks|replied|argued|recalled|stressed|wrote|claimed|admitted|acknowledged|continued)"
)
# An attribution that closes a sentence of speech: `, said his lawyer, Ana Ruiz.`, `, the coach told
# reporters.` (not `, as the minister said, ...`, which is still speech).
_ATTRIBUTED = re.compile(rf"[,?!]\s+(?!as\b)(?:[\w’'\-]+\s+){{0,5}}?{_REPORTING}\b[^.!?“”\"«»]*[.!?]")


def _starts_with_open_quote(marks: list[QuoteMark], para_start: int) -> bool:
    return bool(marks) and marks[0].start == para_start and marks[0].role in (OPEN, EITHER)


def analyse_quotes(ctx: RuleContext) -> QuoteAnalysis:
    """Pair double quotes through the document, once per context for the three quote rules."""
    return ctx.analysis(_pair_quotes)


def _pair_quotes(ctx: RuleContext) -> QuoteAnalysis:
    text = ctx.doc.text
    paragraphs = ctx.doc.paragraphs
    # One scan of the whole text, each mark filed under its paragraph by bisection; paragraphs
    # without a mark are never visited (a scan and a few lists per paragraph cost seconds on text of
    # one word per line). Every mark lies inside a paragraph: only whitespace is outside them.
    starts = ctx.analysis(_paragraph_starts)
    per_para: dict[int, list[QuoteMark]] = {}
    for m in _MARK.finditer(text):
        start, end = m.span()
        p = bisect_right(starts, start) - 1
        if p < 0 or end > paragraphs[p].end:
            continue
        mark = m.group()
        role, weak, rev = _role(text, start, end, mark)
        marks = per_para.get(p)
        if marks is None:
            marks = per_para[p] = []
        marks.append(QuoteMark(start, end, mark, role, weak, rev))

    unclosed: list[QuoteMark] = []
    unopened: list[QuoteMark] = []
    carried: list[QuoteMark] = []  # quotes left open at the end of the previous paragraph
    for p_index, marks in per_para.items():
        stack: list[QuoteMark] = list(carried)
        carried_ids = {id(m) for m in carried}
        carried = []
        following = _next_strong(marks) if any(m.weak for m in marks) else []
        for i, mark in enumerate(marks):
            if mark.weak:
                # A weak mark (the ″ of 2024″) closes an open quote only when no later mark will.
                later = following[i]
                if stack and (later is None or later.role == OPEN):
                    mark.role = CLOSE
                    mark.weak = False
                    stack.pop()
                continue
            role = mark.role
            if role == EITHER:
                role = CLOSE if stack else OPEN
            mark.role = role
            if role == OPEN:
                stack.append(mark)
            elif stack:
                stack.pop()
            else:
                unopened.append(mark)
        # Quotes opened in an earlier paragraph and not closed in this one are unclosed there.
        if carried_ids:
            leftover = [m for m in stack if id(m) not in carried_ids]
            unclosed.extend(m for m in stack if id(m) in carried_ids)
        else:
            leftover = stack
        if not leftover:
            continue
        if p_index + 1 >= len(paragraphs):
            unclosed.extend(leftover)
            continue
        nxt = per_para.get(p_index + 1, [])
        if _starts_with_open_quote(nxt, paragraphs[p_index + 1].start):
            # News style: a quotation that runs on into the next paragraph leaves this one open. A
            # paragraph that attributes its speech after the open quote (“We will appeal, said his
            # lawyer.) has ended that speech: its missing closing mark is an error.
            para_end = paragraphs[p_index].end
            if _ATTRIBUTED.search(text, leftover[-1].end, para_end):
                unclosed.extend(leftover)
        else:
            first = next((m for m in nxt if not m.weak), None)
            if first is not None and first.role == CLOSE:
                carried = leftover[-1:]  # closed without reopening: pair across the break
                unclosed.extend(leftover[:-1])
            else:
                unclosed.extend(leftover)
    marks_all = [m for marks in per_para.values() for m in marks]
    return QuoteAnalysis(marks_all, sorted(unclosed, key=lambda m: m.start), unopened)


def _next_strong(marks: list[QuoteMark]) -> list[QuoteMark | None]:
    """For each mark, the first later mark of its paragraph that is not weak (None if none).

    Read before the pairing changes any mark: a slice and a scan per weak mark was quadratic on a
    paragraph of many (``1"1"1"...``)."""
    out: list[QuoteMark | None] = [None] * len(marks)
    nxt: QuoteMark | None = None
    for i in range(len(marks) - 1, -1, -1):
        out[i] = nxt
        if not marks[i].weak:
            nxt = marks[i]
    return out


def _paragraph_at(ctx: RuleContext, offset: int) -> Paragraph:
    """The paragraph holding a mark, by bisection: a scan per mark is quadratic on long articles."""
    paragraphs = ctx.doc.paragraphs
    starts = ctx.analysis(_paragraph_starts)
    return paragraphs[max(0, bisect_right(starts, offset) - 1)]


def _paragraph_starts(ctx: RuleContext) -> list[int]:
    return [p.start for p in ctx.doc.paragraphs]


def _snippet(text: str, start: int, end: int, words: int = 5) -> str:
    # Only the first few words are shown: split a growing window, not the whole span, which for
    # thousands of stray quotes in one long paragraph made the rule quadratic.
    window = 256
    while True:
        stop = min(end, start + window)
        tail = text[start:stop].split(maxsplit=words)
        if len(tail) > words or stop == end or window >= 1024:
            break
        window *= 4
    out = " ".join(tail[:words])
    return out + ("…" if len(tail) > words or stop < end else "")


@register
class UnpairedQuote(Rule):
    code = "MT101"
    fix_applicability = Applicability.DISPLAY
    name = "unpaired-quote"
    category = "quote"
    severity = Severity.ERROR
    summary = "A quotation mark is opened and never closed, or closed without being opened."
    why = (
        "Published copy always pairs its quotes; MT drops or moves quote marks when it reorders or "
        "merges clauses, which leaves the reader unsure where the quotation ends."
    )
    fix = "Close the quotation where the speaker's words end, or remove the stray mark."
    passes = (
        "He said the allies “reaffirmed their commitment” on Wednesday.",
        "“We will not stop,” she said.\n\n“The fight goes on.”",
        "“This paragraph is quoted in full.\n\n“And so is this one,” he said.",
        "Ukraine’s ’90s rock ’n’ roll scene was big, said O’Neill.",
        'The court called the plan "unlawful" and "unfair".',
        "The 12″ vinyl sold out.",
    )
    fails = (
        Example("He called it “weapons from North Korea and Iran, officials said.", flagged=("“",)),
        Example("“Russia’s campaign will fail.\n\nAccording to NATO, the meeting ended.", flagged=("“",)),
        Example("The minister said the plan works.” Officials agreed.", flagged=("”",)),
        Example("The mayor called it «a historic step. The opposition disagreed.", flagged=("«",)),
        Example(
            "“We will appeal the ruling, said his lawyer, Ana Ruiz.\n\n“Today is a sad day,” she added.",
            flagged=("“",),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        analysis = analyse_quotes(ctx)
        for mark in analysis.unclosed:
            para = _paragraph_at(ctx, mark.start)
            words = _snippet(text, mark.end, para.end)
            yield self.finding(
                ctx,
                mark.start,
                mark.end,
                f"The quotation opened here ({mark.mark}{words}) is never closed.",
            )
        for mark in analysis.unopened:
            para = _paragraph_at(ctx, mark.start)
            before = text[max(para.start, mark.start - 40) : mark.start].split()
            lead = " ".join(before[-5:])
            yield self.finding(
                ctx,
                mark.start,
                mark.end,
                f"The quotation closed here (…{lead}{mark.mark}) was never opened.",
            )


@register
class LookalikeQuote(Rule):
    code = "MT102"
    fix_applicability = Applicability.SAFE
    name = "lookalike-quote"
    category = "quote"
    severity = Severity.WARNING
    summary = "A prime, low quote, doubled apostrophe or similar mark stands in for a quotation mark."
    why = (
        "Marks such as ″ ‟ „ ״ '' `` look like quotes but are other characters: they render oddly, break "
        "search and screen readers, and betray an MT or conversion step."
    )
    fix = "Replace the mark with the right curly quote (“ to open, ” to close)."
    passes = (
        "The 12″ vinyl and the 40°26′46″N mark stayed as they were.",
        "“Good,” she said.",
        "He stood 5′11″ tall.",
    )
    fails = (
        Example("“Allies will provide more in 2024″ Nato added.", flagged=("″",)),
        Example("He called it ''unacceptable'' on Monday.", flagged=("''",)),
        Example("The minister said „we will respond“ to the attack.", flagged=("„",)),
        Example("The union called the offer «an insult» and walked out.", flagged=("«", "»")),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        for mark in analyse_quotes(ctx).marks:
            if mark.weak or not mark.lookalike:
                continue
            kind = "an opening" if mark.role == OPEN else "a closing"
            if mark.reversed:
                message = f"“{mark.mark}” faces the wrong way for {kind} quote here."
            else:
                message = f"“{mark.mark}” is used as {kind} quotation mark; it is a look-alike."
            yield self.finding(ctx, mark.start, mark.end, message, suggestion=mark.proper)
        # Primes and acute accents used as apostrophes inside a word: Ukraine′s, Russia´s.
        for m in re.finditer(r"(?<=[^\W\d_])[′´`](?=[^\W\d_])", text):
            yield self.finding(
                ctx,
                m.start(),
                m.end(),
                f"“{m.group()}” is used as an apostrophe in “{_word_around(text, m.start())}”.",
                suggestion="’",
            )


def _word_around(text: str, pos: int) -> str:
    start = pos
    while start > 0 and (text[start - 1].isalpha()):
        start -= 1
    end = pos + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end]


_WORD_AFTER = re.compile(r"[^\W_]+")
_WORD_BEFORE = re.compile(r"[^\W_]+$")


@register
class GluedQuote(Rule):
    code = "MT103"
    fix_applicability = Applicability.SAFE
    name = "glued-quote"
    category = "quote"
    severity = Severity.WARNING
    summary = "A closing quote runs straight into the next word, or an opening quote into the previous one."
    why = (
        "MT that merges a quotation with the attribution drops the space (`2024″Nato added`, "
        "`said”the`); the reader cannot see where the quotation ends."
    )
    fix = "Put a space between the quotation mark and the word, and check the punctuation there."
    passes = (
        "“We are ready,” he said.",
        "He called it “nonsense” and left.",
        "The allies condemned the attacks “strongly”.",
        # Sentence punctuation, quote, word: the missing-space rule in MT5xx reports these.
        "“Sanctions will stay.”Gave details of the plan.",
    )
    fails = (
        Example("“Allies will provide more in 2024″Nato added.", flagged=("″Nato",)),
        Example("“The plan is dead,”the minister said.", flagged=("”the",)),
        Example("The alliance said“we will respond” to the attacks.", flagged=("said“",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        for mark in analyse_quotes(ctx).marks:
            if mark.weak:
                continue
            if mark.role == CLOSE and mark.end < len(text) and text[mark.end].isalnum():
                before = text[mark.start - 1] if mark.start else ""
                if before in _SENTENCE_END:
                    continue  # `Iran.”Gave` belongs to the missing-space rule
                word = _WORD_AFTER.match(text, mark.end)
                assert word is not None
                yield self.finding(
                    ctx,
                    mark.start,
                    word.end(),
                    f"The closing quote is glued to “{word.group()}”: a space is missing after it.",
                    suggestion=f"{mark.proper} {word.group()}",
                )
            elif mark.role == OPEN and mark.start > 0 and text[mark.start - 1].isalnum():
                word = _WORD_BEFORE.search(text, 0, mark.start)
                assert word is not None
                yield self.finding(
                    ctx,
                    word.start(),
                    mark.end,
                    f"The opening quote is glued to “{word.group()}”: a space is missing before it.",
                    suggestion=f"{word.group()} {mark.proper}",
                )


_OPENERS = {"(": ")", "[": "]", "{": "}", "（": "）", "［": "］", "【": "】"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_BRACKET = re.compile(r"[()\[\]{}（）［］【】]")
# A closing bracket that ends a list marker (1) 2) a) iv)) or an emoticon has no opener.
# (A lookbehind, not ``^``: searched from inside a paragraph, ``^`` only matches at the text's start.)
_LIST_MARKER = re.compile(r"(?<![^\s(])(?:\d{1,2}|[A-Za-z]|[ivxIVX]{1,4})$")
# A match ends at the bracket (``$``, or before one newline there) and is at most 4 characters, so
# only the last 6 before the bracket are searched; the lookbehind still sees the character before.
# Searching from the paragraph's start made each `)` cost the paragraph's length: quadratic, 370 s
# for 250 KB of `](x)` (Markdown links nested 50,000 deep leave that text).
_LIST_MARKER_REACH = 6


@register
class UnbalancedBracket(Rule):
    code = "MT104"
    fix_applicability = Applicability.DISPLAY
    name = "unbalanced-bracket"
    category = "quote"
    severity = Severity.WARNING
    summary = "A bracket or parenthesis is opened and never closed in its paragraph, or closed unopened."
    why = "MT loses one half of a parenthesis when it reorders a sentence; the aside then swallows the text."
    fix = "Add the missing bracket where the aside ends, or remove the stray one."
    passes = (
        "The North Atlantic Treaty Organization (NATO) met in Brussels.",
        "Choose between 1) a delay and 2) a vote.",
        "The figure [sic] was wrong (see below).",
    )
    fails = (
        Example("The alliance (NATO met in Brussels on Wednesday.", flagged=("(",)),
        Example("Ministers met in Brussels) on Wednesday.", flagged=(")",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        paragraphs = ctx.doc.paragraphs
        starts = ctx.analysis(_paragraph_starts)
        # One scan of the whole text, handed out to paragraphs by position; paragraphs without a
        # bracket are never visited (a scan per paragraph cost seconds on text of one word per
        # line). Brackets are never whitespace, and only whitespace lies outside paragraphs. A
        # stream, not a list per paragraph: 1 MB of `(` is a million matches.
        para: Paragraph | None = None
        stack: list[tuple[int, str]] = []
        for m in _BRACKET.finditer(text):
            pos = m.start()
            if para is None or pos >= para.end:
                p = bisect_right(starts, pos) - 1
                if p < 0 or pos >= paragraphs[p].end:
                    continue
                if para is not None:
                    for start, opened in stack:
                        yield self._unclosed(ctx, start, opened, para.end)
                para, stack = paragraphs[p], []
            ch = m.group()
            if ch in _OPENERS:
                if text[pos - 1 : pos] in (":", ";") and ch == "(":
                    continue  # :( emoticon
                stack.append((pos, ch))
                continue
            if (
                ch == ")"
                and (
                    _LIST_MARKER.search(text, max(para.start, pos - _LIST_MARKER_REACH), pos)
                    or text[pos - 1 : pos] in (":", ";")
                )
                and not (stack and stack[-1][1] == "(")
            ):
                continue
            opener = _CLOSERS[ch]
            depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][1] == opener), None)
            if depth is None:
                yield self.finding(
                    ctx,
                    pos,
                    pos + 1,
                    f"“{ch}” closes a bracket that was never opened in this paragraph "
                    f"(…{_before(text, para.start, pos)}{ch}).",
                )
                continue
            for start, opened in stack[depth + 1 :]:
                yield self._unclosed(ctx, start, opened, para.end)
            del stack[depth:]
        if para is not None:
            for start, opened in stack:
                yield self._unclosed(ctx, start, opened, para.end)

    def _unclosed(self, ctx: RuleContext, start: int, opened: str, para_end: int) -> Finding:
        words = _snippet(ctx.text, start + 1, para_end)
        return self.finding(
            ctx,
            start,
            start + 1,
            f"“{opened}” opens an aside ({opened}{words}) that is never closed with “{_OPENERS[opened]}”.",
        )


def _before(text: str, floor: int, pos: int) -> str:
    return " ".join(text[max(floor, pos - 40) : pos].split()[-5:])


__all__ = [
    "GluedQuote",
    "LookalikeQuote",
    "QuoteAnalysis",
    "UnbalancedBracket",
    "UnpairedQuote",
    "analyse_quotes",
]
