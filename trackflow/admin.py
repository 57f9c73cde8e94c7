"""The admin's handling of API tokens: keys are never shown, and staff revoke a user's token
from the user list.

A token's key is its password, and DRF's Token prints as its key: the stock TokenAdmin listed
every key, and any page that names a token (a changelist, a delete confirmation, the history)
would show it. So the token admin is gone; the user admin masks tokens on the page that lists
what deleting a user deletes, and revokes them with an action (the next sign-in at
/api/auth/token/ makes a new one). This app comes after rest_framework.authtoken and
django.contrib.auth in INSTALLED_APPS, so their registrations are there to replace.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.safestring import SafeData, mark_safe
from rest_framework.authtoken.models import Token, TokenProxy

User = get_user_model()
admin.site.unregister(TokenProxy)
admin.site.unregister(User)  # registered again below, as TrackFlowUserAdmin


def masked(key: str) -> str:
    """Enough of a key to tell two apart, too little to use: "3f9a…"."""
    return f"{key[:4]}…"


def _mask_keys(items: list, keys: list[str]) -> list:
    """Django's nested list of what a delete takes with it, each token key masked."""
    shown = []
    for item in items:
        if isinstance(item, list):
            shown.append(_mask_keys(item, keys))
            continue
        text = str(item)
        for key in keys:
            text = text.replace(key, masked(key))
        shown.append(mark_safe(text) if isinstance(item, SafeData) else text)
    return shown


@admin.register(User)
class TrackFlowUserAdmin(UserAdmin):
    """Django's user admin, with tokens masked and revocable."""

    actions = ["revoke_tokens"]

    def get_deleted_objects(self, objs, request):
        """Django names a deleted user's token by its __str__, which is the key."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        keys = list(Token.objects.filter(user__in=objs).values_list("key", flat=True))
        return _mask_keys(deleted, keys), counts, perms_needed, protected

    def has_revoke_token_permission(self, request) -> bool:
        return request.user.has_perm("authtoken.delete_token")

    @admin.action(description="Revoke the selected users' API tokens", permissions=["revoke_token"])
    def revoke_tokens(self, request, queryset) -> None:
        """For a leaked key: the user signs in again for a new one."""
        holders = list(queryset.filter(auth_token__isnull=False))
        Token.objects.filter(user__in=holders).delete()
        for user in holders:
            self.log_change(request, user, "Revoked the API token.")
        self.message_user(request, f"{len(holders)} API token(s) revoked.", messages.SUCCESS)
