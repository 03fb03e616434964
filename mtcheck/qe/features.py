"""One feature row per MT word, from evidence mtcheck computes anyway; no annotation is ever read.

Groups (names in ``FEATURES``; every value is a float, most in 0..1):

- re-translation support, per re-translation and then combined so that a word is supported when
  *any* re-translation supports it (``max`` of support, ``min`` of missing evidence):
  ``sim`` the word's best cosine to a word of the aligned re-translation sentence(s) (BERTScore
  matching, :mod:`mtcheck.qe.encode`), ``sim_doc`` the same over the whole re-translation (robust
  to a wrong sentence alignment), ``mutual`` the best match is mutual, ``exact`` / ``exact_case`` /
  ``stem`` the case-folded / exact / 5-letter-prefix form occurs there, ``num_miss`` a number the
  re-translation lacks, ``cap_miss`` a capitalised word (not sentence-initial) it lacks, ``ctx_sim``
  and ``ctx_min`` the support of the neighbours, ``omit`` / ``omit_content`` / ``omit_ctx`` how
  badly a re-translation word with no MT counterpart is missing at this position (1 - its best
  cosine, attached to the MT word matched by its nearest matched neighbour: omissions, a dropped
  clause), ``neg_omit`` / ``neg_add`` a negation the MT drops here or adds, ``sent_sim`` the
  sentence's BERTScore F1, ``sent_chrf`` the aligned pair's chrF / 100, ``unaligned`` no
  counterpart sentence;
- the word itself: ``zipf`` (wordfreq Zipf frequency / 8), ``is_number``, ``is_cap``,
  ``is_first``, ``punct`` (no letter or digit), ``length``, ``headline`` (first sentence of the
  document), ``sent_len`` (log words);
- fluency (zero when the fluency pass is off; the model has a variant trained without them):
  ``excess`` the LM's surprisal of the word minus the unigram model's (nats / 10, SLOR-style),
  ``excess_ctx`` the largest excess within one word, ``flu_sent`` the sentence's fluency / 100,
  ``flu_ref_diff`` the aligned re-translation's fluency minus the MT's, / 100;
- rules: ``rule_error`` / ``rule_warning`` / ``rule_info`` a rule finding of that severity
  overlaps the word, ``rule_605`` an MT605 finding does, ``rule_sent`` any finding in the sentence;
  ``rule_mt6`` another re-translation rule (MT601-604: numbers, names) does, ``rule_flu`` a fluency
  finding (MT9xx) does;
- agreement (evidence an editor can read in a finding; each re-translation's value is combined as a
  missing-evidence column: the word counts only when every re-translation disagrees):
  ``ev_swap`` / ``ev_polarity`` / ``ev_clause`` a certain-evidence hit of :mod:`mtcheck.qe.evidence`
  (MT611 swapped term, MT612 polarity, MT613 dropped clause) on the word, ``class_swap`` its aligned
  re-translation word (mutual best match, or the one word between the same neighbours) is another
  member of the same closed class (weekday, month, unit, number with digits normalised, or a name:
  capitalised and not an ordinary English word, sentence-initial words included), ``name_miss`` the
  word is such a name and neither re-translation sentence nor document has it (case-folded),
  ``neg_pair`` the aligned sentence pair's sides differ in their number of negations;
- the word against its own sentence (from the columns above, :func:`context_columns`):
  ``sim_rel`` its support minus the median support of its sentence's words (a word that matches the
  re-translation worse than the rest of its sentence), ``low_share`` the share of its sentence's
  words with support below ``ANCHOR``, ``omit_sent`` the largest content-word omission anywhere in
  its sentence;
- the source (only when the source-aware pass ran, :mod:`mtcheck.source`; zero otherwise, and only
  the ``fluency+source`` variant reads them): ``src_lp`` the word's summed log-prob under the
  source-aware LM given the source (nats / 10, <= 0: how unexpected the word is as a translation of
  the source), ``src_has`` the pass scored the word.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mtcheck.document import AlignedPair, Finding, FluencyResult
from mtcheck.qe.evidence import agreement_columns
from mtcheck.qe.side import ANCHOR, CONTENT_ZIPF, Side, zipf
from mtcheck.qe.words import Word

SUPPORT = (
    "sim", "sim_doc", "mutual", "exact", "exact_case", "stem", "ctx_sim", "ctx_min", "sent_sim", "sent_chrf",
)  # fmt: skip
MISSING = ("num_miss", "cap_miss", "omit", "omit_content", "omit_ctx", "neg_omit", "neg_add", "unaligned")
SHAPE = ("zipf", "is_number", "is_cap", "is_first", "punct", "length", "headline", "sent_len")
FLUENCY = ("excess", "excess_ctx", "flu_sent", "flu_ref_diff")
RULES = ("rule_error", "rule_warning", "rule_info", "rule_605", "rule_sent", "rule_mt6", "rule_flu")
AGREE = ("ev_swap", "ev_polarity", "ev_clause", "class_swap", "name_miss", "neg_pair")
CONTEXT = ("sim_rel", "low_share", "omit_sent")
SOURCE = ("src_lp", "src_has")
# CONTEXT and SOURCE come last: CONTEXT is computed from the columns before it (context_columns),
# and a model file trained before them reads the same leading columns.
FEATURES = SUPPORT + MISSING + SHAPE + FLUENCY + RULES + AGREE + CONTEXT + SOURCE
# The feature set of the first model files (qe-word-v1 before the agreement block): a variant that
# lists no ``columns`` uses these (see mtcheck.qe.model.columns).
BASE_FEATURES = SUPPORT + MISSING + SHAPE + FLUENCY + RULES[:5]
INDEX = {name: i for i, name in enumerate(FEATURES)}
_NUM = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class Match:
    """The best re-translation word for an MT word, kept as evidence for findings."""

    ref: int  # which re-translation
    word: Word | None
    sim: float
    pair_ref: tuple[int, ...] = ()  # the re-translation sentences aligned with the word's sentence


@dataclass
class WordRows:
    """The MT words of a document with their feature rows and best matches."""

    words: list[Word]
    x: np.ndarray  # (len(words), len(FEATURES)) float32
    matches: list[Match | None] = field(default_factory=list)
    missing: list[list[Word]] = field(default_factory=list)  # unmatched re-translation words per word


def _numbers(words: Sequence[Word]) -> set[str]:
    return {n.replace(",", "") for w in words for n in _NUM.findall(w.text)}


def _window(values: np.ndarray, i: int, radius: int) -> np.ndarray:
    return values[max(0, i - radius) : i + radius + 1]


def _support(mt: Side, ref: Side, alignment: Sequence[AlignedPair]) -> tuple[np.ndarray, list, list]:
    """Re-translation features (SUPPORT + MISSING columns) for every MT word, against one re-translation."""
    n = sum(len(ws) for ws in mt.words)
    cols = {name: np.zeros(n, dtype=np.float32) for name in SUPPORT + MISSING}
    matches: list[Match | None] = [None] * n
    missing: list[list[Word]] = [[] for _ in range(n)]
    offset, first = [], 0
    for ws in mt.words:
        offset.append(first)
        first += len(ws)
    pair_of = {i: p for p in alignment for i in p.mt}
    _, all_vec = ref.flat(range(len(ref.words)))
    done: set[int] = set()
    for s in range(len(mt.words)):
        if s in done or not mt.words[s]:
            continue
        pair = pair_of.get(s)
        mt_sents = [i for i in (pair.mt if pair else (s,)) if mt.words[i]]
        done.update(mt_sents)
        idx = np.array([offset[i] + k for i in mt_sents for k in range(len(mt.words[i]))])
        m_words, m_vec = mt.flat(mt_sents)
        if all_vec.shape[0]:
            cols["sim_doc"][idx] = (m_vec @ all_vec.T).max(axis=1)
        if pair is None or not pair.ref:
            cols["unaligned"][idx] = 1.0
            continue
        r_words, r_vec = ref.flat(pair.ref)
        if not r_words:
            cols["unaligned"][idx] = 1.0
            continue
        sim = m_vec @ r_vec.T  # (mt words, ref words)
        best_r = sim.argmax(axis=1)
        best_m = sim.argmax(axis=0)
        s_mt = sim.max(axis=1)
        s_ref = sim.max(axis=0)
        cols["sim"][idx] = s_mt
        cols["mutual"][idx] = (best_m[best_r] == np.arange(len(m_words))).astype(np.float32)
        norms = {w.norm for w in r_words}
        cores = {w.core for w in r_words}
        stems = {w.norm[:5] for w in r_words if len(w.norm) >= 5}
        nums = _numbers(r_words)
        cols["sent_sim"][idx] = 2 * s_mt.mean() * s_ref.mean() / max(1e-9, s_mt.mean() + s_ref.mean())
        cols["sent_chrf"][idx] = (pair.chrf or 0.0) / 100.0
        ref_neg = any(w.is_negation for w in r_words)
        for k, w in enumerate(m_words):
            g = idx[k]
            cols["exact"][g] = w.norm in norms if w.norm else 1.0
            cols["exact_case"][g] = w.core in cores if w.core else 1.0
            cols["stem"][g] = (w.norm[:5] in stems) if len(w.norm) >= 5 else cols["exact"][g]
            if w.is_number:
                cols["num_miss"][g] = not set(_numbers([w])) <= nums
            first_word = k == 0 or m_words[k - 1].text.endswith((".", "!", "?", ":", '"', "“"))
            if w.core[:1].isupper() and not first_word:
                cols["cap_miss"][g] = w.norm not in norms
            cols["neg_add"][g] = w.is_negation and not ref_neg
            matches[g] = Match(0, r_words[int(best_r[k])], float(s_mt[k]), pair.ref)
        for k in range(len(m_words)):
            around = np.concatenate([s_mt[max(0, k - 1) : k], s_mt[k + 1 : k + 2]])
            cols["ctx_sim"][idx[k]] = around.mean() if len(around) else s_mt[k]
            cols["ctx_min"][idx[k]] = _window(s_mt, k, 2).min()
        # Omissions: an unmatched re-translation word is attached where its nearest matched
        # neighbour's MT counterpart stands.
        matched = s_ref >= ANCHOR
        omit = np.zeros(len(m_words), dtype=np.float32)
        omit_content = np.zeros(len(m_words), dtype=np.float32)
        neg_omit = np.zeros(len(m_words), dtype=np.float32)
        m_neg = [w.is_negation for w in m_words]
        for j, rw in enumerate(r_words):
            if matched[j] and not (rw.is_negation and not m_neg[int(best_m[j])]):
                continue
            anchor = next((a for a in range(j - 1, -1, -1) if matched[a]), None)
            if anchor is None:
                anchor = next((a for a in range(j + 1, len(r_words)) if matched[a]), None)
            at = int(best_m[anchor if anchor is not None else j])
            deficit = 1.0 - float(s_ref[j])
            omit[at] = max(omit[at], deficit)
            if rw.is_negation:
                neg_omit[at] = 1.0
            if rw.is_negation or (rw.core and zipf(rw.norm) < CONTENT_ZIPF):
                omit_content[at] = max(omit_content[at], deficit)
                missing[idx[at]].append(rw)
        for k in range(len(m_words)):
            cols["omit"][idx[k]] = omit[k]
            cols["omit_content"][idx[k]] = omit_content[k]
            cols["omit_ctx"][idx[k]] = _window(omit_content, k, 2).max()
            cols["neg_omit"][idx[k]] = _window(neg_omit, k, 1).max()
    x = np.stack([cols[name] for name in SUPPORT + MISSING], axis=1)
    return x, matches, missing


def _shape(mt: Side) -> np.ndarray:
    rows = []
    for s, ws in enumerate(mt.words):
        sent_len = math.log1p(len(ws))
        for k, w in enumerate(ws):
            first_word = k == 0 or ws[k - 1].text.endswith((".", "!", "?", ":"))
            rows.append(
                (
                    zipf(w.norm) / 8.0,
                    float(w.is_number),
                    float(w.core[:1].isupper() and not first_word),
                    float(k == 0),
                    float(not any(c.isalnum() for c in w.text)),
                    min(len(w.core), 20) / 10.0,
                    float(s == 0),
                    sent_len,
                )
            )
    return np.array(rows, dtype=np.float32).reshape(-1, len(SHAPE))


def _fluency(mt: Side, fluency: FluencyResult | None) -> np.ndarray:
    from mtcheck.fluency import sentence_words as surprisal_words

    n = sum(len(ws) for ws in mt.words)
    out = np.zeros((n, len(FLUENCY)), dtype=np.float32)
    if fluency is None:
        return out
    g = 0
    for s, ws in enumerate(mt.words):
        sf = fluency.for_sentence(s)
        if sf is None:
            g += len(ws)
            continue
        units = surprisal_words(mt.doc, sf)
        excess = np.zeros(len(ws), dtype=np.float32)
        u = 0
        for k, w in enumerate(ws):
            while u < len(units) and units[u].start < w.end:
                if units[u].end > w.start:
                    excess[k] += units[u].excess
                u += 1
        excess /= 10.0
        ref_diff = 0.0 if sf.reference_score is None else (sf.reference_score - sf.score) / 100.0
        for k in range(len(ws)):
            out[g + k] = (excess[k], _window(excess, k, 1).max(), sf.score / 100.0, ref_diff)
        g += len(ws)
    return out


def _rules(mt: Side, findings: Sequence[Finding]) -> np.ndarray:
    rows = []
    for ws in mt.words:
        if not ws:
            continue
        lo, hi = ws[0].start, ws[-1].end
        local = [f for f in findings if f.start < hi and lo < f.end]
        for w in ws:
            on = [f for f in local if f.start < w.end and w.start < f.end]
            rows.append(
                (
                    float(any(f.severity.value == "error" for f in on)),
                    float(any(f.severity.value == "warning" for f in on)),
                    float(any(f.severity.value == "info" for f in on)),
                    float(any(f.code == "MT605" for f in on)),
                    float(bool(local)),
                    float(any(f.code.startswith("MT60") and f.code != "MT605" for f in on)),
                    float(any(f.code.startswith("MT9") for f in on)),
                )
            )
    return np.array(rows, dtype=np.float32).reshape(-1, len(RULES))


def context_columns(x: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    """The ``CONTEXT`` columns (n, 3) for rows ``x`` (n, at least every column before ``CONTEXT``) whose
    sentence keys are ``sentence`` (n,): any hashable per-row id, equal within one sentence. Pure
    arithmetic on the support columns, so a cached feature matrix gets the same values as a check."""
    out = np.zeros((len(x), len(CONTEXT)), dtype=np.float32)
    if len(x) == 0:
        return out
    sim, omit = x[:, INDEX["sim"]], x[:, INDEX["omit_content"]]
    # Rows of one sentence are contiguous in both callers, but grouping by key does not rely on it.
    _, inverse = np.unique(sentence, return_inverse=True)
    for g in range(inverse.max() + 1):
        rows = np.flatnonzero(inverse == g)
        s = sim[rows]
        out[rows, 0] = s - np.median(s)
        out[rows, 1] = (s < ANCHOR).mean()
        out[rows, 2] = omit[rows].max()
    return out


def source_columns(words: Sequence[Word], source: Any) -> np.ndarray:
    """The ``SOURCE`` columns (n, 2) of ``words`` from a ``SourceScores`` (``word_logprobs`` over the
    words' spans), or zeros when ``source`` is None."""
    out = np.zeros((len(words), len(SOURCE)), dtype=np.float32)
    if source is None or not words:
        return out
    for k, lp in enumerate(source.word_logprobs([(w.start, w.end) for w in words])):
        if lp is not None:
            out[k] = (lp / 10.0, 1.0)
    return out


def word_rows(
    mt: Side,
    refs: Sequence[tuple[Side, Sequence[AlignedPair]]],
    fluency: FluencyResult | None,
    findings: Sequence[Finding],
    source: Any = None,
) -> WordRows:
    """Feature rows for every MT word against one or more aligned re-translations (at least one);
    ``source``: the article's ``SourceScores`` when the source-aware pass ran."""
    if not refs:
        raise ValueError("word_rows needs at least one re-translation")
    words = [w for ws in mt.words for w in ws]
    per_ref = [_support(mt, ref, alignment) for ref, alignment in refs]
    support = np.max([p[0][:, : len(SUPPORT)] for p in per_ref], axis=0)
    missing_cols = np.min([p[0][:, len(SUPPORT) :] for p in per_ref], axis=0)
    matches: list[Match | None] = []
    missing: list[list[Word]] = []
    for g in range(len(words)):
        cands = [(r, p[1][g]) for r, p in enumerate(per_ref) if p[1][g] is not None]
        best = max(cands, key=lambda c: c[1].sim, default=None)
        if best is not None:
            best[1].ref = best[0]
        matches.append(None if best is None else best[1])
        # Missing words count only when every re-translation lacks them here; report the first's.
        missing.append(per_ref[0][2][g] if missing_cols[g, MISSING.index("omit_content")] > 0 else [])
    agree = np.min([agreement_columns(mt, ref, alignment) for ref, alignment in refs], axis=0)
    blocks = [support, missing_cols, _shape(mt), _fluency(mt, fluency), _rules(mt, findings), agree]
    x = np.concatenate(blocks, axis=1)
    x = np.concatenate([x, context_columns(x, np.array([w.sentence for w in words]))], axis=1)
    x = np.concatenate([x, source_columns(words, source)], axis=1)
    return WordRows(words, x.astype(np.float32), matches, missing)
