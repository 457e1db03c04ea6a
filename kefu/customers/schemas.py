"""Request and response schemas of the customers API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class CandidateOut(Schema):
    id: int
    cif_no: str
    name: str
    mobile: str
    id_number: str
    segment: str
    value_tier: str
    is_vulnerable: bool
    vulnerable_reasons: list[str]
    home_unit: str
    url: str


class CustomerCreateIn(Schema):
    purpose: str
    name: str = ""
    mobile: str = ""
    id_type: str = ""
    id_number: str = ""
    email: str = ""
    address: str = ""
    preferred_channel: str = ""
    home_unit_code: str = ""
    disability: bool = False
    needs_interpreter: bool = False
    interpreter_language: str = ""
    marketing_opt_out: bool = False


class SyncIn(Schema):
    cif_no: str = Field(..., min_length=1, max_length=32)


class UnmaskIn(Schema):
    field: str
    reason: str = ""
    interaction: str = Field("", max_length=64)


class UnmaskOut(Schema):
    field: str
    value: str


class VerifyIn(Schema):
    interaction: str = Field(..., min_length=1, max_length=64)
    answers: dict[str, str]


class VerifyOut(Schema):
    attempt_id: int
    outcome: str
    verified: bool
    factors: list[str]


class NoteIn(Schema):
    body: str
    channel: str = "phone"
    interaction: str = ""


class ChangeIn(Schema):
    field: str
    new_value: Any
    reason: str
    evidence: str = ""


class DecisionIn(Schema):
    note: str = ""


class ChangeOut(Schema):
    id: int
    customer_id: int
    field: str
    old_value_masked: str
    new_value_masked: str
    reason: str
    evidence: str
    requires_approval: bool
    status: str
    maker: str
    checker: str | None
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_maker(obj):
        return obj.maker.username

    @staticmethod
    def resolve_checker(obj):
        return obj.checker.username if obj.checker_id else None


class ConsentIn(Schema):
    purpose: str
    channel: str
    scope: str = ""
    evidence: str = ""
    expires_at: datetime | None = None


class WithdrawIn(Schema):
    channel: str


class ConsentOut(Schema):
    id: int
    customer_id: int
    purpose: str
    scope: str
    channel: str
    granted_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None
    withdrawn_channel: str
    effective: bool

    @staticmethod
    def resolve_effective(obj):
        return obj.is_effective()


class SharingIn(Schema):
    recipient_kind: str
    recipient_name: str = ""
    recipient_unit_code: str = ""
    purpose: str
    legal_basis: str = ""
    fields: list[str]
    days: int = 30


class SharingOut(Schema):
    id: int
    customer_id: int
    recipient_kind: str
    recipient_name: str
    purpose: str
    fields: list[str]
    status: str
    requested_by: str
    approved_by: str | None
    expires_at: datetime
    access_count: int

    @staticmethod
    def resolve_requested_by(obj):
        return obj.requested_by.username

    @staticmethod
    def resolve_approved_by(obj):
        return obj.approved_by.username if obj.approved_by_id else None

    @staticmethod
    def resolve_access_count(obj):
        return obj.accesses.count()


class ErasureIn(Schema):
    channel: str
    reason: str = ""


class ErasureOut(Schema):
    id: int
    customer_id: int
    status: str
    refusal_code: str
    retention_until: str | None

    @staticmethod
    def resolve_retention_until(obj):
        return obj.retention_until.isoformat() if obj.retention_until else None


class LegalHoldIn(Schema):
    hold: bool
    reason: str


class FlagIn(Schema):
    category: str
    description: str
    txn_id: str = ""
    account_no: str = ""
    amount_fen: int | None = None


class CaseOut(Schema):
    number: str
    customer_id: int
    customer_cif_no: str
    subject: str
    category: str
    txn_id: str
    account_no_masked: str
    amount_fen: int | None
    description: str
    status: str
    flagged_by: str
    flagged_unit: str
    created_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_customer_cif_no(obj):
        return obj.customer.cif_no

    @staticmethod
    def resolve_flagged_by(obj):
        return obj.flagged_by.username

    @staticmethod
    def resolve_flagged_unit(obj):
        return obj.flagged_unit.name if obj.flagged_unit_id else ""


class CaseTransitionIn(Schema):
    to: str
    resolution: str = ""
