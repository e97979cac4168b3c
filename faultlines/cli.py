"""The ``faultlines`` command line: each command parses arguments, calls one library function, prints the result.

Exit status: 0 success; 1 error (message on stderr); 2 usage error; 3 ingest finished but some inputs failed
(the good ones are stored; the failures are listed and recorded in the database).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from faultlines.config import Settings
from faultlines.errors import FaultlinesError
from faultlines.limits import printable

DEFAULT_DB = "faultlines.db"
db_option = click.option("--db", default=DEFAULT_DB, envvar="FAULTLINES_DB", show_default=True,
                         help="SQLite database file, or a postgresql:// URL (env FAULTLINES_DB).")
fmt_option = click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                          show_default=True, help="Output format.")


def _store(db: str, readonly: bool = True) -> Any:
    from faultlines.store import Store
    from faultlines.store.postgres import is_postgres_url

    if readonly and not is_postgres_url(db) and not Path(db).exists():
        raise click.ClickException(f"no database at {db} (run `faultlines ingest --db {db} FOLDER` first)")
    return Store(db, readonly=readonly)


def _emit(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        from faultlines.export.formats import to_csv

        flat = [{k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in r.items() if k in columns}
                for r in rows]
        click.echo(to_csv(flat, columns), nl=False)
        return
    click.echo(table(rows, columns))


def _cell(v: Any, width: int = 40) -> str:
    if v is None:
        return ""
    if isinstance(v, list | tuple):
        v = ", ".join(str(x) for x in v)
    s = printable(str(v).replace("\n", " "))  # no raw control characters (escape codes) on the terminal
    return s if len(s) <= width else s[: width - 1] + "…"


def table(rows: Iterable[dict[str, Any]], columns: list[str], width: int = 40) -> str:
    """A plain-text table (the CLI's default output)."""
    cells = [[_cell(r.get(c), width) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(out)


class FaultlinesGroup(click.Group):
    """Turns library errors into a clear message and exit status 1 (no stack trace)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FaultlinesError as exc:
            click.echo(f"error [{exc.code}]: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=FaultlinesGroup)
@click.version_option(package_name="faultlines")
def cli() -> None:
    """faultlines: news articles about armed conflict -> sourced incidents, actors, networks and claims.

    \b
    Example:
        faultlines ingest --db conflict.db articles/ --meta articles/manifest.jsonl
        faultlines incidents --db conflict.db
    """


# ---------------------------------------------------------------------------------------------------- ingest
@cli.command()
@db_option
@click.argument("paths", nargs=-1)
@click.option("--meta", "manifest", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON Lines manifest: per-file published/outlet/author/url/title.")
@click.option("--demo", is_flag=True, help="Ingest the bundled demo corpus (with its manifest).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores; 1 = in-process).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option("--address", default=None, help="Ray cluster address (with --engine ray), e.g. ray://host:10001.")
@click.option("--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Extra actor knowledge-base file (YAML or CSV); repeatable.")
@click.option("--max-bytes", type=int, default=None, help="Record files larger than this as too-large.")
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(db: str, paths: tuple[str, ...], manifest: Path | None, demo: bool, workers: int | None, engine: str,
           address: str | None, actor_files: tuple[Path, ...], max_bytes: int | None, as_json: bool,
           quiet: bool) -> None:
    """Read articles (files, folders, - for stdin) into the database, extract and resolve incidents.

    Formats: .txt .md .html/.htm .jsonl .json. Re-running is safe: documents are keyed by content hash.
    Inputs that cannot be read are recorded with a reason and listed; the run goes on (exit status 3).

    \b
    Example:
        faultlines ingest --db conflict.db articles/ --meta articles/manifest.jsonl
    """
    from faultlines.pipeline import ingest as run_ingest

    if demo:
        from faultlines.demo import corpus_dir, manifest_path

        paths = (*paths, str(corpus_dir()))
        manifest = manifest or manifest_path()
    if not paths:
        raise click.UsageError("give at least one file or folder (or --demo)")
    settings = Settings.from_env(workers=workers, engine=engine, ray_address=address,
                                 actor_files=tuple(actor_files) or None, max_bytes=max_bytes)
    bar = None
    if not quiet and not as_json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit="file", desc="ingest", file=sys.stderr)
    try:
        report = run_ingest(list(paths), db, manifest=manifest, settings=settings,
                            progress=(lambda n: bar.update(n)) if bar else None, stdin=sys.stdin)
    finally:
        if bar:
            bar.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(f"{report.stored} stored, {report.duplicates} already stored, {report.resumed} resumed, "
                   f"{report.extracted} extracted, {len(report.failures)} failed, "
                   f"{report.incidents} incidents updated ({report.seconds:.1f}s) -> {db}")
        for f in report.failures:  # names and details as escapes: a file name may hold terminal escape codes
            click.echo(f"  failed: {printable(f.source)}: {f.reason}" + (f" ({printable(f.detail)})" if f.detail else "")
                       + (f" x{f.count}" if f.count > 1 else ""), err=True)
    sys.exit(report.exit_code)


# ---------------------------------------------------------------------------------------------------- watch
_DURATION = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(value: str) -> float:
    """Seconds of "90", "90s", "15m", "2h" or "1d"."""
    v = value.strip().lower()
    unit = _DURATION.get(v[-1:], None)
    number = v[:-1] if unit else v
    try:
        seconds = float(number) * (unit or 1)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a duration like 90s, 15m, 2h or 1d") from None
    if seconds < 1:
        raise click.BadParameter("the interval must be at least one second")
    return seconds


@cli.command()
@db_option
@click.argument("sources", nargs=-1, required=True)
@click.option("--once", is_flag=True, help="One pass, then exit (for cron and tests).")
@click.option("--every", default=None, help="Pass again every DURATION (90s, 15m, 2h) until Ctrl-C.")
@click.option("--alerts", "alerts_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append an alert per new or changed incident to this JSON Lines file.")
@click.option("--rules", "rules_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="YAML rules that filter the alerts (countries, provinces, actors, event_types, min_killed).")
@click.option("--delay", type=float, default=1.0, show_default=True, help="Seconds between requests to one host.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds to wait for a response.")
@click.option("--retries", type=int, default=2, show_default=True, help="Further tries of a timeout or 5xx.")
@click.option("--max-page-bytes", type=int, default=5_000_000, show_default=True, help="Larger responses are refused.")
@click.option("--ignore-robots", is_flag=True, help="Do not read robots.txt (only for servers you run).")
@click.option("--base-url", default="", help="Prefix of the incident links in alerts, e.g. http://127.0.0.1:8000.")
def watch(db: str, sources: tuple[str, ...], once: bool, every: str | None, alerts_file: Path | None,
          rules_file: Path | None, delay: float, timeout: float, retries: int, max_page_bytes: int,
          ignore_robots: bool, base_url: str) -> None:
    """Follow RSS/Atom feeds and article pages: store each new article once, resolve, alert on what changed.

    A SOURCE is a feed URL, an article URL, or a file listing such URLs one a line. Each article is fetched once
    (remembered by URL and by text); feeds are asked with their ETag/Last-Modified; robots.txt and a delay per host
    are respected. A broken, missing or slow source is recorded (see the web UI's Feeds page) and tried again on the
    next pass; the others go on. Killed midway, the next pass goes on where it stopped. With --once the exit
    status is 3 when some source or article failed (as for ingest), else 0.

    \b
    Example:
        faultlines watch --db conflict.db --once --alerts alerts.jsonl feeds.txt
        faultlines watch --db conflict.db --every 15m --rules rules.yaml --alerts alerts.jsonl https://example.org/rss
    """
    import time

    from faultlines.pipeline import Pipeline
    from faultlines.store import Store
    from faultlines.watch import expand_sources, run_pass, write_alerts
    from faultlines.watch.alerts import Rules
    from faultlines.watch.fetch import Fetcher

    if once == bool(every):
        raise click.UsageError("give exactly one of --once and --every DURATION")
    interval = _duration(every) if every else 0.0
    urls = expand_sources(sources)
    rules = Rules.load(rules_file) if rules_file else None
    settings = Settings.from_env(workers=1)
    fetcher = Fetcher(timeout=timeout, delay=delay, retries=retries, max_bytes=max_page_bytes,
                      robots=not ignore_robots)
    pipeline = Pipeline(settings)
    n = 0
    try:
        with Store(db) as store:
            while True:
                n += 1
                started = time.monotonic()
                report = run_pass(store, urls, fetcher=fetcher, settings=settings, pipeline=pipeline, rules=rules)
                if alerts_file:
                    write_alerts(alerts_file, report.alerts, base_url)
                click.echo(f"pass {n} ({time.strftime('%Y-%m-%d %H:%M:%S')}): {report.line()}")
                for url, why in report.failures:
                    click.echo(f"  failed: {printable(url)}: {printable(why)}", err=True)
                if once:
                    if report.failures:
                        sys.exit(3)  # as ingest: some sources or articles failed (recorded), the rest is stored
                    break
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
    except KeyboardInterrupt:
        click.echo(f"stopped after {n} pass(es)", err=True)
    finally:
        fetcher.close()


# ---------------------------------------------------------------------------------------------------- extract
@cli.command()
@click.option("--in", "src", required=True, help="Input JSON Lines ({id, text|html, published?, ...}); - for stdin.")
@click.option("--out", "dst", required=True, help="Output JSON Lines; - for stdout.")
def extract(src: str, dst: str) -> None:
    """Extract places, actors, events, relations and claims per document, without a database.

    One output line per input line (a malformed line gives a line with an "error" key).

    \b
    Example:
        faultlines extract --in articles.jsonl --out extracted.jsonl
    """
    from faultlines.pipeline import extract_records

    def records() -> Iterable[Any]:
        fh = sys.stdin if src == "-" else open(src, encoding="utf-8", errors="replace")  # noqa: SIM115
        with fh if src != "-" else _nullctx(fh):
            for n, line in enumerate(fh):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    yield {"id": f"line-{n + 1}", "__malformed__": True}

    out = sys.stdout if dst == "-" else open(dst, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for rec in extract_records(records(), Settings.from_env()):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if dst != "-":
            out.close()


class _nullctx:
    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __enter__(self) -> Any:
        return self.obj

    def __exit__(self, *a: object) -> None:
        return None


# ---------------------------------------------------------------------------------------------------- export
@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson", "gexf", "graphml", "parquet",
                                                    "framing"]), default="jsonl", show_default=True)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Output folder (or file).")
def export(db: str, fmt: str, out: Path) -> None:
    """Export the database: jsonl (incidents/actors/relations/claims/documents), ACLED-style csv, geojson,
    gexf/graphml (actor network), parquet, framing (outlet x actor table).

    \b
    Example:
        faultlines export --db conflict.db --format jsonl --out export/
        faultlines export --db conflict.db --format csv --out incidents.csv
    """
    from faultlines.export import export as run_export

    with _store(db) as store:
        res = run_export(store, fmt, out)
    click.echo(json.dumps(res))


# ---------------------------------------------------------------------------------------------------- listings
@cli.command()
@db_option
@fmt_option
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--type", "event_type", default=None, help="Event type or sub-event type.")
@click.option("--actor", default=None, help="Actor id or name.")
@click.option("--place", default=None, help="Place or province name.")
@click.option("--outlet", default=None)
@click.option("--since", "date_from", default=None, help="ISO date.")
@click.option("--until", "date_to", default=None, help="ISO date.")
@click.option("--disputed", is_flag=True, help="Only incidents whose sources disagree.")
@click.option("--sort", default="date", show_default=True,
              type=click.Choice(["date", "-date", "killed", "-killed", "sources", "-sources", "type"]))
def incidents(db: str, fmt: str, limit: int, **filters: Any) -> None:
    """List incidents (one real event, however many sources report it).

    \b
    Example:
        faultlines incidents --db conflict.db --type "Violence against civilians" --disputed
    """
    from faultlines.store import queries

    sort = filters.pop("sort")
    with _store(db) as store:
        rows = queries.list_incidents(store.conn, limit=limit, sort=sort, **filters)
    flat = [{"id": r["id"], "date": _date_str(r["date"]), "type": r["sub_event_type"],
             "place": r["location"]["name"], "admin1": r["location"]["admin1"],
             "perpetrators": r["actors"]["perpetrators"], "targets": r["actors"]["targets"],
             "killed": _range_str(r["killed"]), "sources": r["source_count"], "disputed": r["disputed"]}
            for r in rows]
    _emit(rows if fmt == "json" else flat, fmt, ["id", "date", "type", "place", "admin1", "perpetrators", "targets",
                                               "killed", "sources", "disputed"])


def _date_str(d: dict[str, Any]) -> str:
    if not d.get("start"):
        return "unknown"
    if d["precision"] == "day" or d["start"] == d["end"]:
        return str(d["start"])
    return f"{d['start']}..{d['end']} ({d['precision']})"


def _range_str(c: dict[str, Any]) -> str:
    lo, hi = c.get("low"), c.get("high")
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f"{lo}+"
    if lo is None:
        return f"<={hi}"
    return str(lo) if lo == hi else f"{lo}-{hi}"


@cli.group()
def incident() -> None:
    """Show one incident, or correct the resolver (merge, split, edit): corrections survive re-ingestion."""


@incident.command("show")
@db_option
@click.argument("incident_id")
@click.option("--json", "as_json", is_flag=True)
def incident_show(db: str, incident_id: str, as_json: bool) -> None:
    """An incident with every source side by side and the reasons it was merged.

    \b
    Example:
        faultlines incident show --db conflict.db inc-3f2a9c0d1e2b
    """
    from faultlines.errors import NotFound
    from faultlines.store import queries

    with _store(db) as store:
        inc = queries.get_incident(store.conn, incident_id)
    if inc is None:
        raise NotFound(f"no incident {incident_id}")
    if as_json:
        click.echo(json.dumps(inc, indent=2, ensure_ascii=False, default=str))
        return
    loc = inc["location"]
    if inc.get("successor_of"):
        click.echo(f"({inc['successor_of']} was merged into {inc['id']})")
    click.echo(f"{inc['id']}  {inc['event_type']} / {inc['sub_event_type']}")
    click.echo(f"  date:    {_date_str(inc['date'])}")
    click.echo(f"  place:   {loc['name'] or 'unknown'} ({loc['admin1'] or '-'}, {loc['country_code'] or '-'}; "
               f"{loc['precision']})")
    click.echo(f"  actors:  {', '.join(inc['actors']['perpetrators']) or '?'} -> "
               f"{', '.join(inc['actors']['targets']) or '?'}")
    click.echo(f"  killed:  {_range_str(inc['killed']) or 'unknown'}   injured: {_range_str(inc['injured']) or 'unknown'}")
    click.echo(f"  disputed: {', '.join(inc['disputed']) or 'none'}")
    if inc.get("machine"):
        click.echo("  set by an analyst (the resolver's value): " + ", ".join(
            f"{k} ({'none' if v is None else v})" for k, v in inc["machine"].items()))
    click.echo(f"  sources ({len(inc['sources'])}):")
    for s in inc["sources"]:
        click.echo(f"   - {s['document']} [{s['outlet'] or 'unknown outlet'}, {s['published'] or 'undated'}] "
                   f"date {_date_str(s['date'])}, place {s['location']['name'] or '?'}, "
                   f"killed {_range_str(s['killed']) or '?'}")
        click.echo(f"     \"{s['quote']}\" [{s['start']}:{s['end']}]")
        if s.get("coding"):
            click.echo(f"     why: {s['coding']}")
    if inc["reasons"]:
        click.echo("  merged because:")
        for r in inc["reasons"]:
            parts = "; ".join(f"{k} {v['score']} ({v['why']})" for k, v in r["parts"].items())
            click.echo(f"   - {r['a']} + {r['b']}: score {r['score']}: {parts}")


@incident.command("merge")
@db_option
@click.argument("a")
@click.argument("b")
@click.option("--note", default=None)
def incident_merge(db: str, a: str, b: str, note: str | None) -> None:
    """Merge incident B into A (an analyst correction, kept across re-ingestion).

    \b
    Example:
        faultlines incident merge --db conflict.db inc-aaaa inc-bbbb
    """
    from faultlines.resolve.corrections import merge_incidents

    with _store(db, readonly=False) as store:
        click.echo(merge_incidents(store, a, b, note=note))


@incident.command("split")
@db_option
@click.argument("incident_id")
@click.option("--source", "document", required=True, help="Document name (or id) whose report is split off.")
def incident_split(db: str, incident_id: str, document: str) -> None:
    """Split one source's report off an incident into its own incident.

    \b
    Example:
        faultlines incident split --db conflict.db inc-aaaa --source report-3.txt
    """
    from faultlines.resolve.corrections import split_incident

    with _store(db, readonly=False) as store:
        for iid in split_incident(store, incident_id, document):
            click.echo(iid)


@incident.command("edit")
@db_option
@click.argument("incident_id")
@click.argument("assignments", nargs=-1, required=True)
def incident_edit(db: str, incident_id: str, assignments: tuple[str, ...]) -> None:
    """Set incident fields (field=value), e.g. killed_low=12 sub_event_type="Armed clash".

    \b
    Example:
        faultlines incident edit --db conflict.db inc-aaaa killed_low=40 killed_high=75
    """
    from faultlines.resolve.corrections import edit_incident

    with _store(db, readonly=False) as store:
        for a in assignments:
            if "=" not in a:
                raise click.UsageError(f"expected field=value, got {a!r}")
            field, value = a.split("=", 1)
            edit_incident(store, incident_id, field.strip(), value)
    click.echo(incident_id)


@incident.command("history")
@db_option
@click.argument("incident_id")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def incident_history(db: str, incident_id: str, as_json: bool) -> None:
    """Every change of an incident, oldest first, with its time and cause: created, a source joined or left, a value
    changed (from, to, why), merged, split, an analyst's correction or undo.

    \b
    Example:
        faultlines incident history --db conflict.db inc-3f2a9c0d1e2b
    """
    from faultlines.errors import NotFound
    from faultlines.store import queries

    with _store(db) as store:
        current = queries.current_incident_id(store.conn, incident_id)
        if current is None:
            raise NotFound(f"no incident {incident_id}")
        rows = queries.incident_history(store.conn, current)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    if current != incident_id:
        click.echo(f"{incident_id} was merged into {current}")
    for r in rows:
        click.echo(f"{r['at']}  {r['incident']}  {r['kind']}: {_change_str(r['detail'])}  [{r['cause']}]")


def _change_str(d: dict[str, Any]) -> str:
    if "field" in d:
        return f"{d['field']} {d.get('from')!r} -> {d.get('to')!r} ({d.get('why')})"
    parts = []
    for key in ("document", "incident", "source", "kind", "correction", "note"):
        if d.get(key) not in (None, ""):
            parts.append(f"{key} {d[key]}")
    if d.get("sources"):
        parts.append("sources " + ", ".join(d["sources"]))
    return "; ".join(parts)


@incident.command("undo")
@db_option
@click.argument("incident_id")
def incident_undo(db: str, incident_id: str) -> None:
    """Undo the last analyst correction (merge, split or edit) of an incident; prints what was undone.

    \b
    Example:
        faultlines incident undo --db conflict.db inc-aaaa
    """
    from faultlines.resolve.corrections import undo_last

    with _store(db, readonly=False) as store:
        c = undo_last(store, incident_id)
    click.echo(f"undid {c['kind']} #{c['id']} of {c['created_at']}")


@cli.group()
def corrections() -> None:
    """Share analysts' corrections: export them as JSON Lines, import them into another (or a rebuilt) database."""


@corrections.command("export")
@db_option
@click.option("--out", default="-", show_default=True, help="File to write (- for stdout).")
def corrections_export(db: str, out: str) -> None:
    """Every correction, one JSON object per line.

    \b
    Example:
        faultlines corrections export --db conflict.db --out corrections.jsonl
    """
    from faultlines.resolve.corrections import export_corrections

    with _store(db) as store:
        text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in export_corrections(store))
    if out == "-":
        click.echo(text, nl=False)
    else:
        Path(out).write_text(text, encoding="utf-8")


@corrections.command("import")
@db_option
@click.argument("path")
def corrections_import(db: str, path: str) -> None:
    """Apply corrections exported from another database; those whose reports are not here are listed.

    \b
    Example:
        faultlines corrections import --db rebuilt.db corrections.jsonl
    """
    from faultlines.errors import InputError
    from faultlines.resolve.corrections import import_corrections

    rows = []
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{path}:{n}: not JSON: {exc}") from exc
            if not isinstance(row, dict):
                raise InputError(f"{path}:{n}: not a JSON object")
            rows.append(row)
    with _store(db, readonly=False) as store:
        report = import_corrections(store, rows)
    click.echo(f"{report['applied']} applied, {report['already_present']} already present, "
               f"{len(report['not_applied'])} not applied")
    for m in report["not_applied"]:
        docs = ", ".join(m.get("documents") or [])
        click.echo(f"  line {m['line']}: {m.get('kind', '?')}: {m['why']}" + (f" (missing: {docs})" if docs else ""))


@cli.command()
@db_option
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--q", default=None, help="Name or alias contains.")
@click.option("--type", "actor_type", default=None)
@click.option("--unknown", is_flag=True,
              help="Only actors the knowledge base does not know (found in text, known: false), to review and add "
                   "to a user actor file; with --format yaml, as actor records ready to edit.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "yaml"]), default="table",
              show_default=True, help="Output format (yaml: actor-file records).")
def actors(db: str, fmt: str, limit: int, q: str | None, actor_type: str | None, unknown: bool) -> None:
    """List actors with their aliases, type, mentions and incidents; actors found in text that the knowledge base
    does not know are listed apart (known: false).

    \b
    Example:
        faultlines actors --db conflict.db --q militia
        faultlines actors --db conflict.db --unknown --format yaml > my_actors.yaml
    """
    from faultlines.store import queries

    with _store(db) as store:
        rows = queries.list_actors(store.conn, q=q, type=actor_type, limit=limit, known=False if unknown else None)
    for r in rows:
        r["known"] = bool(r.get("known", 1))
    if fmt == "yaml":
        click.echo(actor_file_yaml(rows), nl=False)
        return
    columns = ["id", "name", "type", "country", "part_of", "mentions", "documents", "incidents", "aliases"]
    if fmt != "table" or unknown:
        _emit(rows, fmt, [*columns, "known"] if fmt != "table" else columns)
        return
    known = [r for r in rows if r["known"]]
    new = [r for r in rows if not r["known"]]
    _emit(known, fmt, columns)
    if new:
        click.echo(f"\nnot in the knowledge base (known: false), {len(new)}: review them and add the real ones to a "
                   "user actor file (`faultlines actors --unknown --format yaml`)")
        _emit(new, fmt, ["id", "name", "type", "mentions", "documents", "incidents"])


def actor_file_yaml(rows: list[dict[str, Any]]) -> str:
    """Actor records in the user actor file format (id, name, type, aliases) for an analyst to correct."""
    import yaml

    records = [{"id": r["id"], "name": r["name"], "type": r["type"], "country": r.get("country"),
                "part_of": r.get("part_of"), "aliases": list(r.get("aliases") or [r["name"]])} for r in rows]
    records = [{k: v for k, v in rec.items() if v} for rec in records]
    return yaml.safe_dump(records, allow_unicode=True, sort_keys=False) if records else ""


@cli.command()
@db_option
@fmt_option
@click.argument("actor_id")
def ties(db: str, fmt: str, actor_id: str) -> None:
    """An actor's allies, sponsors, enemies, leaders and members, from every source, strongest first.

    \b
    Example:
        faultlines ties --db conflict.db shia-militias
    """
    from faultlines.errors import NotFound
    from faultlines.store import queries

    with _store(db) as store:
        if queries.get_actor(store.conn, actor_id) is None:
            raise NotFound(f"no actor {actor_id} (see `faultlines actors`)")
        ties_ = queries.actor_ties(store.conn, actor_id)
    rows = [{"tie": role, **t} for role, items in ties_.items() for t in items]
    _emit(rows, fmt, ["tie", "actor", "actor_id", "relation", "documents", "outlets", "first_seen", "last_seen"])


@cli.command()
@db_option
@fmt_option
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--outlet", default=None)
def documents(db: str, fmt: str, limit: int, outlet: str | None) -> None:
    """List stored documents.

    \b
    Example:
        faultlines documents --db conflict.db --format csv
    """
    from faultlines.store import queries

    with _store(db) as store:
        rows = queries.list_documents(store.conn, outlet=outlet, limit=limit)
    _emit(rows, fmt, ["name", "outlet", "published", "published_precision", "source_format", "status", "chars",
                      "events", "id"])


@cli.command()
@db_option
@fmt_option
def failures(db: str, fmt: str) -> None:
    """List inputs that could not be ingested, with the reason.

    \b
    Example:
        faultlines failures --db conflict.db
    """
    from faultlines.store import queries

    with _store(db) as store:
        rows = queries.list_failures(store.conn)
    _emit(rows, fmt, ["run_id", "source", "stage", "reason", "count", "detail", "recorded_at"])


@cli.command()
@db_option
@fmt_option
def stats(db: str, fmt: str) -> None:
    """Counts: documents, incidents, actors, relations, claims, failures.

    \b
    Example:
        faultlines stats --db conflict.db --format json
    """
    from faultlines.store import queries

    with _store(db) as store:
        s = queries.stats(store.conn)
    if fmt == "json":
        click.echo(json.dumps(s, indent=2))
        return
    rows = [{"what": k, "value": json.dumps(v) if isinstance(v, dict) else v} for k, v in s.items()]
    _emit(rows, fmt, ["what", "value"])


@cli.command()
@db_option
@click.option("--limit", type=int, default=30, show_default=True)
def summary(db: str, limit: int) -> None:
    """A readable summary: counts, a table of incidents, and how to explore further.

    \b
    Example:
        faultlines summary --db demo.db
    """
    from faultlines.store import queries

    with _store(db) as store:
        s = queries.stats(store.conn)
        rows = queries.list_incidents(store.conn, limit=limit, sort="date")
    click.echo(f"\n{s['documents']} documents from {s['outlets']} outlets -> {s['incidents']} incidents "
               f"({s['multi_source_incidents']} reported by several sources, {s['disputed_incidents']} disputed), "
               f"{s['actors']} actors, {s['relations']} relations, {s['claims']} causal claims, "
               f"{s['ingest_failures']} inputs refused.\n")
    flat = [{"date": _date_str(r["date"]), "type": r["sub_event_type"], "place": r["location"]["name"],
             "perpetrators": r["actors"]["perpetrators"], "targets": r["actors"]["targets"],
             "killed": _range_str(r["killed"]), "src": r["source_count"], "disputed": r["disputed"], "id": r["id"]}
            for r in rows]
    click.echo(table(flat, ["date", "type", "place", "perpetrators", "targets", "killed", "src", "disputed", "id"],
                     width=32))
    click.echo(f"\nExplore: faultlines incident show --db {db} ID | faultlines actors --db {db} | "
               f"faultlines export --db {db} --format csv --out incidents.csv | faultlines serve --db {db}")


@cli.command()
@db_option
def resolve(db: str) -> None:
    """Re-resolve every incident from scratch (corrections are re-applied). Normally ingest does this incrementally.

    \b
    Example:
        faultlines resolve --db conflict.db
    """
    from faultlines.resolve import resolve_all

    with _store(db, readonly=False) as store:
        click.echo(f"{resolve_all(store, Settings.from_env())} incidents")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--allow-edits", is_flag=True, help="Open the database read-write for analyst corrections.")
@click.option("--token", default=None, envvar="FAULTLINES_TOKEN", help="Edit token (default: a random one).")
def serve(db: str, host: str, port: int, allow_edits: bool, token: str | None) -> None:
    """Serve the web UI and JSON API (read-only unless --allow-edits).

    \b
    Example:
        faultlines serve --db demo.db --port 8000
    """
    from faultlines.serve import run
    from faultlines.store.postgres import is_postgres_url

    if is_postgres_url(db):
        raise click.ClickException("the web server reads SQLite files only; export from PostgreSQL instead")
    if not Path(db).exists():
        raise click.ClickException(f"no database at {db}")
    click.echo(f"faultlines: serving {db} at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    run(db, host=host, port=port, allow_edits=allow_edits, token=token,
        on_token=lambda t: click.echo(f"edit token: {t}", err=True))


def main() -> None:
    cli(prog_name="faultlines")


if __name__ == "__main__":
    main()
