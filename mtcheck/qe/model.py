"""The shipped word-level model: a JSON file of coefficients and trees, applied with numpy only.

``mtcheck/data/qe-word-v2.json`` is written by ``benchmarks/qe_train.py`` (see its docstring and
``mtcheck/models/qe-word-v2.toml`` for the data, the learner and the cross-validated numbers). It holds two
variants, ``fluency`` (with the fluency pass's features) and ``nofluency`` (trained without them;
a file may hold only this one, which then serves both), and optionally ``fluency+source`` (also the
source-aware pass's ``SOURCE`` columns; used when both passes ran), each with:

- ``columns`` (optional): the names of the features the variant uses, chosen in training; absent
  in the first files, which used ``BASE_FEATURES``;
- ``word``: either a standardised logistic regression (``mean``, ``scale``, ``coef``,
  ``intercept``) or a gradient-boosted tree ensemble exported from scikit-learn's
  HistGradientBoostingClassifier (``baseline`` and ``trees``, each tree as parallel node arrays
  ``feature``, ``threshold``, ``left``, ``right``, ``leaf``, ``value``; ``x <= threshold`` goes left);
  either gives the log-odds that an expert marks the word;
- ``prior`` (optional): a word model fitted on other data with no re-translation (MLQE-PE post-edit
  tags; ``benchmarks/qe_train.py --prior``) over the columns it lists (``columns``, a subset of
  ``PRIOR_FEATURES``) and a ``word`` spec as above; its log-odds is one more input of the variant's
  ``word`` model, appended after the variant's own columns (named ``PRIOR`` in ``columns``);
- ``thresholds``: word-probability thresholds for MT610 findings per setting (``precise``,
  ``balanced``), chosen on out-of-fold predictions of the training documents;
- ``sentence``: a logistic regression (Platt-style calibration) from the sentence's word
  probabilities (``SENTENCE_FEATURES``) and, when its ``features`` list them, the sentence's own
  evidence (``SENTENCE_EVIDENCE``: the mean of that feature column over the sentence's words) to
  the chance that an expert finds no major error (fitted with each of the dev data's three raters
  per sentence as one example: see the file's ``training.sentence_calibration_target``; the inputs
  are chosen in training, see ``benchmarks/qe_train.py``).

JSON, not pickle: loading the file runs no code.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from mtcheck.errors import ModelError
from mtcheck.qe.features import BASE_FEATURES, FEATURES, FLUENCY, SHAPE, WordRows

FILENAME = "qe-word-v2.json"
SETTINGS = ("precise", "balanced")
SENTENCE_FEATURES = ("sum", "max", "top3", "frac_half", "log_words")
# Sentence-level evidence a calibration may also read (each constant within a sentence, or nearly:
# its mean over the sentence's words): the aligned pair's BERTScore F1 and chrF, no counterpart
# sentence, the sentence's fluency.
SENTENCE_EVIDENCE = ("sent_sim", "sent_chrf", "unaligned", "flu_sent")


def sentence_aggregates(probs: np.ndarray) -> list[float]:
    """The sentence-level inputs of the quality calibration, from the word probabilities of one sentence."""
    if len(probs) == 0:
        return [0.0, 0.0, 0.0, 0.0, 0.0]
    top = np.sort(probs)[::-1][:3]
    return [
        float(probs.sum()),
        float(probs.max()),
        float(top.mean()),
        float((probs >= 0.5).mean()),
        math.log1p(len(probs)),
    ]


def sentence_inputs(names: Sequence[str], probs: np.ndarray, x: np.ndarray) -> list[float]:
    """The calibration's inputs ``names`` for one sentence: word-probability aggregates
    (``SENTENCE_FEATURES``) from ``probs`` (k,), evidence means (``SENTENCE_EVIDENCE``) from its
    feature rows ``x`` (k, len(FEATURES)); 0.0 for a sentence without words. ModelError on another
    name (a file this code cannot read)."""
    agg = dict(zip(SENTENCE_FEATURES, sentence_aggregates(probs), strict=True))
    out = []
    for n in names:
        if n in agg:
            out.append(agg[n])
        elif n in SENTENCE_EVIDENCE:
            out.append(float(x[:, FEATURES.index(n)].mean()) if len(x) else 0.0)
        else:
            raise ModelError(f"{FILENAME}: unknown sentence-calibration input {n!r}")
    return out


# Computed but not used: on the MQM data the first segment is a headline whose title casing raters
# mark as a spelling error, so "first sentence" predicts errors there; on a one-sentence check it
# flagged every word. It is no evidence an editor could act on.
UNUSED = ("headline",)


# The pseudo-column of a variant with a ``prior``: the prior's log-odds, after the variant's own columns.
PRIOR = "mlqe_prior"
# What a prior may read: the columns computable without a re-translation (the word's shape and its
# surprisal), the only ones MLQE-PE, which has none, can train.
PRIOR_FEATURES = (*(n for n in SHAPE if n != "headline"), "excess", "excess_ctx", "flu_sent")


def prior_columns(fluency: bool) -> list[int]:
    """Indices into ``FEATURES`` of a prior's inputs (without fluency: the shape only)."""
    return [FEATURES.index(n) for n in PRIOR_FEATURES if fluency or n not in FLUENCY]


