"""Track actions: set status, add or remove a tag, through the library services.

The download actions come from downloads/admin_actions.py, beside the downloads service.
Every action writes, so each needs the change permission: Django hides it from staff who may
only view tracks and refuses a POST that names it anyway.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm

from library.models import Track
from library.services import curation, tags

WRITES = ["change"]  # allowed_permissions of every action here


class TrackActionForm(ActionForm):
    """The action bar's extra inputs: the status to set, the tag to add or remove."""

    status = forms.ChoiceField(
        choices=[("", "status…"), *Track.Status.choices], required=False, label="Status"
    )
    # No max_length: Django would answer a long tag with "No action selected."; the tags
    # service refuses it in words that name the limit (the browser still stops at it).
    tag = forms.CharField(
        required=False,
        label="Tag",
        widget=forms.TextInput(attrs={"maxlength": tags.NAME_MAX}),
    )


def _ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


@admin.action(description="Set the status chosen beside the action", permissions=WRITES)
def set_status(modeladmin, request, queryset):
    wanted = request.POST.get("status", "")
    if wanted not in Track.Status.values:
        modeladmin.message_user(request, "Choose a status first.", messages.ERROR)
        return
    changed = curation.set_status(_ids(queryset), wanted)
    modeladmin.message_user(request, f"{changed} track(s) set to {wanted}.")


@admin.action(description="Add your tag typed beside the action", permissions=WRITES)
def add_tag(modeladmin, request, queryset):
    _change_tag(modeladmin, request, queryset, tags.add_tag, "added to")


@admin.action(description="Remove your tag typed beside the action", permissions=WRITES)
def remove_tag(modeladmin, request, queryset):
    _change_tag(modeladmin, request, queryset, tags.remove_tag, "removed from")


def _change_tag(modeladmin, request, queryset, change, verb: str) -> None:
    try:
        count = change(request.user, _ids(queryset), request.POST.get("tag", ""))
    except ValueError as problem:
        modeladmin.message_user(request, f"{str(problem).capitalize()}.", messages.ERROR)
        return
    modeladmin.message_user(request, f"Tag {verb} {count} track(s).")
