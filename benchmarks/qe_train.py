"""Train and cross-validate the word-level quality model (mtcheck/data/qe-word-v2.json).

Data: the word features cached by ``benchmarks/qe_features.py`` for ../shared/data/mqm_dev.jsonl,
with the human reference (``ref``) and another system's MT (``alt``) as the re-translation; both
settings' rows train one model, so it learns what a machine re-translation looks like. A word's
label is BAD when any rater's span overlaps it; no annotation-derived field is a feature.

Evaluation: leave one document out (6 folds: train on 5 news documents x 10 systems, test on the
sixth). Inside each fold, on the five training documents only (nested leave-one-document-out):
- the learner is chosen among a logistic regression and two gradient-boosted tree ensembles by
  inner log-loss;
- the finding thresholds are chosen on the inner out-of-fold word probabilities: ``balanced``
  maximises word MCC, ``precise`` maximises word MCC among thresholds whose finding precision is
  at least PRECISE_TARGET (else the most precise one);
- the sentence-quality calibration (logistic, Platt-style) is fitted on the inner out-of-fold
  probabilities aggregated per sentence. Its target is what ``quality`` means, the chance that *an*
  expert finds no major error: each of a sentence's three raters is one example (label: that
  rater marked a Major span overlapping the sentence), so the fit sees the share of raters with a
  major error (``--sentence-label each``, shipped). ``any`` (the first files' target) asks that
  none of the three did, a stricter event (53.5% of dev segments hold a Major by some rater, 32.9%
  by a given rater); both are fitted on the same folds and reported side by side.
Held-out metrics are those of ``benchmarks/mqm_eval.py``: word-level MCC, finding precision, span
recall (any rater), Kendall tau-b of segment quality against -MQM pooled and within source (the
10 systems' translations of one source segment ranked against each other, mean over sources), and
document tau. The current rules + hazard score (incl. MT605) are scored on the same folds.

The shipped model is then fitted the same way on all six documents. Results:
``benchmarks/results/qe_cv.json``.

Candidates beyond the default, each offered to the same nested choice only when asked, and
cross-validated side by side with the default candidates on the same folds (the learners are
seeded, ``SEED``, so shared inner fits are identical and a refit writes the same file):
``--context`` the CONTEXT columns; ``--prior`` a prior fitted on MLQE-PE alone
(``benchmarks/qe_mlqe.py`` first), its log-odds one more column; ``--sentence-evidence`` the
sentence's own evidence as calibration inputs.

Usage: python benchmarks/qe_train.py [--compare ""] [--no-cv | --no-ship] [--model-out PATH]
       python benchmarks/qe_train.py --prior --context --sentence-evidence --compare "" --no-ship
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _mqm import error_spans, grouped_records  # noqa: E402
from mqm_eval import kendall_tau_b, mcc  # noqa: E402
from qe_features import DATA, cache_dir  # noqa: E402

from mtcheck.qe.features import BASE_FEATURES, CONTEXT, FEATURES, SOURCE, context_columns  # noqa: E402
from mtcheck.qe.findings import runs  # noqa: E402
from mtcheck.qe.model import (  # noqa: E402
    PRIOR,
    SENTENCE_EVIDENCE,
    SENTENCE_FEATURES,
    columns,
    log_odds,
    prior_columns,
    sentence_inputs,
)
from mtcheck.qe.words import Word  # noqa: E402

SETTINGS = ("ref", "alt")
PRECISE_TARGET = 0.75
THRESHOLDS = np.round(np.arange(0.2, 0.91, 0.025), 3)
OUT = ROOT / "benchmarks" / "results" / "qe_cv.json"
MODEL = ROOT / "mtcheck" / "data" / "qe-word-v2.json"
VERSION = "qe-word-v2"  # v2: agreement features, columns chosen per variant
# HistGradientBoosting holds out a random 10% for early stopping (on by default past 10,000 rows):
# a fixed seed makes a refit on the same data write the same file.
SEED = 0


# --- data ------------------------------------------------------------------------------------------
class Setting:
    """Cached rows of one re-translation setting, with per-article metadata."""

    def __init__(self, name: str, fluency: bool) -> None:
        # The human setting (candidate clean text) never trains the word model nor its thresholds;
        # with --human it joins the sentence-quality calibration as sentences without a major error.
        self.trains_words = name != "human"
        base = cache_dir() / f"qe_features_{name}{'' if fluency else '_nofluency'}"
        z = np.load(base.with_suffix(".npz"))
        self.name = name
        self.x, self.y = z["x"], z["y"]
        self.article, self.sentence = z["article"], z["sentence"]
        self.meta = json.loads(base.with_suffix(".json").read_text())
        if self.x.shape[1] == len(FEATURES) - len(CONTEXT) - len(SOURCE):
            # A cache written before the CONTEXT block: the same arithmetic as a check computes it.
            ctx = context_columns(self.x, self.article * 100_000 + self.sentence)
            self.x = np.concatenate([self.x, ctx, self._source_columns(z["span"])], axis=1)
        if fluency in PRIORS:
            # The MLQE-PE prior's log-odds as one more column (index len(FEATURES)): fitted on MLQE-PE
            # only, so it carries nothing of any MQM fold.
            spec = PRIORS[fluency]
            prior = log_odds(spec["word"], self.x[:, [FEATURES.index(n) for n in spec["columns"]]])
            self.x = np.concatenate([self.x, prior[:, None].astype(np.float32)], axis=1)
        self.span = z["span"]
        self.doc = np.array([self.meta[a]["doc"] for a in self.article])
        self.words = [
            Word(int(s), int(a), int(b), "") for s, (a, b) in zip(self.sentence, self.span, strict=True)
        ]
        self.major = self._major_labels()
        self.rater_share = self._rater_shares()

    def _source_columns(self, spans: np.ndarray) -> np.ndarray:
        """The SOURCE columns from ``benchmarks/source_eval.py``'s per-word cache (the same
        ``SourceScores.word_logprobs`` a check computes, over the same whitespace words), as
        :func:`mtcheck.qe.features.source_columns` scales them; zeros without the cache or for the
        human setting (its checked text is the reference, which the pass never scored)."""
        out = np.zeros((len(spans), len(SOURCE)), dtype=np.float32)
        path = cache_dir() / "source_words.json"
        if not self.trains_words or not path.is_file():
            return out
        cached = json.loads(path.read_text())
        for a, meta in enumerate(self.meta):
            table = {(s, e): lp for s, e, lp in cached.get(meta["id"], [])}
            for i in np.flatnonzero(self.article == a):
                lp = table.get((int(spans[i][0]), int(spans[i][1])))
                if lp is not None:
                    out[i] = (lp / 10.0, 1.0)
        return out

    def _major_labels(self) -> np.ndarray:
        """Per word: its sentence overlaps a Major span (the sentence-quality label)."""
        out = np.zeros(len(self.y), dtype=bool)
        for a, m in enumerate(self.meta):
            idx = np.flatnonzero(self.article == a)
            for s, (lo, hi) in enumerate(m["sentences"]):
                bad = any(g[0] < hi and lo < g[1] and g[2] == "Major" for g in m["gold"])
                out[idx[self.sentence[idx] == s]] = bad
        return out

    def _rater_shares(self) -> list[list[float]]:
        """Per article and sentence: the share of the raters who marked a Major span overlapping it
        (the sentence-quality target under ``--sentence-label each``); 0 for the human setting."""
        if not self.trains_words:
            return [[0.0] * len(m["sentences"]) for m in self.meta]
        recs_of = {(doc, system): recs for doc, system, recs in grouped_records(DATA)}
        out = []
        for m in self.meta:
            recs = recs_of[(m["doc"], m["system"])]
            starts = [seg["start"] for seg in m["segments"]]
            raters = sorted({r for rec in recs for r in rec["raters"]})
            majors = [
                (a, b, err["rater"]) for a, b, err in error_spans(recs, starts) if err["severity"] == "Major"
            ]
            out.append(
                [
                    sum(any(a < hi and lo < b and r == who for a, b, who in majors) for r in raters)
                    / len(raters)
                    for lo, hi in m["sentences"]
                ]
            )
        return out


# --- learners --------------------------------------------------------------------------------------
def make(kind: str):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    if kind == "trees_small":
        return HistGradientBoostingClassifier(
            max_iter=150,
            learning_rate=0.05,
            max_leaf_nodes=8,
            min_samples_leaf=50,
            l2_regularization=1.0,
            random_state=SEED,
        )
    if kind == "trees":
        return HistGradientBoostingClassifier(
            max_iter=300,
            learning_rate=0.05,
            max_leaf_nodes=16,
            min_samples_leaf=40,
            l2_regularization=1.0,
            random_state=SEED,
        )
    raise ValueError(kind)


LEARNERS = ("logistic", "trees_small")  # "trees" (bigger) is available with --learners


def export(model, kind: str) -> dict:
    """The fitted learner as JSON for :func:`mtcheck.qe.model.log_odds`."""
    if kind == "logistic":
        scaler, lr = model.steps[0][1], model.steps[1][1]
        return {
            "kind": "logistic",
            "mean": scaler.mean_.tolist(),
            "scale": scaler.scale_.tolist(),
            "coef": lr.coef_[0].tolist(),
            "intercept": float(lr.intercept_[0]),
        }
    trees = []
    for (pred,) in model._predictors:
        nodes = pred.nodes
        trees.append(
            {
                "feature": nodes["feature_idx"].astype(int).tolist(),
                "threshold": [float(t) for t in nodes["num_threshold"]],
                "left": nodes["left"].astype(int).tolist(),
                "right": nodes["right"].astype(int).tolist(),
                "leaf": nodes["is_leaf"].astype(int).tolist(),
                "value": [round(float(v), 6) for v in nodes["value"]],
            }
        )
    return {"kind": "trees", "baseline": float(np.ravel(model._baseline_prediction)[0]), "trees": trees}


# --- metrics ---------------------------------------------------------------------------------------
def word_mcc(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int((y & pred).sum())
    fp = int((~y & pred).sum())
    fn = int((y & ~pred).sum())
    tn = int((~y & ~pred).sum())
    return mcc(tp, fp, fn, tn)


def model_spans(st: Setting, idx: np.ndarray, probs: np.ndarray, t: float) -> dict[int, list]:
    """Findings as (start, end) per article from word probabilities (the MT610 runs)."""
    out: dict[int, list] = defaultdict(list)
    for a in np.unique(st.article[idx]):
        sel = idx[st.article[idx] == a]
        words = [st.words[i] for i in sel]
        for first, last in runs(probs[np.searchsorted(idx, sel)], words, t):
            out[int(a)].append((words[first].start, words[last].end))
    return out


EVIDENCE = [FEATURES.index(n) for n in ("ev_swap", "ev_polarity", "ev_clause")]


def full_spans(st: Setting, idx: np.ndarray, probs: np.ndarray, t: float) -> dict[int, list]:
    """What a check with the model on reports, as (start, end) per article: the MT610 runs at
    threshold ``t``, the certain-evidence words (MT611-613, from the ``ev_*`` columns, which hold
    exactly those hits) and the rule findings other than MT605, which the model supersedes."""
    out = model_spans(st, idx, probs, t)
    for i in idx[st.x[idx][:, EVIDENCE].max(axis=1) > 0]:
        out[int(st.article[i])].append((int(st.span[i][0]), int(st.span[i][1])))
    for a in np.unique(st.article[idx]):
        out[int(a)] += [(s, e) for s, e, c in st.meta[a]["baseline_findings"] if c != "MT605"]
    return out


def span_scores(st: Setting, arts, spans: dict[int, list]) -> dict:
    """Finding precision, span recall and word MCC (as mqm_eval) of findings on articles ``arts``."""
    findings = hits = gold_n = gold_found = 0
    y_all, p_all = [], []
    for a in arts:
        gold = st.meta[a]["gold"]
        found = spans.get(a, [])
        findings += len(found)
        hits += sum(any(s < g[1] and g[0] < e for g in gold) for s, e in found)
        gold_n += len(gold)
        gold_found += sum(any(s < g[1] and g[0] < e for s, e in found) for g in gold)
        idx = np.flatnonzero(st.article == a)
        y_all.append(st.y[idx])
        p_all.append(np.array([any(s < b and a_ < e for s, e in found) for a_, b in st.span[idx]]))
    y, p = np.concatenate(y_all), np.concatenate(p_all)
    return {
        "findings": findings,
        "finding_precision": round(hits / findings, 3) if findings else None,
        "span_recall": round(gold_found / gold_n, 3) if gold_n else None,
        "word_mcc": round(word_mcc(y, p), 3),
    }


def segment_quality(st: Setting, arts, sent_q: dict[int, list[float]]) -> tuple[list, list, list, list]:
    """Per segment: quality (length-weighted over overlapping sentences), -MQM, source key, article."""
    q, m, key, art = [], [], [], []
    for a in arts:
        meta = st.meta[a]
        for k, seg in enumerate(meta["segments"]):
            parts = [
                (min(hi, seg["end"]) - max(lo, seg["start"]), sent_q[a][s])
                for s, (lo, hi) in enumerate(meta["sentences"])
                if lo < seg["end"] and seg["start"] < hi
            ]
            if not parts:
                continue
            total = sum(w for w, _ in parts)
            q.append(sum(w * v for w, v in parts) / total)
            m.append(-seg["mqm"])
            key.append((meta["doc"], k))
            art.append(a)
    return q, m, key, art


def score_scores(st: Setting, arts, sent_q: dict[int, list[float]], doc_q: dict[int, float]) -> dict:
    q, m, key, _ = segment_quality(st, arts, sent_q)
    groups: dict = defaultdict(list)
    for i, k in enumerate(key):
        groups[k].append(i)
    within = [kendall_tau_b([q[i] for i in g], [m[i] for i in g]) for g in groups.values() if len(g) > 1]
    dq = [doc_q[a] for a in arts]
    dm = [-np.mean([s["mqm"] for s in st.meta[a]["segments"]]) for a in arts]
    return {
        "segment_tau": round(kendall_tau_b(q, m), 3),
        "segment_tau_within_source": round(float(np.mean(within)), 3),
        "doc_tau": round(kendall_tau_b(dq, dm), 3),
    }


# --- fitting ---------------------------------------------------------------------------------------
def stack(sts: list[Setting], docs: set[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ys, ds = [], [], []
    for st in sts:
        if not st.trains_words:
            continue
        sel = np.isin(st.doc, list(docs))
        xs.append(st.x[sel])
        ys.append(st.y[sel])
        ds.append(st.doc[sel])
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ds)


def logloss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (~y) * np.log(1 - p)))


_OOF: dict = {}


def oof(sts: list[Setting], docs: list[str], kind: str, cols: list[int]) -> list[np.ndarray]:
    """Out-of-fold word probabilities over ``docs`` (leave one of them out), per setting's rows.
    Memoised on (settings, docs, learner, columns): with a fixed seed a refit is identical, so the
    evaluations with and without the prior share their common inner fits."""
    key = (tuple(id(st) for st in sts), tuple(docs), kind, tuple(cols))
    if key in _OOF:
        return _OOF[key]
    out = [np.full(len(st.y), np.nan) for st in sts]
    for held in docs:
        x, y, _ = stack(sts, set(docs) - {held})
        model = make(kind).fit(x[:, cols], y)
        for st, o in zip(sts, out, strict=True):
            sel = st.doc == held
            if sel.any():
                o[sel] = model.predict_proba(st.x[sel][:, cols])[:, 1]
    _OOF[key] = out
    return out


def flagged(st: Setting, idx: np.ndarray, spans: dict[int, list]) -> np.ndarray:
    """Per word of ``idx``: a span overlaps it."""
    out = np.zeros(len(idx), dtype=bool)
    for k, i in enumerate(idx):
        a, (lo, hi) = int(st.article[i]), st.span[i]
        out[k] = any(s < hi and lo < e for s, e in spans.get(a, ()))
    return out


def choose_thresholds(sts: list[Setting], probs: list[np.ndarray], docs: list[str]) -> dict[str, float]:
    table = []
    for t in THRESHOLDS:
        prec_hits = prec_n = 0
        ys, ps = [], []
        for st, p in zip(sts, probs, strict=True):
            if not st.trains_words:
                continue
            idx = np.flatnonzero(np.isin(st.doc, docs))
            spans = full_spans(st, idx, p[idx], t)
            arts = sorted(set(st.article[idx].tolist()))
            s = span_scores(st, arts, spans)
            prec_n += s["findings"]
            prec_hits += (s["finding_precision"] or 0) * s["findings"]
            ys.append(st.y[idx])
            ps.append(flagged(st, idx, spans))
        table.append(
            (float(t), word_mcc(np.concatenate(ys), np.concatenate(ps)), prec_hits / max(1, prec_n), prec_n)
        )
    balanced = max(table, key=lambda r: r[1])[0]
    ok = [r for r in table if r[2] >= PRECISE_TARGET and r[3] >= 20]
    precise = (
        max(ok, key=lambda r: r[1])[0] if ok else max((r for r in table if r[3] >= 20), key=lambda r: r[2])[0]
    )
    return {"balanced": balanced, "precise": max(precise, balanced)}


SENTENCE_INPUTS = SENTENCE_FEATURES + SENTENCE_EVIDENCE  # the columns of sentence_rows' features


# Whether the sentence calibration may also read the sentence's own evidence (--sentence-evidence).
SENTENCE_EVIDENCE_OFFERED = [False]


def sentence_sets(fluency: bool) -> dict[str, tuple[str, ...]]:
    """The sentence calibration's inputs: the word probabilities' aggregates alone (the first
    files'), and ``words+evidence``, with the sentence's own evidence (its fluency only with the
    fluency pass). Both are always fitted and reported; only with --sentence-evidence is the second
    offered to the in-fold choice."""
    evidence = tuple(n for n in SENTENCE_EVIDENCE if fluency or n != "flu_sent")
    return {"words": SENTENCE_FEATURES, "words+evidence": SENTENCE_FEATURES + evidence}


def sentence_rows(st: Setting, idx: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray, list]:
    """Per sentence of the articles in ``idx``: its ``SENTENCE_INPUTS``, major label (any rater),
    key (article, sentence); ``st.rater_share[a][s]`` is the per-rater target."""
    feats, labels, keys = [], [], []
    for a in np.unique(st.article[idx]):
        sel = idx[st.article[idx] == a]
        n_sent = len(st.meta[a]["sentences"])
        for s in range(n_sent):
            ws = sel[st.sentence[sel] == s]
            feats.append(sentence_inputs(SENTENCE_INPUTS, probs[ws], st.x[ws]))
            labels.append(bool(st.major[ws].any()) if len(ws) else False)
            keys.append((int(a), s))
    return np.array(feats), np.array(labels), keys


def fit_sentence(
    sts: list[Setting],
    probs: list[np.ndarray],
    docs: list[str],
    human: bool,
    label: str = "any",
    names: tuple[str, ...] = SENTENCE_FEATURES,
) -> dict:
    """The sentence calibration on ``docs`` from inputs ``names``. ``label``: ``any`` (a Major by any
    rater) or ``each`` (one example per rater, weighted by the share of raters with and without a Major)."""
    pick = [SENTENCE_INPUTS.index(n) for n in names]
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    xs, ys, ws = [], [], []
    for st, p in zip(sts, probs, strict=True):
        if not st.trains_words and not human:
            continue
        idx = np.flatnonzero(np.isin(st.doc, docs))
        f, lab, keys = sentence_rows(st, idx, p)
        f = f[:, pick]
        if label == "any":
            xs.append(f)
            ys.append(lab)
            ws.append(np.ones(len(lab)))
        else:
            share = np.array([st.rater_share[a][s] for a, s in keys])
            xs += [f, f]
            ys += [np.ones(len(f), dtype=bool), np.zeros(len(f), dtype=bool)]
            ws += [share, 1.0 - share]
    x, y, w = np.concatenate(xs), np.concatenate(ys), np.concatenate(ws)
    keep = w > 0
    x, y, w = x[keep], y[keep], w[keep]
    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(x), y, sample_weight=w)
    return {
        "kind": "logistic",
        "features": list(names),
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "coef": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]),
    }


def apply_sentence(spec: dict, feats: np.ndarray) -> np.ndarray:
    from mtcheck.qe.model import _logistic, sigmoid

    pick = [SENTENCE_INPUTS.index(n) for n in spec["features"]]
    return 100.0 * sigmoid(-_logistic(spec, feats[:, pick]))


def brier_each(sts: list[Setting], probs: list[np.ndarray], docs: list[str], spec: dict) -> tuple[float, int]:
    """Summed Brier score against each rater's judgement of calibration ``spec`` on ``docs``, and
    the number of sentences."""
    total, n = 0.0, 0
    for st, p in zip(sts, probs, strict=True):
        if not st.trains_words:
            continue
        idx = np.flatnonzero(np.isin(st.doc, docs))
        f, _, keys = sentence_rows(st, idx, p)
        q = apply_sentence(spec, f) / 100.0
        share = np.array([st.rater_share[a][s] for a, s in keys])
        total += float(np.sum((1.0 - share) * (1 - q) ** 2 + share * q**2))
        n += len(q)
    return total, n


def choose_sentence_set(sts: list[Setting], probs: list[np.ndarray], docs: list[str], fluency: bool) -> dict:
    """The calibration inputs with the lowest leave-one-document-out Brier (against each rater)
    among ``sentence_sets``, on ``docs`` only (their out-of-fold word probabilities)."""
    scores = {}
    offered = sentence_sets(fluency)
    if not SENTENCE_EVIDENCE_OFFERED[0]:
        return {"chosen": "words", "inner_brier_each": {}}
    for name, names in offered.items():
        total = n = 0
        for held in docs:
            spec = fit_sentence(sts, probs, [d for d in docs if d != held], False, "each", names)
            t, k = brier_each(sts, probs, [held], spec)
            total, n = total + t, n + k
        scores[name] = round(total / n, 5)
    return {"chosen": min(scores, key=scores.get), "inner_brier_each": scores}


AGREE_FEATURES = tuple(n for n in FEATURES if n not in CONTEXT + SOURCE)
FEATURE_SETS = {"base": BASE_FEATURES, "agree": AGREE_FEATURES}
# With --context: plus the CONTEXT columns (the word against its own sentence).
CONTEXT_SETS = {"agree+ctx": (*AGREE_FEATURES, *CONTEXT)}
# With --prior: plus the MLQE-PE prior's column (and with --context, both).
PRIOR_SETS = {"agree+prior": (*AGREE_FEATURES, PRIOR), "agree+ctx+prior": (*AGREE_FEATURES, *CONTEXT, PRIOR)}
# The ``fluency+source`` variant's candidates (--source): the default sets plus the SOURCE columns.
SOURCE_SETS = {"base+src": (*BASE_FEATURES, *SOURCE), "agree+src": (*AGREE_FEATURES, *SOURCE)}
ALL_SETS = {**FEATURE_SETS, **CONTEXT_SETS, **PRIOR_SETS, **SOURCE_SETS}
OFFERED: list[str] = list(FEATURE_SETS)  # the feature sets offered to the nested choice (flags add)
NAMES = (*FEATURES, PRIOR)  # column names of Setting.x (the last only with --prior)
# fluency -> the fitted prior spec ({"columns", "word", ...}); empty without --prior.
PRIORS: dict[bool, dict] = {}


def set_columns(fluency: bool, fs: str) -> list[int]:
    """Indices into ``Setting.x`` of feature set ``fs``: its FEATURES columns, then the prior's."""
    names = ALL_SETS[fs]
    return columns(fluency, names) + ([len(FEATURES)] if PRIOR in names else [])


# Whether the sentence calibration also sees the human setting's sentences as clean (--human).
HUMAN_CALIBRATION = [False]
# The shipped sentence calibration's target (--sentence-label): "each" rater or "any" of them.
SENTENCE_LABEL = ["each"]


def train(
    sts: list[Setting], docs: list[str], fluency: bool, learners=LEARNERS, log=print, feature_sets=None
) -> dict:
    """Everything fitted on ``docs`` only: learner and feature set, word model, thresholds, sentence
    calibration. The learner x feature-set candidate with the lowest inner log-loss wins."""
    feature_sets = feature_sets or OFFERED
    inner = {}
    for fs in feature_sets:
        cols = set_columns(fluency, fs)
        for kind in learners:
            p = oof(sts, docs, kind, cols)
            y = np.concatenate([st.y[np.isin(st.doc, docs)] for st in sts if st.trains_words])
            pp = np.concatenate(
                [pi[np.isin(st.doc, docs)] for st, pi in zip(sts, p, strict=True) if st.trains_words]
            )
            inner[(kind, fs)] = (logloss(y, pp), p)
            log(f"    inner {kind}/{fs}: log-loss {inner[(kind, fs)][0]:.4f}")
    kind, fs = min(inner, key=lambda k: inner[k][0])
    probs = inner[(kind, fs)][1]
    cols = set_columns(fluency, fs)
    x, y, _ = stack(sts, set(docs))
    model = make(kind).fit(x[:, cols], y)
    sets = sentence_sets(fluency)
    calibrations = {
        "mqm": fit_sentence(sts, probs, docs, human=False, label="any"),
        "mqm_each": fit_sentence(sts, probs, docs, human=False, label="each"),
        "mqm_each_ev": fit_sentence(sts, probs, docs, False, "each", sets["words+evidence"]),
    }
    sentence_choice = choose_sentence_set(sts, probs, docs, fluency)
    # The shipped target (--sentence-label each, no --human) with the inputs chosen in-fold.
    calibrations["chosen"] = calibrations[
        "mqm_each" if sentence_choice["chosen"] == "words" else "mqm_each_ev"
    ]
    if any(not st.trains_words for st in sts):
        calibrations["mqm+human"] = fit_sentence(sts, probs, docs, human=True, label="any")
        calibrations["mqm_each+human"] = fit_sentence(sts, probs, docs, human=True, label="each")
    return {
        "kind": kind,
        "feature_set": fs,
        "columns": [NAMES[i] for i in cols],
        "cols": cols,
        "model": model,
        "word": export(model, kind),
        "thresholds": choose_thresholds(sts, probs, docs),
        "calibrations": calibrations,
        "sentence": calibrations[
            "chosen"
            if SENTENCE_LABEL[0] == "each" and not HUMAN_CALIBRATION[0]
            else ("mqm_each" if SENTENCE_LABEL[0] == "each" else "mqm")
            + ("+human" if HUMAN_CALIBRATION[0] else "")
        ],
        "sentence_choice": sentence_choice,
        "inner_logloss": {f"{k}/{f}": round(v[0], 4) for (k, f), v in inner.items()},
        "oof": probs,
    }


# --- cross-validation ------------------------------------------------------------------------------
def evaluate(sts: list[Setting], fluency: bool, learners, log=print, feature_sets=None) -> dict:
    docs = sorted(set(sts[0].doc.tolist()))
    held_probs = [np.full(len(st.y), np.nan) for st in sts]
    fold_info = []
    calib_names = ["mqm", "mqm_each", "mqm_each_ev", "chosen"]
    if any(not st.trains_words for st in sts):
        calib_names += ["mqm+human", "mqm_each+human"]
    sent_qs = {c: [defaultdict(list) for _ in sts] for c in calib_names}
    spans = {
        s: [defaultdict(list) for _ in sts] for s in ("precise", "balanced", "full_precise", "full_balanced")
    }
    for held in docs:
        log(f"  fold {held} (fluency={fluency})")
        t0 = time.perf_counter()
        fitted = train(sts, [d for d in docs if d != held], fluency, learners, log, feature_sets)
        cols = fitted["cols"]
        fold_info.append(
            {
                "held_out": held,
                "learner": fitted["kind"],
                "feature_set": fitted["feature_set"],
                "thresholds": fitted["thresholds"],
                "sentence_choice": fitted["sentence_choice"],
                "inner_logloss": fitted["inner_logloss"],
                "seconds": round(time.perf_counter() - t0),
            }
        )
        for si, st in enumerate(sts):
            idx = np.flatnonzero(st.doc == held)
            p = fitted["model"].predict_proba(st.x[idx][:, cols])[:, 1]
            held_probs[si][idx] = p
            for setting in ("precise", "balanced"):
                t = fitted["thresholds"][setting]
                for a, sp in model_spans(st, idx, p, t).items():
                    spans[setting][si][a] = sp
                for a, sp in full_spans(st, idx, p, t).items():
                    spans[f"full_{setting}"][si][a] = sp
            feats, _, keys = sentence_rows(st, idx, held_probs[si])
            for c in calib_names:
                q = apply_sentence(fitted["calibrations"][c], feats)
                for (a, _s), v in zip(keys, q, strict=True):
                    sent_qs[c][si][a].append(float(v))
    from sklearn.metrics import brier_score_loss, roc_auc_score

    out: dict = {"folds": fold_info}
    for si, st in enumerate(sts):
        arts = list(range(len(st.meta)))
        quality = {}
        for c in calib_names:
            sent_q = sent_qs[c][si]
            doc_q = {}
            for a in arts:
                lens = [hi - lo for lo, hi in st.meta[a]["sentences"]]
                doc_q[a] = float(np.average(sent_q[a], weights=lens))
            _, labels, keys = sentence_rows(st, np.arange(len(st.y)), held_probs[si])
            share = np.array([st.rater_share[a][s] for a, s in keys])
            q = np.concatenate([sent_q[a] for a in arts])
            if not st.trains_words:
                quality[c] = {
                    "sentence_mean_quality": round(float(q.mean()), 1),
                    "doc_mean_quality": round(float(np.mean(list(doc_q.values()))), 1),
                    "doc_min_quality": round(float(min(doc_q.values())), 1),
                }
                continue
            quality[c] = {
                "scores": score_scores(st, arts, sent_q, doc_q),
                "sentence_brier_no_major": round(float(brier_score_loss(~labels, q / 100.0)), 4),
                # Against each rater's own judgement (the share of raters without a Major): the
                # mean over raters of the Brier score of ``quality`` as P(this rater finds none).
                "sentence_brier_no_major_each_rater": round(
                    float(np.mean((1.0 - share) * (1 - q / 100.0) ** 2 + share * (q / 100.0) ** 2)), 4
                ),
                "sentence_share_without_major_each_rater": round(float(1.0 - share.mean()), 3),
                "sentence_mean_quality": round(float(q.mean()), 1),
                "doc_mean_quality": round(float(np.mean(list(doc_q.values()))), 1),
                "sentence_share_without_major": round(float((~labels).mean()), 3),
            }
        if not st.trains_words:
            out[st.name] = {**clean_text_scores(st, arts, spans, si), "calibration": quality}
            continue
        out[st.name] = {
            "word_auc": round(float(roc_auc_score(st.y, held_probs[si])), 3),
            "findings_precise": span_scores(st, arts, spans["precise"][si]),
            "findings_balanced": span_scores(st, arts, spans["balanced"][si]),
            "findings_as_reported_precise": span_scores(st, arts, spans["full_precise"][si]),
            "findings_as_reported_balanced": span_scores(st, arts, spans["full_balanced"][si]),
            "calibration": quality,
        }
    return out


def clean_text_scores(st: Setting, arts, spans: dict, si: int) -> dict:
    """Held-out false alarms on the human setting (text assumed clean): findings per 1000 words."""
    words = len(st.y)
    return {
        f"{k}_per_1000_words": round(1000 * sum(len(spans[k][si].get(a, [])) for a in arts) / words, 2)
        for k in spans
    }


def merge_rules(st: Setting, spans: dict, drop=()) -> dict:
    out = defaultdict(list)
    for a, m in enumerate(st.meta):
        out[a] = list(spans.get(a, [])) + [(s, e) for s, e, c in m["baseline_findings"] if c not in drop]
    return out


def baseline(st: Setting) -> dict:
    """The current rules + hazard-score pipeline on the same articles (no fitting involved here)."""
    arts = list(range(len(st.meta)))
    if not st.trains_words:
        n = sum(len(m["baseline_findings"]) for m in st.meta)
        n605 = sum(c == "MT605" for m in st.meta for _, _, c in m["baseline_findings"])
        return {
            "findings_per_1000_words": round(1000 * n / len(st.y), 2),
            "findings_MT605_per_1000_words": round(1000 * n605 / len(st.y), 2),
            "sentence_mean_quality": round(
                float(np.mean([v for m in st.meta for v in m["baseline_sentence_quality"]])), 1
            ),
            "doc_mean_quality": round(float(np.mean([m["baseline_quality"] for m in st.meta])), 1),
        }
    spans = {a: [(s, e) for s, e, _ in m["baseline_findings"]] for a, m in enumerate(st.meta)}
    sent_q = {a: m["baseline_sentence_quality"] for a, m in enumerate(st.meta)}
    doc_q = {a: m["baseline_quality"] for a, m in enumerate(st.meta)}
    only605 = {
        a: [(s, e) for s, e, c in m["baseline_findings"] if c == "MT605"] for a, m in enumerate(st.meta)
    }
    return {
        "findings_all_rules": span_scores(st, arts, spans),
        "findings_MT605": span_scores(st, arts, only605),
        "scores": score_scores(st, arts, sent_q, doc_q),
    }


PRIOR_LEARNER = "trees_small"


def fit_prior(fluency: bool) -> dict:
    """The MLQE-PE prior for one variant: ``PRIOR_LEARNER`` on the rows of ``benchmarks/qe_mlqe.py``
    over ``prior_columns(fluency)``, fitted on all of them (no MQM row; nothing chosen on MQM). Also
    its leave-one-language-pair-out word AUC on MLQE-PE itself (how well it transfers across pairs)."""
    from sklearn.metrics import roc_auc_score

    path = cache_dir() / "qe_mlqe.npz"
    z = np.load(path)
    x, y, pair = z["x"], z["y"], z["pair"]
    cols = prior_columns(fluency)
    held = {}
    for k, name in enumerate(z["pairs"].tolist()):
        model = make(PRIOR_LEARNER).fit(x[pair != k][:, cols], y[pair != k])
        held[name] = round(
            float(roc_auc_score(y[pair == k], model.predict_proba(x[pair == k][:, cols])[:, 1])), 3
        )
    model = make(PRIOR_LEARNER).fit(x[:, cols], y)
    return {
        "columns": [FEATURES[i] for i in cols],
        "word": export(model, PRIOR_LEARNER),
        "training": {
            "data": "MLQE-PE (sheffieldnlp/mlqe-pe, CC0 1.0; Fomicheva et al. 2022): the first "
            f"{int(z['sentences']) // len(z['pairs'])} training sentences of each of "
            f"{', '.join(z['pairs'].tolist())}, word tags from post-edits (benchmarks/qe_mlqe.py)",
            "data_sha256": hashlib.sha256(path.read_bytes()).hexdigest()[:16],
            "words": len(y),
            "bad_share": round(float(y.mean()), 3),
            "word_auc_leave_one_pair_out": held,
        },
    }


def data_hash() -> str:
    return hashlib.sha256(DATA.read_bytes()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", default=",".join(LEARNERS))
    parser.add_argument("--no-cv", action="store_true", help="only fit and write the shipped model")
    parser.add_argument(
        "--compare",
        default="base",
        help="feature sets to also cross-validate on their own (comma list of "
        f"{', '.join(FEATURE_SETS)}; empty for none), next to the nested choice among all of them",
    )
    parser.add_argument("--variants", default="fluency,nofluency")
    parser.add_argument(
        "--human",
        action="store_true",
        help="the sentence calibration also sees the human references (setting human) as clean text",
    )
    parser.add_argument(
        "--sentence-label",
        choices=("each", "any"),
        default="each",
        help="the shipped sentence calibration's target: each rater's judgement (default) or a Major "
        "by any of the three",
    )
    parser.add_argument(
        "--prior",
        action="store_true",
        help="offer the MLQE-PE prior (benchmarks/qe_mlqe.py's cache) as one more column to the nested "
        "choice, and cross-validate without it side by side on the same folds",
    )
    parser.add_argument(
        "--source",
        action="store_true",
        help="also cross-validate and ship a 'fluency+source' variant, for checks that run the "
        "source-aware pass beside a re-translation (its word log-probs from source_eval.py's cache)",
    )
    parser.add_argument(
        "--context",
        action="store_true",
        help="offer the CONTEXT columns (the word against its own sentence) to the nested choice",
    )
    parser.add_argument(
        "--sentence-evidence",
        action="store_true",
        help="offer the sentence's own evidence (sent_sim, sent_chrf, unaligned, flu_sent) to the sentence "
        "calibration's in-fold choice (by leave-one-document-out Brier against each rater)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=OUT,
        help="results file (with --no-cv only its 'shipped' entry is written, the rest kept)",
    )
    parser.add_argument("--no-ship", action="store_true", help="cross-validate only; leave the model file")
    parser.add_argument(
        "--model-out",
        type=Path,
        default=MODEL,
        help="where the fitted model file goes (default: the shipped one)",
    )
    args = parser.parse_args()
    HUMAN_CALIBRATION[0] = args.human
    SENTENCE_EVIDENCE_OFFERED[0] = args.sentence_evidence
    if args.context:
        OFFERED.extend(CONTEXT_SETS)
    if args.prior:
        OFFERED.extend(k for k in PRIOR_SETS if args.context or k == "agree+prior")
    SENTENCE_LABEL[0] = args.sentence_label
    out = args.out
    learners = tuple(args.learners.split(","))
    variants_run = [v == "fluency" for v in args.variants.split(",") if v]

    def settings_of(fluency: bool) -> list[str]:
        human = cache_dir() / f"qe_features_human{'' if fluency else '_nofluency'}.npz"
        return [*SETTINGS, "human"] if human.is_file() else list(SETTINGS)

    if args.prior:
        for f in variants_run:
            PRIORS[f] = fit_prior(f)
    all_sts = {f: [Setting(s, f) for s in settings_of(f)] for f in variants_run}
    sts = next(iter(all_sts.values()))
    result: dict = {
        "data": str(DATA.name),
        "data_sha256": data_hash(),
        "features": list(FEATURES),
        "feature_sets": {k: list(v) for k, v in ALL_SETS.items()},
        "offered": {"feature_sets": OFFERED, "sentence_evidence": args.sentence_evidence},
        "words": {st.name: len(st.y) for st in sts},
        "bad_share": {st.name: round(float(st.y.mean()), 3) for st in sts},
        "human_calibration": args.human,
        "sentence_label": args.sentence_label,
    }
    if PRIORS:
        from sklearn.metrics import roc_auc_score

        result["prior"] = {
            ("fluency" if f else "nofluency"): {
                **spec["training"],
                # Descriptive (nothing fitted on MQM): the prior alone on the MQM words.
                "mqm_word_auc": {
                    st.name: round(float(roc_auc_score(st.y, st.x[:, -1])), 3)
                    for st in all_sts[f]
                    if st.trains_words
                },
            }
            for f, spec in PRIORS.items()
        }
    compare = [c for c in args.compare.split(",") if c]
    if not args.no_cv:
        for fluency, group in all_sts.items():
            tag = "fluency" if fluency else "nofluency"
            result[f"baseline_rules_hazard_{tag}"] = {st.name: baseline(st) for st in group}
            result[f"cv_{tag}"] = evaluate(group, fluency, learners)
            out.write_text(json.dumps(result, indent=2) + "\n")
            # Side by side on the same folds (the inner fits are shared): the default candidates
            # (no CONTEXT, no prior) and, with --prior, every offered candidate but the prior's.
            if len(OFFERED) > len(FEATURE_SETS):
                result[f"cv_{tag}_default_sets"] = evaluate(
                    group, fluency, learners, feature_sets=list(FEATURE_SETS)
                )
                out.write_text(json.dumps(result, indent=2) + "\n")
            if PRIORS and args.context:
                result[f"cv_{tag}_without_prior"] = evaluate(
                    group, fluency, learners, feature_sets=[f for f in OFFERED if f not in PRIOR_SETS]
                )
                out.write_text(json.dumps(result, indent=2) + "\n")
            for fs in compare:
                result[f"cv_{tag}_only_{fs}"] = evaluate(group, fluency, learners, feature_sets=[fs])
                out.write_text(json.dumps(result, indent=2) + "\n")
            if args.source and fluency:
                # The source-aware variant on the same folds and rows: its candidates only add SOURCE.
                result["cv_fluency+source"] = evaluate(group, True, learners, feature_sets=list(SOURCE_SETS))
                out.write_text(json.dumps(result, indent=2) + "\n")
    if args.no_ship:
        return
    docs = sorted(set(sts[0].doc.tolist()))
    variants = {}
    for fluency, group in all_sts.items():
        fitted = train(group, docs, fluency, learners)
        variants["fluency" if fluency else "nofluency"] = {
            "fluency": fluency,
            "learner": fitted["kind"],
            "columns": fitted["columns"],
            "word": fitted["word"],
            "thresholds": fitted["thresholds"],
            "sentence": fitted["sentence"],
        }
        if PRIOR in fitted["columns"]:
            variants["fluency" if fluency else "nofluency"]["prior"] = {
                k: PRIORS[fluency][k] for k in ("columns", "word", "training")
            }
        if args.source and fluency:
            fitted = train(group, docs, True, learners, feature_sets=list(SOURCE_SETS))
            variants["fluency+source"] = {
                "fluency": True,
                "source": True,
                "learner": fitted["kind"],
                "columns": fitted["columns"],
                "word": fitted["word"],
                "thresholds": fitted["thresholds"],
                "sentence": fitted["sentence"],
            }
    spec = {
        "version": VERSION,
        "features": list(FEATURES),
        "training": {
            "data": "mqm_dev.jsonl (google/wmt-mqm-human-evaluation generalMT2023 zh-en, Apache-2.0; "
            "refA and system outputs from wmt-conference/wmt23-news-systems)",
            "data_sha256": result["data_sha256"],
            "re_translations": ["ref", "alt_mt"],
            "script": "benchmarks/qe_train.py",
            "sentence_calibration_target": (
                "each rater's judgement (one example per rater: P(a given expert finds no major error))"
                if args.sentence_label == "each"
                else "no Major span by any of the three raters"
            ),
            "sentence_calibration_clean_text": (
                "the human references (refA) of the same documents, assumed clean, checked against each "
                "system's MT"
                if args.human
                else None
            ),
        },
        "variants": variants,
    }
    args.model_out.parent.mkdir(parents=True, exist_ok=True)
    args.model_out.write_text(json.dumps(spec, separators=(",", ":")) + "\n")
    result["shipped"] = {
        k: {
            "learner": v["learner"],
            "columns": v["columns"],
            "thresholds": v["thresholds"],
            "sentence_inputs": v["sentence"]["features"],
        }
        for k, v in variants.items()
    }
    result["shipped"]["model_sha256"] = hashlib.sha256(args.model_out.read_bytes()).hexdigest()[:12]
    if args.no_cv and out.is_file():
        # A refit alone keeps the cross-validated numbers already in the results file.
        result = {**json.loads(out.read_text()), "shipped": result["shipped"]}
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k not in ("features", "feature_sets")}, indent=2))


if __name__ == "__main__":
    main()
