from django.apps import AppConfig


class PiiConfig(AppConfig):
    name = "kefu.pii"
    label = "pii"
    verbose_name = "个人信息保护"
