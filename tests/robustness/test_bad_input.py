"""The bad-input matrix: every odd input ends in a defined result or one clear line, never a traceback.

One parametrised test, one case per row. Each row runs the real command line (typer's CliRunner
in-process, or a subprocess of the installed ``mtcheck`` where stdin and signals matter) and asserts
the exit code, that stderr is a single line without "Traceback", that every input file is
byte-identical afterwards and that a report from an earlier run is left untouched when the run
fails. The README's robustness table lists the same rows.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

OLD_REPORT = b'{"old": "report from an earlier run"}\n'
ARTICLE = (
    "NATO defence ministers met in Brussels on Tuesday.\n\n"
    "They agreed to raise spending to two percent of output by 2026, a spokesman said.\n"
)
SPANISH = (
    "Los ministros de defensa de la OTAN se reunieron en Bruselas el martes.\n\n"
    "Acordaron aumentar el gasto al dos por ciento de la producción en 2026, dijo un portavoz.\n"
)


def _long_sentence(n: int = 100_000) -> bytes:
    """One grammatical-looking sentence of ``n`` characters with no sentence boundary inside."""
    rng = random.Random(6)
    words = ["ministers", "said", "the", "border", "talks", "in", "Brussels", "would", "continue", "and"]
    parts = ["The spokesman said that"]
    size = len(parts[0])
    while size < n:
        word = rng.choice(words) + ("," if rng.random() < 0.1 else "")
        parts.append(word)
        size += len(word) + 1
    text = " ".join(parts)[: n - 2]
    return (text + ("s." if text[-1] in " ," else "n.")).encode()


def _nested_html(depth: int = 20_000) -> bytes:
    return ("<div><span>" * depth + "<p>The ministers met on Tuesday.</p>" + "</span></div>" * depth).encode()


BROKEN_HTML = (
    b"<!DOCTYPE html><html><body><p>The ministers <b>met <i>in Brussels</p><div><p>They agreed."
    b"</div></span></table><<>>&bogus; &amp; <script>alert(1)</script><p>Unclosed <!-- comment"
)


def _binary() -> bytes:
    rng = random.Random(7)
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4096))


# --- checks of a successful run's report ------------------------------------------------------------
def _report(tmp: Path) -> dict:
    report = json.loads((tmp / "report.json").read_text(encoding="utf-8"))
    doc = report["documents"][0]
    for f in doc["findings"]:  # every offset indexes the analysed text
        assert doc["text"][f["start"] : f["end"]] == f["text"]
    return report


def _has_text(expected: str) -> Callable[[Path], None]:
    def check(tmp: Path) -> None:
        assert expected in _report(tmp)["documents"][0]["text"]

    return check


def _one_sentence(tmp: Path) -> None:
    doc = _report(tmp)["documents"][0]
    assert len(doc["text"]) == 100_000
    assert [(s["start"], s["end"]) for s in doc["sentences"]] == [(0, 100_000)]


def _aligned(tmp: Path) -> None:
    doc = _report(tmp)["documents"][0]
    assert doc["reference"] is not None
    covered = sorted(i for pair in doc["alignment"] for i in pair["mt"])
    assert covered == list(range(len(doc["sentences"])))


def _nothing_created(tmp: Path) -> None:
    assert not (tmp / "missing").exists()


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, bytes]  # written to the temporary folder before the run
    args: tuple[str, ...]  # {tmp} is the temporary folder
    exit: int | tuple[int, ...]
    message: str | None = None  # a substring of the single stderr line; None: stderr must be empty
    stdin: bytes | None = None
    check: Callable[[Path], None] | None = None  # further assertions on the folder after the run
    report: bool = True  # append -f json -o {tmp}/report.json (pre-filled with an old report)
    max_seconds: float = 60.0
    marks: tuple = field(default_factory=tuple)
    interrupt: bool = False  # run as a subprocess and send SIGINT once it blocks reading stdin
    setup: Callable[[Path], None] | None = None  # builds what files cannot (a model folder)
    endless_stdin: bytes | None = None  # run as a subprocess whose stdin repeats this forever


def _check(*args: str) -> tuple[str, ...]:
    return ("check", *args, "--no-fluency")


def _batch(*args: str) -> tuple[str, ...]:
    return ("batch", *args, "--no-fluency")


def _fluency(model: str) -> tuple[str, ...]:
    return ("check", "{tmp}/a.txt", "--fluency-model", model, "--device", "cpu", "--threads", "1")


def _jsonl(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


GOOD_LINE = '{"id": "first", "mt": "The ministers met in Brussels on Tuesday."}'
LAST_LINE = '{"id": "last", "mt": "They agreed to meet again in March."}'


def _batch_kept(*errors: int) -> Callable[[Path], None]:
    """The good lines are checked, in input order; each bad line is reported with its number."""

    def check(tmp: Path) -> None:
        report = json.loads((tmp / "report.json").read_text(encoding="utf-8"))
        assert [d["id"] for d in report["documents"]] == ["first", "last"]
        assert [e["line"] for e in report["errors"]] == list(errors)

    return check


def _pages_contained(tmp: Path) -> None:
    pages = tmp / "pages"
    names = sorted(p.name for p in pages.iterdir())
    assert len(names) == 6 and "index.html" in names  # five articles, none overwrote another
    assert all(p.resolve().parent == pages.resolve() for p in pages.iterdir())
    assert not (tmp / "evil.html").exists() and not Path("/tmp/evil.html").exists()


HOSTILE_IDS = _jsonl(
    '{"id": "../../evil", "mt": "One sentence."}',
    '{"id": "index", "mt": "Two sentences."}',
    '{"id": "A", "mt": "Three sentences."}',
    '{"id": "a", "mt": "Four sentences."}',
    '{"id": "/tmp/evil.html", "mt": "Five sentences."}',
)
EMPTY_FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title></channel></rss>'


def _tiny_causal(tmp: Path) -> None:
    from tests.backends.tiny_causal import build_tiny_causal_lm

    build_tiny_causal_lm(tmp / "lm")


def _corrupt_causal(tmp: Path) -> None:
    _tiny_causal(tmp)
    weights = tmp / "lm" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:200])  # a download cut short


def _tiny_marian(tmp: Path) -> None:
    from tests.backends.tiny_marian import build_tiny_marian

    build_tiny_marian(tmp / "lm")


def _scored(tmp: Path) -> None:
    assert _report(tmp)["documents"][0]["scores"]["fluency"] is not None


# --- hostile input (issue 13): endless and huge streams, deep JSON, amplification ---------------------
def _fifo_fed_forever(tmp: Path) -> None:
    """A FIFO at {tmp}/fifo.txt with a writer that never stops until the reader goes away."""
    fifo = tmp / "fifo.txt"
    os.mkfifo(fifo)

    def feed() -> None:
        line = b"The ministers met in Brussels on Tuesday.\n" * 1000
        try:
            with open(fifo, "wb") as out:  # blocks until mtcheck opens the other end
                while True:
                    out.write(line)
        except (BrokenPipeError, OSError):
            return  # the reader closed it: what a bounded reader must do

    threading.Thread(target=feed, daemon=True).start()


def _sparse_3gb(tmp: Path) -> None:
    with open(tmp / "huge.txt", "wb") as out:
        out.truncate(3 << 30)  # 3 GB of zeros that take no disk space


def _deep_json(depth: int = 200_000) -> str:
    return '{"id": "deep", "mt": "Nested.", "extra": ' + "[" * depth + "]" * depth + "}"


def _feed(*bodies: str) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><guid>{gid}</guid><description>{body}</description></item>"
        for i, (gid, body) in enumerate(zip(("first", "big", "last"), bodies, strict=True), start=1)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
    return f"{head}{items}</channel></rss>".encode()


def _feed_kept(tmp: Path) -> None:
    report = json.loads((tmp / "report.json").read_text(encoding="utf-8"))
    assert [d["id"] for d in report["documents"]] == ["first", "last"]
    assert [(e["id"], e["line"]) for e in report["errors"]] == [("big", 2)]
    assert "over --max-chars 2,000" in report["errors"][0]["reason"]


def _bounded(max_ratio: float = 50.0) -> Callable[[Path], None]:
    """The JSON report is at most ``max_ratio`` times the input and names the collapsed findings."""

    def check(tmp: Path) -> None:
        (source,) = [p for p in tmp.iterdir() if p.name.startswith("a.")]
        report = _report(tmp)
        size = (tmp / "report.json").stat().st_size
        assert size <= max_ratio * source.stat().st_size, f"report is {size / source.stat().st_size:.0f}x"
        findings = report["documents"][0]["findings"]
        collapsed = [f for f in findings if "collapsed" in f]
        assert collapsed and collapsed[0]["code"] == "MT104"
        total = sum(report["summary"]["findings"].values())
        assert total >= 10_000  # the counts are those of every finding, not of the listed ones

    return check


def _not_checked(name: str) -> Callable[[Path], None]:
    def check(tmp: Path) -> None:
        report = json.loads((tmp / "report.json").read_text(encoding="utf-8"))
        assert report["documents"] == []
        assert [e["id"] for e in report["errors"]] == [name]
        assert "over --max-chars" in report["errors"][0]["reason"]

    return check


def _not_expanded(tmp: Path) -> None:
    """The entities were not expanded a billion times (expat refuses; feedparser keeps the text)."""
    report = json.loads((tmp / "report.json").read_text(encoding="utf-8"))
    assert all(len(d["text"]) < 10_000 for d in report["documents"])


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + ']><rss version="2.0"><channel><item><title>Laughs</title><guid>x</guid>'
    "<description>The minister said. &l9;</description></item></channel></rss>"
).encode()


DEFINED = (0, 1)  # a report was written; pass or fail is the rules' business

CASES = [
    Case("empty file", {"a.txt": b""}, _check("{tmp}/a.txt"), 2, "empty"),
    Case("whitespace only", {"a.txt": b" \n\t\n\r\n  \n"}, _check("{tmp}/a.txt"), 2, "empty"),
    Case("binary data", {"a.txt": _binary()}, _check("{tmp}/a.txt"), 2, "not valid UTF-8"),
    Case("NUL bytes in UTF-8", {"a.txt": b"The ministers\x00met.\n"}, _check("{tmp}/a.txt"), 2, "binary"),
    Case(
        "invalid UTF-8 (Windows-1252)",
        {"a.txt": "Le café était fermé.".encode("cp1252")},
        _check("{tmp}/a.txt"),
        2,
        "not valid UTF-8",
    ),
    Case(
        "UTF-16 with BOM",
        {"a.txt": ARTICLE.encode("utf-16")},
        _check("{tmp}/a.txt"),
        DEFINED,
        check=_has_text("NATO defence ministers met in Brussels"),
    ),
    Case(
        "UTF-16 without BOM",
        {"a.txt": ARTICLE.encode("utf-16-le")},
        _check("{tmp}/a.txt"),
        2,
        "UTF-16 without a byte-order mark",
    ),
    Case(
        "UTF-8 with BOM and CRLF line ends",
        {"a.txt": b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode()},
        _check("{tmp}/a.txt"),
        DEFINED,
        check=_has_text("Tuesday.\n\nThey agreed"),
    ),
    Case(
        "article longer than --max-chars",
        {"a.txt": (ARTICLE * 200).encode()},
        _check("{tmp}/a.txt", "--max-chars", "10000"),
        2,
        "over --max-chars 10,000",
    ),
    Case(
        "one 100,000-character sentence",
        {"a.txt": _long_sentence()},
        _check("{tmp}/a.txt"),
        DEFINED,
        check=_one_sentence,
        max_seconds=20.0,
    ),
    Case(
        "deeply nested HTML (20,000 levels)",
        {"a.html": _nested_html()},
        _check("{tmp}/a.html"),
        DEFINED,
        check=_has_text("The ministers met on Tuesday."),
    ),
    Case(
        "broken HTML",
        {"a.html": BROKEN_HTML},
        _check("{tmp}/a.html"),
        DEFINED,
        check=_has_text("They agreed."),
    ),
    Case("missing file", {}, _check("{tmp}/nope.txt"), 2, "no such file"),
    Case("a folder instead of a file", {"sub/a.txt": b"x"}, _check("{tmp}/sub"), 2, "is a folder"),
    Case(
        "unreadable file (symlink loop)",
        {"loop": b"@loop"},  # '@target' makes a symlink
        _check("{tmp}/loop"),
        2,
        "cannot read",
    ),
    Case(
        "unreadable file (no read permission)",
        {"a.txt": b"!" + ARTICLE.encode()},  # '!' makes the file mode 000
        _check("{tmp}/a.txt"),
        2,
        "permission denied",
        marks=(pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file"),),
    ),
    Case(
        "output path in a folder that does not exist",
        {"a.txt": ARTICLE.encode()},
        _check("{tmp}/a.txt", "-f", "json", "-o", "{tmp}/missing/report.json"),
        2,
        "does not exist",
        check=_nothing_created,
        report=False,
    ),
    Case(
        "empty stdin",
        {},
        _check("-"),
        2,
        "empty",
        stdin=b"",
    ),
    Case(
        "empty reference",
        {"a.txt": ARTICLE.encode(), "ref.txt": b"\n \n"},
        _check("{tmp}/a.txt", "--reference", "{tmp}/ref.txt"),
        2,
        "re-translation is empty",
    ),
    Case(
        "missing reference",
        {"a.txt": ARTICLE.encode()},
        _check("{tmp}/a.txt", "--reference", "{tmp}/nope.txt"),
        2,
        "no such file",
    ),
    Case(
        "reference in the wrong language",
        {"a.txt": ARTICLE.encode(), "ref.txt": SPANISH.encode()},
        _check("{tmp}/a.txt", "--reference", "{tmp}/ref.txt"),
        DEFINED,
        check=_aligned,
    ),
    Case(
        "unknown output format",
        {"a.txt": ARTICLE.encode()},
        ("check", "{tmp}/a.txt", "--no-fluency", "-f", "pdf", "-o", "{tmp}/report.json"),
        2,
        "unknown output format",
        report=False,
    ),
    Case(
        "JSONL line that is not JSON",
        {"b.jsonl": _jsonl(GOOD_LINE, '{"id": "x", "mt": "unterminated', LAST_LINE)},
        _batch("{tmp}/b.jsonl"),
        DEFINED,
        check=_batch_kept(2),
    ),
    Case(
        "JSONL line without mt",
        {"b.jsonl": _jsonl(GOOD_LINE, '{"id": "x", "reference": "A re-translation."}', "[1, 2]", LAST_LINE)},
        _batch("{tmp}/b.jsonl"),
        DEFINED,
        check=_batch_kept(2, 3),
    ),
    Case(
        "JSONL lone surrogate escape",
        {"b.jsonl": _jsonl(GOOD_LINE, '{"id": "x\\ud800", "mt": "Broken \\udc00 text."}', LAST_LINE)},
        _batch("{tmp}/b.jsonl"),
        DEFINED,
        check=_batch_kept(2),
    ),
    Case("feed with no items", {"f.rss": EMPTY_FEED}, _batch("{tmp}/f.rss"), 2, "no entries"),
    Case(
        "hostile ids as page names",
        {"b.jsonl": HOSTILE_IDS},
        _batch("{tmp}/b.jsonl", "--report-dir", "{tmp}/pages"),
        DEFINED,
        check=_pages_contained,
    ),
    Case(
        "fluency model folder missing",
        {"a.txt": ARTICLE.encode()},
        _fluency("{tmp}/nope"),
        2,
        "no such folder",
    ),
    Case(
        "fluency model with a broken config.json",
        {"a.txt": ARTICLE.encode(), "lm/config.json": b'{"model_type": '},
        _fluency("{tmp}/lm"),
        2,
        "cannot load fluency model",
    ),
    Case(
        "fluency model with truncated weights",
        {"a.txt": ARTICLE.encode()},
        _fluency("{tmp}/lm"),
        2,
        "cannot load fluency model",
        setup=_corrupt_causal,
    ),
    Case(
        "seq2seq model given as fluency model",
        {"a.txt": ARTICLE.encode()},
        _fluency("{tmp}/lm"),
        2,
        "encoder-decoder (marian) model",
        setup=_tiny_marian,
    ),
    Case(
        "a working local fluency model (control)",
        {"a.txt": ARTICLE.encode()},
        _fluency("{tmp}/lm"),
        DEFINED,
        check=_scored,
        setup=_tiny_causal,
    ),
    Case("/dev/zero", {}, _check("/dev/zero"), 2, "over --max-chars", max_seconds=30.0),
    Case(
        "a FIFO fed forever",
        {},
        _check("{tmp}/fifo.txt"),
        2,
        "over --max-chars",
        setup=_fifo_fed_forever,
        max_seconds=30.0,
    ),
    Case(
        "stdin from an endless pipe",
        {},
        _check("-"),
        2,
        "<stdin>: over --max-chars",
        endless_stdin=b"The ministers met in Brussels on Tuesday.\n" * 1000,
        max_seconds=60.0,
    ),
    Case("a 3 GB sparse file", {}, _check("{tmp}/huge.txt"), 2, "over --max-chars", setup=_sparse_3gb),
    Case(
        "file over the byte cap of a small --max-chars",
        {"a.html": b"<p>" + b"The ministers met. " * 2000 + b"</p>"},
        _check("{tmp}/a.html", "--max-chars", "1000"),
        2,
        "over --max-chars",
    ),
    Case(
        "/dev/zero in a batch", {}, _batch("/dev/zero"), 1, check=_not_checked("/dev/zero"), max_seconds=30.0
    ),
    Case(
        "a JSONL line nested 200,000 deep between two good ones",
        {"b.jsonl": _jsonl(GOOD_LINE, _deep_json(), LAST_LINE)},
        _batch("{tmp}/b.jsonl"),
        DEFINED,
        check=_batch_kept(2),
    ),
    Case(
        "a JSONL line over the byte cap",
        {"b.jsonl": _jsonl(GOOD_LINE, '{"id": "long", "mt": "' + "x" * 40_000 + '"}', LAST_LINE)},
        _batch("{tmp}/b.jsonl", "--max-chars", "1000"),
        DEFINED,
        check=_batch_kept(2),
    ),
    Case(
        "a JSONL mt over --max-chars",
        {"b.jsonl": _jsonl(GOOD_LINE, '{"id": "long", "mt": "' + "Talks went on. " * 100 + '"}', LAST_LINE)},
        _batch("{tmp}/b.jsonl", "--max-chars", "1000"),
        DEFINED,
        check=_batch_kept(2),
    ),
    Case(
        "a JSONL integer of 100,000 digits",
        {
            "b.jsonl": _jsonl(
                GOOD_LINE, '{"id": "n", "mt": "A number.", "n": ' + "7" * 100_000 + "}", LAST_LINE
            )
        },
        _batch("{tmp}/b.jsonl"),
        DEFINED,
        check=_batch_kept(2),
    ),
    Case(
        "a JSONL line of invalid UTF-8",
        {
            "b.jsonl": f"{GOOD_LINE}\n".encode()
            + b'{"id": "x", "mt": "caf\xe9"}\n'
            + f"{LAST_LINE}\n".encode()
        },
        _batch("{tmp}/b.jsonl"),
        DEFINED,
        check=_batch_kept(2),
    ),
    Case(
        "a feed item over the limit",
        {"f.rss": _feed("The minister said.", "The talks went on. " * 200, "They agreed.")},
        _batch("{tmp}/f.rss", "--max-chars", "2000"),
        DEFINED,
        check=_feed_kept,
    ),
    Case(
        "a feed with nested entities (billion laughs)",
        {"f.rss": BILLION_LAUGHS},
        _batch("{tmp}/f.rss"),
        DEFINED,
        check=_not_expanded,
        max_seconds=30.0,
    ),
    Case(
        "100,000 `(` (100,000 MT104 findings)",
        {"a.txt": b"(" * 100_000},
        _check("{tmp}/a.txt"),
        DEFINED,
        check=_bounded(),
        max_seconds=60.0,
    ),
    Case(
        "100,000 `[` in Markdown",
        {"a.md": b"[" * 100_000},
        _check("{tmp}/a.md"),
        DEFINED,
        check=_bounded(),
        max_seconds=60.0,
    ),
    Case(
        "Ctrl-C (SIGINT) mid-run",
        {},
        _check("-"),
        130,
        "mtcheck: interrupted",
        stdin=ARTICLE.encode(),  # stdin stays open after this, so the read blocks until the signal
        interrupt=True,
    ),
]


# --- running a row ----------------------------------------------------------------------------------
def _materialise(case: Case, tmp: Path) -> None:
    for name, content in case.files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content.startswith(b"@"):
            path.symlink_to(tmp / content[1:].decode())
        elif content.startswith(b"!"):
            path.write_bytes(content[1:])
            path.chmod(0)
        else:
            path.write_bytes(content)
    if case.report:
        (tmp / "report.json").write_bytes(OLD_REPORT)


def _snapshot(tmp: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(tmp.rglob("*")):
        if path.is_symlink():
            out[str(path)] = b"@" + os.readlink(path).encode()
        elif path.is_file() and path.stat().st_size > 64 << 20:
            out[str(path)] = f"<{path.stat().st_size} bytes>".encode()  # the sparse file: never read whole
        elif path.is_file() and path.name != "report.json":
            mode = path.stat().st_mode
            out[str(path)] = path.read_bytes() if mode & 0o400 or os.geteuid() == 0 else b"<mode 000>"
    return out


def _invoke(case: Case, tmp: Path) -> tuple[int, str, str]:
    args = [a.replace("{tmp}", str(tmp)) for a in case.args]
    if case.report:
        args += ["-f", "json", "-o", str(tmp / "report.json")]
    result = CliRunner().invoke(app, args, input=case.stdin)
    # CliRunner catches exceptions; anything but a clean exit is a crash the CLI let through.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


# --- Ctrl-C: a real process and a real SIGINT --------------------------------------------------------
def _mtcheck() -> list[str]:
    script = Path(sys.executable).parent / "mtcheck"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mtcheck"]


def _blocked_on_stdin(syscall: Path) -> bool:
    """True when the blocked system call's first argument is fd 0, or when the kernel does not say."""
    try:
        fields = syscall.read_text().split()
    except OSError:
        return True
    return len(fields) < 2 or fields[1] == "0x0"


