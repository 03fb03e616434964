"""Settings as the user gives them: defaults < ``[tool.mtcheck]`` in pyproject.toml or ``mtcheck.toml`` <
command-line flags.

``Config`` is the flat record of the settings file and the flags; the code reads it by concern
(:mod:`mtcheck.settings`): ``config.rule_settings``, ``config.model_settings``,
``config.input_settings`` and ``config.ray_settings``. Nothing here imports above the settings: checks
that need the rule registry run in :func:`mtcheck.engine.validate_rule_settings`.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtcheck.errors import ConfigError
from mtcheck.settings import (
    FAIL_ON,
    LM_PRECISIONS,
    MODEL_RUNTIMES,
    InputSettings,
    ModelSettings,
    RaySettings,
    RuleSettings,
    fluency_mode,
    freeze_options,
)

__all__ = ["FAIL_ON", "LM_PRECISIONS", "MODEL_RUNTIMES", "Config", "find_config_file", "load_config"]


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["MT"])
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-rule options
    fail_on: str = "error"
    min_score: float | None = None
    src_lang: str | None = None
    # The language model's fluency checks (mtcheck[models]): auto (when installed) | on | off; a
    # boolean is read as on/off. See mtcheck.features.
    fluency: str = "auto"
    fluency_model: str | None = None  # None: the embedded offline default
    mt_model: str | None = None  # None: the model card for src_lang
    engine: str = "transformers"  # transformers | apertium | none (no re-translation of a source)
    # Sentence embeddings in the alignment (mtcheck[embeddings]): auto (when installed) | on | off.
    embeddings: str = "auto"
    # Word-level quality model (mtcheck.qe; needs the embeddings extra and a re-translation). Off by
    # default: held out on the MQM data it does not yet beat MT605 + the hazard score (README).
    # auto (when installed) | on | off; and its finding threshold: precise | balanced.
    quality_model: str = "off"
    quality_findings: str = "precise"
    # Source-aware pass (mtcheck[source], Gemma 3 270M): the MT's log-prob given the source text, when
    # one is given. auto (when installed) | on | off; source_model None: the gemma3-270m card.
    source_aware: str = "auto"
    source_model: str | None = None
    cache: bool = True
    cache_dir: str | None = None
    device: str = "auto"
    threads: int | None = None
    # Fluency LM arithmetic: auto | fp32 | int8 | fp16 | bf16 (auto: see causal_lm.resolve_precision).
    lm_precision: str = "auto"
    # What runs the fluency LM and the sentence encoder: auto | torch | ctranslate2 (auto: CTranslate2
    # when installed, on CPU at fp32; see mtcheck.backends.ct2.resolve_runtime).
    model_runtime: str = "auto"
    batch_size: int = 16
    beam_size: int = 4
    max_length: int = 256
    max_chars: int = 2_000_000
    # Rendered reports list at most this many findings of one rule per document, then one summary
    # entry (`fix` and the counts still see them all). benchmarks/report_bound.py: 127 real articles
    # (MQM dev with references and their alt_mt, clean corpus) reach at most 33 (MT605, a 10-segment
    # article); findings grow with length, so 6x that keeps long real articles uncollapsed.
    report_max_repeats: int = 200
    # Batches on a Ray cluster (mtcheck[ray]): None runs here; "local", "auto" or "ray://HOST:PORT".
    ray: str | None = None
    ray_workers: int | None = None  # actors (or tasks at once); None: as many as CPUs (GPUs) allow
    ray_shard_size: int | None = None  # articles per Ray call; None: two shards per worker (8-256)
    ray_cpus: float = 1.0  # CPUs per model actor or rule task
    ray_gpus: float = 0.0  # GPUs per model actor
    ray_retries: int = 2  # further tries for a shard whose worker died
    ray_split: bool | None = None  # rules in CPU tasks, not in the model actors; None: when ray_gpus > 0
    source: Path | None = None  # where the file settings came from

    def __post_init__(self) -> None:
        self.fluency = fluency_mode(self.fluency)

    def merged(self, **flags: Any) -> Config:
        """A copy with every flag that is not None applied on top."""
        changes = {k: v for k, v in flags.items() if v is not None}
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        out = dataclasses.replace(self, **changes)
        out.validate()
        return out

    # --- by concern -------------------------------------------------------------------------
    @property
    def rule_settings(self) -> RuleSettings:
        return RuleSettings(
            select=tuple(self.select),
            ignore=tuple(self.ignore),
            severity=tuple(sorted(self.severity.items())),
            options=freeze_options(self.rules),
            fail_on=self.fail_on,
            min_score=self.min_score,
        )

    @property
    def model_settings(self) -> ModelSettings:
        return ModelSettings(
            fluency=self.fluency, fluency_model=self.fluency_model, mt_model=self.mt_model,
            engine=self.engine, embeddings=self.embeddings, quality_model=self.quality_model,
            quality_findings=self.quality_findings, source_aware=self.source_aware,
            source_model=self.source_model, cache=self.cache, cache_dir=self.cache_dir,
            device=self.device, threads=self.threads, lm_precision=self.lm_precision,
            model_runtime=self.model_runtime, batch_size=self.batch_size, beam_size=self.beam_size,
            max_length=self.max_length,
        )  # fmt: skip

    @property
    def input_settings(self) -> InputSettings:
        return InputSettings(src_lang=self.src_lang, max_chars=self.max_chars)

    @property
    def ray_settings(self) -> RaySettings:
        return RaySettings(
            address=self.ray, workers=self.ray_workers, shard_size=self.ray_shard_size,
            cpus=self.ray_cpus, gpus=self.ray_gpus, retries=self.ray_retries, split=self.ray_split,
        )  # fmt: skip

    def validate(self) -> None:
        """Each concern's own checks; rule codes and options are checked where the registry loads."""
        self.rule_settings.validate()
        self.model_settings.validate()
        self.input_settings.validate()
        self.ray_settings.validate()
        if self.report_max_repeats < 1:  # a rendering setting: how many findings of one rule are listed
            raise ConfigError("report-max-repeats must be positive")


def _normalise(table: dict[str, Any], origin: Path) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(Config)} - {"source"}
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in names:
            raise ConfigError(f"{origin}: unknown setting {key!r}")
        if name == "rules":
            value = {
                code.upper(): {k.replace("-", "_"): v for k, v in opts.items()}
                for code, opts in value.items()
            }
        out[name] = value
    return out


def find_config_file(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        for name in ("mtcheck.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file() and (name == "mtcheck.toml" or _has_tool_table(candidate)):
                return candidate
        if (folder / ".git").exists():
            break
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "mtcheck" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def load_config(path: Path | None = None, cwd: Path | None = None) -> Config:
    """Read settings from ``path`` or the nearest mtcheck.toml / pyproject.toml above ``cwd``."""
    if path is None:
        path = find_config_file((cwd or Path.cwd()).resolve())
        if path is None:
            return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    table = data.get("tool", {}).get("mtcheck", {}) if path.name == "pyproject.toml" else data
    table = table.get("mtcheck", table) if path.name != "pyproject.toml" and "mtcheck" in table else table
    try:
        config = Config(**_normalise(table, path), source=path)
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    config.validate()
    return config
