"""Hypothesis: the SQL compiler selects and orders exactly what the Python evaluator does.

Random small libraries are written to the database (one savepoint per example, rolled
back), random rules drawn over values those libraries hold, and the compiled queryset's ids
(sorted and limited) compared with `sort_and_limit` over `evaluate` on facts loaded from the
same rows. The rule's own target playlist is in every library and must never count.
"""

import datetime as dt
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from library.models import Track
from rules import preview as preview_module
from rules.dsl import evaluate, parse_rule, sort_and_limit
from rules.facts import load_facts
from rules.preview import preview_rule
from rules.query import compile_rule, limited
from rules.query.ordering import year_walk

from . import builders as b

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 2, 10, tzinfo=dt.UTC)
TEXTS = ["ab", "AB c", "Rós", "RÓS x", "Æon", "æon", "50%", "x_y", "Über", "über", "Σοφία", "a\\b"]
TEXTS += ["\u212aelvin", "\u0130stanbul"]  # the two letters beyond ASCII that fold into it: K, İ
NEEDLES = ["a", "B", "ós", "ÓS", "æ", "%", "_", "x_", "über", "ΣΟΦ", "\\", "on"]
NEEDLES += ["k", "i", "lv", "nc"]
NAMES = ["Daft Punk", "daft punk", "Sigur Rós", "ÆON", ""]
INSTANTS = [
    dt.datetime(2024, 1, 30, 12, tzinfo=dt.UTC),
    dt.datetime(2024, 1, 31, tzinfo=dt.UTC),
    dt.datetime(2024, 1, 31, 23, 59, 59, tzinfo=dt.UTC),
    dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
    dt.datetime(2024, 2, 9, 18, tzinfo=dt.UTC),
]
DAYS = ["2024-01-31", "2024-02-01", "2024-01-31T12:00:00Z", "2024-02-01T00:00:00Z"]
JSON_VALUES = [0, 1, 1.5, 120, 120.0, -3, "120", "fast", "FAST", "", True, False, None, [1], {}]
PATTERNS = [
    "^a",
    "b$",
    "r.s",
    "\\d",
    "x|y",
    "[ae]on",
    "^$",
    "o.?n",
]  # ASCII: the engines agree there

maybe = st.none().__or__


def examples(n: int):
    """Hypothesis settings for tests that write a library per example."""
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@st.composite
def track_specs(draw):
    return {
        "title": draw(st.sampled_from([*TEXTS, ""])),
        "artists": draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True)),
        "album": draw(maybe(st.integers(0, 2))),
        "duration_ms": draw(maybe(st.sampled_from([1500, 215000, 215500]))),
        "explicit": draw(st.booleans()),
        "popularity": draw(maybe(st.sampled_from([0, 50, 100]))),
        "isrc": draw(st.sampled_from(["", "USX", "usx1"])),
        "source": draw(st.sampled_from(["spotify", "upload", "local"])),
        "status": draw(st.sampled_from(["new", "approved"])),
        "audio_file": draw(st.sampled_from(["", "tracks/a.mp3"])),
        "saved_at": draw(maybe(st.sampled_from(INSTANTS))),
        "created_at": draw(st.sampled_from(INSTANTS)),
        "tags": draw(st.lists(st.sampled_from(["Party", "chill", "Ça"]), max_size=2, unique=True)),
        "enrichments": draw(
            st.dictionaries(
                st.sampled_from(["audio", "musicbrainz"]),
                st.dictionaries(
                    st.sampled_from(["bpm", "key", "genres"]),
                    st.sampled_from(JSON_VALUES)
                    | st.lists(st.sampled_from(["House", "house", "", 5, "Ambient"]), max_size=3),
                ),
                max_size=2,
            )
        ),
        "playlists": draw(st.lists(st.sampled_from([0, 1, 2]), max_size=3)),
        "entry_at": draw(maybe(st.sampled_from(INSTANTS))),
        "mine": draw(st.booleans()),
    }


