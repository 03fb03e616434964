"""Map offsets of the analysed text back to the file it was read from.

Readers hand the rules an *analysed* text: line ends normalised to ``\\n``, Unicode in NFC, Markdown
and HTML markup removed, whitespace collapsed, paragraphs joined by blank lines. ``mtcheck fix`` must
edit the file itself, and CI annotations must point at the file's own lines, so this module keeps a
map from analysed offsets to offsets of the original (decoded) file text.

The map is a list of *runs*: ``analysed[a : a + alen]`` came from ``original[o : o + olen]``.
A *verbatim* run has ``alen == olen`` and the same characters on both sides, so every offset inside
it maps one to one. Any other run is atomic: a CRLF read as ``\\n``, ``&amp;`` read as ``&``, a
decomposed letter read as its NFC form, a run of markup whitespace read as one space, or a paragraph
separator with no counterpart in the file (``olen == 0``). An edit may replace an atomic run only as a
whole; an edit that would cut one, or that no run can carry, is refused rather than guessed.

Everything is computed lazily (``Origin.map``), so ``mtcheck check --format text`` never pays for it.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

_LINE_END = re.compile(r"\r\n|\r|\n")


class RunMap:
    """Runs from analysed offsets to original offsets (see the module docstring).

    Runs tile the analysed text in order; consecutive verbatim runs that touch in the original are
    merged, so a plain-text file with CRLF line ends has about one run per line.
    """

    def __init__(self) -> None:
        self.a = array("q")  # analysed start of each run
        self.alen = array("q")
        self.o = array("q")  # original start
        self.olen = array("q")
        self.verbatim = bytearray()
        self._end = 0  # analysed length covered so far

    # --- building ----------------------------------------------------------------------------
    def add(self, alen: int, o: int, olen: int, verbatim: bool) -> None:
        """Append a run for the next ``alen`` analysed characters (``alen`` may be 0 for nothing)."""
        if alen <= 0:
            return
        if verbatim and self.verbatim and self.verbatim[-1] and self.o[-1] + self.olen[-1] == o:
            self.alen[-1] += alen
            self.olen[-1] += olen
        else:
            self.a.append(self._end)
            self.alen.append(alen)
            self.o.append(o)
            self.olen.append(olen)
            self.verbatim.append(1 if verbatim else 0)
        self._end += alen

    @property
    def length(self) -> int:
        """Length of the analysed text the runs cover."""
        return self._end

    @classmethod
    def identity(cls, length: int) -> RunMap:
        runs = cls()
        runs.add(length, 0, length, True)
        return runs

    # --- lookups -----------------------------------------------------------------------------
    def _run(self, offset: int) -> int:
        """Index of the run holding analysed character ``offset`` (clamped to the last run)."""
        return max(0, min(bisect.bisect_right(self.a, offset) - 1, len(self.a) - 1))

    def start_of(self, offset: int) -> int:
        """Original offset where analysed character ``offset`` begins (its run's start if atomic)."""
        if not self.a:
            return 0
        if offset >= self._end:
            return self.o[-1] + self.olen[-1]
        r = self._run(offset)
        return self.o[r] + (offset - self.a[r] if self.verbatim[r] else 0)

    def end_of(self, offset: int) -> int:
        """Original offset just after analysed character ``offset`` (its run's end if atomic)."""
        if not self.a:
            return 0
        r = self._run(offset)
        return self.o[r] + (offset - self.a[r] + 1 if self.verbatim[r] else self.olen[r])

    def boundary(self, offset: int) -> int | None:
        """Original offset of the gap before analysed character ``offset``; None inside an atomic run."""
        if not self.a:
            return 0
        if offset <= 0:
            return self.o[0]
        r = self._run(offset - 1)
        inside = offset - self.a[r]
        if self.verbatim[r]:
            return self.o[r] + inside
        return self.o[r] + self.olen[r] if inside == self.alen[r] else None

    def pieces(self, start: int, end: int) -> list[tuple[int, int]] | None:
        """Original ranges that analysed ``[start, end)`` covers, in order; None if it cuts an atomic run."""
        out: list[tuple[int, int]] = []
        r = self._run(start)
        while r < len(self.a) and self.a[r] < end:
            a, alen, o, olen = self.a[r], self.alen[r], self.o[r], self.olen[r]
            lo, hi = max(start, a), min(end, a + alen)
            if lo < hi:
                if self.verbatim[r]:
                    out.append((o + lo - a, o + hi - a))
                elif lo == a and hi == a + alen:
                    out.append((o, o + olen))
                else:
                    return None
            r += 1
        return out

    def compose(self, inner: RunMap) -> RunMap:
        """``self`` maps analysed -> middle, ``inner`` maps middle -> original: analysed -> original."""
        out = RunMap()
        for r in range(len(self.a)):
            alen, o, olen = self.alen[r], self.o[r], self.olen[r]
            if self.verbatim[r]:
                # One to one: follow each inner run the middle range crosses.
                pos, stop = o, o + olen
                while pos < stop:
                    k = inner._run(pos)
                    k_end = inner.a[k] + inner.alen[k]
                    step = min(stop, k_end) - pos
                    if inner.verbatim[k]:
                        out.add(step, inner.o[k] + pos - inner.a[k], step, True)
                    elif pos == inner.a[k] and step == inner.alen[k]:
                        out.add(step, inner.o[k], inner.olen[k], False)
                    else:  # part of an atomic inner run: the whole of it, atomically
                        out.add(step, inner.o[k], inner.olen[k], False)
                    pos += step
            elif olen == 0:
                at = inner.boundary(o)
                out.add(alen, at if at is not None else inner.start_of(o), 0, False)
            else:
                lo, hi = inner.start_of(o), inner.end_of(o + olen - 1)
                out.add(alen, lo, hi - lo, False)
        return out


# --- line ends and Unicode normalisation ---------------------------------------------------------
def line_end_map(raw: str) -> tuple[str, RunMap]:
    """``raw`` with CRLF and CR read as LF, and the map back to ``raw``."""
    runs = RunMap()
    pos = 0
    for m in _LINE_END.finditer(raw):
        runs.add(m.start() - pos, pos, m.start() - pos, True)
        runs.add(1, m.start(), m.end() - m.start(), m.group() == "\n")
        pos = m.end()
    runs.add(len(raw) - pos, pos, len(raw) - pos, True)
    return (_LINE_END.sub("\n", raw) if "\r" in raw else raw), runs


def nfc_map(text: str) -> tuple[str, RunMap]:
    """``text`` in NFC and the map back; each changed cluster (a starter and its marks) is atomic."""
    if unicodedata.is_normalized("NFC", text):
        return text, RunMap.identity(len(text))
    runs = RunMap()
    out: list[str] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        cluster = text[start:i]
        normal = unicodedata.normalize("NFC", cluster)
        runs.add(len(normal), start, len(cluster), normal == cluster)
        out.append(normal)
        start = i
    joined = "".join(out)
    if joined != unicodedata.normalize("NFC", text):
        # Composition across a starter (Hangul jamo and a few scripts): one atomic run, nothing cut.
        whole = unicodedata.normalize("NFC", text)
        runs = RunMap()
        runs.add(len(whole), 0, len(text), False)
        return whole, runs
    return joined, runs


_WINDOW = 4096


# --- aligning the analysed text with what the markup parser read ---------------------------------
def _align(analysed: str, a_lo: int, a_hi: int, source: str, s_lo: int, s_hi: int, out: _CharMap) -> int:
    """Map ``analysed[a_lo:a_hi]`` onto ``source[s_lo:s_hi]`` in order; returns the source cursor.

    A letter maps to the next equal character of the source (markup in between is skipped); a run
    of whitespace maps to the next run of source whitespace as one atomic piece, or to nothing when
    the source has none there (text the reader joined with a space or a paragraph break).
    """
    i, j = a_lo, s_lo
    while i < a_hi:
        c = analysed[i]
        if c.isspace():
            i2 = i
            while i2 < a_hi and analysed[i2].isspace():
                i2 += 1
            k = j
            while k < s_hi and not source[k].isspace() and not source[k].isalnum():
                k += 1  # markup punctuation (``**``, ``]``) before the space
            if k < s_hi and source[k].isspace():
                k2 = k
                while k2 < s_hi and source[k2].isspace():
                    k2 += 1
                if analysed[i:i2] == source[k:k2]:
                    for t in range(i2 - i):
                        out.put(k + t, k + t + 1, True)
                else:
                    out.block(i2 - i, k, k2)
                j = k2
            else:
                out.block(i2 - i, j, j)
            i = i2
            continue
        # A bounded look ahead: a character the source lacks must not drag the cursor far away.
        k = source.find(c, j, min(s_hi, j + _WINDOW))
        if k < 0:
            out.block(1, j, j)  # not found: never editable, positioned at the cursor
        else:
            out.put(k, k + 1, True)
            j = k + 1
        i += 1
    return j


@dataclass
class _CharMap:
    """Per analysed character: the source range it came from and whether it is the same character."""

    starts: array = field(default_factory=lambda: array("q"))
    ends: array = field(default_factory=lambda: array("q"))
    verbatim: bytearray = field(default_factory=bytearray)
    # Atomic groups: analysed index of the first character -> number of characters in the group.
    groups: dict[int, int] = field(default_factory=dict)

    def put(self, start: int, end: int, verbatim: bool) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.verbatim.append(1 if verbatim else 0)

    def block(self, count: int, start: int, end: int) -> None:
        if count > 1:
            self.groups[len(self.starts)] = count
        for _ in range(count):
            self.put(start, end, False)

    def runs(self, source_map: _CharMap | None = None) -> RunMap:
        """Runs over the source, or through ``source_map`` (source index -> original) when given."""
        out = RunMap()
        n = len(self.starts)
        i = 0
        while i < n:
            count = self.groups.get(i, 1)
            s, e = self.starts[i], self.ends[i]
            verbatim = bool(self.verbatim[i]) and count == 1
            if source_map is not None:
                s, e, verbatim = source_map.span(s, e, verbatim)
            out.add(count, s, e - s, verbatim)
            i += count
        return out

    def span(self, s: int, e: int, verbatim: bool) -> tuple[int, int, bool]:
        """Original range of source indices ``[s, e)``; an empty range if they are not contiguous."""
        if e <= s:
            at = self.starts[s] if s < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return at, at, False
        for t in range(s + 1, e):
            if self.starts[t] != self.ends[t - 1]:
                return self.starts[s], self.starts[s], False  # markup inside: an empty, atomic place
        same = verbatim and all(self.verbatim[t] for t in range(s, e))
        return self.starts[s], self.ends[e - 1], same


# --- HTML ----------------------------------------------------------------------------------------
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


class _DataStream(HTMLParser):
    """The text an HTML reader keeps, with each character's range in the markup.

    Follows ``mtcheck.readers.html``: text inside dropped elements (scripts, navigation...) is left
    out; entities are decoded and remember the whole ``&...;`` range.
    """

    def __init__(self, markup: str, dropped: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.markup = markup
        self.dropped = dropped
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", markup)]
        self.depth = 0  # open dropped elements
        self.text: list[str] = []
        self.chars = _CharMap()
        self.pending: tuple[int, str] | None = None

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _close_pending(self, end: int) -> None:
        if self.pending is None:
            return
        start, data = self.pending
        self.pending = None
        raw = self.markup[start:end]
        if html.unescape(raw) != data:
            # Not a plain slice of the markup (a parser quirk): keep the text, editable nowhere.
            self.text.append(data)
            self.chars.block(len(data), start, start)
            return
        pos = 0
        for m in _ENTITY.finditer(raw):
            for t in range(pos, m.start()):
                self.chars.put(start + t, start + t + 1, True)
            decoded = html.unescape(m.group())
            self.chars.block(len(decoded), start + m.start(), start + m.end())
            pos = m.end()
        for t in range(pos, len(raw)):
            self.chars.put(start + t, start + t + 1, True)
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._close_pending(self._pos())
        if tag in self.dropped and tag not in _VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self._close_pending(self._pos())

    def handle_endtag(self, tag: str) -> None:
        self._close_pending(self._pos())
        if tag in self.dropped and tag not in _VOID and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        self._close_pending(self._pos())
        if not self.depth:
            self.pending = (self._pos(), data)

    def _other(self, *_: object) -> None:
        self._close_pending(self._pos())

    handle_comment = handle_decl = handle_pi = unknown_decl = _other

    def finish(self) -> tuple[str, _CharMap]:
        self.close()
        self._close_pending(len(self.markup))
        return "".join(self.text), self.chars


_VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "area", "base", "col", "embed", "source"})


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for part in text.split("\n\n"):
        spans.append((pos, pos + len(part)))
        pos += len(part) + 2
    return spans


