"""Settings: defaults < ``[tool.mtcheck]`` in pyproject.toml or ``mtcheck.toml`` < command-line flags."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtcheck.errors import ConfigError

FAIL_ON = ("error", "warning", "info", "never")
# Kept in step with mtcheck.backends.causal_lm.PRECISIONS (not imported: config stays torch-free).
LM_PRECISIONS = ("auto", "fp32", "int8", "fp16", "bf16")


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
    engine: str = "transformers"  # transformers | apertium
    # Sentence embeddings in the alignment (mtcheck[embeddings]): auto (when installed) | on | off.
    embeddings: str = "auto"
    # Word-level quality model (mtcheck.qe; needs the embeddings extra and a re-translation). Off by
    # default: held out on the MQM data it does not yet beat MT605 + the hazard score (README).
    # auto (when installed) | on | off; and its finding threshold: precise | balanced.
    quality_model: str = "off"
    quality_findings: str = "precise"
    cache: bool = True
    cache_dir: str | None = None
    device: str = "auto"
    threads: int | None = None
    # Fluency LM arithmetic: auto | fp32 | int8 | fp16 | bf16 (auto: see causal_lm.resolve_precision).
    lm_precision: str = "auto"
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
        from mtcheck.features import fluency_mode

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

    def validate(self) -> None:
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        if self.min_score is not None and not 0 <= self.min_score <= 100:
            raise ConfigError(f"min-score must lie between 0 and 100, not {self.min_score}")
        if self.engine not in ("transformers", "apertium"):
            raise ConfigError(f"engine must be transformers or apertium, not {self.engine!r}")
        if self.embeddings not in ("auto", "on", "off"):
            raise ConfigError(f"embeddings must be auto, on or off, not {self.embeddings!r}")
        if self.lm_precision not in LM_PRECISIONS:
            raise ConfigError(
                f"lm-precision must be one of {', '.join(LM_PRECISIONS)}, not {self.lm_precision!r}"
            )
        if self.quality_model not in ("auto", "on", "off"):
            raise ConfigError(f"quality-model must be auto, on or off, not {self.quality_model!r}")
        if self.quality_findings not in ("precise", "balanced"):
            raise ConfigError(f"quality-findings must be precise or balanced, not {self.quality_findings!r}")
        if self.batch_size < 1 or self.beam_size < 1 or self.max_length < 1 or self.max_chars < 1:
            raise ConfigError("batch-size, beam-size, max-length and max-chars must be positive")
        if self.report_max_repeats < 1:
            raise ConfigError("report-max-repeats must be positive")
        # Checks the settings only: mtcheck.distributed never imports ray at module level.
        from mtcheck.distributed import validate_settings

        validate_settings(self)
        # Imported here: validating codes needs the rule registry, which --help never loads.
        from mtcheck.engine import select_rules

        select_rules(self.select, self.ignore, self.severity)
        from mtcheck.rules import REGISTRY

        for code, opts in self.rules.items():
            rule = REGISTRY.get(code.upper())
            if rule is None:
                raise ConfigError(f"rules: unknown rule code {code!r} (see `mtcheck rules`)")
            bad = set(opts) - set(rule.options)
            if bad:
                known = ", ".join(sorted(rule.options)) or "none"
                raise ConfigError(
                    f"rules.{code}: unknown option(s) {', '.join(sorted(bad))} (known: {known})"
                )


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
