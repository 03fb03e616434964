"""What produced a report: the models a run used and every setting that can change a finding or a score.

In the spirit of sacrebleu's signatures: a typed, frozen value that renders to one
``key:value|key:value`` string for the JSON report's ``signature`` key. Code reads the fields;
nothing parses the string back.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtcheck import __version__
from mtcheck.settings import ModelSettings, Options, RuleSettings

FILE = "file"  # the "translator" of a re-translation supplied with the article
# Names of translators that decode with beam search (mtcheck.backends.seq2seq): beam size and length
# limit change their translations, so a run that used one records them (``decode:``).
SEQ2SEQ_PREFIX = "transformers:"


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
    decoding: str | None = None  # beam search of a seq2seq translator: "beam=4,max=256"
    quality_findings: str | None = None  # the quality model's finding threshold: precise | balanced
    source_lm: str | None = None  # the source-aware scorer (mtcheck.source) when it scored anything

    @classmethod
    def of(
        cls,
        translators: set[str] | tuple[str, ...] = (),
        lm: str | None = None,
        encoder: str | None = None,
        quality_model: str | None = None,
        *,
        settings: ModelSettings | None = None,
        quality_findings: str | None = None,
        source_lm: str | None = None,
    ) -> ModelsUsed:
        """``settings``: the model settings the translators were built with (their decoding is recorded
        when a seq2seq translator ran); ``quality_findings``: the quality model's finding threshold
        (recorded when the quality model ran)."""
        names = set(translators)
        ordered = ((FILE,) if FILE in names else ()) + tuple(sorted(names - {FILE}))
        decoding = None
        if settings is not None and any(name.startswith(SEQ2SEQ_PREFIX) for name in names):
            decoding = f"beam={settings.beam_size},max={settings.max_length}"
        findings = quality_findings if quality_model is not None else None
        return cls(ordered, lm, encoder, quality_model, decoding, findings, source_lm)

    def merged(self, other: ModelsUsed) -> ModelsUsed:
        names = set(self.translators) | set(other.translators)
        ordered = ((FILE,) if FILE in names else ()) + tuple(sorted(names - {FILE}))
        return ModelsUsed(
            ordered,
            self.lm or other.lm,
            self.encoder or other.encoder,
            self.quality_model or other.quality_model,
            self.decoding or other.decoding,
            self.quality_findings or other.quality_findings,
            self.source_lm or other.source_lm,
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
    decoding: str | None = None  # a seq2seq translator's beam size and length limit, when one ran
    quality_findings: str | None = None  # the quality model's finding threshold, when it ran
    source_lm: str | None = None  # the source-aware scorer (mtcheck.source) and its quality model

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
            decoding=used.decoding,
            quality_findings=used.quality_findings,
            source_lm=used.source_lm,
        )

    @property
    def used(self) -> ModelsUsed:
        """The models (and how they ran) this signature names, to score a report again."""
        return ModelsUsed(
            self.translators,
            self.lm,
            self.encoder,
            self.quality_model,
            self.decoding,
            self.quality_findings,
            self.source_lm,
        )

    def render(self) -> str:
        """``mtcheck:V|mt:…|lm:…|select:…|fail-on:…|emb:…[|severity:…][|options:…][|min-score:…][|qe:…][|qe-findings:…][|decode:…][|src:…]``.

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
        if self.quality_findings:
            parts.append(f"qe-findings:{self.quality_findings}")
        if self.decoding:
            parts.append(f"decode:{self.decoding}")
        if self.source_lm:
            parts.append(f"src:{self.source_lm}")
        return "|".join(parts)

    def __str__(self) -> str:
        return self.render()
