"""Finding precision of the numbers/untranslated/structure/leak/spacing rules on MQM-annotated zh->en MT.

Segments are joined per (doc, system) into articles, one paragraph per segment. A finding counts as a
hit when it overlaps (after trimming whitespace) any rater's span. Prints one line per rule:
code, findings, hits, precision. Usage: python benchmarks/rules_mqm_structure.py [mqm_dev.jsonl] [-v]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mqm import DATA, error_spans, grouped_records, join

from mtcheck.engine import run_rules, select_rules
from mtcheck.rules import RuleContext
from mtcheck.segment import segment

PREFIXES = ("MT3", "MT40", "MT5")


def articles(path: Path) -> list[tuple[str, str, list[tuple[int, int]]]]:
    out = []
    for doc, system, recs in grouped_records(path):
        text, starts = join([r["mt"] for r in recs])
        spans = [(start, end) for start, end, _ in error_spans(recs, starts, trim=True)]
        out.append((f"{doc}/{system}", text, spans))
    return out


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    path = Path(args[0]) if args else DATA
    rules = select_rules(select=PREFIXES)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    for art_id, text, spans in articles(path):
        ctx = RuleContext(doc=segment(text, art_id), src_lang="zh")
        for f in run_rules(ctx, rules):
            hit = any(f.start < e and s < f.end for s, e in spans)
            stats[f.code][0] += 1
            stats[f.code][1] += hit
            if not hit:
                misses[f.code].append(f"{art_id}: {f.text!r}")
    print(f"{'code':6} {'findings':>8} {'hits':>5} {'precision':>9}")
    for code in sorted(stats):
        n, h = stats[code]
        print(f"{code:6} {n:8d} {h:5d} {h / n:9.2f}")
    total_n = sum(v[0] for v in stats.values())
    total_h = sum(v[1] for v in stats.values())
    if total_n:
        print(f"{'all':6} {total_n:8d} {total_h:5d} {total_h / total_n:9.2f}")
    if "-v" in sys.argv:
        for code in sorted(misses):
            for line in misses[code][:15]:
                print("MISS", code, line)


if __name__ == "__main__":
    main()
