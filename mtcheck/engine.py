"""Select rules by code prefix (ruff style), check rule settings against the registry, run the rules.

This is where the rule registry is loaded, so this is where rule codes and options from the settings
are checked: :func:`validate_rule_settings`, once, before any work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mtcheck.document import Finding, Fix, Severity
from mtcheck.errors import ConfigError
from mtcheck.rules import REGISTRY, Rule, RuleContext
from mtcheck.settings import RuleSettings


def _validate(prefixes: Iterable[str], what: str) -> list[str]:
    out = []
    for raw in prefixes:
        prefix = raw.strip().upper()
        if prefix == "ALL":
            prefix = "MT"
        if not prefix or not any(code.startswith(prefix) for code in REGISTRY):
            raise ConfigError(f"{what}: unknown rule code or prefix {raw!r} (see `mtcheck rules`)")
        out.append(prefix)
    return out


def _longest(code: str, prefixes: list[str]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def select_rules(
    select: Iterable[str] = ("MT",),
    ignore: Iterable[str] = (),
    severities: Mapping[str, str] | None = None,
) -> list[Rule]:
    """Instantiate the selected rules; the more specific of a matching select and ignore wins."""
    chosen = _validate(select, "select")
    dropped = _validate(ignore, "ignore")
    overrides: dict[str, Severity] = {}
    for code, value in (severities or {}).items():
        _validate([code], "severity")
        try:
            overrides[code.upper()] = Severity.parse(value)
        except ValueError as exc:
            raise ConfigError(f"severity for {code}: {exc}") from None
    rules = []
    for code in sorted(REGISTRY):
        if _longest(code, chosen) > _longest(code, dropped):
            severity = overrides.get(code)
            if severity is None:
                matches = [(len(p), s) for p, s in overrides.items() if code.startswith(p)]
                severity = max(matches, key=lambda m: m[0])[1] if matches else None
            rules.append(REGISTRY[code](severity))
    return rules


def validate_rule_settings(settings: RuleSettings) -> list[Rule]:
    """The selected rules; ConfigError for an unknown code or prefix, or an option a rule does not have."""
    settings.validate()
    rules = select_rules(settings.select, settings.ignore, settings.severity_map())
    for code, opts in settings.options:
        rule = REGISTRY.get(code.upper())
        if rule is None:
            raise ConfigError(f"rules: unknown rule code {code!r} (see `mtcheck rules`)")
        bad = {name for name, _ in opts} - set(rule.options)
        if bad:
            known = ", ".join(sorted(rule.options)) or "none"
            raise ConfigError(f"rules.{code}: unknown option(s) {', '.join(sorted(bad))} (known: {known})")
    return rules


def _suppressed(finding: Finding, ctx: RuleContext) -> bool:
    for start, end, codes in ctx.doc.suppressions:
        if start <= finding.start < end and (codes is None or any(finding.code.startswith(c) for c in codes)):
            return True
    return False


# A rule stops after this many findings in one document. Real articles reach a handful
# (benchmarks/report_bound.py); hostile text (100,000 `(`) would otherwise cost ~600 bytes and
# tens of microseconds per character. Reports collapse long before this (report_max_repeats).
MAX_FINDINGS_PER_RULE = 10_000


def run_rules(ctx: RuleContext, rules: Iterable[Rule]) -> list[Finding]:
    findings: dict[tuple[str, int, int], Finding] = {}
    for rule in rules:
        if not rule.applies(ctx):
            continue
        kept = 0
        for finding in rule.check(ctx):
            if finding.end <= finding.start or _suppressed(finding, ctx):
                continue
            if finding.fix is None:
                finding.fix = rule.fix_for(ctx, finding)
            findings.setdefault((finding.code, finding.start, finding.end), finding)
            kept += 1
            if kept >= MAX_FINDINGS_PER_RULE:
                break  # closes the rule's generator: the rest of the text costs nothing
    return sorted(_merge_same_fix(findings.values()), key=lambda f: (f.start, f.end, f.code))


def _merge_same_fix(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per span and fix: ``iran`` is a lowercased place (MT202) and differs from the
    re-translation's ``Iran`` (MT602); an editor needs to read that once, at the higher severity."""
    best: dict[tuple[int, int, str], Finding] = {}
    out: list[Finding] = []
    for f in findings:
        if f.suggestion is None:
            out.append(f)
            continue
        key = (f.start, f.end, f.suggestion)
        kept = best.get(key)
        if kept is None:
            best[key] = f
            continue
        winner, other = (
            (f, kept) if (f.severity.rank, kept.code) > (kept.severity.rank, f.code) else (kept, f)
        )
        # The same correction from two rules is as trustworthy as the surer of them: `iran` -> `Iran`
        # is safe as a gazetteer name (MT202) even when the re-translation rule (MT602) is kept.
        if _rank(other.fix) > _rank(winner.fix):
            winner.fix = other.fix
        best[key] = winner
    return out + list(best.values())


def _rank(fix: Fix | None) -> int:
    return 0 if fix is None else fix.applicability.rank
