"""Sentence alignment of the MT article with its re-translation.

Dynamic programming over the similarity of candidate blocks, in the spirit of Gale-Church and
Vecalign: a block pairs 1-3 MT sentences with 1-3 re-translation sentences (1-1, 1-2, 2-1, 2-2,
1-3, 3-1), or leaves one sentence without a counterpart (1-0 addition, 0-1 omission).

Similarity is chrF over character 3- to 6-grams (sacrebleu's n-grams with whitespace removed and
its averaging; beta 1 so that it is symmetric) scaled by the length ratio of the two blocks. Its
statistics come from multiset n-gram sets, so one comparison is a few C-level set intersections. The
search runs in a band around the proportional diagonal, and a block larger than 1-1 is only scored
where two of its 1-1 parts already look related, so a long article stays close to linear. Paragraph
boundaries act as soft anchors: a block that crosses one pays a penalty, a pair that opens a
paragraph on both sides earns a small bonus.

Optional English sentence embeddings (the ``embeddings`` extra, all-MiniLM-L6-v2): when they are
used, a block's similarity mixes chrF with the cosine of the two sides' sentence vectors, so that a
re-translation that paraphrases (few shared character n-grams, same meaning) still pairs. See
``AlignOptions.embedding_weight`` for the mix. The encoder is handed in (a
:class:`~mtcheck.backends.base.SentenceEncoder` from :class:`mtcheck.models.ModelRegistry`, which
decides when embeddings are used); this module loads no model.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mtcheck.adequacy import pair_scores, pair_texts
from mtcheck.document import AlignedPair, Document

if TYPE_CHECKING:
    from mtcheck.backends.base import SentenceEncoder

# chrF's character n-gram orders, without 1- and 2-grams: any two long English sentences share
# most of those, which lifts unrelated pairs to ~0.2; orders 3-6 separate them (median 0.07 against
# 0.57 for true pairs on the MQM dev set) and cost less to compare.
ORDERS = (3, 4, 5, 6)
MOVES = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1))


@dataclass(frozen=True)
class AlignOptions:
    # A block must be more similar than this to be worth more than leaving both sides unaligned.
    threshold: float = 0.05
    # Cost of each sentence beyond one per side in a block: a merge must earn its keep.
    merge_penalty: float = 0.15
    # Cost of a block whose sentences on one side come from two paragraphs.
    paragraph_penalty: float = 0.1
    # Reward for a pair whose sentences both open a paragraph.
    anchor_bonus: float = 0.05
    # A block larger than 1-1 is scored only when two of its 1-1 parts reach this similarity.
    prune: float = 0.15
    # A one-sided sentence next to a pair joins it when this share of its n-grams is found in the
    # other side of that pair (a fragment cut off by segmentation is not an addition or omission).
    absorb: float = 0.5
    # Half-width of the search band around the diagonal (widened when the sentence counts differ).
    band: int = 8
    # Most the band widens for differing counts. Uncapped, the width grows with the article when one
    # side splits or drops a steady share of sentences, and the search becomes quadratic.
    max_widen: int = 32
    # Share of the cosine of sentence embeddings in a block's similarity when embeddings are used;
    # the rest is chrF. chrF alone already reaches F1 0.99-1.0 on literal re-translations, so the
    # cosine only has to rescue paraphrases: 0.3 lifts a paraphrase whose chrF is ~0.15 (below
    # ``prune``) to ~0.4, while a pair with the same topic but another meaning (cosine ~0.5) gains
    # only ~0.1. More weight lets same-topic neighbours compete with the true pair.
    embedding_weight: float = 0.3
    # Cosine of unrelated English sentences is not 0: MiniLM gives 0.1 at the median and 0.3 at the
    # 85th percentile for sentences of other segments of the MQM set (true pairs: 0.63 at the 5th
    # percentile, 0.89 at the median). Cosine is rescaled so that this floor maps to 0, keeping the
    # unrelated level of the mix near chrF's (~0.03) and ``threshold``/``prune`` meaningful.
    cosine_floor: float = 0.3


_DEFAULT = AlignOptions()


class _Profile:
    """Character n-gram multisets of one text, per order, for chrF statistics."""

    __slots__ = ("length", "sets", "totals")

    def __init__(self, text: str) -> None:
        chars = "".join(text.split())
        self.length = len(chars)
        sets = []
        totals = []
        for n in ORDERS:
            counts = Counter([chars[i : i + n] for i in range(len(chars) - n + 1)])
            # The k-th repeat of a gram is its own set element, so that the size of an
            # intersection equals the sum of min(count) that chrF matches.
            items = set(counts)
            for gram, count in counts.items():
                if count > 1:
                    items.update(f"{gram}\x00{k}" for k in range(1, count))
            sets.append(frozenset(items))
            totals.append(max(0, len(chars) - n + 1))
        self.sets = tuple(sets)
        self.totals = tuple(totals)


def chrf_f(a: _Profile, b: _Profile, beta: float = 1.0) -> float:
    """chrF (0-1) from multiset statistics, averaged the way sacrebleu does (effective order)."""
    prec = rec = 0.0
    order = 0
    for sa, sb, ta, tb in zip(a.sets, b.sets, a.totals, b.totals, strict=True):
        if ta and tb:
            match = len(sa & sb)
            prec += match / ta
            rec += match / tb
            order += 1
    if not order:
        return 0.0
    prec /= order
    rec /= order
    factor = beta * beta
    denom = factor * prec + rec
    return (1 + factor) * prec * rec / denom if denom > 0 else 0.0


class _Side:
    """Sentences of one document with lazily built profiles of single sentences and short runs."""

    vectors: Any = None  # unit sentence embeddings (numpy float32, one row a sentence) when used

    def __init__(self, doc: Document) -> None:
        self.texts = [s.text for s in doc.sentences]
        self.paragraphs = [s.paragraph for s in doc.sentences]
        self.opens = [i == 0 or self.paragraphs[i - 1] != p for i, p in enumerate(self.paragraphs)]
        self.multi_paragraph = len(set(self.paragraphs)) > 1
        self._profiles: dict[tuple[int, int], _Profile] = {}
        self._vectors: dict[tuple[int, int], Any] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def profile(self, start: int, size: int) -> _Profile:
        key = (start, size)
        prof = self._profiles.get(key)
        if prof is None:
            prof = self._profiles[key] = _Profile(" ".join(self.texts[start : start + size]))
        return prof

    def run_norm(self, start: int, size: int) -> float:
        """Length of the sum of a run's unit sentence vectors (the run's vector before normalising)."""
        key = (start, size)
        value = self._vectors.get(key)
        if value is None:
            total = self.vectors[start : start + size].sum(0)
            value = self._vectors[key] = max(float(np.linalg.norm(total)), 1e-9)
        return value

    def crossings(self, start: int, size: int) -> int:
        return sum(self.paragraphs[k] != self.paragraphs[k - 1] for k in range(start + 1, start + size))


def coverage(part: _Profile, whole: _Profile) -> float:
    """Share of ``part``'s n-grams found in ``whole`` (chrF precision), averaged over orders."""
    shares = [len(sp & sw) / tp for sp, sw, tp in zip(part.sets, whole.sets, part.totals, strict=True) if tp]
    return sum(shares) / len(shares) if shares else 0.0


