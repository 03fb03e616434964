"""Golden JSON reports: what the command line prints today for fixed inputs, kept in tests/golden/.

The cases (see ``CASES``):

- ``nato_rules.json`` / ``nato_rules_ref.json``: ``mtcheck check examples/nato.en.txt --no-fluency``
  without and with ``--reference examples/nato.ref.txt``;
- ``nato_fluency.json`` / ``nato_fluency_ref.json``: the same with the embedded fluency model;
- ``mqm_dev_ref.json.gz``: ``mtcheck batch`` over the 60 dev articles of ../shared/data/mqm_dev.jsonl
  (records grouped by document and system, segments joined one per paragraph as in
  benchmarks/_mqm.py) with the joined ``ref`` as re-translation, rules only.

Every case runs with sentence embeddings ``on`` (a missing ``embeddings`` extra fails loudly instead of
changing the alignment) and through the CLI, so the goldens pin what a user sees, whatever the code
behind it looks like. tests/golden/test_golden.py compares them byte for byte except the ``signature``
string, which is expected to change when settings it pins change.

Regenerate (only when findings or scores change on purpose, and say why in the same commit):

    PYTHONPATH=. .venv/bin/python tests/golden/regenerate.py          # all cases
    PYTHONPATH=. .venv/bin/python tests/golden/regenerate.py nato_rules.json

The fluency cases need the embedded model in the model store (``mtcheck models pull``; converted on
first use otherwise, ~20 s).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
MQM_DEV = ROOT.parent / "shared" / "data" / "mqm_dev.jsonl"
# `"signature": "..."` on its own line of the indented JSON report (json escapes quotes inside).
SIGNATURE = re.compile(r'^  "signature": "(?:[^"\\]|\\.)*",$', re.MULTILINE)


def _run(args: list[str]) -> str:
    """The report ``mtcheck ARGS --format json`` prints, with a settings file that turns embeddings on."""
    from typer.testing import CliRunner

    from mtcheck.cli import app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Path(tmp) / "mtcheck.toml"
        settings.write_text('embeddings = "on"\n', encoding="utf-8")
        out = Path(tmp) / "report.json"
        argv = [*args, "--format", "json", "--output", str(out), "--config", str(settings)]
        result = CliRunner().invoke(app, argv)
        # 0 and 1 are the gate's pass and fail; anything else is a broken run, not a report.
        if result.exit_code not in (0, 1) or not out.is_file():
            raise RuntimeError(f"mtcheck {' '.join(args)} exited {result.exit_code}: {result.output}")
        return out.read_text(encoding="utf-8")


def mqm_articles(path: Path = MQM_DEV) -> list[dict]:
    """The dev set as JSONL batch items: one article per (document, system), segments one per paragraph."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the MQM dev set is missing (../shared/data beside the repository)")
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            groups[(rec["doc"], rec["system"])].append(rec)
    items = []
    for (doc, system), recs in sorted(groups.items()):
        recs.sort(key=lambda r: r["doc_seg_id"])
        items.append(
            {
                "id": f"{doc}/{system}",
                "mt": "\n\n".join(r["mt"] for r in recs),
                "reference": "\n\n".join(r["ref"] for r in recs),
            }
        )
    return items


def _mqm_dev() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "mqm_dev.jsonl"
        lines = [json.dumps(item, ensure_ascii=False) for item in mqm_articles()]
        batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return _run(["batch", str(batch), "--no-fluency", "--quiet"])


NATO = str(ROOT / "examples" / "nato.en.txt")
NATO_REF = str(ROOT / "examples" / "nato.ref.txt")

CASES: dict[str, Callable[[], str]] = {
    "nato_rules.json": lambda: _run(["check", NATO, "--no-fluency", "--quiet"]),
    "nato_rules_ref.json": lambda: _run(["check", NATO, "--reference", NATO_REF, "--no-fluency", "--quiet"]),
    "nato_fluency.json": lambda: _run(["check", NATO, "--quiet"]),
    "nato_fluency_ref.json": lambda: _run(["check", NATO, "--reference", NATO_REF, "--quiet"]),
    "mqm_dev_ref.json.gz": _mqm_dev,
}


def read_golden(name: str) -> str:
    data = (GOLDEN / name).read_bytes()
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")


def write_golden(name: str, text: str) -> None:
    data = text.encode("utf-8")
    # mtime=0: the same report gives the same bytes, so an unchanged golden never shows up in a diff.
    if name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    (GOLDEN / name).write_bytes(data)


def without_signature(report: str) -> str:
    """The report with its signature string blanked; exactly one signature line must be there."""
    blanked, count = SIGNATURE.subn('  "signature": "",', report, count=1)
    if count != 1:
        raise ValueError("no signature line in the report")
    return blanked


def main(names: list[str]) -> None:
    for name in names or list(CASES):
        if name not in CASES:
            raise SystemExit(f"unknown case {name!r} (known: {', '.join(CASES)})")
        write_golden(name, CASES[name]())
        print(f"wrote {GOLDEN / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
