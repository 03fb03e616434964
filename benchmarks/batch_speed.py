"""Articles per second for `mtcheck batch`: rules only, and full checks with the embedded fluency model.

Builds ~600-word articles from the clean test corpus (every fifth one garbled), runs the batch
in-process the way the CLI does (read JSONL -> Checker.run) and writes benchmarks/results/batch_speed.json.

Rules only runs at the default (worker processes, one per CPU: mtcheck.procpool) and with
``threads = 1`` (one process), alternating, ``--repeats`` times each; the medians are reported. CPU
seconds include the worker processes'. ``--pool-cutoff`` times small batches both ways and an empty
pool's start-up, which is how pipeline.POOL_MIN_CHARS was chosen.

The machine is shared, so absolute numbers move with its load (reported next to them). --baseline REV
compares with the mtcheck package of an older git revision side by side: both run the same batch in
fresh processes at their default settings, alternating, and the ratio of their rates is what to quote.
The pure-Python scaling of this machine's cores (a loop alone and in one process per worker at once) is
recorded beside the pool's speed-up: the most a pool of processes can gain here.
Run: .venv/bin/python benchmarks/batch_speed.py [--articles 300] [--fluency-articles 10] [--profile]
     [--baseline REV --rounds 4] [--pool-cutoff]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
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
    elapsed, _, done = timed_cpu(path, config)
    return elapsed, done


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the batch's worker processes)."""
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + child.ru_utime + child.ru_stime


def timed_cpu(path: Path, config: Config) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (workers included), and articles checked."""
    start, cpu = time.perf_counter(), _cpu()
    articles, errors, _ = read_input(str(path), "auto", config)
    report = check_batch(articles, errors, config)
    return time.perf_counter() - start, _cpu() - cpu, len(report.documents)


def _spin(_: object = None) -> float:
    """Seconds of a fixed pure-Python loop (the kind of work the rules do: bytecode, no I/O)."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i * i
    return time.perf_counter() - start


def machine_scaling(workers: int, repeats: int = 3) -> dict:
    """How much more pure-Python work ``workers`` processes get done than one, on this machine now.

    The same loop runs alone and then in ``workers`` forked processes at once (best of ``repeats``
    each). On ``workers`` free physical cores the ratio is ``workers``; on SMT siblings or a host that
    shares its cores it is lower, and that is the most a pool of processes can gain here.
    """
    import multiprocessing

    alone = min(_spin() for _ in range(repeats))
    together = []
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for _ in range(repeats):
            start = time.perf_counter()
            pool.map(_spin, range(workers))
            together.append(time.perf_counter() - start)
    best = min(together)
    return {
        "workers": workers,
        "one_process_seconds": round(alone, 3),
        "all_workers_seconds": round(best, 3),
        "scaling": round(workers * alone / best, 2),
    }


