"""Weekly hot topics of complaints for other apps (e.g. the reports builder): plain dicts, no request.

``weekly_hot_topics()`` without a user reads every unit's complaints (a centre-wide report; the caller
checks its own permission); with ``user`` it applies that user's row visibility.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import selectors


def weekly_hot_topics(*, user: Any = None, now: datetime | None = None, top: int = 10) -> dict:
    """``{"topics": [intent rows], "terms": [...], "total_current", "total_previous", ...}``.

    Each row: ``code``, ``label``, ``current`` (last 7 days), ``previous`` (the 7 days before), ``change``,
    ``change_pct``.
    """
    result = selectors.weekly_hot_topics(user=user, now=now, top=top).as_dict()
    result["topics"] = result["intents"]
    return result
