"""`mtcheck rules` and `mtcheck explain`: the rule catalogue and one rule's documentation."""

from __future__ import annotations

from typing import Annotated

import typer

from mtcheck.cli.common import fail


def list_rules(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List every rule with its code, name, category and default severity."""
    from mtcheck.rules import REGISTRY

    if fmt == "json":
        import json

        rows = [
            {
                "code": c,
                "name": r.name,
                "category": r.category,
                "severity": r.severity.value,
                "summary": r.summary,
            }
            for c, r in sorted(REGISTRY.items())
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("code", "name", "category", "severity", "what it finds")
    for code, rule in sorted(REGISTRY.items()):
        table.add_row(code, rule.name, rule.category, rule.severity.value, rule.summary)
    Console(soft_wrap=False).print(table)


def explain(code: Annotated[str, typer.Argument(help="Rule code (MT101) or name.")]) -> None:
    """Show a rule's documentation: what, why, an example, how to fix, options."""
    from mtcheck.rules import REGISTRY

    rule = REGISTRY.get(code.upper()) or next((r for r in REGISTRY.values() if r.name == code.lower()), None)
    if rule is None:
        fail(f"unknown rule {code!r} (see `mtcheck rules`)")
    _, fails = rule.examples()
    lines = [
        f"{rule.code} {rule.name} ({rule.category}, default severity {rule.severity.value})",
        "",
        f"What: {rule.summary}",
        f"Why: {rule.why}",
    ]
    if fails:
        lines.append(f"Example: {fails[0].mt}")
        if fails[0].reference:
            lines.append(f"  re-translation: {fails[0].reference}")
    lines.append(f"Fix: {rule.fix}")
    if rule.options:
        lines.append("Options: " + ", ".join(f"{k} = {v!r}" for k, v in rule.options.items()))
    typer.echo("\n".join(lines))
