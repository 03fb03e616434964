"""``--format json``: the report contract of DESIGN.md (schema mtcheck.report/1)."""

from __future__ import annotations

import json
from typing import Any

from mtcheck.document import Report


def render(report: Report, **_: Any) -> str:
    # ensure_ascii=False keeps offsets readable against the text; json escapes what JSON must.
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
