"""``--format json``: the report contract of DESIGN.md (schema mtcheck.report/1)."""

from __future__ import annotations

import io
import json
from typing import Any

from mtcheck.document import Report


def render(report: Report, **_: Any) -> str:
    # ensure_ascii=False keeps offsets readable against the text; json escapes what JSON must.
    # json.dump into a StringIO, not json.dumps: with indent, dumps keeps every small piece of the
    # output in a list before joining it (~16 bytes per article character on a 50 MB article).
    buffer = io.StringIO()
    json.dump(report.to_json(), buffer, ensure_ascii=False, indent=2)
    buffer.write("\n")
    return buffer.getvalue()
