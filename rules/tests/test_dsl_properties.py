"""Hypothesis: normalization is idempotent, text rendering round-trips, negation is NOT."""

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.dsl import (
    Condition,
    Group,
    PlaylistRef,
    Rule,
    SortKey,
    TrackFacts,
    evaluate,
    explain,
    parse_query,
    parse_rule,
    render_query,
    sort_and_limit,
    to_json,
)
from rules.dsl.fields import FIELDS, SOURCES, FieldType
from rules.dsl.regex import validate_pattern

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = dt.datetime(2024, 6, 15, 12, tzinfo=dt.UTC)
T = FieldType

texts = st.text(
    st.sampled_from("aAbBzZ é-_:.()\"\\#=~<>%0 9'\t")
    | st.characters(codec="utf-8", exclude_characters="\x00"),
    min_size=1,
    max_size=12,
)
patterns = st.lists(
    st.sampled_from(["a", "B", "^", "$", ".*", "[a-c]", r"\d", "(x|y)", r"\.", "é", "z?"]),
    min_size=1,
    max_size=4,
).map("".join)
patterns = patterns.filter(lambda pattern: validate_pattern(pattern) is None)
ints = st.integers(-3000, 3000)
numbers = ints | st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))
datetimes = st.datetimes(
    dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)
DYNAMIC = ["audio.bpm", "audio.key", "musicbrainz.genre", "x_1.y2"]
BY_TYPE: dict[T, list[str]] = {}
for spec in FIELDS.values():
    BY_TYPE.setdefault(spec.type, []).append(spec.name)

NEGATABLE = {"is", "isNot", "contains", "notContains", "inTheLast", "notInTheLast"}
NEGATABLE |= {"inPlaylist", "notInPlaylist", "matches", "notMatches"}
NEGATABLE |= {"inTheRange", "notInTheRange"}
COMPARED = {"gt", "gte", "lt", "lte", "before", "after"}
SAYABLE = NEGATABLE | COMPARED


def _range(values):
    return st.tuples(values, values).map(lambda p: tuple(sorted(p)))


def _conditions_for(type_: T, name: str) -> list:
    """(op, value strategy) pairs valid for a field type, canonical ops only."""
    if type_ is T.TEXT:
        return [("is", texts), ("isNot", texts), ("contains", texts), ("notContains", texts),
                ("startsWith", texts), ("endsWith", texts), ("matches", patterns),
                ("notMatches", patterns),
                ("in", st.lists(texts, min_size=1, max_size=3).map(tuple))]  # fmt: skip
    if type_ is T.ENUM:
        return [("is", st.sampled_from(SOURCES)), ("isNot", st.sampled_from(SOURCES)),
                ("notIn", st.lists(st.sampled_from(SOURCES), min_size=1).map(tuple))]  # fmt: skip
    if type_ is T.BOOL:
        return [("is", st.booleans()), ("isNot", st.booleans())]
    if type_ in (T.INT, T.NUMBER, T.DYNAMIC):
        values = {T.INT: ints, T.NUMBER: numbers, T.DYNAMIC: numbers}[type_]
        if name == "popularity":
            values = st.integers(0, 100)
        pairs = [(op, values) for op in ("is", "isNot", "gt", "gte", "lt", "lte")]
        pairs += [("inTheRange", _range(values)), ("in", st.lists(values, min_size=1).map(tuple))]
        pairs += [("notInTheRange", _range(values))]
        if type_ is T.DYNAMIC:
            pairs += [("is", texts | st.booleans()), ("contains", texts), ("matches", patterns)]
            pairs += [("notMatches", patterns)]
        return pairs
    when = dates if type_ is T.DATE else dates | datetimes
    pairs = [(op, when) for op in ("is", "isNot", "before", "after", "gte", "lte")]
    ranges = _range(dates) if type_ is T.DATE else _range(dates) | _range(datetimes)
    days = st.integers(1, 100_000)
    pairs += [("inTheRange", ranges), ("notInTheRange", ranges)]
    return pairs + [("inTheLast", days), ("notInTheLast", days)]


