"""The IVR engine: a pure state machine over a JSON session (no database, no transport).

``Engine.start(state)`` and ``Engine.feed(state, event)`` return ``(state, output)``; an output is a prompt
with the input it expects (:class:`Ask`), a request for the driver to do something (:class:`Effect`, whose
result the driver feeds back as :class:`EffectDone`), a :class:`Transfer` or a :class:`Hangup`. The HTTP
API, the softphone and the FastAGI server all drive it through ``kefu.ivr.services``.
"""

from .machine import Engine
from .types import Ask, Digits, Effect, EffectDone, Expect, Hangup, HangupEvent, Prompt, Timeout, Transfer

__all__ = ["Ask", "Digits", "Effect", "EffectDone", "Engine", "Expect", "Hangup", "HangupEvent", "Prompt",
           "Timeout", "Transfer"]
