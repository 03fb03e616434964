"""MT2xx: casing — lowercase sentence starts, names and acronyms in the wrong case, stray capitals.

Every rule here reads the same token view of the article (``CasingView``): letter runs with their
sentence, whether they start a sentence or clause, and whether their sentence is a title-case or
all-caps headline, where casing follows other conventions and nothing is judged.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from typing import NamedTuple

from mtcheck.document import Applicability, Finding, Sentence, Severity
from mtcheck.gazetteer import acronyms, is_common_word, proper_adjectives, proper_nouns
from mtcheck.rules.base import Example, Rule, RuleContext, register
from mtcheck.rules.structure import LIST_ITEM

_LETTERS = re.compile(r"[^\W\d_]+")
_APOSTROPHES = "’'′´`‘"
# Web addresses, e-mail addresses, handles and hashtags keep whatever case they have.
# Each alternative starts only where its run of characters starts: unanchored, a single "@" in the
# text made the scan quadratic in the length of every long word (61 s for 60,000 characters).
_NO_CASE = re.compile(
    r"(?<!\S)\S*(?:://|www\.|@|#)\S*"
    r"|(?<![\w.-])[.-]*+\b[\w.-]+\.(?:com|org|net|gov|edu|int|io|co|uk|eu)\b"
)
# What any match of _NO_CASE contains; texts without it skip the slow scan (it tries \S* everywhere).
_NO_CASE_MARKS = ("://", "www.", "@", "#")
_DOMAIN_END = re.compile(r"\.(?:com|org|net|gov|edu|int|io|co|uk|eu)\b")
# A capital may follow these (after spaces or tabs): quotes, brackets, a colon, dashes, a line break.
_CLAUSE_OPENERS = frozenset("“\"‘'«„(（[{:—–-•\n/|")
# Characters that may stand before the first word of a sentence: quotes, brackets, dashes, bullets.
_LEAD = set("\"“”‘’'«»„‟(（[{–—-•*·>|/ \t\n")
_SENTENCE_PUNCT = set(".!?…")
_SENTENCE_PUNCT_TUPLE = tuple(_SENTENCE_PUNCT)
# Lowercase words that begin a name and stay lowercase even at a sentence start in many styles.
_PARTICLES = frozenset(
    [
        "de",
        "van",
        "von",
        "der",
        "den",
        "da",
        "di",
        "du",
        "del",
        "della",
        "des",
        "la",
        "le",
        "al",
        "el",
        "bin",
        "ibn",
        "ten",
        "ter",
        "dos",
        "das",
    ]
)
# Lowercase abbreviations after which pysbd may cut a sentence that goes on in lowercase.
_ABBREVIATION = re.compile(
    r"(?:\b(?:[a-zA-Z]\.){2,}|\b(?:etc|approx|vs|cf|incl|esp|ca|min|max|no|nos|vol|fig|art|sec|para"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mr|mrs|ms|dr|st|gen|col|lt|sgt|gov|sen|rep)\.)$",
    re.IGNORECASE,
)


class Token(NamedTuple):
    """One word, built on demand by ``CasingView.token``: the view keeps no object per word."""

    start: int
    end: int
    text: str
    sentence: Sentence
    initial: bool  # first word of its sentence, or of a quotation, bracket or clause after a colon
    lower: str

    @property
    def is_title(self) -> bool:
        return _is_title(self.text)


def _is_title(word: str) -> bool:
    return word[0].isupper() and (len(word) == 1 or word[1:].islower())


class CasingView:
    """The article's words with the facts casing rules share, in flat per-article arrays.

    A 50 MB article has ~8 million words; a tuple per word with its lowercase form cost ~45 bytes per
    character of text and lived as long as the article. Here a word is an offset, a shared (interned)
    string and a flag, ~3 bytes per character. Sentence k's words are ``words[bounds[k]:bounds[k + 1]]``
    (k is the position in ``doc.sentences``); its end is ``starts[i] + len(words[i])``.
    """

    def __init__(self, ctx: RuleContext) -> None:
        # The text and document, not the context: the view is cached on the context, and a reference
        # back would make a cycle that keeps the arrays alive after the rules until the cyclic GC runs.
        self.doc = ctx.doc
        self.text = text = ctx.text
        n = len(text)
        if any(mark in text for mark in _NO_CASE_MARKS) or _DOMAIN_END.search(text):
            # Matches do not overlap and come in order: the one that may hold an offset is found by bisection.
            no_case = [(m.start(), m.end()) for m in _NO_CASE.finditer(text)]
        else:
            no_case = []
        no_case_starts = [a for a, _ in no_case]
        sentences = ctx.doc.sentences
        self.words: list[str] = []
        self.starts = array("q")
        # 1 where the word is the first of its sentence, or of a quotation, bracket or clause after a colon.
        self.initial = bytearray()
        self.bounds = array("q", [0]) * (len(sentences) + 1)
        self.headline = bytearray(len(sentences))  # 1 for an all-caps or title-case line: not judged
        words, starts, initial_flags, bounds = self.words, self.starts, self.initial, self.bounds
        shared: dict[str, str] = {}  # one string object per distinct word
        # Letter runs of the whole text in one scan, handed out to sentences by position: a scan per
        # sentence cost a few µs each, seconds on text of one word per line. (A stream, not a list: a
        # 50 MB article has millions of runs.) A run that crosses a sentence boundary (a cut inside a
        # word) makes the sentences on both sides scan their own spans, as before.
        scan = _LETTERS.finditer(text)
        pending = next(scan, None)
        for k, sent in enumerate(sentences):
            sent_start, sent_end = sent.start, sent.end
            first = len(words)
            bounds[k] = first
            mine = []
            crossing = False
            while pending is not None and pending.start() < sent_end:
                if pending.start() < sent_start:
                    crossing = crossing or pending.end() > sent_start
                elif pending.end() > sent_end:
                    crossing = True
                    break  # left pending: it crosses into the next sentence too
                else:
                    mine.append(pending)
                pending = next(scan, None)
            if crossing:
                mine = list(_LETTERS.finditer(text, sent_start, sent_end))
            for m in mine:
                s, e = m.span()
                word = m.group()
                before = text[s - 1] if s > 0 else " "
                after = text[e] if e < n else " "
                if before in _APOSTROPHES or before.isdigit() or after.isdigit():
                    continue  # Ukraine’s -> s, G7, COVID-19: not words of their own
                if no_case:
                    j = bisect_right(no_case_starts, s) - 1
                    if j >= 0 and s < no_case[j][1]:
                        continue
                if len(words) > first:
                    # A clause start: after an opening quote, bracket, colon, dash or line break.
                    i = s - 1
                    while i >= sent_start and text[i] in " \t":
                        i -= 1
                    initial = i < sent_start or text[i] in _CLAUSE_OPENERS
                else:
                    initial = True
                words.append(shared.setdefault(word, word))
                starts.append(s)
                initial_flags.append(initial)
            if _is_headline(sent, words[first:]):
                self.headline[k] = 1
        bounds[len(sentences)] = len(words)
        self.lower: dict[str, str] = {w: w.lower() for w in shared}
        self._counts: dict[str, dict[str, int]] | None = None

    def token(self, i: int, k: int) -> Token:
        """Word ``i`` of the article, which lies in sentence ``k``."""
        word = self.words[i]
        start = self.starts[i]
        sentence = self.doc.sentences[k]
        return Token(start, start + len(word), word, sentence, bool(self.initial[i]), self.lower[word])

    def dateline(self, i: int, paragraph_start: int) -> bool:
        """An all-caps word opening its paragraph, before a dash, comma or bracket: BRUSSELS —."""
        start = self.starts[i]
        if start - paragraph_start >= 3:
            return False
        end = start + len(self.words[i])
        rest = self.text[end : end + 3].lstrip(" ")
        return bool(rest) and rest[0] in ",(—–-"

    def judged_sentences(self) -> Iterator[tuple[int, int, int]]:
        """(k, first word, end of words) for every sentence outside headlines."""
        bounds = self.bounds
        for k, head in enumerate(self.headline):
            if not head:
                yield k, bounds[k], bounds[k + 1]

    def counts(self) -> dict[str, dict[str, int]]:
        """For each lowercased word, how often each spelling occurs outside headlines and sentence starts."""
        if self._counts is None:
            out: dict[str, dict[str, int]] = {}
            words, initial, lower = self.words, self.initial, self.lower
            for _, lo, hi in self.judged_sentences():
                for i in range(lo, hi):
                    if not initial[i]:
                        word = words[i]
                        key = lower[word]
                        forms = out.get(key)
                        if forms is None:
                            out[key] = forms = {}
                        forms[word] = forms.get(word, 0) + 1
            self._counts = out
        return self._counts


def _is_headline(sent: Sentence, words: list[str]) -> bool:
    """An all-caps line, or a title-case line without final punctuation (headlines, captions)."""
    content = [w for w in words if len(w) >= 4]
    if content and all(w.isupper() for w in content) and len(content) >= 2:
        return True
    if sent.text.rstrip('"”’)»').endswith(_SENTENCE_PUNCT_TUPLE) or not words:
        return False
    if len(content) < 2:
        return True
    return sum(w[0].isupper() for w in content) / len(content) >= 0.6


def _view(ctx: RuleContext) -> CasingView:
    return ctx.analysis(CasingView)


@register
class LowercaseSentenceStart(Rule):
    code = "MT201"
    fix_applicability = Applicability.SAFE
    name = "lowercase-sentence-start"
    category = "casing"
    severity = Severity.ERROR
    summary = "A sentence starts with a lowercase letter."
    why = "Editors never publish it; MT produces it when it drops or merges the start of a sentence."
    fix = "Capitalise the first word, or join the fragment to the sentence it belongs to."
    passes = (
        "The minister spoke. eBay reported profits. iPhone sales fell.",
        "“Are you ready?” asked the minister. “Yes,” he said.",
        "The meeting ended at 5 p.m. local time on Friday.",
        "de Gaulle was president. 2024 was a hard year.",
        "Prices rose… and then fell again.",
    )
    fails = (
        Example("member countries of NATO met on Wednesday.", flagged=("member",)),
        Example("The talks ended. the ministers left Brussels.", flagged=("the",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        view = _view(ctx)
        bounds = view.bounds
        for k, sent in enumerate(ctx.doc.sentences):
            lead = sent.start
            while lead < sent.end and text[lead] in _LEAD:
                lead += 1
            if lead >= sent.end or not text[lead].islower():
                continue
            if bounds[k] == bounds[k + 1]:
                continue  # no word in the sentence
            tok = view.token(bounds[k], k)
            if tok.start != lead or not tok.text.islower() or self._excused(ctx, sent, tok):
                continue
            word = tok.text
            # A known acronym or name keeps its own spelling (nato -> NATO, not Nato).
            known = acronyms().get(word) or proper_nouns().get(word)
            yield self.finding(
                ctx,
                tok.start,
                tok.end,
                f"The sentence starts with lowercase “{word}”.",
                suggestion=known or word[0].upper() + word[1:],
            )

    @staticmethod
    def _excused(ctx: RuleContext, sent: Sentence, tok: Token) -> bool:
        text = ctx.text
        after = text[tok.end : tok.end + 1]
        if after in ("-", ".") or text[tok.start - 1 : tok.start] in ("…", "."):
            return True  # e-mail, e.coli, a domain, …and then
        if len(tok.text) == 1 and after == ")":
            return True  # a) b) c): a list marker
        para = ctx.doc.paragraphs[sent.paragraph]
        marker = LIST_ITEM.match(text, para.start)
        if marker is not None and tok.start == marker.end() - 1:
            return True  # - cars registered before 2006; list items may start in lowercase
        if sent.text.startswith("(") and sent.text.rstrip().endswith(")"):
            return True  # (with reporting by Reuters): a credit line, reported by the leak rules
        if tok.text in _PARTICLES:
            rest = [m.group() for m in _LETTERS.finditer(text, tok.end, sent.end)]
            name = next((w for w in rest if w not in _PARTICLES), "")
            if name[:1].isupper():
                return True  # de Gaulle, van der Leyen
        prev = ctx.doc.sentences[sent.index - 1] if sent.index > 0 else None
        if prev is None or prev.paragraph != sent.paragraph:
            return False
        tail = prev.text.rstrip()
        # A question or exclamation inside a quote goes on in lowercase: “Why?” he asked.
        if re.search(r"[?!][\"”’»)]*$", tail) or tail.endswith(("…", "...", ":", ";", ",")):
            return True
        return bool(_ABBREVIATION.search(tail))


@register
class ProperNounCasing(Rule):
    code = "MT202"
    fix_applicability = Applicability.SAFE
    name = "proper-noun-casing"
    category = "casing"
    severity = Severity.WARNING
    summary = "A place, nationality, language, weekday or month name is written in lowercase."
    why = (
        "MT loses capitals when it copies names from a source without case or rebuilds them from "
        "subwords (`iran`, `stoltenberg`); readers take it for a typo or a different word."
    )
    fix = "Write the name with its capital, as the suggestion shows."
    passes = (
        "Iran and North Korea supplied drones, officials in Tehran said.",
        "The china cabinet held a turkey dinner for Chad.",
        "Critics called the draconian rules a polish on a spartan budget in May.",
        "Stoltenberg met Stoltenberg's deputy; the website internet.org went down.",
    )
    fails = (
        Example("The missiles came from North Korea and iran, he said.", flagged=("iran",)),
        Example("The european commission backed the plan on monday.", flagged=("european", "monday")),
        Example(
            "Jens Stoltenberg spoke. Allies thanked Stoltenberg, and stoltenberg said he would stay.",
            flagged=("stoltenberg",),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        view = _view(ctx)
        names, adjectives = proper_nouns(), proper_adjectives()
        counts = view.counts()
        from_article: dict[str, str | None] = {}  # the verdict for each lowercase word, once per article
        words, starts = view.words, view.starts
        for _, lo, hi in view.judged_sentences():
            for i in range(lo, hi):
                word = words[i]
                if len(word) < 3 or not word.islower():
                    continue
                canonical = names.get(word)
                source = "is a place name"
                if canonical is None and (canonical := adjectives.get(word)) is not None:
                    source = "is a nationality, language or calendar name"
                if canonical is None:
                    if word not in from_article:
                        from_article[word] = self._from_article(word, counts.get(word, {}))
                    canonical = from_article[word]
                    source = "is capitalised elsewhere in this article"
                if canonical is None:
                    continue
                start = starts[i]
                yield self.finding(
                    ctx,
                    start,
                    start + len(word),
                    f"“{word}” {source}: write “{canonical}”.",
                    suggestion=canonical,
                )

    @staticmethod
    def _from_article(lower: str, forms: dict[str, int]) -> str | None:
        title = lower[0].upper() + lower[1:]
        n_title = forms.get(title, 0)
        if n_title < 2 or n_title <= forms.get(lower, 0) or is_common_word(lower):
            return None
        return title


@register
class AcronymCasing(Rule):
    code = "MT203"
    fix_applicability = Applicability.SAFE
    name = "acronym-casing"
    category = "casing"
    severity = Severity.WARNING
    summary = "An acronym is written in lowercase or title case (nato, Nato for NATO)."
    why = (
        "Lowercase acronyms read as typos; an acronym spelled two ways in one article looks careless "
        "and MT produces both when it translates sentence by sentence."
    )
    fix = "Spell the acronym the same way throughout, in capitals unless your house style says otherwise."
    passes = (
        "NATO allies met. The EU and the UN joined NATO.",
        "Nato allies met in Brussels; Nato said more aid would follow.",
        "The WHO said who was infected; US troops told us.",
    )
    fails = (
        Example("Member countries of nato met in Brussels.", flagged=("nato",)),
        Example("NATO met on Monday, and Nato added that aid would follow.", flagged=("Nato",)),
        Example("ECOWAS leaders met. The ECOWAS summit ended and ecowas envoys left.", flagged=("ecowas",)),
        Example(
            "ECOWAS leaders met. The ECOWAS summit ended, and the Ecowas envoys left.", flagged=("Ecowas",)
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        view = _view(ctx)
        known = acronyms()
        places = proper_nouns()
        words, starts, lower_of = view.words, view.starts, view.lower
        sentences, paragraphs = ctx.doc.sentences, ctx.doc.paragraphs
        counts: dict[str, dict[str, int]] = {}
        # Capitals in running text; a dateline (BRUSSELS —, PARIS (Reuters)) or a place name is no acronym.
        caps_in_article: dict[str, str] = {}
        for k, lo, hi in view.judged_sentences():
            paragraph_start = paragraphs[sentences[k].paragraph].start
            for i in range(lo, hi):
                if starts[i] - paragraph_start < 3 and view.dateline(i, paragraph_start):
                    continue
                word = words[i]
                lower = lower_of[word]
                forms = counts.get(lower)
                if forms is None:
                    counts[lower] = forms = {}
                forms[word] = forms.get(word, 0) + 1
                if len(word) >= 2 and word.isupper() and lower not in places:
                    caps_in_article[lower] = word
        # The candidates: words outside headlines that are not in capitals, in article order.
        for k, lo, hi in view.judged_sentences():
            for i in range(lo, hi):
                word = words[i]
                lower = lower_of[word]
                canonical = known.get(lower)
                in_article = caps_in_article.get(lower)
                if canonical is None and in_article is None:
                    continue  # neither a known acronym nor one in capitals here: nothing to compare with
                if len(word) >= 2 and word.isupper():
                    continue
                if _name_or_compound_part(view.text, starts[i], starts[i] + len(word)):
                    continue
                finding = self._judge(ctx, view.token(i, k), canonical, in_article, counts)
                if finding is not None:
                    yield finding

    def _judge(
        self,
        ctx: RuleContext,
        tok: Token,
        canonical: str | None,
        in_article: str | None,
        counts: dict[str, dict[str, int]],
    ) -> Finding | None:
        lower = tok.lower
        if tok.text.islower():
            if canonical is None and not self._dominant(in_article, counts.get(lower), lower):
                return None
            canonical = canonical or in_article
        elif tok.is_title and len(tok.text) >= 2:
            # Title case is house style for long acronyms (Nato, Unesco) unless the article
            # also uses capitals; short ones (Eu, Imf) are always wrong.
            if canonical is not None and in_article is not None:
                pass  # a known acronym spelled in capitals elsewhere in the article
            elif self._dominant(in_article, counts.get(lower), lower):
                canonical = in_article
            elif canonical is None or len(lower) > 3:
                return None
        else:
            return None
        elsewhere = " as elsewhere in this article" if in_article else ""
        return self.finding(
            ctx,
            tok.start,
            tok.end,
            f"The acronym “{tok.text}” should be written “{canonical}”{elsewhere}.",
            suggestion=canonical,
        )

    @staticmethod
    def _dominant(caps: str | None, forms: dict[str, int] | None, lower: str) -> bool:
        """An acronym the article itself spells in capitals, more often than any other way."""
        if caps is None or forms is None or len(lower) < 3 or is_common_word(lower):
            return False
        others = sum(n for form, n in forms.items() if form != caps)
        n_caps = forms.get(caps, 0)
        return n_caps >= 2 and n_caps > others


def _name_or_compound_part(text: str, start: int, end: int) -> bool:
    """A word joined by a hyphen to another word: part of a name or compound, not an acronym.

    ``Kim Jong-un`` (not UN), ``un-democratic``, ``Who-Smith``. Only a lowercase known acronym of
    three or more letters joined to another lowercase part (``nato-led``, ``anti-nato``) is still judged:
    no name is written that way.
    """
    after = end < len(text) - 1 and text[end] in "-‐‑" and text[end + 1].isalpha()
    before = start >= 2 and text[start - 1] in "-‐‑" and text[start - 2].isalpha()
    if not (after or before):
        return False
    word = text[start:end]
    if len(word) < 3 or not word.islower():
        return True
    if after and text[end + 1].isupper():
        return True
    if before:
        i = start - 2
        while i > 0 and text[i - 1].isalpha():
            i -= 1
        if text[i].isupper():
            return True
    return False


FUNCTION_WORDS = frozenset(
    [
        "and",
        "or",
        "but",
        "nor",
        "of",
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "into",
        "onto",
        "than",
        "via",
        "per",
        "as",
    ]
)
# After a comma a capitalised pronoun or determiner is a sentence run into the last one. Without a
# comma (`of nato He reaffirmed`) the run-on sentence rule in MT5xx reports it.
_COMMA_WORDS = frozenset(
    ["he", "she", "it", "they", "we", "his", "her", "its", "their", "our", "this", "these", "those", "there"]
)
_ARTICLES = frozenset({"the", "a", "an"})
# Lowercase in every English title style (AP, Chicago, APA) even inside a capitalised name or title.
_BETWEEN_NAMES = frozenset(
    {"and", "or", "nor", "but", "of", "in", "on", "at", "to", "for", "by", "as", "via", "per"}
)


@register
class CapitalisedFunctionWord(Rule):
    code = "MT204"
    fix_applicability = Applicability.SAFE
    name = "capitalised-function-word"
    category = "casing"
    severity = Severity.WARNING
    summary = "A function word (And, Of, The, A) or, after a comma, a pronoun is capitalised mid-sentence."
    why = (
        "MT carries capitals over from segment boundaries or title-cased sources (`North Korea And "
        "iran`, `meeting, A forum`); in running text only names take a capital."
    )
    fix = "Write the word in lowercase, or end the sentence before it if a new one starts there."
    passes = (
        "The court in The Hague ruled on Bosnia and Herzegovina.",
        "She read The Lord of the Rings and A Tale of Two Cities.",
        "War And Peace Returns To The Stage",
        "Shares of Class A stock rose, and vitamin A sales fell.",
        "He said: The plan works.",
    )
    fails = (
        Example("Weapons from North Korea And iran were used.", flagged=("And",)),
        Example("The final is shown on DAZN And Sky in Spain.", flagged=("And",)),
        Example("The ambassadors met, A forum for consultation.", flagged=("A",)),
        Example("The talks ended on Monday, He said.", flagged=("He",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        view = _view(ctx)
        text = ctx.text
        words, starts, initial, lower_of = view.words, view.starts, view.initial, view.lower
        for _, lo, hi in view.judged_sentences():
            # The first word of a sentence has no word before it in the sentence: never flagged.
            for i in range(lo + 1, hi):
                word = words[i]
                lower = lower_of[word]
                if lower not in FUNCTION_WORDS and lower not in _COMMA_WORDS:
                    continue
                if initial[i] or not _is_title(word):
                    continue
                prev = words[i - 1]
                nxt = words[i + 1] if i + 1 < hi else None
                start = starts[i]
                gap = text[starts[i - 1] + len(prev) : start]
                after_comma = gap.strip() in (",", ";", ",”", ',"', ";”")
                if not after_comma and gap.strip():
                    continue  # a quote, bracket, colon or dash before it: a capital may be right
                next_lower = nxt is not None and nxt[0].islower()
                if lower in _COMMA_WORDS and not after_comma:
                    continue
                # DAZN And Sky, Real Madrid Or Barcelona, Ministry Of Health: a conjunction or short
                # preposition stays lowercase between two names, in names and in titles alike.
                between_names = (
                    nxt is not None and not next_lower and prev[0].isupper() and lower in _BETWEEN_NAMES
                )
                if (
                    not next_lower
                    and not between_names
                    and (lower in _ARTICLES or prev[0].isupper() or after_comma)
                ):
                    continue  # The Hague, A Tale of Two Cities, With Love: part of a name or title
                if len(lower) >= 4 and prev[0].isupper() and not after_comma:
                    continue  # Gone With the Wind: AP capitalises prepositions of four letters in titles
                if lower == "a" and not after_comma:
                    continue  # Class A shares, vitamin A
                if not next_lower and lower in _COMMA_WORDS:
                    continue
                where = "after a comma" if after_comma else "in mid-sentence"
                yield self.finding(
                    ctx,
                    start,
                    start + len(word),
                    f"“{word}” is capitalised {where}; only names take a capital here.",
                    suggestion=lower,
                )
