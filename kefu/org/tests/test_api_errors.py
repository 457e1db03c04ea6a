"""Bad input gets a 400/422 with a machine-readable code, never a 500."""

from __future__ import annotations

import pytest

from kefu.common.testing import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintainer_api(org_tree, user_factory):
    return ApiClient(user_factory("maint_e", roles=["system_maintainer"], unit=org_tree["CC"]))


@pytest.mark.parametrize("raw", ['{"name": ', "not json", "{'name': 'x'}", "\x00\xff", '{"name": "x",}'])
def test_malformed_json_is_400(maintainer_api, raw):
    response = maintainer_api.post("/me/tokens", raw=raw)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_request.malformed_json"


@pytest.mark.parametrize("payload, field", [
    ({"days": "ninety"}, "days"),
    ({"days": [1]}, "days"),
    ({"name": {"a": 1}}, "name"),
    ({"days": None}, "days"),
    ({"days": 0}, "days"),
    ({"days": -5}, "days"),
    ({"days": 100000}, "days"),
    ({"name": "x" * 101}, "name"),
])
def test_wrong_types_are_422_with_fields(maintainer_api, payload, field):
    response = maintainer_api.post("/me/tokens", payload)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error" and field in body["fields"]


@pytest.mark.parametrize("raw", ["[]", "123", '"text"', "null", '{"days": NaN}', '{"days": Infinity}'])
def test_json_that_is_not_an_object_is_rejected(maintainer_api, raw):
    response = maintainer_api.post("/me/tokens", raw=raw)
    assert response.status_code in (400, 422), response.content
    assert response.json()["code"] in ("validation_error", "bad_request.malformed_json")


def test_bad_path_parameter_is_422(maintainer_api):
    response = maintainer_api.delete("/me/tokens/not-a-number")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_unknown_endpoint_is_json_404(maintainer_api):
    response = maintainer_api.get("/no/such/endpoint")
    assert response.status_code == 404


def test_openapi_is_served_and_valid(db):
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.") and "/api/v1/me" in spec["paths"]
    assert "/api/v1/audit/entries" in spec["paths"]
    try:
        from openapi_spec_validator import validate
    except ImportError:
        return
    validate(spec)
