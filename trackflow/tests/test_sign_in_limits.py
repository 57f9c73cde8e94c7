"""Password guessing is limited per address on every sign-in page; forged proxy headers and
/media/ URLs give nothing away."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

SIGN_IN_PAGES = ["/accounts/login/", "/admin/login/", "/api-auth/login/"]

pytestmark = pytest.mark.django_db


def guess(client, page: str, password: str, **headers):
    return client.post(page, {"username": "owner", "password": password}, **headers)


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_twenty_failed_sign_ins_hold_the_address_back_for_a_minute(client, owner, page):
    answers = [guess(client, page, f"wrong-{n}").status_code for n in range(20)]

    held = guess(client, page, "owner-pass-1")  # even the right password waits

    assert answers == [200] * 20  # the form again, "Please enter a correct …"
    assert held.status_code == 429 and held["Retry-After"] == "60"
    assert "Too many failed sign-ins from your address" in held.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_at_the_token_endpoint_count_for_the_pages_too(client, api, owner):
    for n in range(20):
        api.post("/api/auth/token/", {"username": "owner", "password": f"wrong-{n}"})

    assert guess(client, "/accounts/login/", "owner-pass-1").status_code == 429


def test_another_address_is_not_held_back(client, owner):
    for n in range(20):
        guess(client, "/accounts/login/", f"wrong-{n}")

    other = guess(client, "/accounts/login/", "owner-pass-1", REMOTE_ADDR="192.0.2.7")

    assert other.status_code == 302  # signed in


def test_a_forged_forwarded_for_header_does_not_give_new_addresses(client, api, owner):
    for n in range(20):
        guess(client, "/accounts/login/", f"wrong-{n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    tokens = [
        api.post(
            "/api/auth/token/",
            {"username": "owner", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        ).status_code
        for n in range(21)
    ]

    assert guess(client, "/accounts/login/", "owner-pass-1").status_code == 429
    assert tokens[-1] == 429  # DRF's throttle saw one address too


def test_behind_one_trusted_proxy_its_forwarded_address_counts(client, owner, settings):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        for n in range(20):
            guess(client, "/accounts/login/", f"wrong-{n}", HTTP_X_FORWARDED_FOR="203.0.113.5")
        held = guess(client, "/accounts/login/", "x", HTTP_X_FORWARDED_FOR="203.0.113.5")
        other = guess(
            client, "/accounts/login/", "owner-pass-1", HTTP_X_FORWARDED_FOR="203.0.113.6"
        )
    finally:
        del settings.REST_FRAMEWORK
        api_settings.reload()

    assert held.status_code == 429
    assert other.status_code == 302


def test_media_files_are_not_served_to_anyone(client, settings):
    settings.DEBUG = True
    name = default_storage.save("library/Someone/01 - secret.mp3", ContentFile(b"audio"))

    response = client.get(f"/media/{name}")

    assert response.status_code == 404
