"""Alignment accuracy on an annotated set built from the MQM dev data, and alignment speed.

Gold: records of one (doc, system) are parallel segment by segment across ``mt``, ``ref`` and
``alt_mt``. Each side is joined into one article, segmented with mtcheck.segment, and every
sentence is mapped to the segment(s) it covers. Segments that a sentence spans are merged into one
gold block. A block with exactly one sentence on each side is a strict 1-1 gold pair; inside larger
blocks the sentence pairing is unknown, so those are scored only at block level.

Metrics:
- strict pair precision/recall/F1: over predicted pairs that touch a strict block's sentence, a hit
  is a predicted pair equal to the gold 1-1 pair.
- block precision: share of all predicted pairs whose sentences all lie in one gold block (an
  unaligned sentence counts as a miss: every gold block has both sides).

Settings: ``para`` (one paragraph per segment on both sides), ``flat`` (segments joined with spaces,
a paragraph every 3 segments), ``noparas`` (MT in paragraphs of 3, re-translation as one paragraph).
References: the human ``ref`` and ``alt_mt`` (another system's output).

Run: .venv/bin/python benchmarks/align_accuracy.py  (writes benchmarks/results/align_accuracy.json)
     .venv/bin/python benchmarks/align_accuracy.py --embeddings on|off|both
       (sentence embeddings from the ``embeddings`` extra; ``both`` writes align_accuracy_embeddings.json
       with every setting run each way, the F1 difference and the time cost)
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from mtcheck.align import align_sentences
from mtcheck.segment import segment

DATA = Path("/work/shared/data/mqm_dev.jsonl")
OUT = Path(__file__).resolve().parent / "results" / "align_accuracy.json"
OUT_BOTH = OUT.with_name("align_accuracy_embeddings.json")


@lru_cache(maxsize=3)
def encoder_for(mode: str):
    """The sentence encoder a run with ``embeddings = mode`` aligns with (None: chrF alone), loaded once."""
    from mtcheck.models import ModelRegistry
    from mtcheck.settings import ModelSettings

    return ModelRegistry(ModelSettings(embeddings=mode)).sentence_encoder()


def load_articles(path: Path = DATA) -> list[list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            groups[(rec["doc"], rec["system"])].append(rec)
    return [sorted(g, key=lambda r: r["doc_seg_id"]) for _, g in sorted(groups.items())]


def join(segments: list[str], per_paragraph: int | None) -> tuple[str, list[tuple[int, int]]]:
    """The article text and each segment's (start, end); ``None``: all in one paragraph."""
    parts: list[str] = []
    spans = []
    pos = 0
    for k, seg in enumerate(segments):
        seg = " ".join(seg.split())
        if k:
            sep = "\n\n" if per_paragraph and k % per_paragraph == 0 else " "
            parts.append(sep)
            pos += len(sep)
        spans.append((pos, pos + len(seg)))
        parts.append(seg)
        pos += len(seg)
    return "".join(parts), spans


def sentence_segments(text: str, spans: list[tuple[int, int]]) -> list[set[int]]:
    doc = segment(text)
    out = []
    for sent in doc.sentences:
        out.append({k for k, (s, e) in enumerate(spans) if s < sent.end and sent.start < e})
    return out, doc


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def evaluate(
    mt_segs: list[str], ref_segs: list[str], mt_pp: int | None, ref_pp: int | None, embeddings: str = "off"
) -> dict:
    mt_text, mt_spans = join(mt_segs, mt_pp)
    ref_text, ref_spans = join(ref_segs, ref_pp)
    mt_map, mt_doc = sentence_segments(mt_text, mt_spans)
    ref_map, ref_doc = sentence_segments(ref_text, ref_spans)
    uf = _Union(len(mt_segs))
    for segs in [*mt_map, *ref_map]:
        first = min(segs)
        for k in segs:
            uf.union(first, k)
    mt_block = [uf.find(min(s)) for s in mt_map]
    ref_block = [uf.find(min(s)) for s in ref_map]
    count_mt: dict[int, int] = defaultdict(int)
    count_ref: dict[int, int] = defaultdict(int)
    for b in mt_block:
        count_mt[b] += 1
    for b in ref_block:
        count_ref[b] += 1
    strict = {b for b in count_mt if count_mt[b] == 1 and count_ref.get(b) == 1}
    gold = {(mt_block.index(b), ref_block.index(b)) for b in strict}

    started = time.perf_counter()
    pairs = align_sentences(mt_doc, ref_doc, encoder=encoder_for(embeddings))
    seconds = time.perf_counter() - started

    tp = considered = block_ok = 0
    for mt_ids, ref_ids, _ in pairs:
        blocks = {mt_block[i] for i in mt_ids} | {ref_block[j] for j in ref_ids}
        if mt_ids and ref_ids and len(blocks) == 1:
            block_ok += 1
        if blocks & strict:
            considered += 1
            if len(mt_ids) == 1 and len(ref_ids) == 1 and (mt_ids[0], ref_ids[0]) in gold:
                tp += 1
    return {
        "tp": tp, "predicted": considered, "gold": len(gold), "pairs": len(pairs), "block_ok": block_ok,
        "mt_sentences": len(mt_doc.sentences), "ref_sentences": len(ref_doc.sentences), "seconds": seconds,
    }  # fmt: skip


