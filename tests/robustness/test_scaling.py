"""No quadratic or exponential blow-ups: a 10x longer input takes well under 100x the time.

Linear code scales by ~10x; the assertions allow 30x so that a loaded machine does not make the
tests flaky, while a quadratic step (100x) or worse still fails. Each timing is the best of a few
runs. Besides realistic articles, every rule runs over degenerate texts (one enormous word, a long
run of quotes, brackets or apostrophes) that once made regular expressions backtrack.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mtcheck.engine import select_rules
from mtcheck.rules import RuleContext
from mtcheck.segment import segment

ROOT = Path(__file__).resolve().parent.parent.parent
CLEAN = sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))
MAX_RATIO = 30.0


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _article(copies: int) -> str:
    base = "\n\n".join(p.read_text(encoding="utf-8").strip() for p in CLEAN)
    base += "\n\n" + (ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8").strip()
    return "\n\n".join([base] * copies)


def _reference(mt: str) -> str:
    """A plausible re-translation: every third sentence reworded, every seventh dropped."""
    doc = segment(mt)
    out, last_paragraph = [], 0
    for s in doc.sentences:
        if s.index % 7 == 3:
            continue
        text = s.text if s.index % 3 else "According to the report, " + s.text[:1].lower() + s.text[1:]
        out.append(("\n\n" if s.paragraph != last_paragraph else " ") + text)
        last_paragraph = s.paragraph
    return "".join(out).strip()


def _rules_only(text: str) -> None:
    doc = segment(text)
    ctx = RuleContext(doc=doc)
    for rule in RULES:
        if rule.applies(ctx):
            for _ in rule.check(ctx):
                pass


RULES = select_rules()


def _ratio(small: float, large: float) -> float:
    return large / max(small, 1e-4)


def test_segment_and_rules_scale_linearly() -> None:
    small, large = _article(1), _article(10)
    _rules_only(small)  # warm caches (word lists, pysbd) outside the timings
    t1 = _best(lambda: _rules_only(small))
    t10 = _best(lambda: _rules_only(large), repeat=2)
    assert _ratio(t1, t10) < MAX_RATIO, f"{len(small):,} chars: {t1:.3f} s; {len(large):,} chars: {t10:.3f} s"


def test_alignment_scales_linearly() -> None:
    from mtcheck.align import align_documents

    def run(copies: int) -> Callable[[], object]:
        mt = _article(copies)
        mt_doc, ref_doc = segment(mt), segment(_reference(mt))
        return lambda: align_documents(mt_doc, ref_doc)

    small, large = run(1), run(10)
    small()
    t1, t10 = _best(small, repeat=2), _best(large, repeat=1)
    assert _ratio(t1, t10) < MAX_RATIO, f"1x: {t1:.3f} s; 10x: {t10:.3f} s"


# Degenerate texts: each unit repeated to the length asked for.
DEGENERATE = {
    "one long word": "a",
    "one long capitalised word": "A",
    "digits": "1",
    "apostrophes in a word": "a’",
    "opening quotes": "“",
    "straight quotes": '"',
    "open brackets": "( ",
    "dotted initials": "U.S. ",
    "hyphenated run": "a-",
    "double spaces": "a  ",
    "dots without spaces": "a.",
    "line breaks": "a\n",
    "repeated word": "the ",
    "URL-like run": "a/b.",
}


@pytest.mark.parametrize("unit", list(DEGENERATE.values()), ids=list(DEGENERATE))
def test_rules_on_degenerate_text(unit: str) -> None:
    # A single "@" switches on URL detection in the casing rules, whose regex once went quadratic.
    def text(n: int) -> str:
        return (unit * (n // len(unit) + 1))[:n] + " @x."

    slow = []
    docs = {n: segment(text(n)) for n in (2_000, 20_000)}
    for rule in RULES:

        def run(n: int, rule=rule, docs=docs) -> None:
            ctx = RuleContext(doc=docs[n])
            if rule.applies(ctx):
                for _ in rule.check(ctx):
                    pass

        t1 = _best(lambda: run(2_000))
        if t1 > 0.5:  # already slow on 2,000 characters: do not wait for the large one
            slow.append(f"{rule.code}: {t1:.2f} s on 2,000 characters")
            continue
        t10 = _best(lambda: run(20_000), repeat=2)
        if t10 > 0.05 and _ratio(t1, t10) > MAX_RATIO:
            # Confirm before blaming the rule: another process may have taken the CPU meanwhile.
            t1, t10 = _best(lambda: run(2_000), repeat=5), _best(lambda: run(20_000), repeat=3)
            if _ratio(t1, t10) > MAX_RATIO:
                slow.append(f"{rule.code}: {t1 * 1000:.1f} ms -> {t10 * 1000:.1f} ms")
    assert not slow, "super-linear rules: " + "; ".join(slow)
