"""Where a full check spends its time, stage by stage, next to what the machine's matrix units can do.

Sections (each written to benchmarks/results/profile_stages.json; a run keeps the sections it skips):
- ``example``: examples/nato.en.txt with its re-translation file, every stage timed on its own: read,
  segment, re-translate (a file: segmenting it), align with chrF only, align with embeddings (encode +
  align), language model, rules, render; plus imports and model loading. Stages run the way
  ``Checker.prepare_all`` runs them.
- ``batch``: the same for ``--articles`` dev articles (the MQM dev set's 60 articles cut in halves,
  with the human reference as re-translation file), all model stages batched across articles.
- ``precisions``: the LM stage on the example's MT sentences in each ``--precisions`` (best of
  ``--repeats``), and how far each moves token surprisal and sentence fluency scores from fp32.
- ``gemm``: torch's own matrix product at the model's shapes (fp32 ``F.linear`` and FBGEMM's int8
  ``linear_dynamic``), best of ``--repeats``, as GFLOP/s; and the LM stage's matrix-bound time: the
  sum, over the batches the stage really forms, of the best time of each of its matrix products.
  The stage's time over that bound is how close the stage runs to the hardware.
- ``encoder_runtimes``: a no-fluency check of the example with its re-translation, the sentence
  encoder on torch and on CTranslate2 (``--model-runtime``), alternating fresh processes
  (``--rounds``): CLI wall time and peak RSS, import+load vs check time, whether the reports agree.
- ``lm_runtimes``: the fluency LM on torch and on CTranslate2 (``model-runtime``), fp32, each in fresh
  processes, alternating for ``--rounds``: importing the runtime, loading the model, the LM stage on
  the example's MT and re-translation sentences (best of ``--repeats``), the process's peak RSS; then
  a full `mtcheck check` of the example (re-translation file, JSON report) per runtime, wall time and
  peak RSS, and every number of the two JSON reports that differs (findings must be identical).
- ``ct2_batch_tokens``: the CTranslate2 LM stage and its process's peak RSS for several batch sizes
  in tokens (``mtcheck.backends.ct2_lm.BATCH_TOKENS``), fresh processes, alternating.
- ``lm_runtime_equivalence``: every MT segment of the MQM dev set, sentence by sentence, scored by
  both runtimes in one process: per-token surprisal differences, sentence fluency differences, and
  sentences whose fluency crosses MT901's threshold.
- ``batch_layouts``: a full-check batch of ``--articles`` dev articles (`mtcheck batch`, fresh processes,
  alternating for ``--rounds``) with one CTranslate2 worker and no pipelining (``--threads 1``), one
  single-threaded worker per CPU (the default), and workers plus the pipelined batch (rules of one
  shard while the models work on the next; pipeline.PIPELINED, off by default): wall and CPU
  seconds, peak RSS, load before each run.
- ``baseline`` (with ``--baseline REV``): a full `mtcheck check` of the example and a full
  `mtcheck batch` of the dev articles, this tree against REV's mtcheck, alternating in fresh
  processes (same venv, same model store), with each child's peak RSS.

The machine is shared: only ratios measured side by side in one run mean anything; the 1-minute load
average is recorded next to each section.

Usage: python benchmarks/profile_stages.py [--threads 1] [--articles 100] [--precisions fp32,int8]
       [--sections example,batch,precisions,gemm] [--baseline perf-base-16 --rounds 2]
       python benchmarks/profile_stages.py --sections '' --baseline perf-base-16 --articles 100 --rounds 1
           (issue 16's headline: full check of the example and a 100-article batch, each tree at its
           default threads; add batch_layouts to --sections for the thread layouts side by side)
       python benchmarks/profile_stages.py --rounds 3
           --sections lm_runtimes,ct2_batch_tokens,lm_runtime_equivalence   (the runtime comparison)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks" / "results" / "profile_stages.json"
EXAMPLE = ROOT / "examples" / "nato.en.txt"
EXAMPLE_REF = ROOT / "examples" / "nato.ref.txt"


def load() -> float:
    return round(os.getloadavg()[0], 2)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def dev_jsonl(path: Path, n: int) -> int:
    """``n`` dev articles as batch JSONL: each MQM article cut into two halves (5 segments each)."""
    from _mqm import grouped_records

    rows = []
    for doc, system, recs in grouped_records():
        half = len(recs) // 2
        for k, part in enumerate((recs[:half], recs[half:])):
            rows.append(
                {
                    "id": f"{doc}/{system}/{k}",
                    "mt": "\n\n".join(r["mt"] for r in part),
                    "reference": "\n\n".join(r["ref"] for r in part),
                }
            )
    rows = rows[:n]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def profile_run(articles: list, config, checker=None) -> dict:
    """Seconds per stage for one Checker pass over ``articles`` (models already loaded in ``checker``)."""
    from mtcheck.align import align_documents
    from mtcheck.pipeline import Checker, PreparedBatch, prepare
    from mtcheck.render import render
    from mtcheck.signature import ModelsUsed

    checker = checker or Checker(config)
    out: dict = {}
    out["segment"], items = timed(lambda: [prepare(a, config.input_settings) for a in articles])
    out["re_translate"], _ = timed(lambda: checker.attach_references(items))
    pairs = [it for it in items if it.reference is not None]
    out["align_chrf_only"], _ = timed(
        lambda: [align_documents(it.doc, it.reference.document) for it in pairs]
    )
    out["align_embeddings"], _ = timed(lambda: checker.align(items))
    out["language_model"], _ = timed(lambda: checker.score_fluency(items))
    out["rules_and_scores"], report = timed(lambda: checker.judge_all(PreparedBatch(items, [], ModelsUsed())))
    out["render_json"], _ = timed(lambda: render(report, "json"))
    out["render_text"], _ = timed(lambda: render(report, "text", color=False))
    out = {k: round(v, 3) for k, v in out.items()}
    out["total"] = round(sum(out.values()) - out["align_chrf_only"], 3)  # chrF-only is part of align
    return out


def section_example(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    import torch  # noqa: F401
    import transformers  # noqa: F401

    imports = time.perf_counter() - started
    from mtcheck.config import Config
    from mtcheck.models import ModelRegistry
    from mtcheck.pipeline import Checker
    from mtcheck.readers import read_article, read_text_file

    config = Config(threads=args.threads, device="cpu")
    read_s, article = timed(lambda: read_article(str(EXAMPLE), "auto"))
    article.reference = read_text_file(str(EXAMPLE_REF))
    registry = ModelRegistry(config.model_settings)
    checker = Checker(config, models=registry)
    lm_s, _ = timed(registry.fluency_scorer)
    emb_s, _ = timed(registry.sentence_encoder)
    profile_run([article], config, checker)  # warm-up: allocator, wordfreq, rule tables
    runs = [profile_run([article], config, checker) for _ in range(args.repeats)]
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    return {
        "load_average_1min": load(),
        "import_torch_transformers_s": round(imports, 2),
        "load_language_model_s": round(lm_s, 2),
        "load_sentence_encoder_s": round(emb_s, 2),
        "read_s": round(read_s, 4),
        "stages_best_s": best,
        "all_runs": runs,
    }


def section_batch(args: argparse.Namespace) -> dict:
    from mtcheck.batch import read_input
    from mtcheck.config import Config
    from mtcheck.models import ModelRegistry
    from mtcheck.pipeline import Checker

    config = Config(threads=args.threads, device="cpu")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dev.jsonl"
        n = dev_jsonl(path, args.articles)
        read_s, (articles, _errors, _) = timed(lambda: read_input(str(path), "auto", config))
    registry = ModelRegistry(config.model_settings)
    checker = Checker(config, models=registry)
    scorer = registry.fluency_scorer()
    registry.sentence_encoder()
    before = scorer.tokens_scored
    stages = profile_run(articles, config, checker)
    tokens = scorer.tokens_scored - before
    return {
        "load_average_1min": load(),
        "articles": n,
        "read_s": round(read_s, 3),
        "stages_s": stages,
        "lm_tokens_scored": tokens,
        "lm_tokens_per_second": round(tokens / max(stages["language_model"], 1e-9), 1),
        "articles_per_second_excluding_loading": round(n / stages["total"], 3),
    }


def section_precisions(args: argparse.Namespace) -> dict:
    from mtcheck import fluency
    from mtcheck.backends.causal_lm import CausalLMScorer
    from mtcheck.segment import segment

    doc = segment(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name)
    texts = [s.text for s in doc.sentences]
    out: dict = {"load_average_1min": load(), "sentences": len(texts)}
    base_tokens = base_scores = None
    for precision in ["fp32", *[p for p in args.precisions.split(",") if p != "fp32"]]:
        scorer = CausalLMScorer.load(None, "cpu", args.threads, 16, precision=precision)
        scorer.surprisals(texts[:2])  # warm-up
        times = []
        for _ in range(args.repeats):
            s, surps = timed(lambda scorer=scorer: scorer.surprisals(texts))
            times.append(s)
        result = fluency.score_document(doc, surps, scorer.name)
        scores = [s.score for s in result.sentences]
        entry: dict = {"best_s": round(min(times), 3), "all_s": [round(t, 3) for t in times]}
        if base_tokens is None:
            base_tokens, base_scores = surps, scores
        else:
            diffs = [
                abs(a[2] - b[2])
                for p, q in zip(surps, base_tokens, strict=True)
                for a, b in zip(p, q, strict=True)
            ]
            entry["token_nats_mean_abs_diff"] = round(sum(diffs) / len(diffs), 4)
            entry["token_nats_max_abs_diff"] = round(max(diffs), 3)
            deltas = [abs(a - b) for a, b in zip(scores, base_scores, strict=True)]
            entry["sentence_score_max_abs_diff"] = round(max(deltas), 2)
            entry["sentence_score_mean_abs_diff"] = round(sum(deltas) / len(deltas), 2)
            # MT901's default threshold: how many sentences change side.
            entry["sentences_crossing_80"] = sum(
                (a < 80) != (b < 80) for a, b in zip(scores, base_scores, strict=True)
            )
            entry["speed_vs_fp32"] = round(out["fp32"]["best_s"] / entry["best_s"], 2)
        out[precision] = entry
        del scorer
    return out


def _linear_shapes(model) -> list[tuple[int, int, int]]:
    """(in, out, count) of the decoder's linear layers, and the output projection last."""
    import torch

    counts: dict[tuple[int, int], int] = {}
    for module in model.base_model.modules():
        if isinstance(module, torch.nn.Linear):
            key = (module.in_features, module.out_features)
            counts[key] = counts.get(key, 0) + 1
    head = model.get_output_embeddings()
    return [(i, o, c) for (i, o), c in counts.items()] + [(head.in_features, head.out_features, 1)]


