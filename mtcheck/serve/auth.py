"""The API key: required when the service listens beyond loopback, compared in constant time."""

from __future__ import annotations

import hmac

from mtcheck.serve.errors import ApiError

HEADER = "X-API-Key"


def presented_key(headers: dict[str, str] | object, form_value: str | None = None) -> str | None:
    """The key a request presents: ``Authorization: Bearer KEY``, ``X-API-Key: KEY`` or the page's field."""
    get = headers.get  # type: ignore[attr-defined]
    auth = get("authorization") or ""
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return get(HEADER.lower()) or form_value or None


def require_key(expected: str | None, presented: str | None) -> None:
    """ApiError 401 unless the service has no key or ``presented`` equals it.

    ``hmac.compare_digest`` takes the same time wherever the strings differ, so response times
    leak nothing about how much of a guess was right; both sides are compared as UTF-8 bytes.
    """
    if expected is None:
        return
    if presented is None:
        raise ApiError(401, f"this service needs an API key (Authorization: Bearer KEY or {HEADER}: KEY)")
    if not hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(401, "the API key is wrong")
