"""The on-disk translation cache."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mtcheck.backends.cache import CachedTranslator, TranslationCache, cache_key


class Upper:
    """A deterministic stand-in engine: the cache is what is under test here, not a model."""

    name = "upper@1"
    origin = "model"
    options_key = "beam=1"

    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    def translate(self, sentences: Sequence[str], src_lang: str) -> list[str]:
        self.seen.append(list(sentences))
        return [s.upper() for s in sentences]


def test_second_run_is_served_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    engine = Upper()
    first = CachedTranslator(engine, TranslationCache(path))
    assert first.translate(["a", "b", "a"], "es") == ["A", "B", "A"]
    assert engine.seen == [["a", "b"]]  # duplicates translated once
    first.cache.close()
    engine2 = Upper()
    second = CachedTranslator(engine2, TranslationCache(path))
    assert second.translate(["b", "c", "a"], "es") == ["B", "C", "A"]
    assert engine2.seen == [["c"]] and second.hits == 2 and second.misses == 1


def test_key_separates_engine_options_language_and_sentence() -> None:
    base = cache_key("e", "o", "es", "s")
    assert len({base, cache_key("f", "o", "es", "s"), cache_key("e", "p", "es", "s"),
                cache_key("e", "o", "fr", "s"), cache_key("e", "o", "es", "t")}) == 5  # fmt: skip


def test_other_language_is_a_miss(tmp_path: Path) -> None:
    engine = Upper()
    cached = CachedTranslator(engine, TranslationCache(tmp_path / "t.sqlite"))
    cached.translate(["hola"], "es")
    cached.translate(["hola"], "pt")
    assert engine.seen == [["hola"], ["hola"]]
    assert len(cached.cache) == 2


def test_many_keys_in_one_lookup(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "t.sqlite")
    items = {f"k{i}": f"v{i}" for i in range(1200)}
    cache.put_many(items)
    assert cache.get_many(list(items)) == items
