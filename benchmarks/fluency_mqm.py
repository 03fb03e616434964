"""How well sentence fluency separates MQM segments with fluency errors from clean ones.

Data: /work/shared/data/mqm_dev.jsonl (600 zh->en news segments, 60 articles = 6 documents x 10 MT
systems, 3 MQM raters each). Each article is joined one segment per paragraph, segmented and scored
exactly as `mtcheck check` does; each sentence's words are mapped back to its segment by offset.

Reports
- ROC AUC of segment fluency (higher = cleaner) for segments with no Fluency/* or Style/* error vs
  segments with one (any severity; and Major only), overall and within length buckets (length alone
  separates them, so buckets show what fluency adds);
- Kendall tau-b of document fluency and of document quality vs -mean mqm_score over the 60 articles;
- with --fit: refits the calibration constants of mtcheck/fluency.py (printed, to paste there).

With --precisions fp32,int8 (any of mtcheck.backends.causal_lm.PRECISIONS) the same numbers are
computed for each LM precision and written side by side to results/fluency_precision.json, with each
precision's difference from fp32 (lm-precision's default must stay within 0.01 of fp32 on the fluency
AUCs and the document-quality tau).

``--runtime ctranslate2`` scores with the CTranslate2 runtime (the default runtime of a check on CPU;
its int8 is CTranslate2's int8_float32: int8 weights and activations in the matrix products) instead
of torch; results then go to results/fluency_precision_ct2.json.

Usage: MTCHECK_HOME=... python benchmarks/fluency_mqm.py [--threads 1] [--fit] [--precisions fp32,int8]
       [--runtime torch|ctranslate2]
Surprisals are cached under $MTCHECK_HOME/cache (keyed by model name and precision) so a rerun (or
--fit) costs seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _mqm import DATA as DATA_PATH
from _mqm import Article, cached_surprisals, load_articles, segment_of

from mtcheck import fluency
from mtcheck.backends import store

RESULTS = Path(__file__).resolve().parent / "results" / "fluency_mqm.json"
PRECISION_RESULTS = RESULTS.with_name("fluency_precision.json")
# What must stay within TOLERANCE of fp32 for a precision to be eligible as the default.
GATED = ("auc_flu_any", "auc_flu_major", "kendall_doc_quality_with_fluency")
TOLERANCE = 0.01


def roc_auc(scores: list[float], positive: list[bool]) -> float:
    """P(score of a positive > score of a negative), ties counted half (Mann-Whitney U)."""
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def kendall_tau_b(x: list[float], y: list[float]) -> float:
    conc = disc = tx = ty = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                tx += 1
            elif dy == 0:
                ty += 1
            elif (dx > 0) == (dy > 0):
                conc += 1
            else:
                disc += 1
    denom = math.sqrt((conc + disc + tx) * (conc + disc + ty))
    return (conc - disc) / denom if denom else float("nan")


def fit_logistic(features: np.ndarray, labels: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Newton-Raphson logistic regression; returns [intercept, weights...]."""
    x = np.hstack([np.ones((len(features), 1)), features])
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (labels - p) - l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w += step
        if np.abs(step).max() < 1e-8:
            break
    return w


def segment_rows(arts: list[Article], surps: dict) -> list[dict]:
    """One row per MQM segment: its words' SLOR, the reference segment's SLOR, labels, length."""
    rows = []
    for art in arts:
        words: list[list] = [[] for _ in art.records]
        ref_words: list[list] = [[] for _ in art.records]
        for sents, starts, bucket in (
            (art.doc.sentences, art.seg_starts, words),
            (art.ref.sentences, art.ref_starts, ref_words),
        ):
            for s in sents:
                ws = fluency.word_surprisals(s.text, surps[s.text], s.start)
                bucket[segment_of(starts, s.start)].extend(ws)
        for rec, ws, rws in zip(art.records, words, ref_words, strict=True):
            flu = [e for e in rec["errors"] if e["category"].startswith(("Fluency/", "Style/"))]
            rows.append(
                {
                    "article": art.id,
                    "mqm": rec["mqm_score"],
                    "n_words": len(ws),
                    "slor": fluency.slor(ws),
                    "feature": fluency.feature(ws),
                    "ref_feature": fluency.feature(rws) if rws else None,
                    "mean_lm": sum(w.lm for w in ws) / max(1, len(ws)),
                    "flu_any": bool(flu),
                    "flu_major": any(e["severity"] == "Major" for e in flu),
                }
            )
    return rows


