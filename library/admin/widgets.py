"""Form pieces: inline rows that show their related object without a query per row."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models

# URL inputs take "https" for a scheme-less value (Django 6's default, asked for now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose current choice is given (`preloaded`), not looked up.

    Django's autocomplete queries its selected object once per widget, so an inline of 500
    playlist entries made 500 queries. The inline's queryset joins the object instead.
    """

    preloaded: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or not self.preloaded or set(selected) - self.preloaded.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in selected:
            options.append(self.create_option(name, key, self.preloaded[key], True, len(options)))
        return [(None, options, 0)]


class PreloadedInlineForm(forms.ModelForm):
    """An inline form whose `preload_field` shows the instance's already-joined object."""

    preload_field = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.preload_field)
        if field is None or self.instance.pk is None:
            return
        related = getattr(self.instance, self.preload_field)
        widget = getattr(field.widget, "widget", field.widget)  # inside the "+"/edit wrapper
        if isinstance(widget, AutocompleteSelect):
            widget.__class__ = PreloadedAutocompleteSelect
            widget.preloaded = {str(related.pk): str(related)}
