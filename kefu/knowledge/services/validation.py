"""Input checks shared by the knowledge services: lengths, C3 data, dates, choices."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kefu.pii.validators import reject_c3

from ..choices import ArticleKind, Audience, ScriptKind
from ..errors import ArticleInvalid
from ..models import Category

MAX_PARAPHRASES = 30
MAX_TAGS = 15


def clean_text(field: str, value: Any, *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ArticleInvalid(fields={field: _("应为文本")})
    value = value.strip()
    if required and not value:
        raise ArticleInvalid(fields={field: _("必填")})
    if len(value) > max_length:
        raise ArticleInvalid(fields={field: _("不能超过 %(n)d 个字符") % {"n": max_length}})
    try:
        reject_c3(value)
    except ValidationError as exc:
        raise ArticleInvalid(exc.messages[0], code=exc.code, fields={field: exc.messages[0]}) from exc
    return value


def clean_list(field: str, values: Any, *, max_items: int, max_length: int, commas: bool = False) -> list[str]:
    """A list of short texts; a string is split by lines (and by commas when ``commas``)."""
    if values is None:
        return []
    if isinstance(values, str):
        if commas:
            values = values.replace("，", "\n").replace(",", "\n")
        values = values.splitlines()
    if not isinstance(values, list | tuple):
        raise ArticleInvalid(fields={field: _("应为列表")})
    cleaned = [clean_text(field, v, max_length=max_length) for v in values]
    cleaned = list(dict.fromkeys(v for v in cleaned if v))
    if len(cleaned) > max_items:
        raise ArticleInvalid(fields={field: _("最多 %(n)d 项") % {"n": max_items}})
    return cleaned


def clean_article_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the editable content of a version; returns model field values."""
    kind = data.get("kind") or ArticleKind.FAQ
    if kind not in ArticleKind.values:
        raise ArticleInvalid(fields={"kind": _("无效的类型")})
    audience = data.get("audience") or Audience.AGENT
    if audience not in Audience.values:
        raise ArticleInvalid(fields={"audience": _("无效的可见范围")})
    script_kind = data.get("script_kind") or ""
    if script_kind not in ScriptKind.values:
        raise ArticleInvalid(fields={"script_kind": _("无效的话术类型")})
    if kind == ArticleKind.SCRIPT and not script_kind:
        raise ArticleInvalid(fields={"script_kind": _("话术须选择类型")})
    if kind != ArticleKind.SCRIPT:
        script_kind = ""
    category = data.get("category")
    if not isinstance(category, Category):
        category = Category.objects.filter(code=str(category or "")).first() if category else None
        if category is None and str(data.get("category") or "").isdigit():
            category = Category.objects.filter(pk=int(data["category"])).first()
    if category is None:
        raise ArticleInvalid(fields={"category": _("分类不存在")})
    effective_from = _clean_date("effective_from", data.get("effective_from"))
    effective_until = _clean_date("effective_until", data.get("effective_until"))
    if effective_from and effective_until and effective_until < effective_from:
        raise ArticleInvalid(fields={"effective_until": _("失效日期不能早于生效日期")})
    question = clean_text("question", data.get("question"), max_length=300)
    if kind == ArticleKind.FAQ and not question:
        question = clean_text("title", data.get("title"), max_length=300)
    return {
        "kind": kind, "script_kind": script_kind, "audience": audience, "category": category,
        "title": clean_text("title", data.get("title"), max_length=200, required=True),
        "question": question,
        "paraphrases": clean_list("paraphrases", data.get("paraphrases"), max_items=MAX_PARAPHRASES, max_length=300),
        "body": clean_text("body", data.get("body"), max_length=20000, required=True),
        "tags": clean_list("tags", data.get("tags"), max_items=MAX_TAGS, max_length=30, commas=True),
        "effective_from": effective_from, "effective_until": effective_until,
        "change_note": clean_text("change_note", data.get("change_note"), max_length=300),
    }


def _clean_date(field: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ArticleInvalid(fields={field: _("日期格式应为 YYYY-MM-DD")}) from exc
