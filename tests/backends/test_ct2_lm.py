"""The CTranslate2 fluency scorer against the torch one, on tiny Llamas built, saved and converted here.

Every model here is real: saved with ``save_pretrained``, converted by CTranslate2's own converter
through :func:`mtcheck.backends.ct2.convert_once`, and scored by ``ctranslate2.Generator``; the torch
scorer loads the same folder through ``from_pretrained``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mtcheck.backends import ct2, lm_rows, store
from mtcheck.backends.causal_lm import CausalLMScorer
from mtcheck.backends.ct2_lm import CT2Scorer
from mtcheck.config import Config
from mtcheck.errors import ConfigError, ModelError
from tests.backends.tiny_bpe import build_tiny_bpe_lm

ROOT = Path(__file__).resolve().parents[2]

# Sentences of our own from several stories (none from examples/), with what byte-level BPE makes
# awkward: leading/trailing/inner runs of whitespace, non-ASCII letters and punctuation, an emoji,
# digits, a one-character text, whitespace-only and empty texts.
TEXTS = [
    "The harbour authority closed the northern pier after Monday's storm.",
    "Farmers in the valley say the late frost destroyed the apricot harvest.",
    "  The central bank left rates unchanged,\tciting   slowing inflation.  ",
    "Rescue teams reached the village by helicopter.\nThe road stays closed.",
    "The museum returns the bronze statues — “a debt of honour”, its director said. 😀",
    "A judge ordered the firm to pay 4.2 million euros to 312 former employees.",
    "Café owners in Zürich protested against the new tram timetable.",
    "A",
    " ",
    "",
    "storks",
]
# Longer than one scoring window (lm_rows.WINDOW tokens): scored in several rows, each restarting.
LONG = " ".join(["Ticket prices for the city's trams rise by ten percent from the first of March."] * 45)


@pytest.fixture(scope="module")
def bpe_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bpe_lm(tmp_path_factory.mktemp("tiny-bpe") / "tiny-bpe")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty MTCHECK_HOME: conversions of folders outside the store land in its cache area."""
    folder = tmp_path / "home"
    monkeypatch.setenv("MTCHECK_HOME", str(folder))
    return folder


def _max_diff(a: list, b: list) -> float:
    """Largest difference in nats between two scorers' outputs for the same texts."""
    return max(abs(x[2] - y[2]) for p, q in zip(a, b, strict=True) for x, y in zip(p, q, strict=True))


def _both(folder: Path) -> tuple[CausalLMScorer, CT2Scorer]:
    return (
        CausalLMScorer.load(str(folder), device="cpu", threads=1, precision="fp32"),
        CT2Scorer.load(str(folder), device="cpu", threads=1, precision="fp32"),
    )


def test_ct2_tokenises_exactly_as_the_transformers_tokenizer(bpe_dir: Path, home: Path) -> None:
    torch_scorer, ct2_scorer = _both(bpe_dir)
    texts = [*TEXTS, LONG]
    a, b = torch_scorer._rows(texts), ct2_scorer._rows(texts)
    assert [(r.text, r.ids, r.offsets) for r in a] == [(r.text, r.ids, r.offsets) for r in b]
    # The long text really spans several windows, and the BPE splits words (offsets do not all
    # fall on spaces), so the comparison covers what matters.
    assert sum(r.text == len(TEXTS) for r in b) >= 2
    assert any(len(r.ids) > len(TEXTS[r.text].split()) for r in b if r.text < len(TEXTS))
    # The document-start token: the card names none here, so the tokenizer's BOS, as with torch.
    assert ct2_scorer.prefix == "<s>" and torch_scorer.prefix_id == 0


def test_ct2_scores_equal_torch_fp32_scores(bpe_dir: Path, home: Path) -> None:
    torch_scorer, ct2_scorer = _both(bpe_dir)
    texts = [*TEXTS, LONG]
    a, b = torch_scorer.surprisals(texts), ct2_scorer.surprisals(texts)
    assert [[t[:2] for t in x] for x in a] == [[t[:2] for t in x] for x in b]
    # "A", " " (one byte-level token, its span trimmed to nothing), "", "storks" (not in the
    # tokenizer's corpus: split into pieces).
    assert [len(x) for x in b[-5:-1]] == [1, 1, 0, 3]
    assert len(b[-1]) > lm_rows.WINDOW
    diffs = [abs(p[2] - q[2]) for x, y in zip(a, b, strict=True) for p, q in zip(x, y, strict=True)]
    assert len(diffs) > lm_rows.WINDOW + 100 and max(diffs) < 1e-4
    # Offsets are trimmed of the spaces a byte-level token carries (a run of spaces trims to nothing).
    for text, toks in zip(texts, b, strict=True):
        assert all(text[s:e] == text[s:e].strip() for s, e, _ in toks)
    assert b[0][0][:2] == (0, 3) and b[0][1][0] == 4  # "The", then " har..." starts after its space
    # A row scores the same whatever shares its batch (float noise only).
    alone = [ct2_scorer.surprisals([t])[0] for t in texts]
    assert (
        max(abs(p[2] - q[2]) for x, y in zip(alone, b, strict=True) for p, q in zip(x, y, strict=True)) < 1e-5
    )