MISSING_OPS = [("isMissing", st.just(True)), ("isPresent", st.just(True))]
PAIRS = {n: _conditions_for(f.type, n) + MISSING_OPS for n, f in FIELDS.items() if f.sortable}
PAIRS |= {
    n: _conditions_for(f.type, n) + MISSING_OPS for n in ("genre", "tag") for f in [FIELDS[n]]
}
PAIRS |= {name: _conditions_for(T.DYNAMIC, name) + MISSING_OPS for name in DYNAMIC}
playlist_refs = st.builds(PlaylistRef, id=st.integers(1, 10**6)) | st.builds(
    PlaylistRef, name=texts.filter(str.strip)
)


@st.composite
def conditions(draw, ops: set[str] | None = None) -> Condition:
    name = draw(st.sampled_from([*PAIRS, "playlist"]))
    if name == "playlist":
        op = draw(st.sampled_from(["inPlaylist", "notInPlaylist"]))
        return Condition(op, name, draw(playlist_refs))
    op, values = draw(st.sampled_from([p for p in PAIRS[name] if ops is None or p[0] in ops]))
    return Condition(op, name, draw(values))


def groups(ops: set[str] | None, min_any: int):
    leaves = conditions(ops)

    def extend(children):
        return st.one_of(
            st.lists(children, min_size=1, max_size=3).map(lambda c: Group("all", tuple(c))),
            st.lists(children, min_size=min_any, max_size=3).map(lambda c: Group("any", tuple(c))),
        )

    return st.recursive(leaves, extend, max_leaves=8)


@st.composite
def rules(draw, ops: set[str] | None = None) -> Rule:
    """Valid rules in normalized form; with `ops`, only those operators and no any-of-one."""
    min_any = 1 if ops is None else 2
    kind = draw(st.sampled_from(["all", "any"]))
    sizes = {"min_size": 0 if kind == "all" else min_any, "max_size": 4}
    children = draw(st.lists(groups(ops, min_any), **sizes))
    sortable = [f.name for f in FIELDS.values() if f.sortable] + DYNAMIC
    keys = st.lists(st.sampled_from(sortable), unique=True, max_size=3).flatmap(
        lambda names: st.tuples(*[st.builds(SortKey, st.just(n), st.booleans()) for n in names])
    )
    sort = draw(st.just("random") | keys)
    limit = draw(st.none() | st.integers(1, 10_000))
    return Rule(Group(kind, tuple(children)), sort, limit)


@PROPERTY
@given(rules())
def test_json_form_round_trips_and_normalizing_is_idempotent(rule):
    data = to_json(rule)
    assert parse_rule(data) == rule
    assert to_json(parse_rule(data)) == data


@PROPERTY
@given(rules(SAYABLE))
def test_text_form_round_trips(rule):
    text = render_query(rule)
    assert text is not None
    assert parse_query(text) == rule


@PROPERTY
@given(rules())
def test_whatever_renders_parses_back_to_the_same_rule(rule):
    text = render_query(rule)
    if text is not None:
        assert parse_query(text) == rule