def _wait_for_stdin_read(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Wait until the process blocks reading its stdin pipe, so the signal lands mid-run.

    A wait on *a* pipe is not enough: start-up may wait on another one (a library reading a helper
    process's output), and a signal there can be lost to that library, so the call blocked must also
    have stdin (fd 0) as its first argument (``/proc/PID/syscall``, where the kernel offers it).
    """
    wchan = Path(f"/proc/{proc.pid}/wchan")
    syscall = Path(f"/proc/{proc.pid}/syscall")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if wchan.exists() and "pipe" in wchan.read_text() and _blocked_on_stdin(syscall):
            return
        if not wchan.exists():  # no procfs: give the start-up time instead
            time.sleep(3.0)
            return
        time.sleep(0.05)


def _interrupt(case: Case, tmp: Path) -> tuple[int, str, str]:
    args = [a.replace("{tmp}", str(tmp)) for a in case.args]
    if case.report:
        args += ["-f", "json", "-o", str(tmp / "report.json")]
    proc = subprocess.Popen(
        [*_mtcheck(), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # As typed at a terminal: a suite started in the background by a non-interactive shell
        # (`bash .ci/run &`) passes SIGINT on as ignored, and a process that starts with SIGINT
        # ignored rightly keeps ignoring it (Python then installs no KeyboardInterrupt handler).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdin is not None
    proc.stdin.write(case.stdin or b"")
    proc.stdin.flush()
    _wait_for_stdin_read(proc)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    return proc.returncode, stdout.decode(), stderr.decode()


def _endless(case: Case, tmp: Path) -> tuple[int, str, str]:
    """A real process whose stdin is a pipe that a thread keeps filling until it is closed."""
    args = [a.replace("{tmp}", str(tmp)) for a in case.args]
    if case.report:
        args += ["-f", "json", "-o", str(tmp / "report.json")]
    proc = subprocess.Popen(
        [*_mtcheck(), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdin is not None and case.endless_stdin is not None

    def feed() -> None:
        try:
            while True:
                proc.stdin.write(case.endless_stdin)
        except (BrokenPipeError, OSError, ValueError):
            return

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        code = proc.wait(timeout=case.max_seconds)
    finally:
        proc.kill()
    stdout, stderr = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    return code, stdout.decode(), stderr.decode()


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input(case: Case, tmp_path: Path) -> None:
    _materialise(case, tmp_path)
    if case.setup is not None:
        case.setup(tmp_path)
    before = _snapshot(tmp_path)
    started = time.perf_counter()
    run = _interrupt if case.interrupt else _endless if case.endless_stdin is not None else _invoke
    code, stdout, stderr = run(case, tmp_path)
    elapsed = time.perf_counter() - started

    expected = case.exit if isinstance(case.exit, tuple) else (case.exit,)
    assert code in expected, f"exit {code}, stderr: {stderr!r}"
    assert "Traceback" not in stderr
    if case.message is None:
        assert stderr == "", stderr
    else:
        assert stderr.count("\n") == 1 and stderr.endswith("\n"), f"not one line: {stderr!r}"
        assert stderr.startswith("mtcheck: error: " if code == 2 else "mtcheck: "), stderr
        assert case.message in stderr, stderr
    if code not in (0, 1):
        assert stdout == "", "a failed run printed a partial report"
    after = _snapshot(tmp_path)
    assert {path: after.get(path) for path in before} == before, "an input file was modified or removed"
    assert not list(tmp_path.rglob(".*.tmp")), "a temporary report file was left behind"
    if case.report and code not in (0, 1):
        assert (tmp_path / "report.json").read_bytes() == OLD_REPORT, "a failed run touched the old report"
    if case.check is not None:
        case.check(tmp_path)
    assert elapsed < case.max_seconds, f"took {elapsed:.1f} s"
