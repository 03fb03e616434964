from __future__ import annotations

from pathlib import Path

from mtcheck.engine import run_rules, select_rules
from tests.helpers import context, flagged, run_rule

CLEAN = Path(__file__).parent.parent / "data" / "clean"


def test_spanish_words_left_in_english_are_flagged() -> None:
    assert flagged("MT401", "the ministro said the acuerdo was signed", src_lang="es") == [
        "ministro",
        "acuerdo",
    ]
    (f,) = run_rule("MT401", "He said que it was over.", src_lang="es")
    assert f.text == "que" and "es" in f.message


def test_rule_needs_a_source_language() -> None:
    assert flagged("MT401", "the ministro said the acuerdo was signed") == []
    assert flagged("MT401", "the ministro said the acuerdo was signed", src_lang="en") == []


def test_loanwords_names_and_other_scripts_are_quiet() -> None:
    text = "The fiesta in the plaza drew a crowd, the junta said. Gobierno officials met Ministro Ruiz."
    assert flagged("MT401", text, src_lang="es") == []
    # A Chinese source: Latin-script words cannot be Chinese words.
    assert flagged("MT401", "the ministro said", src_lang="zh") == []


def test_clean_corpus_is_quiet_for_several_source_languages() -> None:
    rules = select_rules(select=["MT401"])
    for lang in ("es", "fr", "de", "it", "pt"):
        for path in sorted(CLEAN.glob("*.txt")):
            ctx = context(path.read_text(encoding="utf-8"), src_lang=lang)
            assert [f.text for f in run_rules(ctx, rules)] == [], (lang, path.name)


def test_foreign_script() -> None:
    assert flagged("MT402", "The Ministry of 财政部 said on Monday.") == ["财政部"]
    assert flagged("MT402", "He wrote Спасибо on the wall.") == ["Спасибо"]
    assert flagged("MT402", "The Zürich-based firm hired François Hollande’s aide; β-blockers.") == []
