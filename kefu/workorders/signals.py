"""``workorder_transitioned`` is sent after commit with workorder, action, from_status, to_status, actor."""

from django.dispatch import Signal

workorder_transitioned = Signal()
