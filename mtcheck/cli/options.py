"""Options that several commands share, so that each has one spelling and one help text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="text, json, html, sarif, junit or github (workflow commands).")
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here (atomically).")]
FailOnOpt = Annotated[
    str | None,
    typer.Option("--fail-on", help="Lowest severity that fails the gate: error|warning|info|never."),
]
MinScoreOpt = Annotated[
    float | None, typer.Option("--min-score", help="Fail when quality is below this (0-100).")
]
SelectOpt = Annotated[
    str | None,
    typer.Option("--select", help="Comma-separated rule codes or prefixes to run (e.g. MT1,MT201)."),
]
IgnoreOpt = Annotated[
    str | None, typer.Option("--ignore", help="Comma-separated rule codes or prefixes to skip.")
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="mtcheck.toml or pyproject.toml to read instead of searching.")
]
InputFormatOpt = Annotated[str, typer.Option("--input-format", help="auto|text|markdown|html.")]
SrcLangOpt = Annotated[str | None, typer.Option("--src-lang", help="Source language code, e.g. es.")]
NoFluencyOpt = Annotated[
    bool, typer.Option("--no-fluency", help="Skip the language model (rules only, fast).")
]
FluencyOpt = Annotated[
    str | None,
    typer.Option("--fluency", help="Language-model fluency checks: auto (when installed) | on | off."),
]
QualityModelOpt = Annotated[
    str | None,
    typer.Option(
        "--quality-model",
        help="Word-level quality model (needs a re-translation and the embeddings extra): auto | on | off.",
    ),
]
QualityFindingsOpt = Annotated[
    str | None,
    typer.Option(
        "--quality-findings", help="The quality model's findings: precise (fewer) | balanced (more)."
    ),
]
FluencyModelOpt = Annotated[
    str | None, typer.Option("--fluency-model", help="Causal LM: hub id or local folder (default: embedded).")
]
MtModelOpt = Annotated[str | None, typer.Option("--mt-model", help="Seq2seq model: hub id or local folder.")]
EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="Re-translation engine: transformers|apertium|none (none: score the MT against --source alone).",
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the translation cache.")]
DeviceOpt = Annotated[str | None, typer.Option("--device", help="auto, cpu, cuda, cuda:1, mps.")]
ThreadsOpt = Annotated[
    int | None,
    typer.Option("--threads", help="CPU threads for model work; worker processes for a rules-only batch."),
]
LmPrecisionOpt = Annotated[
    str | None,
    typer.Option(
        "--lm-precision", help="Fluency LM arithmetic: auto|fp32|int8|fp16|bf16 (auto: fp32 on CPU)."
    ),
]
ModelRuntimeOpt = Annotated[
    str | None,
    typer.Option(
        "--model-runtime",
        help="What runs the fluency LM and the sentence encoder: auto|torch|ctranslate2 "
        "(auto: ctranslate2 when installed, on CPU at fp32).",
    ),
]
MaxCharsOpt = Annotated[int | None, typer.Option("--max-chars", help="Refuse longer articles.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
BaselineOpt = Annotated[
    Path | None,
    typer.Option("--baseline", help="Report only findings not in this baseline (`mtcheck baseline create`)."),
]
