"""The shipped name tables are exactly what the builders make from the installed data packages."""

from __future__ import annotations

import json

from mtcheck import gazetteer


def test_shipped_tables_match_the_builders() -> None:
    shipped = json.loads(gazetteer.TABLES.read_text(encoding="utf-8"))
    built = gazetteer.build_tables()
    for name in ("proper_nouns", "proper_adjectives"):
        missing = sorted(set(built[name]) - set(shipped[name]))[:10]
        extra = sorted(set(shipped[name]) - set(built[name]))[:10]
        assert shipped[name] == built[name], (
            f"{name}: rebuild with `python -m mtcheck.gazetteer` (missing {missing}, extra {extra})"
        )


def test_tables_hold_names_not_words() -> None:
    nouns, adjectives = gazetteer.proper_nouns(), gazetteer.proper_adjectives()
    assert nouns["iran"] == "Iran" and nouns["tehran"] == "Tehran"
    assert adjectives["european"] == "European" and adjectives["monday"] == "Monday"
    for word in ("china", "turkey", "polish", "may", "march", "draconian", "french"):
        assert word not in nouns and word not in adjectives, word
