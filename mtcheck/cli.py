"""The command line: thin Typer commands. The only module that prints or exits.

Heavy modules (rules, models, renderers) are imported inside commands so that ``mtcheck --help``
stays instant.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from mtcheck.errors import MtcheckError

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
_state: dict[str, Any] = {"debug": False}


class _Group(TyperGroup):
    """Turns errors from any command into one line on stderr and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, typer.Exit, typer.Abort):
            raise
        except MtcheckError as exc:
            if _state["debug"]:
                raise
            click.echo(f"mtcheck: error: {_one_line(exc)}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("mtcheck: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (`mtcheck check a.txt | head`): nothing to say, and nobody to say it to.
            sys.stdout = click.utils.PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
            ctx.exit(141)
        except Exception as exc:  # last line of defence: one line, not a traceback
            if _state["debug"]:
                raise
            message = f"{type(exc).__name__}: {_one_line(exc)}"
            click.echo(f"mtcheck: internal error: {message} (rerun with --debug)", err=True)
            ctx.exit(EXIT_ERROR)


def _one_line(exc: BaseException) -> str:
    """Messages from libraries (transformers, feedparser) may span lines; stderr gets exactly one."""
    return " ".join(part.strip() for part in str(exc).splitlines() if part.strip())


app = typer.Typer(
    cls=_Group,
    name="mtcheck",
    help="Find garbled spans in machine-translated news before it is published.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    typer.echo(f"mtcheck: error: {message}", err=True)
    raise typer.Exit(code)


# --- shared options -------------------------------------------------------------------------------
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
SrcLangOpt = Annotated[str | None, typer.Option("--src-lang", help="Source language code, e.g. es.")]
NoFluencyOpt = Annotated[
    bool, typer.Option("--no-fluency", help="Skip the language model (rules only, fast).")
]
FluencyModelOpt = Annotated[
    str | None, typer.Option("--fluency-model", help="Causal LM: hub id or local folder (default: embedded).")
]
MtModelOpt = Annotated[str | None, typer.Option("--mt-model", help="Seq2seq model: hub id or local folder.")]
EngineOpt = Annotated[
    str | None, typer.Option("--engine", help="Re-translation engine: transformers|apertium.")
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the translation cache.")]
DeviceOpt = Annotated[str | None, typer.Option("--device", help="auto, cpu, cuda, cuda:1, mps.")]
ThreadsOpt = Annotated[int | None, typer.Option("--threads", help="CPU threads for model work.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
BaselineOpt = Annotated[
    Path | None,
    typer.Option("--baseline", help="Report only findings not in this baseline (`mtcheck baseline create`)."),
]


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def _config(config_path: Path | None, **flags: Any):
    from mtcheck.config import load_config

    return load_config(config_path).merged(**flags)


def _emit(report: Any, fmt: str, output: Path | None, **options: Any) -> None:
    from mtcheck.output import write_atomic
    from mtcheck.render import render

    color = output is None and sys.stdout.isatty()
    content = render(report, fmt, color=color, **options)
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
    else:
        write_atomic(output, content)


def _with_baseline(report: Any, baseline_file: Path | None, config: Any) -> Any:
    if baseline_file is None:
        return report
    from mtcheck import baseline

    return baseline.apply(report, baseline.load(baseline_file), config)


def _exit_for(report: Any) -> None:
    raise typer.Exit(EXIT_FAIL if report.verdict == "fail" else EXIT_PASS)


# --- commands -------------------------------------------------------------------------------------
@app.command()
def check(
    path: Annotated[str, typer.Argument(help="MT article: .txt, .md or .html file, or - for stdin.")],
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
    fail_on: FailOnOpt = None,
    min_score: MinScoreOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config_path: ConfigOpt = None,
    input_format: Annotated[str, typer.Option("--input-format", help="auto|text|markdown|html.")] = "auto",
    reference: Annotated[
        Path | None, typer.Option("--reference", "-r", help="A re-translation of the same source.")
    ] = None,
    source: Annotated[
        Path | None, typer.Option("--source", "-s", help="The source-language original to re-translate.")
    ] = None,
    src_lang: SrcLangOpt = None,
    mt_model: MtModelOpt = None,
    engine: EngineOpt = None,
    no_cache: NoCacheOpt = False,
    no_fluency: NoFluencyOpt = False,
    fluency_model: FluencyModelOpt = None,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
    max_chars: Annotated[int | None, typer.Option("--max-chars", help="Refuse longer articles.")] = None,
    baseline_file: BaselineOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Check one MT article and report its garbled spans; exit 1 when the gate fails."""
    from mtcheck.pipeline import check_article
    from mtcheck.readers import read_article, read_text_file

    config = _config(
        config_path,
        fail_on=fail_on,
        min_score=min_score,
        select=_split(select),
        ignore=_split(ignore),
        src_lang=src_lang,
        mt_model=mt_model,
        engine=engine,
        cache=False if no_cache else None,
        fluency=False if no_fluency else None,
        fluency_model=fluency_model,
        device=device,
        threads=threads,
        max_chars=max_chars,
    )
    if source is not None and not config.src_lang:
        _fail("--source needs --src-lang (the language of the source text, e.g. es)")
    article = read_article(path, input_format)
    if reference is not None:
        article.reference = read_text_file(str(reference))
        if not article.reference.strip():
            _fail(f"{reference}: the re-translation is empty")
    if source is not None:
        article.source = read_text_file(str(source))
        article.src_lang = config.src_lang
    with _progress(quiet, 1) as (_, on_stage):
        report = _with_baseline(check_article(article, config, on_stage), baseline_file, config)
    paths = {} if path == "-" else {article.id: path}
    _emit(report, fmt, output, fail_on=config.fail_on, paths=paths)
    _exit_for(report)


def _progress_wanted(quiet: bool) -> bool:
    import os

    in_ci = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
    return not quiet and not in_ci and sys.stderr.isatty()


@contextmanager
def _progress(quiet: bool, articles: int) -> Iterator[tuple[Any, Any]]:
    """(article callback, stage callback) driving a rich progress display on stderr, or (None, None).

    Shown only on a terminal: CI logs, pipes and --quiet stay clean.
    """
    if not _progress_wanted(quiet):
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        stages: dict[str, Any] = {}

        def on_stage(stage: str, done: int, total: int) -> None:
            if stage not in stages:
                stages[stage] = bar.add_task(f"{stage} (sentences)", total=total)
            bar.update(stages[stage], completed=done, total=total)

        task = bar.add_task("articles", total=articles)
        yield (lambda n: bar.advance(task, n)), on_stage


@app.command()
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
    fluency_model: FluencyModelOpt = None,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
    max_chars: Annotated[int | None, typer.Option("--max-chars", help="Refuse longer articles.")] = None,
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

    config = _config(
        config_path,
        fail_on=fail_on,
        min_score=min_score,
        select=_split(select),
        ignore=_split(ignore),
        src_lang=src_lang,
        mt_model=mt_model,
        engine=engine,
        cache=False if no_cache else None,
        fluency=False if no_fluency else None,
        fluency_model=fluency_model,
        device=device,
        threads=threads,
        max_chars=max_chars,
        ray=ray,
        ray_workers=ray_workers,
    )
    articles, errors, files = read_input(inputs, input_format, config)
    with _progress(quiet, len(articles)) as (on_article, on_stage):
        report = check_batch(articles, errors, config, progress=on_article, stage_progress=on_stage)
    report = _with_baseline(report, baseline_file, config)
    if report_dir is not None:
        write_report_dir(report, report_dir)
    # Annotations (sarif, github, junit) point at the files articles came from, not just their ids.
    _emit(report, fmt, output, fail_on=config.fail_on, paths=files)
    _exit_for(report)


baseline_app = typer.Typer(help="Accept today's findings and report only new ones from then on.")
app.add_typer(baseline_app, name="baseline")

models_app = typer.Typer(help="Model cards and the local model store (MTCHECK_HOME).")
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list() -> None:
    """List model cards, and which packaged models are converted in the store."""
    from mtcheck.backends import store

    typer.echo(f"store: {store.store_dir()}")
    for card in store.cards().values():
        if card.source == "wheel":
            state = "stored" if store.is_stored(card) else f"not converted (mtcheck models pull {card.id})"
        else:
            state = f"hub {card.hub_id}"
        default = " (default)" if card.default else ""
        typer.echo(f"{card.id:<20} {card.role:<9} {card.licence or '?':<20} {state}{default}")


@models_app.command("pull")
def models_pull(
    model: Annotated[
        str | None, typer.Argument(help="Card id (default: the embedded fluency model).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert again even if stored.")] = False,
) -> None:
    """Convert a packaged model into the local store once, so that later runs load it in seconds."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mtcheck.backends import store

    card = store.default_card() if model is None else store.card_for(model)
    if card is None:
        _fail(f"unknown model card {model!r} (see `mtcheck models list`)")
    if card.source != "wheel":
        _fail(f"{card.id} comes from the hub ({card.hub_id}); transformers downloads it on first use")
    if store.is_stored(card) and not force:
        typer.echo(f"{card.id}: already in {store.stored_path(card)}")
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(f"{card.id}: starting", total=4)
        path = store.convert(
            card, lambda text, i, n: bar.update(task, description=f"{card.id}: {text}", completed=i)
        )
    typer.echo(f"{card.id}: stored in {path}")


@baseline_app.command("create")
def baseline_create(
    path: Annotated[str, typer.Argument(help="An article, a folder, a .jsonl file or an RSS/Atom feed.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The baseline file to write.")],
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config_path: ConfigOpt = None,
    input_format: Annotated[str, typer.Option("--input-format", help="auto|text|markdown|html.")] = "auto",
    reference: Annotated[
        Path | None, typer.Option("--reference", "-r", help="A re-translation (single article only).")
    ] = None,
    src_lang: SrcLangOpt = None,
    no_fluency: NoFluencyOpt = False,
    fluency_model: FluencyModelOpt = None,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
) -> None:
    """Write fingerprints of the current findings; `--baseline FILE` then hides them."""
    from mtcheck import baseline
    from mtcheck.batch import check_batch, read_input
    from mtcheck.output import write_atomic
    from mtcheck.readers import read_text_file

    config = _config(
        config_path,
        select=_split(select),
        ignore=_split(ignore),
        src_lang=src_lang,
        fluency=False if no_fluency else None,
        fluency_model=fluency_model,
        device=device,
        threads=threads,
    )
    articles, errors, _ = read_input(path, input_format, config)
    if reference is not None:
        if len(articles) != 1:
            _fail("--reference needs a single article")
        articles[0].reference = read_text_file(str(reference))
    report = check_batch(articles, errors, config)
    write_atomic(output, baseline.dumps(baseline.create(report)))
    total = sum(len(d.findings) for d in report.documents)
    count = len(report.documents)
    typer.echo(f"mtcheck: baseline of {total} finding(s) in {count} article(s) written to {output}")
    for err in report.errors:
        typer.echo(f"mtcheck: {err.id}: not checked: {err.reason}", err=True)


@app.command("rules")
def list_rules(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List every rule with its code, name, category and default severity."""
    from mtcheck.rules import REGISTRY

    if fmt == "json":
        import json

        rows = [
            {
                "code": c,
                "name": r.name,
                "category": r.category,
                "severity": r.severity.value,
                "summary": r.summary,
            }
            for c, r in sorted(REGISTRY.items())
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("code", "name", "category", "severity", "what it finds")
    for code, rule in sorted(REGISTRY.items()):
        table.add_row(code, rule.name, rule.category, rule.severity.value, rule.summary)
    Console(soft_wrap=False).print(table)


@app.command()
def explain(code: Annotated[str, typer.Argument(help="Rule code (MT101) or name.")]) -> None:
    """Show a rule's documentation: what, why, an example, how to fix, options."""
    from mtcheck.rules import REGISTRY

    rule = REGISTRY.get(code.upper()) or next((r for r in REGISTRY.values() if r.name == code.lower()), None)
    if rule is None:
        _fail(f"unknown rule {code!r} (see `mtcheck rules`)")
        return
    _, fails = rule.examples()
    lines = [
        f"{rule.code} {rule.name} ({rule.category}, default severity {rule.severity.value})",
        "",
        f"What: {rule.summary}",
        f"Why: {rule.why}",
    ]
    if fails:
        lines.append(f"Example: {fails[0].mt}")
        if fails[0].reference:
            lines.append(f"  re-translation: {fails[0].reference}")
    lines.append(f"Fix: {rule.fix}")
    if rule.options:
        lines.append("Options: " + ", ".join(f"{k} = {v!r}" for k, v in rule.options.items()))
    typer.echo("\n".join(lines))


@app.command()
def retranslate(
    source: Annotated[str, typer.Argument(help="Source-language article (.txt), or - for stdin.")],
    src_lang: SrcLangOpt = None,
    output: OutputOpt = None,
    mt_model: MtModelOpt = None,
    engine: EngineOpt = None,
    no_cache: NoCacheOpt = False,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
    config_path: ConfigOpt = None,
) -> None:
    """Re-translate a source article into English (one paragraph per source paragraph)."""
    from mtcheck.backends.retranslate import make_translator
    from mtcheck.backends.retranslate import retranslate as run_retranslate
    from mtcheck.readers import read_text_file

    config = _config(
        config_path, src_lang=src_lang, mt_model=mt_model, engine=engine,
        cache=False if no_cache else None, device=device, threads=threads,
    )  # fmt: skip
    if not config.src_lang:
        _fail("retranslate needs --src-lang (the language of the source text, e.g. es)")
    text = sys.stdin.read() if source == "-" else read_text_file(source)
    if not text.strip():
        _fail(f"{source}: the source is empty")
    english = run_retranslate(make_translator(config, config.src_lang), text, config.src_lang) + "\n"
    if output is None:
        sys.stdout.write(english)
    else:
        from mtcheck.output import write_atomic

        write_atomic(output, english)


@app.command()
def align(
    mt: Annotated[str, typer.Argument(help="MT article (.txt, .md or .html).")],
    ref: Annotated[str, typer.Argument(help="Re-translation of the same source (.txt).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    width: Annotated[int, typer.Option("--width", help="Characters of each text shown in the table.")] = 48,
) -> None:
    """Print the sentence alignment of an MT article with a re-translation."""
    import json

    from mtcheck.adequacy import document_adequacy
    from mtcheck.align import align_documents
    from mtcheck.readers import read_article, read_text_file
    from mtcheck.segment import segment

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    article = read_article(mt, "auto")
    mt_doc = segment(article.text, article.id)
    ref_doc = segment(read_text_file(ref), f"{article.id}:reference")
    pairs = align_documents(mt_doc, ref_doc)
    if fmt == "json":
        out = {
            "mt": [{**s.to_json(), "text": s.text} for s in mt_doc.sentences],
            "reference": [{**s.to_json(), "text": s.text} for s in ref_doc.sentences],
            "alignment": [p.to_json() for p in pairs],
            "adequacy": document_adequacy(mt_doc, ref_doc, pairs).to_json(),
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return

    def cell(ids: tuple[int, ...], doc: Any) -> str:
        text = " ".join(doc.sentences[i].text for i in ids) or "—"
        return text if len(text) <= width else text[: width - 1] + "…"

    typer.echo(f"{'mt':>7}  {'ref':>7}  {'sim':>5}  {'chrF':>5}  {'MT':<{width}}  re-translation")
    for p in pairs:
        ids_mt = ",".join(map(str, p.mt)) or "-"
        ids_ref = ",".join(map(str, p.ref)) or "-"
        chrf = "" if p.chrf is None else f"{p.chrf:5.1f}"
        typer.echo(
            f"{ids_mt:>7}  {ids_ref:>7}  {p.similarity:5.2f}  {chrf:>5}  {cell(p.mt, mt_doc):<{width}}  "
            f"{cell(p.ref, ref_doc)}"
        )


def _print_version(value: bool) -> None:
    if value:
        from mtcheck import __version__

        typer.echo(f"mtcheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version),
    ] = False,
) -> None:
    _state["debug"] = debug
    if not debug:
        # Library warnings (tokenizers, bs4, feedparser) would put extra lines on stderr.
        warnings.simplefilter("ignore")


def main() -> None:
    app()