ALBUMS = [
    ("Discovery", ["Daft Punk"], 1999, dt.date(1999, 12, 31)),
    ("Ágætis byrjun", ["Sigur Rós", "ÆON"], 2001, None),
    ("", [], None, dt.date(2000, 1, 1)),
]
PLAYLISTS = ["Road Trip", "road trip", "Target"]  # index 2 is the rule's own target


def build(owner, stranger, specs) -> int:
    """Write the library; returns the target playlist's id."""
    albums = [b.album(n, a, year=y, release_date=d) for n, a, y, d in ALBUMS]
    playlists = [b.playlist(owner, name) for name in PLAYLISTS]
    theirs = b.playlist(stranger, "Road Trip")
    for spec in specs:
        one = b.track(
            owner if spec["mine"] else stranger,
            spec["title"],
            artists=spec["artists"],
            album_=albums[spec["album"]] if spec["album"] is not None else None,
            saved_at=spec["saved_at"],
            tags=spec["tags"],
            enrichments=spec["enrichments"],
            source=spec["source"],
            **{k: spec[k] for k in ("duration_ms", "explicit", "popularity", "isrc", "status")},
            audio_file=spec["audio_file"],
        )
        Track.objects.filter(pk=one.pk).update(created_at=spec["created_at"])
        for index in spec["playlists"]:
            b.add_to(playlists[index], one, added_at=spec["entry_at"])
        b.add_to(theirs, one)
    return playlists[2].pk


TEXT_FIELDS = ["title", "artist", "albumartist", "album", "genre", "isrc", "status", "tag"]
TEXT_OPS = ["is", "isNot", "contains", "notContains", "startsWith", "endsWith"]
DYNAMIC = ["audio.bpm", "audio.key", "musicbrainz.genres", "musicbrainz.bpm"]


@st.composite
def conditions(draw):
    kind = draw(st.sampled_from(["text", "number", "bool", "date", "dynamic", "misc"]))
    if kind == "text":
        field = draw(st.sampled_from(TEXT_FIELDS))
        op = draw(st.sampled_from([*TEXT_OPS, "matches", "notMatches", "in", "notIn"]))
        op = draw(st.sampled_from([op, "isMissing", "isPresent"]))
        if op in ("matches", "notMatches"):
            return {op: {field: draw(st.sampled_from(PATTERNS))}}
        if op in ("in", "notIn"):
            return {op: {field: draw(st.lists(st.sampled_from(NEEDLES + TEXTS), min_size=1))}}
        if op in ("isMissing", "isPresent"):
            return {op: {field: True}}
        return {op: {field: draw(st.sampled_from(NEEDLES + TEXTS))}}
    if kind == "number":
        field = draw(st.sampled_from(["year", "duration", "popularity"]))
        values = {"year": [1999, 2000, 2001], "duration": [1.5, 215, 215.5], "popularity": [0, 50]}
        value = st.sampled_from(values[field])
        op = draw(st.sampled_from(["is", "isNot", "gt", "gte", "lt", "lte", "in", "inTheRange"]))
        op = draw(st.sampled_from([op, "notInTheRange"]))
        if op == "in":
            return {op: {field: draw(st.lists(value, min_size=1, max_size=2))}}
        if op in ("inTheRange", "notInTheRange"):
            return {op: {field: sorted(draw(st.lists(value, min_size=2, max_size=2)))}}
        return {op: {field: draw(value)}}
    if kind == "bool":
        field = draw(st.sampled_from(["explicit", "liked", "hasaudio"]))
        return {draw(st.sampled_from(["is", "isNot"])): {field: draw(st.booleans())}}
    if kind == "date":
        field = draw(st.sampled_from(["likedat", "dateadded", "releasedate"]))
        op = draw(st.sampled_from(["is", "before", "after", "gte", "lte", "inTheRange"]))
        op = draw(st.sampled_from([op, "inTheLast", "notInTheLast", "isMissing", "notInTheRange"]))
        days = ["1999-12-31", "2000-01-01"] if field == "releasedate" else DAYS
        if op in ("inTheLast", "notInTheLast"):
            return {op: {field: draw(st.sampled_from([1, 10, 11, 9000]))}}
        if op == "isMissing":
            return {op: {field: True}}
        if op in ("inTheRange", "notInTheRange"):
            low = draw(st.sampled_from(days[:2]))
            return {op: {field: [low, days[1]]}}
        return {op: {field: draw(st.sampled_from(days))}}
    if kind == "dynamic":
        field = draw(st.sampled_from(DYNAMIC))
        op = draw(st.sampled_from(["is", "isNot", "gt", "lte", "in", "contains", "isPresent"]))
        op = draw(st.sampled_from([op, "notInTheRange", "notMatches"]))
        if op in ("gt", "lte"):
            return {op: {field: draw(st.sampled_from([1, 1.5, 100, 120]))}}
        if op == "notInTheRange":
            return {
                op: {
                    field: sorted(
                        draw(st.lists(st.sampled_from([1, 1.5, 120]), min_size=2, max_size=2))
                    )
                }
            }
        if op == "notMatches":
            return {op: {field: draw(st.sampled_from(PATTERNS))}}
        if op == "contains":
            return {op: {field: draw(st.sampled_from(["a", "FA", "12"]))}}
        if op == "isPresent":
            return {op: {field: True}}
        scalars = st.sampled_from([120, 1.5, 0, "fast", "120", True, False])
        if op == "in":
            return {op: {field: draw(st.lists(scalars, min_size=1, max_size=3))}}
        return {op: {field: draw(scalars)}}
    op = draw(st.sampled_from(["inPlaylist", "notInPlaylist", "is", "isNot"]))
    if op.endswith("Playlist"):
        return {
            op: draw(
                st.sampled_from([{"name": "ROAD TRIP"}, {"name": "Target"}, {"id": 0}, {"id": 2}])
            )
        }
    return {op: {"source": draw(st.sampled_from(["spotify", "local"]))}}


