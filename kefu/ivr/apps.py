from django.apps import AppConfig


class IvrConfig(AppConfig):
    name = "kefu.ivr"
    label = "ivr"
    verbose_name = "电话银行IVR"

    def ready(self) -> None:
        from kefu.ops.registry import CheckResult, readiness_check

        from .alerts import connect

        connect()

        @readiness_check("ivr")
        def published_flow() -> CheckResult:
            from . import conf
            from .choices import FlowStatus
            from .models import CallFlow

            if CallFlow.objects.filter(code=conf.default_flow_code(), status=FlowStatus.PUBLISHED).exists():
                return CheckResult(ok=True, detail="IVR flow published")
            return CheckResult(ok=True, warning=True, detail="no published IVR flow: calls are refused (run kefu_setup)")
