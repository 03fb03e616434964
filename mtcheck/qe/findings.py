"""From word probabilities to MT610 findings (runs of likely-bad words) and to sentence quality.

A finding is a run of consecutive words of one sentence whose probability reaches the threshold;
its confidence is the run's highest probability. The category follows the strongest evidence on
the run: a number the re-translation lacks (``number``), a capitalised name it lacks (``entity``),
re-translation words missing here (``omission``), else ``mistranslation``. The evidence quotes the
re-translation words the run's words align with and, for an omission, the missing words; the
suggestion is the re-translation's wording when the run aligns with a short contiguous stretch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mtcheck.document import Document, Finding, Severity
from mtcheck.qe.features import INDEX, MISSING, SUPPORT, WordRows
from mtcheck.qe.words import Word

CODE = "MT610"
NAME = "word-quality"
# A suggestion is offered only when the aligned stretch is at most this many words longer than the run.
SUGGEST_SLACK = 2


def runs(probs: np.ndarray, words: Sequence[Word], threshold: float) -> list[tuple[int, int]]:
    """(first, last) word indices, inclusive, of each run of words with ``probs >= threshold``.

    A run never crosses a sentence boundary. ``probs`` has one entry per word, in 0..1.
    """
    out: list[tuple[int, int]] = []
    start = None
    for k, w in enumerate(words):
        bad = probs[k] >= threshold
        if start is not None and (not bad or w.sentence != words[start].sentence):
            out.append((start, k - 1))
            start = None
        if bad and start is None:
            start = k
    if start is not None:
        out.append((start, len(words) - 1))
    return out


def _category(rows: WordRows, first: int, last: int) -> tuple[str, str]:
    x = rows.x[first : last + 1]
    if x[:, INDEX["num_miss"]].max() > 0:
        return "number", "a number the re-translation does not have"
    if x[:, INDEX["neg_omit"]].max() > 0 or x[:, INDEX["neg_add"]].max() > 0:
        return "mistranslation", "the negation differs from the re-translation (polarity)"
    if x[:, INDEX["cap_miss"]].max() > 0 and x[:, INDEX["exact"]].min() == 0:
        return "entity", "a name the re-translation does not have"
    if x[:, INDEX["omit_content"]].max() > 0.5 and x[:, INDEX["sim"]].min() > 0.6:
        return "omission", "words of the re-translation are missing here"
    return "mistranslation", "the re-translation does not support these words"


def _spelling_variant(rows: WordRows, first: int, last: int) -> bool:
    """Every word of the run is a name spelled like its aligned re-translation word (Kiev / Kyiv).

    The model has no feature for spelling (it sees a capitalised word the re-translation lacks), so
    such runs are dropped here with the same rule MT611 uses to tell a spelling from another name.
    """
    import difflib

    from mtcheck.qe.evidence import NAME_SPELLING

    for k in range(first, last + 1):
        w, m = rows.words[k], rows.matches[k]
        if not w.core[:1].isupper() or m is None or m.word is None:
            return False
        if difflib.SequenceMatcher(None, w.norm, m.word.norm).ratio() < NAME_SPELLING:
            return False
    return True


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def make_findings(
    doc: Document,
    refs: Sequence[Document],
    rows: WordRows,
    probs: np.ndarray,
    threshold: float,
    severity: Severity = Severity.WARNING,
) -> list[Finding]:
    """MT610 findings for the runs of ``rows.words`` whose probability reaches ``threshold``."""
    out = []
    for first, last in runs(probs, rows.words, threshold):
        start, end = trim(doc.text, rows.words[first].start, rows.words[last].end)
        if end <= start or _spelling_variant(rows, first, last):
            continue
        category, why = _category(rows, first, last)
        conf = float(probs[first : last + 1].max())
        aligned = [m for m in rows.matches[first : last + 1] if m is not None and m.word is not None]
        evidence = suggestion = None
        if aligned:
            ref = refs[aligned[0].ref]
            lo = min(m.word.start for m in aligned if m.ref == aligned[0].ref)
            hi = max(m.word.end for m in aligned if m.ref == aligned[0].ref)
            lo, hi = trim(ref.text, lo, hi)
            span = ref.text[lo:hi]
            if span and len(span.split()) <= (last - first + 1) + SUGGEST_SLACK:
                evidence = f"re-translation: “{span}”"
                if span.casefold() != doc.text[start:end].casefold():
                    suggestion = span
        missing = [w.core for k in range(first, last + 1) for w in rows.missing[k]]
        if missing:
            gone = " ".join(dict.fromkeys(m for m in missing if m))
            evidence = (evidence + "; " if evidence else "") + f"missing here: “{gone}”"
        line, col = doc.line_col(start)
        out.append(
            Finding(
                code=CODE,
                name=NAME,
                category=category,
                severity=severity,
                start=start,
                end=end,
                text=doc.text[start:end],
                message=f"{why} (chance an expert marks it: {conf:.0%})",
                suggestion=suggestion,
                line=line,
                col=col,
                evidence=evidence,
            )
        )
    return out


__all__ = ["CODE", "MISSING", "NAME", "SUPPORT", "make_findings", "runs", "trim"]
