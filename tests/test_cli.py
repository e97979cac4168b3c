"""CLI contracts that need no NLP: help texts, documentation, listings and exports over a hand-built database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from faultlines.cli import cli
from faultlines.resolve import resolve_new
from faultlines.store import Store
from tests.factories import DIYALA, report

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix}{name} ")
        else:
            out.append(f"{prefix}{name}")
    return out


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_documented_and_has_an_example(command):
    assert f"faultlines {command}" in README, f"README does not show `faultlines {command}`"
    parts = command.split()
    cmd: click.Command = cli
    for p in parts:
        cmd = cmd.commands[p]  # type: ignore[attr-defined]
    assert "Example:" in (cmd.help or ""), f"`faultlines {command} --help` has no example"


@pytest.fixture()
def db(tmp_path):
    from faultlines.model import Count

    path = tmp_path / "cli.db"
    with Store(path) as s:
        for ex in (report("a.txt", "Militiamen attacked a mosque near Baquba, killing over 40.", killed=Count(41, None)),
                   report("b.txt", "Up to 75 people died in the Diyala mosque raid.", place=DIYALA,
                          killed=Count(64, 75), outlet="Other Paper")):
            s.add_document(ex.document)
            resolve_new(s, s.save_extraction(ex))
    return str(path)


def test_listings_in_every_format(db):
    r = CliRunner().invoke(cli, ["incidents", "--db", db])
    assert r.exit_code == 0 and "Attack" in r.output and "41-75" in r.output
    r = CliRunner().invoke(cli, ["incidents", "--db", db, "--format", "json"])
    [inc] = json.loads(r.output)
    assert inc["killed"] == {"low": 41, "high": 75} and inc["disputed"] == ["killed"]
    r = CliRunner().invoke(cli, ["actors", "--db", db, "--format", "csv"])
    names = {row["name"] for row in csv.DictReader(io.StringIO(r.output))}
    assert {"Shia militias", "Iran"} <= names
    for cmd in ("documents", "stats", "failures", "summary"):
        r = CliRunner().invoke(cli, [cmd, "--db", db])
        assert r.exit_code == 0, r.output


def test_ties_name_sponsors_with_their_sources(db):
    r = CliRunner().invoke(cli, ["ties", "--db", db, "shia-militias", "--format", "json"])
    assert r.exit_code == 0, r.output
    ties = json.loads(r.output)
    assert [(t["tie"], t["actor"], t["documents"]) for t in ties] == [("sponsors", "Iran", 2)]
    r = CliRunner().invoke(cli, ["ties", "--db", db, "iran", "--format", "json"])
    assert [(t["tie"], t["actor"]) for t in json.loads(r.output)] == [("supported", "Shia militias")]
    assert CliRunner().invoke(cli, ["ties", "--db", db, "nobody"]).exit_code == 1


def test_incident_show_lists_sources_side_by_side_and_reasons(db):
    inc = json.loads(CliRunner().invoke(cli, ["incidents", "--db", db, "--format", "json"]).output)[0]
    r = CliRunner().invoke(cli, ["incident", "show", "--db", db, inc["id"]])
    assert r.exit_code == 0
    assert "a.txt" in r.output and "b.txt" in r.output and "merged because" in r.output
    r = CliRunner().invoke(cli, ["incident", "show", "--db", db, "inc-nope"])
    assert r.exit_code == 1 and "no incident" in r.output


def test_exports(db, tmp_path):
    out = tmp_path / "x"
    r = CliRunner().invoke(cli, ["export", "--db", db, "--format", "jsonl", "--out", str(out)])
    assert r.exit_code == 0, r.output
    for name in ("incidents", "actors", "relations", "claims", "documents"):
        assert (out / f"{name}.jsonl").exists()
    inc = json.loads((out / "incidents.jsonl").read_text().splitlines()[0])
    assert set(inc) >= {"id", "event_type", "sub_event_type", "date", "location", "actors", "killed", "injured",
                        "disputed", "sources"}
    assert {"document", "quote", "start", "end", "killed"} <= set(inc["sources"][0])
    doc = json.loads((out / "documents.jsonl").read_text().splitlines()[0])
    assert "clean_text" in doc and "document" in doc
    rel = json.loads((out / "relations.jsonl").read_text().splitlines()[0])
    assert rel["relation"] == "supports" and rel["sources"]
    r = CliRunner().invoke(cli, ["export", "--db", db, "--format", "csv", "--out", str(tmp_path / "i.csv")])
    rows = list(csv.DictReader(open(tmp_path / "i.csv")))
    assert rows[0]["event_date"] == "2014-08-22" and rows[0]["fatalities"] == "41"
    assert (rows[0]["iso"], rows[0]["country"], rows[0]["admin1"]) == ("368", "Iraq", "Diyala")  # as ACLED fills them
    assert rows[0]["geo_precision"] in ("1", "2", "3") and rows[0]["time_precision"] in ("1", "2", "3")
    assert rows[0]["inter1"] == "4" and rows[0]["inter2"] == "7"  # identity militia against civilians
    r = CliRunner().invoke(cli, ["export", "--db", db, "--format", "geojson", "--out", str(tmp_path / "i.geojson")])
    fc = json.loads((tmp_path / "i.geojson").read_text())
    assert fc["type"] == "FeatureCollection" and fc["features"][0]["geometry"]["type"] == "Point"
    for fmt in ("gexf", "graphml"):
        r = CliRunner().invoke(cli, ["export", "--db", db, "--format", fmt, "--out", str(tmp_path / f"n.{fmt}")])
        assert r.exit_code == 0 and "Shia militias" in (tmp_path / f"n.{fmt}").read_text()
    r = CliRunner().invoke(cli, ["export", "--db", db, "--format", "parquet", "--out", str(tmp_path / "pq")])
    assert r.exit_code == 0 and (tmp_path / "pq" / "incidents.parquet").exists()


def test_corrections_from_the_cli(db):
    inc = json.loads(CliRunner().invoke(cli, ["incidents", "--db", db, "--format", "json"]).output)[0]
    r = CliRunner().invoke(cli, ["incident", "split", "--db", db, inc["id"], "--source", "b.txt"])
    assert r.exit_code == 0 and len(r.output.split()) == 2
    ids = r.output.split()
    r = CliRunner().invoke(cli, ["incident", "merge", "--db", db, ids[0], ids[1]])
    assert r.exit_code == 0
    merged = r.output.strip()
    r = CliRunner().invoke(cli, ["incident", "edit", "--db", db, merged, "killed_low=30", "sub_event_type=Armed clash"])
    assert r.exit_code == 0
    [inc] = json.loads(CliRunner().invoke(cli, ["incidents", "--db", db, "--format", "json"]).output)
    assert inc["killed"]["low"] == 30 and inc["sub_event_type"] == "Armed clash" and inc["corrected"]
    r = CliRunner().invoke(cli, ["incident", "edit", "--db", db, merged, "nonsense=1"])
    assert r.exit_code == 1 and "cannot be edited" in r.output


def test_missing_database_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(cli, ["incidents", "--db", str(tmp_path / "none.db")])
    assert r.exit_code != 0 and "no database" in r.output
