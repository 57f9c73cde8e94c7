"""Plan the fewest Spotify writes that turn a playlist's items into the wanted list.

Spotify's writes (DESIGN §6): remove takes up to 100 URIs and removes EVERY occurrence of
each; add inserts up to 100 URIs at a position; reorder moves one contiguous range
(`range_start`, `range_length`) before `insert_before` (counted before the move); replace
sets the whole list (up to 100, the rest added after).

An entry that stays keeps its `added_at`, so kept entries are never removed and added
again; they are only moved. The plan:

1. remove, in batches of 100, every URI the target lacks, and every URI with more copies
   than the target wants (a remove cannot leave one copy behind);
2. move the kept entries into the target's order: those on a longest increasing
   subsequence stay, the others move, a run that travels together in one call;
3. add each run of missing entries at its place, 100 per call.

When nothing would be kept (or the playlist holds entries no URI can remove, such as
local files), one replace is never worse, and that is the plan.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

MAX_URIS = 100


@dataclass(frozen=True)
class Op:
    """One write. `position` None appends."""

    kind: Literal["remove", "add", "move", "replace"]
    uris: tuple[str, ...] = ()
    position: int | None = None
    range_start: int = 0
    insert_before: int = 0
    range_length: int = 1


@dataclass(frozen=True)
class Plan:
    """The writes, and what they do: `sources[i]` is the index in `current` of the entry
    that ends in target slot i (None: added); `moving` the target slots whose entry moves."""

    ops: tuple[Op, ...]
    current: tuple[str | None, ...]
    target: tuple[str, ...]
    sources: tuple[int | None, ...]
    moving: frozenset[int] = frozenset()
    replaced: bool = False
    notes: tuple[str, ...] = ()

    @property
    def writes(self) -> int:
        return len(self.ops)

    def added_at(self) -> list[tuple[int, str]]:
        """(target slot, URI) of each added entry."""
        return [(i, self.target[i]) for i, src in enumerate(self.sources) if src is None]

    def removed_at(self) -> list[tuple[int, str | None]]:
        """(index in current, URI) of each removed entry."""
        kept = set(self.sources)
        return [(i, uri) for i, uri in enumerate(self.current) if i not in kept]

    def moved_at(self) -> list[tuple[int, int, str]]:
        """(index in current, target slot, URI) of each kept entry that moves."""
        return [(self.sources[i], i, self.target[i]) for i in sorted(self.moving)]

    def unchanged_at(self) -> list[tuple[int, str]]:
        """(target slot, URI) of each kept entry that stays where it is in order."""
        return [
            (i, self.target[i])
            for i, src in enumerate(self.sources)
            if src is not None and i not in self.moving
        ]

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(uri for _, uri in self.added_at())

    @property
    def removed(self) -> tuple[str | None, ...]:
        return tuple(uri for _, uri in self.removed_at())

    @property
    def moved(self) -> tuple[str, ...]:
        return tuple(uri for _, _, uri in self.moved_at())

    @property
    def unchanged(self) -> tuple[str, ...]:
        return tuple(uri for _, uri in self.unchanged_at())


def replace_writes(size: int) -> int:
    """What a plain replace costs: one PUT of the first 100, then adds of 100."""
    return max(1, math.ceil(size / MAX_URIS))


def batches(uris: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(uris[i : i + MAX_URIS]) for i in range(0, len(uris), MAX_URIS)]


def plan(current: Sequence[str | None], target: Sequence[str]) -> Plan:
    """The writes from `current` (None: an entry without a removable URI) to `target`."""
    current, target = tuple(current), tuple(target)
    if current == target:
        return Plan((), current, target, tuple(range(len(target))))
    if None in current:
        return _replace(current, target, "the playlist holds entries only a replace can remove")
    counts, wanted = Counter(current), Counter(target)
    dropped = {uri for uri, n in counts.items() if n > wanted[uri]}
    kept = [i for i, uri in enumerate(current) if uri not in dropped]
    if not kept and current:
        return _replace(current, target)
    ranks = _match([current[i] for i in kept], target)
    moves, moving = _moves(ranks)
    gone = list(dict.fromkeys(uri for uri in current if uri in dropped))
    removes = [Op("remove", batch) for batch in batches(gone)]
    sources: list[int | None] = [None] * len(target)
    for index, rank in zip(kept, ranks, strict=True):
        sources[rank] = index
    adds = _adds(target, set(ranks))
    return Plan((*removes, *moves, *adds), current, target, tuple(sources), frozenset(moving))


def _replace(current: tuple, target: tuple, note: str = "") -> Plan:
    first, rest = target[:MAX_URIS], target[MAX_URIS:]
    ops = [Op("replace", first)] + [Op("add", batch) for batch in batches(rest)]
    notes = (note,) if note else ()
    return Plan(tuple(ops), current, target, (None,) * len(target), replaced=True, notes=notes)


def _match(kept: list[str], target: tuple[str, ...]) -> list[int]:
    """Each kept entry's index in the target: the k-th copy of a URI goes to its k-th slot."""
    slots: dict[str, deque[int]] = defaultdict(deque)
    for index, uri in enumerate(target):
        slots[uri].append(index)
    return [slots[uri].popleft() for uri in kept]


