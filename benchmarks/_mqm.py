"""Shared MQM loading for every benchmark: records grouped into articles, joined texts, shifted spans.

The data README's recipe, in one place: group mqm_dev.jsonl by (doc, system), order each group by
doc_seg_id, join the segments with a blank line (one paragraph per segment) and shift every rater's
span by its segment's start in the joined text. Also cached surprisals for the fluency benchmarks.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from mtcheck.document import Document
from mtcheck.segment import segment

DATA = Path("/work/shared/data/mqm_dev.jsonl")
FLUENCY_CATS = ("Fluency/", "Style/")


@dataclass
class Article:
    id: str
    records: list[dict]
    doc: Document
    ref: Document
    seg_starts: list[int] = field(default_factory=list)  # start offset of each segment in doc.text
    ref_starts: list[int] = field(default_factory=list)


def grouped_records(path: Path = DATA) -> list[tuple[str, str, list[dict]]]:
    """(doc, system, records in doc_seg_id order) for every article, in (doc, system) order."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            groups[(rec["doc"], rec["system"])].append(rec)
    out = []
    for (doc, system), recs in sorted(groups.items()):
        recs.sort(key=lambda r: r["doc_seg_id"])
        out.append((doc, system, recs))
    return out


def join(parts: list[str]) -> tuple[str, list[int]]:
    """The segments joined one per paragraph, and the start of each in the joined text."""
    starts, pos = [], 0
    for p in parts:
        starts.append(pos)
        pos += len(p) + 2
    return "\n\n".join(parts), starts


def error_spans(records: list[dict], starts: list[int], trim: bool = False) -> list[tuple[int, int, dict]]:
    """Every rater's error as (start, end, error) in the joined MT text, in record order.

    ``trim``: without the whitespace at either end of the span; spans of only whitespace are dropped.
    """
    out = []
    for rec, base in zip(records, starts, strict=True):
        text = rec["mt"]
        for err in rec["errors"]:
            start, end = err["start"], err["end"]
            if trim:
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1].isspace():
                    end -= 1
                if end <= start:
                    continue
            out.append((base + start, base + end, err))
    return out


def load_articles(path: Path = DATA) -> list[Article]:
    out = []
    for doc, system, recs in grouped_records(path):
        text, starts = join([r["mt"] for r in recs])
        ref_text, ref_starts = join([r["ref"] for r in recs])
        out.append(
            Article(
                f"{doc}/{system}",
                recs,
                segment(text, doc),
                segment(ref_text, doc + ":ref"),
                starts,
                ref_starts,
            )
        )
    return out


def segment_of(starts: list[int], offset: int) -> int:
    i = 0
    for j, s in enumerate(starts):
        if s <= offset:
            i = j
    return i


def has_fluency_error(rec: dict) -> bool:
    return any(e["category"].startswith(FLUENCY_CATS) for e in rec["errors"])


def cached_surprisals(scorer, texts: list[str], cache: Path) -> dict[str, list[list[float]]]:
    """Surprisals per unique text, cached on disk by model name (scoring 600 segments takes minutes)."""
    store: dict = json.loads(cache.read_text()) if cache.is_file() else {}
    key = lambda t: hashlib.sha1(f"{scorer.name}\0{t}".encode()).hexdigest()  # noqa: E731
    todo = sorted({t for t in texts if key(t) not in store})
    if todo:
        started = time.perf_counter()
        for t, toks in zip(todo, scorer.surprisals(todo), strict=True):
            store[key(t)] = toks
        print(f"scored {len(todo)} texts in {time.perf_counter() - started:.1f}s")
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(store))
    return {t: [tuple(x) for x in store[key(t)]] for t in texts}
