"""Measure mtcheck against expert MQM error spans (../shared/data/mqm_dev.jsonl, zh->en).

Follows the data README: 60 articles (doc x system) joined one segment per paragraph, the human
reference joined the same way as the re-translation. Reports, against the union of raters' spans and
against spans marked by >= 2 raters:
- finding precision (share of findings touching a marked error), span recall (share of gold spans
  touched), character P/R/F1 on non-space characters, word-level MCC;
- per rule: findings and precision;
- Kendall tau-b of document quality vs -MQM (over all articles and per document across systems),
  and of sentence quality mapped to segments vs -MQM (with chrF and length baselines).

Usage: python benchmarks/mqm_eval.py [--data PATH] [--reference] [--fluency] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _mqm import error_spans, grouped_records, join  # noqa: E402

from mtcheck.config import Config  # noqa: E402
from mtcheck.pipeline import Checker  # noqa: E402
from mtcheck.readers import Article  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mqm_dev.jsonl"


def load_articles(path: Path) -> list[dict]:
    articles = []
    for doc, system, recs in grouped_records(path):
        mt, starts = join([r["mt"] for r in recs])
        ref, _ = join([r["ref"] for r in recs])
        segments = [
            {"start": start, "end": start + len(rec["mt"]), "rec": rec}
            for rec, start in zip(recs, starts, strict=True)
        ]
        gold = [
            {
                "start": start,
                "end": end,
                "category": err["category"],
                "rater": err["rater"],
                "severity": err["severity"],
            }
            for start, end, err in error_spans(recs, starts)
        ]
        articles.append(
            {
                "id": f"{doc}/{system}",
                "doc": doc,
                "system": system,
                "mt": mt,
                "ref": ref,
                "segments": segments,
                "gold": gold,
                "mqm": sum(r["mqm_score"] for r in recs) / len(recs),
            }
        )
    return articles


def gold_spans(article: dict, min_raters: int) -> list[tuple[int, int, str]]:
    """Gold spans, merged per identical (start, end) and kept if enough raters marked them."""
    if min_raters <= 1:
        return [(g["start"], g["end"], g["category"]) for g in article["gold"]]
    # Character-level agreement: a character counts if >= min_raters raters covered it.
    cover: dict[int, set[str]] = defaultdict(set)
    for g in article["gold"]:
        for i in range(g["start"], g["end"]):
            cover[i].add(g["rater"])
    chars = sorted(i for i, raters in cover.items() if len(raters) >= min_raters)
    spans, start, prev = [], None, None
    for i in chars:
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            spans.append((start, prev + 1, "agreed"))
            start = prev = i
    if start is not None:
        spans.append((start, prev + 1, "agreed"))
    return spans


def nonspace(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if not text[i].isspace()}


def mcc(tp: int, fp: int, fn: int, tn: int) -> float:
    denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / denom if denom else 0.0


def kendall_tau_b(x: list[float], y: list[float]) -> float:
    n = len(x)
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denom = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return (concordant - discordant) / denom if denom else 0.0


def span_metrics(articles: list[dict], reports: dict, min_raters: int) -> dict:
    flagged_gold = flagged = gold_total = 0
    findings = hits = gold_count = gold_found = 0
    tp = fp = fn = tn = 0
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for art in articles:
        text = art["mt"]
        gold = gold_spans(art, min_raters)
        gold_chars = set().union(*(nonspace(text, s, e) for s, e, _ in gold)) if gold else set()
        found = reports[art["id"]]["findings"]
        found_chars = set().union(*(nonspace(text, f["start"], f["end"]) for f in found)) if found else set()
        flagged_gold += len(gold_chars & found_chars)
        flagged += len(found_chars)
        gold_total += len(gold_chars)
        for f in found:
            hit = any(f["start"] < e and s < f["end"] for s, e, _ in gold)
            findings += 1
            hits += hit
            per_rule[f["code"]][0] += 1
            per_rule[f["code"]][1] += hit
        for s, e, _ in gold:
            gold_count += 1
            gold_found += any(f["start"] < e and s < f["end"] for f in found)
        for m in re.finditer(r"\S+", text):
            bad = any(m.start() < e and s < m.end() for s, e, _ in gold)
            pred = any(m.start() < f["end"] and f["start"] < m.end() for f in found)
            tp += bad and pred
            fp += pred and not bad
            fn += bad and not pred
            tn += not bad and not pred
    p = flagged_gold / flagged if flagged else 0.0
    r = flagged_gold / gold_total if gold_total else 0.0
    return {
        "findings": findings,
        "finding_precision": round(hits / findings, 3) if findings else None,
        "span_recall": round(gold_found / gold_count, 3) if gold_count else None,
        "char_precision": round(p, 3),
        "char_recall": round(r, 3),
        "char_f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "word_mcc": round(mcc(tp, fp, fn, tn), 3),
        "per_rule": {
            code: {"findings": n, "precision": round(h / n, 3)} for code, (n, h) in sorted(per_rule.items())
        },
    }


def score_metrics(articles: list[dict], reports: dict) -> dict:
    import sacrebleu

    doc_q = [reports[a["id"]]["scores"]["quality"] for a in articles]
    doc_m = [-a["mqm"] for a in articles]
    per_doc = []
    for doc in sorted({a["doc"] for a in articles}):
        idx = [i for i, a in enumerate(articles) if a["doc"] == doc]
        per_doc.append(kendall_tau_b([doc_q[i] for i in idx], [doc_m[i] for i in idx]))
    seg_q, seg_m, seg_chrf, seg_len = [], [], [], []
    for art in articles:
        rep = reports[art["id"]]
        sent_q = {s["index"]: s["quality"] for s in rep["sentence_scores"]}
        for seg in art["segments"]:
            overlapping = [
                (s["end"] - s["start"], sent_q[s["index"]])
                for s in rep["sentences"]
                if s["start"] < seg["end"] and seg["start"] < s["end"]
            ]
            if not overlapping:
                continue
            total = sum(w for w, _ in overlapping)
            seg_q.append(sum(w * q for w, q in overlapping) / total)
            seg_m.append(-seg["rec"]["mqm_score"])
            seg_chrf.append(sacrebleu.sentence_chrf(seg["rec"]["mt"], [seg["rec"]["ref"]]).score)
            seg_len.append(-len(seg["rec"]["mt"]))
    return {
        "doc_kendall_tau_b_all": round(kendall_tau_b(doc_q, doc_m), 3),
        "doc_kendall_tau_b_within_doc_mean": round(sum(per_doc) / len(per_doc), 3),
        "segment_kendall_tau_b": round(kendall_tau_b(seg_q, seg_m), 3),
        "segment_baseline_chrf": round(kendall_tau_b(seg_chrf, seg_m), 3),
        "segment_baseline_length": round(kendall_tau_b(seg_len, seg_m), 3),
        "segments": len(seg_q),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reference", action="store_true", help="use the human reference as re-translation")
    parser.add_argument("--fluency", action="store_true", help="score fluency with the embedded LM")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    articles = load_articles(args.data)
    config = Config(fluency=args.fluency, fail_on="never")
    batch = [
        Article(id=a["id"], text=a["mt"], reference=a["ref"] if args.reference else None, src_lang="zh")
        for a in articles
    ]
    started = time.perf_counter()
    report = Checker(config).run(batch).to_json()
    elapsed = time.perf_counter() - started
    reports = {d["id"]: d for d in report["documents"]}
    result = {
        "setting": {"reference": args.reference, "fluency": args.fluency, "articles": len(articles)},
        "signature": report["signature"],
        "seconds": round(elapsed, 1),
        "spans_any_rater": span_metrics(articles, reports, 1),
        "spans_2_of_3_raters": span_metrics(articles, reports, 2),
        "scores": score_metrics(articles, reports),
    }
    name = "mqm_eval" + ("_ref" if args.reference else "") + ("_fluency" if args.fluency else "") + ".json"
    out = args.out or ROOT / "benchmarks" / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
