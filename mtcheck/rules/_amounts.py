"""Amounts in English text, read by value so that two ways of writing one amount compare equal.

Used by MT601 (number-mismatch) to compare the MT with its re-translation. An ``Amount`` has a main
normalised key and the other readings the same characters can have, and a range, score or season
keeps its two ends apart instead of adding them up:

- digits grouped with a comma, a full stop, a space, a no-break space (U+00A0) or a narrow no-break
  space (U+202F): ``32 000`` = ``32,000`` = ``32000``; a decimal comma (``3,5``) reads 3.5;
- a number and a magnitude, written out or as shorthand: ``2.5m`` = ``2.5 million`` = ``2,500,000``
  (``2.5m`` may also be metres), ``$1.2bn``, ``3k``; fractions of a magnitude: ``half a million``,
  ``a quarter of a million``, ``two and a half million``;
- numbers in words, parsed by ``text2num`` (``thirty-two thousand``, ``one hundred and five``);
- clock times, 24-hour or with a.m./p.m.: ``18:45`` = ``6:45 p.m.``; a bare ``6:45`` may be either;
- ranges, scores and seasons as their two ends: ``18-24``, ``2-0``, ``2019-2020`` = ``2019/20``;
- ISO and slashed dates, whole.

Two numbers side by side stay two amounts (``In 2021 14 people``), and ``and`` joins words of one
number (``one hundred and five``), never two numbers (``between 2010 and 2014``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Shared with rules/numbers.py (the words that may stand as the count of a magnitude).
UNIT_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
]
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SHORT_SCALES = {"mn": 10**6, "mln": 10**6, "bn": 10**9, "tn": 10**12, "trn": 10**12}
_ATTACHED_SCALES = {"m": 10**6, "b": 10**9, "k": 1_000}  # only written against the digits: 2.5m, 3k
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}

_WORD = "|".join(sorted([*UNIT_WORDS, *_SCALES, "dozen"], key=len, reverse=True))
# Digits: thousands grouped by a comma, full stop or (no-break, narrow no-break) space, or plain
# digits with an optional decimal part. A space-grouped number needs groups of exactly three.
_NUM = (
    r"\d{1,3}(?:(?:,|[ \u00a0\u202f])\d{3}(?!\d))+(?:\.\d+)?"
    r"|\d{1,3}(?:\.\d{3}(?!\d))+(?!\.\d)"
    r"|\d+(?:[.,]\d+)?"
)
_SCALE_WORD = r"hundred|thousand|million|billion|trillion"
_AMOUNT = re.compile(
    rf"""(?<![\w.,])(?:
      (?P<date>\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})(?![\d/])
    | (?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)(?!\d)(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?
    | (?P<h2>1[0-2]|0?[1-9])(?:\.(?P<min2>[0-5]\d))?\s*(?P<ap2>[ap])\.?\s?m\b\.?
    | (?P<a>{_NUM})\s*[-–—/]\s*(?P<b>{_NUM})(?![\d\-/])
    | (?:(?P<whole>\d+|{_WORD})\s+and\s+)?(?:(?:a|one)\s+)?(?P<frac>half|quarter|third)\s+
      (?:of\s+)?(?:an?\s+)?(?P<fscale>{_SCALE_WORD})\b
    | (?P<n>{_NUM})(?:\s*(?P<scale>{_SCALE_WORD}|mn|mln|bn|tn|trn)\b|(?P<short>[mbk])\b)
    | (?P<words>(?:(?:a|an)\s+(?=(?:{_SCALE_WORD}|dozen)\b))?(?:{_WORD})s?\b
      (?:(?:[\s\-]+|\s+and\s+)(?:{_WORD})s?\b)*(?:\s+of\b)?)
    | (?P<num>{_NUM})
    )(?!\w)""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Amount:
    """An amount found in a text.

    ``key`` is its normalised value (``"32000"``, ``"2500000"``, ``"t18:45"``, ``"18|24"`` for a
    range, ``"billions"`` for a plural magnitude with no count, ``"1000000000~bare"`` for a magnitude
    that lost its number); ``alternatives`` the other readings of the same characters; ``parts`` the
    keys of a range's two ends.
    """

    start: int
    end: int
    text: str
    key: str
    alternatives: frozenset[str] = frozenset()
    parts: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return self.alternatives | {self.key}


def _fmt(value: float) -> str:
    value = round(value, 6)
    return str(int(value)) if float(value).is_integer() else repr(value)


def _digits(token: str) -> tuple[float, float | None]:
    """The value of a digit token, and a second reading when the separators are ambiguous."""
    token = re.sub(r"[ \u00a0\u202f]", "", token)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        return float(re.sub(r"[.,]", "", token)), None  # 1,000 and 1.000 both group thousands
    if re.fullmatch(r"\d+,\d+", token):
        return float(token.replace(",", ".")), float(token.replace(",", ""))  # 3,5: a decimal comma
    return float(token.replace(",", "")), None


@lru_cache(maxsize=4096)
def _words_value(words: str) -> float | None:
    """``thirty-two thousand`` -> 32000 with text2num; None for what is not one number."""
    from text_to_num import text2num

    lower = re.sub(r"[\s\-]+", " ", words.lower()).strip()
    if lower.startswith(("a ", "an ")):
        lower = "one " + lower.split(" ", 1)[1]
    if lower in ("dozen", "one dozen"):
        return 12.0
    try:
        return float(text2num(lower, "en"))
    except ValueError:
        return None


