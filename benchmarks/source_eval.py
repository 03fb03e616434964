"""The source-aware pass (Gemma 3 270M, MT log-prob given the source) on the MQM dev data.

What it measures, on all 600 segments of ../shared/data/mqm_dev.jsonl (60 articles = 6 documents x
10 systems, joined one segment per paragraph, the source joined the same way; mtcheck pairs
paragraphs, so each segment is scored given its own source with the shipped one-shot prompt):

- segment Kendall tau-b against -MQM of the mean log-prob per token, pooled and within source (the
  systems' translations of one source ranked against each other, mean over sources);
- the calibrated quality (logistic on mean log-prob and length, ``mtcheck.source.scores``) held out:
  leave one document out, fitted on the other five; tau, Brier and AUC of "no major error";
- quality as mtcheck reports it with ``--engine none`` (source-aware chance x rules), held out, and
  whether the source-aware chance adds to the quality with a re-translation (``ref`` or ``alt_mt``);
- word level: AUC of each MT word's source-aware log-prob for words inside an expert's span;
- speed: seconds per sentence of the source-aware pass (new scores only; 0 when all were cached).

Inputs never read annotation fields: labels (MQM, spans, severities) are only compared against.
The final fit on all six documents is written to mtcheck/data/source-quality-v1.json (the shipped
calibration); every number reported is held out. Gemma's scores are cached in
$MTCHECK_HOME/cache/source_scores.json, and per-word log-probs for the quality-model features in
$MTCHECK_HOME/cache/source_words.json ({article id: [[start, end, logprob], ...]} over the joined MT,
whitespace words as mtcheck.qe.words counts them).

Usage: OMP_NUM_THREADS=1 nice python benchmarks/source_eval.py [--threads 1] [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
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

from _mqm import DATA, error_spans, grouped_records, join  # noqa: E402
from mqm_eval import kendall_tau_b  # noqa: E402

from mtcheck.backends.store import home  # noqa: E402
from mtcheck.segment import segment  # noqa: E402
from mtcheck.source.prompt import pieces, prompt_for  # noqa: E402
from mtcheck.source.scores import MODEL_FILE, MODEL_VERSION, QualityModel, features  # noqa: E402
from mtcheck.source.stage import score_documents  # noqa: E402

CACHE = home() / "cache" / "source_scores.json"
WORDS_CACHE = home() / "cache" / "source_words.json"


class CachedScorer:
    """The real source-aware scorer behind a disk cache keyed by model, prompt and MT piece."""

    def __init__(self, threads: int, path: Path = CACHE) -> None:
        self.threads = threads
        self.path = path
        self._inner = None
        self.name = "gemma3-270m"
        # Every cache file beside it too (a second scoring process writes its own: --cache).
        self.cache = {}
        for found in sorted(CACHE.parent.glob("source_scores*.json")):
            self.cache.update(json.loads(found.read_text(encoding="utf-8")))
        self.seconds = 0.0
        self.pieces = 0
        self.sentences = 0
        self.tokens = 0

    def _key(self, prompt: str, target: str) -> str:
        return hashlib.sha256(f"{self.name}\0{prompt}\0{target}".encode()).hexdigest()[:24]

    def score(self, prompts, targets, progress=None):
        keys = [self._key(p, t) for p, t in zip(prompts, targets, strict=True)]
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        if todo:
            if self._inner is None:
                from mtcheck.backends.source_lm import SourceAwareScorer

                self._inner = SourceAwareScorer.load(None, "cpu", self.threads)
                self.name = self._inner.name
            started = time.perf_counter()  # after loading: the pass itself, as a check times its stage
            scored = self._inner.score([prompts[i] for i in todo], [targets[i] for i in todo])
            self.seconds += time.perf_counter() - started
            self.pieces += len(todo)
            self.sentences += sum(len(segment(targets[i], "x").sentences) for i in todo)
            self.tokens += sum(len(s) for s in scored)
            for i, s in zip(todo, scored, strict=True):
                self.cache[keys[i]] = s
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.cache), encoding="utf-8")
        return [self.cache[k] for k in keys]


def load(limit: int | None) -> list[dict]:
    arts = []
    for doc, system, recs in grouped_records(DATA)[:limit]:
        mt, starts = join([r["mt"] for r in recs])
        src, _ = join([r["source"] for r in recs])
        aid = f"{doc}/{system}"
        gold = [(s, e, err) for s, e, err in error_spans(recs, starts)]
        arts.append(
            {
                "id": aid,
                "doc": doc,
                "mt": mt,
                "src": src,
                "recs": recs,
                "starts": starts,
                "gold": gold,
                "ref": join([r["ref"] for r in recs])[0],
                "alt": join([r["alt_mt"]["mt"] for r in recs])[0],
            }
        )
    return arts


def fit(x: list[list[float]], y: list[int]) -> QualityModel:
    """Standardised L2 logistic regression (scikit-learn, C=1)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    xa = np.asarray(x, dtype=float)
    mean, scale = xa.mean(0), xa.std(0) + 1e-9
    lr = LogisticRegression(C=1.0).fit((xa - mean) / scale, y)
    return QualityModel(
        MODEL_VERSION,
        ("mean_logprob", "log1p_tokens"),
        tuple(mean.tolist()),
        tuple(scale.tolist()),
        tuple(lr.coef_[0].tolist()),
        float(lr.intercept_[0]),
    )


