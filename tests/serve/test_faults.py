"""Faults against a real `mtcheck serve` process: after each, the next good request is answered
correctly; on SIGTERM under load every in-flight request is answered and the process exits 0.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.serve.conftest import wait_until
from tests.serve.live import LiveServer

# Stories other than the NATO example, each with a fault the rules find.
STORIES = [
    "Heavy rain caused floods in the north of italy on Sunday, the civil protection agency said.",
    "The central bank raised its rate by 0,5 percent points to 4,25 percent, the governor said.",
    "“We will rebuild the bridge within a year″ the minister of transport said on Monday.",
    "Farmers in spain protested against the new water rules in front of the parliament in Madrid.",
]


def _long(i: int, repeat: int = 12) -> str:
    # Several paragraphs: enough rule work that concurrent requests overlap in the queue.
    return "\n\n".join(STORIES[(i + k) % len(STORIES)] for k in range(repeat))


def _good(server: LiveServer) -> None:
    r = httpx.post(f"{server.url}/v1/check", json={"id": "after", "mt": STORIES[0]}, timeout=60)
    assert r.status_code == 200
    doc = r.json()["documents"][0]
    assert doc["text"] == STORIES[0] and "italy" in {f["text"] for f in doc["findings"]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("serve"), "--no-fluency", "--queue", "2", "--max-batch", "1",
        "--batch-window", "0", "--max-body", "1000000",
    )  # fmt: skip
    try:
        live.wait_ready()
        yield live
    finally:
        live.stop()


def _raw(server: LiveServer, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(data)
    return sock


def _request(body: bytes, length: int | None = None) -> bytes:
    return (
        b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body) if length is None else length}\r\n\r\n".encode()
        + body
    )


def test_client_that_disconnects_mid_body(server: LiveServer) -> None:
    body = json.dumps({"mt": _long(0)}).encode()
    sock = _raw(server, _request(body[:200], length=len(body)))
    time.sleep(0.3)
    sock.close()
    _good(server)


def test_client_that_disconnects_while_waiting_for_its_answer(server: LiveServer) -> None:
    # One article that keeps the only worker busy for a while, two that wait in the queue behind it.
    socks = [_raw(server, _request(json.dumps({"mt": _long(i, 150)}).encode())) for i in range(3)]
    time.sleep(0.5)
    for sock in socks:
        sock.close()
    _good(server)
    # The ones still queued were dropped when their clients left (499), not checked for nobody.
    wait_until(lambda: server.log().count('"POST /v1/check" 499') >= 1, 30)


def test_malformed_bodies(server: LiveServer) -> None:
    for raw in (b'{"mt": "unterminated', b"\xff\xfe\x00garbage", b'{"mt": ["a list"]}'):
        r = httpx.post(f"{server.url}/v1/check", content=raw, timeout=30)
        assert r.status_code in (400, 422) and r.json()["status"] == r.status_code
        assert "Traceback" not in r.text
    # A request line and headers that are not HTTP at all: the connection is dropped, the server lives.
    sock = _raw(server, b"NOT HTTP AT ALL\r\n\r\n")
    sock.recv(1024)
    sock.close()
    _good(server)


def test_a_20_mb_body_gets_413(server: LiveServer) -> None:
    huge = json.dumps({"mt": "Word. " * (20_000_000 // 6)}).encode()
    assert len(huge) > 20_000_000
    r = httpx.post(f"{server.url}/v1/check", content=huge, timeout=60)
    assert r.status_code == 413 and "--max-body of 1,000,000 bytes" in r.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while it streams in
        for i in range(0, len(huge), 1 << 20):
            yield huge[i : i + (1 << 20)]

    try:
        streamed = httpx.post(f"{server.url}/v1/check", content=chunks(), timeout=60)
        assert streamed.status_code == 413
    except httpx.TransportError:
        pass  # the server may close the connection before the client finished sending
    _good(server)


def test_a_burst_beyond_the_queue(server: LiveServer) -> None:
    statuses: list[httpx.Response] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        r = httpx.post(f"{server.url}/v1/check", json={"id": f"b{i}", "mt": _long(i)}, timeout=120)
        with lock:
            statuses.append(r)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    codes = sorted(r.status_code for r in statuses)
    assert len(codes) == 16 and set(codes) <= {200, 429}, codes
    assert 429 in codes and 200 in codes
    for r in statuses:
        if r.status_code == 429:
            assert int(r.headers["retry-after"]) >= 1 and "queue is full" in r.json()["error"]
        else:
            assert r.json()["documents"][0]["id"].startswith("b")
    _good(server)


def test_sigterm_under_load_answers_every_request_in_flight(tmp_path) -> None:
    # Twenty requests of ~16,000 characters sent through one client: with ten, each opening its own
    # client (~50 ms of set-up competing for the GIL), the server drained them as fast as they came
    # once segmentation got faster, and the test never saw all sent with one still in flight.
    sent = 20
    live = LiveServer(tmp_path, "--no-fluency", "--queue", "32", "--max-batch", "2", "--batch-window", "0")
    try:
        live.wait_ready()
        answers: dict[int, httpx.Response | Exception] = {}
        client = httpx.Client(timeout=120, limits=httpx.Limits(max_connections=sent))
        bodies = [{"id": f"s{i}", "mt": _long(i, 180)} for i in range(sent)]

        def post(i: int) -> None:
            try:
                answers[i] = client.post(f"{live.url}/v1/check", json=bodies[i])
            except Exception as exc:  # recorded, so the assertion shows it
                answers[i] = exc

        threads = [threading.Thread(target=post, args=(i,)) for i in range(sent)]
        for t in threads:
            t.start()

        def queued() -> bool:
            # Every request sent, and some still in flight: counting answered ones alone let a fast
            # machine finish them all before the signal, leaving nothing to drain.
            q = httpx.get(f"{live.url}/readyz", timeout=10).json()["queue"]
            in_flight = q["waiting"] + q["checking"]
            assert len(answers) < sent, "every request was answered before the test could signal"
            return in_flight >= 1 and in_flight + len(answers) >= sent

        wait_until(queued, 120)
        live.terminate()
        for t in threads:
            t.join(180)
        client.close()
        assert live.process.wait(120) == 0, live.log()
        assert len(answers) == sent
        for i, r in answers.items():
            assert isinstance(r, httpx.Response), (i, r)
            assert r.status_code == 200 and r.json()["documents"][0]["id"] == f"s{i}"
        # After the signal nothing new gets in.
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{live.url}/v1/check", json={"mt": STORIES[0]}, timeout=5)
        log = live.log()
        assert "stopped (SIGTERM)" in log
        draining = re.search(r"shutting down: answering the (\d+) queued or running", log)
        assert draining and int(draining.group(1)) >= 1, log
    finally:
        live.stop()
