"""How a rule's parts are best run: the order of a group's children, and whether a part
can count on its siblings to have narrowed the tracks first. Neither changes a result."""

from rules.dsl import Group, Node
from rules.dsl.fields import FieldType, lookup_field

# What a condition costs a track, roughly: the track's own columns, then sets found once
# (IN subqueries on small tables, the owner's rows), then sets over every track's
# enrichment values (rules.EnrichmentValue: tens of thousands of index entries, so worth
# asking per track once a sibling has narrowed the tracks) and Python (regex).
CHEAP, SET, COSTLY = range(3)
SET_FIELDS = {"artist", "albumartist", "tag", "playlist", "album", "year", "releasedate"}
SET_FIELDS |= {"liked", "likedat", "dateadded"}
# Tests that usually keep few tracks (not negations, booleans or one-sided comparisons).
SELECTIVE_OPS = {"is", "in", "contains", "startsWith", "endsWith", "matches"}
SELECTIVE_OPS |= {"inTheRange", "inTheLast", "inPlaylist"}
BROAD_TYPES = {FieldType.BOOL, FieldType.ENUM}


def cost(node: Node) -> int:
    if isinstance(node, Group):
        return max((cost(child) for child in node.children), default=CHEAP)
    field = lookup_field(node.field)
    if node.op in ("matches", "notMatches") or node.field == "genre":
        return COSTLY
    if field is not None and field.type is FieldType.DYNAMIC:
        return COSTLY
    return SET if node.field in SET_FIELDS else CHEAP


def selective(node: Node) -> bool:
    if isinstance(node, Group):
        found = [selective(child) for child in node.children]
        return any(found) if node.kind == "all" else bool(found) and all(found)
    field = lookup_field(node.field)
    return node.op in SELECTIVE_OPS and field is not None and field.type not in BROAD_TYPES


def narrows(siblings: list[Node], child: Node) -> bool:
    """Whether a cheaper, selective sibling in the same `all` runs before `child`."""
    return any(cost(s) < cost(child) and selective(s) for s in siblings if s is not child)
