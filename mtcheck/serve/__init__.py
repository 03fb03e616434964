"""`mtcheck serve`: a long-lived local service with the models loaded once.

A JSON API for publishing systems (``/v1/check``, ``/v1/rules``, ``/healthz``, ``/readyz``) and a page
for editors (``/``), on FastAPI served by uvicorn (the optional ``serve`` extra).

Modules, one job each:
- ``settings``: the service's own settings (host, port, workers, queue, limits, API key);
- ``models``: the one set of models, loaded at start-up and owned by one thread (the seam to Checker);
- ``batcher``: the bounded queue and the fixed workers that take requests in micro-batches;
- ``service``: checks a micro-batch (model stages once for all, then each request's rules and format);
- ``requests``: a request body to an Article and a Config, with the CLI's one-line messages;
- ``auth``: the API key, compared in constant time;
- ``page``: the editors' page, built on the HTML report template;
- ``app``: the routes, error answers, body limit and access log;
- ``server``: uvicorn with a graceful SIGTERM.

Nothing here is imported by ``mtcheck --help``; FastAPI and uvicorn load only when the service starts.
"""