def word_rows(arts: list[Article], surps: dict) -> tuple[list[float], list[bool]]:
    """Every MT word's excess surprisal and whether a rater put it inside a Fluency/Style span."""
    excess, bad = [], []
    for art in arts:
        spans = []
        for rec, start in zip(art.records, art.seg_starts, strict=True):
            spans += [
                (start + e["start"], start + e["end"])
                for e in rec["errors"]
                if e["category"].startswith(("Fluency/", "Style/")) and e["severity"] == "Major"
            ]
        for s in art.doc.sentences:
            for w in fluency.word_surprisals(s.text, surps[s.text], s.start):
                excess.append(w.excess)
                bad.append(any(a < w.end and w.start < b for a, b in spans))
    return excess, bad


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--precision", default="fp32", help="LM precision for the single run")
    ap.add_argument("--precisions", default=None, help="comma-separated: compare these with fp32")
    ap.add_argument("--runtime", default="torch", choices=("torch", "ctranslate2"))
    args = ap.parse_args()
    global RUNTIME
    RUNTIME = args.runtime
    if args.precisions:
        compare_precisions(args)
        return
    out = run(args.model, args.threads, args.precision, args.fit)
    out.pop("_sentence_scores")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))


def compare_precisions(args: argparse.Namespace) -> None:
    """The gated numbers for each precision, their differences from fp32, and which pass."""
    names = ["fp32", *[p for p in args.precisions.split(",") if p and p != "fp32"]]
    runs = {p: run(args.model, args.threads, p, False) for p in names}
    out: dict = {"data": str(DATA_PATH), "runtime": RUNTIME, "tolerance": TOLERANCE, "precisions": {}}
    for p, r in runs.items():
        entry = {
            "model": r["model"],
            "scoring_seconds_uncached": r["scoring_seconds_uncached"],
            "auc_flu_any": r["auc_flu_any"]["fluency"]["auc"],
            "auc_flu_major": r["auc_flu_major"]["fluency"]["auc"],
            "kendall_doc_fluency": r["kendall_doc_fluency"],
            "kendall_doc_quality_with_fluency": r["kendall_doc_quality_with_fluency"],
        }
        entry["diff_from_fp32"] = {k: round(entry[k] - runs_entry(runs["fp32"], k), 4) for k in GATED}
        entry["within_tolerance"] = all(abs(v) <= TOLERANCE for v in entry["diff_from_fp32"].values())
        out["precisions"][p] = entry
    out["max_abs_token_surprisal_diff_from_fp32"] = {
        p: round(r["_token_diff"], 4) for p, r in runs.items() if "_token_diff" in r
    }
    # The other criteria, on every MT sentence of the set: sentence fluency scores within 0.5
    # points of fp32, and how many sentences cross MT901's threshold (the only findings allowed to change).
    from mtcheck.rules.fluency import THRESHOLD

    base = runs["fp32"]["_sentence_scores"]
    for p, r in runs.items():
        if p == "fp32":
            continue
        deltas = [abs(a - b) for a, b in zip(r["_sentence_scores"], base, strict=True)]
        out["precisions"][p]["sentences"] = len(deltas)
        out["precisions"][p]["sentence_fluency_max_abs_diff"] = round(max(deltas), 3)
        out["precisions"][p]["sentence_fluency_mean_abs_diff"] = round(sum(deltas) / len(deltas), 4)
        out["precisions"][p]["sentences_over_0_5_points"] = sum(d > 0.5 for d in deltas)
        out["precisions"][p][f"sentences_crossing_mt901_threshold_{THRESHOLD}"] = sum(
            (a < THRESHOLD) != (b < THRESHOLD) for a, b in zip(r["_sentence_scores"], base, strict=True)
        )
    ct2_results = PRECISION_RESULTS.with_name("fluency_precision_ct2.json")
    target = PRECISION_RESULTS if RUNTIME == "torch" else ct2_results
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))


def runs_entry(r: dict, key: str) -> float:
    return r[key] if key.startswith("kendall") else r[key]["fluency"]["auc"]


_FP32_SURPS: dict = {}
RUNTIME = "torch"  # --runtime


