"""Sentence alignment: splits, merges, omissions, additions, paragraphs, invariants and speed."""

from __future__ import annotations

import time

from mtcheck.align import align_documents, align_sentences, text_similarity
from mtcheck.segment import segment

STORY = [
    "NATO member countries reaffirmed on Wednesday their commitment to strengthen Ukraine's air defence.",
    "The allies met in the NATO-Ukraine Council at ambassador level in Brussels.",
    "Germany recently delivered Patriot and Skynex systems and more IRIS-T missiles to Ukraine.",
    "The United Kingdom is sending about 200 air defence missiles to Ukraine.",
    "Secretary General Jens Stoltenberg condemned the Russian missile and drone attacks on civilians.",
    "The meeting was called at the request of Kyiv and chaired by Stoltenberg.",
]


def _pairs(mt: str, ref: str) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(m, r) for m, r, _ in align_sentences(segment(mt), segment(ref))]


def _covers_everything(pairs, n_mt: int, n_ref: int) -> None:
    mt_ids = [i for m, _ in pairs for i in m]
    ref_ids = [j for _, r in pairs for j in r]
    assert mt_ids == list(range(n_mt)) and ref_ids == list(range(n_ref))


def test_identical_texts_align_one_to_one() -> None:
    text = " ".join(STORY)
    pairs = align_documents(segment(text), segment(text), ter=True)
    assert [(p.mt, p.ref) for p in pairs] == [((i,), (i,)) for i in range(len(STORY))]
    assert all(p.chrf == 100.0 and p.similarity > 0.99 and p.ter == 0.0 for p in pairs)


def test_paraphrase_aligns_one_to_one() -> None:
    ref = [
        "On Wednesday the NATO members renewed their pledge to reinforce Ukrainian air defences.",
        "Allies gathered at ambassador level in the NATO-Ukraine Council in Brussels.",
        "Germany has just handed Ukraine Patriot and Skynex systems plus additional IRIS-T missiles.",
        "Britain is sending some 200 air defence missiles to Ukraine.",
        "NATO chief Jens Stoltenberg condemned Russia's missile and drone strikes on civilians.",
        "Kyiv asked for the meeting, which Stoltenberg chaired.",
    ]
    assert _pairs(" ".join(STORY), " ".join(ref)) == [((i,), (i,)) for i in range(6)]


def test_split_in_reference_is_one_to_two() -> None:
    ref = [
        *STORY[:2],
        "Germany recently delivered Patriot and Skynex systems to Ukraine.",
        "It also sent more IRIS-T missiles.",
        *STORY[3:],
    ]
    pairs = _pairs(" ".join(STORY), " ".join(ref))
    assert ((2,), (2, 3)) in pairs
    _covers_everything(pairs, 6, 7)


def test_merge_in_reference_is_two_to_one() -> None:
    ref = [*STORY[:3], STORY[3][:-1] + ", while " + STORY[4][0].lower() + STORY[4][1:], STORY[5]]
    pairs = _pairs(" ".join(STORY), " ".join(ref))
    assert ((3, 4), (3,)) in pairs
    _covers_everything(pairs, 6, 5)


def test_omission_is_zero_to_one() -> None:
    mt = " ".join(STORY[:3] + STORY[4:])
    pairs = _pairs(mt, " ".join(STORY))
    assert ((), (3,)) in pairs
    assert [p for p in pairs if p[0] and p[1]] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (4,)),
                                                   ((4,), (5,))]  # fmt: skip


def test_addition_is_one_to_zero() -> None:
    caption = "Jens Stoltenberg, Secretary General of NATO (Photo: Europapress)"
    mt = "\n\n".join([" ".join(STORY[:4]), caption, " ".join(STORY[4:])])
    ref = "\n\n".join([" ".join(STORY[:4]), " ".join(STORY[4:])])
    pairs = _pairs(mt, ref)
    assert ((4,), ()) in pairs
    _covers_everything(pairs, 7, 6)


def test_empty_sides() -> None:
    doc = segment(" ".join(STORY[:2]))
    empty = segment("")
    assert [(p.mt, p.ref) for p in align_documents(doc, empty)] == [((0,), ()), ((1,), ())]
    assert [(p.mt, p.ref) for p in align_documents(empty, doc)] == [((), (0,)), ((), (1,))]


def test_pair_scores_come_from_sacrebleu() -> None:
    from sacrebleu.metrics import CHRF

    mt, ref = STORY[0], "NATO members reaffirmed their commitment to Ukraine's air defence on Wednesday."
    (pair,) = align_documents(segment(mt), segment(ref))
    assert abs(pair.chrf - CHRF().sentence_score(mt, [ref]).score) < 1e-9
    assert pair.bleu is not None and pair.ter is None
    (with_ter,) = align_documents(segment(mt), segment(ref), ter=True)
    assert with_ter.ter is not None and with_ter.chrf == pair.chrf


def test_paragraphs_are_soft_anchors() -> None:
    # Two sentences that could pair either way: the paragraph break decides.
    mt = "The allies met on Wednesday.\n\nThe allies met again on Thursday. They agreed."
    ref = "The allies met on Wednesday.\n\nThe allies met again on Thursday. They agreed."
    assert _pairs(mt, ref) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_similarity_ranks_related_above_unrelated() -> None:
    assert text_similarity(
        STORY[3], "Britain sends about 200 air defence missiles to Ukraine."
    ) > 3 * text_similarity(STORY[3], STORY[5])


def test_long_article_is_fast_and_complete() -> None:
    # 204 sentences each side; the reference splits every 10th sentence and drops every 17th.
    mt_sents, ref_sents = [], []
    for k in range(34):
        for i, s in enumerate(STORY):
            text = s.replace("Wednesday", f"day {k}").replace("200", str(100 + k * 7 + i))
            mt_sents.append(text)
            n = len(mt_sents)
            if n % 17 == 0:
                continue
            if n % 10 == 0 and ", " not in text:
                words = text[:-1].split()
                half = len(words) // 2
                ref_sents += [" ".join(words[:half]) + ".", " ".join(words[half:]).capitalize() + "."]
            else:
                ref_sents.append(text)
    mt_doc, ref_doc = segment(" ".join(mt_sents)), segment(" ".join(ref_sents))
    assert len(mt_doc.sentences) == 204
    started = time.perf_counter()
    # The DP's own speed (no encoder): sentence encoding is timed in benchmarks/align_accuracy.py.
    pairs = align_documents(mt_doc, ref_doc)
    elapsed = time.perf_counter() - started
    _covers_everything([(p.mt, p.ref) for p in pairs], len(mt_doc.sentences), len(ref_doc.sentences))
    omitted = [p for p in pairs if not p.ref]
    assert len(omitted) == 204 // 17
    # Generous bound for a shared CI machine; benchmarks/align_accuracy.py records the real figure.
    assert elapsed < 5.0
