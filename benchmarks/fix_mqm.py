"""`mtcheck fix` on real MT output: the WMT MQM articles (rules only, safe fixes, then unsafe).

For every article of /work/shared/data/mqm_dev.jsonl (segments joined one per paragraph, as in the
other MQM benchmarks) this runs the fix loop and records: findings before and after, fixes applied
per rule, passes, fixes held back because they made a new finding, whether a second run changes
anything (idempotence) and whether findings ever increased. It also reports how many applied
edits touch a span an MQM rater marked as an error (any category): a rough check that fixes land
on real faults, not a precision figure (raters do not mark every casing slip, and mark much more).

Nothing here is fitted, so there is nothing to cross-validate.

    nice python benchmarks/fix_mqm.py  ->  benchmarks/results/fix_mqm.json
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from _mqm import error_spans, grouped_records, join

from mtcheck.config import Config
from mtcheck.fix.loop import Fixer
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

OUT = Path(__file__).parent / "results" / "fix_mqm.json"


def run(unsafe: bool) -> dict:
    fixer = Fixer(Checker(Config(fluency=False)), unsafe=unsafe)
    totals: Counter = Counter()
    applied: Counter = Counter()
    passes: Counter = Counter()
    touching = 0
    start = time.perf_counter()
    for doc, system, recs in grouped_records():
        text, starts = join([r["mt"] for r in recs])
        spans = error_spans(recs, starts, trim=True)
        outcome = fixer.fix(Article(f"{doc}/{system}", text))
        totals["articles"] += 1
        totals["findings_before"] += len(outcome.before.findings)
        totals["findings_after"] += len(outcome.after.findings)
        totals["edits"] += len(outcome.edits)
        totals["rejected"] += len(outcome.rejected)
        totals["changed_articles"] += bool(outcome.edits)
        totals["increased"] += len(outcome.after.findings) > len(outcome.before.findings)
        passes[outcome.passes] += 1
        applied.update(f.code for f in outcome.applied)
        for e in outcome.edits:
            if any(s <= max(e.end, e.start + 1) and e.start <= t for s, t, _ in spans):
                touching += 1
        if outcome.edits:
            again = fixer.fix(Article("again", outcome.text))
            totals["not_idempotent"] += bool(again.edits)
    totals["edits_touching_rater_span"] = touching
    return {
        **totals,
        "fixes_applied_by_rule": dict(sorted(applied.items())),
        "passes": {str(k): v for k, v in sorted(passes.items())},
        "seconds": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    results = {"safe": run(False), "unsafe": run(True)}
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