def groups(depth: int = 0):
    children = conditions() if depth >= 1 else conditions() | st.deferred(lambda: groups(1))
    return st.builds(
        lambda kind, kids: {kind: kids},
        st.sampled_from(["all", "any"]),
        st.lists(children, min_size=1, max_size=3),
    )


SORTABLE = ["title", "artist", "albumartist", "album", "year", "releasedate", "duration"]
SORTABLE += ["explicit", "popularity", "isrc", "source", "liked", "likedat", "dateadded"]
SORTABLE += ["hasaudio", "status", "audio.bpm", "musicbrainz.bpm", "audio.key", "audio.genres"]
sorts = st.lists(st.sampled_from(SORTABLE), max_size=3, unique=True).flatmap(
    lambda keys: st.tuples(*(st.sampled_from([k, "-" + k]) for k in keys)).map(",".join)
)


def _resolve_ids(node, playlist_ids):
    """Playlist ids are only known once written: {"id": i} names the i-th playlist."""
    if isinstance(node, dict):
        if set(node) == {"id"}:
            return {"id": playlist_ids[node["id"]]}
        return {k: _resolve_ids(v, playlist_ids) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve_ids(v, playlist_ids) for v in node]
    return node


@examples(80)
@given(
    specs=st.lists(track_specs(), max_size=7),
    root=groups(),
    sort=sorts,
    limit=maybe(st.integers(1, 4)),
    walking=st.booleans(),
)
def test_sql_selects_and_orders_what_the_evaluator_does(
    owner, stranger, specs, root, sort, limit, walking
):
    """Either way of running the rule's sets: found once, or asked per track (`walking`)."""
    with b.rolled_back():
        target = build(owner, stranger, specs)
        playlists = sorted(owner.playlists.values_list("pk", flat=True))
        definition = {**_resolve_ids(root, playlists), "sort": sort, "limit": limit}
        rule = parse_rule(definition)
        tracks = compile_rule(rule, owner, exclude_playlist_id=target, now=NOW, walking=walking)
        got = list(limited(tracks, rule).values_list("pk", flat=True))

        library = compile_rule(parse_rule({"all": []}), owner, exclude_playlist_id=target)
        facts = load_facts(library, owner, exclude_playlist_id=target)
        chosen = [f for f in facts if evaluate(rule, f, NOW)]
        expected = [f["id"] for f in sort_and_limit(rule, chosen)]
        assert got == expected, (definition, facts)


