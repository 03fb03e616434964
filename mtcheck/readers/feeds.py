"""Batch inputs: a folder of articles, a JSONL file (the DESIGN.md contract) or an RSS/Atom feed.

Each reader returns the articles it could read and an ``InputError`` for each one it could not,
so one bad article never stops a batch.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from pathlib import Path
from typing import BinaryIO

from mtcheck.document import InputError
from mtcheck.errors import InputFileError, MtcheckError
from mtcheck.readers import Article, article_from_text, detect_format, read_bytes
from mtcheck.readers.decode import decode_bytes, decode_raw, normalise_line_ends
from mtcheck.readers.limits import DEFAULT_MAX_CHARS, byte_cap, iter_lines, open_binary, read_stream

Batch = tuple[list[Article], list[InputError]]

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
_ROLE = re.compile(r"^(?P<name>.+)\.(?P<role>ref|src)(?:\.(?P<lang>[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?))?$")
_LANG_TAG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
_JSONL_KEYS = {"id", "mt", "reference", "source", "src_lang", "engine"}
# Bad lines of one JSONL file reported one by one; the rest are counted in one summary entry. A file
# of millions of tiny bad lines otherwise held an InputError (~300 bytes) for each of them.
LISTED_BAD_LINES = 500
# "references": a list of further re-translations (strings), after "reference" if both are given.
_REFS_KEY = "references"


def kind_of(path: str) -> str:
    """folder | jsonl | feed | article | stream, from the path and, for .xml-like files, the content.

    Only the first 512 bytes of a regular file are read to tell; a FIFO or device (``stream``)
    cannot be peeked at without consuming it, so ``read_batch`` reads it once and tells from that.
    """
    p = Path(path)
    if p.is_dir():
        return "folder"
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in ARTICLE_SUFFIXES or path == "-":
        return "article"
    if p.exists() and not p.is_file():
        return "stream"
    with open_binary(path) as handle:
        return _kind_of_head(handle.read(512))


def _kind_of_head(head: bytes) -> str:
    head = head.lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<rdf")):
        return "feed"
    return "jsonl" if head.startswith(b"{") else "article"


def read_batch(
    path: str, fmt: str = "auto", src_lang: str | None = None, max_chars: int | None = None
) -> Batch:
    """Articles and bad articles of one input; a FIFO or device is read once, under the markup cap."""
    kind = kind_of(path)
    if kind == "folder":
        return read_folder(Path(path), fmt, src_lang, max_chars)
    if kind == "jsonl":
        return read_jsonl(path, max_chars)
    if kind == "feed":
        return read_feed(path, max_chars)
    try:
        if kind == "stream":
            data = read_bytes(path, byte_cap(max_chars))
            kind = _kind_of_head(data[:512])
            if kind == "jsonl":
                return _read_jsonl_stream(io.BytesIO(data), path, max_chars)
            if kind == "feed":
                return _read_feed_bytes(data, path, max_chars)
            text = decode_bytes(data, path)
            chars = DEFAULT_MAX_CHARS if max_chars is None else max_chars
            return [article_from_text(text, path, detect_format(path, text, fmt), max_chars=chars)], []
        return [read_file(path, fmt, src_lang, max_chars)], []
    except MtcheckError as exc:
        return [], [InputError(path, str(exc))]


def read_file(
    path: str, fmt: str = "auto", src_lang: str | None = None, max_chars: int | None = None
) -> Article:
    """One article file, id = the path as given, with its NAME.ref.* / NAME.src.* siblings attached."""
    from mtcheck.readers import read_article, read_text_file

    article = read_article(path, fmt, doc_id=path, max_chars=max_chars)
    if path == "-":
        return article
    file = Path(path)
    siblings = sorted(
        p for p in file.parent.glob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    )
    for role in ("ref", "src"):
        for key in _mt_keys(Path(file.name)):
            match = next((p for p in siblings if _key(Path(p.name))[:2] == (key, role)), None)
            if match is None:
                continue
            companion = read_text_file(str(match), max_chars)
            if role == "ref":
                article.reference = companion
            else:
                article.source = companion
                article.src_lang = _key(Path(match.name))[2] or src_lang
            break
    return article


# --- folders -------------------------------------------------------------------------------------
def _key(relative: Path) -> tuple[str, str | None, str | None]:
    """(match key, role, language) of a file: ``a/nato.ref.txt`` -> ('a/nato', 'ref', None)."""
    stem = relative.name[: -len(relative.suffix)] if relative.suffix else relative.name
    match = _ROLE.match(stem)
    if match:
        return str(relative.parent / match["name"]), match["role"], match["lang"]
    return str(relative.parent / stem), None, None


def _mt_keys(relative: Path) -> list[str]:
    """Names an MT file answers to: ``nato.en.txt`` matches ``nato.en.ref.*`` and ``nato.ref.*``."""
    key, _, _ = _key(relative)
    keys = [key]
    base, dot, last = key.rpartition(".")
    if dot and _LANG_TAG.match(last):
        keys.append(base)
    return keys


def read_folder(
    folder: Path, fmt: str = "auto", src_lang: str | None = None, max_chars: int | None = None
) -> Batch:
    files = sorted(
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in ARTICLE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    companions: dict[tuple[str, str], tuple[Path, str | None]] = {}
    mt_files: list[Path] = []
    for rel in files:
        key, role, lang = _key(rel)
        if role is None:
            mt_files.append(rel)
        else:
            companions[(key, role)] = (rel, lang)
    articles: list[Article] = []
    errors: list[InputError] = []
    used: set[tuple[str, str]] = set()
    for rel in mt_files:
        doc_id = rel.as_posix()
        try:
            plain = fmt == "text" or (fmt == "auto" and rel.suffix.lower() == ".txt")
            raw = decode_raw(read_bytes(str(folder / rel), byte_cap(max_chars, markup=not plain)), doc_id)
            text = normalise_line_ends(raw)
            article = article_from_text(
                text,
                doc_id,
                detect_format(str(rel), text, fmt),
                raw=raw,
                max_chars=DEFAULT_MAX_CHARS if max_chars is None else max_chars,
            )
            for role in ("ref", "src"):
                found = next(((k, role) for k in _mt_keys(rel) if (k, role) in companions), None)
                if found is None:
                    continue
                used.add(found)
                path, lang = companions[found]
                companion = decode_bytes(
                    read_bytes(str(folder / path), byte_cap(max_chars, markup=False)), path.as_posix()
                )
                if role == "ref":
                    article.reference = companion
                else:
                    article.source = companion
                    article.src_lang = lang or src_lang
        except MtcheckError as exc:
            errors.append(InputError(doc_id, str(exc)))
            continue
        articles.append(article)
    for key, (rel, _) in sorted(companions.items(), key=lambda kv: str(kv[1][0])):
        if key not in used:
            what = "re-translation" if key[1] == "ref" else "source"
            errors.append(InputError(rel.as_posix(), f"{what} with no MT article named like it"))
    if not articles and not errors:
        raise InputFileError(f"{folder}: no articles ({', '.join(sorted(ARTICLE_SUFFIXES))}) in this folder")
    return articles, errors


# --- JSONL ----------------------------------------------------------------------------------------
_SURROGATE = re.compile("[\ud800-\udfff]")


def _parse_line(raw: bytes, number: int) -> object:
    """The JSON value of one line; ValueError with a one-line reason for anything unreadable.

    Besides syntax errors the parser raises RecursionError on deep nesting and ValueError on
    integers over Python's digit limit: one line's problem each, never the batch's.
    """
    if number == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ValueError("not valid JSON here (nested too deeply to read)") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ValueError(f"not valid JSON here ({str(exc).split(';')[0]})") from None


def _jsonl_article(item: object, seen: dict[str, int], line: int, max_chars: int) -> Article:
    if not isinstance(item, dict):
        raise ValueError(f"expected a JSON object, got {type(item).__name__}")
    # Other keys (url, title, ...) are allowed: producers may carry their own metadata.
    for key in _JSONL_KEYS:
        if item.get(key) is not None and not isinstance(item[key], str):
            raise ValueError(f"{key!r} must be a string")
        # JSON escapes can spell a lone surrogate (\ud800), which no report could encode as UTF-8.
        if item.get(key) is not None and _SURROGATE.search(item[key]):
            raise ValueError(f"{key!r} holds an unpaired surrogate escape: not valid Unicode text")
    refs = _references(item.get(_REFS_KEY), max_chars)
    doc_id = item.get("id")
    if not doc_id or not doc_id.strip():
        raise ValueError("missing 'id'")
    if doc_id in seen:
        raise ValueError(f"duplicate id {doc_id!r} (first on line {seen[doc_id]})")
    mt = item.get("mt")
    if not mt or not mt.strip():
        raise ValueError("missing or empty 'mt' text")
    for key in ("mt", "reference", "source"):
        # Checked here, not only when the article is prepared, so the error names the line.
        if item.get(key) is not None and len(item[key]) > max_chars:
            raise ValueError(f"{key!r}: {len(item[key]):,} characters is over --max-chars {max_chars:,}")
    seen[doc_id] = line
    text = mt.replace("\r\n", "\n").replace("\r", "\n")
    article = article_from_text(text, doc_id, "text")
    if item.get("reference") is not None:
        refs.insert(0, item["reference"])
    refs = [r.replace("\r\n", "\n").replace("\r", "\n") for r in refs]
    if refs:
        article.reference = refs[0]
        article.extra_references = refs[1:]
    article.source = item.get("source")
    article.src_lang = item.get("src_lang")
    if item.get("engine") is not None:
        # Per line only "none" (score against the source, no re-translation): other engines are a
        # setting of the whole batch (--engine), whose models load once.
        if item["engine"] != "none":
            raise ValueError(f"'engine' may only be \"none\" on a line, not {item['engine']!r}")
        article.engine = "none"
    return article


def _references(value: object, max_chars: int) -> list[str]:
    """The JSONL ``references`` value: a list of non-empty re-translation strings (or absent)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{_REFS_KEY!r} must be a list of strings")
    for k, v in enumerate(value):
        if _SURROGATE.search(v):
            raise ValueError(f"{_REFS_KEY!r}[{k}] holds an unpaired surrogate escape: not valid Unicode text")
        if not v.strip():
            raise ValueError(f"{_REFS_KEY!r}[{k}] is empty")
        if len(v) > max_chars:
            raise ValueError(f"{_REFS_KEY!r}[{k}]: {len(v):,} characters is over --max-chars {max_chars:,}")
    return list(value)


