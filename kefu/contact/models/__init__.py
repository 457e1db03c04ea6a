"""Contact-center models: interactions, queues and agents (``core``) and rosters (``workforce``)."""

from .core import *  # noqa: F403
from .core import (  # noqa: F401
    AgentProfile,
    AgentStateLog,
    ChatMessage,
    Interaction,
    InteractionEvent,
    InteractionWorkOrder,
    Queue,
    Recording,
    RetentionCategory,
    RetentionPolicy,
    Skill,
    StateReason,
    WrapUpCode,
)
from .workforce import RosterEntry, ShiftPattern, ShiftSwapRequest  # noqa: F401
