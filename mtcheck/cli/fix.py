"""`mtcheck fix`: apply the corrections mtcheck knows, as `ruff check --fix` does for code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mtcheck.cli.common import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, build_config, fail
from mtcheck.cli.options import (
    ConfigOpt,
    DeviceOpt,
    EngineOpt,
    FluencyModelOpt,
    IgnoreOpt,
    InputFormatOpt,
    MaxCharsOpt,
    MtModelOpt,
    NoCacheOpt,
    NoFluencyOpt,
    QuietOpt,
    SelectOpt,
    SrcLangOpt,
    ThreadsOpt,
)


def fix(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Article files (.txt, .md, .html, - for stdin), folders or .jsonl files.", metavar="INPUT..."
        ),
    ],
    diff: Annotated[
        bool, typer.Option("--diff", help="Print a unified diff instead; exit 1 when something would change.")
    ] = False,
    in_place: Annotated[
        bool, typer.Option("--in-place", "-i", help="Rewrite the input files (atomically).")
    ] = False,
    unsafe_fixes: Annotated[
        bool, typer.Option("--unsafe-fixes", help="Also apply fixes that need an editor's judgement.")
    ] = False,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", help="Write corrected articles here (folders and JSONL), same names."),
    ] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = "auto",
    reference: Annotated[
        Path | None, typer.Option("--reference", "-r", help="A re-translation (single article only).")
    ] = None,
    src_lang: SrcLangOpt = None,
    mt_model: MtModelOpt = None,
    engine: EngineOpt = None,
    no_cache: NoCacheOpt = False,
    no_fluency: NoFluencyOpt = False,
    fluency_model: FluencyModelOpt = None,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
    max_chars: MaxCharsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Correct what mtcheck can correct: safe fixes by default, unsafe ones with --unsafe-fixes.

    One article goes to stdout; folders and JSONL files go to --output-dir. The inputs are never
    changed unless --in-place is given.
    """
    from mtcheck.batch import read_input
    from mtcheck.fix.output import FixRun
    from mtcheck.pipeline import Checker
    from mtcheck.readers import read_text_file

    modes = sum([diff, in_place, output_dir is not None])
    if modes > 1:
        fail("--diff, --in-place and --output-dir exclude each other")
    if in_place and "-" in inputs:
        fail("--in-place cannot rewrite stdin")
    config = build_config(
        config_path,
        select=select,
        ignore=ignore,
        src_lang=src_lang,
        mt_model=mt_model,
        engine=engine,
        no_cache=no_cache,
        no_fluency=no_fluency,
        fluency_model=fluency_model,
        device=device,
        threads=threads,
        max_chars=max_chars,
    )
    from mtcheck.readers.feeds import kind_of

    first = Path(inputs[0])
    # One article file (or stdin, or a path that does not exist: `check`'s error then) goes to stdout.
    single = len(inputs) == 1 and (
        inputs[0] == "-" or not first.exists() or (first.is_file() and kind_of(inputs[0]) == "article")
    )
    if not single:
        kinds = {kind_of(p) for p in inputs if p != "-" and Path(p).exists()}
        if "feed" in kinds:
            fail("RSS/Atom feeds have no article files to correct: fix the articles, folders or JSONL")
        if in_place and "jsonl" in kinds:
            fail("--in-place rewrites article files, not JSONL lines: use --output-dir")
    if single:
        from mtcheck.readers import read_article

        # Exactly what `mtcheck check` does with one file: the same errors and exit codes.
        articles = [read_article(inputs[0], input_format, max_chars=config.max_chars)]
        files = {} if inputs[0] == "-" else {articles[0].id: inputs[0]}
        errors: list = []
    else:
        articles, errors, files = read_input(inputs, input_format, config)
    if reference is not None:
        if len(articles) != 1:
            fail("--reference needs a single article")
        articles[0].reference = read_text_file(str(reference), config.max_chars)
    if not single and not (diff or in_place or output_dir):
        fail("several articles need --output-dir, --in-place or --diff (stdout takes one article)")
    run = FixRun(Checker(config), unsafe=unsafe_fixes, strict=single)
    results = run.fix(articles, errors, files)
    if diff:
        typer.echo(run.diff(results), nl=False)
    elif in_place:
        run.write_in_place(results)
    elif output_dir is not None:
        run.write_dir(results, output_dir, inputs)
    else:
        typer.echo(results[0].fixed_text if results else "", nl=False)
    if not quiet:
        for line in run.summary(results):
            typer.echo(line, err=True)
    for err in run.errors:
        typer.echo(f"mtcheck: {err.id}: not fixed: {err.reason}", err=True)
    if run.errors:
        raise typer.Exit(EXIT_ERROR)  # an input could not be read or checked: nothing says it is fixed
    raise typer.Exit(EXIT_FAIL if diff and any(r.changed for r in results) else EXIT_PASS)