def read_jsonl(path: str, max_chars: int | None = None) -> Batch:
    """One article per line, read line by line: each line is capped at ``byte_cap(max_chars)``
    bytes, and a line over it, or one that will not parse, is a bad line; the rest go on."""
    with open_binary(path) as stream:
        return _read_jsonl_stream(stream, path, max_chars)


def _read_jsonl_stream(stream: BinaryIO, path: str, max_chars: int | None = None) -> Batch:
    chars = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    limit = byte_cap(chars)
    peek = getattr(stream, "peek", None)
    head = peek(4096)[:4096] if peek is not None else b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (head[:1] != b"{" and b"\x00" in head):
        # UTF-16 (with a BOM, or without, to refuse it): lines cannot be cut as bytes, so the
        # whole file is read under the cap, decoded, and cut as text.
        text = decode_bytes(read_stream(stream, limit, path), path)
        stream = io.BytesIO(text.encode("utf-8"))
    articles: list[Article] = []
    errors: list[InputError] = []
    unlisted = first_unlisted = 0  # bad lines past LISTED_BAD_LINES, and the first of them
    seen: dict[str, int] = {}
    for number, raw in enumerate(iter_lines(stream, limit), start=1):
        if raw is not None and not raw.strip():
            continue
        item: object = None
        try:
            if raw is None:
                raise ValueError(f"the line is over {limit:,} bytes, more than --max-chars {chars:,} allows")
            item = _parse_line(raw, number)
            articles.append(_jsonl_article(item, seen, number, chars))
        except ValueError as exc:
            if len(errors) >= LISTED_BAD_LINES:
                unlisted += 1
                first_unlisted = first_unlisted or number
                continue
            doc_id = _guess_id(item) or f"{Path(path).name}:{number}"
            errors.append(InputError(doc_id, str(exc), line=number))
    if unlisted:
        reason = (
            f"{unlisted:,} more bad lines, not listed one by one after the first {LISTED_BAD_LINES:,}; "
            f"the first of them at line {first_unlisted:,}"
        )
        errors.append(InputError(f"{Path(path).name}:{first_unlisted}", reason, first_unlisted, unlisted))
    if not articles and not errors:
        raise InputFileError(f"{path}: no articles (one JSON object per line expected)")
    return articles, errors


