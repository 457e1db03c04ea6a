from kefu.common.errors import InvalidTransition


class EvaluationTransitionError(InvalidTransition):
    code = "quality.invalid_transition"
