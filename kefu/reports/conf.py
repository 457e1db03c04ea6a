from django.conf import settings


def service_level_seconds() -> int:
    return int(getattr(settings, "KEFU_SERVICE_LEVEL_SECONDS", 20))


def rings_seconds() -> int:
    # "Answer within three rings" (三声接听), configured as 15 seconds by default.
    return int(getattr(settings, "KEFU_RINGS_SECONDS", 15))


def short_abandon_seconds() -> int:
    return int(getattr(settings, "KEFU_SHORT_ABANDON_SECONDS", 5))


def bucket_minutes() -> int:
    return 30
