"""`mtcheck serve`: the newsroom service (the serve extra): a page for editors, a JSON API for a CMS."""

from __future__ import annotations

from typing import Annotated

import typer

from mtcheck.cli.common import build_config, fail
from mtcheck.cli.options import (
    ConfigOpt,
    DeviceOpt,
    EngineOpt,
    FailOnOpt,
    FluencyModelOpt,
    IgnoreOpt,
    MaxCharsOpt,
    MtModelOpt,
    NoCacheOpt,
    NoFluencyOpt,
    SelectOpt,
    SrcLangOpt,
    ThreadsOpt,
)


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; beyond loopback an API key is required.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", help="Worker threads sharing the one set of loaded models.")
    ] = 1,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key", help="Key clients must send (default: $MTCHECK_API_KEY).", show_default=False
        ),
    ] = None,
    queue_size: Annotated[
        int, typer.Option("--queue", help="Articles that may wait; more are answered 429.")
    ] = 64,
    max_batch: Annotated[int, typer.Option("--max-batch", help="Articles checked in one model pass.")] = 16,
    batch_window: Annotated[
        float, typer.Option("--batch-window", help="Seconds a worker waits for more articles to batch.")
    ] = 0.01,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds a request may take, queue included; then 503.")
    ] = 60.0,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest request body in bytes; larger ones get 413.")
    ] = 4_000_000,
    fail_on: FailOnOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config_path: ConfigOpt = None,
    src_lang: SrcLangOpt = None,
    mt_model: MtModelOpt = None,
    engine: EngineOpt = None,
    no_cache: NoCacheOpt = False,
    no_fluency: NoFluencyOpt = False,
    fluency_model: FluencyModelOpt = None,
    device: DeviceOpt = None,
    threads: ThreadsOpt = None,
    max_chars: MaxCharsOpt = None,
) -> None:
    """Serve the checker over HTTP with the models loaded once: a page at / and an API under /v1."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        fail("mtcheck serve needs the serve extra: pip install 'mtcheck[serve]'")
    from mtcheck.serve.models import ModelHost
    from mtcheck.serve.server import configure_logging
    from mtcheck.serve.server import serve as run
    from mtcheck.serve.settings import ServeSettings, api_key_from

    config = build_config(
        config_path,
        fail_on=fail_on,
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
    settings = ServeSettings(
        host=host,
        port=port,
        workers=workers,
        queue_size=queue_size,
        max_batch=max_batch,
        batch_window=batch_window,
        timeout=timeout,
        max_body=max_body,
        api_key=api_key_from(api_key),
    )
    settings.validate()
    configure_logging()
    typer.echo("mtcheck: loading models…", err=True)
    models = ModelHost(config)
    models.load()  # a ModelError ends here, as one line, before the port is taken
    run(config, settings, models)