def similarity(a: _Profile, b: _Profile, cosine: float | None = None, opts: AlignOptions = _DEFAULT) -> float:
    """chrF scaled by the length ratio: a short fragment and a long sentence are not a good pair.

    With ``cosine`` (of the two texts' sentence embeddings), the scaled quantity is the mix of chrF
    and the rescaled cosine (``opts.embedding_weight``, ``opts.cosine_floor``).
    """
    if not a.length or not b.length:
        return 0.0
    ratio = min(a.length, b.length) / max(a.length, b.length)
    value = chrf_f(a, b)
    if cosine is not None:
        floor = opts.cosine_floor
        scaled = min(1.0, max(0.0, (cosine - floor) / (1.0 - floor)))
        value = (1.0 - opts.embedding_weight) * value + opts.embedding_weight * scaled
    return value * (0.6 + 0.4 * ratio)


class _Cosines:
    """Sentence-by-sentence cosines of one article pair, computed once as one matrix product.

    Only the rows' share of the alignment band is multiplied (``spans[i]`` = the columns row ``i``
    can meet), in chunks of ``CHUNK`` rows, so a long article costs O(n x band), not O(n x m).
    A run's vector is the normalised sum of its sentences' unit vectors, so the cosine of two runs
    is the sum of their sentences' cosines over the product of the two sums' lengths: blocks never
    re-encode and never multiply vectors again.
    """

    CHUNK = 64

    def __init__(self, mt: _Side, ref: _Side, spans: list[tuple[int, int]]) -> None:
        self.mt, self.ref = mt, ref
        self.rows: list[tuple[int, list[float]]] = []  # (first column, cosines) per MT sentence
        for r0 in range(0, len(mt), self.CHUNK):
            r1 = min(len(mt), r0 + self.CHUNK)
            c0 = min(spans[i][0] for i in range(r0, r1))
            c1 = max(spans[i][1] for i in range(r0, r1))
            block = (mt.vectors[r0:r1] @ ref.vectors[c0:c1].T).tolist()
            for i in range(r0, r1):
                lo, hi = spans[i]
                self.rows.append((lo, block[i - r0][lo - c0 : hi - c0]))

    def single(self, i: int, j: int) -> float:
        lo, values = self.rows[i]
        k = j - lo
        if 0 <= k < len(values):
            return values[k]
        return float(self.mt.vectors[i] @ self.ref.vectors[j])  # off the band: rare (absorbed runs)

    def block(self, i: int, a: int, j: int, b: int) -> float:
        if a == 1 and b == 1:
            return self.single(i, j)
        total = sum(self.single(i + x, j + y) for x in range(a) for y in range(b))
        return total / (self.mt.run_norm(i, a) * self.ref.run_norm(j, b))


