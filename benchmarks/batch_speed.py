"""Articles per second for `mtcheck batch`: rules only, and full checks with the embedded fluency model.

Builds ~600-word articles from the clean test corpus (every fifth one garbled), runs the batch
in-process the way the CLI does (read JSONL -> Checker.run) and writes benchmarks/results/batch_speed.json.
Run: .venv/bin/python benchmarks/batch_speed.py [--articles 300] [--fluency-articles 10] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtcheck.batch import check_batch, read_input  # noqa: E402
from mtcheck.config import Config  # noqa: E402

CLEAN = sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))
RESULTS = ROOT / "benchmarks" / "results" / "batch_speed.json"


def make_jsonl(path: Path, n: int, words: int = 600, seed: int = 1) -> float:
    rng = random.Random(seed)
    paras = [p.strip() for f in CLEAN for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            chosen: list[str] = []
            while sum(len(p.split()) for p in chosen) < words:
                chosen.append(rng.choice(paras))
            if i % 5 == 0:
                first, _, rest = chosen[0].partition(" ")
                chosen[0] = f"{first.lower()} {rest}"
            text = "\n\n".join(chosen)
            total += len(text.split())
            out.write(json.dumps({"id": f"a{i:05d}", "mt": text}) + "\n")
    return total / n


def timed(path: Path, config: Config) -> tuple[float, int]:
    start = time.perf_counter()
    articles, errors, _ = read_input(str(path), "auto", config)
    report = check_batch(articles, errors, config)
    elapsed = time.perf_counter() - start
    return elapsed, len(report.documents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--fluency-articles", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="Print the slowest functions of the rule run.")
    args = parser.parse_args()
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        mean_words = make_jsonl(path, args.articles)
        rules = Config(fluency=False)
        timed(path, rules)  # warm-up: imports, rule registry, gazetteers
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
        elapsed, done = timed(path, rules)
        if args.profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        results["rules_only"] = {
            "articles": done,
            "mean_words": round(mean_words, 1),
            "seconds": round(elapsed, 3),
            "articles_per_second": round(done / elapsed, 1),
            "words_per_second": round(done * mean_words / elapsed),
        }
        print(
            f"rules only: {done} articles of ~{mean_words:.0f} words: {elapsed:.2f}s, {done / elapsed:.1f}/s"
        )
        if args.fluency_articles:
            small = Path(tmp) / "fluency.jsonl"
            make_jsonl(small, args.fluency_articles, seed=2)
            full = Config(fluency=True)
            try:
                load_start = time.perf_counter()
                timed(small, full)  # first run includes loading (and converting, once) the model
                first = time.perf_counter() - load_start
                elapsed, done = timed(small, full)
                results["full_with_fluency"] = {
                    "articles": done,
                    "seconds": round(elapsed, 3),
                    "articles_per_second": round(done / elapsed, 3),
                    "first_run_seconds_including_model_load": round(first, 2),
                }
                print(f"with fluency: {done} articles in {elapsed:.2f}s = {done / elapsed:.2f}/s")
            except Exception as exc:  # report, don't hide: the rules-only number is still valid
                results["full_with_fluency"] = {"error": f"{type(exc).__name__}: {exc}"}
                print(f"with fluency: failed: {exc}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
