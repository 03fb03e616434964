"""On-disk translation cache, so re-checking an edited article re-translates only changed sentences.

Keyed by engine and model (with revision), the decoding options, the source language and the
sentence; stored in SQLite under the user cache folder (``$MTCHECK_HOME/translations.sqlite``, or
``cache_dir``). ``CachedTranslator`` wraps any Translator and forwards only the misses, in one call.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from mtcheck.backends.base import Translator
from mtcheck.backends.store import home

FILENAME = "translations.sqlite"


def default_path(cache_dir: str | Path | None = None) -> Path:
    return (Path(cache_dir).expanduser() if cache_dir else home()) / FILENAME


def cache_key(engine: str, options: str, src_lang: str, sentence: str) -> str:
    raw = "\x1f".join((engine, options, src_lang, sentence))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class TranslationCache:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS translation (key TEXT PRIMARY KEY, target TEXT NOT NULL)"
        )
        self._db.commit()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        # SQLite caps bound parameters per statement; 500 stays well below every build's limit.
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, target FROM translation WHERE key IN ({marks})", chunk)
            out.update(rows.fetchall())
        return out

    def put_many(self, items: dict[str, str]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translation (key, target) VALUES (?, ?)", items.items()
            )

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM translation").fetchone()[0]

    def close(self) -> None:
        self._db.close()


class CachedTranslator:
    """A Translator that answers repeated sentences from the cache and translates the rest at once."""

    def __init__(self, inner: Translator, cache: TranslationCache) -> None:
        self.inner = inner
        self.cache = cache
        self.origin = inner.origin
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.inner.name

    def _options(self) -> str:
        return str(getattr(self.inner, "options_key", ""))

    def translate(self, sentences: Sequence[str], src_lang: str) -> list[str]:
        options = self._options()
        keys = [cache_key(self.inner.name, options, src_lang, s) for s in sentences]
        found = self.cache.get_many(keys)
        missing = list(dict.fromkeys(s for s, k in zip(sentences, keys, strict=True) if k not in found))
        self.hits += sum(k in found for k in keys)
        self.misses += len(missing)
        if missing:
            translated = self.inner.translate(missing, src_lang)
            pairs = zip(missing, translated, strict=True)
            new = {cache_key(self.inner.name, options, src_lang, s): t for s, t in pairs}
            self.cache.put_many(new)
            found.update(new)
        return [found[k] for k in keys]