def block_similarity(
    mt: _Side, ref: _Side, i: int, a: int, j: int, b: int, opts: AlignOptions, cosines: _Cosines | None = None
) -> float:
    """Similarity of MT[i:i+a] with ref[j:j+b], with the embeddings' cosine when ``cosines`` is given."""
    cosine = cosines.block(i, a, j, b) if cosines is not None else None
    return similarity(mt.profile(i, a), ref.profile(j, b), cosine, opts)


def embed_pairs(pairs: list[tuple[Document, Document]], encoder: SentenceEncoder) -> list[tuple[Any, Any]]:
    """Unit sentence vectors (MT, re-translation) for many article pairs in one batched encoder pass.

    Every sentence of every article is encoded once; the encoder sorts the whole lot by length, so
    batches mix articles and pad little. Returns one (MT vectors, reference vectors) per pair.
    """
    texts = [s.text for mt, ref in pairs for d in (mt, ref) for s in d.sentences]
    vectors = encoder.encode(texts)
    out, k = [], 0
    for mt, ref in pairs:
        n, m = len(mt.sentences), len(ref.sentences)
        out.append((vectors[k : k + n], vectors[k + n : k + n + m]))
        k += n + m
    return out


def text_similarity(mt: str, ref: str) -> float:
    """The alignment similarity of two texts (0-1)."""
    return similarity(_Profile(mt), _Profile(ref))


