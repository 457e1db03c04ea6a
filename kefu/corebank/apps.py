from django.apps import AppConfig


class CorebankConfig(AppConfig):
    name = "kefu.corebank"
    label = "corebank"
    verbose_name = "核心系统适配"
