"""Calls handed over by the IVR become queued interactions with the IVR context (screen pop on the desktop)."""

from __future__ import annotations

import logging

from .selectors import resolve_queue

logger = logging.getLogger("kefu.contact")


def on_ivr_call_ended(sender, call, **kwargs) -> None:
    from .models import Interaction
    from .services import offer_interaction

    if not call.transferred_queue or Interaction.objects.filter(ivr_call_id=call.call_id).exists():
        return
    queue = resolve_queue(call.transferred_queue)
    if queue is None:
        logger.warning("IVR transfer to unknown queue %s; configure KEFU_IVR_QUEUE_MAP", call.transferred_queue)
        return
    customer = None
    if call.cif_no:
        from kefu.customers.selectors import get_by_cif

        customer = get_by_cif(call.cif_no)
    interaction = offer_interaction(channel="phone", queue=queue, actor=None, customer=customer,
                                    ivr_call_id=call.call_id, ivr_context=call.handoff or {}, queue_now=False)
    # The IVR keeps only the masked number and its blind index; the interaction shows the same.
    Interaction.objects.filter(pk=interaction.pk).update(contact_masked=call.caller_masked,
                                                         contact_index=call.caller_index)
    from .services import enqueue

    enqueue(interaction=interaction, actor=None)


def connect() -> None:
    from kefu.ivr.signals import call_ended

    call_ended.connect(on_ivr_call_ended, dispatch_uid="contact.ivr_handoff")
