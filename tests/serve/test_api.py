"""Every endpoint and every status code of the service, through the ASGI test client."""

from __future__ import annotations

import json
import logging
import re
import threading
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import jsonschema
import pytest

from mtcheck.serve.settings import ServeSettings
from tests.serve.conftest import NATO, ROOT, GatedHost, service_config, wait_until

SCHEMA = json.loads((ROOT / "tests" / "data" / "report.schema.json").read_text(encoding="utf-8"))
# A second story, not the NATO example: a lowercased country and a prime for a closing quote.
FLOODS = (
    "Heavy rain caused floods in the north of italy on Sunday, the civil protection agency said.\n\n"
    "“We have never seen so much water in a single day″ said the mayor of one town."
)


@pytest.fixture
def client(make_client, tiny_lm):
    config = service_config(tiny_lm)
    from mtcheck.serve.models import ModelHost

    return make_client(config, host=ModelHost(config))


def test_check_answers_the_json_report_contract(client) -> None:
    r = client.post("/v1/check", json={"id": "floods-1", "mt": FLOODS})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    report = r.json()
    jsonschema.validate(report, SCHEMA)
    doc = report["documents"][0]
    assert doc["id"] == "floods-1" and doc["text"] == FLOODS
    assert r.headers["x-mtcheck-verdict"] == report["summary"]["verdict"] == doc["verdict"]
    flagged = {f["text"] for f in doc["findings"]}
    assert {"italy", "″"} <= flagged
    for f in doc["findings"]:
        assert doc["text"][f["start"] : f["end"]] == f["text"]
    # Fluency ran with the service's (tiny) model, loaded once at start-up.
    assert doc["scores"]["fluency"] is not None
    assert "lm:tiny-lm" in report["signature"]


def test_options_select_fail_on_and_fluency_apply_per_request(client) -> None:
    only_quotes = client.post("/v1/check", json={"mt": FLOODS, "options": {"select": ["MT1"]}}).json()
    codes = {f["code"] for f in only_quotes["documents"][0]["findings"]}
    assert codes and all(c.startswith("MT1") for c in codes)
    ignored = client.post("/v1/check", json={"mt": FLOODS, "options": {"ignore": "MT1,MT2"}}).json()
    assert not any(f["code"].startswith(("MT1", "MT2")) for f in ignored["documents"][0]["findings"])
    never = client.post("/v1/check", json={"mt": FLOODS, "options": {"fail_on": "never"}})
    assert never.json()["summary"]["verdict"] == "pass" and never.headers["x-mtcheck-verdict"] == "pass"
    no_lm = client.post("/v1/check", json={"mt": FLOODS, "options": {"fluency": False}}).json()
    assert no_lm["documents"][0]["scores"]["fluency"] is None and "lm:none" in no_lm["signature"]


def test_a_supplied_reference_is_aligned(client) -> None:
    reference = (
        "Heavy rain caused floods in northern Italy on Sunday, the civil protection agency said.\n\n"
        "“We have never seen so much water in one day,” said the mayor of a town."
    )
    report = client.post("/v1/check", json={"id": "f", "mt": FLOODS, "reference": reference}).json()
    doc = report["documents"][0]
    assert doc["reference"]["origin"] == "file" and doc["reference"]["text"] == reference
    assert len(doc["alignment"]) == 2 and doc["scores"]["adequacy"]["chrf"] > 30
    assert "|mt:file|" in report["signature"]


def test_every_output_format(client) -> None:
    body = {"id": "floods.txt", "mt": FLOODS}
    html = client.post("/v1/check?format=html", json=body)
    assert html.headers["content-type"].startswith("text/html")
    policy = html.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'") and "form-action 'none'" in policy
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html.text)
    assert meta and unescape(meta.group(1)) == policy  # the same policy as the report's own meta tag
    assert "<mark" in html.text and 'class="doc"' in html.text
    sarif = client.post("/v1/check?format=sarif", json=body)
    assert sarif.headers["content-type"] == "application/sarif+json" and sarif.json()["version"] == "2.1.0"
    junit = ET.fromstring(client.post("/v1/check?format=junit", json=body).content)
    assert junit.tag == "testsuites"
    github = client.post("/v1/check?format=github", json=body).text.splitlines()
    assert github[0].startswith("::warning file=floods.txt,line=1") and github[-1].startswith(
        "mtcheck: 1 article"
    )
    text = client.post("/v1/check?format=text", json=body)
    assert text.headers["content-type"].startswith("text/plain") and "italy" in text.text


