def on_interaction_finished(sender, interaction, **kwargs):
    from .services import scan_interaction

    if interaction.status == "ended" and interaction.agent_id:
        scan_interaction(interaction)


def connect() -> None:
    from kefu.contact.signals import interaction_finished

    interaction_finished.connect(on_interaction_finished, dispatch_uid="quality.keyword_scan")
