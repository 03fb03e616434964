"""Choose MT901/MT902's sentence-fluency threshold from data, by leave-one-document-out CV.

The threshold is a Neyman-Pearson choice: the highest threshold (most detections) whose false
alarms on human-written English stay within half the budget of issue 12 (0.5 findings per 1,000 words,
each flagged sentence counting its MT901 finding and its MT902 finding when that fires). Human text:
the clean corpus (tests/data/clean, 7 documents) and the human references of mqm_dev.jsonl (6
documents); sentences of the references confirmed by hand as real errors (benchmarks/clean_text.py
``CONFIRMED``) are hits, not false alarms. Each of the 13 human documents is held out in turn: the
threshold is chosen on the other 12 and the held-out document's false alarms are counted; the pooled
held-out rate is reported. The shipped threshold is the one chosen on all 13.

What the chosen threshold detects on MT is reported beside it (held-out per source document of
mqm_dev.jsonl, as below). The section below describes that MT-side evaluation.

Data: /work/shared/data/mqm_dev.jsonl (6 source documents x 10 MT systems = 60 articles), each
article segmented and scored exactly as `mtcheck check` does (benchmarks/_mqm.py), surprisals from
the shipped fluency model (cached under $MTCHECK_HOME/cache, shared with fluency_mqm.py).

Unit: an MT sentence. MT901 "fires" on it when the rule's own test (`rules.fluency._disfluent`,
no re-translation) holds at threshold t. Gold: a rater marked a Major Fluency/* or Style/* error
overlapping the sentence (the fluency score's meaning: the chance of no major fluency error); the
looser "any severity" label is reported too.

For each held-out source document, t is chosen on the other five (all ten systems of each) to
maximise F0.5 (precision weighted: an editor stops reading a tool that cries wolf), then applied to
the held-out document; the pooled held-out precision, recall and F0.5 are reported. The threshold
that ships is the one the same criterion picks on all six documents; the per-fold choices show how
stable it is. As a check that touches no fitting, the human references' sentences flagged at each
threshold are reported per 1,000 words (false alarms: the references are edited human text).

Annotation fields are read only as labels, never as inputs.

Usage: MTCHECK_HOME=... python benchmarks/fluency_threshold.py [--threads 1]
Writes results/fluency_threshold.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _mqm import FLUENCY_CATS, cached_surprisals, error_spans, load_articles
from clean_text import CONFIRMED, clean_articles, mqm_references

from mtcheck import fluency
from mtcheck.backends import store
from mtcheck.rules.fluency import _disfluent, _worst_run
from mtcheck.segment import segment

RESULTS = Path(__file__).resolve().parent / "results" / "fluency_threshold.json"
GRID = [float(t) for t in range(20, 96, 2)]
BETA = 0.5
NP_GRID = [t / 2 for t in range(100, 191)]  # 50.0 .. 95.0
BUDGET = 0.5  # findings per 1,000 words of human text (issue 12)
# The threshold is chosen to spend only this fraction of the budget on the training documents: with
# a whole budget the held-out rate came out at 0.83 per 1,000 words (one flagged sentence is two
# findings, and 13 documents pin the rate down poorly); with half it stays within the budget held out.
MARGIN = 0.5


def _scores(doc, surps, model: str) -> list[tuple[int, int, float, int, bool]]:
    """(start, end, lowest threshold at which MT901 fires, words, MT902 fires too) per sentence.

    `_disfluent` is monotone in the threshold (both gates are "score < t"), so the firing threshold
    is the larger of the sentence score and the judged-words score; above it the rule fires.
    """
    result = fluency.score_document(doc, [surps[s.text] for s in doc.sentences], model)
    ctx = SimpleNamespace(doc=doc)
    out = []
    for sf in result.sentences:
        sent = doc.sentences[sf.index]
        lo, hi = 0.0, 101.0
        # bisection on the rule itself, so the benchmark cannot drift from the shipped test
        for _ in range(30):
            mid = (lo + hi) / 2
            if _disfluent(ctx, sf, mid) is None:
                lo = mid
            else:
                hi = mid
        words = fluency.sentence_words(doc, sf)
        judged = _disfluent(ctx, sf, 101.0) or []
        out.append((sent.start, sent.end, hi, len(words), bool(_worst_run(judged, fluency.WORD_EXCESS))))
    return out


def _f(tp: int, fp: int, fn: int, beta: float = BETA) -> float:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0


def _counts(rows: list[dict], t: float, label: str) -> tuple[int, int, int]:
    tp = sum(1 for r in rows if r["fires_below"] < t and r[label])
    fp = sum(1 for r in rows if r["fires_below"] < t and not r[label])
    fn = sum(1 for r in rows if r["fires_below"] >= t and r[label])
    return tp, fp, fn


def _best(rows: list[dict], label: str) -> float:
    # ties go to the lower threshold: fewer findings for the same training score
    return max(GRID, key=lambda t: (_f(*_counts(rows, t, label)), -t))


def _human_sentences(scorer, threads: int) -> list[dict]:
    """Every sentence of the human-written documents, with its firing threshold and cost."""
    confirmed = {(d, text) for d, code, text in CONFIRMED if code == "MT901"}
    out = []
    for art in [*clean_articles(), *mqm_references()]:
        doc = segment(art.text, art.id)
        toks = scorer.surprisals([s.text for s in doc.sentences])
        surps = {s.text: t for s, t in zip(doc.sentences, toks, strict=True)}
        n_words = len(art.text.split())
        for start, end, fires_below, _n, mt902 in _scores(doc, surps, scorer.name):
            out.append(
                {
                    "doc": art.id,
                    "doc_words": n_words,
                    "fires_below": fires_below,
                    "findings": 1 + int(mt902),
                    "confirmed_error": (art.id, art.text[start:end]) in confirmed,
                    "text": art.text[start:end][:100],
                }
            )
    return out


def _false_alarms(rows: list[dict], t: float) -> int:
    return sum(r["findings"] for r in rows if r["fires_below"] < t and not r["confirmed_error"])


def _np_threshold(rows: list[dict], margin: float = MARGIN) -> float:
    words = sum({r["doc"]: r["doc_words"] for r in rows}.values())
    ok = [t for t in NP_GRID if 1000 * _false_alarms(rows, t) / words <= margin * BUDGET]
    return max(ok) if ok else NP_GRID[0]


def _held_out(rows: list[dict], margin: float) -> dict:
    """Pooled held-out false alarms when the training documents may spend ``margin`` of the budget."""
    docs = sorted({r["doc"] for r in rows})
    fa = sum(
        _false_alarms(
            [r for r in rows if r["doc"] == d], _np_threshold([r for r in rows if r["doc"] != d], margin)
        )
        for d in docs
    )
    words = sum({r["doc"]: r["doc_words"] for r in rows}.values())
    return {
        "margin": margin,
        "false_alarms": fa,
        "per_1000_words": round(1000 * fa / words, 3),
        "threshold_all_documents": _np_threshold(rows, margin),
    }


def _neyman_pearson(rows: list[dict]) -> dict:
    docs = sorted({r["doc"] for r in rows})
    folds, fa, words = [], 0, 0
    for d in docs:
        t = _np_threshold([r for r in rows if r["doc"] != d])
        test = [r for r in rows if r["doc"] == d]
        n = test[0]["doc_words"]
        fa += _false_alarms(test, t)
        words += n
        folds.append(
            {"held_out": d, "threshold": t, "false_alarm_findings": _false_alarms(test, t), "words": n}
        )
    full = _np_threshold(rows)
    return {
        "documents": len(docs),
        "words": words,
        "budget_per_1000_words": BUDGET,
        "margin": MARGIN,
        "held_out_with_whole_budget": _held_out(rows, 1.0),
        "held_out_false_alarms": fa,
        "held_out_false_alarms_per_1000_words": round(1000 * fa / words, 3),
        "folds": folds,
        "threshold_all_documents": full,
        "flagged_at_shipped_threshold": [
            {k: r[k] for k in ("doc", "fires_below", "confirmed_error", "text")}
            for r in rows
            if r["fires_below"] < full
        ],
    }


def _np_on_mt(rows: list[dict], np_out: dict) -> dict:
    """MT901 on the MT of each source document at the threshold of every human fold (for context)."""
    ts = sorted({f["threshold"] for f in np_out["folds"]})
    return {
        str(t): {
            label: dict(zip(("tp", "fp", "fn"), _counts(rows, t, label), strict=True))
            for label in ("major", "any")
        }
        for t in ts
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    from mtcheck.backends.causal_lm import CausalLMScorer

    arts = load_articles()
    texts = [s.text for a in arts for s in (*a.doc.sentences, *a.ref.sentences)]
    scorer = CausalLMScorer.load(args.model, threads=args.threads)
    surps = cached_surprisals(scorer, texts, store.home() / "cache" / "mqm_surprisals.json")

    rows: list[dict] = []
    for art in arts:
        spans = [
            (a, b, e)
            for a, b, e in error_spans(art.records, art.seg_starts, trim=True)
            if e["category"].startswith(FLUENCY_CATS)
        ]
        source_doc = art.id.split("/")[0]
        for start, end, fires_below, *_rest in _scores(art.doc, surps, scorer.name):
            hits = [e for a, b, e in spans if a < end and start < b]
            rows.append(
                {
                    "doc": source_doc,
                    "fires_below": fires_below,
                    "major": any(e["severity"] == "Major" for e in hits),
                    "any": bool(hits),
                }
            )

    human = _human_sentences(scorer, args.threads)
    np_out = _neyman_pearson(human)
    out: dict = {"shipped_threshold": np_out["threshold_all_documents"], "human_text": np_out}
    out["mt_detection_at_shipped_threshold"] = {
        label: dict(
            zip(("tp", "fp", "fn"), _counts(rows, np_out["threshold_all_documents"], label), strict=True)
        )
        for label in ("major", "any")
    }
    out["mt_detection_held_out"] = _np_on_mt(rows, np_out)
    docs = sorted({r["doc"] for r in rows})
    out["f_beta_alternative"] = f_out = {
        "sentences": len(rows),
        "documents": len(docs),
        "criterion": f"F{BETA} in training folds",
    }
    for label in ("major", "any"):
        folds, tp = [], [0, 0, 0]
        for d in docs:
            train = [r for r in rows if r["doc"] != d]
            test = [r for r in rows if r["doc"] == d]
            t = _best(train, label)
            c = _counts(test, t, label)
            tp = [x + y for x, y in zip(tp, c, strict=True)]
            folds.append({"held_out": d, "threshold": t, "tp": c[0], "fp": c[1], "fn": c[2]})
        p = tp[0] / (tp[0] + tp[1]) if tp[0] + tp[1] else None
        r = tp[0] / (tp[0] + tp[2]) if tp[0] + tp[2] else None
        base = sum(1 for x in rows if x[label]) / len(rows)
        full = _best(rows, label)
        f_out[label] = {
            "base_rate": round(base, 3),
            "held_out": {
                "precision": p and round(p, 3),
                "recall": r and round(r, 3),
                "f0.5": round(_f(*tp), 3),
                "flagged": tp[0] + tp[1],
            },
            "folds": folds,
            "threshold_all_documents": full,
        }
    previous = {"threshold": 80.0, **dict(zip(("tp", "fp", "fn"), _counts(rows, 80.0, "major"), strict=True))}
    out["previous_threshold_80_in_sample"] = previous
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
