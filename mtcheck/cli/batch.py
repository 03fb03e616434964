"""`mtcheck batch`: many articles (folders, JSONL, feeds), locally or on Ray; one gate for all."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mtcheck.cli.common import baseline_filter, build_config, emit, exit_for
from mtcheck.cli.options import (
    BaselineOpt,
    ConfigOpt,
    DeviceOpt,
    EngineOpt,
    FailOnOpt,
    FluencyModelOpt,
    FluencyOpt,
    FormatOpt,
    IgnoreOpt,
    LmPrecisionOpt,
    MaxCharsOpt,
    MinScoreOpt,
    ModelRuntimeOpt,
    MtModelOpt,
    NoCacheOpt,
    NoFluencyOpt,
    OutputOpt,
    QualityFindingsOpt,
    QualityModelOpt,
    QuietOpt,
    SelectOpt,
    SrcLangOpt,
    ThreadsOpt,
)
from mtcheck.cli.progress import progress


def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(help="Folders, .jsonl files, RSS/Atom feeds or article files.", metavar="INPUT..."),
    ],
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
    report_dir: Annotated[
        Path | None,
        typer.Option("--report-dir", help="Write one HTML page per article and index.html here."),
    ] = None,
    fail_on: FailOnOpt = None,
    min_score: MinScoreOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config_path: ConfigOpt = None,
    input_format: Annotated[
        str, typer.Option("--input-format", help="auto|text|markdown|html for folder articles.")
    ] = "auto",
    src_lang: SrcLangOpt = None,
    mt_model: MtModelOpt = None,
    engine: EngineOpt = None,
    no_cache: NoCacheOpt = False,
    no_fluency: NoFluencyOpt = False,
    fluency: FluencyOpt = None,
    quality_model: QualityModelOpt = None,
    quality_findings: QualityFindingsOpt = None,
    fluency_model: FluencyModelOpt = None,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
    lm_precision: LmPrecisionOpt = None,
    model_runtime: ModelRuntimeOpt = None,
    max_chars: MaxCharsOpt = None,
    baseline_file: BaselineOpt = None,
    quiet: QuietOpt = False,
    ray: Annotated[
        str | None,
        typer.Option("--ray", help="Run on Ray (the ray extra): local, auto or ray://HOST:PORT."),
    ] = None,
    ray_workers: Annotated[
        int | None, typer.Option("--ray-workers", help="Workers on Ray (default: one per cluster CPU).")
    ] = None,
) -> None:
    """Check every article of a folder, JSONL file or feed; the gate applies to the whole batch.

    Folders pair NAME.txt with NAME.ref.txt (re-translation) and NAME.src.LANG.txt (source) by name.
    """
    from mtcheck.batch import check_batch, read_input, write_report_dir

    config = build_config(
        config_path,
        fail_on=fail_on,
        min_score=min_score,
        select=select,
        ignore=ignore,
        src_lang=src_lang,
        mt_model=mt_model,
        engine=engine,
        no_cache=no_cache,
        no_fluency=no_fluency,
        fluency=fluency,
        quality_model=quality_model,
        quality_findings=quality_findings,
        fluency_model=fluency_model,
        device=device,
        threads=threads,
        lm_precision=lm_precision,
        model_runtime=model_runtime,
        max_chars=max_chars,
        ray=ray,
        ray_workers=ray_workers,
    )
    keep = baseline_filter(baseline_file)
    articles, errors, files = read_input(inputs, input_format, config)
    with progress(quiet, len(articles)) as (on_article, on_stage):
        report = check_batch(
            articles, errors, config, progress=on_article, stage_progress=on_stage, keep=keep
        )
    if report_dir is not None:
        write_report_dir(report, report_dir, config.report_max_repeats)
    # Annotations (sarif, github, junit) point at the files articles came from, not just their ids.
    emit(report, fmt, output, fail_on=config.fail_on, paths=files, max_repeats=config.report_max_repeats)
    exit_for(report)
