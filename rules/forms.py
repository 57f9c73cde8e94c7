"""The admin's rule set form: the rule as text or JSON, checked by the DSL on save, with each
mistake shown on the field it belongs to."""

from django import forms

from rules import services
from rules.definitions import playlist_checker, stored_rule
from rules.dsl import PlaylistRef, RuleError, RuleValidationError, playlist_refs
from rules.models import RuleSet
from trackflow.bounded_json import BoundedJSONField


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
