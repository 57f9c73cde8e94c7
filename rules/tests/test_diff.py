"""The diff planner: the writes it plans reach the target exactly, keep what can be kept,
and cost no more calls than the API requires."""

import dataclasses
import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.diff import MAX_URIS, Op, apply, plan, replace_writes


def uris(*names) -> list[str]:
    return [f"spotify:track:{name}" for name in names]


def run(current, target) -> tuple[list, object]:
    """Apply the plan to entries that remember where they came from: (uri, origin)."""
    result = plan(current, target)
    entries = [(uri, i) for i, uri in enumerate(current)]
    for op in result.ops:
        _check_limits(op, entries)
        if op.kind in ("add", "replace"):  # new entries come from nowhere
            op = dataclasses.replace(op, uris=tuple((uri, None) for uri in op.uris))
        entries = apply(entries, op, lambda entry: entry[0])
    return entries, result


def _check_limits(op: Op, entries: list) -> None:
    assert len(op.uris) <= MAX_URIS
    if op.kind == "add":
        assert op.uris and (op.position is None or 0 <= op.position <= len(entries))
    if op.kind == "move":
        assert op.range_start >= 0 and op.range_start + op.range_length <= len(entries)
        assert 0 <= op.insert_before <= len(entries)


def test_nothing_changed_plans_no_writes():
    assert plan(uris("a", "b"), uris("a", "b")).ops == ()


def test_an_empty_target_empties_the_playlist_with_one_replace():
    result = plan(uris(*range(150)), [])
    assert result.ops == (Op("replace", ()),)


def test_an_empty_playlist_fills_in_batches_of_100():
    target = uris(*range(250))
    entries, result = run([], target)
    assert [(op.kind, op.position, len(op.uris)) for op in result.ops] == [
        ("add", 0, 100),
        ("add", 100, 100),
        ("add", 200, 50),
    ]
    assert [uri for uri, _ in entries] == target


def test_pure_adds_go_where_they_belong():
    result = plan(uris("a", "b"), uris("x", "a", "y", "z", "b", "w"))
    assert [(op.kind, op.position, op.uris) for op in result.ops] == [
        ("add", 0, tuple(uris("x"))),
        ("add", 2, tuple(uris("y", "z"))),
        ("add", 5, tuple(uris("w"))),
    ]
    assert result.unchanged == tuple(uris("a", "b"))


def test_pure_removes_batch_100_uris_a_call():
    current = uris(*range(250))
    target = current[::10]
    entries, result = run(current, target)
    assert [op.kind for op in result.ops] == ["remove", "remove", "remove"]
    assert [origin for _, origin in entries] == list(range(0, 250, 10))


def test_a_reorder_moves_one_entry_and_keeps_every_entry():
    entries, result = run(uris("a", "b", "c", "d"), uris("d", "a", "b", "c"))
    assert result.ops == (Op("move", range_start=3, insert_before=0),)
    assert [origin for _, origin in entries] == [3, 0, 1, 2]
    assert result.moved == tuple(uris("d"))


def test_entries_that_travel_together_move_in_one_call():
    entries, result = run(uris(*"abcde"), uris(*"cdeab"))
    assert result.ops == (Op("move", range_start=0, insert_before=5, range_length=2),)
    assert [origin for _, origin in entries] == [2, 3, 4, 0, 1]


def test_a_duplicate_too_many_is_removed_and_added_back_once():
    """Spotify removes every copy of a URI, so the copy to keep has to come back."""
    entries, result = run(uris("a", "b", "a"), uris("a", "b"))
    assert [op.kind for op in result.ops] == ["remove", "add"]
    assert [uri for uri, _ in entries] == uris("a", "b")
    assert entries[1] == (uris("b")[0], 1)


def test_duplicates_the_target_wants_are_kept_and_topped_up():
    entries, result = run(uris("a", "b"), uris("a", "b", "a"))
    assert result.ops == (Op("add", tuple(uris("a")), position=2),)
    assert [origin for _, origin in entries] == [0, 1, None]


def test_entries_without_a_uri_force_a_replace():
    result = plan([None, *uris("a")], uris("a", "b"))
    assert result.replaced and result.ops == (Op("replace", tuple(uris("a", "b"))),)


def test_more_than_100_changes_are_batched():
    current = uris(*range(300))
    target = uris(*range(150, 300), *range(1000, 1250))
    entries, result = run(current, target)
    kinds = Counter(op.kind for op in result.ops)
    assert kinds == {"remove": 2, "add": 3}
    assert [uri for uri, _ in entries] == target
    assert [origin for _, origin in entries[:150]] == list(range(150, 300))


# Hypothesis: small alphabets make duplicates, reorders and overlaps likely.
names = st.sampled_from("abcdefgh")
small = st.lists(names, max_size=12).map(lambda xs: uris(*xs))
with_gaps = st.lists(names | st.none(), max_size=10).map(
    lambda xs: [None if x is None else uris(x)[0] for x in xs]
)


def _lis_length(values: list[int]) -> int:
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


def _expected_writes(current: list[str], target: list[str], moves: int) -> int:
    counts, wanted = Counter(current), Counter(target)
    gone = {u for u, n in counts.items() if n > wanted[u]}
    kept = [u for u in current if u not in gone]
    runs, left = [], Counter(kept)
    slots = []
    for uri in target:
        slots.append(left[uri] > 0)
        left[uri] -= 1
    length = 0
    for filled in [*slots, True]:
        if filled and length:
            runs.append(length)
        length = 0 if filled else length + 1
    return math.ceil(len(gone) / MAX_URIS) + sum(math.ceil(n / MAX_URIS) for n in runs) + moves


@settings(max_examples=300, deadline=None)
@given(current=small | with_gaps, target=small)
def test_applying_the_plan_reaches_the_target_and_keeps_what_it_can(current, target):
    entries, result = run(current, target)
    assert [uri for uri, _ in entries] == target
    if current == target:
        assert result.writes == 0
        return
    survivors = Counter(uri for uri, origin in entries if origin is not None)
    if result.replaced:
        assert not survivors
        assert result.writes == replace_writes(len(target))
        return
    counts, wanted = Counter(current), Counter(target)
    for uri, n in counts.items():
        assert survivors[uri] == (n if n <= wanted[uri] else 0)
    moves = sum(op.kind == "move" for op in result.ops)
    kept_origins = [origin for _, origin in entries if origin is not None]
    assert moves <= len(kept_origins) - _lis_length(kept_origins)
    assert result.writes == _expected_writes(current, target, moves)


@settings(max_examples=60, deadline=None)
@given(
    keep=st.integers(0, 250),
    drop=st.integers(0, 250),
    add=st.integers(0, 250),
    shuffle=st.randoms(use_true_random=False),
)
def test_large_changes_stay_within_the_minimum_calls(keep, drop, add, shuffle):
    kept = uris(*range(keep))
    current = kept + uris(*range(1000, 1000 + drop))
    shuffle.shuffle(current)
    target = kept + uris(*range(2000, 2000 + add))
    entries, result = run(current, target)
    assert [uri for uri, _ in entries] == target
    if keep:
        moves = sum(op.kind == "move" for op in result.ops)
        assert result.writes == _expected_writes(current, target, moves)
        assert sum(origin is not None for _, origin in entries) == keep
    elif current:
        assert result.writes <= replace_writes(len(target))
