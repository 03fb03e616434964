"""The segmentation shortcuts give exactly stock pysbd's sentences.

mtcheck.sbd skips pysbd steps whose precondition fails, and segment._pieces skips pysbd altogether
for paragraphs it cannot split. Both are compared with stock pysbd on the clean corpus and on
seeded random text built from the tokens pysbd treats specially (abbreviations, list markers,
quotes, brackets, ellipses, its own placeholder characters).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
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


# --- the plain-sentence path (mtcheck.sbd.plain_sentences) ------------------------------------------
# Paragraphs of our own, one per trap: each either takes the plain path or must be left to pysbd, and
# in both cases split_sentences must give pysbd's sentences.
HANDWRITTEN = [
    ("The ferry left at dawn. Passengers waited on the quay. Nobody knew why.", True),
    ("Prices rose sharply. the council blamed the weather.", True),  # lowercase after a stop: MT201's case
    ("The minister's plan failed. Farmers’ unions objected. It's over.", True),
    ("Growth was 2.5 percent. Analysts expected more.", False),  # decimal
    ("Mr. Novak met Gen. Arden. They talked.", False),  # abbreviations
    ("The results come from J. R. Tolkien. Nobody checked.", False),  # initials
    ("He waited... Then he left.", False),  # ellipsis
    ("See www.example.com for details. The site opens today.", False),  # URL
    ("Write to press@example.org today. We answer.", False),  # e-mail
    ("He said “it is over.” Then he left.", True),  # curly quotes: the quoted plain path
    ('He said "it is over." Then he left.', False),  # straight quotes
    ("The team (founded in 1990.) won. Fans cheered.", False),  # brackets
    ("She asked why? Nobody answered.", False),  # question mark
    ("The firm moved to St. Louis. Staff followed.", False),
    ("The vote is. Tomorrow it ends.", False),  # "is" is in pysbd's abbreviation list
    ("They signed it in may. June was quiet.", False),  # "may": a month abbreviation to pysbd
    ("The loan went to Weber & Co. KG. It was repaid.", False),
    ("The owner is EcoCo. KG partners paid.", False),  # pysbd keeps "Co. KG" together after any "Co"
    ("Options were a. one and b. two. None won.", False),  # list markers
    ("It was 1. Then 2.", False),  # numbers before a stop
    ("He quoted 'the old rule'. Then he sat down.", False),  # a quote opening after a space
    ("The U.S. army left. Kyiv stayed calm.", False),
    ("Talks -- long ones -- ended. Delegates left.", False),  # pysbd's em-dash pair
    ("The report cited Orbán. São Paulo replied. Zürich waited.", True),
    ("Turnout hit 61% in Łódź. Officials said €2bn was spent.", True),
    ("Rain fell.  Roads flooded.", False),  # two spaces
    ("He wrote “a\\(b. c-d” and left. Then “x.” Y said.", False),  # a backslash inside quotes
    ("She said (see p. 4. and [note 2.]) it was 'odd. really'. Done.", False),
    ("Costs rose by a fifth. Wages did not.", True),
    ("Officials met on Monday; they agreed: talks resume. Details follow", True),  # no final stop
]


def test_plain_path_on_handwritten_paragraphs(stock: pysbd.Segmenter) -> None:
    from mtcheck.sbd import plain_sentences

    for text, plain in HANDWRITTEN:
        assert (plain_sentences(text) is not None) == plain, text
        if plain:
            assert plain_sentences(text) == [s.strip() for s in stock.segment(text)], text
        with pytest.MonkeyPatch.context() as m:
            expected_pieces = stock.segment(text)
            m.setattr(segment_module, "_pieces", lambda chunk, pieces=expected_pieces: pieces)
            m.setattr(segment_module, "_one_piece", lambda chunk: False)
            expected = split_sentences(text, 0, len(text))
        assert split_sentences(text, 0, len(text)) == expected, text


# Words for random plain-looking paragraphs: ordinary ones, and the traps of the plain path (pysbd's
# abbreviations written without their full stop, single letters, numbers, apostrophes, placeholders).
PLAIN_WORDS = (  # noqa: SIM905
    "the minister said talks would resume in Brussels on Monday after allies met officials from Kyiv "
    "and Warsaw were quiet prices rose sharply farmers protested Orbán São Łódź country's farmers’ "
    "well-known 61% €2bn 1,000 2024 5 10 it's"
).split(" ")
TRAPS = (  # noqa: SIM905
    "Gen gen St st Mr mr No no Is is may May mass Mass ill wash co Co KG US us Jan jan Inc inc fig est "
    "EcoCo vs etc Jr Dr Sen ave a A I i v x p e g U S ok OK eg ie ƪ ȸ ȹ -- ' ‘ 3 12 Ph pm am mg km"
).split(" ")


def _plain_like(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        pool = PLAIN_WORDS if rng.random() < 0.4 else PLAIN_WORDS + TRAPS
        sentences = [
            " ".join(rng.choice(pool) for _ in range(rng.randint(1, 9))) for _ in range(rng.randint(1, 5))
        ]
        glue = rng.choice([". ", ". ", ". ", ".  ", "."])
        text = glue.join(s[:1].upper() + s[1:] for s in sentences) + rng.choice(["", ".", ".", "!"])
        out.append(text)
    return out


def test_rule_groups_run_only_where_they_can_match() -> None:
    from mtcheck.sbd import _Processor

    calls: list[str] = []
    with pytest.MonkeyPatch.context() as m:
        for name in ("replace_numbers", "between_punctuation"):
            original = getattr(_Processor, name)

            def counting(self, *args, _name=name, _original=original):  # type: ignore[no-untyped-def]
                calls.append(_name)
                return _original(self, *args)

            m.setattr(_Processor, name, counting)
        # Goes to pysbd (an abbreviation), but has no digit, quote or bracket.
        assert segmenter().segment("Mr. Novak left. Talks ended.") == ["Mr. Novak left. ", "Talks ended."]
        assert calls == []
        segmenter().segment("Mr. Novak said “it is 2.5 percent.” Talks ended.")
        assert calls.count("replace_numbers") == 1 and "between_punctuation" in calls


QUOTED = [
    ("He said “we won.” Then he left.", True),
    ("“We won,” Smith said. It ended.", True),
    ("He said “we won.” then left.", True),  # no capital after .”: one sentence, as pysbd
    ("“We won.” He left.", True),
    ("He left. “We won.” Then.", True),
    ("She called it “a good deal” and left.", True),
    ("He said “we won.” “Then” she left.", True),
    ("It was a “farce” Smith said.", False),  # ” + capital after a word: pysbd may cut if the quote opens
    ("He said “we. won” ok.", False),  # a full stop inside quotes
    ("Mr. Smith said “no.”", False),
    ("He said “it is “odd” now” today.", False),  # nested
    ("He said “unclosed. Then left.", False),
    ("He said we won.” Then left.", False),  # closing without opening
    ("“Hope” Is a word here.", False),
    ("They said “go-” Then left.", False),
]


def test_quoted_plain_path_on_handwritten_paragraphs(stock: pysbd.Segmenter) -> None:
    from mtcheck.sbd import plain_sentences

    for text, plain in QUOTED:
        assert (plain_sentences(text) is not None) == plain, text
        if plain:
            assert plain_sentences(text) == [s.strip() for s in stock.segment(text)], text


def _quoted_like(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sentences = []
        for _ in range(rng.randint(1, 4)):
            words = [rng.choice(PLAIN_WORDS + TRAPS[:12]) for _ in range(rng.randint(1, 6))]
            sentence = " ".join(words)
            if rng.random() < 0.7:
                quote = " ".join(rng.choice(PLAIN_WORDS) for _ in range(rng.randint(1, 5)))
                quote = rng.choice(["“{}”", "“{},”", "“{}.”", "“{}”,", "“{}. x”", "“{}", "{}”"]).format(quote)
                after = rng.choice(["", " he said", " She said", " Smith said", " “again”", " and left"])
                at = rng.randint(0, 1)
                sentence = quote + after if at == 0 else sentence + " " + quote + after
            sentences.append(sentence[:1].upper() + sentence[1:])
        glue = rng.choice([". ", ". ", " ", ".  "])
        out.append(glue.join(sentences) + rng.choice(["", ".", "."]))
    return out


@pytest.mark.parametrize(("make", "seed"), [(_plain_like, 16), (_quoted_like, 17)], ids=["plain", "quoted"])
def test_plain_path_matches_pysbd_on_random_paragraphs(
    stock: pysbd.Segmenter, make: Callable[[int, int], list[str]], seed: int
) -> None:
    from mtcheck.sbd import plain_sentences

    texts = make(4000, seed)
    taken = 0
    for text in texts:
        plain = plain_sentences(text)
        if plain is not None:
            taken += 1
            assert plain == [s.strip() for s in stock.segment(text)], text
    # Both kinds must be common for this to test anything: taken, and refused (a trap in the text).
    assert taken > 500 and len(texts) - taken > 1000
