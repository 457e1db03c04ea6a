"""Customer profile, information governance (changes, consents, sharing, erasure), verification and risk."""

from .governance import (
    ChangeHistory,
    ChangeRequest,
    Consent,
    DataSharingAccess,
    DataSharingRequest,
    ErasureRequest,
)
from .profile import Customer, CustomerCard, CustomerNote, CustomerPhone
from .risk import SuspiciousCase, VerificationAttempt

__all__ = [
    "ChangeHistory", "ChangeRequest", "Consent", "Customer", "CustomerCard", "CustomerNote", "CustomerPhone",
    "DataSharingAccess", "DataSharingRequest", "ErasureRequest", "SuspiciousCase", "VerificationAttempt",
]