class _Aligner:
    def __init__(self, mt: _Side, ref: _Side, opts: AlignOptions) -> None:
        self.mt, self.ref, self.opts = mt, ref, opts
        n, m = len(mt), len(ref)
        self.n, self.m = n, m
        # Wide enough that consecutive rows of the band overlap and that the counts' difference
        # (sentences one side split or dropped) fits.
        widen = min(math.ceil(abs(n - m) / 2), opts.max_widen)
        self.width = opts.band + widen + math.ceil(max(n, m) / max(1, min(n, m)))
        self._sim11: dict[tuple[int, int], float] = {}
        self.cosines: _Cosines | None = None
        if mt.vectors is not None and ref.vectors is not None and n and m:
            # Row i meets the columns of its band and of row i+1's (sim11 asks for either), up to
            # two more for the blocks that start there.
            spans = []
            for i in range(n):
                lo = min(self.bounds(i)[0], self.bounds(i + 1)[0] - 1)
                hi = max(self.bounds(i)[1], self.bounds(i + 1)[1]) + 3
                spans.append((max(0, lo), min(m, hi)))
            self.cosines = _Cosines(mt, ref, spans)

    def bounds(self, i: int) -> tuple[int, int]:
        centre = i * self.m / self.n if self.n else 0.0
        return max(0, math.floor(centre) - self.width), min(self.m, math.ceil(centre) + self.width)

    def in_band(self, i: int, j: int) -> bool:
        lo, hi = self.bounds(i)
        return lo <= j <= hi

    def sim11(self, i: int, j: int) -> float:
        key = (i, j)
        value = self._sim11.get(key)
        if value is None:
            if not self.in_band(i, j) and not self.in_band(i + 1, j + 1):
                value = 0.0
            else:
                value = block_similarity(self.mt, self.ref, i, 1, j, 1, self.opts, self.cosines)
            self._sim11[key] = value
        return value

    def block_sim(self, i: int, j: int, a: int, b: int) -> float | None:
        """Similarity of MT[i:i+a] with ref[j:j+b], or None when the block is not worth scoring."""
        if a == 1 and b == 1:
            return self.sim11(i, j)
        # A true split or merge relates at least two of its 1-1 parts to each other; requiring that
        # skips almost every candidate off the path, which keeps long articles fast.
        parts = sorted((self.sim11(i + x, j + y) for x in range(a) for y in range(b)), reverse=True)
        if parts[1] < self.opts.prune:
            return None
        return block_similarity(self.mt, self.ref, i, a, j, b, self.opts, self.cosines)

    def gain(self, i: int, j: int, a: int, b: int) -> tuple[float, float] | None:
        """(gain, similarity) of the block ending at (i+a, j+b); None when it is not a candidate."""
        opts = self.opts
        if a == 0 or b == 0:
            return 0.0, 0.0
        sim = self.block_sim(i, j, a, b)
        if sim is None:
            return None
        value = (a + b) / 2 * (sim - opts.threshold) - opts.merge_penalty * (a + b - 2)
        if self.mt.multi_paragraph:
            value -= opts.paragraph_penalty * self.mt.crossings(i, a)
            if self.ref.multi_paragraph:
                value -= opts.paragraph_penalty * self.ref.crossings(j, b)
                if self.mt.opens[i] and self.ref.opens[j]:
                    value += opts.anchor_bonus
        return value, sim

    def run(self) -> list[tuple[int, int, int, int, float]]:
        """The best path as blocks (i, j, a, b, similarity), in order."""
        n, m = self.n, self.m
        best: dict[tuple[int, int], float] = {(0, 0): 0.0}
        back: dict[tuple[int, int], tuple[int, int, float]] = {}
        for i in range(n + 1):
            lo, hi = self.bounds(i)
            for j in range(lo, hi + 1):
                if i == 0 and j == 0:
                    continue
                top = -math.inf
                choice: tuple[int, int, float] | None = None
                for a, b in MOVES:
                    pi, pj = i - a, j - b
                    if pi < 0 or pj < 0:
                        continue
                    prev = best.get((pi, pj))
                    if prev is None:
                        continue
                    scored = self.gain(pi, pj, a, b)
                    if scored is None:
                        continue
                    value = prev + scored[0]
                    if value > top:
                        top, choice = value, (a, b, scored[1])
                if choice is not None:
                    best[(i, j)] = top
                    back[(i, j)] = choice
        path = []
        i, j = n, m
        while i or j:
            a, b, sim = back[(i, j)]
            i, j = i - a, j - b
            path.append((i, j, a, b, sim))
        path.reverse()
        return path


