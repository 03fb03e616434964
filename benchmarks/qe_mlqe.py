"""Word features without a re-translation for MLQE-PE (../shared/data/mlqe_pe/), the quality model's
extra training data.

MLQE-PE (Fomicheva et al. 2022, CC0 1.0; the English-target part of the WMT 2020-2021 QE tasks:
ro, et, ru, ne, si -> en Wikipedia sentences, one NMT system per pair) tags every MT token OK/BAD
from a professional post-edit. It has no re-translation by a second engine, so only the columns of
:mod:`mtcheck.qe.features` that need none are computed here: the word's shape (``SHAPE``) and, with
the fluency pass, its surprisal (``FLUENCY`` but ``flu_ref_diff``). ``benchmarks/qe_train.py
--prior`` fits a *prior* on these rows alone and offers its log-odds to the MQM model as one more
column (see that script): no MQM row is ever used here, so adding the column cannot leak a test fold.

Each sentence is detokenised (:func:`detokenise`, keeping every token's character span), checked
as one article by mtcheck's own stages (segmentation, the fluency pass: the same code a check
runs), and a word (a whitespace run, as :mod:`mtcheck.qe.words`) is BAD when any token inside it
is BAD. Gap tags (insertions by the post-editor) are not used: an omission needs a re-translation
to be seen. The post-edit (``pe``) and ``hter`` are never read.

Sample: the first ``--per-pair`` training sentences of each pair in ``--pairs`` (default 1,500 of
each of the five: 7,500 sentences, ~140,000 words; the language-model pass is the cost, ~10-20
minutes on one thread). Output: ``$MTCHECK_HOME/cache/qe_mlqe[_nofluency].npz`` (x over all of
``FEATURES`` with the re-translation and rule columns zero, y, pair index).

Usage: OMP_NUM_THREADS=1 nice python benchmarks/qe_mlqe.py [--per-pair 1500] [--no-fluency]
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

from qe_features import MemoScorer, cache_dir  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "mlqe_pe"
PAIRS = ("ro-en", "et-en", "ru-en", "ne-en", "si-en")
# Tokens written without a space before them (Moses-style tokenisation splits them off) ...
_NO_SPACE_BEFORE = frozenset(
    (
        ".",
        ",",
        ";",
        ":",
        "!",
        "?",
        "%",
        ")",
        "]",
        "}",
        "'s",
        "’s",
        "n't",
        "'",
        "'re",
        "'ve",
        "'ll",
        "'d",
        "'m",
    )
)
# ... and after them.
_NO_SPACE_AFTER = frozenset(("(", "[", "{", "$"))
_ENTITIES = {"&quot;": '"', "&apos;": "'", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#91;": "[", "&#93;": "]"}


def detokenise(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Moses-style tokens -> (text, each token's (start, end) in it). HTML entities of the release are
    decoded; punctuation and clitics join the previous token, opening brackets the next one; a
    double quote joins the next token when it opens (an even count so far) and the previous one when
    it closes. Never raises; an empty token list gives ``("", [])``."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, quotes, glue_next = 0, 0, True
    for raw in tokens:
        tok = _ENTITIES.get(raw, raw)
        space = not glue_next
        if tok in _NO_SPACE_BEFORE or (tok == '"' and quotes % 2 == 1):
            space = False
        if space:
            parts.append(" ")
            pos += 1
        parts.append(tok)
        spans.append((pos, pos + len(tok)))
        pos += len(tok)
        glue_next = tok in _NO_SPACE_AFTER or (tok == '"' and quotes % 2 == 0)
        if tok == '"':
            quotes += 1
    return "".join(parts), spans


def word_labels(words: list[tuple[int, int]], spans: list[tuple[int, int]], tags: list[str]) -> list[bool]:
    """Per word (start, end): BAD when a token span overlapping it is tagged BAD (``tags`` one
    ``OK``/``BAD`` per token of ``spans``; ValueError when their lengths differ)."""
    if len(spans) != len(tags):
        raise ValueError(f"{len(spans)} tokens but {len(tags)} tags")
    bad = [(a, b) for (a, b), tag in zip(spans, tags, strict=True) if tag == "BAD"]
    return [any(a < end and start < b for a, b in bad) for start, end in words]


def sample(pairs: list[str], per_pair: int) -> list[dict]:
    out = []
    for pair in pairs:
        with (DATA / f"{pair}.train.jsonl").open(encoding="utf-8") as fh:
            for k, line in enumerate(fh):
                if k >= per_pair:
                    break
                out.append(json.loads(line))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", default=",".join(PAIRS))
    parser.add_argument("--per-pair", type=int, default=1500)
    parser.add_argument("--no-fluency", action="store_true")
    args = parser.parse_args()

    from mtcheck.config import Config
    from mtcheck.models import ModelRegistry
    from mtcheck.pipeline import Checker
    from mtcheck.qe.features import FEATURES, FLUENCY, SHAPE, _fluency, _shape
    from mtcheck.qe.side import Side
    from mtcheck.qe.words import sentence_words
    from mtcheck.readers import Article

    pairs = args.pairs.split(",")
    records = sample(pairs, args.per_pair)
    config = Config(fluency=not args.no_fluency, fail_on="never", embeddings="off", quality_model="off")
    loaded = ModelRegistry(config.model_settings)
    lm = loaded.fluency_scorer()
    checker = Checker(
        config, models=ModelRegistry(config.model_settings, scorer=MemoScorer(lm) if lm else None)
    )
    started = time.perf_counter()
    texts = [detokenise(r["mt_tokens"]) for r in records]
    arts = [Article(id=r["id"], text=t) for r, (t, _) in zip(records, texts, strict=True)]
    batch = checker.prepare_all(arts)
    assert not batch.failed, batch.failed[:3]
    first_shape, first_flu = FEATURES.index(SHAPE[0]), FEATURES.index(FLUENCY[0])
    xs, ys, pair_idx = [], [], []
    for item, r, (_, spans) in zip(batch.items, records, texts, strict=True):
        words = sentence_words(item.doc)
        side = Side(item.doc, words, [])
        flat = [w for ws in words for w in ws]
        x = np.zeros((len(flat), len(FEATURES)), dtype=np.float32)
        x[:, first_shape : first_shape + len(SHAPE)] = _shape(side)
        x[:, first_flu : first_flu + len(FLUENCY)] = _fluency(side, item.fluency)
        xs.append(x)
        ys += word_labels([(w.start, w.end) for w in flat], spans, r["word_tags"])
        pair_idx += [pairs.index(r["pair"])] * len(flat)
    base = cache_dir() / f"qe_mlqe{'_nofluency' if args.no_fluency else ''}"
    np.savez_compressed(
        base.with_suffix(".npz"),
        x=np.concatenate(xs),
        y=np.array(ys, dtype=bool),
        pair=np.array(pair_idx),
        pairs=np.array(pairs),
        sentences=np.array(len(records)),
    )
    print(
        f"{len(records)} sentences, {len(ys)} words, {np.mean(ys):.3f} BAD, "
        f"{time.perf_counter() - started:.0f}s",
        flush=True,
    )


if __name__ == "__main__":
    main()
