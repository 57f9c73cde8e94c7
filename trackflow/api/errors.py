"""One error format for the whole API.

Validation errors become {"errors": [{"path": "a.b[0]", "message": "..."}]} with status 400, so
a client can point at the offending field; every other error stays {"detail": "..."}.
"""

from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def flatten(detail: Any, path: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error detail into a flat list of {path, message}."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                child = path
            elif isinstance(key, int) or str(key).isdigit():  # ListField items: {0: [...]}
                child = f"{path}[{key}]"
            elif path:
                child = f"{path}.{key}"
            else:
                child = str(key)
            errors.extend(flatten(value, child))
        return errors
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"path": path, "message": str(item)} for item in detail]
        errors = []
        for index, item in enumerate(detail):
            if item:
                errors.extend(flatten(item, f"{path}[{index}]"))
        return errors
    return [{"path": path, "message": str(detail)}]


def exception_handler(exc: Exception, context: dict) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": flatten(exc.detail)}
    return response


def validation_error(path: str, message: str) -> exceptions.ValidationError:
    """A ValidationError for one path, for services that find a problem after the serializer."""
    return exceptions.ValidationError({path: [message]} if path else [message])
