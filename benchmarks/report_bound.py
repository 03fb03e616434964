"""The report bound: how many findings of one rule real articles get, and what hostile shapes cost.

Part 1 (the default of ``report_max_repeats``): the most findings of any one rule in any one
document, rules only, over real articles that were never used to tune a rule constant: the 60 MQM
dev articles (`/work/shared/data/mqm_dev.jsonl`, checked with the human reference as the
re-translation, so the comparison rules run too), the same 60 with their alternative system output,
and the clean test corpus (`tests/data/clean`). The example article is left out (never tuned on).
A default is safe when it is well above the largest count seen, so no real article is collapsed.

Part 2 (the amplification bound): hostile shapes of 100,000 characters run through the real CLI,
rules only, in a child process: wall time, peak RSS, and the size of each rendered report format
relative to the input.

Run: .venv/bin/python benchmarks/report_bound.py  ->  benchmarks/results/report_bound.json
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtcheck.config import Config  # noqa: E402
from mtcheck.pipeline import Checker  # noqa: E402
from mtcheck.readers import Article  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "report_bound.json"
MQM = Path("/work/shared/data/mqm_dev.jsonl")
CLEAN = sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))
SIZE = 100_000
SHAPES = {
    "one bracket `(`": ("(", ".txt"),
    "one bracket `[` in Markdown": ("[", ".md"),
    "one quote mark `“`": ("“", ".txt"),
    'straight quotes `"`': ('"', ".txt"),
    "all abbreviations `U.S. `": ("U.S. ", ".txt"),
    "one word repeated `the `": ("the ", ".txt"),
    "one-letter lines `A\\n`": ("A\n", ".txt"),
    "lowercase paragraphs `a\\n\\n`": ("a\n\n", ".txt"),
    "`<p>(</p>` in HTML": ("<p>(</p>", ".html"),
    'quoted letters `"a"\\n`': ('"a"\n', ".txt"),
    "numbered lines `1.\\n`": ("1.\n", ".txt"),
    "one word per line `Word\\n`": ("Word\n", ".txt"),
    "`<li>x</li>` in HTML": ("<li>x</li>", ".html"),
    "Markdown list items `- a\\n`": ("- a\n", ".md"),
    "closing brackets `)`": (")", ".txt"),
    "nested Markdown links `[[…a](x)](x)…`": ("nested links", ".md"),
}


def _nested_links(size: int) -> str:
    """Links nested size/5 deep: the innermost is a link, the rest is text of `[` and `](x)`."""
    return "[" * (size // 5) + "a" + "](x)" * (size // 5)


# Shapes that are not one unit repeated, built by a function of the size.
BUILT = {"nested links": _nested_links}


def _articles() -> list[Article]:
    groups: dict[tuple[str, str], list[dict]] = {}
    with MQM.open(encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            groups.setdefault((rec["doc"], rec["system"]), []).append(rec)
    out = []
    for (doc, system), recs in sorted(groups.items()):
        recs.sort(key=lambda r: r["doc_seg_id"])
        mt = "\n\n".join(r["mt"] for r in recs)
        out.append(Article(id=f"{doc}/{system}", text=mt, reference="\n\n".join(r["ref"] for r in recs)))
        alt = "\n\n".join(r["alt_mt"]["mt"] for r in recs)
        out.append(Article(id=f"{doc}/{system}/alt", text=alt, reference=mt))
    for path in CLEAN:
        out.append(Article(id=path.name, text=path.read_text(encoding="utf-8")))
    return out


def most_repeated() -> dict:
    # Embeddings off: the rules see the same alignment within noise (README), at a tenth of the time.
    report = Checker(Config(fluency=False, embeddings="off")).run(_articles())
    worst: list[tuple[int, str, str]] = []
    for doc in report.documents:
        counts = Counter(f.code for f in doc.findings)
        worst.extend((n, code, doc.document.id) for code, n in counts.items())
    worst.sort(reverse=True)
    from mtcheck.render.bound import finding_budget, sentence_budget

    # The document budgets (findings in all, sentence records) must not meet a real article either.
    per_doc = sorted((len(d.findings), d.document.id) for d in report.documents)
    density = sorted(
        (len(d.document.text) / max(1, len(d.document.sentences)), len(d.document.sentences), d.document.id)
        for d in report.documents
    )
    return {
        "documents": len(report.documents),
        "findings": sum(len(d.findings) for d in report.documents),
        "max_per_rule_per_document": worst[0][0] if worst else 0,
        "top": [{"count": n, "code": code, "document": doc} for n, code, doc in worst[:10]],
        "max_findings_per_document": {"count": per_doc[-1][0], "document": per_doc[-1][1]},
        "fewest_chars_per_sentence": [
            {"chars_per_sentence": round(c, 1), "sentences": n, "document": doc} for c, n, doc in density[:3]
        ],
        # Documents whose rendered view drops records by the two document budgets (the snippet cut
        # of long messages, which changes no count, is left out of this figure).
        "documents_over_a_budget": sum(
            len(d.findings) > finding_budget(d, Config().report_max_repeats)
            or len(d.document.sentences) > sentence_budget(d)
            for d in report.documents
        ),
    }


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))


def _shape(unit: str, suffix: str, size: int) -> str:
    if unit in BUILT:
        return BUILT[unit](size)
    if suffix == ".html":
        return unit * (size // len(unit))
    return (unit * (size // len(unit) + 1))[:size]


def _ratios(unit: str, suffix: str) -> dict[str, float]:
    """Report size / input size in every format, 100,000 characters, rendered in-process."""
    from mtcheck.pipeline import check_article
    from mtcheck.readers import article_from_text
    from mtcheck.render import FORMATS, render

    text = _shape(unit, suffix, SIZE)
    fmt = {".md": "markdown", ".html": "html"}.get(suffix, "text")
    report = check_article(article_from_text(text, "hostile", fmt), Config(fluency=False))
    size = len(text.encode("utf-8"))
    return {f: round(len(render(report, f).encode("utf-8")) / size, 2) for f in FORMATS}


def _cli(path: Path) -> dict:
    """Rules-only CLI run with a JSON report under a 1.5 GB address-space cap: its own RSS and CPU."""
    out = path.with_suffix(".json")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mtcheck", "check", str(path), "--no-fluency", "-f", "json", "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_child,
        cwd=ROOT,
    )
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "stderr": stderr.strip()[-300:],
        "wall_s": round(time.perf_counter() - started, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "report_ratio": round(out.stat().st_size / path.stat().st_size, 2) if out.exists() else None,
    }


def hostile() -> dict:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = _cli(_write(Path(tmp) / "one.txt", "The ministers met in Brussels on Tuesday.\n"))
        clean = "\n\n".join(p.read_text(encoding="utf-8").strip() for p in CLEAN)
        shapes = {"clean wire copy": (clean + "\n\n", ".txt"), **SHAPES}
        for name, (unit, suffix) in shapes.items():
            path = _write(Path(tmp) / f"a{suffix}", _shape(unit, suffix, 1_000_000))
            load = os.getloadavg()[0]  # CPU seconds inflate on a shared, loaded machine
            run = _cli(path)
            mb = path.stat().st_size / 1e6
            row = {
                "shape": name,
                "ratio_100k": _ratios(unit, suffix),
                "1MB": {
                    **run,
                    "megabytes": round(mb, 2),
                    "cpu_s_per_mb": round(run["cpu_s"] / mb, 2),
                    "load_average_1min": round(load, 1),
                    "bytes_per_char_above_baseline": round(
                        (run["max_rss_mb"] - base["max_rss_mb"]) * 2**20 / 1e6
                    ),
                },
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    return {"baseline": base, "load_average": os.getloadavg(), "rows": rows}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    out: dict = {}
    if "--shapes-only" not in sys.argv:
        out["real_articles"] = most_repeated()
        print(json.dumps(out["real_articles"], indent=1), flush=True)
    if "--counts-only" not in sys.argv:
        out["hostile_shapes"] = hostile()
    out["default_report_max_repeats"] = Config().report_max_repeats
    if RESULTS.exists():
        previous = json.loads(RESULTS.read_text(encoding="utf-8"))
        out = {**previous, **out}
    RESULTS.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
