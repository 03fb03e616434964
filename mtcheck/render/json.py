"""``--format json``: the report contract of DESIGN.md (schema mtcheck.report/1).

Layout: the report's frame is indented by two spaces; each element of a list that is a flat record
(a sentence, a sentence score, an alignment pair, a finding, an input error) is written on one line.
That keeps a report readable and diffable line by line, and costs about 60 bytes per sentence
instead of 170 with every key on its own line: a text of one-letter sentences made reports 125
times its size. Each record is encoded by the json module's C encoder; ``json.dump(indent=2)``
runs the pure-Python encoder over every key, which took most of a rules-only run's time on
sentence-dense text.
"""

from __future__ import annotations

import io
import json
from typing import Any, TextIO

from mtcheck.document import Report


def _dumps(value: Any) -> str:
    # ensure_ascii=False keeps offsets readable against the text; json escapes what JSON must.
    return json.dumps(value, ensure_ascii=False)


def _flat(value: Any) -> bool:
    """A record written on one line: a dict none of whose values is a list of containers."""
    if not isinstance(value, dict):
        return not isinstance(value, list)
    return not any(
        isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v) for v in value.values()
    )


def _write(out: TextIO, value: Any, level: int) -> None:
    pad = "  " * level
    if isinstance(value, dict) and value:
        out.write("{\n")
        last = len(value) - 1
        for i, (key, item) in enumerate(value.items()):
            out.write(f"{pad}  {_dumps(key)}: ")
            _write(out, item, level + 1)
            out.write(",\n" if i < last else "\n")
        out.write(pad + "}")
    elif isinstance(value, list) and value:
        out.write("[\n")
        last = len(value) - 1
        for i, item in enumerate(value):
            out.write(pad + "  ")
            if _flat(item):
                out.write(_dumps(item))
            else:
                _write(out, item, level + 1)
            out.write(",\n" if i < last else "\n")
        out.write(pad + "]")
    else:
        out.write(_dumps(value))


def render(report: Report, **_: Any) -> str:
    buffer = io.StringIO()
    _write(buffer, report.to_json(), 0)
    buffer.write("\n")
    return buffer.getvalue()
