from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "kefu.workorders"
    label = "workorders"
    verbose_name = "工单"
