"""What the word-level quality model adds to a full check, measured side by side.

Checks the example article (``examples/nato.en.txt`` with ``examples/nato.ref.txt``) and the seven
clean articles of ``tests/data/clean/`` with their re-translations, in one batch, alternately with
``quality_model = "off"`` and ``"on"`` in one process (models loaded once, before timing), with the
fluency pass off and on. Two measures of the model's cost:

- ``added_share_wall``: best "on" run / best "off" run - 1 (what a user sees; noisy on a shared
  machine, since the two runs are taken at different moments);
- ``added_share_cpu``: the same with the process's CPU time (``time.process_time``; one thread for
  torch and CTranslate2), which other processes on a shared machine barely move: the measure to
  read when the machine is busy;
- ``added_share_stages``: the time spent inside the model's own work in an "on" run (pooling the word
  vectors, ``Checker._word_sides`` — from the token states the alignment's encoder pass kept, so no
  second encoder pass — and the per-article scoring, ``mtcheck.qe.stage.apply_model``, timed by
  wrapping them) over the rest of that same run: less sensitive to the load, since both parts come
  from one run.

The issue's aim: the model adds at most 20% to a full check with a re-translation.
Output: ``benchmarks/results/qe_speed.json``.

Usage: OMP_NUM_THREADS=1 python benchmarks/qe_speed.py [--repeats 3] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mtcheck.config import Config  # noqa: E402
from mtcheck.pipeline import Checker  # noqa: E402
from mtcheck.readers import Article  # noqa: E402

CLEAN = ROOT / "tests" / "data" / "clean"


def articles() -> list[Article]:
    out = [
        Article(
            id="nato",
            text=(ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8"),
            reference=(ROOT / "examples" / "nato.ref.txt").read_text(encoding="utf-8"),
        )
    ]
    for path in sorted(CLEAN.glob("*.txt")):
        ref = CLEAN / "retranslations" / path.name
        out.append(Article(id=path.stem, text=path.read_text("utf-8"), reference=ref.read_text("utf-8")))
    return out


class StageClock:
    """Wraps the quality model's two stages and sums the seconds spent inside them."""

    def __init__(self) -> None:
        import mtcheck.pipeline as pipeline_mod
        import mtcheck.qe.stage as stage_mod

        self.seconds = 0.0
        encode = Checker._word_sides
        apply_model = stage_mod.apply_model

        def timed(fn):
            def run(*a, **k):
                started = time.perf_counter()
                try:
                    return fn(*a, **k)
                finally:
                    self.seconds += time.perf_counter() - started

            return run

        Checker._word_sides = timed(encode)  # type: ignore[method-assign]
        stage_mod.apply_model = timed(apply_model)
        if hasattr(pipeline_mod, "apply_model"):
            pipeline_mod.apply_model = stage_mod.apply_model


def measure(arts: list[Article], fluency: bool, repeats: int, clock: StageClock, threads: int = 1) -> dict:
    checkers = {
        mode: Checker(
            Config(fail_on="never", quality_model=mode, embeddings="on", fluency=fluency, threads=threads)
        )
        for mode in ("off", "on")
    }
    for checker in checkers.values():  # load every model before timing
        checker.run(arts)
    times: dict[str, list[float]] = {"off": [], "on": []}
    cpu: dict[str, list[float]] = {"off": [], "on": []}
    stage_share = []
    for _ in range(repeats):
        for mode, checker in checkers.items():
            clock.seconds = 0.0
            started, cpu_started = time.perf_counter(), time.process_time()
            checker.run(arts)
            total = time.perf_counter() - started
            times[mode].append(round(total, 3))
            cpu[mode].append(round(time.process_time() - cpu_started, 3))
            if mode == "on":
                stage_share.append(clock.seconds / max(1e-9, total - clock.seconds))
    best = {mode: min(t) for mode, t in times.items()}
    best_cpu = {mode: min(t) for mode, t in cpu.items()}
    return {
        "seconds_best": best,
        "added_share_wall": round(best["on"] / best["off"] - 1, 3),
        "cpu_seconds_best": best_cpu,
        "added_share_cpu": round(best_cpu["on"] / best_cpu["off"] - 1, 3),
        "all_cpu_times": cpu,
        "added_share_stages": round(min(stage_share), 3),
        "added_share_stages_all": [round(s, 3) for s in stage_share],
        "all_times": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="model threads (torch and CTranslate2)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    arts = articles()
    clock = StageClock()
    result: dict = {
        "articles": f"examples/nato.en.txt + {len(arts) - 1} clean articles, each with its re-translation",
        "words": sum(len(a.text.split()) for a in arts),
        "threads": args.threads,
    }
    for fluency in (False, True):
        result["fluency_on" if fluency else "fluency_off"] = measure(
            arts, fluency, args.repeats, clock, args.threads
        )
        print(json.dumps(result, indent=2), flush=True)
    out = ROOT / "benchmarks" / "results" / "qe_speed.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
