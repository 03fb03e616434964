"""What the word-level quality model adds to a full check, measured side by side.

Checks the example article (``examples/nato.en.txt``) with its human re-translation and the
fluency model on, alternately with ``quality_model = "off"`` and ``"on"`` in one process (models
loaded once, before timing), and reports the best of each and their ratio. The machine is shared,
so only the ratio of runs taken side by side means much.

Usage: python benchmarks/qe_speed.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtcheck.config import Config  # noqa: E402
from mtcheck.pipeline import Checker  # noqa: E402
from mtcheck.readers import Article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    article = Article(
        id="nato",
        text=(ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8"),
        reference=(ROOT / "examples" / "nato.ref.txt").read_text(encoding="utf-8"),
    )
    checkers = {
        mode: Checker(Config(fail_on="never", quality_model=mode, embeddings="on")) for mode in ("off", "on")
    }
    for checker in checkers.values():  # load every model before timing
        checker.run([article])
    times: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(args.repeats):
        for mode, checker in checkers.items():
            started = time.perf_counter()
            checker.run([article])
            times[mode].append(round(time.perf_counter() - started, 3))
    best = {mode: min(t) for mode, t in times.items()}
    result = {
        "article": "examples/nato.en.txt with examples/nato.ref.txt, fluency on, embeddings on",
        "seconds_best": best,
        "added_share": round(best["on"] / best["off"] - 1, 3),
        "all_times": times,
    }
    out = ROOT / "benchmarks" / "results" / "qe_speed.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
