"""Checks with certain evidence that the learned model, trained on too few such cases, misses.

On the MQM data a swapped weekday or a dropped ``not`` is rare, so the word model weighs them like
any other unmatched word and a paraphrase (``kept up`` / ``maintained``) scores about as high. These
checks look for three kinds by their form, each against an aligned re-translation; with several
re-translations a word is flagged only when every one of them disagrees (any support clears it):

- MT611 swapped term: an MT word and its aligned re-translation word (mutual best match, or the one
  word between the same two neighbours; with a matching word on at least one side of it) differ
  and belong to the same closed class: weekdays,
  months, units, or capitalised names whose spellings are unlike (``Lindner`` / ``Habeck``, not
  ``Kiev`` / ``Kyiv``: difflib ratio below ``NAME_SPELLING``);
- MT612 polarity: the re-translation negates the aligned clause and the MT does not, or the other
  way round; or the aligned words are antonyms from a small list (``rose`` / ``fell``);
- MT613 dropped clause: at least ``CLAUSE_WORDS`` consecutive re-translation words with no MT
  counterpart (best cosine below ``ANCHOR``), at least two of them content words.

The lexicons are lists of English words, not fitted numbers. Precision on the MQM data was not
measured for these checks (see the issue note); they are tested on inputs of our own.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from mtcheck.document import AlignedPair
from mtcheck.gazetteer import is_common_word
from mtcheck.qe.side import ANCHOR, CONTENT_ZIPF, Side, zipf
from mtcheck.qe.words import Word

WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())  # noqa: SIM905
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()  # noqa: SIM905
)
UNITS = frozenset(
    """mile miles kilometre kilometres kilometer kilometers km metre metres meter meters cm mm foot feet
    centimetre centimetres centimeter centimeters millimetre millimetres millimeter millimeters
    barrel barrels ounce ounces watt watts kilowatt kilowatts megawatt megawatts
    inch inches yard yards kilogram kilograms kg gram grams pound pounds lb lbs ton tons tonne tonnes
    litre litres liter liters gallon gallons hectare hectares acre acres celsius fahrenheit percent
    dollar dollars euro euros yuan sterling yen rouble roubles ruble rubles
    second seconds minute minutes hour hours day days week weeks month months year years""".split()  # noqa: SIM905
)
# Word families that are opposites of each other, as (one side, other side).
_OPPOSITES = [
    ("rise rises rose risen rising", "fall falls fell fallen falling"),
    ("increase increases increased increasing", "decrease decreases decreased decreasing"),
    ("win wins won winning", "lose loses lost losing"),
    ("gain gains gained", "loss losses"),
    ("accept accepts accepted", "reject rejects rejected"),
    ("approve approves approved", "reject rejects rejected"),
    ("allow allows allowed", "ban bans banned"),
    ("open opens opened", "close closes closed"),
    ("support supports supported", "oppose opposes opposed"),
    ("higher", "lower"),
    ("more", "less fewer"),
    ("up", "down"),
    ("before", "after"),
    ("above", "below"),
    ("import imports imported", "export exports exported"),
    ("buy buys bought", "sell sells sold"),
    ("strong stronger", "weak weaker"),
    ("expand expands expanded", "shrink shrinks shrank shrunk"),
    ("majority", "minority"),
    ("maximum", "minimum"),
    ("success", "failure"),
    ("victory", "defeat"),
    ("legal", "illegal"),
    ("early earlier", "late later"),
]
ANTONYMS = frozenset(
    (x, y)
    for one, other in _OPPOSITES
    for a, b in ((one, other), (other, one))
    for x in a.split()
    for y in b.split()
)
NAME_SPELLING = 0.5
_NUM = re.compile(r"\d+(?:[.,]\d+)*")
CLAUSE_WORDS = 4


@dataclass(frozen=True)
class Hit:
    """One piece of certain evidence on MT words ``first..last`` (indices into the flat word list)."""

    first: int
    last: int
    code: str
    category: str
    message: str
    evidence: str
    suggestion: str | None = None


def _class(w: Word, first: bool) -> str | None:
    """The closed class of a word whose swap changes the meaning, or None.

    A capitalised word is a ``name`` inside a sentence; at a sentence's start only when it is not
    an ordinary English word (``Volkswagen``, not ``Officials``), since every sentence-initial word
    is capitalised and a paraphrase there (``Officials`` / ``Authorities``) must stay quiet.
    """
    n = w.norm
    if n in WEEKDAYS:
        return "weekday"
    if n in MONTHS and w.core[:1].isupper():
        return "month"
    if n in UNITS:
        return "unit"
    if w.core[:1].isupper() and w.core.isalpha() and (not first or not is_common_word(w.core)):
        return "name"
    return None


def _is_first(words: Sequence[Word], k: int) -> bool:
    return k == 0 or words[k - 1].text.endswith((".", "!", "?", ":", '"', "“"))


def _between(m_words: list[Word], r_words: list[Word], k: int) -> int | None:
    """The one re-translation word with the same neighbours (by normalised form) as MT word ``k``.

    At either edge of the aligned stretch the one neighbour there is must match, and the
    re-translation word must stand at the same edge (``Volkswagen said`` / ``Audi said``).
    """
    if len(m_words) < 2 or len(r_words) < 2:
        return None
    if k == 0:
        return 0 if r_words[1].norm == m_words[1].norm else None
    if k + 1 == len(m_words):
        return len(r_words) - 1 if r_words[-2].norm == m_words[-2].norm else None
    left, right = m_words[k - 1].norm, m_words[k + 1].norm
    found = [
        j for j in range(1, len(r_words) - 1) if r_words[j - 1].norm == left and r_words[j + 1].norm == right
    ]
    return found[0] if len(found) == 1 else None


def _pair_hits(
    m_words: list[Word], m_vec: np.ndarray, r_words: list[Word], r_vec: np.ndarray, base: int
) -> list[Hit]:
    out: list[Hit] = []
    sim = m_vec @ r_vec.T
    best_r, best_m = sim.argmax(axis=1), sim.argmax(axis=0)
    s_ref = sim.max(axis=0)
    m_norms, r_norms = {w.norm for w in m_words}, {w.norm for w in r_words}
    for k, w in enumerate(m_words):
        j = _aligned_index(k, best_r, best_m, m_words, r_words)
        if j is None:
            continue
        r = r_words[j]
        if w.norm == r.norm or w.norm in r_norms or r.norm in m_norms:
            continue
        context = (k > 0 and j > 0 and m_words[k - 1].norm == r_words[j - 1].norm) or (
            k + 1 < len(m_words) and j + 1 < len(r_words) and m_words[k + 1].norm == r_words[j + 1].norm
        )
        if (w.norm, r.norm) in ANTONYMS:
            out.append(Hit(base + k, base + k, "MT612", "mistranslation",
                           f"“{w.core}” is the opposite of the re-translation's “{r.core}” (polarity)",
                           f"re-translation: “{r.core}”", r.core))  # fmt: skip
            continue
        cw, cr = _class(w, _is_first(m_words, k)), _class(r, _is_first(r_words, j))
        if not context or cw is None or cw != cr:
            continue
        if cw == "name" and difflib.SequenceMatcher(None, w.norm, r.norm).ratio() >= NAME_SPELLING:
            continue  # a spelling variant (Kiev / Kyiv), not another name
        category = "entity" if cw == "name" else ("number" if cw == "unit" else "mistranslation")
        out.append(Hit(base + k, base + k, "MT611", category,
                       f"“{w.core}” where the re-translation has another {cw}, “{r.core}”",
                       f"re-translation: “{r.core}”", r.core))  # fmt: skip
    # Polarity: a negation on one side only.
    m_neg = [k for k, w in enumerate(m_words) if w.is_negation]
    r_neg = [j for j, w in enumerate(r_words) if w.is_negation]
    if len(r_neg) > len(m_neg):
        for j in r_neg:
            if s_ref[j] >= ANCHOR and m_words[int(best_m[j])].is_negation:
                continue
            after = next((a for a in range(j + 1, len(r_words)) if s_ref[a] >= ANCHOR), None)
            before = next((a for a in range(j - 1, -1, -1) if s_ref[a] >= ANCHOR), None)
            anchor = after if after is not None else before
            if anchor is None:
                continue
            k = int(best_m[anchor])
            ctx = " ".join(w.core for w in r_words[max(0, j - 1) : j + 3])
            out.append(Hit(base + k, base + k, "MT612", "mistranslation",
                           f"the re-translation negates this (“{ctx}”), the MT does not (polarity)",
                           f"re-translation: “{ctx}”"))  # fmt: skip
    elif len(m_neg) > len(r_neg):
        for k in m_neg:
            out.append(Hit(base + k, min(base + k + 1, base + len(m_words) - 1), "MT612", "mistranslation",
                           "a negation the re-translation does not have (polarity)",
                           "re-translation: “" + " ".join(w.core for w in r_words) + "”"))  # fmt: skip
    # A dropped clause: a run of unmatched re-translation words.
    j = 0
    while j < len(r_words):
        if s_ref[j] >= ANCHOR:
            j += 1
            continue
        end = j
        while end < len(r_words) and s_ref[end] < ANCHOR:
            end += 1
        run = r_words[j:end]
        content = sum(1 for w in run if w.core and zipf(w.norm) < CONTENT_ZIPF)
        if len(run) >= CLAUSE_WORDS and content >= 2:
            anchor = j - 1 if j > 0 else (end if end < len(r_words) else None)
            if anchor is not None:
                k = int(best_m[anchor])
                gone = " ".join(w.core for w in run)
                out.append(Hit(base + k, base + k, "MT613", "omission",
                               f"{len(run)} words of the re-translation have no counterpart after this",
                               f"missing here: “{gone}”"))  # fmt: skip
        j = end
    return out


def _aligned_words(
    mt: Side, ref: Side, alignment: Sequence[AlignedPair]
) -> Iterator[tuple[int, list[Word], np.ndarray, list[Word], np.ndarray]]:
    """Per aligned pair with words on both sides: (index of its first MT word in the document, MT
    words, their vectors, re-translation words, their vectors)."""
    offset, first = [], 0
    for ws in mt.words:
        offset.append(first)
        first += len(ws)
    for pair in alignment:
        mt_sents = [i for i in pair.mt if mt.words[i]]
        if not mt_sents or not pair.ref:
            continue
        m_words, m_vec = mt.flat(mt_sents)
        r_words, r_vec = ref.flat(pair.ref)
        if m_words and r_words:
            yield offset[mt_sents[0]], m_words, m_vec, r_words, r_vec


def _aligned_index(
    k: int, best_r: np.ndarray, best_m: np.ndarray, m_words: list[Word], r_words: list[Word]
) -> int | None:
    """The re-translation word aligned with MT word ``k``: its mutual best match by cosine, else the
    one word between the same two neighbours on both sides, else None."""
    j = int(best_r[k])
    if int(best_m[j]) == k:
        return j
    # MiniLM gives many names a vector close to nothing in particular (Nokia / Ericsson: best cosine
    # 0.23, to "company"); one word between the same two words on both sides is still the aligned word.
    return _between(m_words, r_words, k)


def hard_evidence(mt: Side, refs: Sequence[tuple[Side, Sequence[AlignedPair]]]) -> list[Hit]:
    """Hits against every re-translation; a hit stays only when every re-translation gives it."""
    per_ref = [
        [
            h
            for base, mw, mv, rw, rv in _aligned_words(mt, ref, alignment)
            for h in _pair_hits(mw, mv, rw, rv, base)
        ]
        for ref, alignment in refs
    ]
    keep = per_ref[0] if per_ref else []
    for other in per_ref[1:]:
        spans = {(h.first, h.code) for h in other}
        keep = [h for h in keep if (h.first, h.code) in spans]
    return keep


def _digits(w: Word) -> set[str]:
    """The numbers in a word with thousands separators removed (``1,200`` and ``1200`` agree)."""
    return {n.replace(",", "") for n in _NUM.findall(w.text)}


def agreement_columns(mt: Side, ref: Side, alignment: Sequence[AlignedPair]) -> np.ndarray:
    """The ``AGREE`` feature columns of :mod:`mtcheck.qe.features` against one re-translation.

    Returns (MT words, 6) float32 in 0..1, in the order ``ev_swap``, ``ev_polarity``, ``ev_clause``,
    ``class_swap``, ``name_miss``, ``neg_pair``; a word of an unaligned sentence gets zeros here
    (``unaligned`` says that already).
    """
    n = sum(len(ws) for ws in mt.words)
    out = np.zeros((n, 6), dtype=np.float32)
    doc_norms = {w.norm for ws in ref.words for w in ws}
    codes = {"MT611": 0, "MT612": 1, "MT613": 2}
    for base, m_words, m_vec, r_words, r_vec in _aligned_words(mt, ref, alignment):
        for h in _pair_hits(m_words, m_vec, r_words, r_vec, base):
            out[h.first : h.last + 1, codes[h.code]] = 1.0
        sim = m_vec @ r_vec.T
        best_r, best_m = sim.argmax(axis=1), sim.argmax(axis=0)
        r_norms = {w.norm for w in r_words}
        r_nums = set().union(*(_digits(w) for w in r_words))
        for k, w in enumerate(m_words):
            first_word = _is_first(m_words, k)
            cw = "number" if w.is_number else _class(w, first_word)
            if cw == "name" and w.norm not in r_norms and w.norm not in doc_norms:
                out[base + k, 4] = 1.0
            if cw is None or w.norm in r_norms:
                continue
            j = _aligned_index(k, best_r, best_m, m_words, r_words)
            if j is None:
                continue
            r = r_words[j]
            cr = "number" if r.is_number else _class(r, _is_first(r_words, j))
            if cw != cr:
                continue
            if cw == "number":
                swapped = not _digits(w) <= r_nums
            elif cw == "name":
                swapped = difflib.SequenceMatcher(None, w.norm, r.norm).ratio() < NAME_SPELLING
            else:
                swapped = w.norm != r.norm
            out[base + k, 3] = float(swapped)
        m_neg = sum(w.is_negation for w in m_words)
        r_neg = sum(w.is_negation for w in r_words)
        out[base : base + len(m_words), 5] = float(m_neg != r_neg)
    return out
