"""``call_ended`` is sent on commit with ``call`` (the IvrCall) when a call leaves the IVR, for KPIs such as
containment (self-served calls over all calls)."""

from django.dispatch import Signal

call_ended = Signal()
