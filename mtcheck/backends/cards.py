"""Which re-translation model to use for a source language, from the model cards in mtcheck/models/.

A translation card has ``role = "translation"``, ``languages`` (the ISO 639-1 source codes it
covers) and optionally ``fallback = true`` with a ``[codes]`` table (NLLB-200: its FLORES-200 codes,
``eng_Latn`` as ``target_code``). A language with its own opus-mt card uses it; any other falls back
to NLLB-200 distilled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mtcheck.backends.store import CARDS_DIR, ModelCard, cards
from mtcheck.errors import ModelError


@dataclass(frozen=True)
class TranslationModel:
    """A resolved re-translation model: what to load and how to address its languages."""

    spec: str  # hub id or local folder, as given to from_pretrained
    revision: str | None  # pinned hub revision; None for a local folder
    card: ModelCard | None
    src_code: str | None = None  # language code the tokenizer wants (NLLB), None for opus-mt
    tgt_code: str | None = None

    @property
    def name(self) -> str:
        base = self.card.hub_id if self.card and self.card.hub_id else self.spec
        return f"{base}@{self.revision}" if self.revision else base


def translation_cards(folder: Path = CARDS_DIR) -> list[ModelCard]:
    return [c for c in cards(folder).values() if c.role == "translation"]


def _nllb_codes(card: ModelCard) -> dict[str, str]:
    return dict(card.extra.get("codes", {}))


def _codes_for(card: ModelCard, src_lang: str) -> tuple[str | None, str | None]:
    codes = _nllb_codes(card)
    if not codes and not card.extra.get("target_code"):
        return None, None  # opus-mt: one pair per model, no language tokens
    src = codes.get(src_lang.lower()) or (src_lang if "_" in src_lang else None)
    if src is None:
        raise ModelError(
            f"model {card.id}: no language code for {src_lang!r}; give a FLORES-200 code such as "
            f"spa_Latn as --src-lang"
        )
    return src, card.extra.get("target_code", "eng_Latn")


def resolve(src_lang: str | None, mt_model: str | None = None, folder: Path = CARDS_DIR) -> TranslationModel:
    """The model for ``src_lang``: ``mt_model`` (card id, hub id or local folder) or the card default."""
    known = translation_cards(folder)
    if mt_model:
        path = Path(mt_model).expanduser()
        card = next((c for c in known if mt_model in (c.id, c.hub_id)), None)
        if card is None and path.exists():
            # A local folder: NLLB-style codes only when its config says it is an M2M100/NLLB model.
            src, tgt = _local_codes(path, src_lang)
            return TranslationModel(str(path), None, None, src, tgt)
        if card is None:
            return TranslationModel(mt_model, None, None, *_hub_codes(mt_model, src_lang, known))
        src, tgt = _codes_for(card, src_lang or "") if src_lang or _nllb_codes(card) else (None, None)
        return TranslationModel(card.hub_id or card.id, card.revision, card, src, tgt)
    if not src_lang:
        raise ModelError("re-translating needs the source language: pass --src-lang (e.g. es)")
    lang = src_lang.lower()
    for card in known:
        if lang in [x.lower() for x in card.extra.get("languages", [])]:
            return TranslationModel(card.hub_id or card.id, card.revision, card)
    fallback = next((c for c in known if c.extra.get("fallback")), None)
    if fallback is None:
        raise ModelError(f"no translation model card covers {src_lang!r}; pass --mt-model ID|PATH")
    src, tgt = _codes_for(fallback, src_lang)
    return TranslationModel(fallback.hub_id or fallback.id, fallback.revision, fallback, src, tgt)


def _hub_codes(hub_id: str, src_lang: str | None, known: list[ModelCard]) -> tuple[str | None, str | None]:
    """An uncarded hub id: NLLB/M2M100 ids borrow the fallback card's code table."""
    lowered = hub_id.lower()
    if "nllb" not in lowered and "m2m100" not in lowered:
        return None, None
    if "m2m100" in lowered:
        return (src_lang or "").lower() or None, "en"
    fallback = next((c for c in known if c.extra.get("fallback")), None)
    if fallback is None or not src_lang:
        return src_lang, "eng_Latn"
    return _codes_for(fallback, src_lang)


def _local_codes(path: Path, src_lang: str | None) -> tuple[str | None, str | None]:
    import json

    config = path / "config.json"
    try:
        model_type = json.loads(config.read_text(encoding="utf-8")).get("model_type", "")
    except (OSError, ValueError):
        return None, None  # the loader reports the broken folder with a proper message
    if model_type != "m2m_100":
        return None, None
    lang = (src_lang or "").lower()
    if "_" in (src_lang or ""):
        return src_lang, "eng_Latn"
    fallback = next((c for c in translation_cards() if c.extra.get("fallback")), None)
    codes = _nllb_codes(fallback) if fallback else {}
    # NLLB uses FLORES-200 codes; plain M2M100 uses ISO codes.
    return (codes[lang], "eng_Latn") if lang in codes else (lang or None, "en")
