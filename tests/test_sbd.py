"""The segmentation shortcuts give exactly stock pysbd's sentences.

mtcheck.sbd skips pysbd steps whose precondition fails, and segment._pieces skips pysbd altogether
for paragraphs it cannot split. Both are compared with stock pysbd on the clean corpus and on
seeded random text built from the tokens pysbd treats specially (abbreviations, list markers,
quotes, brackets, ellipses, its own placeholder characters).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pysbd
import pytest

from mtcheck import segment as segment_module
from mtcheck.sbd import segmenter
from mtcheck.segment import split_sentences

ROOT = Path(__file__).resolve().parent.parent
SPECIAL = (  # noqa: SIM905 (a list literal of 100 tokens is unreadable)
    "Mr. Dr. Lt. Gen. St. Jr. Inc. Corp. co. No. no. p. pp. art. U.S. U.S U.K. e.g. i.e. Ph.D. a.m. p.m. "
    "a. b. c. i. ii. iii. v. x. 1. 2. 3. 10. a) b) (a) (b) (i) (ii) 1) 2) (1) 3.5 2024. 10:30 ... … "
    ". ! ? ?! !! ?? !!! . . . ♨ ☝ ∯ ȸ ȹ ƪ &ᓴ& & Yahoo! www.example.com mail@example.org file.pdf "
    '“ ” " \' ’ ‘ « » ( ) [ ] — – - -” -" : ; , 25° 3°. is. man. may. Is'
).split(" ")
WORDS = (  # noqa: SIM905
    "The He She It They We I A In However Nato Ukraine allies said met on Monday in Brussels "
    "and the of to fund minister talks would 5 2024 1,000 $2.4 €1bn 12 mr dr us"
).split(" ")
# Characters the one-sentence shortcut lets through: texts of these alone take the shortcut.
QUIET = ["“", "”", '"', "'", "’", "‘", "—", "–", "-", "-”", '-"', "-'", ":", ";", ","]
QUIET += ["%", "$", "/", "Orbán", "ß"]
# Characters the no-stop shortcut lets through (no . ! ? at all), and hostile one-piece paragraphs.
OPEN = ["(", "[", "]", "{", "}", "<", ">", "«", "»", "„", "*", "#", "+", "=", "@", "~", "^", "|", "\\"]
OPEN += ["_", "€", "£", "¥", "\t", '"a"', "- a", "(a", "[x]", "a(b", "·"]
ENDINGS = ("", ".", "!", "?", ".”", "!”", "?”", '."', "!'", ".’", "”", '"', "...", ".)", "?!")


def _corpus_paragraphs() -> list[str]:
    files = sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))
    files += sorted((ROOT / "examples").glob("*.txt"))
    paragraphs = [p for f in files for p in re.split(r"\n\s*\n", f.read_text(encoding="utf-8"))]
    return [p.strip().replace("\n", " ") for p in paragraphs if p.strip()]


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        pool = rng.choice((WORDS, WORDS + SPECIAL, WORDS + QUIET, WORDS + QUIET + OPEN, OPEN + SPECIAL))
        tokens = [rng.choice(pool) for _ in range(rng.randint(1, 14))]
        glue = rng.choice([" ", " ", " ", ""])
        text = glue.join(tokens) + rng.choice(ENDINGS)
        out.append(text.strip() or "x")
    return out


@pytest.fixture(scope="module")
def stock() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _corpus_paragraphs() + _random_texts(2500, seed=11)


def test_fast_segmenter_matches_stock_pysbd(stock: pysbd.Segmenter, texts: list[str]) -> None:
    fast = segmenter()
    for text in texts:
        assert fast.segment(text) == stock.segment(text), text


def test_one_sentence_shortcut_matches_pysbd(
    stock: pysbd.Segmenter, texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shortcut = [split_sentences(t, 0, len(t)) for t in texts]
    monkeypatch.setattr(segment_module, "_pieces", stock.segment)
    monkeypatch.setattr(segment_module, "_one_piece", lambda chunk: False)
    expected = [split_sentences(t, 0, len(t)) for t in texts]
    assert shortcut == expected
    # Each shortcut must actually be taken on a good share of the texts for this to test anything.
    taken = [t for t in texts if segment_module._ONE_SENTENCE.fullmatch(t)]
    assert len(taken) > 300
    no_stop = [
        t
        for t in texts
        if segment_module._NO_STOP.fullmatch(t) and not segment_module._ONE_SENTENCE.fullmatch(t)
    ]
    assert len(no_stop) > 80


def test_shortcuts_skip_pysbd_steps(stock: pysbd.Segmenter) -> None:
    calls = 0
    original = pysbd.lists_item_replacer.ListItemReplacer.add_line_break

    def counting(self):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return original(self)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(pysbd.lists_item_replacer.ListItemReplacer, "add_line_break", counting)
        segmenter().segment("The talks ended. Ministers left Brussels on Monday.")
        assert calls == 0
        segmenter().segment("Options: a. one b. two.")
        assert calls == 1
