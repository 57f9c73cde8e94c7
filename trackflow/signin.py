"""Password guessing at the sign-in pages is limited per address, as at the token endpoint.

Django's sign-in forms (the front door, the admin's, the browsable API's) take any number of
tries. Every failed sign-in, wherever it happens (the token endpoint too), counts against the
client's address for a minute; past SIGN_IN_LIMIT, a sign-in form's POST is answered 429
until the minute is up, whatever the password. The address is the one DRF's throttles use,
so TRUSTED_PROXIES decides whether X-Forwarded-For is believed.
"""

from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from rest_framework.throttling import BaseThrottle

SIGN_IN_PATHS = frozenset({"/accounts/login/", "/admin/login/", "/api-auth/login/"})
SIGN_IN_LIMIT = 20  # failed sign-ins per address per window, the token endpoint's rate
WINDOW = 60  # seconds


def client_address(request: HttpRequest) -> str:
    return BaseThrottle().get_ident(request)


def _key(address: str) -> str:
    return f"trackflow:sign-in-failures:{address}"


@receiver(user_login_failed, dispatch_uid="trackflow.signin.count_failure")
def count_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    if request is None:  # authenticate() called without a request: nobody to hold back
        return
    key = _key(client_address(request))
    if not cache.add(key, 1, WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW)


def limited(request: HttpRequest) -> bool:
    return cache.get(_key(client_address(request)), 0) >= SIGN_IN_LIMIT


class SignInLimitMiddleware:
    """Answers a sign-in form's POST with 429 while its address is over the limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in SIGN_IN_PATHS and limited(request):
            page = render_to_string("registration/too_many.html", {"seconds": WINDOW}, request)
            return HttpResponse(page, status=429, headers={"Retry-After": str(WINDOW)})
        return self.get_response(request)
