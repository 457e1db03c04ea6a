from django.dispatch import Signal

# Sent inside the transaction that ends an interaction (status ENDED or ABANDONED), so KPI rollups
# commit or roll back together with the interaction. Argument: interaction.
interaction_finished = Signal()

# Sent inside the transaction that stores a survey result. Argument: interaction.
satisfaction_recorded = Signal()

# Sent inside the transaction that closes an agent state period: agent, state, started_at, ended_at.
agent_state_ended = Signal()
