"""Speed of the fluency stage against a bare batched forward pass, store load time, peak memory.

Side by side in one process, same model, same tokens, same batches:
- ``stage``: what the pipeline runs: tokenise with offsets, sort by length, batch, the chunked
  vocabulary projection, put back in order, then mtcheck.fluency turns surprisal into scores;
- ``bare``: ``model(input_ids, attention_mask)`` on the same padded batches (full logits), nothing else.
Each is timed REPEATS times, alternating, and the minimum is kept (the machine is shared).
Also: the embedded model's load time from the store, and the peak RSS of a full `mtcheck check`
of examples/nato.en.txt in a subprocess.

Usage: MTCHECK_HOME=... python benchmarks/fluency_speed.py [--threads 1] [--copies 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "fluency_speed.json"
REPEATS = 3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--copies", type=int, default=2, help="copies of the example's sentences (MT + rewrite)")
    args = ap.parse_args()

    started = time.perf_counter()
    import torch
    import transformers  # noqa: F401

    import_s = time.perf_counter() - started
    from mtcheck import fluency
    from mtcheck.backends import store
    from mtcheck.backends.causal_lm import CausalLMScorer
    from mtcheck.segment import segment

    store.ensure(store.default_card())
    started = time.perf_counter()
    scorer = CausalLMScorer.load(None, device="cpu", threads=args.threads)
    load_s = time.perf_counter() - started

    docs = [
        segment((ROOT / "examples" / n).read_text(encoding="utf-8"), n)
        for n in ("nato.en.txt", "nato.ref.txt")
    ]
    docs = docs * args.copies
    texts = [s.text for d in docs for s in d.sentences]

    def stage() -> None:
        out = iter(scorer.surprisals(texts))
        for d in docs:
            fluency.score_document(d, [next(out) for _ in d.sentences], scorer.name)

    rows = scorer._rows(texts)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i].ids), reverse=True)
    batches = []
    for b in range(0, len(order), scorer.batch_size):
        batch = [rows[i] for i in order[b : b + scorer.batch_size]]
        width = max(len(r.ids) for r in batch) + 1
        ids = torch.full((len(batch), width), scorer.prefix_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, r in enumerate(batch):
            ids[i, 1 : len(r.ids) + 1] = torch.tensor(r.ids)
            mask[i, : len(r.ids) + 1] = 1
        batches.append((ids, mask))

    def bare() -> None:
        with torch.inference_mode():
            for ids, mask in batches:
                scorer.model(input_ids=ids, attention_mask=mask)

    stage()  # warm-up (allocator, kernels, wordfreq)
    bare()
    times: dict[str, list[float]] = {"stage": [], "bare": []}
    for _ in range(REPEATS):
        for name, fn in (("stage", stage), ("bare", bare)):
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    tokens = sum(len(r.ids) for r in rows)

    env = {**os.environ}
    cmd = [sys.executable, "-m", "mtcheck", "check", str(ROOT / "examples" / "nato.en.txt"),
           "--threads", str(args.threads), "--format", "json"]  # fmt: skip
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    check_s = time.perf_counter() - t
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = json.loads(proc.stdout)

    out = {
        "machine": f"{os.cpu_count()} CPUs, shared; torch {torch.__version__}, threads={args.threads}",
        "model": scorer.name,
        "sentences": len(texts),
        "tokens": tokens,
        "batch_size": scorer.batch_size,
        "stage_seconds_min": round(min(times["stage"]), 3),
        "bare_forward_seconds_min": round(min(times["bare"]), 3),
        "stage_over_bare": round(min(times["stage"]) / min(times["bare"]), 3),
        "stage_tokens_per_second": round(tokens / min(times["stage"]), 1),
        "all_times": {k: [round(v, 3) for v in vs] for k, vs in times.items()},
        "import_torch_transformers_seconds": round(import_s, 2),
        "store_load_seconds": round(load_s, 2),
        "full_check_exit_code": proc.returncode,
        "full_check_seconds": round(check_s, 2),
        "full_check_peak_rss_mb": round(peak_kb / 1024, 1),
        "full_check_fluency": report["documents"][0]["scores"]["fluency"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
