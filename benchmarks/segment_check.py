"""Sentence boundaries with and without the segmentation fast path, on every text we have.

``mtcheck.segment`` skips pysbd for paragraphs it cannot split (``_one_piece``) and for paragraphs whose
every full stop plainly ends a sentence (``mtcheck.sbd.plain_sentences``). This compares, paragraph by
paragraph, the sentence spans ``split_sentences`` gives with those shortcuts and with pysbd run on
everything (the behaviour before them), and, for each paragraph the plain-sentence path takes, its
sentences with stock pysbd's. Every difference is listed; the expected count is 0.

Texts: the example and its re-translation, the clean test corpus, the MQM dev set (``mt``, ``ref``,
``alt_mt``) and MLQE-PE (every pair and split: detokenised MT and post-edits, each sentence alone and in
paragraphs of four consecutive sentences).

    python benchmarks/segment_check.py  ->  benchmarks/results/segment_check.json
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pysbd  # noqa: E402

from mtcheck import segment as seg  # noqa: E402
from mtcheck.sbd import plain_sentences  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from fix_mlqe_pe import detokenise  # noqa: E402  (one detokeniser for every MLQE-PE benchmark)

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "segment_check.json"


def texts() -> Iterator[tuple[str, str]]:
    """(set name, text) for every text compared."""
    for path in sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "tests" / "data").rglob("*.txt")):
        yield "examples+tests", path.read_text(encoding="utf-8")
    mqm = DATA / "mqm_dev.jsonl"
    if mqm.exists():
        for line in mqm.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for key in ("mt", "ref"):
                if isinstance(row.get(key), str):
                    yield "mqm_dev", row[key]
            alt = row.get("alt_mt")
            if isinstance(alt, dict) and isinstance(alt.get("mt"), str):
                yield "mqm_dev", alt["mt"]
    for path in sorted((DATA / "mlqe_pe").glob("*.jsonl")):
        mts, pes = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            mts.append(detokenise(row["mt_tokens"]))
            pes.append(detokenise(row["pe"].split(" ")))
        for sentences in (mts, pes):
            yield from (("mlqe_pe", s) for s in sentences)
            yield from (("mlqe_pe", " ".join(sentences[k : k + 4])) for k in range(0, len(sentences), 4))


def main() -> None:
    stock = pysbd.Segmenter(language="en", clean=False)
    fast_pieces, fast_one = seg._pieces, seg._one_piece

    def slow_pieces(chunk: str) -> list[str]:
        # The path before the shortcuts: pysbd on every paragraph (the plain-regex cap stays).
        return seg._PLAIN_BOUNDARY.split(chunk) if len(chunk) > seg._PYSBD_MAX_CHARS else stock.segment(chunk)

    counts: dict[str, dict[str, int]] = {}
    differences: list[dict] = []
    seconds = {"shortcuts": 0.0, "pysbd_everywhere": 0.0}
    for name, text in texts():
        c = counts.setdefault(name, {"texts": 0, "paragraphs": 0, "plain_path": 0, "differ": 0})
        c["texts"] += 1
        for start, end in seg.split_paragraphs(text):
            c["paragraphs"] += 1
            chunk = text[start:end].replace("\n", " ")
            t0 = time.perf_counter()
            fast = seg.split_sentences(text, start, end)
            t1 = time.perf_counter()
            seg._pieces, seg._one_piece = slow_pieces, lambda chunk: False
            try:
                slow = seg.split_sentences(text, start, end)
            finally:
                seg._pieces, seg._one_piece = fast_pieces, fast_one
            seconds["shortcuts"] += t1 - t0
            seconds["pysbd_everywhere"] += time.perf_counter() - t1
            plain = plain_sentences(chunk) if not seg._one_piece(chunk) else None
            if plain is not None:
                c["plain_path"] += 1
            stock_differs = plain is not None and plain != [s.strip() for s in stock.segment(chunk)]
            if fast != slow or stock_differs:
                c["differ"] += 1
                differences.append({"set": name, "paragraph": chunk[:300], "fast": fast, "pysbd": slow})
    total = {k: sum(c[k] for c in counts.values()) for k in ("texts", "paragraphs", "plain_path", "differ")}
    result = {
        "by_set": counts,
        "total": total,
        "split_sentences_seconds": {k: round(v, 2) for k, v in seconds.items()},
        "differences": differences[:50],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, c in counts.items():
        plain, differ = c["plain_path"], c["differ"]
        print(f"{name}: {c['paragraphs']} paragraphs ({plain} on the plain path), {differ} differ")
    print(f"total: {total}; split_sentences seconds {result['split_sentences_seconds']}")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
