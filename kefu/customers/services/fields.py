"""Validation, normalisation and masking of the profile's PII fields (shared by create, change and sync)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kefu.pii.checks import birth_date_from_id, is_valid_id_number, is_valid_mobile, normalize_mobile
from kefu.pii.crypto import blind_index
from kefu.pii.masking import mask_address, mask_email, mask_id_number, mask_mobile, mask_name
from kefu.pii.validators import reject_c3

from ..choices import ChangeField, ContactChannel, IdType
from ..errors import CustomerInvalid
from ..models import Customer, CustomerPhone

BOOLEAN_FIELDS = {ChangeField.MARKETING_OPT_OUT, ChangeField.DISABILITY, ChangeField.NEEDS_INTERPRETER}
CHOICE_FIELDS = {ChangeField.PREFERRED_CHANNEL: ContactChannel}


def clean_name(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 60:
        raise CustomerInvalid(_("请填写客户姓名（不超过60字）"), code="customers.invalid_name",
                              fields={"name": "invalid"})
    _reject_c3(value, "name")
    return value


def clean_mobile(value: str, field: str = "mobile") -> str:
    number = normalize_mobile(value or "")
    if not is_valid_mobile(number):
        raise CustomerInvalid(_("手机号码格式不正确"), code="customers.invalid_mobile", fields={field: "invalid"})
    return number


_LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")


def clean_phone(value: str, field: str = "phone") -> str:
    """A mobile number, or a landline with area code (010-12345678), normalised to digits."""
    number = normalize_mobile(value or "")
    if is_valid_mobile(number) or _LANDLINE_RE.fullmatch(number):
        return number
    raise CustomerInvalid(_("电话号码格式不正确"), code="customers.invalid_phone", fields={field: "invalid"})


def clean_id(id_type: str, value: str) -> str:
    value = (value or "").strip().upper()
    if id_type not in IdType.values:
        raise CustomerInvalid(_("证件类型无效"), code="customers.invalid_id_type", fields={"id_type": "invalid"})
    if id_type == IdType.ID_CARD:
        if not is_valid_id_number(value):
            raise CustomerInvalid(_("身份证号码无效（GB 11643 校验未通过）"), code="customers.invalid_id_number",
                                  fields={"id_number": "invalid"})
    elif not (4 <= len(value) <= 30 and value.replace("-", "").isalnum()):
        raise CustomerInvalid(_("证件号码格式不正确"), code="customers.invalid_id_number",
                              fields={"id_number": "invalid"})
    return value


def clean_email(value: str) -> str:
    value = (value or "").strip()
    if value and ("@" not in value or len(value) > 120 or " " in value):
        raise CustomerInvalid(_("电子邮件格式不正确"), code="customers.invalid_email", fields={"email": "invalid"})
    return value


def clean_address(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 200:
        raise CustomerInvalid(_("地址过长"), code="customers.invalid_address", fields={"address": "too_long"})
    _reject_c3(value, "address")
    return value


def _reject_c3(value: str, field: str) -> None:
    try:
        reject_c3(value)
    except ValidationError as exc:
        raise CustomerInvalid(exc.messages[0], code=exc.code, fields={field: "c3"}) from exc


def clean_text(value: str, field: str, *, max_length: int = 300, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CustomerInvalid(_("此项必填"), code="customers.required", fields={field: "required"})
    if len(value) > max_length:
        raise CustomerInvalid(_("内容过长"), code="customers.too_long", fields={field: "too_long"})
    _reject_c3(value, field)
    return value


def clean_change_value(field: str, value: Any, *, customer: Customer) -> str:
    """The normalised new value for a change request, as text (booleans as "true"/"false")."""
    if field == ChangeField.NAME:
        return clean_name(str(value))
    if field == ChangeField.ID_NUMBER:
        return clean_id(customer.id_type, str(value))
    if field == ChangeField.SMS_PHONE:
        return clean_mobile(str(value), field)
    if field == ChangeField.EXTRA_PHONE:
        return clean_phone(str(value), field)
    if field == ChangeField.EMAIL:
        return clean_email(str(value))
    if field == ChangeField.ADDRESS:
        return clean_address(str(value))
    if field in BOOLEAN_FIELDS:
        text = str(value).strip().lower()
        if text not in ("true", "false", "1", "0"):
            raise CustomerInvalid(_("取值应为是或否"), code="customers.invalid_value", fields={"new_value": "bool"})
        return "true" if text in ("true", "1") else "false"
    if field in CHOICE_FIELDS:
        if str(value) not in CHOICE_FIELDS[field].values:
            raise CustomerInvalid(_("取值无效"), code="customers.invalid_value", fields={"new_value": "choice"})
        return str(value)
    raise CustomerInvalid(_("不支持变更此字段"), code="customers.invalid_field", fields={"field": "invalid"})


def masked(field: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    value = str(value)
    if field in ("name",):
        return mask_name(value)
    if field in ("id_number",):
        return mask_id_number(value)
    if field in ("sms_phone", "extra_phone", "mobile"):
        return mask_mobile(value)
    if field == "email":
        return mask_email(value)
    if field == "address":
        return mask_address(value)
    return value[:200]


def current_value(customer: Customer, field: str) -> str:
    if field == ChangeField.SMS_PHONE:
        return customer.mobile
    if field == ChangeField.EXTRA_PHONE:
        return ""
    value = getattr(customer, field)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value or ""


def set_id_number(customer: Customer, id_type: str, id_number: str) -> None:
    customer.id_type = id_type
    customer.id_number = id_number
    customer.id_number_index = blind_index("id", id_number) if id_number else ""
    if id_type == IdType.ID_CARD and id_number:
        customer.birth_date = birth_date_from_id(id_number) or customer.birth_date


def set_sms_phone(customer: Customer, number: str) -> None:
    """Make ``number`` the SMS phone (saved customer required); the old SMS phone stays as a contact number."""
    customer.mobile = number
    customer.mobile_index = blind_index("mobile", number) if number else ""
    customer.save(update_fields=["mobile", "mobile_index", "updated_at"])
    CustomerPhone.objects.filter(customer=customer, is_sms=True).update(is_sms=False)
    if number:
        phone, _created = CustomerPhone.objects.get_or_create(
            customer=customer, number_index=customer.mobile_index, defaults={"number": number})
        CustomerPhone.objects.filter(pk=phone.pk).update(is_sms=True)


def add_phone(customer: Customer, number: str, kind: str = "") -> CustomerPhone:
    index = blind_index("mobile", number)
    kind = kind or ("mobile" if is_valid_mobile(number) else "home")
    phone, _created = CustomerPhone.objects.get_or_create(customer=customer, number_index=index,
                                                          defaults={"number": number, "kind": kind})
    return phone