def test_rules_health_ready_and_schema(client, tiny_lm) -> None:
    rules = client.get("/v1/rules").json()
    assert {"MT101", "MT202", "MT901"} <= {r["code"] for r in rules}
    assert set(rules[0]) == {"code", "name", "category", "severity", "summary"}
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert ready.json()["fluency_model"] == f"{tiny_lm.name}@ct2"  # model-runtime auto: CTranslate2 on CPU
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/v1/check"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["mt"] and "options" in body["properties"]
    # The interactive viewers would load scripts from a CDN: not served.
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "request body: not valid JSON"),
        (b'{"mt": "caf\xe9"}', 400, "not valid UTF-8"),
        (b"", 400, "not valid JSON"),
        (b'["a", "list"]', 422, "expected a JSON object, got list"),
        (b'{"id": "x"}', 422, "missing or empty 'mt' text"),
        (b'{"mt": "   "}', 422, "missing or empty 'mt' text"),
        (b'{"mt": 42}', 422, "'mt' must be a string"),
        (b'{"mt": "a \\ud800 b"}', 422, "unpaired surrogate"),
        (b'{"mt": "Text.", "options": {"fail_on": "sometimes"}}', 422, "fail-on must be one of"),
        (b'{"mt": "Text.", "options": {"select": ["XX9"]}}', 422, "unknown rule code or prefix 'XX9'"),
        (b'{"mt": "Text.", "options": {"fluency_model": "/etc"}}', 422, "unknown option(s) fluency_model"),
        (b'{"mt": "Text.", "options": {"config": "x.toml"}}', 422, "unknown option(s) config"),
        (b'{"mt": "Text.", "options": {"min_score": "high"}}', 422, "'min_score' must be a number"),
        (b'{"mt": "Text.", "source": "Texto."}', 422, "a source text needs src_lang"),
        (b'{"mt": "Text.", "source": "Texto.", "src_lang": "../es"}', 422, "is not a language code"),
        (b'{"mt": "Text.", "reference": " "}', 422, "the re-translation is empty"),
    ],
)
def test_bad_bodies_get_one_json_line(client, body: bytes, status: int, message: str) -> None:
    r = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    error = r.json()
    assert error["status"] == status and message in error["error"]
    assert "\n" not in error["error"] and "Traceback" not in r.text


def test_an_article_over_max_chars_is_refused_with_the_cli_message(make_client, tiny_lm) -> None:
    from mtcheck.serve.models import ModelHost

    config = service_config(None, max_chars=100)
    client = make_client(config, host=ModelHost(config))
    r = client.post("/v1/check", json={"id": "long", "mt": "Word. " * 50})
    assert r.status_code == 422
    assert r.json()["error"] == "long: 300 characters is over --max-chars 100"


def test_unknown_routes_methods_and_formats(client) -> None:
    assert client.get("/v2/check").json() == {
        "error": "no such endpoint: /v2/check (see /openapi.json)",
        "status": 404,
    }
    r = client.get("/v1/check")
    assert r.status_code == 405 and r.json()["error"] == "GET is not allowed on /v1/check"
    r = client.post("/v1/check?format=pdf", json={"mt": FLOODS})
    assert r.status_code == 422 and "unknown output format 'pdf'" in r.json()["error"]