def align_sentences(
    mt_doc: Document,
    ref_doc: Document,
    options: AlignOptions | None = None,
    encoder: SentenceEncoder | None = None,
    vectors: tuple[Any, Any] | None = None,
) -> list[tuple[tuple[int, ...], tuple[int, ...], float]]:
    """The alignment as (MT indices, ref indices, similarity) blocks, without adequacy scores.

    ``encoder``: sentence embeddings mixed into the similarity; None (and no ``vectors``) aligns on
    chrF alone. ``vectors``: the two sides' sentence vectors when the caller encoded them already
    (:func:`embed_pairs`, for a whole batch at once).
    """
    use = vectors is not None or encoder is not None
    mt, ref = _Side(mt_doc), _Side(ref_doc)
    if not len(mt) or not len(ref):
        return [((i,), (), 0.0) for i in range(len(mt))] + [((), (j,), 0.0) for j in range(len(ref))]
    opts = options or _DEFAULT
    if use:
        if vectors is None:
            vectors = embed_pairs([(mt_doc, ref_doc)], encoder)[0]  # type: ignore[arg-type]
        mt.vectors, ref.vectors = vectors
    aligner = _Aligner(mt, ref, opts)
    path = _absorb(aligner.run(), mt, ref, opts, aligner.cosines)
    return [(tuple(range(i, i + a)), tuple(range(j, j + b)), sim) for i, j, a, b, sim in path]


def _absorb(
    path: list[tuple[int, int, int, int, float]],
    mt: _Side,
    ref: _Side,
    opts: AlignOptions,
    cosines: _Cosines | None = None,
) -> list[tuple[int, int, int, int, float]]:
    """Join one-sided sentences to a neighbouring pair whose other side contains them."""
    out = list(path)
    k = 0
    while k < len(out):
        i, j, a, b, _ = out[k]
        if (a == 0) == (b == 0):
            k += 1
            continue
        best: tuple[float, int] | None = None
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(out) or not out[nb][2] or not out[nb][3]:
                continue
            ni, nj, na, nb_, _ = out[nb]
            if a:  # an MT sentence: is it inside the neighbour's re-translation?
                cover = coverage(mt.profile(i, a), ref.profile(nj, nb_))
            else:
                cover = coverage(ref.profile(j, b), mt.profile(ni, na))
            if cover >= opts.absorb and (best is None or cover > best[0]):
                best = (cover, nb)
        if best is None:
            k += 1
            continue
        nb = best[1]
        lo, hi = min(k, nb), max(k, nb)
        mi, mj = out[lo][0], out[lo][1]
        ma, mb = out[lo][2] + out[hi][2], out[lo][3] + out[hi][3]
        sim = block_similarity(mt, ref, mi, ma, mj, mb, opts, cosines)
        out[lo : hi + 1] = [(mi, mj, ma, mb, sim)]
        k = lo
    return out


def align_documents(
    mt_doc: Document,
    ref_doc: Document,
    options: AlignOptions | None = None,
    ter: bool = False,
    encoder: SentenceEncoder | None = None,
    vectors: tuple[Any, Any] | None = None,
) -> list[AlignedPair]:
    """Align every MT sentence and every re-translation sentence, in order, with adequacy per pair.

    Each sentence of either document appears in exactly one pair; a pair with an empty side is an
    addition (MT only) or an omission (re-translation only). Every pair gets sacrebleu chrF and
    BLEU; TER per pair only with ``ter=True`` (it costs more than the alignment itself).
    ``encoder``, ``vectors``: see :func:`align_sentences`.
    """
    pairs = []
    for mt_ids, ref_ids, sim in align_sentences(mt_doc, ref_doc, options, encoder, vectors):
        pair = AlignedPair(mt_ids, ref_ids, sim)
        chrf, bleu, ter_score = pair_scores(*pair_texts(pair, mt_doc, ref_doc), ter=ter)
        pairs.append(AlignedPair(mt_ids, ref_ids, sim, chrf, bleu, ter_score))
    return pairs
