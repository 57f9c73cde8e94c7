"""A rule as a user writes it (JSON `definition` or text `query`) -> a checked Rule.

Playlists are checked against the owner's playlists here, so `unknown playlist` comes back
with every other mistake. Error paths are the API's: `definition.all[2].gt.audio.bpm` for
the JSON form, `query[12]` (a character offset) for the text form.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import F

from library.models import Playlist
from rules.dsl import (
    PlaylistRef,
    Rule,
    RuleError,
    RuleValidationError,
    parse_nsp,
    parse_query,
    parse_rule,
    render_query,
    to_json,
)
from rules.dsl.semantics import fold
from rules.dsl.strictness import parsing_saved_rule

from .query.expressions import Fold


@dataclass(frozen=True)
class Written:
    """A checked rule: its AST, normalized JSON, the text it was written as (or ""), and
    the text form re-rendered from the AST (None when the text form cannot say it)."""

    rule: Rule
    definition: dict
    query: str
    text: str | None


def playlist_checker(owner):
    """`known_playlist` for the DSL: the owner has a playlist with that id or folded name."""

    def known(ref: PlaylistRef) -> bool:
        playlists = Playlist.objects.filter(owner=owner)
        if ref.id is not None:
            return playlists.filter(pk=ref.id).exists()
        named = playlists.annotate(folded=Fold(F("name"))).filter(folded=fold(ref.name or ""))
        return named.exists()

    return known


def _located(errors: list[RuleError], form: str) -> RuleValidationError:
    def path(error: RuleError) -> str:
        if error.path.startswith("text["):
            return "query" + error.path[len("text") :]
        return f"{form}.{error.path}" if error.path else form

    return RuleValidationError([RuleError(path(e), e.message) for e in errors])


def read_rule(owner, definition: Any = None, query: str | None = None) -> Written:
    """Check exactly one of `definition` and `query`; RuleValidationError with API paths."""
    if definition is not None and query is not None:
        problem = "give a definition (JSON) or a query (text), not both"
        raise RuleValidationError([RuleError("query", problem)])
    if definition is None and query is None:
        problem = "give a definition (JSON) or a query (text)"
        raise RuleValidationError([RuleError("definition", problem)])
    known = playlist_checker(owner)
    try:
        rule = parse_query(query, known) if query is not None else parse_rule(definition, known)
    except RuleValidationError as exc:
        raise _located(exc.errors, "definition") from None
    return Written(rule, to_json(rule), query or "", render_query(rule))


def read_nsp(owner, text: str) -> tuple[str | None, Written]:
    """A Navidrome `.nsp` file: (its playlist name, the rule)."""
    try:
        name, rule = parse_nsp(text, playlist_checker(owner))
    except RuleValidationError as exc:
        raise _located(exc.errors, "nsp") from None
    return name, Written(rule, to_json(rule), "", render_query(rule))


def stored_rule(definition: dict) -> Rule:
    """The rule a RuleSet holds (normalized and checked when saved, by the limits of the day:
    see rules.dsl.strictness)."""
    with parsing_saved_rule():
        return parse_rule(definition)