def test_progress_counts_rows_up_to_all_of_them(bpe_dir: Path, home: Path) -> None:
    scorer = CT2Scorer.load(str(bpe_dir), device="cpu", threads=1)
    seen: list[tuple[int, int]] = []
    scorer.surprisals([*TEXTS, LONG], progress=lambda done, total: seen.append((done, total)))
    rows = len(scorer._rows([*TEXTS, LONG]))
    assert seen and seen[-1] == (rows, rows) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_several_workers_score_as_one_in_the_same_order(
    bpe_dir: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--threads 3 on CTranslate2: three single-threaded workers share the batches, and the next
    chunk is posted before the last one is read. Small chunks make the pipelining happen here."""
    from mtcheck.backends import ct2_lm

    monkeypatch.setattr(ct2_lm, "CHUNK_TOKENS", 64)
    texts = [*TEXTS, LONG, *reversed(TEXTS)]
    one = CT2Scorer.load(str(bpe_dir), device="cpu", threads=1)
    three = CT2Scorer.load(str(bpe_dir), device="cpu", threads=3)
    assert one.generator.num_generators == 1 and three.generator.num_generators == 3
    # The token budget in flight stays the same: three workers, a third of it each (or the floor).
    assert one.batch_tokens == ct2_lm.BATCH_TOKENS
    assert three.batch_tokens == max(ct2_lm.MIN_WORKER_BATCH_TOKENS, ct2_lm.BATCH_TOKENS // 3)
    seen: list[tuple[int, int]] = []
    a = one.surprisals(texts)
    b = three.surprisals(texts, progress=lambda done, total: seen.append((done, total)))
    assert [[t[:2] for t in x] for x in a] == [[t[:2] for t in x] for x in b]
    assert max(abs(p[2] - q[2]) for x, y in zip(a, b, strict=True) for p, q in zip(x, y, strict=True)) < 1e-5
    assert three.tokens_scored == one.tokens_scored > 64 * 3
    rows = len(three._rows(texts))
    assert len(seen) > 3 and seen[-1] == (rows, rows) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_ctranslate2_worker_count_below_one_is_refused(bpe_dir: Path, home: Path) -> None:
    with pytest.raises(ModelError, match="at least 1"):
        CT2Scorer.load(str(bpe_dir), device="cpu", threads=0)


def test_a_users_folder_is_never_written(bpe_dir: Path, home: Path) -> None:
    before = sorted((p.name, p.stat().st_mtime_ns) for p in bpe_dir.iterdir())
    scorer = CT2Scorer.load(str(bpe_dir), device="cpu", threads=1)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in bpe_dir.iterdir()) == before
    target = ct2.target_folder(bpe_dir)
    assert target.parent == home / "ctranslate2" and (target / "model.bin").is_file()
    assert scorer.name == f"{bpe_dir.name}@ct2"


def test_a_store_copy_gets_its_conversion_beside_it(bpe_dir: Path, home: Path) -> None:
    copy = store.store_dir() / "tiny-card"
    shutil.copytree(bpe_dir, copy)
    (copy / store.MARKER).write_text(json.dumps({"card": "tiny-card", "prefix_token": "</s>"}), "utf-8")
    scorer = CT2Scorer.load(str(copy), device="cpu", threads=1)
    assert ct2.is_current(copy / ct2.SUBFOLDER, copy)
    assert not (home / "ctranslate2").exists()
    assert scorer.prefix == "</s>"  # the store's marker names the document-start token


def test_conversion_is_reused_and_redone_when_stale(bpe_dir: Path, tmp_path: Path, home: Path) -> None:
    source = tmp_path / "model"
    shutil.copytree(bpe_dir, source)
    target = ct2.convert_once(source)
    weights = target / "model.bin"
    first = weights.stat().st_mtime_ns
    assert ct2.convert_once(source) == target and weights.stat().st_mtime_ns == first  # reused

    # Another format (or CTranslate2 version) in the signature file: redone.
    sig = json.loads((target / ct2.SIGNATURE_FILE).read_text("utf-8"))
    (target / ct2.SIGNATURE_FILE).write_text(json.dumps({**sig, "format": 0}), "utf-8")
    assert not ct2.is_current(target, source)
    ct2.convert_once(source)
    second = weights.stat().st_mtime_ns
    assert second != first and ct2.is_current(target, source)

    # New weights in the source folder (another model saved there): redone, and the scores follow.
    old = CT2Scorer.load(str(source), device="cpu", threads=1).surprisals(TEXTS[:2])
    build_tiny_bpe_lm(source, seed=1)
    assert not ct2.is_current(target, source)
    new = CT2Scorer.load(str(source), device="cpu", threads=1).surprisals(TEXTS[:2])
    assert weights.stat().st_mtime_ns != second
    assert (
        max(abs(p[2] - q[2]) for x, y in zip(old, new, strict=True) for p, q in zip(x, y, strict=True)) > 0.01
    )
    reference = CausalLMScorer.load(str(source), device="cpu", threads=1).surprisals(TEXTS[:2])
    assert (
        max(abs(p[2] - q[2]) for x, y in zip(reference, new, strict=True) for p, q in zip(x, y, strict=True))
        < 1e-4
    )


def test_an_unconvertible_folder_is_a_model_error(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "no-such-family"}', "utf-8")
    (folder / "tokenizer.json").write_text("{}", "utf-8")
    with pytest.raises(ModelError, match="CTranslate2 cannot convert"):
        ct2.convert_once(folder)
    assert list((home / "ctranslate2").iterdir()) == []  # nothing half-written is left


# --- the setting -------------------------------------------------------------------------------
def test_model_runtime_setting_is_validated() -> None:
    assert Config().model_runtime == "auto"
    assert Config().merged(model_runtime="ctranslate2").model_settings.model_runtime == "ctranslate2"
    with pytest.raises(ConfigError, match="model-runtime must be one of auto, torch, ctranslate2"):
        Config().merged(model_runtime="onnx")


def test_the_command_line_refuses_an_unknown_runtime_in_one_line(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The harbour closed.\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mtcheck", "check", str(article), "--model-runtime", "onnx"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()] == [
        "mtcheck: error: model-runtime must be one of auto, torch, ctranslate2, not 'onnx'"
    ]


def test_auto_runtime_is_ctranslate2_only_on_cpu_at_fp32() -> None:
    assert ct2.resolve_runtime("auto", "cpu", "auto") == "ctranslate2"
    assert ct2.resolve_runtime("auto", "cpu", "fp32") == "ctranslate2"
    assert ct2.resolve_runtime("auto", "cpu", "int8") == "torch"  # ct2's int8 fails the accuracy gate
    assert ct2.resolve_runtime("auto", "cuda:1", "auto") == "torch"
    assert ct2.resolve_runtime("auto", "mps", "fp32") == "torch"
    assert ct2.resolve_runtime("torch", "cpu", "fp32") == "torch"
    assert ct2.resolve_runtime("ctranslate2", "cpu", "int8") == "ctranslate2"
    with pytest.raises(ModelError, match="unknown model-runtime"):
        ct2.resolve_runtime("onnx")


def test_ctranslate2_int8_is_there_when_asked_and_named(bpe_dir: Path, home: Path) -> None:
    fp32 = CT2Scorer.load(str(bpe_dir), device="cpu", threads=1, precision="fp32")
    q8 = CT2Scorer.load(str(bpe_dir), device="cpu", threads=1, precision="int8")
    assert q8.generator.compute_type == "int8_float32" and fp32.generator.compute_type == "float32"
    assert q8.name == f"{bpe_dir.name}@ct2-int8"
    a, b = fp32.surprisals(TEXTS[:3]), q8.surprisals(TEXTS[:3])
    assert _max_diff(a, b) > 0


def test_the_runtime_is_in_the_signature(bpe_dir: Path, home: Path) -> None:
    from mtcheck.pipeline import Checker
    from mtcheck.readers import Article

    def run(runtime: str):
        config = Config(
            fluency="on", fluency_model=str(bpe_dir), model_runtime=runtime, embeddings="off",
            device="cpu", threads=1,
        )  # fmt: skip
        return Checker(config).run([Article("a", TEXTS[0] + " " + TEXTS[1])])

    torch_run, ct2_run, auto_run = run("torch"), run("ctranslate2"), run("auto")
    assert torch_run.signature.lm == bpe_dir.name
    assert ct2_run.signature.lm == auto_run.signature.lm == f"{bpe_dir.name}@ct2"
    rest = lambda r: [p for p in r.signature.render().split("|") if not p.startswith("lm:")]  # noqa: E731
    assert rest(torch_run) == rest(ct2_run)
    scores = lambda r: [s.score for d in r.documents for s in d.fluency.sentences]  # noqa: E731
    assert len(scores(ct2_run)) == 2
    assert all(abs(x - y) <= 0.1 for x, y in zip(scores(torch_run), scores(ct2_run), strict=True))


def test_a_ctranslate2_run_imports_neither_torch_nor_transformers(bpe_dir: Path, home: Path) -> None:
    ct2.convert_once(bpe_dir)  # the one-time conversion (needs torch) happens before
    script = textwrap.dedent(
        f"""
        import sys
        from mtcheck.backends.device import pick_device
        from mtcheck.config import Config
        from mtcheck.readers import Article
        from mtcheck.pipeline import Checker

        assert pick_device("auto", runtime="ctranslate2") == "cpu"
        config = Config(fluency="on", fluency_model={str(bpe_dir)!r}, model_runtime="auto",
                        embeddings="off", device="auto", threads=1)
        report = Checker(config).run([Article("a", {TEXTS[0]!r})])
        assert report.signature.lm.endswith("@ct2"), report.signature.lm
        assert report.documents[0].fluency.sentences[0].score > 0
        heavy = sorted(m for m in ("torch", "transformers") if m in sys.modules)
        print("heavy:", heavy)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MTCHECK_HOME": str(home)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "heavy: []"
