"""`faultlines extract`: one well-formed line per input line, offsets that index the input text exactly."""

from __future__ import annotations

import json

from click.testing import CliRunner

from faultlines.cli import cli

KEYS = {"id", "places", "actors", "events", "relations", "claims"}


def test_extract_contract(tmp_path):
    text = ("BAGHDAD - Gunmen killed at least 12 people at a market in Baquba, Diyala province, on Friday, police "
            "said. Iran backs several militias in the province.")
    html = ("<html><head><title>Blast</title></head><body><nav>Home | World</nav><article><p>A car bomb killed "
            "nine people in Mosul on Tuesday, officials said. The Islamic State claimed the attack.</p></article>"
            "<footer>Share on Facebook</footer></body></html>")
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "a", "text": text, "published": "2015-06-07"}),
        json.dumps({"id": "b", "html": html, "published": "2016-03-10"}),
        "{not json",
        json.dumps({"id": "d", "text": "   "}),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(cli, ["extract", "--in", str(src), "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = {row["id"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert len(rows) == 4 and all(KEYS <= set(row) for row in rows.values())
    a = rows["a"]
    for p in a["places"]:
        assert text[p["start"]:p["end"]] == p["text"]
    for m in a["actors"]:
        assert text[m["start"]:m["end"]] == m["text"]
    [ev] = [e for e in a["events"] if e["killed"]["low"] == 12]
    assert text[ev["start"]:ev["end"]] == ev["quote"]
    assert ev["date"]["start"] == "2015-06-05" and ev["location"]["admin1"] == "Diyala"
    b = rows["b"]
    assert "Home | World" not in b["text"] and "Share on Facebook" not in b["text"]
    for p in b["places"]:
        assert b["text"][p["start"]:p["end"]] == p["text"]
    assert any(e["killed"]["low"] == 9 for e in b["events"])
    assert rows["d"]["error"] and not rows["d"]["events"]
    assert any("error" in row for rid, row in rows.items() if rid not in ("a", "b", "d"))
