"""pysbd's English segmenter with shortcuts that skip work which cannot change its result.

pysbd spends most of its time in steps that are no-ops for ordinary news text:

- the abbreviation pass runs two regular expressions for each of ~190 abbreviations whose letters
  occur anywhere in the text (``is``, ``man``, ``co``...), although it can only ever replace a full
  stop written right after the abbreviation (``co.``);
- the list pass looks for ``a.``/``1.``/``a)``/``1)`` list markers one alphabet letter at a time;
- some 30 rewriting rules per sentence restore placeholders (``∯`` for a protected full stop,
  ``ƪƪƪ`` for an ellipsis) that most sentences do not contain.

Each shortcut tests the exact precondition of the skipped step and otherwise runs pysbd's own code,
so the sentences are identical to stock pysbd's (tests/test_sbd.py compares them on real and
adversarial text).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pysbd.between_punctuation import BetweenPunctuation
from pysbd.exclamation_words import ExclamationWords
from pysbd.lang.english import English
from pysbd.lists_item_replacer import ListItemReplacer
from pysbd.processor import Processor
from pysbd.punctuation_replacer import replace_punctuation
from pysbd.utils import Rule, Text

_ABBREVIATIONS: tuple[str, ...] = tuple(a.strip() for a in English.Abbreviation.ABBREVIATIONS)
_PLAIN_ABBREVIATIONS = frozenset(a for a in _ABBREVIATIONS if "." not in a)
_DOTTED_ABBREVIATIONS = tuple(a for a in _ABBREVIATIONS if "." in a)
_ORDER = {a: i for i, a in enumerate(_ABBREVIATIONS)}
_LONGEST = max(len(a) for a in _PLAIN_ABBREVIATIONS)
_LETTERS_BEFORE_STOP = re.compile(r"([a-z]+)\.")
# Every list pattern of pysbd's ListItemReplacer needs one of these (a letter or number before ``.``
# or ``)``), and its placeholder characters are rewritten even without a list.
# Anchored on the punctuation so that re scans for one character class (17x faster than alternatives).
_LIST_MARKER = re.compile(r"[.)♨☝](?:(?<=(?<!\S)[a-z]\.)|(?<=\d\.)(?=[\s)])|(?<=[a-z\d]\))|(?<=[♨☝]))")


def _abbreviation_candidates(lowered: str) -> list[str]:
    """The abbreviations pysbd's loop must visit, in its order.

    Every replacement turns the full stop right after a plain abbreviation into a placeholder, so
    a plain one that no full stop follows is a no-op (``co`` only matters for ``... co.``). Dotted
    ones (e.g, u.s) are used as regexes; for them pysbd's own substring test applies.
    """
    found = {a for a in _DOTTED_ABBREVIATIONS if a in lowered}
    for run in _LETTERS_BEFORE_STOP.findall(lowered):
        for k in range(1, min(len(run), _LONGEST) + 1):
            if run[-k:] in _PLAIN_ABBREVIATIONS:
                found.add(run[-k:])
    return sorted(found, key=_ORDER.__getitem__)


class _AbbreviationReplacer(English.AbbreviationReplacer):
    # pysbd builds this pattern from a string on every call.
    _AS_BOUNDARY = re.compile(
        r"(U∯S|U\.S|U∯K|E∯U|E\.U|U∯S∯A|U\.S\.A|I|i.v|I.V)∯({})".format(
            "|".join(rf"(?=\s{word}\s)" for word in English.AbbreviationReplacer.SENTENCE_STARTERS)
        )
    )

    def replace(self) -> str:
        # pysbd 0.3.4's, each rule run only where its literal can occur: the possessive rule needs
        # ".'", the KG rule "KG", the a.m./p.m. rules and the boundary rule a placeholder ∯.
        lang = self.lang
        first = [lang.PossessiveAbbreviationRule] if ".'" in self.text else []
        if "KG" in self.text:
            first.append(lang.KommanditgesellschaftRule)
        self.text = Text(self.text).apply(*first, *lang.SingleLetterAbbreviationRules.All)
        abbr_handled_text = ""
        for line in self.text.splitlines(True):
            abbr_handled_text += self.search_for_abbreviations_in_string(line)
        self.text = abbr_handled_text
        self.replace_multi_period_abbreviations()
        if "∯" in self.text:
            self.text = Text(self.text).apply(*lang.AmPmRules.All)
            self.text = self.replace_abbreviation_as_sentence_boundary()
        return self.text

    def replace_abbreviation_as_sentence_boundary(self) -> str:
        self.text = self._AS_BOUNDARY.sub("\\1.", self.text)
        return self.text

    def search_for_abbreviations_in_string(self, text: str) -> str:
        # pysbd 0.3.4's loop, visiting only the abbreviations that can replace something.
        for stripped in _abbreviation_candidates(text.lower()):
            abbrev_match = re.findall(rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE)
            if not abbrev_match:
                continue
            next_word_start = r"(?<={" + str(re.escape(stripped)) + "} ).{1}"
            char_array = re.findall(next_word_start, text)
            for ind, match in enumerate(abbrev_match):
                text = self.scan_for_replacements(text, match, ind, char_array)
        return text


# Characters without which each group of pysbd's rewriting rules cannot match: its placeholders,
# or the full stops of an ellipsis. Rules run in order and only write their own placeholders, so a
# text with none of these comes out of the whole group unchanged.
_ELLIPSIS = re.compile(r"\.\.\.|\.\s\.\s\.")
_SYMBOL_MARKS = frozenset("∯♬♭&☉☇☈☄ȸȹ")
_REINSERT_MARKS = frozenset("ƪ♟♝☏∮")
_ONLY_LETTERS = re.compile(r"\A[a-zA-Z]*\Z")
_QUOTE_AT_END = re.compile(English.QUOTATION_AT_END_OF_SENTENCE_REGEX)
_QUOTE_AT_END_SPLIT = re.compile(English.SPLIT_SPACE_QUOTATION_AT_END_OF_SENTENCE_REGEX)


_STOP_BY_DIGIT = re.compile(r"\d\.|\.\d")
_REFERENCE_AFTER_STOP = re.compile(r"[.∯][\[\d]")
_BETWEEN_OPENERS = frozenset("'‘\"[(«“")
_BOUNDARY = re.compile(English.SENTENCE_BOUNDARY_REGEX)
# sentence_boundary_punctuation below is pysbd's for a language without these two rules.
assert not hasattr(English, "ReplaceColonBetweenNumbersRule")
assert not hasattr(English, "ReplaceNonSentenceBoundaryCommaRule")


def _has_any(text: str, marks: frozenset[str]) -> bool:
    return not marks.isdisjoint(text)


def _literal(rule: Rule) -> tuple[str, str]:
    """A rule whose pattern has no regex syntax and whose replacement no backslash, as (old, new):
    re.sub with it is str.replace (left to right, non-overlapping). Checked, not assumed."""
    if set(rule.pattern) & set(".^$*+?{}[]\\|()") or "\\" in rule.replacement:
        raise ImportError(f"pysbd rule {rule.pattern!r} is not a literal replacement")
    return rule.pattern, rule.replacement


# pysbd's placeholder symbols and what each stands for, in its order (English.SubSymbolsRules).
_SYMBOLS = tuple(_literal(rule) for rule in English.SubSymbolsRules.All)


def _restore_symbols(sent: str) -> str:
    """``Text(sent).apply(*SubSymbolsRules.All)``: the same replacements in the same order, each only
    where its placeholder occurs (16 regex calls per sentence otherwise)."""
    for old, new in _SYMBOLS:
        if old in sent:
            sent = sent.replace(old, new)
    return sent


class _Processor(Processor):
    def process(self) -> str | list[str]:
        # pysbd 0.3.4's Processor.process; the list pass only runs when a list marker could be there.
        if not self.text:
            return self.text
        self.text = self.text.replace("\n", "\r")
        if _LIST_MARKER.search(self.text):
            self.text = ListItemReplacer(self.text).add_line_break()
        self.replace_abbreviations()
        # Every number rule needs a full stop next to a digit, the numeric-reference rule a full stop
        # (or its placeholder) before a digit or "[", the run of ! and ? one of them, the geolocation
        # rule a degree sign; no step before them writes a digit, a full stop next to one, ! or ?.
        if _STOP_BY_DIGIT.search(self.text):
            self.replace_numbers()
        if "!" in self.text or "?" in self.text:
            self.replace_continuous_punctuation()
        if _REFERENCE_AFTER_STOP.search(self.text):
            self.replace_periods_before_numeric_references()
        lang = self.lang
        geo = [lang.GeoLocationRule] if "°" in self.text else []
        self.text = Text(self.text).apply(
            lang.Abbreviation.WithMultiplePeriodsAndEmailRule, *geo, lang.FileFormatRule
        )
        return self.split_into_segments()

    def process_text(self, txt: str) -> list[str]:
        # pysbd 0.3.4's, each step run only where its pattern can match: every exclamation word holds
        # ! or ǃ, every between-punctuation pattern opens with a quote, bracket or "--", the double
        # punctuation, question and exclamation rules need ? or !, roman numerals in brackets a "(".
        lang = self.lang
        if txt[-1] not in lang.Punctuations:
            txt += "ȸ"
        if "!" in txt or "ǃ" in txt:
            txt = ExclamationWords.apply_rules(txt)
        if _has_any(txt, _BETWEEN_OPENERS) or "--" in txt:
            txt = self.between_punctuation(txt)
        if "!" in txt or "?" in txt:
            if not re.match(lang.DoublePunctuationRules.DoublePunctuation, txt):
                txt = Text(txt).apply(*lang.DoublePunctuationRules.All)
            txt = Text(txt).apply(lang.QuestionMarkInQuotationRule, *lang.ExclamationPointRules.All)
        if "(" in txt:
            txt = ListItemReplacer(txt).replace_parens()
        return self.sentence_boundary_punctuation(txt)

    def sentence_boundary_punctuation(self, txt: str) -> list[str]:
        # pysbd 0.3.4's for English (which has neither comma nor colon rule), its pattern compiled once.
        if "&" in txt:
            txt = re.sub(r"&ᓴ&$", "!", txt)
        return [m.group() for m in _BOUNDARY.finditer(txt)]

    def split_into_segments(self) -> list[str]:
        # pysbd 0.3.4's, with each group of rewriting rules run only where it can match.
        lang = self.lang
        if "(" in self.text:
            self.check_for_parens_between_quotes()
        sents = self.rm_none_flatten(self.text.split("\r"))
        sents = [
            Text(s).apply(lang.SingleNewLineRule, *lang.EllipsisRules.All)
            if "\n" in s or _ELLIPSIS.search(s)
            else s
            for s in sents
        ]
        sents = self.rm_none_flatten([self.check_for_punctuation(s) for s in sents])
        postprocessed_sents = []
        for sent in sents:
            if _has_any(sent, _SYMBOL_MARKS):
                sent = _restore_symbols(sent)
            post_process_sent = self.post_process_segments(sent)
            if post_process_sent and isinstance(post_process_sent, str):
                postprocessed_sents.append(post_process_sent)
            elif isinstance(post_process_sent, list):
                postprocessed_sents.extend(post_process_sent)
        return [Text(ns).apply(lang.SubSingleQuoteRule) if "&" in ns else ns for ns in postprocessed_sents]

    def post_process_segments(self, txt: str) -> str | list[str]:
        # pysbd 0.3.4's, with the ellipsis placeholders restored only where there are some.
        if len(txt) > 2 and _ONLY_LETTERS.search(txt):
            return txt
        if _has_any(txt, _REINSERT_MARKS):
            txt = Text(txt).apply(*self.lang.ReinsertEllipsisRules.All)
        if _QUOTE_AT_END.search(txt):
            return _QUOTE_AT_END_SPLIT.split(txt)
        return txt.replace("\n", "").strip()


# Every abbreviation pysbd's English knows, lowercase: a full stop after one of these may be protected.
_ANY_ABBREVIATION = frozenset(
    a.strip().lower()
    for a in (
        *English.Abbreviation.ABBREVIATIONS,
        *English.Abbreviation.PREPOSITIVE_ABBREVIATIONS,
        *English.Abbreviation.NUMBER_ABBREVIATIONS,
    )
)
# Latin letters without pysbd's placeholder letters (ƪ U+01AA, ȸ U+0238, ȹ U+0239).
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01a9\u01ab-\u0237\u023a-\u024f"
# A paragraph in which every full stop is plainly a sentence end: letters, digits, single spaces and
# , ; : % $ € £ and dashes; an apostrophe only inside or after a word (never opening a quote); a full
# stop only right after two letters and before " " + a letter or the end. No ! ? quotes, brackets,
# ellipses, list markers, URLs or e-mail addresses (a full stop followed by a letter), numbers with a
# full stop, "--" (pysbd's em-dash pair) or double spaces.
_PLAIN = re.compile(
    rf"[{_LETTER}\d](?:[{_LETTER}\d,;:%$€£–—]|-(?!-)|(?<! ) (?=[^ ])|(?<=[{_LETTER}])['’]"
    rf"|(?<=[{_LETTER}]{{2}})\.(?= [{_LETTER}]|\Z))*"
)


def plain_sentences(text: str) -> list[str] | None:
    """pysbd's sentences of ``text`` when every full stop in it is plainly a sentence end, else None.

    Within :data:`_PLAIN` texts, pysbd's boundary pattern ends a sentence at each full stop it has not
    protected, and it protects one only after an abbreviation it knows (its lookbehinds are
    ``\\s`` + the abbreviation, so the whole word before the stop), after a single letter or a digit,
    before ``'s`` or ``KG``, or inside quotes and brackets. So when no word before a full stop is one of
    its abbreviations, the sentences are the text cut after each ``". "``. tests/test_sbd.py compares
    this with pysbd on real and adversarial text; benchmarks/segment_check.py on every data set.
    """
    if "“" in text or "”" in text:
        return _quoted_plain_sentences(text)
    if not _PLAIN.fullmatch(text) or ". KG" in text:
        return None
    pieces = text.split(". ")
    last = pieces[-1]
    for piece in pieces[:-1] if not last.endswith(".") else pieces:
        word = piece.rsplit(" ", 1)[-1].rstrip(".")
        if word.lower() in _ANY_ABBREVIATION:
            return None
    return [piece + "." for piece in pieces[:-1]] + [last]


# _PLAIN with curly double quotes: “ after a space (or first) and before a letter or digit; ” after a
# letter, digit, full stop or comma and before a space, a comma or the end; a full stop may also come
# right before ” or before " “".
_PLAIN_QUOTED = re.compile(
    rf"(?:[{_LETTER}\d]|“(?=[{_LETTER}\d]))"
    rf"(?:[{_LETTER}\d,;:%$€£–—]|-(?!-)|(?<! ) (?=[^ ])|(?<=[{_LETTER}])['’]"
    rf"|(?<=[{_LETTER}]{{2}})\.(?= [{_LETTER}“]|\Z|”)|(?<= )“(?=[{_LETTER}\d])"
    rf"|(?<=[{_LETTER}\d.,])”(?=[ ,]|\Z))*"
)
_QUOTE_OR_STOP = re.compile(r"[.“”]")
_ASCII_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _quoted_plain_sentences(text: str) -> list[str] | None:
    """plain_sentences for a text with curly double quotes (_PLAIN_QUOTED), else None.

    pysbd protects every full stop inside “…” (its between-punctuation pass), so the quotes must pair
    up in order and hold a full stop only right before their ”. Its sentences then end at each full
    stop outside quotes, and after a ``.”`` followed by " " and a capital A-Z (its quotation-at-end
    split, or its quoted-sentence pattern when the quote opens the sentence); a ``.”`` before anything
    else does not end one. A ” before " " and a capital after anything but ``.`` or ``,`` may end a
    sentence that the quote opens: left to pysbd.
    """
    if not _PLAIN_QUOTED.fullmatch(text) or ". KG" in text:
        return None
    inside = False
    cuts: list[int] = []
    for m in _QUOTE_OR_STOP.finditer(text):
        i = m.start()
        mark = text[i]
        if mark == "“":
            if inside:
                return None
            inside = True
        elif mark == "”":
            if not inside:
                return None
            inside = False
            if text[i + 1 : i + 2] == " " and text[i + 2 : i + 3] in _ASCII_CAPITALS:
                if text[i - 1] == ".":
                    cuts.append(i + 1)
                elif text[i - 1] != ",":
                    return None
        else:
            word = text[text.rfind(" ", 0, i) + 1 : i].lstrip("“")
            if word.lower() in _ANY_ABBREVIATION:
                return None
            if inside:
                if text[i + 1 : i + 2] != "”":
                    return None
            elif i + 1 < len(text):
                cuts.append(i + 1)
    if inside:
        return None
    pieces = []
    start = 0
    for cut in cuts:
        pieces.append(text[start:cut].strip())
        start = cut
    pieces.append(text[start:].strip())
    return pieces


# pysbd's replace_punctuation, for a quoted or bracketed span: escape ( ) [ ] -, turn sentence
# punctuation (and, unless the span is in single quotes, ') into placeholders, unescape. Without a
# backslash in the span the escaping round trip is the identity and the rest maps single characters.
_PUNCTUATION = {".": "∯", "。": "&ᓰ&", "．": "&ᓱ&", "！": "&ᓳ&", "!": "&ᓴ&", "?": "&ᓷ&", "？": "&ᓸ&"}
_IN_SINGLE_QUOTES = str.maketrans(_PUNCTUATION)
_IN_OTHER_MARKS = str.maketrans({**_PUNCTUATION, "'": "&⎋&"})


def _replace_punctuation(match: re.Match[str], match_type: str | None = None) -> str:
    span = match.group()
    if "\\" in span:
        return replace_punctuation(match, match_type)
    return span.translate(_IN_SINGLE_QUOTES if match_type == "single" else _IN_OTHER_MARKS)


def _single(match: re.Match[str]) -> str:
    return _replace_punctuation(match, "single")


class _BetweenPunctuation(BetweenPunctuation):
    _SINGLE_QUOTES = re.compile(BetweenPunctuation.BETWEEN_SINGLE_QUOTES_REGEX)
    _LEADING_APOSTROPHE = re.compile(BetweenPunctuation.WORD_WITH_LEADING_APOSTROPHE)
    _QUOTE_SPACE = re.compile(r"'\s")
    # (opener, pattern) in pysbd 0.3.4's order after the single quotes; each pattern starts with its
    # opener, and no step writes an opener, so a step whose opener is absent changes nothing.
    _STEPS = tuple(
        (opener, re.compile(pattern))
        for opener, pattern in (
            ("‘", BetweenPunctuation.BETWEEN_SINGLE_QUOTE_SLANTED_REGEX),
            ('"', BetweenPunctuation.BETWEEN_DOUBLE_QUOTES_REGEX_2),
            ("[", BetweenPunctuation.BETWEEN_SQUARE_BRACKETS_REGEX_2),
            ("(", BetweenPunctuation.BETWEEN_PARENS_REGEX_2),
            ("«", BetweenPunctuation.BETWEEN_QUOTE_ARROW_REGEX_2),
            ("--", BetweenPunctuation.BETWEEN_EM_DASHES_REGEX_2),
            ("“", BetweenPunctuation.BETWEEN_QUOTE_SLANTED_REGEX_2),
        )
    )

    def sub_punctuation_between_quotes_and_parens(self, txt: str) -> str:
        # pysbd 0.3.4's, each step only where its opener occurs, with the compiled patterns.
        if "'" in txt and not (self._LEADING_APOSTROPHE.search(txt) and not self._QUOTE_SPACE.search(txt)):
            txt = self._SINGLE_QUOTES.sub(_single, txt)
        for opener, pattern in self._STEPS:
            if opener in txt:
                txt = pattern.sub(_replace_punctuation, txt)
        return txt


class FastEnglish(English):
    AbbreviationReplacer = _AbbreviationReplacer
    BetweenPunctuation = _BetweenPunctuation
    Processor = _Processor


@lru_cache(maxsize=1)
def segmenter():
    """A pysbd Segmenter for English that takes the shortcuts above."""
    import pysbd

    # pysbd builds ~550 distinct regular expressions from strings at call time; with re's default
    # cache of 512 they evict each other and recompiling took 70% of segmentation time on a long
    # article. A larger cache makes segmentation 3x faster.
    re._MAXCACHE = max(getattr(re, "_MAXCACHE", 0), 4096)  # type: ignore[attr-defined]
    seg = pysbd.Segmenter(language="en", clean=False)
    seg.language_module = FastEnglish
    return seg
