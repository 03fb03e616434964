"""The HTTP side: routes, JSON error answers, the body limit and the access log.

Every error is JSON ``{"error": "<one line, as the CLI prints it>", "status": N}``: 400 a body that
is not JSON, 401 a missing or wrong API key, 404/405 no such route, 413 a body over ``--max-body``,
422 an invalid article or option, 429 a full queue, 503 not ready, shutting down or over the time
limit (429 and 503 with Retry-After), 500 a bug (one line; the traceback only in the service's log).

No route reads or writes a file named by a request: an article's ``id`` and an upload's file name
are labels in the report, nothing more.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Future
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from mtcheck import __version__
from mtcheck.config import Config
from mtcheck.errors import MtcheckError
from mtcheck.serve import page
from mtcheck.serve.auth import presented_key, require_key
from mtcheck.serve.errors import ApiError
from mtcheck.serve.models import ModelHost
from mtcheck.serve.requests import (
    BODY_SCHEMA,
    FIX_SCHEMA,
    attach_companions,
    check_request,
    parse_json,
    request_config,
)
from mtcheck.serve.service import MEDIA_TYPES, Answer, Service, Work
from mtcheck.serve.settings import ServeSettings

access_log = logging.getLogger("mtcheck.serve.access")
log = logging.getLogger("mtcheck.serve")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# How often a waiting request checks whether its client is still there, seconds.
POLL = 0.25


def create_app(config: Config, settings: ServeSettings, models: ModelHost | None = None) -> FastAPI:
    """The service as an ASGI app; ``models`` already loaded, or None to load them at start-up."""
    service = Service(config, settings, models)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        service.start()
        yield
        # Uvicorn calls this after every connection closed: nothing is left but idle workers.
        await run_in_threadpool(service.close)

    app = FastAPI(
        title="mtcheck",
        version=__version__,
        description="Find garbled spans in machine-translated news before it is published.",
        # Swagger UI and ReDoc load their scripts from a CDN: the schema is served, the viewers are not.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    app.add_middleware(BodyLimit, limit=settings.max_body)
    app.add_middleware(AccessLog)  # added last: outermost, so it also logs what BodyLimit refuses
    _install_error_handlers(app)
    _install_routes(app, service, settings)
    return app


# --- errors ---------------------------------------------------------------------------------------
def error_response(status: int, message: str, retry_after: int | None = None) -> JSONResponse:
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="mtcheck"'
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.message, exc.retry_after)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            message = f"no such endpoint: {request.url.path} (see /openapi.json)"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        else:
            message = " ".join(str(exc.detail).split())
        return error_response(exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return error_response(422, f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(ClientDisconnect)
    async def _gone(_: Request, __: ClientDisconnect) -> Response:
        # Nobody is left to read it; the access log records the 499.
        return Response(status_code=499)

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> Response:
        log.exception("mtcheck: internal error %s", type(exc).__name__)
        return error_response(500, f"internal error: {type(exc).__name__} (see the service's log)")


# --- routes ---------------------------------------------------------------------------------------
def _install_routes(app: FastAPI, service: Service, settings: ServeSettings) -> None:
    def authorise(request: Request, form_value: str | None = None) -> None:
        require_key(settings.api_key, presented_key(request.headers, form_value))

    @app.post(
        "/v1/check",
        summary="Check one article",
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": BODY_SCHEMA}}}
        },
        responses={
            200: {
                "description": "The report in the asked format (json: the mtcheck.report/1 contract). "
                "Header X-Mtcheck-Verdict: pass or fail."
            },
            **{code: {"description": text} for code, text in _ERROR_CODES.items()},
        },
    )
    async def check(
        request: Request,
        fmt: str = Query("json", alias="format", description="json, html, sarif, junit, github or text."),
    ) -> Response:
        arrived = time.monotonic()
        authorise(request)
        if fmt not in MEDIA_TYPES:
            raise ApiError(422, f"unknown output format {fmt!r} (use {', '.join(MEDIA_TYPES)})")
        service.refuse_unless_ready()
        body = await read_body(request)
        req = check_request(parse_json(body), service.config, service.fluency_available)
        answer = await wait_for(
            request, service.submit(Work(req.article, req.config, fmt)), arrived, settings
        )
        headers = {"X-Mtcheck-Verdict": answer.verdict}
        if fmt == "html":
            headers["Content-Security-Policy"] = page.report_csp()
        return Response(answer.body, media_type=MEDIA_TYPES[fmt], headers=headers)

    @app.post(
        "/v1/fix",
        summary="Correct one article (as `mtcheck fix`): the corrected text and a unified diff",
        openapi_extra={"requestBody": {"required": True,
                                       "content": {"application/json": {"schema": FIX_SCHEMA}}}},
        responses={
            200: {"description": "{id, text, changed, diff, applied, remaining, rejected}; offsets of "
                  "`remaining` index `text`, those of `applied` and `rejected` the text of their pass."},
            **{code: {"description": text} for code, text in _ERROR_CODES.items()},
        },
    )  # fmt: skip
    async def fix(request: Request) -> Response:
        arrived = time.monotonic()
        authorise(request)
        service.refuse_unless_ready()
        item = parse_json(await read_body(request))
        options = item.get("options") if isinstance(item, dict) else None
        unsafe = False
        if isinstance(options, dict) and "unsafe_fixes" in options:
            unsafe = options.pop("unsafe_fixes")
            if not isinstance(unsafe, bool):
                raise ApiError(422, "'unsafe_fixes' must be true or false")
        req = check_request(item, service.config, service.fluency_available)
        work = Work(req.article, req.config, None, fix=True, unsafe_fixes=unsafe)
        answer = await wait_for(request, service.submit(work), arrived, settings)
        return Response(
            answer.body, media_type="application/json", headers={"X-Mtcheck-Verdict": answer.verdict}
        )

    @app.get("/v1/rules", summary="The rule catalogue (as `mtcheck rules --format json`)")
    async def rules(request: Request) -> list[dict[str, str]]:
        authorise(request)
        from mtcheck.rules import REGISTRY

        return [
            {
                "code": c,
                "name": r.name,
                "category": r.category,
                "severity": r.severity.value,
                "summary": r.summary,
            }
            for c, r in sorted(REGISTRY.items())
        ]

    @app.get("/healthz", summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="Models loaded and taking requests (503 while loading or shutting down)")
    async def readyz() -> Response:
        stats = service.batcher.stats
        body = {
            "status": service.state,
            "fluency_model": service.models.lm_name,
            "queue": {"waiting": service.batcher.waiting, "checking": service.batcher.busy,
                      "size": settings.queue_size, "workers": settings.workers},
            "batches": {"count": stats.batches, "articles": stats.jobs, "largest": stats.largest_batch,
                        "model_passes": service.models.stage_calls},
        }  # fmt: skip
        if service.failure:
            body["error"] = service.failure
        if service.state == "ready":
            return JSONResponse(body)
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})

    @app.get("/", include_in_schema=False)
    async def page_form() -> Response:
        return _html(_page(service, page.Form(fluency=service.fluency_available)))

    @app.post("/", include_in_schema=False)
    async def page_check(request: Request) -> Response:
        arrived = time.monotonic()
        data = await request.form(max_files=1, max_fields=16, max_part_size=settings.max_body)
        form = page.Form(
            mt=_field(data, "mt"),
            input_format=_field(data, "input_format") or "auto",
            reference=_field(data, "reference"),
            source=_field(data, "source"),
            src_lang=_field(data, "src_lang").strip(),
            fluency=_field(data, "fluency") == "on",
        )
        try:
            authorise(request, _field(data, "api_key") or None)
            article = await _page_article(form, data.get("file"))
            options = {"fluency": form.fluency} if service.fluency_available else {}
            config = request_config(options, service.config, service.fluency_available)
            attach_companions(
                article, form.reference or None, form.source or None, form.src_lang or None, config
            )
            answer = await wait_for(request, service.submit(Work(article, config, None)), arrived, settings)
        except ApiError as exc:
            html = _page(service, form, error=exc.message)
            headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}
            return _html(html, exc.status, headers)
        return _html(await run_in_threadpool(_page, service, form, answer.report))


_ERROR_CODES = {
    400: "The body is not UTF-8 JSON.",
    401: "The service needs an API key and none or a wrong one came.",
    413: "The body is over the service's --max-body.",
    422: "An invalid article, option or format.",
    429: "The queue is full (see Retry-After).",
    503: "Models loading, shutting down, or the check ran past the time limit (see Retry-After).",
}


def _field(data: Any, name: str) -> str:
    value = data.get(name)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else ""


async def _page_article(form: page.Form, upload: Any) -> Any:
    """The article from the uploaded file when there is one, else from the text area."""
    from mtcheck.readers import article_from_text, detect_format
    from mtcheck.readers.decode import decode_bytes

    if form.input_format not in page.INPUT_FORMATS:
        raise ApiError(
            422, f"unknown input format {form.input_format!r} (use {', '.join(page.INPUT_FORMATS)})"
        )
    name = "article"
    text = form.mt
    if isinstance(upload, UploadFile) and upload.filename:
        # The file name is only a label and a hint at the format: nothing is read from or written to it.
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1] or name
        try:
            text = decode_bytes(await upload.read(), name)
        except MtcheckError as exc:
            raise ApiError(422, str(exc)) from None
        form.mt = text
    if not text.strip():
        raise ApiError(422, "paste an article or choose a file: the article is empty")
    fmt = detect_format(name if name != "article" else "", text, form.input_format)
    return article_from_text(text, name, fmt)


def _page(service: Service, form: page.Form, report: Any = None, error: str | None = None) -> str:
    from mtcheck.signature import ModelsUsed, Signature

    return page.render_page(
        form,
        report,
        error,
        needs_key=service.settings.api_key is not None,
        fluency_available=service.fluency_available,
        signature=Signature.of(service.config.rule_settings, ModelsUsed(lm=service.models.lm_name)).render(),
    )


def _html(content: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(content, status, headers={**(headers or {}), "Content-Security-Policy": page.csp()})


# --- waiting for an answer ------------------------------------------------------------------------
async def read_body(request: Request) -> bytes:
    """The whole body (BodyLimit stops it at --max-body)."""
    chunks = [chunk async for chunk in request.stream()]
    return b"".join(chunks)


async def wait_for(request: Request, future: Future, arrived: float, settings: ServeSettings) -> Answer:
    """The worker's answer; 503 past the time limit; ClientDisconnect when the client went away.

    Either way a job still waiting in the queue is cancelled, so no worker spends time on it.
    """
    waiting = asyncio.wrap_future(future)
    deadline = arrived + settings.timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            future.cancel()
            raise ApiError(
                503, f"the check took longer than the service's --timeout {settings.timeout:g} s", 5
            )
        done, _ = await asyncio.wait({waiting}, timeout=min(POLL, remaining))
        if done:
            return waiting.result()
        if await request.is_disconnected():
            future.cancel()
            raise ClientDisconnect


# --- middleware -----------------------------------------------------------------------------------
class BodyLimit:
    """413 for a body over ``limit`` bytes: at once when Content-Length says so, else when it gets there."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body: over the service's --max-body of {self.limit:,} bytes"
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await error_response(413, message)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.limit:
                    raise ApiError(413, message)
            return event

        await self.app(scope, limited, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class AccessLog:
    """One line per request: client, method, path, status, bytes, milliseconds. Never a body or a query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status, size = 0, 0

        async def counting(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting)
        finally:
            client = (scope.get("client") or ("-", 0))[0]
            ms = (time.monotonic() - started) * 1000
            # The path only: a query string could carry text, and bodies are never logged.
            access_log.info(
                '%s "%s %s" %d %dB %.0fms', client, scope["method"], scope["path"], status or 499, size, ms
            )
