"""`mtcheck batch --ray` on a real local Ray cluster (loopback, 2 CPUs, a small object store).

The cluster starts once for the module; every run joins it (the runner reuses an initialised
Ray), so the tests pay Ray's start-up once. The model runs use the embedded SmolLM2 default from
the model store that tests/conftest.py converts once per session.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray
from typer.testing import CliRunner

from mtcheck.cli import app
from mtcheck.config import Config, load_config
from mtcheck.distributed import validate_settings
from mtcheck.distributed.ray_runner import RayRunner, shard_size
from mtcheck.distributed.shards import ShardResult, assemble
from mtcheck.distributed.worker import CRASH_ENV, CRASH_ON_ENV
from mtcheck.errors import ConfigError
from mtcheck.pipeline import Checker
from mtcheck.readers.feeds import read_jsonl
from mtcheck.signature import FILE, ModelsUsed

# Short news sentences and garbled ones, so the feed has findings of several rule families and
# the fluency model has little to read (2 cores, shared).
CLEAN = [
    "The minister spoke to reporters on Tuesday.",
    "Prices rose by 5% in March, the bureau said.",
    "The council will vote on the plan next week.",
    "Rescue teams reached the village before dawn.",
    "Exports to Germany fell for a third month.",
    "The court rejected the appeal on Friday.",
]
GARBLED = [
    "member countries of nato met in Brussels.",
    'He said "the talks had failed.',
    "The 总统 visited the flooded site.",
    "Officials said the the plan was sound.",
    "The the bank raised rates again.Investors sold.",
    "Yesterday yesterday the the the market market fell.",
    # Word salad for the fluency rules (MT901's threshold is chosen on human text: only salad fires).
    "The of bank traders them to rates it the of which raised in the sense market the of.",
]
N_ARTICLES = 52


def write_feed(path: Path, n: int = N_ARTICLES) -> list[str]:
    """n short articles (every third garbled, every fourth with a re-translation) plus bad lines."""
    lines, ids = [], []
    for i in range(n):
        first = CLEAN[i % len(CLEAN)]
        second = GARBLED[i % len(GARBLED)] if i % 3 == 0 else CLEAN[(i + 2) % len(CLEAN)]
        record: dict[str, str] = {"id": f"story-{i:03d}", "mt": f"{first} {second}"}
        if i % 4 == 0:
            record["reference"] = f"{first} {CLEAN[(i + 2) % len(CLEAN)]}"
        lines.append(json.dumps(record, ensure_ascii=False))
        ids.append(record["id"])
        if i == 10:
            lines.append("{not json")
        if i == 20:
            lines.append(json.dumps({"id": "blank", "mt": "   "}))  # fails in the pipeline, not the reader
            ids.append("blank")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=100 * 1024**2,
        log_to_driver=False,
        logging_level=logging.WARNING,
        _node_ip_address="127.0.0.1",
    )
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    return path, write_feed(path)


def _batch(feed: Path, out: Path, *extra: str) -> tuple[int, str]:
    args = ["batch", str(feed), "-f", "json", "-o", str(out / "report.json"), "--quiet", *extra]
    result = CliRunner().invoke(app, [*args, "--report-dir", str(out / "pages")])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def local_run(embedded_home: Path, feed: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("local")
    code, output = _batch(feed[0], out)
    assert code in (0, 1), output
    return code, out


def _ids(report: dict) -> list[str]:
    return [d["id"] for d in report["documents"]] + [e["id"] for e in report.get("errors", [])]


# --- the cluster run matches the local run -------------------------------------------------------
def test_ray_batch_with_fluency_is_identical_to_local(cluster, local_run, feed, tmp_path: Path) -> None:
    local_code, local_out = local_run
    code, output = _batch(feed[0], tmp_path, "--ray", "local", "--ray-workers", "2")
    assert code == local_code, output

    local = json.loads((local_out / "report.json").read_text(encoding="utf-8"))
    remote = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert "lm:smollm2-135m" in local["signature"] and "mt:file" in local["signature"]
    assert local["summary"]["documents"] == N_ARTICLES
    assert any(f["code"].startswith("MT9") for d in local["documents"] for f in d["findings"])
    assert all(d["scores"]["fluency"] is not None for d in local["documents"])
    # Finding for finding, score for score, in input order, errors included.
    assert remote == local
    assert (tmp_path / "report.json").read_bytes() == (local_out / "report.json").read_bytes()
    pages = sorted(p.name for p in (local_out / "pages").iterdir())
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == pages
    for name in pages:
        assert (tmp_path / "pages" / name).read_bytes() == (local_out / "pages" / name).read_bytes(), name


def test_a_worker_killed_mid_batch_loses_nothing(
    cluster, local_run, feed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first actor to start its second shard exits abruptly; its shard goes to a fresh actor.
    marker = tmp_path / "crashed"
    monkeypatch.setenv(CRASH_ENV, f"{marker}:2")
    articles, errors = read_jsonl(str(feed[0]))
    runner = RayRunner(Config().merged(ray="local", ray_shard_size=6, ray_workers=2))
    done: list[int] = []
    report = runner.run(articles, errors, progress=done.append)

    assert marker.is_file(), "no worker was killed"
    assert runner.stats.replaced_workers == 1 and runner.stats.retried_shards == 1
    assert runner.stats.failed_articles == 0
    assert sum(done) == len(articles)  # progress saw every article once, across the cluster
    got = json.loads(json.dumps(report.to_json()))
    local = json.loads((local_run[1] / "report.json").read_text(encoding="utf-8"))
    assert sorted(_ids(got)) == sorted(_ids(local)) and len(set(_ids(got))) == len(_ids(got))
    assert got == local


# --- rule-only batches: plain tasks ------------------------------------------------------------
def test_rule_only_batch_runs_as_tasks_and_matches_local(cluster, feed) -> None:
    config = Config().merged(fluency=False, ray="local", ray_shard_size=5)
    articles, errors = read_jsonl(str(feed[0]))
    local = Checker(config).run(articles, errors)
    runner = RayRunner(config)
    remote = runner.run(articles, errors)
    assert runner.stats.mode == "tasks" and runner.stats.shards == 11
    assert len(runner.stats.worker_ids) >= 1
    assert remote.to_json() == local.to_json()


def test_an_article_that_kills_every_worker_is_reported_once(
    cluster, feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CRASH_ON_ENV, "story-013")
    config = Config().merged(fluency=False, ray="local", ray_shard_size=8, ray_retries=1)
    articles, errors = read_jsonl(str(feed[0]))
    local = Checker(config).run(articles, errors).to_json()
    runner = RayRunner(config)
    got = runner.run(articles, errors).to_json()

    poisoned = [e for e in got["errors"] if e["id"] == "story-013"]
    assert len(poisoned) == 1 and "worker died" in poisoned[0]["reason"]
    assert "story-013" not in [d["id"] for d in got["documents"]]
    assert runner.stats.failed_articles == 1
    # Everything else of its shard was isolated and checked: the rest is the local report.
    assert [d for d in local["documents"] if d["id"] != "story-013"] == got["documents"]
    assert sorted(_ids(got)) == sorted(_ids(local))


def _mixed_feed(path: Path, n: int = 8) -> Path:
    """Supplied re-translations first, Apertium re-translations of Spanish sources after them."""
    lines = []
    for i in range(n):
        record = {"id": f"a{i}", "mt": "The minister spoke on Tuesday. Prices rose."}
        if i < 5:
            record["reference"] = "The minister talked on Tuesday. Prices went up."
        else:
            record.update(source="El ministro habló el martes. Los precios subieron.", src_lang="es")
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("split", [False, True], ids=["rules-in-actor", "rules-in-tasks"])
def test_signature_names_the_engine_as_a_local_run_does(cluster, tmp_path: Path, split: bool) -> None:
    # Both runs sign with every engine used (supplied files and Apertium), whichever shard met which first.
    config = Config().merged(
        fluency=False, engine="apertium", cache=False, ray="local", ray_shard_size=3, ray_split=split
    )
    articles, errors = read_jsonl(str(_mixed_feed(tmp_path / "mixed.jsonl")))
    local = Checker(config).run(articles, errors)
    runner = RayRunner(config)
    remote = runner.run(articles, errors)
    assert runner.stats.mode == ("actors+rule-tasks" if split else "actors")
    assert local.signature.translators == ("file", "apertium")
    assert "|mt:file+apertium|" in local.signature.render()
    assert remote.to_json() == local.to_json()


def test_rules_in_tasks_survive_a_killed_model_worker(
    cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "crashed"
    monkeypatch.setenv(CRASH_ENV, f"{marker}:2")
    config = Config().merged(
        fluency=False, engine="apertium", cache=False, ray="local", ray_shard_size=2, ray_split=True
    )
    articles, errors = read_jsonl(str(_mixed_feed(tmp_path / "mixed.jsonl", 10)))
    local = Checker(config).run(articles, errors)
    runner = RayRunner(config)
    remote = runner.run(articles, errors)
    assert marker.is_file() and runner.stats.replaced_workers == 1
    assert remote.to_json() == local.to_json()


def test_a_user_error_on_a_worker_ends_the_run_as_it_does_locally(cluster, tmp_path: Path) -> None:
    path = tmp_path / "nolang.jsonl"
    path.write_text(
        json.dumps({"id": "x", "mt": "The minister spoke.", "source": "El ministro habló."}) + "\n"
    )
    config = Config().merged(fluency=False, engine="apertium", cache=False, ray="local")
    articles, errors = read_jsonl(str(path))
    with pytest.raises(ConfigError, match="src-lang") as local:
        Checker(config).run(articles, errors)
    with pytest.raises(ConfigError, match="src-lang") as remote:
        RayRunner(config).run(articles, errors)
    assert str(remote.value) == str(local.value)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ray_client_address_reaches_an_existing_cluster(cluster, tmp_path: Path) -> None:
    # A Ray Client server in front of the test cluster stands in for a remote cluster's head; the
    # CLI runs in its own process, so it must connect through ray://, as a user's laptop would.
    port = _free_port()
    gcs = ray.get_runtime_context().gcs_address
    serve = ["ray.util.client.server", "--host", "127.0.0.1", "--port", str(port), "--address", gcs]
    server = subprocess.Popen(
        [sys.executable, "-m", *serve, "--mode", "legacy"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and server.poll() is None, "Ray Client server did not start"
            time.sleep(0.5)
        feed = _mixed_feed(tmp_path / "mixed.jsonl")
        client = ["--ray", f"ray://127.0.0.1:{port}"]
        outputs = {}
        for name, extra, env in (
            ("local", [], {}),
            ("client", client, {}),
            # Proof that the work ran on the cluster's workers: there an article can kill them.
            ("client-poisoned", client, {CRASH_ON_ENV: "a6"}),
        ):
            out = tmp_path / f"{name}.json"
            flags = ["--no-fluency", "--engine", "apertium", "--no-cache", "-f", "json", "-o", str(out), "-q"]
            done = subprocess.run(
                [sys.executable, "-m", "mtcheck", "batch", str(feed), *flags, *extra],
                capture_output=True,
                text=True,
                timeout=180,
                env={**os.environ, **env},
            )
            # The gate fails a batch with an input error, as it does for a bad line locally.
            assert done.returncode == (1 if env else 0), done.stderr
            outputs[name] = json.loads(out.read_text(encoding="utf-8"))
        assert outputs["client"] == outputs["local"]
        poisoned = outputs["client-poisoned"]
        assert [e["id"] for e in poisoned["errors"]] == ["a6"]
        assert poisoned["documents"] == [d for d in outputs["local"]["documents"] if d["id"] != "a6"]
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- no cluster needed ---------------------------------------------------------------------------
def test_default_shards_are_two_per_worker_within_bounds() -> None:
    assert shard_size(120, 1) == 60 and shard_size(53, 2) == 14
    assert shard_size(10, 4) == 8 and shard_size(100_000, 2) == 256


def test_models_used_merge_to_what_one_process_names() -> None:
    # Shards finish in any order and each names only the engines it used: the merged signature is
    # the same as one local run's over the whole batch.
    shards = [ModelsUsed.of({"opus-es"}, "lm"), ModelsUsed.of({FILE}), ModelsUsed.of({"opus-de", "opus-es"})]
    local = ModelsUsed.of({FILE, "opus-es", "opus-de"}, "lm")
    for order in (shards, shards[::-1]):
        merged = ModelsUsed()
        for used in order:
            merged = merged.merged(used)
        assert merged == local and merged.translators == (FILE, "opus-de", "opus-es")
    results = [(5, ShardResult([], [], used=shards[0])), (0, ShardResult([], [], used=shards[1]))]
    report = assemble(Config().rule_settings, results)
    assert report.signature.translators == (FILE, "opus-es") and report.signature.lm == "lm"
    assert report.to_json()["signature"].startswith("mtcheck:0.1.0|mt:file+opus-es|lm:lm|")


@pytest.mark.parametrize(
    "settings",
    [{"ray": "nowhere"}, {"ray_shard_size": 0}, {"ray_workers": 0}, {"ray_cpus": 0}, {"ray_retries": -1}],
)
def test_bad_ray_settings_are_config_errors(settings: dict) -> None:
    with pytest.raises(ConfigError):
        validate_settings(Config(**settings))


def test_ray_settings_load_from_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "mtcheck.toml"
    path.write_text('ray = "auto"\nray-workers = 3\nray-shard-size = 32\nray-gpus = 0.5\n', encoding="utf-8")
    config = load_config(path)
    assert (config.ray, config.ray_workers, config.ray_shard_size, config.ray_gpus) == ("auto", 3, 32, 0.5)
    assert config.merged(ray="ray://head:10001").ray == "ray://head:10001"


def test_asking_for_gpus_the_cluster_lacks_is_a_config_error(cluster, feed) -> None:
    articles, errors = read_jsonl(str(feed[0]))
    with pytest.raises(ConfigError, match="GPUs"):
        RayRunner(Config().merged(ray="local", ray_gpus=1)).run(articles, errors)


def test_help_and_a_local_batch_never_import_ray(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "x", "mt": "The minister spoke."}) + "\n", encoding="utf-8")
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom mtcheck.cli import app\n"
        "r = CliRunner()\nassert r.invoke(app, ['--help']).exit_code == 0\n"
        f"assert r.invoke(app, ['batch', {str(path)!r}, '--no-fluency', '-q']).exit_code == 0\n"
        "assert 'ray' not in sys.modules, 'ray was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
