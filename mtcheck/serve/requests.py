"""A request body to an Article and the Config to check it with, or an ApiError with a one-line message.

The body is one article in the JSONL batch-contract shape (DESIGN.md) plus an optional ``options``
object::

    {"id": "a1", "mt": "...", "reference": "...", "source": "...", "src_lang": "es",
     "options": {"fail_on": "warning", "select": ["MT1"], "ignore": "MT5", "fluency": false,
                 "min_score": 50}}

Other top-level keys are allowed (a CMS may send its own metadata, as JSONL lines may); unknown
options are not, so that a misspelt option fails loudly. No option names a file or a model: what a
request may change is the rule selection, the gate and whether fluency is scored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from mtcheck.config import FAIL_ON, Config
from mtcheck.errors import MtcheckError
from mtcheck.readers import Article, article_from_text
from mtcheck.serve.errors import ApiError

ARTICLE_KEYS = ("id", "mt", "reference", "source", "src_lang")
OPTIONS = ("fail_on", "select", "ignore", "fluency", "min_score")
DEFAULT_ID = "article"
# A language tag as the CLI's folder names spell them (es, pt-BR, zh_Hant); nothing path-like.
_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
_SURROGATE = re.compile("[\ud800-\udfff]")

# The OpenAPI schema of the body (FastAPI publishes it at /openapi.json).
BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["mt"],
    "properties": {
        "id": {"type": "string", "description": "The article's id in the report (default: article)."},
        "mt": {"type": "string", "description": "The machine-translated English text."},
        "reference": {"type": "string", "description": "A re-translation of the same source."},
        "source": {"type": "string", "description": "The source-language original, to re-translate."},
        "src_lang": {"type": "string", "description": "The source's language code, e.g. es."},
        "options": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "fail_on": {"type": "string", "enum": list(FAIL_ON)},
                "select": {
                    "description": "Rule codes or prefixes to run: a list or a comma-separated string.",
                    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                },
                "ignore": {
                    "description": "Rule codes or prefixes to skip: a list or a comma-separated string.",
                    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                },
                "fluency": {"type": "boolean", "description": "Score fluency (default: the service's)."},
                "min_score": {"type": "number", "minimum": 0, "maximum": 100},
            },
        },
    },
}


@dataclass
class CheckRequest:
    article: Article
    config: Config


def parse_json(body: bytes) -> Any:
    """The body as JSON; ApiError 400 with the CLI's wording when it is not UTF-8 JSON."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"request body: not valid UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"request body: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ApiError(400, "request body: not valid JSON (nested too deeply)") from None


def check_request(item: Any, base: Config, fluency_available: bool) -> CheckRequest:
    """Validate a parsed body into an article and its Config; ApiError 422 for an invalid article."""
    if not isinstance(item, dict):
        raise ApiError(422, f"expected a JSON object, got {type(item).__name__}")
    for key in ARTICLE_KEYS:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise ApiError(422, f"{key!r} must be a string")
        if value is not None and _SURROGATE.search(value):
            raise ApiError(422, f"{key!r} holds an unpaired surrogate escape: not valid Unicode text")
    doc_id = item.get("id") or DEFAULT_ID
    if not doc_id.strip():
        raise ApiError(422, "'id' is blank")
    mt = item.get("mt")
    if not mt or not mt.strip():
        raise ApiError(422, "missing or empty 'mt' text")
    article = article_from_text(_lines(mt), doc_id, "text")
    config = request_config(item.get("options"), base, fluency_available)
    attach_companions(article, item.get("reference"), item.get("source"), item.get("src_lang"), config)
    return CheckRequest(article, config)


def attach_companions(
    article: Article, reference: str | None, source: str | None, src_lang: str | None, config: Config
) -> None:
    """Put a re-translation or a source (with its language) on the article, as the CLI does."""
    if reference is not None:
        if not reference.strip():
            raise ApiError(422, f"{article.id}: the re-translation is empty")
        article.reference = _lines(reference)
    if source is not None and source.strip():
        lang = src_lang or config.src_lang
        if not lang:
            raise ApiError(422, f"{article.id}: a source text needs src_lang (the CLI's --src-lang, e.g. es)")
        if not _LANG.match(lang):
            raise ApiError(422, f"{article.id}: src_lang {lang!r} is not a language code (e.g. es, pt-BR)")
        article.source = _lines(source)
        article.src_lang = lang


def request_config(options: Any, base: Config, fluency_available: bool) -> Config:
    """The service's Config with a request's options on top (validated as the CLI validates flags)."""
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise ApiError(422, f"'options' must be an object, got {type(options).__name__}")
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ApiError(422, f"unknown option(s) {', '.join(unknown)} (known: {', '.join(OPTIONS)})")
    flags: dict[str, Any] = {}
    for key in ("select", "ignore"):
        if key in options:
            flags[key] = _codes(key, options[key])
    if "fail_on" in options:
        if not isinstance(options["fail_on"], str):
            raise ApiError(422, "'fail_on' must be a string")
        flags["fail_on"] = options["fail_on"]
    if "min_score" in options:
        value = options["min_score"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ApiError(422, "'min_score' must be a number")
        flags["min_score"] = float(value)
    if "fluency" in options:
        if not isinstance(options["fluency"], bool):
            raise ApiError(422, "'fluency' must be true or false")
        if options["fluency"] and not fluency_available:
            raise ApiError(422, "fluency is off on this service (started with --no-fluency)")
        flags["fluency"] = options["fluency"]
    try:
        return base.merged(**flags)
    except MtcheckError as exc:
        raise ApiError(422, str(exc)) from None


def _codes(key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ApiError(422, f"{key!r} must be a list of rule codes or a comma-separated string")


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# /v1/fix takes the same body; its options may also say whether unsafe fixes apply.
FIX_SCHEMA: dict[str, Any] = {
    **BODY_SCHEMA,
    "properties": {
        **BODY_SCHEMA["properties"],
        "options": {
            **BODY_SCHEMA["properties"]["options"],
            "properties": {
                **BODY_SCHEMA["properties"]["options"]["properties"],
                "unsafe_fixes": {"type": "boolean", "description": "Also apply fixes that need judgement."},
            },
        },
    },
}