def section_gemm(args: argparse.Namespace) -> dict:
    import warnings

    import torch

    from mtcheck.backends.causal_lm import HEAD_CHUNK, CausalLMScorer, equal_length_batches
    from mtcheck.backends.device import set_threads
    from mtcheck.backends.packed import packs
    from mtcheck.segment import segment

    threads = set_threads(args.threads)
    scorer = CausalLMScorer.load(None, "cpu", args.threads, 16, precision="fp32")
    shapes = _linear_shapes(scorer.model)
    weights = {(i, o): torch.randn(o, i) * 0.02 for i, o, _ in shapes}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao deprecation notices
        packed = {}
        for (i, o), w in weights.items():
            scale = (w.abs().amax(1) / 127).double()
            wq = torch.quantize_per_channel(w, scale, torch.zeros(o, dtype=torch.long), 0, torch.qint8)
            packed[(i, o)] = torch.ops.quantized.linear_prepack(wq, None)
    cache: dict = {}

    def best(kind: str, m: int, i: int, o: int) -> float:
        key = (kind, m, i, o)
        if key not in cache:
            x = torch.randn(m, i)
            fn = (
                (lambda: torch.nn.functional.linear(x, weights[(i, o)]))
                if kind == "fp32"
                else (lambda: torch.ops.quantized.linear_dynamic(x, packed[(i, o)], True))
            )
            fn()
            with torch.inference_mode():
                cache[key] = min(timed(fn)[0] for _ in range(args.repeats))
        return cache[key]

    rates = {}
    for kind in ("fp32", "int8"):
        rates[kind] = {
            f"{512}x{i}x{o}": round(2 * 512 * i * o / best(kind, 512, i, o) / 1e9, 1) for i, o, _ in shapes
        }
    # The LM stage of a full check of the example: MT sentences (the re-translation's only where
    # needed is data dependent; here the MT sentences alone, the part every check runs).
    doc = segment(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name)
    texts = [s.text for s in doc.sentences]
    rows = scorer._rows(texts)
    lengths = [len(r.ids) for r in rows]
    # The passes the stage really forms: packs (many sentences per row) or equal-length batches.
    if scorer.packed:
        batches = packs([n + 1 for n in lengths])
    else:
        batches = equal_length_batches(lengths, scorer.batch_size)
    body = [(i, o, c) for i, o, c in shapes[:-1]]
    hi, ho, _ = shapes[-1]
    bound = {"fp32": 0.0, "int8": 0.0}
    flops = 0.0
    for group in batches:
        scored = sum(lengths[g] for g in group)
        m = scored + len(group)  # the prefix token opens every row
        for kind in bound:
            bound[kind] += sum(c * best(kind, m, i, o) for i, o, c in body)
            for s in range(0, scored, HEAD_CHUNK):
                bound[kind] += best(kind, min(HEAD_CHUNK, scored - s), hi, ho)
        flops += sum(2 * m * i * o * c for i, o, c in body) + 2 * scored * hi * ho
    scorer.surprisals(texts[:2])
    stage = min(timed(lambda: scorer.surprisals(texts))[0] for _ in range(args.repeats))
    out = {
        "load_average_1min": load(),
        "threads": threads,
        "cpu": _cpu_name(),
        "gflops_at_512_tokens": rates,
        "lm_stage": {
            "sentences": len(texts),
            "tokens": sum(lengths),
            "passes": len(batches),
            "packed": scorer.packed,
            "linear_gflop": round(flops / 1e9, 2),
            "fp32_stage_best_s": round(stage, 3),
            "fp32_matrix_bound_s": round(bound["fp32"], 3),
            "fp32_stage_over_matrix_bound": round(stage / bound["fp32"], 3),
            "int8_matrix_bound_s": round(bound["int8"], 3),
            "fp32_stage_gflops": round(flops / stage / 1e9, 1),
        },
    }
    int8_scorer = CausalLMScorer.load(None, "cpu", args.threads, 16, precision="int8")
    int8_scorer.surprisals(texts[:2])
    int8_stage = min(timed(lambda: int8_scorer.surprisals(texts))[0] for _ in range(args.repeats))
    out["lm_stage"]["int8_stage_best_s"] = round(int8_stage, 3)
    out["lm_stage"]["int8_stage_over_matrix_bound"] = round(int8_stage / bound["int8"], 3)
    # The default runtime (model-runtime auto: CTranslate2 fp32) on the same sentences, over the same
    # bound: it scores the same tokens (padding inside its batches only adds work), so this is the
    # stage's distance from what torch's own matrix product does at these shapes and thread count.
    from mtcheck.backends import ct2

    if ct2.available():
        from mtcheck.backends.ct2_lm import CT2Scorer

        ct2_scorer = CT2Scorer.load(None, "cpu", args.threads, 16, precision="fp32")
        ct2_scorer.surprisals(texts[:2])
        ct2_stage = min(timed(lambda: ct2_scorer.surprisals(texts))[0] for _ in range(args.repeats))
        out["lm_stage"]["ct2_fp32_stage_best_s"] = round(ct2_stage, 3)
        out["lm_stage"]["ct2_fp32_stage_over_matrix_bound"] = round(ct2_stage / bound["fp32"], 3)
    return out


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


