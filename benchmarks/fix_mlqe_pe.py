"""Do `mtcheck fix`'s safe fixes agree with professional post-editors? (MLQE-PE dev, five pairs)

Each dev sentence of /work/shared/data/mlqe_pe (ro, et, ru, ne, si -> en; Wikipedia, one NMT system
per pair) is detokenised with a few regexes, fixed with the safe fixes (rules only; MT540 and
MT542 ignored: they would only undo this script's own detokenisation), and every changed word is
compared with the post-edit (`pe`):

* agree: the post-edit has the corrected word and not the original one (the editor made the change);
* disagree: the post-edit has the original word and not the corrected one (the editor kept it);
* unknown: neither or both (the editor rephrased the passage, or the word occurs in both forms).

A repeated word (MT541) agrees when the post-edit does not have the doubled word, else disagrees.

Word comparison is case-sensitive on whole words. Nothing is fitted (no threshold, no training),
so there is nothing to cross-validate; the post-edits are only read to score.

    nice python benchmarks/fix_mlqe_pe.py  ->  benchmarks/results/fix_mlqe_pe.json
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from mtcheck.config import Config
from mtcheck.fix.loop import Fixer
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

DATA = Path("/work/shared/data/mlqe_pe")
OUT = Path(__file__).parent / "results" / "fix_mlqe_pe.json"
_WORD = re.compile(r"[\w’'-]+")


def detokenise(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([.,;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[]) ", r"\1", text)
    text = re.sub(r" (['’]s|n't)\b", r"\1", text)
    return text.replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _word_at(text: str, pos: int) -> str:
    for m in _WORD.finditer(text):
        if m.start() <= pos <= m.end():
            return m.group()
    return ""


def main() -> None:
    config = Config(fluency=False, ignore=["MT540", "MT542"])
    fixer = Fixer(Checker(config))
    verdicts: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    start = time.perf_counter()
    for path in sorted(DATA.glob("*.dev.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            text = detokenise(item["mt_tokens"])
            outcome = fixer.fix(Article(item["id"], text))
            totals["sentences"] += 1
            totals["changed"] += bool(outcome.edits)
            totals["increased"] += len(outcome.after.findings) > len(outcome.before.findings)
            if not outcome.applied:
                continue
            pe_words = set(_WORD.findall(item["pe"]))
            fixed = outcome.text
            for f in outcome.applied:
                if f.code == "MT541":  # a doubled word: did the editor keep the doubling?
                    doubled = re.search(
                        rf"\b{re.escape(f.suggestion or '')}\s+{re.escape(f.suggestion or '')}\b", item["pe"]
                    )
                    verdict = "disagree" if doubled else "agree"
                    verdicts[f.code][verdict] += 1
                    totals[verdict] += 1
                    continue
                before = f.text if _WORD.fullmatch(f.text) else _word_at(text, f.start)
                after = f.suggestion if f.suggestion and _WORD.fullmatch(f.suggestion) else None
                if after is None:  # deletions and punctuation: compare the words around the edit
                    after_words = set(_WORD.findall(fixed)) - set(_WORD.findall(text))
                    after = next(iter(after_words), "")
                if before in pe_words and after not in pe_words:
                    verdict = "disagree"
                elif after in pe_words and before not in pe_words:
                    verdict = "agree"
                else:
                    verdict = "unknown"
                verdicts[f.code][verdict] += 1
                totals[verdict] += 1
    decided = totals["agree"] + totals["disagree"]
    results = {
        **totals,
        "agreement_where_decided": round(totals["agree"] / decided, 3) if decided else None,
        "by_rule": {code: dict(c) for code, c in sorted(verdicts.items())},
        "seconds": round(time.perf_counter() - start, 1),
    }
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
