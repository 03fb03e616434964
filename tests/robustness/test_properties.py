"""Property-based tests over arbitrary Unicode text: nothing raises, every offset is exact.

Three generators feed every property: fully arbitrary Unicode (surrogates excluded, as they cannot
come out of a decoded file), a "newsy" alphabet dense in punctuation, quotes, digits and line
breaks, and sequences of news-like tokens that make the rules actually fire. Together the tests run
well over 2,000 examples; texts stay short so the file finishes in well under a minute.
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mtcheck.config import Config
from mtcheck.document import Document
from mtcheck.errors import InputFileError
from mtcheck.pipeline import check_article
from mtcheck.readers import Article
from mtcheck.segment import segment

NEWSY = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéçñüß中国日本Ωω0123456789"
    " \t\n\n\n\r\u00a0\u2028\u3000.,;:!?…-–—'\"“”‘’«»„‹›″′()[]{}<>/\\&%$€£#@*_=+|~^`"
)
TOKENS = [
    "The",
    "the",
    "minister",
    "said",
    "NATO",
    "nato",
    "U.S.",
    "Mr.",
    "Dr.",
    "he",
    "she",
    "they",
    "it",
    "Brussels",
    "brussels",
    "2024",
    "1,000",
    "3.5",
    "50%",
    "percent",
    "million",
    "Tuesday",
    "tuesday",
    "Xinhua",
    "(",
    ")",
    "[",
    "]",
    "“",
    "”",
    '"',
    "'",
    "’",
    "‘",
    "«",
    "»",
    ".",
    ",",
    ";",
    ":",
    "!",
    "?",
    "...",
    "—",
    "-",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\n \n",
    "said.",
    "Gave",
    "details.",
    "of",
    "and",
    "and and",
    "the the",
    "Photo:",
    "Reuters",
    "(Xinhua)",
    "BEIJING,",
    "Jan.",
    "5",
    "中国",
    "der",
    "los",
    "el",
    "ministro",
    "—",
    "\t",
    "\u00a0",
    "é",
    "🙂",
    "e.g.",
    "No.",
    "1.",
    "a",
    "A",
    "I",
]

arbitrary = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
newsy = st.text(st.sampled_from(NEWSY), max_size=400)
tokens = st.lists(st.sampled_from(TOKENS), max_size=120).map(" ".join)
texts = st.one_of(arbitrary, newsy, tokens, tokens.map(str.title))

SETTINGS = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow]}
RULES_ONLY = Config(fluency=False)


def _assert_tiles(doc: Document) -> None:
    text = doc.text
    covered = [False] * len(text)
    previous_end = 0
    for p in doc.paragraphs:
        assert previous_end <= p.start < p.end <= len(text)
        assert not text[p.start].isspace() and not text[p.end - 1].isspace()
        for k in range(p.start, p.end):
            covered[k] = True
        sents = doc.paragraph_sentences(p.index)
        assert sents, f"paragraph {p.index} has no sentence"
        assert sents[0].start == p.start and sents[-1].end == p.end
        for a, b in pairwise(sents):
            assert a.end <= b.start and text[a.end : b.start].strip() == ""
        previous_end = p.end
    # Paragraphs cover every non-whitespace character.
    assert all(covered[k] or ch.isspace() for k, ch in enumerate(text))
    for i, s in enumerate(doc.sentences):
        assert s.index == i and s.start < s.end and s.text == text[s.start : s.end]
        assert 0 <= s.paragraph < len(doc.paragraphs)


def _assert_findings(report_doc, text: str) -> None:
    for f in report_doc.findings:
        assert 0 <= f.start < f.end <= len(text), (f.code, f.start, f.end)
        assert text[f.start : f.end] == f.text, f.code
        assert f.text == f.text.strip(), f"{f.code}: span not trimmed"
        line, col = report_doc.document.line_col(f.start)
        assert (f.line, f.col) == (line, col)


@settings(max_examples=900, **SETTINGS)
@given(texts)
def test_sentences_tile_paragraphs(text: str) -> None:
    doc = segment(text, "prop")
    assert doc.text == text
    _assert_tiles(doc)


@settings(max_examples=700, **SETTINGS)
@given(texts)
@example("\ufb2a")  # a composition exclusion: one code point in, two after NFC
def test_rules_never_raise_and_offsets_are_exact(text: str) -> None:
    article = Article(id="prop", text=text)
    try:
        report = check_article(article, RULES_ONLY)
    except InputFileError:
        assert not text.strip(), "only an empty article may be refused"
        return
    (doc,) = report.documents
    # Offsets index the analysed text the report carries: the input in NFC (U+FB2A is one code point
    # in, two out), so they are checked against that, not against the input.
    assert doc.document.text == unicodedata.normalize("NFC", text)
    _assert_findings(doc, doc.document.text)
    doc.to_json()  # the report serialises


@settings(max_examples=500, **SETTINGS)
@given(texts.filter(str.strip), texts.filter(str.strip))
def test_alignment_covers_every_sentence_once(mt: str, ref: str) -> None:
    from mtcheck.align import align_documents

    mt_doc, ref_doc = segment(mt, "mt"), segment(ref, "ref")
    pairs = align_documents(mt_doc, ref_doc)
    mt_ids = [i for p in pairs for i in p.mt]
    ref_ids = [i for p in pairs for i in p.ref]
    assert mt_ids == list(range(len(mt_doc.sentences)))  # each once, in order
    assert ref_ids == list(range(len(ref_doc.sentences)))
    assert all(p.mt or p.ref for p in pairs)
    for p in pairs:
        assert 0.0 <= p.similarity <= 1.0 + 1e-9


@settings(max_examples=200, **SETTINGS)
@given(texts.filter(str.strip), texts.filter(str.strip))
def test_rules_with_a_reference(mt: str, ref: str) -> None:
    """Comparison rules (MT6xx) read the alignment; their offsets must be exact too."""
    article = Article(id="prop", text=mt, reference=ref)
    report = check_article(article, RULES_ONLY)
    (doc,) = report.documents
    _assert_findings(doc, mt)
    covered = sorted(i for p in doc.alignment for i in p.mt)
    assert covered == list(range(len(doc.document.sentences)))
