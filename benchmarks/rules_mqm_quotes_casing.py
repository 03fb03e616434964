"""Finding precision of the quote (MT1xx) and casing (MT2xx) rules against expert MQM spans.

Joins the segments of each (doc, system) of /work/shared/data/mqm_dev.jsonl into one article
(paragraphs separated by a blank line), runs the rules and counts, for each rule, how many findings
overlap a rater's span (spans trimmed of whitespace): of the rule's own category (casing:
Fluency/Spelling, quotes: Fluency/Punctuation) and of any category. The human references of the same
articles are run too, as a rough false-alarm rate on text that is mostly clean.

Usage: .venv/bin/python benchmarks/rules_mqm_quotes_casing.py [--show] [--data PATH]
Writes benchmarks/results/rules_mqm_quotes_casing.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mqm import DATA, error_spans, grouped_records, join

from mtcheck.rules import REGISTRY, RuleContext
from mtcheck.segment import segment

OUT = Path(__file__).parent / "results" / "rules_mqm_quotes_casing.json"
OWN_CATEGORY = {"quote": "Fluency/Punctuation", "casing": "Fluency/Spelling"}


def load(path: Path) -> list[tuple[str, str, str, list[dict]]]:
    """(article id, MT text, reference text, gold spans shifted into the MT text)."""
    out = []
    for doc, system, recs in grouped_records(path):
        mt, starts = join([r["mt"] for r in recs])
        ref, _ = join([r["ref"] for r in recs])
        spans = [
            {"start": start, "end": end, "category": err["category"]}
            for start, end, err in error_spans(recs, starts, trim=True)
        ]
        out.append((f"{doc}/{system}", mt, ref, spans))
    return out


def run(text: str, codes: list[str]) -> list:
    ctx = RuleContext(doc=segment(text, "mqm"))
    return [f for code in codes for f in REGISTRY[code]().check(ctx)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", action="store_true", help="print every finding with its context")
    args = parser.parse_args()
    codes = sorted(c for c in REGISTRY if REGISTRY[c].category in OWN_CATEGORY)
    stats = {c: {"findings": 0, "hit_own_category": 0, "hit_any": 0, "ref_findings": 0} for c in codes}
    mt_words = ref_words = 0
    for art_id, mt, ref, spans in load(args.data):
        mt_words += len(mt.split())
        ref_words += len(ref.split())
        for f in run(mt, codes):
            own = OWN_CATEGORY[f.category]
            overlapping = [s for s in spans if s["start"] < f.end and f.start < s["end"]]
            hit_own = any(s["category"] == own for s in overlapping)
            st = stats[f.code]
            st["findings"] += 1
            st["hit_own_category"] += hit_own
            st["hit_any"] += bool(overlapping)
            if args.show:
                mark = "OWN" if hit_own else ("ANY" if overlapping else "---")
                context = mt[max(0, f.start - 40) : f.end + 30].replace("\n", " ")
                print(f"{mark} {f.code} {f.text!r:14} {art_id.split('/')[-1]:14} …{context}…")
        for f in run(ref, codes):
            stats[f.code]["ref_findings"] += 1
            if args.show:
                context = ref[max(0, f.start - 40) : f.end + 30].replace("\n", " ")
                print(f"REF {f.code} {f.text!r:14} …{context}…")
    for st in stats.values():
        n = st["findings"]
        st["precision_own_category"] = round(st["hit_own_category"] / n, 3) if n else None
        st["precision_any"] = round(st["hit_any"] / n, 3) if n else None
    result = {"data": str(args.data), "mt_words": mt_words, "ref_words": ref_words, "rules": stats}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'rule':6} {'findings':>8} {'own':>5} {'any':>5} {'P(own)':>7} {'P(any)':>7} {'ref':>4}")
    for code, st in stats.items():
        p_own = "-" if st["precision_own_category"] is None else f"{st['precision_own_category']:.3f}"
        p_any = "-" if st["precision_any"] is None else f"{st['precision_any']:.3f}"
        print(
            f"{code:6} {st['findings']:>8} {st['hit_own_category']:>5} {st['hit_any']:>5} "
            f"{p_own:>7} {p_any:>7} {st['ref_findings']:>4}"
        )
    print(f"MT words {mt_words}, reference words {ref_words}")


if __name__ == "__main__":
    main()
