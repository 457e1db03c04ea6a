from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "kefu.calendar"
    label = "calendar"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from kefu.ops.registry import banner, readiness_check

        from . import health

        readiness_check("calendar")(health.readiness)
        banner(health.banner)
