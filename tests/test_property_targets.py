"""Things an event struck (buildings, vehicles, infrastructure) are kept as property targets, not as actors."""

from faultlines.export.contract import event_dict
from faultlines.store import Store, queries


def test_a_bombed_substation_is_a_property_target(extract):
    ex = extract("Rebels bombed an electric power substation outside the capital on Tuesday.")
    [event] = [e for e in ex.events if e.is_event]
    assert [t.text for t in event.property_targets] == ["electric power substation"]
    assert event.targets == ()  # no actor was struck
    target = event_dict(ex.document, event)["targets"][0]
    assert target["actor"] is None and target["actor_type"] == "property"
    text = ex.document.raw_text
    assert text[target["start"]:target["end"]] == "electric power substation"


def test_conjoined_things_are_separate_and_actors_are_not_things(extract):
    ex = extract("Rioters burned three buses and a bank branch in the city centre.")
    things = [t.text for e in ex.events for t in e.property_targets]
    assert things == ["buses", "bank branch"]
    people = extract("Gunmen attacked a wedding party in the village, killing six guests.")
    assert all(not e.property_targets for e in people.events)


def test_arrests_and_protests_strike_nothing(extract):
    ex = extract("Police arrested five men at the market. Hundreds protested outside the ministry building.")
    assert [e for e in ex.events if e.property_targets] == []


def test_property_targets_are_stored_and_shown_with_the_sources(extract, tmp_path):
    ex = extract("Insurgents dynamited the oil pipeline near Kirkuk on 3 May 2016.", published=__import__("datetime").date(2016, 5, 4))
    store = Store(tmp_path / "p.db")
    store.add_document(ex.document)
    store.save_extraction(ex)
    from faultlines.resolve import resolve_all

    resolve_all(store)
    [inc] = queries.list_incidents(store.conn, with_sources=True)
    assert inc["sources"][0]["property_targets"] == ["oil pipeline"]
    store.close()