def spec(title: str, **changes) -> dict:
    """A track spec with plain defaults, for the fixed library below."""
    base = {
        "title": title,
        "artists": [],
        "album": None,
        "duration_ms": None,
        "explicit": False,
        "popularity": None,
        "isrc": "",
        "source": "spotify",
        "status": "new",
        "audio_file": "",
        "saved_at": None,
        "created_at": INSTANTS[0],
        "tags": [],
        "enrichments": {},
        "playlists": [],
        "entry_at": None,
        "mine": True,
    }
    return {**base, **changes}


# Every edge the contract names: empty and missing text, non-ASCII case pairs, LIKE
# wildcards, numbers that are strings, booleans that are not numbers, date boundaries.
FIXED = [
    spec("", isrc="USX", saved_at=INSTANTS[1], popularity=0),
    spec("AB c", artists=["Daft Punk", ""], album=0, duration_ms=215000, explicit=True),
    spec("Rós", artists=["", "Sigur Rós"], album=1, saved_at=INSTANTS[2], tags=["Party"]),
    spec("ÆON", album=2, duration_ms=1500, popularity=100, audio_file="tracks/a.mp3"),
    spec("50%", isrc="usx1", source="upload", status="approved", playlists=[0], entry_at=None),
    spec("x_y", playlists=[1, 2], entry_at=INSTANTS[3], created_at=INSTANTS[4]),
    spec("über", enrichments={"audio": {"bpm": 120, "key": "FAST"}}, saved_at=INSTANTS[3]),
    spec("Über", enrichments={"audio": {"bpm": "120", "key": True}, "musicbrainz": {"bpm": 1.5}}),
    spec("Σοφία", enrichments={"musicbrainz": {"genres": ["House", "", 5]}}, tags=["Ça"]),
    spec("a\\b", enrichments={"audio": {"bpm": None, "genres": "house"}}, playlists=[2]),
    spec("theirs", mine=False, playlists=[], tags=["Party"]),
    # the two letters beyond ASCII that fold into ASCII: K (Kelvin sign) and İ
    spec("\u212aelvin", artists=["\u0130stanbul"], tags=["\u0130stanbul"]),
    # stored JSON escapes non-ASCII (\u00c9): the cheap text look must not miss these
    spec(
        "Électro",
        enrichments={"musicbrainz": {"genres": ["Électro", "\u212aelvin"]}, "audio": {"key": "Ré"}},
    ),
]
SINGLE = {
    "text": (
        TEXT_FIELDS,
        [*TEXT_OPS, "in"],
        ["a", "ós", "ÓS", "æon", "%", "_", "\\", "house", "électro", "k", "i", "lv", "nc"],
    ),
    "matches": (TEXT_FIELDS, ["matches", "notMatches"], PATTERNS),
    "number": (["year", "duration", "popularity"], ["is", "isNot", "gt", "lte"], [0, 1.5, 2000]),
    "dynamic": (
        DYNAMIC,
        ["is", "isNot", "gte", "contains", "startsWith"],
        [120, 1.5, "fast", "120", True, "ré"],
    ),
    "date": (["likedat", "dateadded", "releasedate"], ["is", "after", "before", "lte"], DAYS),
}


# Enrichment tests after a narrowing sibling run per track (EXISTS), alone as one set (IN):
# both ways must agree.
NARROWED = [
    {"all": [{"contains": {"title": "ü"}}, {"contains": {"genre": "house"}}]},
    {"all": [{"is": {"tag": "party"}}, {"notContains": {"genre": "a"}}]},
    {"all": [{"inTheRange": {"year": [1999, 2001]}}, {"any": [{"gt": {"audio.bpm": 100}}]}]},
    {"all": [{"startsWith": {"title": "é"}}, {"is": {"audio.key": "RÉ"}}]},
    {"all": [{"contains": {"artist": "o"}}, {"isMissing": {"musicbrainz.bpm": True}}]},
]


