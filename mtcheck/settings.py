"""Settings by concern: rules and the gate, models, inputs, and batches on Ray.

Each concern is a frozen value with a ``validate`` that checks its own values and nothing else; this
module imports nothing of mtcheck but its errors. Checks that need something loaded (unknown rule
codes need the rule registry) run where that is loaded: :func:`mtcheck.engine.validate_rule_settings`,
called once before any work. :class:`mtcheck.config.Config` is the flat record the settings file and
the command line fill in; it hands out these views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mtcheck.errors import ConfigError

FAIL_ON = ("error", "warning", "info", "never")
# "none": no re-translation; a source text is then scored by the source-aware pass alone (mtcheck.source).
ENGINES = ("transformers", "apertium", "none")
EMBEDDINGS = ("auto", "on", "off")
# Kept in step with mtcheck.backends.causal_lm.PRECISIONS (not imported: settings stay torch-free).
LM_PRECISIONS = ("auto", "fp32", "int8", "fp16", "bf16")
# Kept in step with mtcheck.backends.ct2.RUNTIMES: what runs the fluency LM and the sentence encoder.
MODEL_RUNTIMES = ("auto", "torch", "ctranslate2")
# "local" starts a private cluster in this process; "auto" joins the one `ray start --head` runs here
# (or RAY_ADDRESS); "ray://HOST:PORT" goes through the Ray Client; "HOST:PORT" joins a GCS directly.
RAY_MODES = ("local", "auto")

Options = tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]
MODES = ("auto", "on", "off")


def fluency_mode(value: object) -> str:
    """``fluency`` as one of MODES; booleans (older settings, ``Config(fluency=False)``) map to on/off."""
    if value is True:
        return "on"
    if value is False:
        return "off"
    if value not in MODES:
        raise ConfigError(f"fluency must be auto, on or off, not {value!r}")
    return str(value)


def freeze_options(options: Mapping[str, Mapping[str, Any]]) -> Options:
    """Per-rule options as sorted pairs: hashable, picklable and in a stable order for the signature."""
    return tuple(sorted((code.upper(), tuple(sorted(opts.items()))) for code, opts in options.items()))


@dataclass(frozen=True)
class RuleSettings:
    """Which rules run, at what severity, with which options, and the gate over their findings."""

    select: tuple[str, ...] = ("MT",)
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (code or prefix, severity), sorted
    options: Options = ()  # (rule code, ((option, value), ...)), sorted
    fail_on: str = "error"
    min_score: float | None = None  # 0-100; a document below it fails the gate

    def severity_map(self) -> dict[str, str]:
        return dict(self.severity)

    def option_map(self) -> dict[str, dict[str, Any]]:
        """Per-rule options as RuleContext reads them: {code: {option: value}}."""
        return {code: dict(opts) for code, opts in self.options}

    def validate(self) -> None:
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        if self.min_score is not None and not 0 <= self.min_score <= 100:
            raise ConfigError(f"min-score must lie between 0 and 100, not {self.min_score}")


@dataclass(frozen=True)
class ModelSettings:
    """What every model of a run is built from: which models, where they run, how they batch."""

    fluency: str = "auto"  # score fluency with the causal LM: auto | on | off (mtcheck.features decides auto)
    fluency_model: str | None = None  # None: the embedded offline default
    mt_model: str | None = None  # None: the model card for the source language
    engine: str = "transformers"  # transformers | apertium
    embeddings: str = "auto"  # sentence embeddings in the alignment: auto (when installed) | on | off
    quality_model: str = "off"  # word-level quality model (mtcheck.qe): auto | on | off
    quality_findings: str = "precise"  # its finding threshold: precise | balanced
    source_aware: str = "auto"  # MT log-prob given the source (mtcheck.source): auto | on | off
    source_model: str | None = None  # None: the gemma3-270m card; or a local folder / hub id
    cache: bool = True  # the on-disk translation cache
    cache_dir: str | None = None
    device: str = "auto"  # auto | cpu | cuda[:N] | mps, for every model
    # CPU threads for every model: torch's intra-op threads (None: half the CPUs); CTranslate2's
    # single-threaded workers (None: one per CPU, at most 4; mtcheck.backends.device.ct2_workers)
    # and, for a rules-only batch, its worker processes (None: one per CPU, at most 8; mtcheck.procpool)
    threads: int | None = None
    lm_precision: str = "auto"  # fluency LM arithmetic: auto | fp32 | int8 | fp16 | bf16
    model_runtime: str = "auto"  # auto | torch | ctranslate2 (mtcheck.backends.ct2.resolve_runtime)
    batch_size: int = 16  # sentences per forward pass, for every model
    beam_size: int = 4
    max_length: int = 256  # tokens

    def validate(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"engine must be transformers, apertium or none, not {self.engine!r}")
        if self.source_aware not in MODES:
            raise ConfigError(f"source-aware must be auto, on or off, not {self.source_aware!r}")
        if self.embeddings not in EMBEDDINGS:
            raise ConfigError(f"embeddings must be auto, on or off, not {self.embeddings!r}")
        if self.quality_model not in ("auto", "on", "off"):
            raise ConfigError(f"quality-model must be auto, on or off, not {self.quality_model!r}")
        if self.quality_findings not in ("precise", "balanced"):
            raise ConfigError(f"quality-findings must be precise or balanced, not {self.quality_findings!r}")
        if self.lm_precision not in LM_PRECISIONS:
            raise ConfigError(
                f"lm-precision must be one of {', '.join(LM_PRECISIONS)}, not {self.lm_precision!r}"
            )
        if self.model_runtime not in MODEL_RUNTIMES:
            raise ConfigError(
                f"model-runtime must be one of {', '.join(MODEL_RUNTIMES)}, not {self.model_runtime!r}"
            )
        if self.batch_size < 1 or self.beam_size < 1 or self.max_length < 1:
            raise ConfigError("batch-size, beam-size, max-length and max-chars must be positive")


@dataclass(frozen=True)
class InputSettings:
    """How articles are taken in: their default source language and the longest accepted."""

    src_lang: str | None = None
    max_chars: int = 2_000_000

    def validate(self) -> None:
        if self.max_chars < 1:
            raise ConfigError("batch-size, beam-size, max-length and max-chars must be positive")


@dataclass(frozen=True)
class RaySettings:
    """Batches on a Ray cluster (mtcheck[ray]); ``address`` None runs here."""

    address: str | None = None  # "local", "auto", "ray://HOST:PORT" or "HOST:PORT"
    workers: int | None = None  # actors (or tasks at once); None: as many as CPUs (GPUs) allow
    shard_size: int | None = None  # articles per Ray call; None: two shards per worker (8-256)
    cpus: float = 1.0  # CPUs per model actor or rule task
    gpus: float = 0.0  # GPUs per model actor
    retries: int = 2  # further tries for a shard whose worker died
    split: bool | None = None  # rules in CPU tasks, not in the model actors; None: when gpus > 0

    def validate(self) -> None:
        if self.address is not None:
            address = self.address.strip()
            if not address:
                raise ConfigError("ray: give local, auto or ray://HOST:PORT")
            if address not in RAY_MODES and "://" not in address and ":" not in address:
                raise ConfigError(
                    f"ray must be local, auto, ray://HOST:PORT or HOST:PORT, not {self.address!r}"
                )
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"ray-workers must be at least 1, not {self.workers}")
        if self.shard_size is not None and self.shard_size < 1:
            raise ConfigError(f"ray-shard-size must be at least 1, not {self.shard_size}")
        if self.cpus <= 0 or self.gpus < 0:
            raise ConfigError("ray-cpus must be positive and ray-gpus must not be negative")
        if self.retries < 0:
            raise ConfigError(f"ray-retries must not be negative, not {self.retries}")
