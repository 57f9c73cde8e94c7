"""Token auth, the error format, pagination bounds, and the OpenAPI schema."""

import pytest
from openapi_spec_validator import validate
from rest_framework.exceptions import ValidationError

from trackflow.api.errors import flatten

pytestmark = pytest.mark.django_db


def test_a_token_is_obtained_with_username_and_password(api, owner):
    response = api.post("/api/auth/token/", {"username": "owner", "password": "owner-pass-1"})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/jobs/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_a_wrong_password_is_a_400_in_the_error_format(api, owner):
    response = api.post("/api/auth/token/", {"username": "owner", "password": "nope"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"path": "", "message": "Unable to log in with provided credentials."}]
    }


def test_a_missing_field_names_its_path(api):
    response = api.post("/api/auth/token/", {"username": "owner"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"path": "password", "message": "This field is required."}]
    }


def test_anonymous_requests_get_a_detail_error(api):
    response = api.get("/api/jobs/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_nested_errors_flatten_to_paths():
    detail = ValidationError(
        {"definition": {"all": [{}, {"gt": ["Not a number."]}]}, "name": ["Required."]}
    ).detail
    assert flatten(detail) == [
        {"path": "definition.all[1].gt", "message": "Not a number."},
        {"path": "name", "message": "Required."},
    ]


def test_list_item_errors_use_brackets():
    detail = ValidationError({"track_ids": {1: ["A valid integer is required."]}}).detail
    assert flatten(detail) == [{"path": "track_ids[1]", "message": "A valid integer is required."}]


def test_the_schema_is_valid_openapi_3(owner_api):
    response = owner_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/jobs/" in schema["paths"] and "/api/auth/token/" in schema["paths"]


def test_the_docs_page_loads_its_assets_locally(owner_api):
    page = owner_api.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "jsdelivr" not in page


def test_the_browsable_api_renders_html(owner, client):
    client.force_login(owner)
    page = client.get("/api/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert b"Api Root" in page.content and b"/api/jobs/" in page.content
