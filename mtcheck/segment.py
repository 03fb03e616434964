"""Split an analysed text into paragraphs and sentences with exact code-point offsets.

Sentence boundaries come from pysbd (rule-based, handles abbreviations such as U.S., Lt. Gen. and
initials). MT output adds one case pysbd keeps together: a full stop glued to the next sentence
(``Iran.”Gave``); those are split here so that each half is judged as a sentence.
"""

from __future__ import annotations

import re

from mtcheck.document import Document, Paragraph, Sentence
from mtcheck.sbd import plain_sentences, segmenter

_CLOSER_CHARS = '”»"’'
_CLOSERS = frozenset(_CLOSER_CHARS)
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_GLUED_BOUNDARY = re.compile(r"(?<=[a-z\d][a-z\d][.!?])[\"”’»)]?(?=[A-Z][a-z])")
# pysbd is rule-based and slows down a lot on pathological inputs; beyond this, split by a plain regex.
_PYSBD_MAX_CHARS = 5000
_PLAIN_BOUNDARY = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’»)]))\s+(?=[\"“«(]?[A-Z])")
# A paragraph pysbd cannot split: it opens with a letter or digit (not a quote or bracket, which
# pysbd's boundary pattern treats specially) and has no sentence punctuation, bracket, line break
# or pysbd placeholder letter (ȸ ȹ ƪ) before at most one final . ! or ?. (A quote after that final
# mark is left to pysbd, which may make it a sentence of its own.) Most headlines and one-sentence
# wire paragraphs; tests/test_sbd.py checks that pysbd agrees.
_ONE_SENTENCE = re.compile(r"[^\W_ȸȹƪ](?:[^\W_ȸȹƪ]|[ ,;:'’\"“”%$€£/–—-])*[.!?]?")
# A paragraph with no sentence punctuation at all (no . ! ? or their full-width forms), no closing
# bracket (pysbd's list markers ``a)`` and its bracket-between-quotes rule need one), no ``&`` and
# none of pysbd's placeholder letters: no step of pysbd can insert a break or change it, so it is one
# piece. Headlines, bylines and the sentence-dense hostile shapes (``"a"`` lines, ``(``, ``- a``,
# ``<li>x</li>``) that would otherwise cost a pysbd call of ~70 µs each. tests/test_sbd.py checks it.
_NO_STOP = re.compile(r"(?:[^\W_ȸȹƪᓴᓷ]|[ \t,;:'’‘\"“”«»„(\[\]{}<>%$€£¥/*#+=@~^|\\_–—-])+")
# pysbd splits after a dash and quote before a capital (``-" The``), even without a full stop.
_DASH_QUOTE = re.compile(r"-[\"'“”]\s[A-Z]")
# The token before a sentence's final full stop, when it may be an abbreviation (``yrs.``, ``sq.``).
_TOKEN_BEFORE_STOP = re.compile(r"(?<![\w.’'\-])([A-Za-z]{1,6})\.$")
# Abbreviations news copy uses that pysbd does not know, a few of which are also words (``mins``,
# ``ca``, ``temp``): units, measures and the Latin/office shorthand of wire copy.
_KNOWN_ABBREVIATIONS = frozenset(
    [
        "yr",
        "yrs",
        "mo",
        "mos",
        "wk",
        "wks",
        "hr",
        "hrs",
        "min",
        "mins",
        "sec",
        "secs",
        "sq",
        "km",
        "kg",
        "mg",
        "lb",
        "lbs",
        "oz",
        "ft",
        "mi",
        "yd",
        "approx",
        "excl",
        "incl",
        "est",
        "ca",
        "dept",
        "govt",
        "intl",
        "natl",
        "assn",
        "pct",
        "avg",
        "temp",
        "max",
        "vol",
        "tel",
        "ext",
        "nos",
        "pp",
        "ed",
        "eds",
    ]
)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans, trimmed of surrounding whitespace.

    Paragraphs are separated by blank lines; a text with no blank line at all (wire copy often
    comes one paragraph per line) is split at every line break instead.
    """
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in separator.finditer(text):
        spans.extend(_trimmed(text, pos, match.start()))
        pos = match.end()
    spans.extend(_trimmed(text, pos, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if end > start else []


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]`` that tile it (only whitespace between them)."""
    # Inside a paragraph a line break is a soft wrap; pysbd would split there. Same length, same offsets.
    chunk = text[start:end].replace("\n", " ")
    one = _one_piece(chunk)
    if one and chunk and not chunk[0].isspace() and not chunk[-1].isspace():
        # Nothing below can cut or move a one-piece paragraph (no full stop inside, nothing glued
        # after its end); most headlines and every sentence of the hostile one-line-per-word shapes.
        return [(start, end)]
    pieces = [chunk] if one else _pieces(chunk)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        found = chunk.find(piece, cursor)
        if found < 0:  # pysbd altered the text; keep the rest as one sentence rather than lose it
            break
        spans.append((found, found + len(piece)))
        cursor = found + len(piece)
    if not spans:
        spans = [(0, len(chunk))]
    # Stretch sentences so that only whitespace lies between them: text pysbd dropped is never lost.
    tiled: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(spans):
        nxt = spans[i + 1][0] if i + 1 < len(spans) else len(chunk)
        gap = chunk[e:nxt]
        if gap.strip():
            e += len(gap.rstrip())
        tiled.append((0 if i == 0 else s, e))
    # A closing quote glued to the next word belongs to the sentence it closes (``Iran.”Gave``).
    # A "sentence" of closing marks only (``He said.”`` at a paragraph end) is merged back too.
    merged: list[tuple[int, int]] = []
    for s, e in tiled:
        if merged and not chunk[s:e].strip(_CLOSER_CHARS + " "):
            merged[-1] = (merged[-1][0], e)
            continue
        if merged and merged[-1][1] == s and chunk[s] in _CLOSERS:
            merged[-1], s = (merged[-1][0], s + 1), s + 1
        merged.append((s, e))
    tiled = _join_after_abbreviations(chunk, _split_after_words(chunk, merged))
    out: list[tuple[int, int]] = []
    for s, e in tiled:
        out.extend(_split_glued(chunk, s, e))
    return [(start + s, start + e) for s, e in out if e > s]


# Words pysbd takes for abbreviations (of US states, titles, months) that news uses as plain words.
_PYSBD_WORDS = frozenset(
    ["is", "man", "ill", "mass", "miss", "me", "may", "wash", "ark", "arc", "ore", "fed", "ing", "ens"]
)
_WORD_STOP_LOWER = re.compile(r"(?<![\w.’'\-])([A-Za-z]{2,5})\.\s+(?=[a-z])")


def is_abbreviation(token: str) -> bool:
    """A token written before a full stop that is an abbreviation, not a word ending a sentence.

    Known ones (``yrs``, ``excl``, ``Dept``), or abbreviation-shaped: lowercase, at most six letters
    and no English word (``sq``, ``hrs``). A capitalised unknown token is more likely a name
    (``Kyiv.``), and an ordinary word (``attacks.``, ``May.``) ends its sentence.
    """
    lower = token.lower()
    if lower in _KNOWN_ABBREVIATIONS:
        return True
    if not token.islower():
        return False
    from mtcheck.gazetteer import is_common_word

    return not is_common_word(lower)


def _join_after_abbreviations(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a "sentence" that starts in lowercase to the one before when that ends on an abbreviation.

    pysbd cuts after full stops it does not know as abbreviations (``9 yrs. old``, ``40 sq. km``,
    ``excl. booking``); the sentence goes on in lowercase. After an ordinary word the lowercase start
    is the MT garble MT201 reports, so those stay apart.
    """
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and chunk[s].islower():
            m = _TOKEN_BEFORE_STOP.search(chunk, out[-1][0], out[-1][1])
            if m is not None and is_abbreviation(m.group(1)):
                out[-1] = (out[-1][0], e)
                continue
        out.append((s, e))
    return out


def _split_after_words(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut where pysbd kept a full stop after an ordinary word as if it were an abbreviation.

    pysbd's list holds US state and title abbreviations that are also everyday words (``May.``,
    ``is.``, ``ill.``, ``mass.``); before a lowercase word the full stop there ends a sentence and the
    lowercase start is the garble MT201 reports.
    """
    out: list[tuple[int, int]] = []
    for s, e in spans:
        for m in _WORD_STOP_LOWER.finditer(chunk, s, e):
            if m.group(1).lower() in _PYSBD_WORDS and (m.group(1).islower() or m.group(1) == "May"):
                out.append((s, m.end(1) + 1))
                s = m.end()
        out.append((s, e))
    return out


def _pieces(chunk: str) -> list[str]:
    """Sentences as pysbd finds them in a chunk that is not one piece (see _one_piece), without
    running pysbd where every full stop plainly ends a sentence."""
    if len(chunk) > _PYSBD_MAX_CHARS:
        return _PLAIN_BOUNDARY.split(chunk)
    plain = plain_sentences(chunk)
    if plain is not None:  # every full stop plainly ends a sentence: pysbd's cuts, without pysbd
        return plain
    return segmenter().segment(chunk)


def _one_piece(chunk: str) -> bool:
    """pysbd would return ``chunk`` (at most 5,000 characters) whole: see _ONE_SENTENCE, _NO_STOP."""
    if len(chunk) > _PYSBD_MAX_CHARS:
        return False
    one = _ONE_SENTENCE.fullmatch(chunk) is not None or _NO_STOP.fullmatch(chunk) is not None
    return one and not _DASH_QUOTE.search(chunk)


def _split_glued(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    pos = start
    for match in _GLUED_BOUNDARY.finditer(chunk, start, end):
        cut = match.end()
        if cut - pos > 1 and end - cut > 1:
            spans.append((pos, cut))
            pos = cut
    spans.append((pos, end))
    return spans


def segment(text: str, doc_id: str = "-") -> Document:
    """Build a Document with paragraphs and sentences for ``text``."""
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(split_paragraphs(text)):
        paragraphs.append(Paragraph(p_index, p_start, p_end))
        for s_start, s_end in split_sentences(text, p_start, p_end):
            sentences.append(Sentence(len(sentences), s_start, s_end, p_index, text[s_start:s_end]))
    return Document(id=doc_id, text=text, paragraphs=paragraphs, sentences=sentences)
