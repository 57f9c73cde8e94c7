"""`sort` and `random` -> ORDER BY, matching rules.dsl.ordering exactly.

Each key sorts present values first, missing (NULL) last in either direction; text by its
folded code points; `PROVIDER.KEY` by its number, then its text; ties by track id.
`random` orders by a hash of the id under a seed: the same seed gives the same order (a
preview's pages agree), another seed another order.
"""

import hashlib

from django.db.models import F, OrderBy, Value

from rules.dsl import Condition, Rule, SortKey
from rules.dsl.fields import FieldType, lookup_field
from rules.dsl.operators import NEGATIVE_OF

from .expressions import SortText
from .scope import Scope
from .sources import COLUMNS, RELATED, enrichment_number, enrichment_text, first_name

PRIME = 2_147_483_647  # 2**31 - 1


def sort_values(key: SortKey, scope: Scope) -> list:
    """The expressions a track sorts by for one key; NULL sorts as missing."""
    field = lookup_field(key.field)
    if field is None or not field.sortable:
        raise ValueError(f"cannot sort by {key.field!r}")
    if field.type is FieldType.DYNAMIC:
        return [enrichment_number(field.name), enrichment_text(field.name)]
    if field.name in RELATED:
        return [first_name(field.name, scope)]
    value = COLUMNS[field.name](scope)
    return [SortText(value) if field.type in (FieldType.TEXT, FieldType.ENUM) else value]


def shuffle_key(seed: int):
    """((id*a + b) mod p) * ((id*c + d) mod p) mod p, with a..d drawn from the seed.

    Integer arithmetic that stays below 2**63 for ids below 2**31, so SQLite and
    PostgreSQL compute the same key; ties (rare) fall to the id.
    """
    digest = hashlib.blake2b(str(seed).encode(), digest_size=16).digest()
    a, b, c, d = (int.from_bytes(digest[i : i + 4], "big") % (PRIME - 1) + 1 for i in (0, 4, 8, 12))
    left = (F("id") * Value(a) + Value(b)) % Value(PRIME)
    right = (F("id") * Value(c) + Value(d)) % Value(PRIME)
    return (left * right) % Value(PRIME)


def first_key(sort) -> str | None:
    """The field a rule sorts by first; None for no sort or `random`."""
    return sort[0].field if sort and sort != "random" else None


def dateadded_first(sort) -> bool:
    return first_key(sort) == "dateadded"


def walks_an_index(sort, scope: Scope) -> bool:
    """Whether the database can read a rule's tracks in its order from an index, and so
    stop at a page's end: no sort (track ids), or `dateadded` first (LibraryTrack's
    (owner, added_at) index; not when the rule's target is left out, which computes it)."""
    if sort == "random":
        return False
    return not sort or (dateadded_first(sort) and scope.exclude_playlist_id is None)


def year_walk(rule: Rule) -> bool:
    """Whether a preview may read the rule's tracks from the albums' year index in its
    order, asking each track the rest of the rule, and stop at its limit: `year` sorts
    first, the rule has a limit, and its top `all` requires a year (a positive condition
    on it), so no track without one is left out by reading that index."""
    if first_key(rule.sort) != "year" or rule.limit is None or rule.root.kind != "all":
        return False
    return any(
        isinstance(child, Condition)
        and child.field == "year"
        and child.op not in NEGATIVE_OF
        and child.op != "isMissing"
        for child in rule.root.children
    )


def order_by(sort, scope: Scope, seed: int = 0) -> list[OrderBy | str]:
    if sort == "random":
        return [shuffle_key(seed).asc(), "id"]
    keys = []
    for key in sort:
        for value in sort_values(key, scope):
            keys.append(
                value.desc(nulls_last=True) if key.descending else value.asc(nulls_last=True)
            )
    return [*keys, "id"]
