"""Every write to work orders. ``create_workorder`` and ``transition`` are the entry points other apps use."""

from ..workflow import transition
from .content import add_attachment, add_note, update_classification
from .intake import add_accounts, create_workorder

__all__ = ["add_accounts", "add_attachment", "add_note", "create_workorder", "transition", "update_classification"]
