"""API tokens in the admin: no page shows a key; staff revoke a user's token from the user list."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

USERS = "/admin/auth/user/"


@pytest.fixture
def token(owner) -> Token:
    return Token.objects.create(user=owner)


@pytest.mark.parametrize(
    "path",
    ["", "{user}/change/", "{user}/history/", "{user}/delete/", "add/"],
    ids=["list", "change", "history", "delete", "add"],
)
def test_the_token_pages_are_gone(path, admin_client, token):
    url = "/admin/authtoken/tokenproxy/" + path.format(user=token.user_id)

    response = admin_client.get(url, follow=True)

    assert token.key not in response.content.decode()
    assert response.status_code == 404 or response.redirect_chain[-1][0] == "/admin/"


def test_the_admin_index_does_not_list_tokens(admin_client, token):
    page = admin_client.get("/admin/").content.decode()

    assert "tokenproxy" not in page and token.key not in page


def test_deleting_a_user_names_their_token_masked(admin_client, owner, token):
    page = admin_client.get(f"{USERS}{owner.pk}/delete/").content.decode()

    assert token.key not in page
    assert f"Token: {token.key[:4]}…" in page


def test_deleting_users_in_bulk_names_their_tokens_masked(admin_client, owner, member, token):
    other = Token.objects.create(user=member)
    data = {"action": "delete_selected", "_selected_action": [owner.pk, member.pk]}

    page = admin_client.post(USERS, data).content.decode()

    assert "Delete multiple objects" in page
    assert token.key not in page and other.key not in page
    assert f"{token.key[:4]}…" in page and f"{other.key[:4]}…" in page


def test_a_deleted_user_takes_their_token_along(admin_client, owner, token):
    response = admin_client.post(f"{USERS}{owner.pk}/delete/", {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert not Token.objects.exists()
    assert token.key not in response.content.decode()


def test_revoking_deletes_the_selected_users_tokens_only(admin_client, owner, member, token):
    kept = Token.objects.create(user=member)
    data = {"action": "revoke_tokens", "_selected_action": [owner.pk]}

    response = admin_client.post(USERS, data, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["1 API token(s) revoked."]
    assert list(Token.objects.all()) == [kept]
    history = admin_client.get(f"{USERS}{owner.pk}/history/").content.decode()
    assert "Revoked the API token." in history


def test_revoking_needs_the_permission_to_delete_tokens(client, staff, owner, token):
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(staff)

    page = client.get(USERS).content.decode()
    client.post(USERS, {"action": "revoke_tokens", "_selected_action": [owner.pk]})

    assert 'value="revoke_tokens"' not in page
    assert Token.objects.filter(pk=token.pk).exists()
