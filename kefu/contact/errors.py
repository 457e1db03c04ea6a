from kefu.common.errors import Conflict, InvalidTransition


class InteractionTransitionError(InvalidTransition):
    code = "contact.invalid_transition"


class AgentStateError(Conflict):
    code = "contact.invalid_agent_state"
