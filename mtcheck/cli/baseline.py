"""`mtcheck baseline create`: accept today's findings so that gates report only new ones."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mtcheck.cli.common import build_config, fail
from mtcheck.cli.options import (
    ConfigOpt,
    DeviceOpt,
    FluencyModelOpt,
    IgnoreOpt,
    InputFormatOpt,
    LmPrecisionOpt,
    ModelRuntimeOpt,
    NoFluencyOpt,
    SelectOpt,
    SrcLangOpt,
    ThreadsOpt,
)

baseline_app = typer.Typer(help="Accept today's findings and report only new ones from then on.")


@baseline_app.command("create")
def baseline_create(
    path: Annotated[str, typer.Argument(help="An article, a folder, a .jsonl file or an RSS/Atom feed.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The baseline file to write.")],
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = "auto",
    reference: Annotated[
        Path | None, typer.Option("--reference", "-r", help="A re-translation (single article only).")
    ] = None,
    src_lang: SrcLangOpt = None,
    no_fluency: NoFluencyOpt = False,
    fluency_model: FluencyModelOpt = None,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
    lm_precision: LmPrecisionOpt = None,
    model_runtime: ModelRuntimeOpt = None,
) -> None:
    """Write fingerprints of the current findings; `--baseline FILE` then hides them."""
    from mtcheck import baseline
    from mtcheck.batch import check_batch, read_input
    from mtcheck.output import write_atomic
    from mtcheck.readers import read_text_file

    config = build_config(
        config_path,
        select=select,
        ignore=ignore,
        src_lang=src_lang,
        no_fluency=no_fluency,
        fluency_model=fluency_model,
        device=device,
        threads=threads,
        lm_precision=lm_precision,
        model_runtime=model_runtime,
    )
    articles, errors, _ = read_input(path, input_format, config)
    if reference is not None:
        if len(articles) != 1:
            fail("--reference needs a single article")
        articles[0].reference = read_text_file(str(reference), config.max_chars)
    report = check_batch(articles, errors, config)
    write_atomic(output, baseline.dumps(baseline.create(report)))
    total = sum(len(d.findings) for d in report.documents)
    count = len(report.documents)
    typer.echo(f"mtcheck: baseline of {total} finding(s) in {count} article(s) written to {output}")
    for err in report.errors:
        typer.echo(f"mtcheck: {err.id}: not checked: {err.reason}", err=True)