def single_conditions() -> list[dict]:
    found = []
    for fields, ops, values in SINGLE.values():
        for field in fields:
            found += [{op: {field: True}} for op in ("isPresent", "isMissing")]
            for op in ops:
                found += [{op: {field: [v] if op == "in" else v}} for v in values]
    found += [{op: {f: v}} for op in ("is", "isNot") for f in ("explicit", "liked", "hasaudio")
              for v in (True, False)]  # fmt: skip
    found += [{op: {"source": "upload"}} for op in ("is", "isNot")]
    return found + EXTRA


EXTRA = [
    {"notIn": {"artist": ["daft punk", "SIGUR RÓS"]}},
    {"inTheRange": {"year": [1999, 2000]}},
    {"inTheRange": {"duration": [1.5, 215]}},
    {"inTheRange": {"audio.bpm": [100, 120]}},
    {"notInTheRange": {"year": [1999, 2000]}},
    {"notInTheRange": {"duration": [1.5, 215]}},
    {"notInTheRange": {"audio.bpm": [100, 120]}},
    {"notInTheRange": {"releasedate": ["1999-12-31", "2000-01-01"]}},
    {"notInTheRange": {"likedat": ["2024-01-31", "2024-01-31"]}},
    {"notInTheRange": {"dateadded": ["2024-01-31T00:00:00Z", "2024-02-01T00:00:00Z"]}},
    {"notMatches": {"audio.key": "^f"}},
    {"notMatches": {"musicbrainz.genres": "^h"}},
    {"inTheRange": {"releasedate": ["1999-12-31", "2000-01-01"]}},
    {"inTheRange": {"likedat": ["2024-01-31", "2024-01-31"]}},
    {"inTheRange": {"dateadded": ["2024-01-31T00:00:00Z", "2024-02-01T00:00:00Z"]}},
    {"in": {"audio.key": ["fast", True, 120]}},
    {"notIn": {"audio.bpm": [120, "120"]}},
    {"gt": {"releasedate": "1999-12-31"}},
    {"gte": {"likedat": "2024-02-01"}},
    *(
        {op: {f: n}}
        for op in ("inTheLast", "notInTheLast")
        for f in ("likedat", "dateadded")
        for n in (1, 10, 11)
    ),  # fmt: skip
    {"inTheLast": {"releasedate": 9000}},
    *(
        {op: ref}
        for op in ("inPlaylist", "notInPlaylist")
        for ref in ({"name": "ROAD TRIP"}, {"name": "target"}, {"id": 0}, {"id": 2})
    ),  # fmt: skip
]


@pytest.mark.parametrize("walking", [False, True], ids=["sets", "per-track"])
def test_every_single_condition_selects_what_the_evaluator_does(owner, stranger, walking):
    target = build(owner, stranger, FIXED)
    library = compile_rule(parse_rule({"all": []}), owner, exclude_playlist_id=target)
    facts = load_facts(library, owner, exclude_playlist_id=target)
    wrong = []
    playlists = sorted(owner.playlists.values_list("pk", flat=True))
    for condition in [*single_conditions(), *NARROWED]:
        condition = _resolve_ids(condition, playlists)
        try:
            rule = parse_rule(condition if set(condition) == {"all"} else {"all": [condition]})
        except ValueError:
            continue  # the value does not fit the field (e.g. text for a number)
        tracks = compile_rule(rule, owner, exclude_playlist_id=target, now=NOW, walking=walking)
        got = list(tracks.values_list("pk", flat=True))
        expected = [f["id"] for f in facts if evaluate(rule, f, NOW)]
        if got != expected:
            wrong.append((condition, got, expected))
    assert not wrong


@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_key_orders_as_the_evaluator_does(owner, stranger, descending):
    target = build(owner, stranger, FIXED)
    library = compile_rule(parse_rule({"all": []}), owner, exclude_playlist_id=target)
    facts = load_facts(library, owner, exclude_playlist_id=target)
    wrong = []
    for key in SORTABLE:
        rule = parse_rule({"all": [], "sort": ("-" if descending else "") + key})
        got = list(
            compile_rule(rule, owner, exclude_playlist_id=target).values_list("pk", flat=True)
        )
        expected = [f["id"] for f in sort_and_limit(rule, facts)]
        if got != expected:
            wrong.append((key, got, expected))
    assert not wrong