def _spell(data):
    """The same definition written loosely: odd operator case, gt/lt on dates."""
    if isinstance(data, list):
        return [_spell(item) for item in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        renamed = {"after": "GT", "before": "lt", "isNot": "isnot", "inTheRange": "INTHERANGE"}
        out[renamed.get(key, key)] = _spell(value) if key in ("all", "any") else value
    return out


@PROPERTY
@given(rules())
def test_loosely_written_json_normalizes_to_the_same_form(rule):
    data = to_json(rule)
    loose = {k: (_spell(v) if k in ("all", "any") else v) for k, v in data.items()}
    assert to_json(parse_rule(loose)) == data


words = st.sampled_from(["", "Daft Punk", "daft", "House", "rock", "É", "x"])
facts = st.fixed_dictionaries(
    {"id": st.integers(1, 10**6)},
    optional={
        "title": st.none() | words,
        "artists": st.lists(words, max_size=3),
        "albumartists": st.lists(words, max_size=2),
        "album": st.none() | words,
        "genres": st.lists(words, max_size=3),
        "tags": st.lists(words, max_size=2),
        "year": st.none() | ints,
        "releasedate": st.none() | dates,
        "duration": st.none() | numbers,
        "explicit": st.none() | st.booleans(),
        "popularity": st.none() | st.integers(0, 100),
        "isrc": st.none() | words,
        "source": st.none() | st.sampled_from(SOURCES),
        "liked": st.booleans(),
        "likedat": st.none() | datetimes,
        "dateadded": st.none() | datetimes,
        "hasaudio": st.booleans(),
        "status": st.none() | words,
        "playlists": st.lists(st.tuples(st.integers(1, 3), words), max_size=2),
        "enrichments": st.dictionaries(
            st.sampled_from(["audio", "musicbrainz", "x_1"]),
            st.dictionaries(
                st.sampled_from(["bpm", "key", "genre", "y2"]),
                st.none() | numbers | words | st.booleans(),
            ),  # fmt: skip
        ),
    },
)


@PROPERTY
@given(rules(NEGATABLE), facts)
def test_minus_before_parentheses_is_logical_not(rule, track):
    text = render_query(Rule(rule.root))
    assert text is not None
    if not text:
        return
    assert evaluate(parse_query(f"-({text})"), track, NOW) is not evaluate(rule, track, NOW)


TYPED_ORDERED = [n for n, f in FIELDS.items() if f.type in (T.INT, T.NUMBER, T.DATE, T.DATETIME)]


@st.composite
def comparisons(draw) -> Condition:
    """A comparison on a field with one typed value (where `-` may negate it)."""
    name = draw(st.sampled_from(TYPED_ORDERED))
    op, values = draw(st.sampled_from([p for p in PAIRS[name] if p[0] in COMPARED]))
    return Condition(op, name, draw(values))


@PROPERTY
@given(comparisons(), facts)
def test_minus_before_a_comparison_is_logical_not(condition, track):
    text = render_query(Rule(Group("all", (condition,))))
    negated = parse_query(f"-{text}")
    assert evaluate(negated, track, NOW) is not evaluate(condition, track, NOW)
    assert render_query(negated) == f"-{text}"


def _nodes(group: Group):
    for child in group.children:
        yield child
        if isinstance(child, Group):
            yield from _nodes(child)


@PROPERTY
@given(rules(), facts)
def test_a_negative_operator_is_exactly_not_its_positive(rule, track):
    partner = {
        "isNot": "is",
        "notContains": "contains",
        "notIn": "in",
        "notInTheLast": "inTheLast",
        "notInPlaylist": "inPlaylist",
        "notMatches": "matches",
        "notInTheRange": "inTheRange",
        "isMissing": "isPresent",
    }
    for node in _nodes(rule.root):
        if isinstance(node, Condition) and node.op in partner:
            positive = Condition(partner[node.op], node.field, node.value)
            assert evaluate(node, track, NOW) is not evaluate(positive, track, NOW)


@PROPERTY
@given(rules(), facts)
def test_explain_opens_with_the_verdict(rule, track):
    first = explain(rule, track, NOW)[0]
    assert first.startswith("matched" if evaluate(rule, track, NOW) else "failed")


@PROPERTY
@given(rules(), st.lists(facts, max_size=8, unique_by=lambda f: f["id"]), st.randoms())
def test_sorting_does_not_depend_on_input_order(rule, tracks, rng):
    if rule.sort == "random":
        return
    shuffled = list(tracks)
    rng.shuffle(shuffled)
    assert sort_and_limit(rule, shuffled) == sort_and_limit(rule, tracks)
    assert len(sort_and_limit(rule, tracks)) == min(len(tracks), rule.limit or len(tracks))


def test_random_sort_is_reproducible_with_a_seed():
    rule = Rule(Group("all", ()), "random", None)
    tracks: list[TrackFacts] = [{"id": i} for i in range(20)]
    assert sort_and_limit(rule, tracks, random.Random(1)) == sort_and_limit(
        rule, tracks, random.Random(1)
    )
