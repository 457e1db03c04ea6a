from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "kefu.workorders"
    label = "workorders"
    verbose_name = "工单"

    def ready(self) -> None:
        from .signals import workorder_transitioned
        from .webhooks import on_transition

        workorder_transitioned.connect(on_transition, dispatch_uid="workorders.webhooks")