def html_map(markup: str, analysed: str) -> RunMap:
    """Map the HTML reader's analysed text onto ``markup``."""
    from mtcheck.readers.html import DROPPED

    parser = _DataStream(markup, DROPPED)
    parser.feed(markup)
    stream, stream_chars = parser.finish()
    chars = _CharMap()
    _align(analysed, 0, len(analysed), stream, 0, len(stream), chars)
    return chars.runs(stream_chars)


# --- Markdown ------------------------------------------------------------------------------------
def markdown_map(source: str, analysed: str) -> RunMap:
    """Map the Markdown reader's analysed text onto ``source``, one block at a time."""
    from mtcheck.readers.markdown import read_blocks

    line_starts = [0] + [m.end() for m in re.finditer("\n", source)] + [len(source)]
    top = len(line_starts) - 1
    blocks = [
        (line_starts[min(first, top)], line_starts[min(last, top)])
        for first, last in read_blocks(source).lines()
    ]
    paragraphs = _paragraph_spans(analysed)
    chars = _CharMap()
    if len(blocks) != len(paragraphs):  # the reader changed under us: align against the whole file
        blocks = [(0, len(source))] * len(paragraphs)
    cursor = 0
    for index, ((a_lo, a_hi), (s_lo, s_hi)) in enumerate(zip(paragraphs, blocks, strict=True)):
        if index:
            # The blank line between paragraphs: the file's whitespace right after the last one.
            k = cursor
            while k < len(source) and source[k].isspace():
                k += 1
            chars.block(2, cursor, k)
            cursor = k
        cursor = _align(analysed, a_lo, a_hi, source, max(s_lo, cursor), max(s_hi, cursor), chars)
    return chars.runs()


