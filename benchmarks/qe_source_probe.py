"""Probe: would the source-aware per-word log-probs (Gemma 3 270M given the source) help the word
model beside a re-translation? Not a shipped feature; a measurement for the next step of issue 14.

Inputs: the word features cached by ``benchmarks/qe_features.py`` (fluency variant, ``ref`` and
``alt``) and the per-word source-aware log-probs cached by ``benchmarks/source_eval.py``
(``$MTCHECK_HOME/cache/source_words.json``: for each dev article, (start, end, log-prob) per MT
word, the same whitespace words). The learner is fixed (``trees_small`` of
``benchmarks/qe_train.py``, seeded) and the feature set too (``agree``): nothing is chosen, so
plain leave-one-document-out is honest. Reported per re-translation: the log-prob's word AUC
alone, and the out-of-fold word AUC and log-loss of the model without and with two more columns
(the word's summed log-prob, and whether it has one).

Usage: OMP_NUM_THREADS=1 nice python benchmarks/qe_source_probe.py  ->  results/qe_source_probe.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import qe_train as T  # noqa: E402
from qe_features import cache_dir  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "qe_source_probe.json"


def main() -> None:
    from sklearn.metrics import roc_auc_score

    source_words = json.loads((cache_dir() / "source_words.json").read_text())
    sts = [T.Setting(name, True) for name in T.SETTINGS]
    result: dict = {"learner": "trees_small", "feature_set": "agree", "settings": {}}
    for st in sts:
        logprob = np.zeros(len(st.y), dtype=np.float32)
        has = np.zeros(len(st.y), dtype=np.float32)
        for a, meta in enumerate(st.meta):
            table = {(s, e): lp for s, e, lp in source_words[meta["id"]]}
            for i in np.flatnonzero(st.article == a):
                lp = table.get((int(st.span[i][0]), int(st.span[i][1])))
                if lp is not None:
                    logprob[i], has[i] = lp, 1.0
        result["settings"][st.name] = {
            "coverage": round(float(has.mean()), 3),
            "auc_logprob_alone": round(float(roc_auc_score(st.y, -logprob)), 3),
        }
        st.x = np.concatenate([st.x, logprob[:, None], has[:, None]], axis=1)
    own = T.columns(True, T.AGREE_FEATURES)
    extra = [st.x.shape[1] - 2, st.x.shape[1] - 1]
    docs = sorted(set(sts[0].doc.tolist()))
    for name, cols in (("without", own), ("with_source", own + extra)):
        probs = T.oof(sts, docs, "trees_small", cols)
        for st, p in zip(sts, probs, strict=True):
            result["settings"][st.name][name] = {
                "word_auc": round(float(roc_auc_score(st.y, p)), 4),
                "log_loss": round(T.logloss(st.y, p), 4),
            }
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