@examples(60)
@given(
    specs=st.lists(track_specs(), max_size=7),
    root=groups(),
    sort=st.sampled_from(["", "dateadded", "-dateadded,title", "-title", "random"]) | sorts,
    limit=maybe(st.integers(1, 4)),
    leave_target_out=st.booleans(),
    offset=st.integers(0, 3),
    size=st.integers(1, 3),
)
def test_preview_pages_hold_what_the_evaluator_selects_however_they_are_read(
    owner, stranger, specs, root, sort, limit, leave_target_out, offset, size
):
    """A page and its count, read from an index in order (no sort, `dateadded` first) or
    with the count as a window function, are the evaluator's slice and length."""
    with b.rolled_back():
        target = build(owner, stranger, specs)
        exclude = target if leave_target_out else None
        playlists = sorted(owner.playlists.values_list("pk", flat=True))
        definition = {**_resolve_ids(root, playlists), "sort": sort or None, "limit": limit}
        rule = parse_rule({k: v for k, v in definition.items() if v is not None})
        preview = preview_rule(owner, rule, exclude_playlist_id=exclude, seed=7)
        count, page = preview.page(offset, size)

        library = compile_rule(parse_rule({"all": []}), owner, exclude_playlist_id=exclude)
        facts = load_facts(library, owner, exclude_playlist_id=exclude)
        chosen = [f for f in facts if evaluate(rule, f, preview.now)]
        if sort == "random":  # the order is the SQL's own; the selection is the evaluator's
            ordered = list(preview.ordered.values_list("pk", flat=True))
            assert sorted(ordered) == sorted(f["id"] for f in chosen)
            expected = ordered[: rule.limit]
        else:
            expected = [f["id"] for f in sort_and_limit(rule, chosen)]
        assert count == len(expected)
        assert [t.pk for t in page] == expected[offset : offset + size], definition


YEAR_TESTS = [
    {"inTheRange": {"year": [1999, 2001]}},
    {"gte": {"year": 2000}},
    {"is": {"year": 1999}},
    {"isPresent": {"year": True}},
]


@examples(60)
@given(
    specs=st.lists(track_specs(), max_size=7),
    year=st.sampled_from(YEAR_TESTS),
    rest=st.lists(conditions() | groups(1), max_size=2),
    sort=st.tuples(st.sampled_from(["year", "-year"]), sorts).map(
        lambda s: ",".join([s[0], *(k for k in s[1].split(",") if k and k.lstrip("-") != "year")])
    ),
    limit=st.integers(1, 4),
    leave_target_out=st.booleans(),
    offset=st.integers(0, 3),
    size=st.integers(1, 3),
    steps=st.sampled_from([preview_module.WALK_STEPS, 1]),
)
def test_a_walk_of_the_year_index_pages_what_the_evaluator_selects(
    owner, stranger, specs, year, rest, sort, limit, leave_target_out, offset, size, steps
):
    """A limited rule that requires a year and sorts by it first reads its tracks from the
    year index, each asked the rest of the rule (or, over its budget, the other way): the
    page and the count are the evaluator's."""
    with b.rolled_back(), mock.patch.object(preview_module, "WALK_STEPS", steps):
        target = build(owner, stranger, specs)
        exclude = target if leave_target_out else None
        playlists = sorted(owner.playlists.values_list("pk", flat=True))
        definition = {"all": [year, *_resolve_ids(rest, playlists)], "sort": sort, "limit": limit}
        rule = parse_rule(definition)
        preview = preview_rule(owner, rule, exclude_playlist_id=exclude, seed=7)
        assert year_walk(rule)
        count, page = preview.page(offset, size)

        library = compile_rule(parse_rule({"all": []}), owner, exclude_playlist_id=exclude)
        facts = load_facts(library, owner, exclude_playlist_id=exclude)
        chosen = [f for f in facts if evaluate(rule, f, preview.now)]
        expected = [f["id"] for f in sort_and_limit(rule, chosen)]
        assert count == len(expected)
        assert [t.pk for t in page] == expected[offset : offset + size], definition
