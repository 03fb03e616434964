"""Rule families: one module per family, each rule a small registered class.

Importing this package imports every sibling module, so a new family only needs a new file.
"""

from __future__ import annotations

import importlib
import pkgutil

from mtcheck.rules.base import REGISTRY, Example, Rule, RuleContext, register

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base" and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Example", "Rule", "RuleContext", "register"]