def longest_increasing(values: list[int]) -> set[int]:
    """The values on one longest strictly increasing subsequence (values are distinct)."""
    tails: list[int] = []  # tails[k]: smallest tail value of an increasing run of length k+1
    tail_at: list[int] = []  # position in `values` of that tail
    parent = [-1] * len(values)
    for i, value in enumerate(values):
        k = bisect.bisect_left(tails, value)
        parent[i] = tail_at[k - 1] if k else -1
        if k == len(tails):
            tails.append(value)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = value, i
    chain, i = set(), tail_at[-1] if tail_at else -1
    while i != -1:
        chain.add(values[i])
        i = parent[i]
    return chain


def _moves(ranks: list[int]) -> tuple[list[Op], set[int]]:
    """Reorders putting the kept entries (named by target rank) into rank order."""
    staying = longest_increasing(ranks)
    order = sorted(ranks)
    previous = {rank: order[i - 1] if i else None for i, rank in enumerate(order)}
    blocks: list[list[int]] = []
    for i, rank in enumerate(ranks):
        if rank in staying:
            continue
        follows = i > 0 and ranks[i - 1] not in staying and previous[rank] == ranks[i - 1]
        if follows:
            blocks[-1].append(rank)
        else:
            blocks.append([rank])
    items, ops, moved = list(ranks), [], set()
    for block in sorted(blocks):
        start = items.index(block[0])
        before = previous[block[0]]
        insert_before = items.index(before) + 1 if before is not None else 0
        if insert_before == start:
            continue  # earlier moves already put it in place
        op = Op("move", range_start=start, insert_before=insert_before, range_length=len(block))
        ops.append(op)
        items = apply(items, op)
        moved.update(block)
    return ops, moved


def _adds(target: tuple[str, ...], kept: set[int]) -> list[Op]:
    """Each run of target slots nothing fills yet, inserted where it belongs."""
    ops, i = [], 0
    while i < len(target):
        if i in kept:
            i += 1
            continue
        end = i
        while end < len(target) and end not in kept:
            end += 1
        for offset in range(i, end, MAX_URIS):
            chunk = tuple(target[offset : min(offset + MAX_URIS, end)])
            ops.append(Op("add", chunk, position=offset))
        i = end
    return ops


def apply(items: list, op: Op, uri_of: Callable[[Any], str | None] = lambda item: item) -> list:
    """`op` as Spotify applies it to a list of entries (URIs, or anything `uri_of` reads).

    Places each move here; tells syncs (and tests) what the playlist is after a write.
    """
    if op.kind == "replace":
        return list(op.uris)
    if op.kind == "remove":
        gone = set(op.uris)
        return [item for item in items if uri_of(item) not in gone]
    if op.kind == "add":
        at = len(items) if op.position is None else op.position
        return items[:at] + list(op.uris) + items[at:]
    start, end = op.range_start, op.range_start + op.range_length
    moving, rest = items[start:end], items[:start] + items[end:]
    at = op.insert_before - min(max(op.insert_before - start, 0), op.range_length)
    return rest[:at] + moving + rest[at:]