def _clock(hour: int, minute: int, ap: str | None) -> tuple[str, frozenset[str]]:
    if ap:
        hour = hour % 12 + (12 if ap.lower() == "p" else 0)
        return f"t{hour:02d}:{minute:02d}", frozenset()
    alternatives = frozenset({f"t{hour + 12:02d}:{minute:02d}"}) if 1 <= hour < 12 else frozenset()
    return f"t{hour:02d}:{minute:02d}", alternatives


def _season_end(first: str, second: str) -> str:
    """2019/20 -> 2020: a two-digit end after a four-digit year is a year of the same century."""
    if re.fullmatch(r"\d{4}", first) and re.fullmatch(r"\d{2}", second):
        century = int(first) // 100 * 100
        end = century + int(second)
        return str(end + 100 if end < int(first) else end)
    return second


def _read(m: re.Match[str]) -> tuple[str, frozenset[str], tuple[str, ...]] | None:
    """(key, alternatives, parts) for one match of ``_AMOUNT``; None when it is no amount."""
    g = m.groupdict()
    if g["date"]:
        return g["date"], frozenset(), ()
    if g["h"]:
        return (*_clock(int(g["h"]), int(g["min"]), g["ap"]), ())
    if g["h2"]:
        return (*_clock(int(g["h2"]), int(g["min2"] or 0), g["ap2"]), ())
    if g["a"]:
        ends = [_fmt(_digits(g["a"])[0]), _fmt(_digits(_season_end(g["a"], g["b"]))[0])]
        parts = tuple(sorted(ends, key=float))
        return "|".join(parts), frozenset(), parts
    if g["frac"]:
        whole = g["whole"]
        count = 0.0
        if whole:
            count = float(whole) if whole.isdigit() else (_words_value(whole) or 0.0)
        value = (count + _FRACTIONS[g["frac"].lower()]) * _SCALES[g["fscale"].lower()]
        return _fmt(value), frozenset(), ()
    if g["n"]:
        value, other = _digits(g["n"])
        if g["short"]:
            scale = _ATTACHED_SCALES[g["short"].lower()]
            # 2.5m is millions in a money story and metres in a building one: both readings count.
            return _fmt(value * scale), frozenset({_fmt(value)}), ()
        word = g["scale"].lower()
        scale = _SCALES.get(word) or _SHORT_SCALES[word]
        alternatives = frozenset({_fmt(other * scale)}) if other is not None else frozenset()
        return _fmt(value * scale), alternatives, ()
    if g["words"]:
        return _read_words(g["words"])
    value, other = _digits(g["num"])
    return _fmt(value), frozenset({_fmt(other)}) if other is not None else frozenset(), ()


def _read_words(text: str) -> tuple[str, frozenset[str], tuple[str, ...]] | None:
    words = re.split(r"[\s\-]+", text.lower().removesuffix(" of").strip())
    if words == ["one"]:
        return None  # "one of the allies", "no one": a pronoun far more often than an amount
    if len(words) == 1 and words[0].endswith("s") and words[0][:-1] in _SCALES:
        return words[0], frozenset(), ()  # "billions": many billions, no exact value
    if words[0] in _SCALES:
        return _fmt(_SCALES[words[0]]) + "~bare", frozenset(), ()  # "Billion euros": the count was lost
    value = _words_value(" ".join(w for w in words if w != "and") if len(words) > 1 else words[0])
    if value is None:
        return text.lower(), frozenset(), ()
    return _fmt(value), frozenset(), ()


_DECADES = re.compile(r"\s+decades?\b", re.IGNORECASE)
_PLURAL_OF = re.compile(r"(?i)(?:hundred|thousand|[mbtr]illion)s\s+of$")


def amounts(text: str, offset: int = 0) -> list[Amount]:
    """Every amount in ``text``, with offsets shifted by ``offset``."""
    out = []
    for m in _AMOUNT.finditer(text):
        raw = m.group()
        # "of" belongs to plural magnitudes ("billions of euros"), not to "one of them".
        if raw.lower().endswith(" of") and not _PLURAL_OF.search(raw):
            raw = raw[: -len(" of")].rstrip()
        read = _read(m)
        if read is None:
            continue
        key, alternatives, parts = read
        decades = _DECADES.match(text, m.end())
        if decades is not None and key.isdigit():
            alternatives |= {_fmt(int(key) * 10)}  # two decades = twenty years
        start = offset + m.start()
        out.append(Amount(start, start + len(raw), raw, key, alternatives, parts))
    return out


def atoms(found: list[Amount]) -> set[str]:
    """Every value a list of amounts can stand for, a range's two ends included."""
    out: set[str] = set()
    for a in found:
        out |= a.keys
        out.update(a.parts)
    return out


def matched(amount: Amount, values: set[str]) -> bool:
    """Whether ``values`` (``atoms`` of the other text) hold this amount: by any reading, or, for a
    range, both of its ends (``between 18 and 24`` holds ``18-24``; ``16-30`` does not)."""
    if amount.keys & values:
        return True
    return bool(amount.parts) and all(p in values for p in amount.parts)
