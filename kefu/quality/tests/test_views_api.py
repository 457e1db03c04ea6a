from django.test import Client

from kefu.common.testing import ApiClient
from kefu.quality import demo
from kefu.quality.models import Evaluation, Scorecard


def test_demo_evaluation_through_pages_and_api(finished_calls, org_tree, user_factory):
    demo.load()
    card = Scorecard.objects.get(code="phone-standard")
    evaluation = Evaluation.objects.filter(scorecard=card).first()
    lead = user_factory("ql", roles=["shift_lead"], unit=org_tree["CC"])
    client = Client()
    client.force_login(lead)
    page = client.get(f"/quality/evaluations/{evaluation.pk}/")
    assert page.status_code == 200 and "风险提示" in page.content.decode()
    items = [i for s in card.sections.all() for i in s.items.all()]
    form = {f"points_{i.pk}": str(i.max_points) for i in items}
    resp = client.post(f"/quality/evaluations/{evaluation.pk}/submit/", form)
    assert resp.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted" and float(evaluation.score) == 100.0
    agent_api = ApiClient(evaluation.agent.user)
    mine = agent_api.get("/quality/evaluations").json()
    assert [e["id"] for e in mine["results"]] == [evaluation.pk]  # assigned ones stay hidden from agents
    resp = agent_api.post(f"/quality/evaluations/{evaluation.pk}/dispute", {"reason": "x"})
    assert resp.status_code == 422 and resp.json()["code"] == "quality.reason_required"
    assert agent_api.post(f"/quality/evaluations/{evaluation.pk}/acknowledge").json()["status"] == "acknowledged"
    other = Evaluation.objects.exclude(agent=evaluation.agent).first()
    assert agent_api.get(f"/quality/evaluations/{other.pk}/acknowledge").status_code == 405
    assert agent_api.post(f"/quality/evaluations/{other.pk}/acknowledge").status_code == 404
