from django.db import models

from .models import Notification


def notifications_for(obj: models.Model):
    return Notification.objects.filter(related_type=obj._meta.label_lower, related_id=str(obj.pk)).order_by(
        "-created_at")
