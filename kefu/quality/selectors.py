from django.db.models import Q

from .models import Evaluation
from .permissions import QualityP


def evaluations_visible_to(user):
    """Evaluators and managers see all; an agent sees only their own (never calibration copies)."""
    qs = Evaluation.objects.select_related("interaction", "agent__user", "scorecard", "evaluator")
    if user.has_kefu_perm(QualityP.VIEW_ALL):
        return qs
    if user.has_kefu_perm(QualityP.OWN):
        return qs.filter(Q(agent__user=user), calibration__isnull=True).exclude(status="assigned")
    return qs.none()
