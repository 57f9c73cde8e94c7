"""`ensure_admin`, run by every `make run`: one admin account, the user's choices honoured."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

VARIABLES = ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_EMAIL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def ensure_admin(*args: str) -> str:
    out = io.StringIO()
    call_command("ensure_admin", *args, stdout=out)
    return out.getvalue()


def test_without_settings_it_creates_admin_and_prints_the_password_once():
    printed = ensure_admin()

    password = printed.split("password: ")[1].split()[0]
    admin = authenticate(username="admin", password=password)
    assert admin is not None and admin.is_superuser and admin.is_staff
    assert ensure_admin() == ""  # the second run leaves the account alone, prints nothing
    assert get_user_model().objects.count() == 1


def test_all_three_settings_are_used(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.org")

    printed = ensure_admin()

    assert "correct horse" not in printed and "password" not in printed
    admin = authenticate(username="root", password="correct horse battery")
    assert admin.is_superuser and admin.email == "root@example.org"


def test_a_chosen_password_alone_is_kept_for_the_default_username(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery")

    printed = ensure_admin()

    assert "correct horse" not in printed
    assert authenticate(username="admin", password="correct horse battery").is_superuser


def test_a_chosen_username_alone_gets_a_generated_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")

    printed = ensure_admin()

    password = printed.split("password: ")[1].split()[0]
    assert "username: root" in printed
    assert authenticate(username="root", password=password).is_superuser


def test_nothing_is_done_when_an_admin_exists(monkeypatch):
    get_user_model().objects.create_superuser("owner", password="x" * 12)
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")

    assert ensure_admin() == ""
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["owner"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_SUPERUSER_EMAIL", "not an address", "Enter a valid email address."),
        ("DJANGO_SUPERUSER_USERNAME", "two words", "Enter a valid username."),
    ],
)
def test_a_bad_setting_is_refused_in_one_line(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)

    with pytest.raises(CommandError) as error:
        ensure_admin()

    assert str(error.value).startswith(f"cannot create the admin account: {message}")
    assert "\n" not in str(error.value)
    assert not get_user_model().objects.exists()


def test_an_ordinary_user_of_that_name_is_not_promoted_silently():
    get_user_model().objects.create_user("admin", password="x" * 12)

    with pytest.raises(CommandError, match="the user 'admin' exists without admin rights"):
        ensure_admin()

    assert not get_user_model().objects.filter(is_superuser=True).exists()
