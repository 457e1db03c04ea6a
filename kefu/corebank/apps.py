from django.apps import AppConfig


class CorebankConfig(AppConfig):
    name = "kefu.corebank"
    label = "corebank"
    verbose_name = "核心系统适配"

    def ready(self) -> None:
        from kefu.ops.registry import CheckResult, readiness_check

        @readiness_check("corebank")
        def corebank_breaker() -> CheckResult:
            # Reports this process's breaker: an open breaker keeps the instance ready (agents can still
            # work without balances) but is flagged so operations sees the core is unreachable.
            from django.conf import settings

            from .breaker import all_breakers

            if settings.KEFU_CORE_BANK != "http":
                return CheckResult(ok=True, detail="sandbox")
            states = {url: b.state for url, b in all_breakers().items()}
            if any(state != "closed" for state in states.values()):
                return CheckResult(ok=True, warning=True, detail="核心系统熔断中: " + ", ".join(states.values()))
            return CheckResult(ok=True, detail="http, breaker closed")
