from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "kefu.assist"
    label = "assist"
    verbose_name = "智能辅助"