def columns(fluency: bool, names: Sequence[str] | None = None) -> list[int]:
    """Indices into ``FEATURES`` a variant uses: ``names`` when the variant lists them (the feature
    set chosen in training), else the first files' set (``BASE_FEATURES``); without fluency, the
    fluency columns are dropped; ``UNUSED`` never counts."""
    chosen = set(BASE_FEATURES if names is None else names)
    return [
        i
        for i, name in enumerate(FEATURES)
        if name in chosen and (fluency or name not in FLUENCY) and name not in UNUSED
    ]


def _logistic(spec: dict, x: np.ndarray) -> np.ndarray:
    z = (x - np.asarray(spec["mean"])) / np.asarray(spec["scale"])
    return z @ np.asarray(spec["coef"]) + spec["intercept"]


def _trees(spec: dict, x: np.ndarray) -> np.ndarray:
    raw = np.full(len(x), spec["baseline"], dtype=np.float64)
    rows = np.arange(len(x))
    for tree in spec["trees"]:
        feature = np.asarray(tree["feature"])
        threshold = np.asarray(tree["threshold"])
        left, right = np.asarray(tree["left"]), np.asarray(tree["right"])
        leaf, value = np.asarray(tree["leaf"], dtype=bool), np.asarray(tree["value"])
        node = np.zeros(len(x), dtype=np.int64)
        while True:
            active = ~leaf[node]
            if not active.any():
                break
            f = feature[node]
            go_left = x[rows, f] <= threshold[node]
            node = np.where(active, np.where(go_left, left[node], right[node]), node)
        raw += value[node]
    return raw


def log_odds(spec: dict, x: np.ndarray) -> np.ndarray:
    """Log-odds from a ``word`` spec (logistic or trees) for rows ``x`` of its columns."""
    if spec["kind"] == "logistic":
        return _logistic(spec, x)
    if spec["kind"] == "trees":
        return _trees(spec, x)
    raise ModelError(f"{FILENAME}: unknown word model kind {spec['kind']!r}")


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@dataclass
class QualityModel:
    """The loaded model file; see the module docstring for its layout."""

    spec: dict[str, Any]
    digest: str

    @property
    def version(self) -> str:
        return str(self.spec["version"])

    def _variant(self, fluency: bool, source: bool = False) -> dict:
        """The variant for a run with or without the fluency pass (and the source-aware pass); a file
        without a fluency variant serves both (its model then ignores the fluency features); without
        a ``fluency+source`` variant, or without fluency, the source's columns go unread."""
        variants = self.spec["variants"]
        if source and fluency and "fluency+source" in variants:
            return variants["fluency+source"]
        return variants["fluency"] if fluency and "fluency" in variants else variants["nofluency"]

    def word_probs(self, x: np.ndarray, fluency: bool, source: bool = False) -> np.ndarray:
        """(n,) chance an expert marks each word, from feature rows (n, len(FEATURES))."""
        if len(x) == 0:
            return np.zeros(0)
        variant = self._variant(fluency, source)
        own = x[:, columns(variant["fluency"], variant.get("columns"))]
        prior = variant.get("prior")
        if prior is not None:
            idx = [FEATURES.index(n) for n in prior["columns"]]
            own = np.concatenate([own, log_odds(prior["word"], x[:, idx])[:, None]], axis=1)
        return sigmoid(log_odds(variant["word"], own))

    def threshold(self, setting: str, fluency: bool, source: bool = False) -> float:
        thresholds = self._variant(fluency, source)["thresholds"]
        if setting not in thresholds:
            raise ModelError(f"unknown quality-model setting {setting!r} (use {', '.join(SETTINGS)})")
        return float(thresholds[setting])

    def sentence_quality(
        self, rows: WordRows, probs: np.ndarray, sentences: int, fluency: bool, source: bool = False
    ) -> dict[int, float]:
        """Sentence index -> chance in % that an expert finds no major error (every sentence given)."""
        spec = self._variant(fluency, source)["sentence"]
        names = spec.get("features", SENTENCE_FEATURES)
        by_sentence: dict[int, list[int]] = {i: [] for i in range(sentences)}
        for k, w in enumerate(rows.words):
            by_sentence[w.sentence].append(k)
        out = {}
        for i, ks in by_sentence.items():
            z = _logistic(spec, np.asarray([sentence_inputs(names, probs[ks], rows.x[ks])]))[0]
            out[i] = 100.0 * float(sigmoid(np.asarray(-z)))  # the regression predicts a major error
        return out


@lru_cache(maxsize=1)
def load() -> QualityModel:
    """The packaged model, read once; ModelError when the file is missing or does not fit this code."""
    try:
        raw = resources.files("mtcheck").joinpath("data", FILENAME).read_bytes()
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise ModelError(f"the word-level quality model {FILENAME} is not installed ({exc})") from None
    spec = json.loads(raw)
    # A file lists the features it was trained on; later features are appended to FEATURES, so an
    # older file still reads its own columns by index.
    trained = list(spec.get("features", []))
    if not trained or trained != list(FEATURES[: len(trained)]):
        raise ModelError(f"{FILENAME} was trained on other features than this mtcheck computes; retrain it")
    return QualityModel(spec, hashlib.sha256(raw).hexdigest()[:12])
