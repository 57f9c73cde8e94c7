"""The admin's rule set form: the rule as text or JSON, checked by the DSL on save, with each
mistake shown on the field it belongs to."""

from django import forms

from rules import services
from rules.dsl import RuleValidationError
from rules.models import RuleSet
from trackflow import bounded_json


class BoundedJSONField(forms.JSONField):
    """JSON nested deeper than trackflow.bounded_json allows is a form error, not a 500."""

    def to_python(self, value):
        try:
            return bounded_json.checked(super().to_python(value))
        except (RecursionError, bounded_json.TooDeep):
            raise forms.ValidationError(f"JSON {bounded_json.TOO_DEEP}") from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:  # shown again as typed
            return forms.fields.InvalidJSONInput(data)


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
            self._attach(exc)
            return data
        data["definition"], data["query"] = written.definition, written.query
        return data

    def _attach(self, exc: RuleValidationError) -> None:
        for error in exc.errors:
            if error.path.startswith("query["):
                offset = error.path[len("query[") : -1]
                self.add_error("query", f"at character {offset}: {error.message}")
            else:
                where = error.path.removeprefix("definition").lstrip(".")
                self.add_error(
                    "definition", f"{where}: {error.message}" if where else error.message
                )
