"""Project-wide fixtures: named users, API clients, and django-q2 in sync mode."""

import pytest
from django.core.cache import cache
from django_q.conf import Conf
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _isolate(settings, tmp_path):
    """Each test: empty cache (throttles), its own MEDIA_ROOT, queued tasks run inline."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    sync, Conf.SYNC = Conf.SYNC, True
    yield
    Conf.SYNC = sync


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password="owner-pass-1")


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("member", password="member-pass-1")


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user("stranger", password="stranger-pass-1")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", password="staff-pass-1", is_staff=True)


@pytest.fixture
def api():
    """An API client; log in with `api.force_authenticate(user)`."""
    return APIClient()


@pytest.fixture
def owner_api(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def stranger_api(stranger):
    client = APIClient()
    client.force_authenticate(stranger)
    return client
