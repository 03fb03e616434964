"""The one Typer app: its error boundary, --debug/--version, and the table of commands."""

from __future__ import annotations

import gc
import logging
import sys
import warnings
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from mtcheck.cli import baseline, batch, check, fix, models, rules, serve, translate
from mtcheck.cli.common import EXIT_ERROR
from mtcheck.errors import MtcheckError

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

# Registration order is the order `mtcheck --help` lists the commands in.
app.command()(check.check)
app.command()(batch.batch)
app.command()(fix.fix)
app.command("rules")(rules.list_rules)
app.command()(rules.explain)
app.command()(translate.retranslate)
app.command()(translate.align)
app.command()(serve.serve)
app.add_typer(baseline.baseline_app, name="baseline")
app.add_typer(models.models_app, name="models")


class _Stderr(logging.Handler):
    """Notices from the library (a model feature that ``auto`` turned off) as ``mtcheck: ...`` lines.

    Echoes through click at emit time, so the stream is the one in use then (CliRunner swaps it).
    """

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"mtcheck: {record.getMessage()}", err=True)


def _notices_to_stderr() -> None:
    logger = logging.getLogger("mtcheck")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        logger.addHandler(_Stderr(logging.WARNING))


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
    _notices_to_stderr()
    if not debug:
        # Library warnings (tokenizers, bs4, feedparser) would put extra lines on stderr.
        warnings.simplefilter("ignore")


# The cyclic garbage collector's first-generation threshold (CPython's default is 700). A check
# allocates tens of objects per sentence, almost all freed by reference counting; at the default the
# collector ran a full pass over every live object several times per run, ~20% of a rules-only check
# on sentence-dense text (one word per line). At this threshold a cycle waits for at most this many
# allocations (a few MB at most), and full passes become rare.
GC_THRESHOLD = 50_000


def main() -> None:
    gc.set_threshold(GC_THRESHOLD, 20, 20)
    app()
