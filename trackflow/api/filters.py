"""Query parameters that answer 400 for a value that makes no sense, instead of ignoring it:
a list that silently ignored `?saved=0` or `?ordering=titel` would show the wrong rows."""

import django_filters
from django import forms
from rest_framework import filters
from rest_framework.exceptions import ValidationError

MAX_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL store; more cannot be bound


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within bounds (ids by default): not 1.5, not 10**30."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int = 1, max_value: int = MAX_ID, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class StrictBooleanField(forms.Field):
    def to_python(self, value: str | None) -> bool | None:
        if value in (None, ""):
            return None
        folded = str(value).strip().lower()
        if folded in ("true", "1"):
            return True
        if folded in ("false", "0"):
            return False
        raise forms.ValidationError("give true or false")


class BooleanFilter(django_filters.BooleanFilter):
    """`true`/`false` (or `1`/`0`, any case); anything else is a 400."""

    field_class = StrictBooleanField


class OrderingFilter(filters.OrderingFilter):
    """`ordering` by the view's `ordering_fields` only; another name is a 400 listing them."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        context = {"request": request}
        valid = [item[0] for item in self.get_valid_fields(queryset, view, context)]
        unknown = [term for term in fields if term.removeprefix("-") not in valid]
        if unknown:
            choices = ", ".join(valid)
            raise ValidationError(
                {self.ordering_param: [f"unknown field {unknown[0]!r}; one of {choices}"]}
            )
        return fields
