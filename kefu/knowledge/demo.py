"""Demo knowledge base: ~65 published articles written by the clerk, approved by a shift lead, product
and fee articles reviewed by the risk department, published by the director. Idempotent by title."""

from __future__ import annotations

from django.db import transaction

from .choices import VersionStatus
from .demo_content import ARTICLES
from .models import Article
from .setup import seed

AUTHOR, APPROVER, COMPLIANCE, PUBLISHER = "clerk", "lead1", "risk_handler", "director"


def load(stdout=None) -> None:
    from kefu.org.models import User

    from . import services

    seed(stdout)
    users = {u.username: u for u in User.objects.filter(username__in=[AUTHOR, APPROVER, COMPLIANCE, PUBLISHER])}
    missing = {AUTHOR, APPROVER, COMPLIANCE, PUBLISHER} - set(users)
    if missing:
        if stdout is not None:
            stdout.write(f"knowledge: demo users missing ({', '.join(sorted(missing))}); load the org demo first\n")
        return
    existing = set(Article.objects.values_list("title", flat=True))
    published = 0
    for category, kind, audience, title, question, paraphrases, body, tags, script_kind in ARTICLES:
        if title in existing:
            continue
        with transaction.atomic():
            version = services.create_article(
                actor=users[AUTHOR], kind=kind, script_kind=script_kind, category=category, audience=audience,
                title=title, question=question, paraphrases=paraphrases, body=body, tags=tags,
                change_note="初始版本")
            services.transition(version=version, action="submit", actor=users[AUTHOR])
            version = services.transition(version=version, action="approve", actor=users[APPROVER])
            if version.status == VersionStatus.PENDING_COMPLIANCE:
                version = services.transition(version=version, action="compliance_approve", actor=users[COMPLIANCE])
            services.transition(version=version, action="publish", actor=users[PUBLISHER])
        published += 1
    if stdout is not None:
        stdout.write(f"knowledge: {published} demo articles published\n")
