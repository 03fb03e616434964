"""Load on `mtcheck serve` over loopback, against the CLI checking the same articles one process each.

Articles: the 60 dev-set articles of /work/shared/data/mqm_dev.jsonl (6 news documents x 10 systems,
segments joined one paragraph each, in document order). Fluency is on (the embedded model, from
MTCHECK_HOME) for both sides, with the same settings.

1. Start `mtcheck serve` on a free loopback port; wait until /readyz.
2. Warm up with ``--warmup`` requests; read the server's resident memory (VmRSS).
3. ``--requests`` requests from ``--clients`` concurrent clients, cycling through the articles. A 429
   is a deliberate refusal: the client waits Retry-After and sends again (counted, not an error).
   Anything else but 200 is an error. Latency is from send to answer of the successful try.
4. Resident memory again; growth against after warm-up.
5. The CLI: `mtcheck check FILE --format json` in a fresh process per article for ``--cli-articles``
   of the same articles, ``--cli-parallel`` processes at a time. Throughput ratio = service / CLI.

Bounded: ``--max-seconds`` stops the load phase (and fails the run) if it overruns; every request
has a timeout. The machine is shared, so the 1-minute load average is recorded beside each phase.
Run: MTCHECK_HOME=... .venv/bin/python benchmarks/serve_load.py [--requests 300 --clients 8]
Writes benchmarks/results/serve_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serve.live import LiveServer  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "mqm_dev.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "serve_load.json"


def dev_articles(segments: int = 10) -> list[dict[str, str]]:
    """Articles of ``segments`` consecutive MT segments of one (document, system), one paragraph each.

    With 10 (the default) each article is a whole document: 60 articles. With 2, a headline and its
    lead paragraph, or two later paragraphs: 300 shorter articles.
    """
    docs: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for line in DATA.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        docs[(rec["doc"], rec["system"])].append((rec["doc_seg_id"], rec["mt"]))
    out = []
    for (doc, system), segs in sorted(docs.items()):
        texts = [mt for _, mt in sorted(segs)]
        for k in range(0, len(texts), segments):
            out.append({"id": f"{doc}/{system}/{k // segments}", "mt": "\n\n".join(texts[k : k + segments])})
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load_phase(url: str, articles: list[dict], requests: int, clients: int, max_seconds: float) -> dict:
    latencies: list[float] = []
    refused = errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        nonlocal refused, errors
        with httpx.Client(timeout=900) as http:
            for n in counter:
                body = articles[n % len(articles)]
                while time.monotonic() < deadline:
                    sent = time.monotonic()
                    try:
                        r = http.post(f"{url}/v1/check", json=body)
                    except httpx.TransportError:
                        with lock:
                            errors += 1
                        break
                    if r.status_code == 429:
                        with lock:
                            refused += 1
                        time.sleep(int(r.headers.get("retry-after", "1")))
                        continue
                    with lock:
                        if r.status_code == 200 and r.json()["documents"][0]["id"] == body["id"]:
                            latencies.append(time.monotonic() - sent)
                        else:
                            errors += 1
                    break

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(client) for _ in range(clients)]:
            f.result()
    elapsed = time.monotonic() - started
    return {
        "requests": requests,
        "answered": len(latencies),
        "errors": errors,
        "refused_429": refused,
        "seconds": round(elapsed, 1),
        "articles_per_second": round(len(latencies) / elapsed, 4),
        "latency_s": {
            "p50": round(percentile(latencies, 0.5), 2),
            "p95": round(percentile(latencies, 0.95), 2),
            "max": round(max(latencies), 2),
            "mean": round(statistics.fmean(latencies), 2),
        },
    }


def cli_phase(articles: list[dict], parallel: int, folder: Path) -> dict:
    paths = []
    for i, article in enumerate(articles):
        path = folder / f"article{i:02d}.txt"
        path.write_text(article["mt"], encoding="utf-8")
        paths.append(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    failures = 0

    def one(path: Path) -> float:
        nonlocal failures
        t = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "mtcheck", "check", str(path), "--format", "json", "--quiet"],
            capture_output=True, text=True, cwd=folder, env=env, timeout=600,
        )  # fmt: skip
        if done.returncode not in (0, 1) or json.loads(done.stdout)["summary"]["documents"] != 1:
            failures += 1
        return time.monotonic() - t

    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        per_process = list(pool.map(one, paths))
    elapsed = time.monotonic() - started
    return {
        "articles": len(paths),
        "parallel_processes": parallel,
        "failures": failures,
        "seconds": round(elapsed, 1),
        "articles_per_second": round(len(paths) / elapsed, 4),
        "seconds_per_process_median": round(statistics.median(per_process), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--segments", type=int, default=10, help="MT segments per article (10: a document)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-batch", type=int, default=16)
    parser.add_argument("--cli-articles", type=int, default=12)
    parser.add_argument("--cli-parallel", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-seconds", type=float, default=1800)
    args = parser.parse_args()

    articles = dev_articles(args.segments)
    words = [len(a["mt"].split()) for a in articles]
    result: dict = {
        "articles": {"source": "shared/data/mqm_dev.jsonl", "segments_each": args.segments,
                     "count": len(articles), "mean_words": round(statistics.fmean(words), 1)},
        "settings": {"workers": args.workers, "max_batch": args.max_batch, "clients": args.clients,
                     "fluency": True, "embeddings": "off"},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = LiveServer(
            folder, "--workers", str(args.workers), "--max-batch", str(args.max_batch), "--queue", "64",
            "--timeout", "900",
        )  # fmt: skip
        try:
            t = time.monotonic()
            server.wait_ready(600)
            result["service_start_seconds"] = round(time.monotonic() - t, 1)
            pid = server.process.pid
            warm = load_phase(server.url, articles[: args.warmup], args.warmup, args.clients, 600)
            rss_warm = rss_mb(pid)
            load_before = os.getloadavg()[0]
            service = load_phase(server.url, articles, args.requests, args.clients, args.max_seconds)
            rss_after = rss_mb(pid)
            service["load_average_1min"] = {
                "before": round(load_before, 2),
                "after": round(os.getloadavg()[0], 2),
            }
            stats = httpx.get(f"{server.url}/readyz", timeout=10).json()["batches"]
            service["batches"] = stats
            service["mean_batch"] = round(stats["articles"] / max(1, stats["count"]), 2)
        finally:
            server.stop()
        result["warmup"] = {"requests": args.warmup, "errors": warm["errors"]}
        result["service"] = service
        result["rss_mb"] = {
            "after_warmup": round(rss_warm, 1),
            "after_run": round(rss_after, 1),
            "growth_percent": round(100 * (rss_after - rss_warm) / rss_warm, 2),
        }
        load_before = os.getloadavg()[0]
        cli = cli_phase(articles[: args.cli_articles], args.cli_parallel, folder)
        cli["load_average_1min"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
        result["cli"] = cli
    # From counts and seconds, not from the rounded rates.
    result["throughput_ratio_service_vs_cli"] = round(
        (service["answered"] / service["seconds"]) / (cli["articles"] / cli["seconds"]), 2
    )
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
