"""Contact-center services: interactions (state machine), agent states and routing."""

from .agents import set_agent_state  # noqa: F401
from .interactions import (  # noqa: F401
    abandon,
    answer,
    end_in_self_service,
    end_interaction,
    enqueue,
    hold,
    link_workorder,
    offer_interaction,
    record_satisfaction,
    resume,
    transfer,
    wrap_up,
)
from .routing import route_waiting  # noqa: F401
