"""Requests that arrive together are scored in one model batch: forward calls counted on a real model."""

from __future__ import annotations

import threading

import pytest

from mtcheck.serve.models import ModelHost
from mtcheck.serve.settings import ServeSettings
from tests.serve.conftest import service_config, wait_until

# Four one-sentence articles of the same token length (tiny LM: one token per word or mark), so that
# scored together they fill one equal-length batch and scored apart they take one forward call each.
ARTICLES = [
    "The allies said that nato will send more air defence.",
    "The meeting gave details that nato will send to ukraine.",
    "Stoltenberg said on wednesday that the allies will send more.",
    "In a new period the organization expressed themselves on wednesday.",
]


@pytest.fixture
def counted(make_client, tiny_lm):
    """A service over the tiny LM whose transformer's forward calls are recorded (batch sizes)."""

    def build(settings: ServeSettings):
        # Forward calls are counted with a torch module hook, so the torch runtime (micro-batching
        # is the same whatever runs the model).
        config = service_config(tiny_lm, model_runtime="torch")
        host = ModelHost(config)
        client = make_client(config, settings, host)
        calls: list[int] = []
        # The scorer runs the base model once per batch and projects the vocabulary itself. It may
        # pack several sentences into one row (attention kept per sentence), so what is recorded is
        # the number of token positions a forward call holds, not its rows.
        host.scorer.model.base_model.register_forward_hook(
            lambda _module, _args, kwargs, _out: calls.append(int(kwargs["input_ids"].numel())),
            with_kwargs=True,
        )
        return client, host, calls

    return build


def _tokens(host: ModelHost, text: str) -> int:
    return len(host.scorer.tokenizer(text, add_special_tokens=False)["input_ids"])


def test_concurrent_requests_share_one_forward_call(counted) -> None:
    # A long window and a batch of exactly four: the worker waits for all four, then runs them at once.
    client, host, calls = counted(ServeSettings(max_batch=4, batch_window=30.0))
    assert len({_tokens(host, a) for a in ARTICLES}) == 1
    per_sentence = _tokens(host, ARTICLES[0]) + 1  # with the prefix token
    stages_before = host.stage_calls
    answers: dict[int, dict] = {}

    def post(i: int) -> None:
        answers[i] = client.post("/v1/check", json={"id": f"a{i}", "mt": ARTICLES[i]}).json()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(calls) == 1 and calls[0] >= 4 * per_sentence  # one forward pass holding all four
    assert host.stage_calls - stages_before == 1
    stats = client.get("/readyz").json()["batches"]
    assert stats["largest"] == 4
    # Each answer is its own article's report.
    for i, report in answers.items():
        assert report["documents"][0]["id"] == f"a{i}" and report["documents"][0]["text"] == ARTICLES[i]

    # The same articles one after another (no window to wait out): one forward call each, and the
    # very same scores.
    client, _, calls = counted(ServeSettings(max_batch=4, batch_window=0.0))
    alone = {i: client.post("/v1/check", json={"id": f"a{i}", "mt": ARTICLES[i]}).json() for i in range(4)}
    assert len(calls) == 4 and all(per_sentence <= c < 2 * per_sentence for c in calls)
    for i in range(4):
        together = answers[i]["documents"][0]
        single = alone[i]["documents"][0]
        assert together["sentence_scores"] == single["sentence_scores"]
        assert together["scores"]["fluency"] == single["scores"]["fluency"]


def test_requests_in_one_batch_keep_their_own_options(counted) -> None:
    client, host, calls = counted(ServeSettings(max_batch=3, batch_window=30.0))
    text = "The mayor said “the floods in italy were the worst in years″ on Sunday."
    bodies = [
        {"id": "all", "mt": text},
        {"id": "quotes", "mt": text, "options": {"select": ["MT1"]}},
        {"id": "no-lm", "mt": ARTICLES[1], "options": {"fluency": False}},
    ]
    answers: dict[str, dict] = {}

    def post(body: dict) -> None:
        answers[body["id"]] = client.post("/v1/check", json=body).json()

    threads = [threading.Thread(target=post, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    wait_until(lambda: len(answers) == 3)
    # One batch of three; the two articles with fluency share one forward call, the third needs none.
    assert client.get("/readyz").json()["batches"]["largest"] == 3
    two = _tokens(host, text) + 1
    assert len(calls) == 1 and 2 * two <= calls[0] < 3 * two
    everything = {f["code"] for f in answers["all"]["documents"][0]["findings"]}
    quotes = {f["code"] for f in answers["quotes"]["documents"][0]["findings"]}
    assert "MT202" in everything and any(c.startswith("MT1") for c in everything)
    assert quotes == {c for c in everything if c.startswith("MT1")}
    assert answers["no-lm"]["documents"][0]["scores"]["fluency"] is None
    assert answers["all"]["documents"][0]["scores"]["fluency"] is not None