def auc(scores: list[float], labels: list[int]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def within(values: list[float], mqm: list[float], groups: list[str]) -> float:
    by: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        by[g].append(i)
    taus = [kendall_tau_b([values[i] for i in ix], [mqm[i] for i in ix]) for ix in by.values() if len(ix) > 2]
    taus = [t for t in taus if not math.isnan(t)]
    return sum(taus) / len(taus) if taus else math.nan


def taus(values: list[float], mqm: list[float], groups: list[str]) -> dict:
    return {
        "pooled": round(kendall_tau_b(values, mqm), 3),
        "within_source": round(within(values, mqm, groups), 3),
    }


class CachedFluency:
    """SmolLM2 surprisals of the MT sentences from the fluency benchmarks' cache (benchmarks/_mqm.py)."""

    name = "smollm2-135m"

    def __init__(self) -> None:
        self.cache = json.loads((home() / "cache" / "mqm_surprisals.json").read_text(encoding="utf-8"))

    def surprisals(self, texts, progress=None):
        key = lambda t: hashlib.sha1(f"{self.name}\0{t}".encode()).hexdigest()  # noqa: E731
        return [[tuple(x) for x in self.cache[key(t)]] for t in texts]


def base_reports(arts: list[dict], reference: str | None, fluency: bool = False) -> dict:
    """mtcheck's reports without the source pass: rules (and fluency) with no re-translation, or with
    ``ref``/``alt`` as the re-translation."""
    from mtcheck.config import Config
    from mtcheck.models import ModelRegistry
    from mtcheck.pipeline import Checker
    from mtcheck.readers import Article

    config = Config(fluency="on" if fluency else "off", fail_on="never", source_aware="off")
    models = ModelRegistry(config.model_settings, scorer=CachedFluency() if fluency else None)
    batch = [
        Article(id=a["id"], text=a["mt"], reference=a[reference] if reference else None, src_lang="zh")
        for a in arts
    ]
    report = Checker(config, models=models).run(batch)
    return {d.document.id: d for d in report.documents}


def time_pass(arts: list[dict], threads: int) -> dict:
    """Seconds per MT sentence of the source-aware stage, scored afresh (no cache), after one warm-up."""
    import os

    from mtcheck.backends.source_lm import SourceAwareScorer

    scorer = SourceAwareScorer.load(None, "cpu", threads)
    docs = [(segment(a["mt"], a["id"]), a["src"], "zh") for a in arts]
    score_documents(scorer, docs[:1])  # warm-up
    scorer.tokens_scored = 0
    started = time.perf_counter()
    score_documents(scorer, docs)
    seconds = time.perf_counter() - started
    sentences = sum(len(d.sentences) for d, _, _ in docs)
    return {
        "threads": threads, "articles": len(arts), "sentences": sentences, "mt_tokens": scorer.tokens_scored,
        "seconds": round(seconds, 1), "seconds_per_sentence": round(seconds / sentences, 3),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }  # fmt: skip


def complete_documents(arts: list[dict], scorer: CachedScorer) -> list[dict]:
    """The articles of documents whose every article has all its pieces in the cache."""

    def cached(a: dict) -> bool:
        doc = segment(a["mt"], a["id"])
        return all(
            scorer._key(prompt_for(p.source, "zh"), doc.text[p.start : p.end]) in scorer.cache
            for p in pieces(doc, a["src"])
        )

    ok: dict[str, list[bool]] = defaultdict(list)
    for a in arts:
        ok[a["doc"]].append(cached(a))
    return [a for a in arts if all(ok[a["doc"]])]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only (a smoke run)")
    parser.add_argument("--time", type=int, default=0, help="time the pass afresh on the first N articles")
    parser.add_argument(
        "--cached-only", action="store_true", help="only documents whose ten articles are all scored already"
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help="where new scores are written")
    parser.add_argument(
        "--reverse", action="store_true", help="score the articles last first (a 2nd process)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "source_eval.json")
    args = parser.parse_args()

    arts = load(args.limit)
    scorer = CachedScorer(args.threads, args.cache)
    if args.cached_only:
        arts = complete_documents(arts, scorer)
    docs_scored = {}
    for n, a in sorted(enumerate(arts), reverse=args.reverse, key=lambda x: x[0]):
        doc = segment(a["mt"], a["id"])
        docs_scored[a["id"]] = (doc, score_documents(scorer, [(doc, a["src"], "zh")])[0])
        print(f"{n + 1}/{len(arts)} {a['id']} {scorer.seconds:.0f}s", file=sys.stderr, flush=True)

    # Per segment: features from its tokens, label and grouping (labels only compared against).
    rows = []
    for a in arts:
        doc, sc = docs_scored[a["id"]]
        for rec, start in zip(a["recs"], a["starts"], strict=True):
            end = start + len(rec["mt"])
            nats = [t.surprisal for t in sc.tokens if start <= t.start < end]
            if not nats:
                continue
            major = any(err["severity"] == "Major" for s, e, err in a["gold"] if s < end and start < e)
            rows.append(
                {
                    "art": a["id"],
                    "doc": a["doc"],
                    "start": start,
                    "end": end,
                    "mlp": -sum(nats) / len(nats),
                    "n": len(nats),
                    "clean": int(not major),
                    "mqm": -rec["mqm_score"],
                    "src_key": f"{a['doc']}#{rec['doc_seg_id']}",
                    "len": -len(rec["mt"]),
                }
            )
    mqm = [r["mqm"] for r in rows]
    groups = [r["src_key"] for r in rows]
    result: dict = {
        "segments": len(rows),
        "articles": len(arts),
        "prompt": "one-shot, shipped example (mtcheck.source.prompt)",
    }
    result["mean_logprob"] = taus([r["mlp"] for r in rows], mqm, groups)
    result["baseline_length"] = taus([r["len"] for r in rows], mqm, groups)

    # Leave one document out: the calibration fitted on five documents, applied to the sixth.
    docs = sorted({r["doc"] for r in rows})
    held: dict[int, float] = {}
    fold_models: dict[str, QualityModel] = {}
    for d in docs:
        train = [r for r in rows if r["doc"] != d]
        model = fit([features(r["mlp"], r["n"]) for r in train], [r["clean"] for r in train])
        fold_models[d] = model
        for i, r in enumerate(rows):
            if r["doc"] == d:
                held[i] = model.p_clean(features(r["mlp"], r["n"]))
    p = [held[i] for i in range(len(rows))]
    y = [r["clean"] for r in rows]
    result["calibrated_heldout"] = {
        **taus(p, mqm, groups),
        "brier": round(sum((pi - yi) ** 2 for pi, yi in zip(p, y, strict=True)) / len(y), 4),
        "brier_constant": round(sum((sum(y) / len(y) - yi) ** 2 for yi in y) / len(y), 4),
        "auc_no_major_error": round(auc(p, y), 3),
        "share_clean": round(sum(y) / len(y), 3),
    }

    # Quality as reported: source-aware chance x the rest, sentence by sentence, mapped onto segments.
    from mtcheck.source.scores import combined_quality

    def seg_quality(reports: dict, with_source: bool) -> list[float]:
        out = []
        for r in rows:
            rep = reports[r["art"]]
            doc, sc = docs_scored[r["art"]]
            base = list(rep.sentence_scores)
            q = (
                combined_quality(doc, sc, base, fold_models[r["doc"]])
                if with_source
                else {s.index: s.quality for s in base}
            )
            over = [
                (min(s.end, r["end"]) - max(s.start, r["start"]), q[s.index])
                for s in doc.sentences
                if s.start < r["end"] and r["start"] < s.end
            ]
            total = sum(w for w, _ in over) or 1
            out.append(sum(w * v for w, v in over) / total)
        return out

    combos = {}
    settings = (
        ("rules", None, False),
        ("rules_fluency", None, True),
        ("ref", "ref", False),
        ("alt_mt", "alt", False),
    )
    for name, reference, fluency in settings:
        reports = base_reports(arts, reference, fluency)
        combos[name] = {
            "without_source": taus(seg_quality(reports, False), mqm, groups),
            "with_source": taus(seg_quality(reports, True), mqm, groups),
        }
    result["quality_heldout"] = combos

    # Word level: each whitespace word's summed log-prob against "inside an expert's span" (any rater).
    wl, wy, words_out = [], [], {}
    for a in arts:
        doc, sc = docs_scored[a["id"]]
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", a["mt"])]
        lps = sc.word_logprobs(spans)
        words_out[a["id"]] = [[s, e, lp] for (s, e), lp in zip(spans, lps, strict=True)]
        for (s, e), lp in zip(spans, lps, strict=True):
            if lp is None:
                continue
            wl.append(-lp)
            wy.append(int(any(gs < e and s < ge for gs, ge, _ in a["gold"])))
    result["word_auc_bad"] = round(auc(wl, wy), 3)
    WORDS_CACHE.write_text(json.dumps(words_out), encoding="utf-8")

    if scorer.sentences:
        result["speed"] = {
            "threads": args.threads,
            "pieces": scorer.pieces,
            "sentences": scorer.sentences,
            "mt_tokens": scorer.tokens,
            "seconds": round(scorer.seconds, 1),
            "seconds_per_sentence": round(scorer.seconds / scorer.sentences, 3),
        }
    if args.time:
        result["speed_fresh"] = time_pass(arts[: args.time], args.threads)
    final = fit([features(r["mlp"], r["n"]) for r in rows], y)
    if args.limit is None:
        digest = hashlib.sha256(DATA.read_bytes()).hexdigest()
        MODEL_FILE.write_text(
            json.dumps(
                {
                    "version": MODEL_VERSION,
                    "features": list(final.features),
                    "mean": list(final.mean),
                    "scale": list(final.scale),
                    "coef": list(final.coef),
                    "intercept": final.intercept,
                    "target": "P(no Major error in the segment, any rater)",
                    "learner": "sklearn LogisticRegression C=1, standardised",
                    "training_data": f"mqm_dev.jsonl (WMT23 zh-en): {len(rows)} segments, {len(docs)} docs",
                    "training_data_sha256": digest,
                    "heldout": result["calibrated_heldout"],
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