def _guess_id(item: object) -> str | None:
    """The id of a bad line, when it has a readable one, so the error names the article."""
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) and value.strip() and not _SURROGATE.search(value) else None


# --- RSS / Atom -----------------------------------------------------------------------------------
def read_feed(path: str, max_chars: int | None = None) -> Batch:
    """Every entry of an RSS/Atom file read under the markup cap; an entry over --max-chars is a bad one."""
    return _read_feed_bytes(read_bytes(path, byte_cap(max_chars)), path, max_chars)


def _read_feed_bytes(data: bytes, path: str, max_chars: int | None = None) -> Batch:
    import feedparser

    chars = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    # A stream, never a string: feedparser treats strings as URLs to fetch, and we never fetch.
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.entries:
        problem = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise InputFileError(f"{path}: no entries in this RSS/Atom feed{problem}")
    articles: list[Article] = []
    errors: list[InputError] = []
    seen: set[str] = set()
    for number, entry in enumerate(parsed.entries, start=1):
        doc_id = entry.get("id") or entry.get("link") or entry.get("title") or f"entry-{number}"
        if doc_id in seen:
            doc_id = f"{doc_id}#{number}"
        seen.add(doc_id)
        content = entry.get("content") or []
        body = content[0] if content else entry.get("summary_detail")
        value = (body or {}).get("value", "") if body is not None else ""
        kind = (body or {}).get("type", "text/plain") if body is not None else "text/plain"
        title = (entry.get("title") or "").strip()
        try:
            if not value.strip():
                raise InputFileError("the entry has no body text (content or summary)")
            if "html" in kind:
                from html import escape

                markup = (f"<h1>{escape(title)}</h1>" if title else "") + value
                article = article_from_text(markup, doc_id, "html")
            else:
                article = article_from_text(
                    "\n\n".join(p for p in (title, value.strip()) if p), doc_id, "text"
                )
            if article.text == (title or None):
                raise InputFileError("the entry has no body text (content or summary)")
            if len(article.text) > chars:
                raise InputFileError(f"{len(article.text):,} characters is over --max-chars {chars:,}")
        except MtcheckError as exc:
            errors.append(InputError(doc_id, str(exc), line=number))
            continue
        articles.append(article)
    return articles, errors
