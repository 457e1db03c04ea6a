"""Every write of the customers app. Each service takes keyword-only arguments and an explicit actor,
runs in one transaction and leaves an audit row."""

from .changes import approve_change, cancel_change, reject_change, request_change
from .consent import has_consent, record_consent, withdraw_consent
from .erasure import process_erasure, request_erasure, set_legal_hold
from .profile import create_customer, record_interaction_note, sync_customer_from_core, unmask_customer_field
from .risk import flag_suspicious, transition_case
from .sharing import access_shared_data, approve_sharing, reject_sharing, request_sharing, revoke_sharing
from .verification import available_factors, is_verified, verify_identity

__all__ = [
    "access_shared_data", "approve_change", "approve_sharing", "available_factors", "cancel_change",
    "create_customer", "flag_suspicious", "has_consent", "is_verified", "process_erasure",
    "record_consent", "record_interaction_note", "reject_change", "reject_sharing", "request_change",
    "request_erasure", "request_sharing", "revoke_sharing", "set_legal_hold", "sync_customer_from_core",
    "transition_case", "unmask_customer_field", "verify_identity", "withdraw_consent",
]
