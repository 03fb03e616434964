"""A finding's fingerprint: its name by what it is, not where it is (baselines, SARIF).

The rule code, the flagged text and the words around it, normalised. Edits elsewhere in the article
move offsets but leave fingerprints alone; editing the flagged words or their neighbours makes the
finding new again, as it should.
"""

from __future__ import annotations

import hashlib
import re

from mtcheck.document import Document, Finding

CONTEXT_WORDS = 3  # words kept either side of the flagged text
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _paragraph_bounds(doc: Document, offset: int) -> tuple[int, int]:
    """Context stops at paragraph breaks: the next paragraph is another part of the story."""
    lo = doc.text.rfind("\n\n", 0, offset)
    hi = doc.text.find("\n\n", offset)
    return (0 if lo < 0 else lo + 2), (len(doc.text) if hi < 0 else hi)


def fingerprint(doc: Document, finding: Finding) -> str:
    """32 hex digits of SHA-256 over the code, the flagged text and up to 3 words either side."""
    lo, hi = _paragraph_bounds(doc, finding.start)
    before = _words(doc.text[lo : finding.start])[-CONTEXT_WORDS:]
    after = _words(doc.text[finding.end : max(hi, finding.end)])[:CONTEXT_WORDS]
    flagged = " ".join(finding.text.split())
    key = "\x1f".join((finding.code, flagged, " ".join(before), " ".join(after)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
