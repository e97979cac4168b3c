"""The HTML pages in-process: what each shows, evidence marked in context, and an empty database."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient
from test_web_data import TEXT_A, build_db, build_empty

from faultlines.serve.app import create_app
from faultlines.serve.highlight import Span, highlight, mark_in_context

PAGES = ["/", "/map", "/timeline", "/incidents", "/actors", "/network", "/causal-map", "/documents", "/outlets",
         "/api/docs"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "pages.db"
    return str(path), build_db(path)


@pytest.fixture(scope="module")
def client(db):
    return TestClient(create_app(db[0]))


def test_every_page_renders_on_an_empty_database(tmp_path):
    build_empty(tmp_path / "empty.db")
    c = TestClient(create_app(str(tmp_path / "empty.db")))
    for path in PAGES:
        resp = c.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["content-type"].startswith("text/html")
    assert "This database is empty" in c.get("/").text
    assert "No incidents." in c.get("/incidents").text


def test_overview_counts_and_recent(client):
    html = client.get("/").text
    assert re.search(r'<div class="big">3</div><div class="muted">incidents</div>', html)
    assert "/incidents/inc-raqqa-strike" in html and "Tigris Daily" in html


def test_incident_page_marks_evidence_in_context_and_disputes(client, db):
    _, ids = db
    html = client.get("/incidents/inc-baghdad-market").text
    assert html.count('<article class="source">') == 2
    assert "<mark>A car bomb went off at a busy market in Baghdad on Tuesday, killing 12 people.</mark>" in html
    assert '<tr class="disputed"><th>Killed</th>' in html
    assert '<tr class="disputed"><th>Date</th>' not in html
    assert f'href="/documents/{ids["documents"]["a"]}#ev-{ids["events"]["a"][0]}"' in html
    assert 'href="/actors/isis">Islamic State</a>' in html
    assert "same day, same city, same type" in html


def test_incident_list_filters_and_paging(client):
    html = client.get("/incidents?country=SY").text
    assert "/incidents/inc-raqqa-strike" in html and "/incidents/inc-baghdad-market" not in html
    paged = client.get("/incidents?limit=1&sort=date").text
    assert "1–1 of 3" in paged and "offset=1" in paged
    assert client.get("/incidents?limit=9999").status_code == 400


def test_document_page_highlights_what_was_extracted(client, db):
    _, ids = db
    html = client.get(f"/documents/{ids['documents']['a']}").text
    assert re.search(r'<a class="hl-actor[^"]*" href="/actors/isis" title="actor: Islamic State">Islamic State</a>',
                     html)
    assert re.search(r'class="hl-event hl-place" title="place: Baghdad, Baghdad, IQ[^"]*">Baghdad</span>', html)
    assert 'class="hl-event hl-time"' in html
    assert f'id="ev-{ids["events"]["a"][0]}"' in html
    raw = client.get(f"/documents/{ids['documents']['a']}/raw")
    assert raw.text == TEXT_A


def test_actor_page(client):
    html = client.get("/actors/isis").text
    assert "<h1>Islamic State</h1>" in html and "Daesh" in html
    assert '<span class="rel rel-fights">fights</span>' in html
    assert "<h3>Tigris Daily</h3>" in html and "<h3>Euphrates Wire</h3>" in html
    assert "“Islamic State militants” <span class=\"muted\">×1</span>" in html
    army = client.get("/actors/iraq-army").text
    assert 'href="/actors/iraq">Government of Iraq</a>' in army


def test_outlets_page_compares_framing(client):
    html = client.get("/outlets").text
    assert re.search(r"<th>Tigris Daily</th>", html) and re.search(r"<th>Euphrates Wire</th>", html)
    assert '<span class="tone neg">-0.50</span>' in html and '<span class="tone neg">-0.30</span>' in html


def test_map_and_graph_pages_load_only_local_scripts(client):
    for path in ("/map", "/network", "/causal-map", "/timeline"):
        html = client.get(path).text
        srcs = re.findall(r'<script src="([^"]+)"', html)
        assert srcs and all(s.startswith("/static/") for s in srcs), path
        for s in srcs:
            if "/vendor/" not in s or client.app.state.has_vendor:
                assert client.get(s).status_code == 200, s


def test_highlight_splits_overlapping_spans_and_escapes():
    text = "Ab <c> de"
    out = highlight(text, [Span(0, 9, "event", anchor="ev-1"), Span(3, 6, "actor", "x\"y", href="/actors/c"),
                           Span(7, 20, "place")])  # the last one is out of range and dropped
    assert out == ('<span class="anchor" id="ev-1"></span><span class="hl-event" title="">Ab </span>'
                   '<a class="hl-actor hl-event" href="/actors/c" title="x&#34;y">&lt;c&gt;</a>'
                   '<span class="hl-event" title=""> de</span>')


def test_mark_in_context_takes_the_paragraph():
    text = "First para.\nSecond <b> para has the quote here. And more.\nThird."
    s = text.index("the quote")
    out = mark_in_context(text, s, s + len("the quote"))
    assert out == "Second &lt;b&gt; para has <mark>the quote</mark> here. And more."
    assert mark_in_context(text, None, None) == "" and mark_in_context(text, 5, 500) == ""
