"""A rules-only batch runs in forked worker processes (``Checker._run_in_processes``, mtcheck.procpool):
the same report, byte for byte, as the one-process run, articles in input order, input errors in place,
and the work really done by other processes (their ids are recorded per chunk in ``procpool.last_pids``).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtcheck import pipeline, procpool
from mtcheck.batch import check_batch, read_input
from mtcheck.config import Config
from mtcheck.readers import Article
from mtcheck.render import render

ROOT = Path(__file__).resolve().parent.parent
CLEAN = sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))

pytestmark = pytest.mark.skipif(not procpool.fork_available(), reason="worker processes need fork")

# Faults of several kinds, written into paragraphs of other stories: a sentence starting in lowercase,
# a doubled word, a glued full stop, a sentence with no space after its comma, an untranslated phrase.
FAULTS = [
    lambda p: p[0].lower() + p[1:],
    lambda p: p.replace(" the ", " the the ", 1),
    lambda p: p.replace(". ", ".", 1),
    lambda p: p.replace(", ", ",", 1),
    lambda p: p + " Der Minister sagte, dass die Gespräche weitergehen.",
]


def _paragraphs() -> list[str]:
    return [p.strip() for f in CLEAN for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def _articles(n: int, seed: int = 7) -> list[Article]:
    """``n`` articles of 4-9 paragraphs from the clean corpus, most with a fault of some kind, and two
    bad inputs (an empty article, one over --max-chars) in the middle."""
    rng = random.Random(seed)
    paras = _paragraphs()
    out = []
    for i in range(n):
        chosen = [rng.choice(paras) for _ in range(rng.randint(4, 9))]
        if i % 4:
            k = rng.randrange(len(chosen))
            chosen[k] = FAULTS[i % len(FAULTS)](chosen[k])
        out.append(Article(f"art-{i:03d}", "\n\n".join(chosen)))
    out.insert(n // 3, Article("empty-one", " \n "))
    out.insert(2 * n // 3, Article("too-long", "Word " * 3000))
    return out


def _report(articles: list[Article], threads: int | None, errors: list | None = None) -> str:
    config = Config(fluency="off", threads=threads, max_chars=10_000)
    return render(check_batch(list(articles), list(errors or []), config), "json")


def test_pooled_report_is_byte_identical_to_one_process_and_in_order() -> None:
    articles = _articles(60)
    procpool.last_pids.clear()
    one = _report(articles, threads=1)
    assert procpool.last_pids == []  # threads = 1: never pooled
    pooled = _report(articles, threads=2)
    pids = list(procpool.last_pids)
    assert pooled == one
    data = json.loads(pooled)
    ids = [d["id"] for d in data["documents"]]
    assert ids == [a.id for a in articles if a.id not in ("empty-one", "too-long")]
    assert {e["id"] for e in data["errors"]} == {"empty-one", "too-long"}
    # The faults were found (several kinds): the reports compared are not empty.
    codes = [f["code"] for d in data["documents"] for f in d["findings"]]
    assert len(codes) >= 20 and len(set(codes)) >= 4
    # The first chunk warms this process up; every other chunk ran in one of two forked workers.
    assert pids[0] == os.getpid()
    workers = set(pids[1:])
    assert len(workers) == 2 and os.getpid() not in workers
    assert len(pids) > 3


def test_read_errors_keep_their_place_before_article_errors(tmp_path: Path) -> None:
    articles = _articles(40, seed=3)
    lines = [json.dumps({"id": a.id, "mt": a.text}) for a in articles]
    lines.insert(10, "{not json")
    lines.insert(25, json.dumps({"id": "no-text"}))
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reports = []
    for threads in (1, 2):
        config = Config(fluency="off", threads=threads, max_chars=10_000)
        found, errors, _ = read_input(str(path), "auto", config)
        reports.append(render(check_batch(found, errors, config), "json"))
    assert reports[0] == reports[1]
    assert len(set(procpool.last_pids[1:]) - {os.getpid()}) == 2
    assert len(json.loads(reports[1])["errors"]) == 4


def test_progress_counts_every_article_chunk_by_chunk() -> None:
    articles = _articles(50, seed=5)
    steps: list[int] = []
    config = Config(fluency="off", threads=2, max_chars=10_000)
    check_batch(articles, [], config, progress=steps.append)
    assert sum(steps) == len(articles)
    assert len(steps) == len(procpool.last_pids) > 3  # one step per chunk, as each arrives


def test_small_batches_and_batches_with_model_work_stay_in_one_process() -> None:
    articles = _articles(40)
    small = []
    while sum(len(a.text) for a in small) + len(articles[len(small)].text) < pipeline.POOL_MIN_CHARS:
        small.append(articles[len(small)])
    assert len(small) >= 3
    procpool.last_pids.clear()
    _report(small, threads=2)
    assert procpool.last_pids == []
    _report(articles[: len(small) + 1], threads=2)  # one more article: over the cutoff, pooled
    assert len(procpool.last_pids) > 1
    # A re-translation is aligned (and may be embedded) in this process, batched across articles.
    with_ref = _articles(30)
    with_ref[5] = Article(with_ref[5].id, with_ref[5].text, reference=with_ref[6].text)
    procpool.last_pids.clear()
    _report(with_ref, threads=2)
    assert procpool.last_pids == []


def test_a_failing_chunk_raises_here_and_leaves_no_worker_behind() -> None:
    def job(start: int, end: int) -> list[int]:
        if start <= 13 < end:
            raise ValueError(f"chunk {start}-{end} failed")
        time.sleep(0.01)
        return list(range(start, end))

    done = []
    with pytest.raises(ValueError, match="failed"):
        for _, values in procpool.run_ordered(job, 40, workers=2):
            done.extend(values)
    assert done == list(range(len(done))) and len(done) <= 13
    import multiprocessing

    assert multiprocessing.active_children() == []


def test_results_come_back_in_order_whatever_finishes_first() -> None:
    def job(start: int, end: int) -> list[int]:
        time.sleep(0.02 if start % 2 else 0.0)  # odd chunks finish late
        return [os.getpid(), *range(start, end)]

    got = [v for _, (pid, *values) in procpool.run_ordered(job, 37, workers=3) for v in values]
    assert got == list(range(37))
    assert len(set(procpool.last_pids[1:])) == 3


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_ctrl_c_during_a_pooled_batch_exits_130_in_one_line(tmp_path: Path) -> None:
    articles = _articles(200, seed=11) * 6
    path = tmp_path / "big.jsonl"
    path.write_text(
        "".join(json.dumps({"id": f"{a.id}-{k}", "mt": a.text}) + "\n" for k, a in enumerate(articles)),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mtcheck", "batch", str(path), "--no-fluency", "--threads", "2", "-f", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
        # As at a terminal: a shell started in the background hands SIGINT on as ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the pool did not start"
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert err.decode() == "mtcheck: interrupted\n"
    assert not [w for w in workers if Path(f"/proc/{w}").exists()]


def test_cli_batch_pooled_is_quiet_and_identical_to_one_process(tmp_path: Path) -> None:
    articles = _articles(60, seed=13)
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps({"id": a.id, "mt": a.text}) + "\n" for a in articles]
    path.write_text("".join(lines), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"}
    outs = []
    for threads in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-m", "mtcheck", "batch", str(path), "--no-fluency", "--threads", threads,
             "--max-chars", "10000", "-f", "json"],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert proc.returncode in (0, 1), proc.stderr  # 1: the gate failed on the faults, as it should
        outs.append((proc.stdout, proc.stderr))
    assert outs[0] == outs[1]
    report = json.loads(outs[1][0])
    assert outs[1][1] == "" and len(report["documents"]) == 60 and len(report["errors"]) == 2


def test_without_a_pool_the_chunks_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_semaphores(*args, **kwargs):  # as on a system without /dev/shm
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(procpool, "ProcessPoolExecutor", no_semaphores)
    results = procpool.run_ordered(lambda a, b: list(range(a, b)), 30, workers=2)
    got = [v for _, values in results for v in values]
    assert got == list(range(30))
    assert set(procpool.last_pids) == {os.getpid()} and len(procpool.last_pids) > 2
