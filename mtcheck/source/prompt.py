"""Prompts for the source-aware pass: ``{Language}: source`` then ``English:``, after one example.

The prompt is the one the issue-14 probe measured: one clean example pair, then the piece of source
to score, then ``English:``; the MT follows and only its tokens are scored. The example pairs are
written for mtcheck (one short news sentence per language, the same English for all), so they come
from no document that is ever scored, and never from ``examples/``. A language without an example
is scored zero-shot (the prompt without the example pair).

Which source goes with which MT: when the source and the MT have the same number of paragraphs
(news MT keeps paragraphs), paragraph i of the MT is scored given paragraph i of the source; else
the whole source goes with the whole MT, cut into pieces of at most ``MAX_PIECE_CHARS`` MT characters
with the source cut at the same relative positions (paragraph boundaries on both sides).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtcheck.document import Document

# English names of source languages, by ISO 639-1 or 639-3 code (the part before "_" of a FLORES
# code such as zho_Hans). An unknown code is used as given.
LANGUAGES = {
    "ar": "Arabic", "ara": "Arabic", "bg": "Bulgarian", "cs": "Czech", "ces": "Czech", "da": "Danish",
    "de": "German", "deu": "German", "el": "Greek", "es": "Spanish", "spa": "Spanish", "et": "Estonian",
    "fi": "Finnish", "fr": "French", "fra": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ita": "Italian", "ja": "Japanese",
    "jpn": "Japanese", "ko": "Korean", "kor": "Korean", "lt": "Lithuanian", "lv": "Latvian",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pol": "Polish", "pt": "Portuguese",
    "por": "Portuguese", "ro": "Romanian", "ru": "Russian", "rus": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian",
    "ukr": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese", "zho": "Chinese", "cmn": "Chinese",
}  # fmt: skip

EXAMPLE_ENGLISH = (
    "The city government announced on Tuesday that it will expand two primary schools next year."
)
# One sentence per language, each a translation of EXAMPLE_ENGLISH written for mtcheck.
EXAMPLES = {
    "Chinese": "市政府周二宣布，明年将扩建两所小学。",
    "Spanish": "El ayuntamiento anunció el martes que ampliará dos escuelas primarias el próximo año.",
    "French": "La mairie a annoncé mardi qu'elle agrandira deux écoles primaires l'année prochaine.",
    "German": "Die Stadtverwaltung kündigte am Dienstag an, im nächsten Jahr zwei Grundschulen zu erweitern.",
    "Italian": "Il comune ha annunciato martedì che il prossimo anno amplierà due scuole elementari.",
    "Portuguese": (
        "A prefeitura anunciou na terça-feira que vai ampliar duas escolas primárias no próximo ano."
    ),
    "Russian": "Городские власти объявили во вторник, что в следующем году расширят две начальные школы.",
    "Japanese": "市は火曜日、来年二つの小学校を拡張すると発表した。",
}
# Longest MT piece scored in one row when paragraphs do not pair up (characters; ~600 tokens).
MAX_PIECE_CHARS = 2400
_SPACE = re.compile(r"\s+")


def language_name(code: str) -> str:
    """``zh`` / ``zho_Hans`` / ``zh-CN`` -> ``Chinese``; an unknown code comes back as given."""
    base = re.split(r"[_-]", code.strip())[0].lower()
    return LANGUAGES.get(base, code.strip())


def prompt_for(source: str, src_lang: str, example: bool = True) -> str:
    """The text before the MT: the example pair (when the language has one), the source, ``English:``.

    Line breaks inside the source become spaces, so each field stays on its line.
    """
    name = language_name(src_lang)
    src = _SPACE.sub(" ", source).strip()
    shot = EXAMPLES.get(name) if example else None
    head = f"{name}: {shot}\nEnglish: {EXAMPLE_ENGLISH}\n\n" if shot else ""
    return f"{head}{name}: {src}\nEnglish:"


@dataclass(frozen=True)
class Piece:
    """A span of the MT document (offsets into ``doc.text``) and the source text it is scored against."""

    start: int
    end: int
    source: str


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def pieces(doc: Document, source: str) -> list[Piece]:
    """The MT pieces to score and their sources (see the module docstring); empty MT pieces dropped."""
    src_paras = _paragraphs(source)
    mt_paras = [(p.start, p.end) for p in doc.paragraphs if doc.text[p.start : p.end].strip()]
    if not src_paras or not mt_paras:
        return []
    if len(src_paras) == len(mt_paras):
        return [Piece(s, e, src) for (s, e), src in zip(mt_paras, src_paras, strict=True)]
    # Group MT paragraphs into pieces, then give each the source paragraphs at the same relative place.
    groups: list[list[tuple[int, int]]] = [[]]
    for span in mt_paras:
        if groups[-1] and span[1] - groups[-1][0][0] > MAX_PIECE_CHARS:
            groups.append([])
        groups[-1].append(span)
    total = mt_paras[-1][1] - mt_paras[0][0]
    out = []
    for group in groups:
        lo = (group[0][0] - mt_paras[0][0]) / total
        hi = (group[-1][1] - mt_paras[0][0]) / total
        a = round(lo * len(src_paras))
        b = max(a + 1, round(hi * len(src_paras)))
        out.append(Piece(group[0][0], group[-1][1], " ".join(src_paras[a:b])))
    return out
