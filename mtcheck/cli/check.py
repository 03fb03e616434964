"""`mtcheck check`: one article in, one report out, the gate as exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mtcheck.cli.common import baseline_filter, build_config, emit, exit_for, fail
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
    InputFormatOpt,
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


def check(
    path: Annotated[str, typer.Argument(help="MT article: .txt, .md or .html file, or - for stdin.")],
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    min_score: MinScoreOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = "auto",
    reference: Annotated[
        list[Path] | None,
        typer.Option(
            "--reference",
            "-r",
            metavar="FILE",
            help="A re-translation of the same source; repeat for several (a word is supported when "
            "any one supports it).",
        ),
    ] = None,
    source: Annotated[
        Path | None, typer.Option("--source", "-s", help="The source-language original to re-translate.")
    ] = None,
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
) -> None:
    """Check one MT article and report its garbled spans; exit 1 when the gate fails."""
    from mtcheck.pipeline import check_article
    from mtcheck.readers import read_article, read_text_file

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
    )
    if source is not None and not config.src_lang:
        fail("--source needs --src-lang (the language of the source text, e.g. es)")
    keep = baseline_filter(baseline_file)
    article = read_article(path, input_format, max_chars=config.max_chars)
    texts = []
    for ref_path in reference or []:
        texts.append(read_text_file(str(ref_path), config.max_chars))
        if not texts[-1].strip():
            fail(f"{ref_path}: the re-translation is empty")
    if texts:
        article.reference, article.extra_references = texts[0], texts[1:]
    if source is not None:
        article.source = read_text_file(str(source), config.max_chars)
        article.src_lang = config.src_lang
    with progress(quiet, 1) as (_, on_stage):
        report = check_article(article, config, on_stage, keep=keep)
    paths = {} if path == "-" else {article.id: path}
    emit(report, fmt, output, fail_on=config.fail_on, paths=paths, max_repeats=config.report_max_repeats)
    exit_for(report)
