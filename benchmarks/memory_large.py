"""Peak memory and time of checking one very large article rule-only, through the real CLI.

Builds an article of ``--mb`` megabytes from the clean test corpus and the garbled NATO example
(so the rules have something to find), runs ``mtcheck check FILE --no-fluency --max-chars N -f json
-o OUT`` in a child process and reads the child's peak resident set size (ru_maxrss). Writes
benchmarks/results/memory_large.json.
Run: .venv/bin/python benchmarks/memory_large.py [--mb 50] [--format json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "memory_large.json"


def build_article(size: int) -> str:
    parts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))]
    parts.append((ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8"))
    base = "\n\n".join(p.strip() for p in parts)
    copies = size // (len(base) + 2) + 1
    return "\n\n".join([base] * copies)[:size].rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="article size in millions of characters")
    parser.add_argument("--format", default="json", help="report format to render")
    parser.add_argument("--no-write", action="store_true", help="do not update the results file")
    args = parser.parse_args()

    chars = int(args.mb * 1_000_000)
    mtcheck = Path(sys.executable).parent / "mtcheck"
    command = [str(mtcheck)] if mtcheck.exists() else [sys.executable, "-m", "mtcheck"]
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "large.txt"
        article.write_text(build_article(chars), encoding="utf-8")
        report = Path(tmp) / "report.out"
        run = [
            *command,
            "check",
            str(article),
            "--no-fluency",
            "--max-chars",
            str(chars + 1000),
            "-f",
            args.format,
            "-o",
            str(report),
        ]
        started = time.perf_counter()
        proc = subprocess.run(run, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        # ru_maxrss of the children is the peak of the largest child; kilobytes on Linux, bytes on macOS.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak_mb = peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024
        findings = None
        sentences = None
        if args.format == "json" and report.exists():
            data = json.loads(report.read_text(encoding="utf-8"))
            findings = sum(data["summary"]["findings"].values())
            sentences = len(data["documents"][0]["sentences"])
        result = {
            "article_chars": chars,
            "article_bytes": article.stat().st_size,
            "format": args.format,
            "exit_code": proc.returncode,
            "stderr": proc.stderr.strip()[-500:],
            "seconds": round(seconds, 1),
            "peak_rss_mb": round(peak_mb, 1),
            "peak_rss_per_input_byte": round(peak * (1024 if sys.platform != "darwin" else 1) / chars, 1),
            "report_bytes": report.stat().st_size if report.exists() else None,
            "sentences": sentences,
            "findings": findings,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        }
    print(json.dumps(result, indent=2))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