def pool_cutoff(path: Path, sizes: tuple[int, ...] = (2, 4, 8, 12, 16, 24, 32, 48), repeats: int = 5) -> dict:
    """Wall time of small rules-only batches in one process and in the pool, alternating (medians),
    and of an empty pool's start and stop (two forked workers, one trivial chunk each)."""
    from mtcheck import pipeline, procpool

    lines = path.read_text(encoding="utf-8").splitlines()
    rows = []
    saved = pipeline.POOL_MIN_CHARS
    pipeline.POOL_MIN_CHARS = 0  # time the pool at every size
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for n in sizes:
                small = Path(tmp) / f"{n}.jsonl"
                small.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
                times: dict[str, list[float]] = {"one_process": [], "pool": []}
                for _ in range(repeats):
                    for name, threads in (("one_process", 1), ("pool", None)):
                        times[name].append(timed_cpu(small, Config(fluency=False, threads=threads))[0])
                one, pool = statistics.median(times["one_process"]), statistics.median(times["pool"])
                chars = sum(len(json.loads(line)["mt"]) for line in lines[:n])
                rows.append({"articles": n, "characters": chars, "one_process_ms": round(1000 * one, 1),
                             "pool_ms": round(1000 * pool, 1), "ratio": round(one / pool, 2)})  # fmt: skip
    finally:
        pipeline.POOL_MIN_CHARS = saved
    starts = []
    workers = procpool.default_workers()
    for _ in range(repeats):
        start = time.perf_counter()
        list(procpool.run_ordered(lambda a, b: b - a, 2 * workers, workers, warm=0))
        starts.append(time.perf_counter() - start)
    start_s = statistics.median(starts)
    largest = rows[-1]
    rate = largest["characters"] / (largest["one_process_ms"] / 1000)
    return {
        "workers": workers,
        "empty_pool_start_and_stop_ms": round(1000 * start_s, 1),
        "one_process_characters_per_second": round(rate),
        # Pooled time ~ start + t / workers: the pool wins once t > start * workers / (workers - 1).
        "break_even_characters": round(rate * start_s * workers / max(1, workers - 1)),
        "pool_min_chars": saved,
        "batches": rows,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


# Run in a fresh interpreter with one mtcheck tree first on sys.path: warm up, then time the batch
# (CPU seconds include worker processes).
_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from mtcheck.batch import check_batch, read_input
from mtcheck.config import Config
config = Config(fluency=False)
def cpu_now():
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + child.ru_utime + child.ru_stime
def run():
    start, cpu = time.perf_counter(), cpu_now()
    articles, errors, _ = read_input(sys.argv[2], "auto", config)
    report = check_batch(articles, errors, config)
    return time.perf_counter() - start, cpu_now() - cpu, len(report.documents)
run()
print(json.dumps([run() for _ in range(int(sys.argv[3]))]))
"""


def compare_with(revision: str, path: Path, rounds: int) -> dict:
    """Rules-only rates of this tree and of ``revision``'s mtcheck, measured alternately."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", revision], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as old_root:
        archive = subprocess.run(
            ["git", "archive", sha, "mtcheck"], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", old_root], input=archive.stdout, check=True)
        runs: dict[str, list[list[float]]] = {"current": [], "baseline": []}
        load_before = os.getloadavg()
        for _ in range(rounds):
            for name, root in (("current", str(ROOT)), ("baseline", old_root)):
                out = subprocess.run(
                    [sys.executable, "-c", _CHILD, root, str(path), "2"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                runs[name].extend(json.loads(out))
        load_after = os.getloadavg()
    result: dict = {"baseline_revision": sha, "timed_runs_each": 2 * rounds}
    for name, rows in runs.items():
        done = rows[0][2]
        result[name] = {
            "median_articles_per_second": round(done / statistics.median(r[0] for r in rows), 1),
            "best_articles_per_second": round(done / min(r[0] for r in rows), 1),
            "median_articles_per_cpu_second": round(done / statistics.median(r[1] for r in rows), 1),
        }
    for key in ("median_articles_per_second", "median_articles_per_cpu_second"):
        result[f"speedup_{key.removeprefix('median_')}"] = round(
            result["current"][key] / result["baseline"][key], 2
        )
    result["load_average_1min"] = {"before": round(load_before[0], 2), "after": round(load_after[0], 2)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--fluency-articles", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="Print the slowest functions of the rule run.")
    parser.add_argument(
        "--baseline", help="git revision whose mtcheck to compare with, side by side (rules only)"
    )
    parser.add_argument("--rounds", type=int, default=4, help="alternating runs of each tree with --baseline")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each rules-only layout")
    parser.add_argument("--pool-cutoff", action="store_true", help="time small batches pooled and not")
    args = parser.parse_args()
    # Sections this run does not measure keep their earlier numbers.
    results: dict = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        mean_words = make_jsonl(path, args.articles)
        rules, serial = Config(fluency=False), Config(fluency=False, threads=1)
        timed(path, rules)  # warm-up: imports, rule registry, gazetteers
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            timed_cpu(path, serial)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        load = os.getloadavg()[0]
        runs: dict[str, list[tuple[float, float, int]]] = {"default": [], "one_process": []}
        for _ in range(args.repeats):
            runs["default"].append(timed_cpu(path, rules))
            runs["one_process"].append(timed_cpu(path, serial))
        load_after = os.getloadavg()[0]
        from mtcheck.procpool import default_workers

        measured = {}
        for name, rows in runs.items():
            done = rows[0][2]
            elapsed = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[1] for r in rows)
            measured[name] = {
                "seconds": round(elapsed, 3),
                "articles_per_second": round(done / elapsed, 1),
                "best_articles_per_second": round(done / min(r[0] for r in rows), 1),
                "words_per_second": round(done * mean_words / elapsed),
                "cpu_seconds": round(cpu, 3),
                "articles_per_cpu_second": round(done / cpu, 1),
            }
        scaling = machine_scaling(default_workers())
        results["rules_only"] = {
            "articles": done,
            "mean_words": round(mean_words, 1),
            "workers": default_workers(),
            "timed_runs_each": args.repeats,
            **measured["default"],
            "one_process": measured["one_process"],
            "speedup_over_one_process": round(
                measured["default"]["articles_per_second"] / measured["one_process"]["articles_per_second"], 2
            ),
            "load_average_1min": {"before": round(load, 2), "after": round(load_after, 2)},
            # The pool's speed-up can be read only against what this machine's cores give together.
            "machine_scaling_pure_python": scaling,
        }
        now, one = measured["default"], measured["one_process"]
        print(
            f"rules only: {done} articles of ~{mean_words:.0f} words, median of {args.repeats}: "
            f"{now['articles_per_second']}/s with {default_workers()} worker(s), "
            f"{one['articles_per_second']}/s in one process "
            f"({one['articles_per_cpu_second']} per CPU second); "
            f"load average {load:.2f} -> {load_after:.2f} on {os.cpu_count()} CPUs; "
            f"a pure-Python loop in {scaling['workers']} processes does x{scaling['scaling']} the work of one"
        )
        if args.pool_cutoff:
            results["pool_cutoff"] = cutoff = pool_cutoff(path)
            print(
                f"pool start and stop: {cutoff['empty_pool_start_and_stop_ms']} ms; break-even "
                f"~{cutoff['break_even_characters']} characters "
                f"(POOL_MIN_CHARS {cutoff['pool_min_chars']}); small batches:"
            )
            for row in cutoff["batches"]:
                one, pooled = row["one_process_ms"], row["pool_ms"]
                print(f"  {row['articles']:3d} articles ({row['characters']} characters): "
                      f"{one} ms in one process, {pooled} ms pooled (x{row['ratio']})")  # fmt: skip
        if args.baseline:
            compared = compare_with(args.baseline, path, args.rounds)
            results["rules_only_vs_baseline"] = compared
            now, then = compared["current"], compared["baseline"]
            print(
                f"vs {compared['baseline_revision']}: {now['median_articles_per_second']}/s against "
                f"{then['median_articles_per_second']}/s, x{compared['speedup_articles_per_second']} "
                f"(CPU: x{compared['speedup_articles_per_cpu_second']}); load {compared['load_average_1min']}"
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
