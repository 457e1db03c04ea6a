"""Keep rollups current: listen to the contact center's events (connected in ReportsConfig.ready)."""

from . import rollups


def on_interaction_finished(sender, interaction, **kwargs):
    rollups.add_interaction(interaction)


def on_satisfaction_recorded(sender, interaction, **kwargs):
    rollups.add_satisfaction(interaction)


def on_agent_state_ended(sender, agent, state, started_at, ended_at, **kwargs):
    rollups.add_agent_time(agent_id=agent.pk, team=agent.team, state=state, started_at=started_at, ended_at=ended_at)


def connect() -> None:
    from kefu.contact.signals import agent_state_ended, interaction_finished, satisfaction_recorded

    agent_state_ended.connect(on_agent_state_ended, dispatch_uid="reports.agent_state_ended")

    interaction_finished.connect(on_interaction_finished, dispatch_uid="reports.interaction_finished")
    satisfaction_recorded.connect(on_satisfaction_recorded, dispatch_uid="reports.satisfaction_recorded")
