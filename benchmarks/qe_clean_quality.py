"""Does `quality` tell clean from garbled? Clean articles with clean re-translations, and garbled copies.

Inputs (nothing here is fitted; the models are the shipped ones):
- clean: the seven articles of ``tests/data/clean/`` checked against their hand-written clean
  re-translations in ``tests/data/clean/retranslations/`` (same story in other words);
- garbled: the same articles with every second sentence garbled the way word-level MT fails
  (a run of four words reversed, articles dropped, two neighbouring words swapped; seeded), checked
  against the same clean re-translations; and ``examples/nato.en.txt`` with ``examples/nato.ref.txt``
  (a real garbled MT article).

For each, the document ``quality`` with the quality model off (rules + MT605 + hazard score) and
on (mtcheck.qe), fluency off or on (``--fluency``). Reported: the mean quality of the clean
articles (the issue asks >= 85) and whether every garbled article scores below every clean one.
Output: ``benchmarks/results/qe_clean_quality[_fluency].json``.

Usage: python benchmarks/qe_clean_quality.py [--fluency]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtcheck.config import Config  # noqa: E402
from mtcheck.pipeline import Checker  # noqa: E402
from mtcheck.readers import Article  # noqa: E402
from mtcheck.segment import segment  # noqa: E402

CLEAN = ROOT / "tests" / "data" / "clean"
ARTICLES_OF = re.compile(r"\b(the|a|an)\s+", re.IGNORECASE)


def garble_sentence(text: str, rng: random.Random) -> str:
    """Word-order and article errors of literal MT in one sentence (at least 8 words)."""
    words = text.split()
    if len(words) < 8:
        return text
    i = rng.randrange(1, len(words) - 5)
    words[i : i + 4] = reversed(words[i : i + 4])
    j = rng.randrange(1, len(words) - 2)
    words[j], words[j + 1] = words[j + 1], words[j]
    return ARTICLES_OF.sub("", " ".join(words))


def garble(text: str, seed: int) -> str:
    """Every second sentence garbled (from the second on), the rest and the layout untouched."""
    rng = random.Random(seed)
    doc = segment(text, "g")
    out, last = [], 0
    for s in doc.sentences:
        out.append(text[last : s.start])
        out.append(garble_sentence(s.text, rng) if s.index % 2 == 1 else s.text)
        last = s.end
    out.append(text[last:])
    return "".join(out)


def paired(rows: dict, mode: str) -> str:
    """How many clean articles score above their own garbled copy, as "k/n"."""
    pairs = [(r, rows[f"{name}+garbled"]) for name, r in rows.items() if f"{name}+garbled" in rows]
    wins = sum(c[f"quality_model_{mode}"] > g[f"quality_model_{mode}"] for c, g in pairs)
    return f"{wins}/{len(pairs)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fluency", action="store_true")
    args = parser.parse_args()
    arts = []
    for path in sorted(CLEAN.glob("*.txt")):
        mt = path.read_text(encoding="utf-8")
        ref = (CLEAN / "retranslations" / path.name).read_text(encoding="utf-8")
        arts.append(("clean", Article(id=path.stem, text=mt, reference=ref)))
        arts.append(
            ("garbled", Article(id=f"{path.stem}+garbled", text=garble(mt, len(arts)), reference=ref))
        )
    nato = (ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8")
    nato_ref = (ROOT / "examples" / "nato.ref.txt").read_text(encoding="utf-8")
    arts.append(("garbled", Article(id="nato.en", text=nato, reference=nato_ref)))
    out: dict = {"fluency": args.fluency, "articles": {}}
    for mode in ("off", "on"):
        config = Config(fluency=args.fluency, fail_on="never", embeddings="on", quality_model=mode)
        report = Checker(config).run([a for _, a in arts], strict=True)
        for (kind, art), doc in zip(arts, report.documents, strict=True):
            row = out["articles"].setdefault(art.id, {"kind": kind, "words": len(art.text.split())})
            row[f"quality_model_{mode}"] = round(doc.quality, 1)
        clean = [r[f"quality_model_{mode}"] for r in out["articles"].values() if r["kind"] == "clean"]
        bad = [r[f"quality_model_{mode}"] for r in out["articles"].values() if r["kind"] == "garbled"]
        out[f"quality_model_{mode}"] = {
            "clean_mean": round(sum(clean) / len(clean), 1),
            "clean_min": min(clean),
            "garbled_mean": round(sum(bad) / len(bad), 1),
            "garbled_max": max(bad),
            "every_garbled_below_every_clean": max(bad) < min(clean),
            "clean_above_its_garbled_copy": paired(out["articles"], mode),
        }
        print(mode, out[f"quality_model_{mode}"], flush=True)
    name = "qe_clean_quality_fluency.json" if args.fluency else "qe_clean_quality.json"
    (ROOT / "benchmarks" / "results" / name).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