# A fresh interpreter per measurement, whose only child is the command: its RUSAGE_CHILDREN peak RSS
# is that command's own.
_WRAP = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "print(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " r.returncode, r.stderr[-300:]]))\n"
)


def section_baseline(args: argparse.Namespace) -> dict:
    sha = subprocess.run(
        ["git", "rev-parse", "--short", args.baseline], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    out: dict = {
        "baseline_revision": sha,
        "threads": "each tree's default" if args.baseline_threads is None else args.baseline_threads,
        "load_average_1min_before": load(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        old.mkdir()
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        dev = Path(tmp) / "dev.jsonl"
        n = dev_jsonl(dev, args.articles)
        commands = {
            "full_check_example": ["check", str(EXAMPLE), "--reference", str(EXAMPLE_REF), "--quiet"],
            f"full_batch_{n}_dev_articles": ["batch", str(dev), "--quiet"],
            "rules_only_check_example": ["check", str(EXAMPLE), "--no-fluency", "--quiet"],
        }
        for name, cmd in commands.items():
            if name.startswith("full_batch") and args.articles == 0:
                continue
            runs: dict[str, list] = {"current": [], "baseline": []}
            for _ in range(args.rounds):
                for label, root in (("current", ROOT), ("baseline", old)):
                    env = {**os.environ, "PYTHONPATH": str(root)}
                    # Each tree at its own default thread layout unless --baseline-threads names one:
                    # "today's mtcheck batch" is what a user gets without the flag.
                    flag = [] if args.baseline_threads is None else ["--threads", str(args.baseline_threads)]
                    argv = [sys.executable, "-m", "mtcheck", *cmd, *flag]
                    wrapped = [sys.executable, "-c", _WRAP, *argv]
                    line = subprocess.run(wrapped, cwd=root, env=env, capture_output=True, text=True).stdout
                    runs[label].append(json.loads(line))
            entry: dict = {}
            for label, rs in runs.items():
                entry[label] = {
                    "median_s": round(statistics.median(r[0] for r in rs), 2),
                    "all_s": [round(r[0], 2) for r in rs],
                    "peak_rss_mb": round(max(r[1] for r in rs) / 1024, 1),
                    "exit_codes": sorted({r[2] for r in rs}),
                }
                if any(r[2] not in (0, 1) for r in rs):
                    entry[label]["stderr_tail"] = rs[-1][3]
            entry["speedup_median"] = round(entry["baseline"]["median_s"] / entry["current"]["median_s"], 2)
            out[name] = entry
            print(name, json.dumps(entry), flush=True)
    out["load_average_1min_after"] = load()
    return out


# --- encoder_runtimes (issue 16b): the sentence encoder on torch vs CTranslate2 ----------------------
# One fresh process: import mtcheck, build the registry and load the sentence encoder (import+load),
# then check the example with its re-translation, fluency off (check); which heavy modules it loaded.
_ENCODER_CHILD = (
    "import json, sys, time\n"
    "t0 = time.perf_counter()\n"
    "from mtcheck.config import Config\n"
    "from mtcheck.models import ModelRegistry\n"
    "from mtcheck.pipeline import Checker\n"
    "from mtcheck.readers import read_article, read_text_file\n"
    "config = Config(threads=int(sys.argv[1]), device='cpu', fluency='off', embeddings='on',\n"
    "                model_runtime=sys.argv[2])\n"
    "registry = ModelRegistry(config.model_settings)\n"
    "encoder = registry.sentence_encoder()\n"
    "t1 = time.perf_counter()\n"
    "article = read_article(sys.argv[3], 'auto')\n"
    "article.reference = read_text_file(sys.argv[4])\n"
    "Checker(config, models=registry).run([article])\n"
    "t2 = time.perf_counter()\n"
    "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'transformers', 'ctranslate2'})\n"
    "print(json.dumps({'import_load_s': t1 - t0, 'check_s': t2 - t1, 'encoder': encoder.name,\n"
    "                  'heavy_modules': heavy}))\n"
)
# The CLI run: wall time and peak RSS of `mtcheck check` as a child, its stdout kept in a file.
_WRAP_KEEP = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    r = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE, text=True)\n"
    "print(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " r.returncode, r.stderr[-300:]]))\n"
)