# --- the object documents carry ------------------------------------------------------------------
@dataclass
class Origin:
    """The original text of a document, its format, and (lazily) the map from the analysed text."""

    raw: str  # the decoded file: BOM removed, line ends and Unicode as they were
    format: str  # text | markdown | html
    analysed: str

    @cached_property
    def map(self) -> RunMap:
        lf, line_runs = line_end_map(self.raw)
        decoded, to_raw = lf, line_runs
        if unicodedata.is_normalized("NFC", self.analysed):
            # The reader normalised to NFC (or there was nothing to normalise): map through that too.
            decoded, nfc_runs = nfc_map(lf)
            to_raw = nfc_runs.compose(line_runs)
        if self.format == "html":
            inner = html_map(decoded, self.analysed)
        elif self.format == "markdown":
            inner = markdown_map(decoded, self.analysed)
        elif decoded == self.analysed:
            inner = RunMap.identity(len(decoded))
        else:  # a reader step we do not know about: align character by character
            chars = _CharMap()
            _align(self.analysed, 0, len(self.analysed), decoded, 0, len(decoded), chars)
            inner = chars.runs()
        return inner.compose(to_raw)

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [m.end() for m in _LINE_END.finditer(self.raw)]

    def offset(self, analysed_offset: int) -> int:
        """Original offset of an analysed offset (the start of the character there)."""
        return self.map.start_of(analysed_offset)

    def line_col(self, analysed_offset: int) -> tuple[int, int]:
        """1-based line and column (code points) in the original file of an analysed offset."""
        return self.raw_line_col(self.offset(analysed_offset))

    def end_line_col(self, analysed_end: int) -> tuple[int, int]:
        """Line and column just past the analysed character before ``analysed_end`` (exclusive end)."""
        if analysed_end <= 0:
            return self.line_col(0)
        return self.raw_line_col(self.map.end_of(analysed_end - 1))

    def raw_line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1


def origin_for(raw: str, fmt: str, analysed: str) -> Origin | None:
    """An Origin when the analysed text differs from the file, else None (offsets are the file's)."""
    if fmt == "text" and raw == analysed:
        return None
    return Origin(raw, fmt, analysed)
