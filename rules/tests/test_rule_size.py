"""A rule the DSL accepts always runs as one SQL query, on every SQLite since 3.32: at most
500 conditions and 10,000 list items, each refused at validation instead of failing in SQL."""

import contextlib
import datetime as dt
import sqlite3

import pytest
from django.db import connection
from django.utils import timezone

from library.models import Track
from rules.dsl import RuleValidationError, evaluate, parse_rule
from rules.dsl.fields import FIELDS, FieldType, lookup_field
from rules.dsl.operators import OPERATORS, fits
from rules.dsl.parse import MAX_CONDITIONS, MAX_VALUES
from rules.facts import load_facts
from rules.preview import preview_rule
from rules.query import compile_rule

from . import builders as b

pytestmark = pytest.mark.django_db

# SQLite's limits as every build since 3.32 has them (Debian's allows 250,000 values)
PORTABLE_LIMITS = {
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 32_766,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 1000,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 500,
}
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def errors_of(data) -> list[tuple[str, str]]:
    with pytest.raises(RuleValidationError) as caught:
        parse_rule(data)
    return [(e.path, e.message) for e in caught.value.errors]


def lists(count: int, size: int) -> dict:
    return {"any": [{"in": {"year": list(range(i, i + size))}} for i in range(count)]}


def test_a_rule_compares_with_at_most_10000_values_in_all_its_lists():
    parse_rule(lists(10, 1000))

    assert errors_of(lists(300, 1000)) == [
        ("", "a rule may compare with at most 10,000 values in all its lists; this one has 300,000")
    ]


def test_a_preview_of_300_lists_of_1000_values_is_refused_not_a_server_error(owner_api):
    # was SQLite's "too many SQL variables", a 500
    response = owner_api.post(
        "/api/rules/preview/", {"definition": lists(300, 1000)}, format="json"
    )

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["path"] == "definition"
    assert error["message"].startswith("a rule may compare with at most 10,000 values")