def prf(tp: int, predicted: int, gold: int) -> dict:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


SETTINGS = {"para": (1, 1), "flat": (3, 3), "noparas": (3, None)}


def speed(articles: list[list[dict]], target: int = 200, repeats: int = 5, embeddings: str = "off") -> dict:
    """Seconds to align a ~200-sentence article (several MQM articles joined) with its reference."""
    mt_segs: list[str] = []
    ref_segs: list[str] = []
    for recs in articles:
        mt_segs += [r["mt"] for r in recs]
        ref_segs += [r["ref"] for r in recs]
        mt_doc = segment("\n\n".join(mt_segs))
        if len(mt_doc.sentences) >= target:
            break
    ref_doc = segment("\n\n".join(ref_segs))
    from mtcheck.align import align_documents

    times_dp, times_full, times_ter = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        align_sentences(mt_doc, ref_doc, encoder=encoder_for(embeddings))
        times_dp.append(time.perf_counter() - t)
        t = time.perf_counter()
        align_documents(mt_doc, ref_doc, encoder=encoder_for(embeddings))
        times_full.append(time.perf_counter() - t)
        t = time.perf_counter()
        align_documents(mt_doc, ref_doc, ter=True, encoder=encoder_for(embeddings))
        times_ter.append(time.perf_counter() - t)
    return {
        "mt_sentences": len(mt_doc.sentences), "ref_sentences": len(ref_doc.sentences),
        "align_sentences_s_median": round(statistics.median(times_dp), 4),
        "align_documents_s_median": round(statistics.median(times_full), 4),
        "align_documents_with_pair_ter_s_median": round(statistics.median(times_ter), 4),
        "load_average_1min": round(__import__("os").getloadavg()[0], 2),
        "note": "align_documents adds sacrebleu chrF/BLEU per pair (and TER with ter=True); CPU, one process",
    }  # fmt: skip


def run(articles: list[list[dict]], embeddings: str) -> dict:
    results: dict = {"articles": len(articles), "embeddings": embeddings, "settings": {}}
    for ref_key in ("ref", "alt_mt"):
        for name, (mt_pp, ref_pp) in SETTINGS.items():
            totals = defaultdict(float)
            for recs in articles:
                mt = [r["mt"] for r in recs]
                ref = [r["ref"] if ref_key == "ref" else r["alt_mt"]["mt"] for r in recs]
                res = evaluate(mt, ref, mt_pp, ref_pp, embeddings)
                for k, v in res.items():
                    totals[k] += v
            entry = prf(int(totals["tp"]), int(totals["predicted"]), int(totals["gold"]))
            entry.update(
                gold_pairs=int(totals["gold"]), predicted_pairs=int(totals["predicted"]),
                block_precision=round(totals["block_ok"] / totals["pairs"], 4),
                mt_sentences=int(totals["mt_sentences"]), ref_sentences=int(totals["ref_sentences"]),
                align_seconds_total=round(totals["seconds"], 3),
            )  # fmt: skip
            results["settings"][f"{ref_key}/{name}"] = entry
    results["speed_200_sentences"] = speed(articles, embeddings=embeddings)
    return results


def main(embeddings: str = "off") -> dict:
    """One run (``on``/``off``: align_accuracy.json keeps the chrF-only run), or ``both``."""
    articles = load_articles()
    if embeddings != "both":
        results = run(articles, embeddings)
        out = OUT if embeddings == "off" else OUT_BOTH.with_name("align_accuracy_embeddings_on.json")
    else:
        # Load the model once before timing anything: the timings are of alignment, not loading.
        encoder_for("on")
        off, on = run(articles, "off"), run(articles, "on")
        compare = {
            name: {
                "f1_off": off["settings"][name]["f1"], "f1_on": on["settings"][name]["f1"],
                "f1_change": round(on["settings"][name]["f1"] - off["settings"][name]["f1"], 4),
                "seconds_off": off["settings"][name]["align_seconds_total"],
                "seconds_on": on["settings"][name]["align_seconds_total"],
            }
            for name in off["settings"]
        }  # fmt: skip
        results = {"compare": compare, "off": off, "on": on}
        out = OUT_BOTH
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", choices=("off", "on", "both"), default="off")
    json.dump(main(parser.parse_args().embeddings), sys.stdout, indent=2)
    sys.stdout.write("\n")
