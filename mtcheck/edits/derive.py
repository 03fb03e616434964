"""Turn a finding's span and suggestion into edits over the analysed text.

A rule declares how far its corrections can be trusted (``Rule.fix_applicability``) and reports a
span and a suggestion; this module makes the edit. Two things make it more than ``span -> suggestion``:

* the edit is *minimal*: the common prefix and suffix of the old text and the suggestion are left
  out (``″Nato`` -> ``” Nato`` only replaces ``″``), so corrections of neighbouring findings rarely
  overlap and text outside what changes is never rewritten;
* a *deletion* (an empty suggestion: a leaked caption, credit or date stamp) also removes the space
  it would leave: the whole paragraph and one blank line when nothing else is in it, the whole line
  when it fills a line, else the spaces on one side.
"""

from __future__ import annotations

from mtcheck.document import Document, Edit

_HSPACE = " \t\u00a0"


def minimal_edit(text: str, start: int, end: int, replacement: str) -> Edit | None:
    """The smallest edit that turns ``text[start:end]`` into ``replacement``; None if nothing changes."""
    old = text[start:end]
    if old == replacement:
        return None
    head = 0
    limit = min(len(old), len(replacement))
    while head < limit and old[head] == replacement[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == replacement[len(replacement) - 1 - tail]:
        tail += 1
    return Edit(start + head, end - tail, replacement[head : len(replacement) - tail])


def deletion(doc: Document, start: int, end: int) -> Edit:
    """Delete ``text[start:end]`` and the whitespace its removal would strand (see module doc)."""
    text = doc.text
    para_index = next(
        (i for i, p in enumerate(doc.paragraphs) if p.start <= start < max(p.end, p.start + 1)), None
    )
    if para_index is not None:
        para = doc.paragraphs[para_index]
        if not text[para.start : start].strip() and not text[end : para.end].strip():
            if para_index > 0:
                return Edit(doc.paragraphs[para_index - 1].end, para.end, "")
            if para_index + 1 < len(doc.paragraphs):
                return Edit(para.start, doc.paragraphs[para_index + 1].start, "")
            return Edit(para.start, para.end, "")
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if not text[line_start:start].strip() and not text[end:line_end].strip():
        if line_start > 0:
            return Edit(line_start - 1, line_end, "")
        return Edit(line_start, min(line_end + 1, len(text)), "")
    lo = start
    while lo > line_start and text[lo - 1] in _HSPACE:
        lo -= 1
    if lo < start and text[line_start:lo].strip():
        return Edit(lo, end, "")  # words before it on the line: take the space before
    hi = end
    while hi < line_end and text[hi] in _HSPACE:
        hi += 1
    return Edit(start, hi, "")


def edits_for(doc: Document, start: int, end: int, suggestion: str) -> tuple[Edit, ...]:
    """Edits that apply ``suggestion`` to ``doc.text[start:end]`` (none when they are the same)."""
    if suggestion == "" and end > start:
        return (deletion(doc, start, end),)
    edit = minimal_edit(doc.text, start, end, suggestion)
    return () if edit is None else (edit,)
