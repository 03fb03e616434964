"""Batch readers: JSONL contract, folders with companions, RSS and Atom feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtcheck.errors import InputFileError
from mtcheck.readers.feeds import kind_of, read_batch, read_feed, read_folder, read_jsonl

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>http://example.invalid/</link>
<item><title>Ministers meet in Brussels</title><guid>story-1</guid>
<description><![CDATA[<p>the ministers met on <b>Tuesday</b>.</p><script>alert(1)</script>
<p>They agreed.</p>]]></description>
</item>
<item><title>Empty one</title><guid>story-2</guid><description></description></item>
<item><title>Plain</title><guid>story-3</guid><description>Just plain text here.</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:feed</id><updated>2024-01-10T00:00:00Z</updated>
<entry><title>Storm warning</title><id>urn:story:9</id><updated>2024-01-10T00:00:00Z</updated>
<content type="html">&lt;p&gt;Heavy rain is expected.&lt;/p&gt;
&lt;!-- mtcheck: disable=MT201 --&gt;&lt;p&gt;the roads may flood.&lt;/p&gt;</content>
</entry></feed>
"""


def test_rss_entries_go_through_the_html_reader(tmp_path: Path):
    feed = tmp_path / "wire.rss"
    feed.write_text(RSS, encoding="utf-8")
    articles, errors = read_feed(str(feed))
    assert [a.id for a in articles] == ["story-1", "story-3"]
    assert articles[0].text == "Ministers meet in Brussels\n\nthe ministers met on Tuesday.\n\nThey agreed."
    assert "alert" not in articles[0].text
    assert articles[1].text.endswith("Just plain text here.")
    assert [(e.id, e.line) for e in errors] == [("story-2", 2)]


def test_atom_content_keeps_suppression_comments(tmp_path: Path):
    feed = tmp_path / "wire.xml"
    feed.write_text(ATOM, encoding="utf-8")
    assert kind_of(str(feed)) == "feed"
    (article,), errors = read_batch(str(feed))
    assert errors == []
    assert article.id == "urn:story:9"
    assert article.text == "Storm warning\n\nHeavy rain is expected.\n\nthe roads may flood."
    start = article.text.index("the roads")
    assert any(lo <= start < hi and codes == frozenset({"MT201"}) for lo, hi, codes in article.suppressions)


def test_feed_without_entries_is_an_error(tmp_path: Path):
    bad = tmp_path / "bad.rss"
    bad.write_text("<rss><channel><title>x</title></channel></rss>", encoding="utf-8")
    with pytest.raises(InputFileError, match="no entries"):
        read_feed(str(bad))


def test_jsonl_contract_fields(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    rows = [
        {
            "id": "a",
            "mt": "The text.\r\nMore.",
            "reference": "A re-translation.",
            "source": "Texto.",
            "src_lang": "es",
        },
        {"id": "b", "mt": "Only MT.", "url": "https://example.invalid/b"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    (a, b), errors = read_jsonl(str(path))
    assert errors == []
    assert (a.id, a.text, a.reference, a.source, a.src_lang) == (
        "a",
        "The text.\nMore.",
        "A re-translation.",
        "Texto.",
        "es",
    )
    assert (b.reference, b.source, b.src_lang) == (None, None, None)


def test_jsonl_bad_lines_named_by_line_and_id(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "ok", "mt": "Fine."}\n{"id": "empty", "mt": "   "}\n[1]\n'
        '{"id": "x", "mt": "Fine.", "src_lang": 3}\n',
        encoding="utf-8",
    )
    articles, errors = read_jsonl(str(path))
    assert [a.id for a in articles] == ["ok"]
    assert [(e.id, e.line) for e in errors] == [("empty", 2), ("in.jsonl:3", 3), ("x", 4)]


def test_folder_matches_companions_by_name(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.en.txt").write_text("MT a.", encoding="utf-8")
    (tmp_path / "a.ref.txt").write_text("Ref a.", encoding="utf-8")
    (tmp_path / "a.src.es.txt").write_text("Fuente a.", encoding="utf-8")
    (tmp_path / "sub" / "b.html").write_text("<p>MT b.</p>", encoding="utf-8")
    (tmp_path / "sub" / "b.ref.txt").write_text("Ref b.", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"bad \xc3\x28 bytes")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("ignored", encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    articles, errors = read_folder(tmp_path)
    by_id = {a.id: a for a in articles}
    assert sorted(by_id) == ["a.en.txt", "sub/b.html"]
    assert (by_id["a.en.txt"].reference, by_id["a.en.txt"].source, by_id["a.en.txt"].src_lang) == (
        "Ref a.",
        "Fuente a.",
        "es",
    )
    assert by_id["sub/b.html"].text == "MT b." and by_id["sub/b.html"].reference == "Ref b."
    assert [e.id for e in errors] == ["c.txt"]


def test_empty_folder_is_an_error(tmp_path: Path):
    with pytest.raises(InputFileError, match="no articles"):
        read_folder(tmp_path)
