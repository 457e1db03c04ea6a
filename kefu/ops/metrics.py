"""Prometheus metrics. With several app-server processes set PROMETHEUS_MULTIPROC_DIR (docs/deploy.md)."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter("kefu_http_requests_total", "HTTP requests", ["method", "route", "status"])
REQUEST_LATENCY = Histogram("kefu_http_request_seconds", "HTTP request latency", ["method", "route"])
AUDIT_ENTRIES = Counter("kefu_audit_entries_total", "Audit entries written", ["kind"])
