import pytest

from kefu.common.testing import ApiClient


@pytest.mark.django_db
def test_me_requires_auth_and_returns_user(agent):
    anon = ApiClient().get("/me")
    assert anon.status_code == 401
    assert anon.json()["code"] == "auth.not_authenticated"
    resp = ApiClient(agent).get("/me")
    assert resp.status_code == 200
    body = resp.json()
    assert body["username"] == "agent_t"
    assert body["roles"] == ["agent"]
    assert [u["code"] for u in body["units"]] == ["HO", "CC"]


@pytest.mark.django_db
def test_malformed_json_is_400_not_500(agent):
    resp = ApiClient(agent).post("/me/tokens", raw="{not json")
    assert resp.status_code == 400
    assert resp.json()["code"] == "bad_request.malformed_json"
