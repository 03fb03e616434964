"""Apertium re-translates for real (CI installs apertium and apertium-eng-spa, see .ci/run)."""

from __future__ import annotations

import shutil

import pytest

from mtcheck.backends.apertium import ApertiumTranslator, installed_modes
from mtcheck.backends.retranslate import retranslate
from mtcheck.config import Config
from mtcheck.errors import ModelError
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

PARAGRAPH = (
    "La OTAN dijo que los aliados reafirmaron su compromiso de seguir fortaleciendo la defensa aérea "
    "de Ucrania. Alemania entregó sistemas Patriot a Ucrania.\n\n"
    "El Reino Unido envía unos 200 misiles de defensa aérea."
)


def test_apertium_translates_a_spanish_paragraph() -> None:
    assert shutil.which("apertium"), "apertium is not installed: run .ci/run (apt-get install apertium)"
    tr = ApertiumTranslator()
    english = retranslate(tr, PARAGRAPH, "es")
    paragraphs = english.split("\n\n")
    assert len(paragraphs) == 2
    assert "NATO" in paragraphs[0] and "Germany" in paragraphs[0] and "Ukraine" in paragraphs[0]
    assert "200" in paragraphs[1] and "United Kingdom" in paragraphs[1]
    assert "OTAN" not in english and "Alemania" not in english


def test_one_line_out_per_sentence_in() -> None:
    tr = ApertiumTranslator()
    out = tr.translate(["Hola.", "", "Línea con\nsalto.", "Adiós."], "es")
    assert len(out) == 4 and out[1] == "" and out[0] == "Hello."


def test_missing_pair_is_a_clear_error() -> None:
    assert "spa-eng" in installed_modes()
    with pytest.raises(ModelError, match="no zul-eng pair"):
        ApertiumTranslator().translate(["Sawubona."], "zul")


def test_missing_binary_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match=r"not installed.*apt-get install apertium"):
        ApertiumTranslator(binary="apertium-does-not-exist").translate(["Hola."], "es")


def test_checker_re_translates_sources_with_apertium(tmp_path) -> None:
    config = Config(engine="apertium", cache_dir=str(tmp_path), fluency=False, select=["MT6", "MT4"])
    checker = Checker(config)
    es_a = "La OTAN dijo que los aliados reafirmaron su compromiso."
    es_b = "Alemania entregó sistemas Patriot a Ucrania."
    articles = [
        Article("a", "NATO said that the allies reaffirmed their commitment.", source=es_a, src_lang="es"),
        Article("b", "Germany delivered Patriot systems to Ukraine.", source=es_b, src_lang="es"),
    ]
    report = checker.run(articles)
    assert report.signature.translators == ("apertium",) and "|mt:apertium|" in report.signature.render()
    assert [d.reference.origin for d in report.documents] == ["apertium", "apertium"]
    assert "Germany" in report.documents[1].reference.document.text
    assert report.documents[0].alignment and report.documents[0].adequacy is not None
    # One engine per language for the whole batch, reused.
    assert checker.models.translator("es") is checker.models.translator("es")
