"""rules.EnrichmentValue follows every write to enrichments, through the database's triggers.

What the rows should be is derived here in Python from the data, the way the evaluator
reads it (rules.dsl.facts), and compared with what the triggers stored, on SQLite and on
PostgreSQL.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from library.models import TrackEnrichment
from library.tests.factories import EnrichmentFactory, TrackFactory
from rules.dsl.facts import is_number, is_present
from rules.dsl.semantics import fold
from rules.models import EnrichmentValue

from .builders import rolled_back

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def expected(track_id: int, provider: str, data: Any) -> set[tuple]:
    """The rows one enrichment should have: its present scalars and its genres."""
    if not isinstance(data, dict):
        return set()
    rows = set()
    for key, value in data.items():
        if isinstance(value, bool):
            rows.add((track_id, provider, key, "b", int(value), None, None))
        elif is_number(value):
            rows.add((track_id, provider, key, "n", _number(value), None, None))
        elif isinstance(value, str) and is_present(value):
            rows.add((track_id, provider, key, "s", None, value, fold(value)))
    genres = data.get("genres")
    for item in genres if isinstance(genres, list) else []:
        if isinstance(item, str) and item:
            rows.add((track_id, provider, "genres", "g", None, item, fold(item)))
    return rows


def _number(value):
    """A number as both databases compare it with a rule's: exactly below 2**53, as a
    double beyond (SQLite stores an integral double as an integer, PostgreSQL's jsonb
    drops a number's exponent, and both compare with a float parameter as doubles)."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    return float(value) if value is not None and abs(value) >= 2**53 else value


def stored(**filters) -> set[tuple]:
    rows = EnrichmentValue.objects.filter(**filters).values_list(
        "track_id", "provider", "key", "kind", "number", "text", "folded"
    )
    return {(t, p, k, kind, _number(n), text, f) for t, p, k, kind, n, text, f in rows}


def test_an_enrichment_is_stored_as_typed_rows_and_its_genres():
    data = {"bpm": 124, "energy": 0.8, "key": "Ré", "live": False, "genres": ["House", "", 5]}
    data |= {"blank": "", "nothing": None, "nested": {"bpm": 1}, "list": [1, 2]}
    made = EnrichmentFactory(provider="audio", data=data)

    assert stored() == {
        (made.track_id, "audio", "bpm", "n", 124, None, None),
        (made.track_id, "audio", "energy", "n", 0.8, None, None),
        (made.track_id, "audio", "key", "s", None, "Ré", "ré"),
        (made.track_id, "audio", "live", "b", 0, None, None),
        (made.track_id, "audio", "genres", "g", None, "House", "house"),
    }


def test_every_way_of_writing_an_enrichment_keeps_the_rows_in_step():
    track, other = TrackFactory(), TrackFactory()
    made = EnrichmentFactory(track=track, provider="audio", data={"bpm": 100})

    made.data = {"bpm": 120, "key": "A"}
    made.save()
    assert stored() == expected(track.pk, "audio", made.data)

    TrackEnrichment.objects.filter(pk=made.pk).update(data={"genres": ["Techno"]})
    assert stored() == expected(track.pk, "audio", {"genres": ["Techno"]})

    TrackEnrichment.objects.filter(pk=made.pk).update(provider="user", track=other)
    assert stored() == expected(other.pk, "user", {"genres": ["Techno"]})

    TrackEnrichment.objects.bulk_create(
        [TrackEnrichment(track=track, provider="musicbrainz", data={"bpm": 90}, fetched_at=WHEN)]
    )
    assert stored(track=track) == expected(track.pk, "musicbrainz", {"bpm": 90})

    made.delete()
    assert stored(track=other) == set()
    track.delete()  # Django deletes its enrichments; the triggers their rows
    assert stored() == set()


def test_data_that_is_not_an_object_has_no_values():
    for data in ([1, 2], "house", 5, True):  # (None is SQL NULL, which data refuses)
        EnrichmentFactory(provider="audio", data=data)
    assert stored() == set()


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_no_values_behind():
    EnrichmentFactory(data={"bpm": 1})
    call_command("flush", interactive=False, verbosity=0)
    assert not EnrichmentValue.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_enrichments_stored_before_it():
    call_command("migrate", "rules", "0003", verbosity=0)  # the triggers are gone
    try:
        made = EnrichmentFactory(provider="audio", data={"bpm": 99, "genres": ["Ambient"]})
        assert stored() == set()
    finally:
        call_command("migrate", "rules", verbosity=0)
    assert stored() == expected(made.track_id, "audio", made.data)
    made.delete()
    assert stored() == set()


# any character but NUL, which neither database keeps inside JSON text
text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=6)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)
keys = st.sampled_from(["bpm", "key", "genres", "Énergie", "a.b", ""]) | text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.dictionaries(keys, json_values, max_size=5)
    | json_values.filter(lambda v: v is not None),
    second=st.dictionaries(keys, json_values, max_size=5),
)
def test_the_rows_are_what_the_evaluator_reads_for_any_data(first, second):
    with rolled_back():
        track = TrackFactory()
        made = TrackEnrichment.objects.create(
            track=track, provider="audio", data=first, fetched_at=WHEN
        )
        assert stored() == expected(track.pk, "audio", first)
        made.data = second
        made.save()
        assert stored() == expected(track.pk, "audio", second)


@pytest.mark.django_db(transaction=True)
def test_a_backup_without_the_index_rebuilds_it_when_loaded(tmp_path):
    made = EnrichmentFactory(provider="audio", data={"bpm": 120, "genres": ["House"]})
    dump = tmp_path / "library.json"
    call_command("dumpdata", "library", exclude=["rules.EnrichmentValue"], output=str(dump))
    call_command("flush", interactive=False, verbosity=0)
    assert stored() == set()

    call_command("loaddata", str(dump), verbosity=0)
    assert stored() == expected(made.track_id, "audio", made.data)