def run(model: str | None, threads: int, precision: str, fit: bool) -> dict:
    """Every number of this benchmark for one LM precision."""
    from mtcheck.backends.causal_lm import CausalLMScorer
    from mtcheck.backends.ct2_lm import CT2Scorer

    arts = load_articles()
    texts = [s.text for a in arts for s in (*a.doc.sentences, *a.ref.sentences)]
    runtime = CT2Scorer if RUNTIME == "ctranslate2" else CausalLMScorer
    scorer = runtime.load(model, device="cpu", threads=threads, precision=precision)
    started = time.perf_counter()
    surps = cached_surprisals(scorer, texts, store.home() / "cache" / "mqm_surprisals.json")
    scoring_s = time.perf_counter() - started
    rows = segment_rows(arts, surps)
    if precision == "fp32":
        _FP32_SURPS.update(surps)
    token_diff = None
    if precision != "fp32" and _FP32_SURPS:
        token_diff = max(
            abs(a[2] - b[2]) for t in texts for a, b in zip(surps[t], _FP32_SURPS[t], strict=True)
        )

    if fit:
        x = np.array([[r["feature"]] for r in rows])
        y = np.array([0.0 if r["flu_major"] else 1.0 for r in rows])
        w1 = fit_logistic(x, y)
        print(f"A = {w1[1]:.4f}, B = {-w1[0] / w1[1]:.4f}")
        xr = np.array([[r["feature"], r["feature"] - r["ref_feature"]] for r in rows])
        w2 = fit_logistic(xr, y)
        print(f"weight of (feature - reference feature) relative to feature: {w2[2] / w2[1]:.4f}")
        exc, bad = word_rows(arts, surps)
        for t in (2.0, 3.0, 4.0, 5.0, 6.0, 8.0):
            flagged = [b for e, b in zip(exc, bad, strict=True) if e > t]
            precision = sum(flagged) / max(1, len(flagged))
            print(
                f"WORD_EXCESS {t}: {len(flagged)} words flagged, precision {precision:.3f}"
                f" (base rate {sum(bad) / len(bad):.3f})"
            )

    out: dict = {
        "model": scorer.name,
        "segments": len(rows),
        "articles": len(arts),
        "scoring_seconds_uncached": None if scoring_s < 1 else round(scoring_s, 1),
        "constants": {
            "A": fluency.A,
            "B": fluency.B,
            "TOP_FRACTION": fluency.TOP_FRACTION,
            "TOP_MIN": fluency.TOP_MIN,
            "TOP_WEIGHT": fluency.TOP_WEIGHT,
        },
        "note": "positives = segments with no such error; scores higher = more fluent",
    }
    buckets = [(0, 20), (20, 35), (35, 10_000)]
    for label in ("flu_any", "flu_major"):
        # Positive class: clean (no such error); fluency is higher-is-better.
        pos = [not r[label] for r in rows]
        entry = {"positives_clean": sum(pos), "negatives": len(pos) - sum(pos)}
        for name, scores in (
            ("fluency", [r["feature"] for r in rows]),
            ("slor_only", [r["slor"] for r in rows]),
            ("fluency_minus_reference", [r["feature"] - r["ref_feature"] for r in rows]),
            ("neg_mean_lm_surprisal", [-r["mean_lm"] for r in rows]),
            ("neg_length_words", [-r["n_words"] for r in rows]),
        ):
            entry[name] = {"auc": round(roc_auc(scores, pos), 4)}
            for lo, hi in buckets:
                idx = [i for i, r in enumerate(rows) if lo <= r["n_words"] < hi]
                entry[name][f"auc_words_{lo}_{hi}"] = round(
                    roc_auc([scores[i] for i in idx], [pos[i] for i in idx]), 4
                )
                entry[name][f"n_words_{lo}_{hi}"] = len(idx)
        out[f"auc_{label}"] = entry

    # Document level: word-weighted fluency score, as FluencyResult.score computes it.
    docs: dict[str, dict] = {}
    for r in rows:
        d = docs.setdefault(r["article"], {"mqm": [], "w": [], "s": []})
        d["mqm"].append(r["mqm"])
        d["w"].append(max(1, r["n_words"]))
        d["s"].append(fluency.to_score(r["feature"]))
    neg_mqm = [-sum(d["mqm"]) / len(d["mqm"]) for d in docs.values()]
    wmean = lambda d, k: sum(a * b for a, b in zip(d["w"], d[k], strict=True)) / sum(d["w"])  # noqa: E731
    out["kendall_doc_fluency"] = round(kendall_tau_b([wmean(d, "s") for d in docs.values()], neg_mqm), 4)
    seg_neg_mqm = [-r["mqm"] for r in rows]
    out["kendall_segment_fluency"] = round(kendall_tau_b([r["feature"] for r in rows], seg_neg_mqm), 4)
    out["kendall_segment_neg_length"] = round(kendall_tau_b([-r["n_words"] for r in rows], seg_neg_mqm), 4)
    out.update(document_quality(arts, surps, scorer.name))
    if token_diff is not None:
        out["_token_diff"] = token_diff
    out["_sentence_scores"] = [
        s.score
        for a in arts
        for s in fluency.score_document(a.doc, [surps[x.text] for x in a.doc.sentences], RUNTIME).sentences
    ]
    return out


def document_quality(arts: list[Article], surps: dict, model: str) -> dict:
    """Kendall tau-b of the full report's document quality vs -mean mqm, with and without fluency."""
    from mtcheck.config import Config
    from mtcheck.pipeline import Checker, Prepared
    from mtcheck.readers import Article as Input
    from mtcheck.reporting import document_report

    checker = Checker(Config())
    with_f, without_f, neg_mqm = [], [], []
    for art in arts:
        item = Prepared(Input(art.id, art.doc.text), art.doc)
        base = document_report(checker.judge(item), checker.settings).quality
        item.fluency = fluency.score_document(art.doc, [surps[s.text] for s in art.doc.sentences], model)
        with_f.append(document_report(checker.judge(item), checker.settings).quality)
        without_f.append(base)
        neg_mqm.append(-sum(r["mqm_score"] for r in art.records) / len(art.records))
    return {
        "kendall_doc_quality_rules_only": round(kendall_tau_b(without_f, neg_mqm), 4),
        "kendall_doc_quality_with_fluency": round(kendall_tau_b(with_f, neg_mqm), 4),
    }


if __name__ == "__main__":
    main()
