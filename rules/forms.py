"""The admin's rule set form: the rule as text or JSON, checked by the DSL on save, with each
mistake shown on the field it belongs to."""

import json
import math

from django import forms

from rules import services
from rules.definitions import playlist_checker, stored_rule
from rules.dsl import PlaylistRef, RuleError, RuleValidationError, playlist_refs
from rules.models import RuleSet
from trackflow import bounded_json

NOT_FINITE = "NaN, Infinity and numbers too large for a float (1e400) are not JSON numbers"


class NotFinite(ValueError):
    pass


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise NotFinite(text)
    return number


def _no_constant(text: str):
    raise NotFinite(text)


class FiniteJSONDecoder(json.JSONDecoder):
    """Python's json reads NaN, Infinity and 1e400 (as inf), which JSON has no words for:
    the database's JSON check refuses them on save, a 500 unless refused here first."""

    def __init__(self, **options):
        super().__init__(parse_float=_finite, parse_constant=_no_constant, **options)


class BoundedJSONField(forms.JSONField):
    """JSON nested deeper than trackflow.bounded_json allows, or with a number JSON cannot
    hold, is a form error, not a 500."""

    def __init__(self, **kwargs):
        kwargs.setdefault("decoder", FiniteJSONDecoder)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return bounded_json.checked(super().to_python(value))
        except (RecursionError, bounded_json.TooDeep):
            raise forms.ValidationError(f"JSON {bounded_json.TOO_DEEP}") from None
        except NotFinite:
            raise forms.ValidationError(NOT_FINITE) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except (RecursionError, NotFinite):  # shown again as typed
            return forms.fields.InvalidJSONInput(data)


def missing_playlists(owner, definition: dict) -> list[str]:
    """The playlists a saved rule names that `owner` no longer has, as the rule's errors show
    them ("'Sleep'", "#12"): deleted after the rule was saved."""
    known = playlist_checker(owner)
    return [_shown(ref) for _, ref in playlist_refs(stored_rule(definition)) if not known(ref)]


def _shown(ref: PlaylistRef) -> str:
    return f"#{ref.id}" if ref.id is not None else f"'{ref.name}'"


class RuleSetForm(forms.ModelForm):
    definition = BoundedJSONField(
        required=False,
        help_text='The JSON form, e.g. {"all": [{"contains": {"artist": "daft"}}]}.',
    )
    query = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Or the text form, e.g. artist:daft year:1990..1999 sort:-year. "
        "When both are filled in, the one you changed counts.",
    )

    class Meta:
        model = RuleSet
        fields = [
            "owner",
            "name",
            "description",
            "query",
            "definition",
            "target_playlist_name",
            "enabled",
            "auto_sync",
        ]

    def clean_name(self) -> str:
        try:
            return services.rule_set_name(self.cleaned_data["name"])
        except RuleValidationError as exc:
            raise forms.ValidationError(exc.errors[0].message) from None

    def clean(self) -> dict:
        data = super().clean()
        owner = data.get("owner") or getattr(self.instance, "owner", None)
        if owner is None or self.errors:
            return data
        as_text = bool(data.get("query")) and (
            "query" in self.changed_data or "definition" not in self.changed_data
        )
        try:
            if as_text:
                written = services.read_rule(owner, query=data["query"])
            else:
                written = services.read_rule(owner, definition=data.get("definition") or {})
        except RuleValidationError as exc:
            # the saved rule, as saved, is kept when only its deleted playlists are wrong
            self._attach([e for e in exc.errors if e.message not in self._forgiven()])
            return data
        data["definition"], data["query"] = written.definition, written.query
        return data

    def _forgiven(self) -> set[str]:
        """The errors an unchanged rule may keep: playlists it names that were deleted after
        it was saved. Refusing them would make the rule set unsavable (even to untick
        Enabled) until its rule is rewritten; the change page warns about them instead."""
        unchanged = self.instance.pk and not {"owner", "query", "definition"} & {*self.changed_data}
        if not unchanged:
            return set()
        missing = missing_playlists(self.instance.owner, self.instance.definition)
        return {f"unknown playlist {shown}" for shown in missing}

    def _attach(self, errors: list[RuleError]) -> None:
        for error in errors:
            if error.path.startswith("query["):
                offset = error.path[len("query[") : -1]
                self.add_error("query", f"at character {offset}: {error.message}")
            else:
                where = error.path.removeprefix("definition").lstrip(".")
                self.add_error(
                    "definition", f"{where}: {error.message}" if where else error.message
                )
