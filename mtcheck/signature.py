"""What produced a report: the models a run used and every setting that can change a finding or a score.

In the spirit of sacrebleu's signatures: a typed, frozen value that renders to one
``key:value|key:value`` string for the JSON report's ``signature`` key. Code reads the fields;
nothing parses the string back.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtcheck import __version__
from mtcheck.settings import Options, RuleSettings

FILE = "file"  # the "translator" of a re-translation supplied with the article


@dataclass(frozen=True)
class ModelsUsed:
    """The models a model stage used, as a value (ids with revisions); merged across shards.

    ``translators`` is canonical (``file`` first, then engine names sorted), so a run split into
    shards names exactly what the same run in one process names.
    """

    translators: tuple[str, ...] = ()
    lm: str | None = None
    encoder: str | None = None
    quality_model: str | None = None  # the word-level quality model (mtcheck.qe), version@digest

    @classmethod
    def of(
        cls,
        translators: set[str] | tuple[str, ...] = (),
        lm: str | None = None,
        encoder: str | None = None,
        quality_model: str | None = None,
    ) -> ModelsUsed:
        names = set(translators)
        ordered = ((FILE,) if FILE in names else ()) + tuple(sorted(names - {FILE}))
        return cls(ordered, lm, encoder, quality_model)

    def merged(self, other: ModelsUsed) -> ModelsUsed:
        return ModelsUsed.of(
            set(self.translators) | set(other.translators),
            self.lm or other.lm,
            self.encoder or other.encoder,
            self.quality_model or other.quality_model,
        )


@dataclass(frozen=True)
class Signature:
    """Every setting that pins a report's findings and scores, with the models that produced them."""

    version: str
    translators: tuple[str, ...]  # re-translation engines (model@revision), "file" for supplied ones
    lm: str | None  # the fluency model, None when fluency was off or nothing was scored
    encoder: str | None  # the alignment's sentence encoder, None when chrF aligned alone
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: tuple[tuple[str, str], ...]  # overrides (code or prefix, severity)
    options: Options  # per-rule options given in the settings
    fail_on: str
    min_score: float | None
    quality_model: str | None = None  # the word-level quality model (mtcheck.qe) when it ran

    @classmethod
    def of(cls, settings: RuleSettings, used: ModelsUsed) -> Signature:
        return cls(
            version=__version__,
            translators=used.translators,
            lm=used.lm,
            encoder=used.encoder,
            select=settings.select,
            ignore=settings.ignore,
            severity=settings.severity,
            options=settings.options,
            fail_on=settings.fail_on,
            min_score=settings.min_score,
            quality_model=used.quality_model,
        )

    def render(self) -> str:
        """``mtcheck:V|mt:…|lm:…|select:…|fail-on:…|emb:…[|severity:…][|options:…][|min-score:…][|qe:…]``.

        The first five parts are the contract's (tests/data/report.schema.json); later ones follow.
        """
        select = ",".join(self.select) + (f"-{','.join(self.ignore)}" if self.ignore else "")
        parts = [
            f"mtcheck:{self.version}",
            f"mt:{'+'.join(self.translators) or 'none'}",
            f"lm:{self.lm or 'none'}",
            f"select:{select}",
            f"fail-on:{self.fail_on}",
            f"emb:{self.encoder or 'none'}",
        ]
        if self.severity:
            parts.append("severity:" + ",".join(f"{code}={sev}" for code, sev in self.severity))
        if self.options:
            parts.append(
                "options:"
                + ",".join(f"{code}.{name}={value}" for code, opts in self.options for name, value in opts)
            )
        if self.min_score is not None:
            parts.append(f"min-score:{self.min_score:g}")
        if self.quality_model:
            parts.append(f"qe:{self.quality_model}")
        return "|".join(parts)

    def __str__(self) -> str:
        return self.render()