def test_bodies_over_max_body_get_413(make_client) -> None:
    from mtcheck.serve.models import ModelHost

    config = service_config(None)
    client = make_client(config, ServeSettings(max_body=10_000), ModelHost(config))
    big = json.dumps({"mt": "Word. " * 5000}).encode()
    declared = client.post("/v1/check", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and "--max-body of 10,000 bytes" in declared.json()["error"]

    def chunks():  # no Content-Length: the limit applies while the body streams in
        for i in range(0, len(big), 4096):
            yield big[i : i + 4096]

    streamed = client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and streamed.json()["status"] == 413
    assert client.post("/v1/check", json={"mt": FLOODS}).status_code == 200


def test_api_key_is_required_and_compared(make_client) -> None:
    from mtcheck.serve.models import ModelHost

    config = service_config(None)
    client = make_client(config, ServeSettings(api_key="s3cret-key"), ModelHost(config))
    missing = client.post("/v1/check", json={"mt": FLOODS})
    assert missing.status_code == 401 and "needs an API key" in missing.json()["error"]
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = client.post("/v1/check", json={"mt": FLOODS}, headers={"Authorization": "Bearer s3cret-kez"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "the API key is wrong"
    assert client.get("/v1/rules").status_code == 401
    ok = client.post("/v1/check", json={"mt": FLOODS}, headers={"Authorization": "Bearer s3cret-key"})
    assert ok.status_code == 200
    assert client.get("/v1/rules", headers={"X-API-Key": "s3cret-key"}).status_code == 200
    # Liveness and readiness stay open to a load balancer.
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200


def test_settings_refuse_a_public_host_without_a_key() -> None:
    from mtcheck.errors import ConfigError

    with pytest.raises(ConfigError, match="set an API key"):
        ServeSettings(host="0.0.0.0").validate()
    ServeSettings(host="0.0.0.0", api_key="k").validate()
    for loopback in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        ServeSettings(host=loopback).validate()


def test_a_full_queue_answers_429_with_retry_after(make_client) -> None:
    config = service_config(None)
    host = GatedHost(config)
    client = make_client(config, ServeSettings(queue_size=1, max_batch=1, batch_window=0), host)
    host.gate.clear()
    host.entered.clear()
    answers: list = []
    first = threading.Thread(target=lambda: answers.append(client.post("/v1/check", json={"mt": FLOODS})))
    first.start()
    assert host.entered.wait(10)  # the only worker is now busy with the first article
    second = threading.Thread(target=lambda: answers.append(client.post("/v1/check", json={"mt": FLOODS})))
    second.start()
    wait_until(lambda: client.get("/readyz").json()["queue"]["waiting"] == 1)
    full = client.post("/v1/check", json={"mt": FLOODS})
    assert full.status_code == 429
    assert int(full.headers["retry-after"]) >= 1 and "the queue is full" in full.json()["error"]
    host.gate.set()
    first.join(30)
    second.join(30)
    assert [a.status_code for a in answers] == [200, 200]


def test_503_while_loading_shutting_down_and_past_the_time_limit(make_client) -> None:
    config = service_config(None)
    loading_host = GatedHost(config)
    loading_host.gate.clear()
    loading = make_client(config, host=loading_host, load=False)
    r = loading.post("/v1/check", json={"mt": FLOODS})
    assert r.status_code == 503 and r.headers["retry-after"] and "still loading" in r.json()["error"]
    assert loading.get("/readyz").status_code == 503 and loading.get("/healthz").status_code == 200
    loading_host.gate.set()
    wait_until(lambda: loading.get("/readyz").status_code == 200)
    assert loading.post("/v1/check", json={"mt": FLOODS}).status_code == 200

    loading.app.state.service.drain()
    r = loading.post("/v1/check", json={"mt": FLOODS})
    assert r.status_code == 503 and r.json()["error"] == "the service is shutting down"
    assert r.headers["retry-after"] and loading.get("/readyz").json()["status"] == "draining"

    slow_host = GatedHost(config)
    slow = make_client(config, ServeSettings(timeout=3.0), slow_host)
    slow_host.gate.clear()
    r = slow.post("/v1/check", json={"mt": FLOODS})
    assert r.status_code == 503 and "--timeout 3 s" in r.json()["error"] and r.headers["retry-after"]
    slow_host.gate.set()
    wait_until(lambda: slow.get("/readyz").json()["queue"]["checking"] == 0)
    # The worker finishes the abandoned article and takes the next one as usual.
    assert slow.post("/v1/check", json={"mt": FLOODS}).status_code == 200


def test_a_model_that_fails_to_load_is_reported_not_raised(make_client) -> None:
    config = service_config(Path("/nonexistent/lm-folder"))
    client = make_client(config, host=GatedHost(config), load=False)
    wait_until(lambda: client.get("/readyz").json()["status"] == "failed")
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "nonexistent" in ready.json()["error"]
    r = client.post("/v1/check", json={"mt": FLOODS})
    assert r.status_code == 503 and "could not be loaded" in r.json()["error"]


def test_a_bug_is_a_500_line_without_traceback_or_text(make_client, caplog) -> None:
    config = service_config(None)
    host = GatedHost(config)
    client = make_client(config, host=host)
    host.fail_with = RuntimeError("secret article words in a message")
    with caplog.at_level(logging.ERROR, logger="mtcheck.serve"):
        r = client.post("/v1/check", json={"mt": FLOODS})
    assert r.status_code == 500
    assert r.json() == {"error": "internal error: RuntimeError (see the service's log)", "status": 500}
    assert "secret" not in caplog.text and "RuntimeError" in caplog.text
    host.fail_with = None
    assert client.post("/v1/check", json={"mt": FLOODS}).status_code == 200


def test_access_log_has_a_line_per_request_and_no_article_text(client, caplog) -> None:
    secret = "Zanzibarian ostrich embargo"
    with caplog.at_level(logging.INFO, logger="mtcheck.serve.access"):
        client.post("/v1/check?format=text", json={"id": "secret-id", "mt": f"The {secret} began today."})
        client.post("/v1/check", json={"mt": secret, "options": {"select": ["nope"]}})
    lines = [r.getMessage() for r in caplog.records if r.name == "mtcheck.serve.access"]
    assert len(lines) == 2
    assert '"POST /v1/check" 200' in lines[0] and '"POST /v1/check" 422' in lines[1]
    assert all(secret not in line and "format" not in line for line in lines)


def test_no_request_names_a_file_the_service_opens(client, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for doc_id in ("../../etc/passwd", "/tmp/report.html", "nato.en.txt"):
        r = client.post("/v1/check?format=html", json={"id": doc_id, "mt": FLOODS})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    r = client.post("/v1/check", json={"id": "examples/nato.en.txt", "mt": "examples/nato.en.txt"})
    # The id and text are only strings: the example file's content was not read.
    assert r.json()["documents"][0]["text"] == "examples/nato.en.txt"
    assert list(tmp_path.iterdir()) == []
    assert NATO.split()[0] not in r.text


def test_fix_answers_the_corrected_text_and_a_diff(client) -> None:
    text = "Heavy rain caused floods in the north of italy on Sunday , the agency said."
    r = client.post("/v1/fix", json={"id": "floods.txt", "mt": text, "options": {"fluency": False}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["text"] == "Heavy rain caused floods in the north of Italy on Sunday, the agency said."
    assert body["changed"] is True and "-" + text in body["diff"] and "+" + body["text"] in body["diff"]
    assert {f["text"] for f in body["applied"]} >= {"italy"}
    assert r.headers["x-mtcheck-verdict"] in ("pass", "fail")
    clean = client.post("/v1/fix", json={"mt": body["text"], "options": {"fluency": False}}).json()
    assert clean["changed"] is False and clean["diff"] == "" and clean["text"] == body["text"]
    bad = client.post("/v1/fix", json={"mt": text, "options": {"unsafe_fixes": "yes"}})
    assert bad.status_code == 422 and bad.json()["error"] == "'unsafe_fixes' must be true or false"
    assert client.post("/v1/fix", json={"mt": ""}).status_code == 422


def test_the_service_reports_what_the_cli_pipeline_reports(client, tiny_lm) -> None:
    """Same stages, same numbers: the service's JSON equals Checker.run's on the same article."""
    from mtcheck.pipeline import Checker
    from mtcheck.readers import Article
    from mtcheck.render import render

    reference = "Heavy rain caused floods in northern Italy on Sunday, the agency said.\n\nThe mayor spoke."
    body = {"id": "same", "mt": FLOODS, "reference": reference}
    served = client.post("/v1/check", json=body).json()
    article = Article(id="same", text=FLOODS, reference=reference)
    local = json.loads(render(Checker(service_config(tiny_lm)).run([article], strict=True), "json"))
    assert served == local
