"""Throughput of `mtcheck batch --ray` with 1 and 2 Ray workers against a local run of the same feed.

Every run is the real command line in a fresh process (so each side pays its own imports and model
load): the local run is `mtcheck batch FEED`, the Ray runs are `mtcheck batch FEED --ray auto
--ray-workers K` joining a 2-CPU cluster this script starts once (its start-up is reported apart:
an existing cluster does not pay it per batch). Runs are interleaved (local, 1 worker, 2 workers,
repeat) so the load of a shared machine falls on all of them alike; the median is reported. Every
Ray report must be byte-identical to the local one. Writes benchmarks/results/ray_speed.json.

Run: .venv/bin/python benchmarks/ray_speed.py [--articles 60] [--repeats 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN = sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))
RESULTS = ROOT / "benchmarks" / "results" / "ray_speed.json"
MTCHECK = str(Path(sys.executable).parent / "mtcheck")


def make_feed(path: Path, n: int, seed: int = 3) -> int:
    """n one-paragraph articles from the clean corpus, every fourth with a dropped capital; words."""
    rng = random.Random(seed)
    paras = [p.strip() for f in CLEAN for p in f.read_text(encoding="utf-8").split("\n\n")]
    paras = [p for p in paras if 25 <= len(p.split()) <= 80]
    words = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = rng.choice(paras)
            if i % 4 == 0:
                text = text[0].lower() + text[1:]
            words += len(text.split())
            out.write(json.dumps({"id": f"story-{i:03d}", "mt": text}, ensure_ascii=False) + "\n")
    return words


def code_hash() -> str:
    """A hash of the package source: others edit the tree while this runs, and a report can only be
    compared with one made by the same code."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "mtcheck").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def run_cli(feed: Path, out: Path, extra: list[str], env: dict[str, str]) -> float:
    args = [MTCHECK, "batch", str(feed), "-f", "json", "-o", str(out), "-q", *extra]
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    import ray

    from mtcheck.backends import store

    store.ensure(store.default_card())  # the one-off conversion is not part of any timing
    tmp = Path(tempfile.mkdtemp(prefix="ray-speed-"))
    feed = tmp / "feed.jsonl"
    words = make_feed(feed, args.articles)
    load_before = os.getloadavg()

    started = time.perf_counter()
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=150 * 1024**2,
        log_to_driver=False,
        logging_level=logging.WARNING,
    )
    cluster_start_s = time.perf_counter() - started
    env = dict(os.environ, RAY_ADDRESS=ray.get_runtime_context().gcs_address)

    setups = {
        "local": [],
        "ray-1-worker": ["--ray", "auto", "--ray-workers", "1"],
        "ray-2-workers": ["--ray", "auto", "--ray-workers", "2"],
    }
    results: dict[str, dict] = {}
    skipped: list[str] = []  # identity checks that could not be made
    try:
        for mode, flags in (("full", []), ("rules-only", ["--no-fluency"])):
            times: dict[str, list[float]] = {name: [] for name in setups}
            identical: dict[str, bool] = {}
            for r in range(args.repeats):
                before = code_hash()
                for name, extra in setups.items():
                    out = tmp / f"{mode}-{name}-{r}.json"
                    times[name].append(run_cli(feed, out, [*flags, *extra], env))
                if code_hash() != before:
                    skipped.append(f"{mode} repeat {r}: the source changed during the repeat")
                    continue
                for name in setups:
                    if name != "local":
                        same = (tmp / f"{mode}-{name}-{r}.json").read_bytes() == (
                            tmp / f"{mode}-local-{r}.json"
                        ).read_bytes()
                        identical[name] = identical.get(name, True) and same
            local = statistics.median(times["local"])
            rows = {}
            for name, values in times.items():
                median = statistics.median(values)
                rows[name] = {
                    "seconds": [round(v, 2) for v in values],
                    "median_s": round(median, 2),
                    "articles_per_s": round(args.articles / median, 2),
                    "vs_local": round(median / local, 3),
                    "identical_to_local": identical.get(name) if name != "local" else None,
                }
            results[mode] = rows
    finally:
        ray.shutdown()

    report = {
        "benchmark": "ray_speed",
        "articles": args.articles,
        "words": words,
        "repeats": args.repeats,
        "cluster": "local Ray cluster, 2 CPUs, started once by this script (not in the timings)",
        "cluster_start_s": round(cluster_start_s, 2),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip(),
        "identity_not_checked": skipped,
        "results": results,
        "ray_overhead_one_worker_full": results["full"]["ray-1-worker"]["vs_local"],
        "speedup_two_workers_full": round(1 / results["full"]["ray-2-workers"]["vs_local"], 3),
        "machine": {
            "python": platform.python_version(),
            "ray": ray.__version__,
            "cpus": os.cpu_count(),
            "load_avg_before": [round(x, 2) for x in load_before],
            "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        },
        "note": (
            "Each time is a whole `mtcheck batch` process: imports, model load, checks, report. "
            "Both cores are shared with other work, so two workers cannot reach 2x; a local run and "
            "a one-worker Ray run each score with one torch thread."
        ),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
