"""One word diff: the tokens it compares, and the divergence rule and the HTML view agreeing on it."""

from __future__ import annotations

from mtcheck import words
from mtcheck.render.html import _pairs
from tests.render.reports import nato_report


def test_tokens_keep_inner_apostrophes_and_hyphens_and_split_punctuation() -> None:
    text = "Kyiv’s air-defence systems, he said: “don't wait”."
    assert [t[2] for t in words.tokens(text)] == [
        "Kyiv’s", "air-defence", "systems", ",", "he", "said", ":", "“", "don't", "wait", "”", ".",
    ]  # fmt: skip
    # Offsets index the text, shifted by the slice's start when given one.
    assert all(text[s:e] == t for s, e, t in words.tokens(text))
    assert words.tokens("a b", base=10) == [(10, 11, "a"), (12, 13, "b")]


def test_diff_ignores_case_and_finds_the_changed_run() -> None:
    a, b = words.tokens("The Allies sent 200 missiles."), words.tokens("the allies sent about 200 rockets.")
    changed = [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in words.diff(a, b) if tag != "equal"]
    assert [(tag, [t[2] for t in x], [t[2] for t in y]) for tag, x, y in changed] == [
        ("insert", [], ["about"]),
        ("replace", ["missiles"], ["rockets"]),
    ]


def test_the_html_view_marks_the_words_of_every_divergence_finding() -> None:
    # The MT605 spans come from the same diff the side-by-side view marks: a span starts and ends on a
    # marked word (inside, runs one shared word apart are joined).
    report = nato_report(reference=True).documents[0]
    findings = [f for f in report.findings if f.code == "MT605"]
    assert findings
    marked = {t.text for pair in _pairs(report) for t in pair.mt_tokens if t.divergent}
    for f in findings:
        span = [t[2] for t in words.tokens(f.text) if words.is_word(t)]
        assert span[0] in marked and span[-1] in marked, f.text


# --- one tokenisation per document: every consumer reads Document's tokens -----------------------
TEXT = "The air-defence systems arrived in Kyiv, officials said."


def _retokenised(text: str):
    """A document whose one tokenisation is replaced by a finer one that splits ``air-defence``."""
    from mtcheck.segment import segment

    doc = segment(text, "t")
    finer = []
    for start, end, token in doc.tokens:
        if token == "air-defence":
            finer += [(start, start + 3, "air"), (start + 3, start + 4, "-"), (start + 4, end, "defence")]
        else:
            finer.append((start, end, token))
    doc.__dict__["_tokenised"] = (finer, [0, len(finer)])
    return doc


def test_the_document_tokenises_once_and_rules_read_that_list() -> None:
    from mtcheck.rules import RuleContext
    from mtcheck.segment import segment

    doc = segment(TEXT + " Then they left.", "t")
    assert doc.tokens is doc.tokens and doc.words is doc.words  # computed once
    assert [t[2] for t in doc.sentence_words(0)] == [
        "The", "air-defence", "systems", "arrived", "in", "Kyiv", "officials", "said",
    ]  # fmt: skip
    assert doc.sentence_tokens(1) == words.tokens("Then they left.", doc.sentences[1].start)
    assert RuleContext(doc=doc).words is doc.words


def test_scoring_the_html_diff_fluency_and_qe_follow_the_documents_tokens() -> None:
    from mtcheck import fluency
    from mtcheck.document import AlignedPair
    from mtcheck.qe.words import sentence_words
    from mtcheck.render.html import _diff
    from mtcheck.scoring import sentence_scores
    from mtcheck.segment import segment

    pair = AlignedPair((0,), (0,), 0.5, chrf=40.0)
    finer = _retokenised(TEXT)
    # Scoring counts the document's words: split into three tokens, ``air-defence`` weighs what
    # ``air defence`` (two words) weighs, and not what the unchanged document's one word does.
    spaced = segment(TEXT.replace("air-defence", "air defence"), "s")
    quality = [sentence_scores(d, [], [pair])[0].quality for d in (finer, spaced, segment(TEXT, "u"))]
    assert quality[0] == quality[1] and quality[2] > quality[0]
    # The HTML side-by-side view shows and marks those tokens.
    reference = segment("Missiles reached Kyiv, officials said.", "r")
    mt_view, _ = _diff(finer, reference, pair)
    assert [t.text for t in mt_view if t.divergent] == ["The", "air", "defence", "systems", "arrived", "in"]
    # The fluency stage sums the LM's sub-word surprisals onto them.
    surprisal = [[(s - 0, e - 0, 1.0) for s, e, _ in finer.tokens]]
    scored = fluency.score_document(finer, surprisal, "lm")
    assert [w.text for w in fluency.sentence_words(finer, scored.sentences[0])][:4] == [
        "The",
        "air",
        "-",
        "defence",
    ]
    # The quality model's whitespace words are runs of them: same offsets, nothing split again.
    qe_words = sentence_words(finer)[0]
    starts = {t[0] for t in finer.tokens}
    assert all(w.start in starts for w in qe_words) and [w.text for w in qe_words][:2] == [
        "The",
        "air-defence",
    ]
