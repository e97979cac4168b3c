"""Alerts of a watch pass: one record per new incident and per changed one (toll rose, a new source, a new or
disputed perpetrator), read from the incident history the resolver writes, and filtered by the analyst's rules.

Rules (YAML; every key optional; a record must pass every key given, and any one value of a key):

    countries: [IQ, SY]            # ISO 3166-1 alpha-2 codes
    provinces: [Diyala, Nineveh]   # first-level divisions (admin1), case-blind
    actors: [isis, Wagner Group]   # actor ids or names, among perpetrators or targets
    event_types: [Explosions/Remote violence, Suicide bomb]   # ACLED event or sub-event types
    min_killed: 5                  # at least this many killed (the high figure)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from faultlines.errors import FaultlinesError

RULE_KEYS = ("countries", "provinces", "actors", "event_types", "min_killed")
TOLL_FIELDS = ("killed_low", "killed_high", "injured_low", "injured_high")


@dataclass(frozen=True)
class Rules:
    countries: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    event_types: frozenset[str] = frozenset()
    min_killed: int | None = None

    @classmethod
    def load(cls, path: str | Path) -> Rules:
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise FaultlinesError(f"cannot read the rules file {path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise FaultlinesError(f"{path}: the rules must be a mapping of {', '.join(RULE_KEYS)}")
        unknown = sorted(set(map(str, raw)) - set(RULE_KEYS))
        if unknown:
            raise FaultlinesError(f"{path}: unknown rule key(s) {', '.join(unknown)} (known: {', '.join(RULE_KEYS)})")

        def values(key: str) -> frozenset[str]:
            v = raw.get(key) or []
            return frozenset(str(x).strip().lower() for x in (v if isinstance(v, list) else [v]) if str(x).strip())

        min_killed = raw.get("min_killed")
        if min_killed is not None and (not isinstance(min_killed, int) or isinstance(min_killed, bool)):
            raise FaultlinesError(f"{path}: min_killed must be a whole number")
        return cls(values("countries"), values("provinces"), values("actors"), values("event_types"), min_killed)

    def keep(self, incident: dict[str, Any]) -> bool:
        loc = incident.get("location") or {}
        if self.countries and str(loc.get("country_code") or "").lower() not in self.countries:
            return False
        if self.provinces and str(loc.get("admin1") or "").lower() not in self.provinces:
            return False
        if self.event_types and not {str(incident.get("event_type") or "").lower(),
                                     str(incident.get("sub_event_type") or "").lower()} & self.event_types:
            return False
        actors = incident.get("actors") or {}
        names = {str(a).lower() for a in [*actors.get("perpetrators", []), *actors.get("targets", [])]}
        names |= {str(a).lower() for a in incident.get("actor_ids", [])}
        if self.actors and not names & self.actors:
            return False
        killed = (incident.get("killed") or {}).get("high")
        return self.min_killed is None or (killed is not None and killed >= self.min_killed)


@dataclass
class Alert:
    kind: str  # new | changed
    incident: dict[str, Any]
    changes: list[dict[str, Any]] = field(default_factory=list)

    def row(self, at: str, base_url: str = "") -> dict[str, Any]:
        inc = self.incident
        return {"alert": self.kind, "at": at, "incident_id": inc["id"], "link": f"{base_url}/incidents/{inc['id']}",
                "what": [c["what"] for c in self.changes], "changes": self.changes,
                "incident": {k: inc.get(k) for k in ("event_type", "sub_event_type", "date", "location", "actors",
                                                     "killed", "injured", "disputed", "source_count", "independent_sources",
                                                     "outlets")}}


def alerts(history: list[dict[str, Any]], incident: Any, rules: Rules | None = None) -> list[Alert]:
    """Alerts from history entries (``Store.history_since``); ``incident(id)`` gives an incident as the API does
    (None when it is gone)."""
    by_incident: dict[str, list[dict[str, Any]]] = {}
    for h in history:
        by_incident.setdefault(h["incident"], []).append(h)
    out: list[Alert] = []
    for inc_id, entries in by_incident.items():
        inc = incident(inc_id)
        if inc is None or inc.get("id") != inc_id:
            continue  # merged away: its successor has entries of its own
        kinds = {h["kind"] for h in entries}
        changes: list[dict[str, Any]] = []
        for h in entries:
            d = h["detail"]
            if h["kind"] == "source joined":
                changes.append({"what": "new source", "document": d.get("document")})
            elif h["kind"] == "changed" and d.get("field") in TOLL_FIELDS:
                rose = _num(d.get("to")) > _num(d.get("from"))
                changes.append({"what": "toll rose" if rose else "toll changed", "field": d["field"],
                                "from": d.get("from"), "to": d.get("to"), "why": d.get("why")})
            elif h["kind"] == "changed" and d.get("field") == "perpetrators":
                changes.append({"what": "perpetrator changed", "from": d.get("from"), "to": d.get("to"),
                                "why": d.get("why")})
            elif h["kind"] == "changed":
                changes.append({"what": f"{d.get('field')} changed", "from": d.get("from"), "to": d.get("to")})
        if "perpetrators" in (inc.get("disputed") or []) and (changes or "created" in kinds):
            changes.append({"what": "perpetrator disputed", "perpetrators": (inc.get("actors") or {}).get(
                "perpetrators", [])})
        if "created" in kinds:
            alert = Alert("new", inc, [c for c in changes if c["what"] == "perpetrator disputed"])
        elif changes:
            alert = Alert("changed", inc, changes)
        else:
            continue
        if rules is None or rules.keep(inc):
            out.append(alert)
    return out


def _num(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else -1.0


__all__ = ["Alert", "RULE_KEYS", "Rules", "alerts"]
