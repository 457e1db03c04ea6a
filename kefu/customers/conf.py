"""Settings of the customers app (read with defaults; set them in the deployment's settings)."""

from django.conf import settings


def verify_max_failures() -> int:
    """Failed identity checks allowed per customer within the window before verification locks."""
    return int(getattr(settings, "KEFU_CUSTOMER_VERIFY_MAX_FAILURES", 3))


def verify_window_minutes() -> int:
    return int(getattr(settings, "KEFU_CUSTOMER_VERIFY_WINDOW_MINUTES", 30))


def verification_valid_minutes() -> int:
    """How long a passed verification unlocks sensitive data within the same interaction."""
    return int(getattr(settings, "KEFU_CUSTOMER_VERIFICATION_VALID_MINUTES", 60))


def retention_years() -> int:
    """Years customer data is kept after the relationship ends (anti-money-laundering rules: 5)."""
    return int(getattr(settings, "KEFU_CUSTOMER_RETENTION_YEARS", 5))


def share_max_days() -> int:
    return int(getattr(settings, "KEFU_CUSTOMER_SHARE_MAX_DAYS", 90))


def recent_transactions_limit() -> int:
    return int(getattr(settings, "KEFU_CUSTOMER_360_TRANSACTIONS", 10))
