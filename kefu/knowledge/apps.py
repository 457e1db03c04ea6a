from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "kefu.knowledge"
    label = "knowledge"
    verbose_name = "知识库"

    def ready(self) -> None:
        from kefu.ops.registry import CheckResult, readiness_check

        @readiness_check("knowledge")
        def search_index_loaded() -> CheckResult:
            # The first probe builds this process's search index, so the first agent's search is not
            # the one that waits for it (a few seconds at 10,000 articles).
            from .search import current_index

            try:
                index = current_index()
            except Exception as exc:  # noqa: BLE001 - reported, never raised from a probe
                return CheckResult(ok=True, warning=True, detail=f"search index not built: {type(exc).__name__}")
            return CheckResult(ok=True, detail=f"{len(index)} articles indexed")