def section_encoder_runtimes(args: argparse.Namespace) -> dict:
    """A no-fluency check of the example with its re-translation on each sentence-encoder runtime,
    alternating in fresh processes: CLI wall time and peak RSS, and (separately) import+load time
    vs the check itself. Both runtimes' conversions/caches are warmed first (not timed)."""
    runtimes = ("torch", "ctranslate2")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out: dict = {"load_average_1min_before": load(), "threads": args.threads}

    def child(runtime: str) -> list[str]:
        files = [str(EXAMPLE), str(EXAMPLE_REF)]
        return [sys.executable, "-c", _ENCODER_CHILD, str(args.threads), runtime, *files]

    for runtime in runtimes:  # warm-up: the one-time conversion, the OS file cache
        subprocess.run(child(runtime), cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    cli: dict[str, list] = {r: [] for r in runtimes}
    parts: dict[str, list] = {r: [] for r in runtimes}
    reports: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for runtime in runtimes:
                report = Path(tmp) / f"{runtime}.json"
                argv = [
                    sys.executable, "-m", "mtcheck", "check", str(EXAMPLE), "--reference", str(EXAMPLE_REF),
                    "--no-fluency", "-f", "json", "--threads", str(args.threads), "--model-runtime", runtime,
                ]  # fmt: skip
                line = subprocess.run(
                    [sys.executable, "-c", _WRAP_KEEP, str(report), *argv],
                    cwd=ROOT, env=env, capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                cli[runtime].append(json.loads(line))
                data = json.loads(report.read_text(encoding="utf-8"))
                data.pop("signature", None)
                reports[runtime] = json.dumps(data, sort_keys=True)
                done = subprocess.run(
                    child(runtime), cwd=ROOT, env=env, capture_output=True, text=True, check=True
                )
                parts[runtime].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for runtime in runtimes:
        rs, ps = cli[runtime], parts[runtime]
        out[runtime] = {
            "encoder": ps[-1]["encoder"],
            "cli_wall_median_s": round(statistics.median(r[0] for r in rs), 2),
            "cli_wall_all_s": [round(r[0], 2) for r in rs],
            "cli_peak_rss_mb": round(max(r[1] for r in rs) / 1024, 1),
            "cli_exit_codes": sorted({r[2] for r in rs}),
            "import_load_median_s": round(statistics.median(p["import_load_s"] for p in ps), 2),
            "check_median_s": round(statistics.median(p["check_s"] for p in ps), 2),
            "heavy_modules": ps[-1]["heavy_modules"],
        }
    t, c = out["torch"], out["ctranslate2"]
    out["cli_wall_speedup"] = round(t["cli_wall_median_s"] / c["cli_wall_median_s"], 2)
    out["import_load_speedup"] = round(t["import_load_median_s"] / c["import_load_median_s"], 2)
    out["reports_identical_except_signature"] = reports["torch"] == reports["ctranslate2"]
    out["load_average_1min_after"] = load()
    return out


# One fresh process per measurement of the fluency LM alone: import the runtime, load the default
# model at fp32, score the texts read from stdin (best of N), report its own peak RSS.
_LM_CHILD = """
import json, resource, sys, time
runtime, threads, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
texts = json.loads(sys.stdin.read())
t0 = time.perf_counter()
if runtime == "torch":
    import torch, transformers  # noqa: F401
    from mtcheck.backends.causal_lm import CausalLMScorer as Scorer
else:
    import ctranslate2, tokenizers  # noqa: F401
    from mtcheck.backends import ct2_lm
    from mtcheck.backends.ct2_lm import CT2Scorer as Scorer
    if len(sys.argv) > 4:
        ct2_lm.BATCH_TOKENS = int(sys.argv[4])
t1 = time.perf_counter()
scorer = Scorer.load(None, "cpu", threads, 16, precision="fp32")
t2 = time.perf_counter()
scorer.surprisals(texts[:2])
times = []
for _ in range(repeats):
    t = time.perf_counter()
    scorer.surprisals(texts)
    times.append(time.perf_counter() - t)
tokens = sum(len(x) for x in scorer.surprisals(texts))
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "lm_best_s": min(times), "tokens": tokens,
                  "name": scorer.name, "torch_imported": "torch" in sys.modules,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _report_diffs(a: object, b: object, path: str = "") -> list[dict]:
    """Every leaf where two JSON reports differ, as {path, torch, ctranslate2}."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(a.keys() | b.keys()):
            out += _report_diffs(a.get(key), b.get(key), f"{path}/{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d for k, (x, y) in enumerate(zip(a, b, strict=True)) for d in _report_diffs(x, y, f"{path}/{k}")
        ]
    return [] if a == b else [{"path": path, "torch": a, "ctranslate2": b}]


def section_lm_runtimes(args: argparse.Namespace) -> dict:
    from mtcheck.backends import ct2, store
    from mtcheck.segment import segment

    texts = [
        s.text
        for path in (EXAMPLE, EXAMPLE_REF)
        for s in segment(path.read_text(encoding="utf-8"), path.name).sentences
    ]
    # The one-time conversion, outside the timings (a check converts once, then never again).
    conversion_s, _ = timed(lambda: ct2.convert_once(store.resolve(None).location))
    out: dict = {
        "load_average_1min_before": load(),
        "threads": args.threads,
        "texts": len(texts),
        "one_time_conversion_s": round(conversion_s, 2),
    }
    runtimes = ("torch", "ctranslate2")
    lm_runs: dict[str, list] = {r: [] for r in runtimes}
    check_runs: dict[str, list] = {r: [] for r in runtimes}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        reports = {r: Path(tmp) / f"{r}.json" for r in runtimes}
        for _ in range(args.rounds):
            for runtime in runtimes:
                child = [sys.executable, "-c", _LM_CHILD, runtime, str(args.threads), str(args.repeats)]
                done = subprocess.run(child, input=json.dumps(texts), capture_output=True, text=True, env=env)
                if done.returncode != 0:
                    raise SystemExit(f"{runtime} LM child failed: {done.stderr[-500:]}")
                lm_runs[runtime].append(json.loads(done.stdout.strip().splitlines()[-1]))
                argv = [
                    sys.executable, "-m", "mtcheck", "check", str(EXAMPLE), "--reference", str(EXAMPLE_REF),
                    "-f", "json", "-o", str(reports[runtime]), "--quiet", "--threads", str(args.threads),
                    "--model-runtime", runtime,
                ]  # fmt: skip
                line = subprocess.run(
                    [sys.executable, "-c", _WRAP, *argv], cwd=ROOT, env=env, capture_output=True, text=True
                ).stdout
                check_runs[runtime].append(json.loads(line))
        a, b = (json.loads(reports[r].read_text(encoding="utf-8")) for r in runtimes)
    for runtime in runtimes:
        runs = lm_runs[runtime]
        entry = {
            "model": runs[0]["name"],
            "torch_imported": runs[0]["torch_imported"],
            "import_runtime_s": round(statistics.median(r["import_s"] for r in runs), 3),
            "load_model_s": round(statistics.median(r["load_s"] for r in runs), 3),
            "lm_stage_best_s": round(min(r["lm_best_s"] for r in runs), 3),
            "lm_tokens": runs[0]["tokens"],
            "lm_peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
            "full_check_median_s": round(statistics.median(r[0] for r in check_runs[runtime]), 2),
            "full_check_all_s": [round(r[0], 2) for r in check_runs[runtime]],
            "full_check_peak_rss_mb": round(max(r[1] for r in check_runs[runtime]) / 1024, 1),
            "full_check_exit_codes": sorted({r[2] for r in check_runs[runtime]}),
        }
        entry["lm_tokens_per_second"] = round(entry["lm_tokens"] / entry["lm_stage_best_s"], 1)
        entry["import_plus_load_s"] = round(entry["import_runtime_s"] + entry["load_model_s"], 3)
        out[runtime] = entry
    t, c = out["torch"], out["ctranslate2"]
    out["ctranslate2_vs_torch"] = {
        "lm_stage_speedup": round(t["lm_stage_best_s"] / c["lm_stage_best_s"], 2),
        "import_plus_load_speedup": round(t["import_plus_load_s"] / c["import_plus_load_s"], 2),
        "full_check_speedup": round(t["full_check_median_s"] / c["full_check_median_s"], 2),
    }
    diffs = [d for d in _report_diffs(a, b) if d["path"] != "/signature"]
    out["report"] = {
        "findings_identical": [d["findings"] for d in a["documents"]]
        == [d["findings"] for d in b["documents"]],
        "signatures": [a["signature"], b["signature"]],
        "differences": diffs,
    }
    out["load_average_1min_after"] = load()
    return out


def section_ct2_batch_tokens(args: argparse.Namespace) -> dict:
    """CTranslate2's batch size in tokens (ct2_lm.BATCH_TOKENS) against the LM stage's time and peak RSS."""
    from mtcheck.segment import segment

    texts = [
        s.text
        for path in (EXAMPLE, EXAMPLE_REF)
        for s in segment(path.read_text(encoding="utf-8"), path.name).sentences
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sizes = (256, 512, 1024, 2048)
    runs: dict[int, list] = {n: [] for n in sizes}
    out: dict = {"load_average_1min_before": load(), "threads": args.threads, "texts": len(texts)}
    for _ in range(args.rounds):
        for n in sizes:
            child = [
                sys.executable,
                "-c",
                _LM_CHILD,
                "ctranslate2",
                str(args.threads),
                str(args.repeats),
                str(n),
            ]
            done = subprocess.run(child, input=json.dumps(texts), capture_output=True, text=True, env=env)
            runs[n].append(json.loads(done.stdout.strip().splitlines()[-1]))
    for n in sizes:
        out[str(n)] = {
            "lm_stage_best_s": round(min(r["lm_best_s"] for r in runs[n]), 3),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs[n]), 1),
        }
    out["load_average_1min_after"] = load()
    return out


def section_lm_runtime_equivalence(args: argparse.Namespace) -> dict:
    from _mqm import DATA

    from mtcheck import fluency
    from mtcheck.backends.causal_lm import CausalLMScorer
    from mtcheck.backends.ct2_lm import CT2Scorer
    from mtcheck.rules.fluency import THRESHOLD
    from mtcheck.segment import segment

    docs = [segment(json.loads(line)["mt"], "mt") for line in DATA.read_text(encoding="utf-8").splitlines()]
    texts = [s.text for d in docs for s in d.sentences]
    scored: dict[str, list] = {}
    seconds: dict[str, float] = {}
    for name, cls in (("torch", CausalLMScorer), ("ctranslate2", CT2Scorer)):
        scorer = cls.load(None, "cpu", args.threads, 16, precision="fp32")
        seconds[name], scored[name] = timed(lambda scorer=scorer: scorer.surprisals(texts))
    a, b = scored["torch"], scored["ctranslate2"]
    assert [[t[:2] for t in x] for x in a] == [[t[:2] for t in x] for x in b], "token offsets differ"
    diffs = sorted(abs(p[2] - q[2]) for x, y in zip(a, b, strict=True) for p, q in zip(x, y, strict=True))
    scores: dict[str, list[float]] = {"torch": [], "ctranslate2": []}
    for name, surps in scored.items():
        k = 0
        for doc in docs:
            part = surps[k : k + len(doc.sentences)]
            k += len(doc.sentences)
            scores[name] += [s.score for s in fluency.score_document(doc, part, name).sentences]
    deltas = [abs(x - y) for x, y in zip(scores["torch"], scores["ctranslate2"], strict=True)]
    rounded = sum(
        round(x, 1) != round(y, 1) for x, y in zip(scores["torch"], scores["ctranslate2"], strict=True)
    )
    return {
        "load_average_1min": load(),
        "segments": len(docs),
        "sentences": len(texts),
        "tokens": len(diffs),
        "token_nats_max_abs_diff": round(diffs[-1], 6),
        "token_nats_mean_abs_diff": round(sum(diffs) / len(diffs), 7),
        "token_nats_p99_abs_diff": round(diffs[int(0.99 * (len(diffs) - 1))], 6),
        "sentence_fluency_max_abs_diff": round(max(deltas), 4),
        "sentence_fluency_mean_abs_diff": round(sum(deltas) / len(deltas), 5),
        "sentences_whose_rounded_fluency_differs": rounded,
        f"sentences_crossing_mt901_threshold_{THRESHOLD}": sum(
            (x < THRESHOLD) != (y < THRESHOLD)
            for x, y in zip(scores["torch"], scores["ctranslate2"], strict=True)
        ),
        "lm_stage_s": {k: round(v, 2) for k, v in seconds.items()},
    }


# --- batch_layouts (issue 16, session 4): how a full-check batch uses the CPU cores ----------------------
# A fresh `mtcheck batch` process with pipelining allowed and its shard size set first (a size past the
# batch: no pipelining); prints nothing itself, the wrapper measures it.
_LAYOUT_CHILD = (
    "import sys\n"
    "from mtcheck import pipeline\n"
    "pipeline.PIPELINED = True\n"
    "pipeline.PIPELINE_SHARD = int(sys.argv[1])\n"
    "from mtcheck.cli import main\n"
    "sys.argv = ['mtcheck', *sys.argv[2:]]\n"
    "main()\n"
)
# Wall seconds, the child's peak RSS (KB) and CPU seconds (user + system), its exit code, the 1-minute
# load average before it started.
_WRAP_CPU = (
    "import json, os, resource, subprocess, sys, time\n"
    "before = os.getloadavg()[0]\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps([time.perf_counter() - t, u.ru_maxrss, u.ru_utime + u.ru_stime, r.returncode, before,"
    " r.stderr[-300:]]))\n"
)


def section_batch_layouts(args: argparse.Namespace) -> dict:
    """A full-check batch of ``--articles`` dev articles in three thread layouts, fresh processes,
    alternating for ``--rounds``: ``serial`` (one CTranslate2 worker, no pipelining: ``--threads 1``),
    ``workers`` (one single-threaded worker per CPU, device.ct2_workers: the default), ``workers_pipelined``
    (workers, and the rules of one shard of articles run while the models work on the next:
    pipeline.PIPELINED, off by default since session 5). Wall and CPU seconds, peak RSS, load before
    each run."""
    from mtcheck.pipeline import PIPELINE_SHARD

    layouts = {
        "serial": (["--threads", "1"], 10**9),
        "workers": ([], 10**9),
        "workers_pipelined": ([], PIPELINE_SHARD),
    }
    out: dict = {"load_average_1min_before": load(), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        dev = Path(tmp) / "dev.jsonl"
        n = dev_jsonl(dev, args.articles)
        out["articles"] = n
        runs: dict[str, list] = {name: [] for name in layouts}
        for _ in range(args.rounds):
            for name, (flags, shard) in layouts.items():
                argv = [sys.executable, "-c", _LAYOUT_CHILD, str(shard), "batch", str(dev), "--quiet", *flags]
                line = subprocess.run(
                    [sys.executable, "-c", _WRAP_CPU, *argv], cwd=ROOT, capture_output=True, text=True
                ).stdout
                runs[name].append(json.loads(line))
                print(name, runs[name][-1][:5], flush=True)
    for name, rs in runs.items():
        out[name] = {
            "median_s": round(statistics.median(r[0] for r in rs), 2),
            "all_s": [round(r[0], 2) for r in rs],
            "cpu_s": [round(r[2], 2) for r in rs],
            "peak_rss_mb": round(max(r[1] for r in rs) / 1024, 1),
            "exit_codes": sorted({r[3] for r in rs}),
            "load_before_each": [round(r[4], 2) for r in rs],
        }
        if any(r[3] not in (0, 1) for r in rs):
            out[name]["stderr_tail"] = rs[-1][5]
    serial = out["serial"]["median_s"]
    for name in ("workers", "workers_pipelined"):
        out[name]["speedup_over_serial"] = round(serial / out[name]["median_s"], 2)
    out["load_average_1min_after"] = load()
    return out


SECTIONS = {
    "batch_layouts": section_batch_layouts,
    "lm_runtimes": section_lm_runtimes,
    "lm_runtime_equivalence": section_lm_runtime_equivalence,
    "ct2_batch_tokens": section_ct2_batch_tokens,
    "example": section_example,
    "precisions": section_precisions,
    "gemm": section_gemm,
    "batch": section_batch,
    "baseline": section_baseline,
    "encoder_runtimes": section_encoder_runtimes,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--precisions", default="fp32,int8,bf16")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--sections", default="example,precisions,gemm,batch")
    ap.add_argument("--baseline", default=None, help="git revision to compare full checks with")
    ap.add_argument(
        "--baseline-threads", type=int, default=None, help="--threads for both trees (default: none given)"
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help="results file (sections it lacks are kept)")
    args = ap.parse_args()
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results["machine"] = f"{os.cpu_count()} CPUs, shared by other jobs: compare ratios within a section"
    wanted = [s for s in args.sections.split(",") if s]
    if args.baseline:
        wanted.append("baseline")
    for name in wanted:
        print(f"== {name}", flush=True)
        results[name] = SECTIONS[name](args)
        print(json.dumps(results[name], indent=2), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