@pytest.fixture
def portable_sqlite():
    """Lower this connection's limits to the portable ones for the test."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = {limit: raw.getlimit(limit) for limit in PORTABLE_LIMITS}
    for limit, value in PORTABLE_LIMITS.items():
        raw.setlimit(limit, min(value, before[limit]))
    yield
    for limit, value in before.items():
        raw.setlimit(limit, value)


def deep(count: int) -> dict:
    """`count` conditions over 20 nested groups, the deepest first in each (SQLite nests
    `a AND b AND c` as ((a AND b) AND c): the first is the deepest)."""
    per_level = count // 20
    node: dict = {"any": [{"notInTheRange": {"dateadded": ["2024-01-01", "2024-02-01"]}}]}
    node["any"] += [{"isNot": {"year": i}} for i in range(per_level - 1)]
    for level in range(19):
        siblings = [{"isNot": {"year": i}} for i in range(per_level)]
        node = {("all", "any")[level % 2]: [node, *siblings]}
    return node


def mixed_lists() -> dict:
    numbers = [list(range(i * 1000, (i + 1) * 1000)) for i in range(5)]
    words = [[f"k{j}" for j in range(i * 1000, (i + 1) * 1000)] for i in range(4)]
    return {
        "any": [
            *({"in": {"audio.bpm": items}} for items in numbers),
            *({"in": {"audio.key": items}} for items in words),
            {"in": {"title": [f"Song {j}" for j in range(1000, 2000)]}},
        ]
    }


AT_THE_CAPS = {
    # one UNION ALL of 500 SELECTs
    "500 conditions on related rows in one any": {
        "any": [{"contains": {"artist": f"x{i}"}} for i in range(MAX_CONDITIONS)]
    },
    "500 conditions 20 groups deep": deep(MAX_CONDITIONS),
    # an `in` on PROVIDER.KEY was an OR per item: 500 items were 1,000 levels deep
    "10,000 values in lists": mixed_lists(),
}


@pytest.mark.parametrize("definition", AT_THE_CAPS.values(), ids=list(AT_THE_CAPS))
def test_a_rule_at_the_caps_runs_within_sqlites_portable_limits(owner, definition, portable_sqlite):
    tracks = [
        b.track(owner, "Song 7", artists=["x499"], enrichments={"audio": {"bpm": 4999}}),
        b.track(owner, "Song 8", artists=["x0"], enrichments={"audio": {"key": "k3999"}}),
        b.track(owner, "Other", album_=b.album("A", year=3), saved_at=None),
    ]
    rule = parse_rule(definition)

    count, page = preview_rule(owner, rule).page(0, 10)

    facts = load_facts(Track.objects.filter(pk__in=[t.pk for t in tracks]), owner)
    expected = [f["id"] for f in facts if evaluate(rule, f, timezone.now())]
    assert sorted(t.pk for t in page) == expected
    assert count == len(expected) == 2  # not "Other"


def value_for(field, op: str, how: str):
    """A value of `op` on `field`; `how` picks which of its forms (each compiles apart)."""
    t = field.type
    if op in ("isMissing", "isPresent"):
        return True
    if op in ("inTheLast", "notInTheLast"):
        return 30
    if op in ("matches", "notMatches"):  # 8 LIKE prefilters, the most it makes
        return "(ab|cd|ef|gh|jl|mn|pq|rt)" if how == "a" else "^(ab|cd|ef|gh|jl|mn|pq|rt)x"
    samples = {
        FieldType.TEXT: "ab",
        FieldType.ENUM: field.choices[0] if field.choices else "",
        FieldType.BOOL: True,
        FieldType.INT: 50,
        FieldType.NUMBER: 1.5,
        FieldType.DATE: "2024-01-31",
        FieldType.DATETIME: "2024-01-31" if how == "a" else "2024-01-31T10:00:00Z",
        FieldType.DYNAMIC: {"a": 5, "b": "ab", "c": True}[how],
    }
    one = samples[t]
    if op in ("inTheRange", "notInTheRange"):
        return [1, 2] if t is FieldType.DYNAMIC else [one, one]
    return one


def list_for(field, per_type: int) -> list:
    """`per_type` different items of each kind the field takes (all three for PROVIDER.KEY)."""
    if field.type is FieldType.DYNAMIC:
        return [*range(per_type), *(f"w{i}" for i in range(per_type)), True, False][: 3 * per_type]
    if field.type is FieldType.ENUM:
        return list(field.choices[:per_type])
    if field.type is FieldType.TEXT:
        return [f"w{i}" for i in range(per_type)]
    return (
        [40 + i for i in range(per_type)]
        if field.type is FieldType.INT
        else [0.5 + i for i in range(per_type)]
    )


def bound_values(definition: dict) -> int:
    rule = parse_rule(definition)
    tracks = compile_rule(rule, 1, exclude_playlist_id=7, now=NOW, seed=1)
    return len(tracks.query.sql_with_params()[1])


NARROWING = {"is": {"title": "x"}}  # runs first, so PROVIDER.KEY tests go per track


def cost(condition: dict) -> int:
    """The values one more condition binds, alone or after a narrowing sibling."""
    alone = bound_values({"all": [condition]}) - bound_values({"all": []})
    after = bound_values({"all": [NARROWING, condition]}) - bound_values({"all": [NARROWING]})
    return max(alone, after)


def test_the_largest_rule_binds_fewer_values_than_sqlite_takes():
    """Every condition's values, measured: MAX_CONDITIONS of the costliest plus MAX_VALUES
    list items at the costliest per item still fit in SQLite's 32,766."""
    fields = [*FIELDS.values(), lookup_field("audio.bpm")]
    per_condition, per_item = [], []
    for field in (f for f in fields if f.type is not FieldType.PLAYLIST):
        for op in (o for o in OPERATORS if fits(o, field.type) and "Playlist" not in o):
            if op in ("in", "notIn"):
                one, three = list_for(field, 1), list_for(field, 3)
                cost_one, cost_three = (
                    cost({op: {field.name: one}}),
                    cost({op: {field.name: three}}),
                )
                item = (cost_three - cost_one) / max(1, len(three) - len(one))
                per_item.append(item)
                per_condition.append(cost_one - item * len(one))
                continue
            costs = []
            for how in ("a", "b", "c"):
                with contextlib.suppress(RuleValidationError):  # `gt` takes no text
                    costs.append(cost({op: {field.name: value_for(field, op, how)}}))
            assert costs, (field.name, op)
            per_condition += costs
    per_condition += [
        cost({op: ref})
        for op in ("inPlaylist", "notInPlaylist")
        for ref in ({"id": 3}, {"name": "x"})
    ]
    base = max(
        bound_values({"all": [], "sort": s})
        for s in ("", "random", ",".join(f.name for f in fields if f.sortable))
    )

    largest = base + MAX_CONDITIONS * max(per_condition) + MAX_VALUES * max(per_item)

    assert largest <= PORTABLE_LIMITS[sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER], (
        base,
        max(per_condition),
        max(per_item),
    )


@pytest.mark.django_db
def test_a_rule_saved_under_looser_limits_still_lists_and_previews(owner, owner_api):
    from rules.models import RuleSet

    # valid when it was saved; the backtracking check refuses it now
    old = {"all": [{"matches": {"title": ".*live.*version"}}]}
    Track.objects.create(title="a live version", added_by=owner, source="local")
    saved = RuleSet.objects.create(owner=owner, name="old", definition=old)

    listed = owner_api.get("/api/rules/")
    previewed = owner_api.get(f"/api/rules/{saved.pk}/preview/")
    written = owner_api.post("/api/rules/", {"name": "new", "definition": old}, format="json")

    assert listed.status_code == 200 and listed.json()["results"][0]["name"] == "old"
    assert previewed.status_code == 200 and previewed.json()["count"] == 1
    assert written.status_code == 400  # a new rule meets today's limits
    assert "too many repeats that can overlap" in written.json()["errors"][0]["message"]
