"""Extract and cache word features for the word-level QE model on ../shared/data/mqm_dev.jsonl.

For each of the 60 articles (doc x system, one segment per paragraph, as ``benchmarks/_mqm.py``)
and each re-translation setting (``ref``: the human reference; ``alt``: another system's MT, the
record's ``alt_mt``), runs mtcheck's own stages (segment, align, fluency, rules: the same code a
check runs), encodes words with all-MiniLM-L6-v2 and writes one feature row per MT word
(:mod:`mtcheck.qe.features`). Labels come from the raters' spans and are stored apart from the
features: a word is BAD when any rater's span overlaps it (as ``benchmarks/mqm_eval.py`` scores).
The current rule findings and hazard-model sentence scores are stored too, for the side-by-side
baseline. Output: ``$MTCHECK_HOME/cache/qe_features_<setting>.npz`` + ``.json``.

A third setting, ``human``, checks the human reference itself (assumed clean: no rater marked it)
against each system's MT as the re-translation: candidate clean text for the sentence-quality
calibration (``benchmarks/qe_train.py --human``); its words are all labelled GOOD, its segments MQM 0.

Usage: python benchmarks/qe_features.py [--settings ref,alt[,human]] [--no-fluency]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _mqm import error_spans, grouped_records, join  # noqa: E402

from mtcheck.backends import store  # noqa: E402
from mtcheck.config import Config  # noqa: E402
from mtcheck.pipeline import Checker  # noqa: E402
from mtcheck.readers import Article  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "mqm_dev.jsonl"


class MemoScorer:
    """Wraps the fluency scorer so each sentence is scored once: across the two settings, and across
    runs (kept in ``$MTCHECK_HOME/cache/qe_surprisals.json`` keyed by the LM's name and the text), so
    that re-extracting features after a feature change does not redo the language-model pass."""

    def __init__(self, inner) -> None:
        self.inner, self.name = inner, inner.name
        self.path = cache_dir() / "qe_surprisals.json"
        stored = json.loads(self.path.read_text()) if self.path.is_file() else {}
        self.memo = {t: [tuple(x) for x in v] for t, v in stored.get(self.name, {}).items()}

    def surprisals(self, texts, progress=None):
        todo = sorted({t for t in texts if t not in self.memo})
        if todo:
            for t, s in zip(todo, self.inner.surprisals(todo), strict=True):
                self.memo[t] = s
            stored = json.loads(self.path.read_text()) if self.path.is_file() else {}
            stored[self.name] = {t: [list(x) for x in v] for t, v in self.memo.items()}
            self.path.write_text(json.dumps(stored))
        return [self.memo[t] for t in texts]


def cache_dir() -> Path:
    out = store.home() / "cache"
    out.mkdir(parents=True, exist_ok=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--settings", default="ref,alt")
    parser.add_argument("--no-fluency", action="store_true")
    args = parser.parse_args()

    from mtcheck.models import ModelRegistry
    from mtcheck.qe.stage import encode_sides, rows_for
    from mtcheck.reporting import document_report

    groups = grouped_records(args.data)
    # quality_model off: the rule findings stored as features must not include the model's own.
    config = Config(fluency=not args.no_fluency, fail_on="never", embeddings="on", quality_model="off")
    loaded = ModelRegistry(config.model_settings)
    lm, embedder = loaded.fluency_scorer(), loaded.sentence_encoder()
    # The MT side is scored once across the two settings: the LM is memoised.
    memo = ModelRegistry(
        config.model_settings, scorer=MemoScorer(lm) if lm is not None else None, encoder=embedder
    )
    checker = Checker(config, models=memo)
    for setting in args.settings.split(","):
        started = time.perf_counter()
        arts, meta = [], []
        for doc, system, recs in groups:
            if setting == "human":
                # The human reference as the text checked, this system's MT as its re-translation:
                # text assumed clean (no rater saw it), checked as a user checks clean copy.
                mt, starts = join([r["ref"] for r in recs])
                ref, _ = join([r["mt"] for r in recs])
            else:
                mt, starts = join([r["mt"] for r in recs])
                ref, _ = join([r["ref"] if setting == "ref" else r["alt_mt"]["mt"] for r in recs])
            arts.append(Article(id=f"{doc}/{system}", text=mt, reference=ref, src_lang="zh"))
            meta.append((doc, system, recs, starts))
        batch = checker.prepare_all(arts)
        items, failed = batch.items, batch.failed
        assert not failed, failed
        xs, ys, art_idx, sent_idx, spans = [], [], [], [], []
        out_meta = []
        sides = encode_sides(embedder, [(it.doc, [it.reference.document]) for it in items])
        for a, (item, (doc, system, recs, starts)) in enumerate(zip(items, meta, strict=True)):
            report = document_report(checker.judge(item), checker.settings)
            assert not any(f.code.startswith("MT61") for f in report.findings), "model findings leaked in"
            mt_side, ref_sides = sides[a]
            rows = rows_for(mt_side, [(ref_sides[0], item.alignment)], item.fluency, report.findings)
            gold = (
                []
                if setting == "human"
                else [(s, e, err["severity"]) for s, e, err in error_spans(recs, starts)]
            )
            for w in rows.words:
                ys.append(any(w.start < e and s < w.end for s, e, _ in gold))
                sent_idx.append(w.sentence)
                spans.append((w.start, w.end))
            xs.append(rows.x)
            art_idx += [a] * len(rows.words)
            out_meta.append(
                {
                    "id": item.article.id,
                    "doc": doc,
                    "system": system,
                    "text": item.doc.text,
                    "sentences": [(s.start, s.end) for s in item.doc.sentences],
                    "segments": [
                        {
                            "start": st,
                            "end": st + len(r["ref" if setting == "human" else "mt"]),
                            "mqm": 0.0 if setting == "human" else r["mqm_score"],
                        }
                        for r, st in zip(recs, starts, strict=True)
                    ],
                    "gold": gold,
                    "baseline_findings": [(f.start, f.end, f.code) for f in report.findings],
                    "baseline_sentence_quality": [s.quality for s in report.sentence_scores],
                    "baseline_quality": report.quality,
                }
            )
        base = cache_dir() / f"qe_features_{setting}{'_nofluency' if args.no_fluency else ''}"
        np.savez_compressed(
            base.with_suffix(".npz"),
            x=np.concatenate(xs),
            y=np.array(ys, dtype=bool),
            article=np.array(art_idx),
            sentence=np.array(sent_idx),
            span=np.array(spans),
        )
        base.with_suffix(".json").write_text(json.dumps(out_meta))
        print(f"{setting}: {len(ys)} words, {sum(ys)} BAD, {time.perf_counter() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
