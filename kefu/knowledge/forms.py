from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ArticleKind, Audience, ScriptKind
from .models import Category


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ArticleKind.choices)
    script_kind = forms.ChoiceField(label=_("话术类型"), choices=ScriptKind.choices, required=False)
    category = forms.ModelChoiceField(label=_("分类"), queryset=Category.objects.all(), to_field_name="code")
    audience = forms.ChoiceField(label=_("可见范围"), choices=Audience.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    question = forms.CharField(label=_("标准问题"), max_length=300, required=False)
    paraphrases = forms.CharField(label=_("相似问法（每行一个）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    body = forms.CharField(label=_("正文/答案"), widget=forms.Textarea(attrs={"rows": 12}))
    tags = forms.CharField(label=_("标签（逗号分隔）"), required=False, max_length=500)
    effective_from = forms.DateField(label=_("生效日期"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    effective_until = forms.DateField(label=_("失效日期（含当日）"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    change_note = forms.CharField(label=_("修改说明"), max_length=300, required=False)

    @classmethod
    def initial_from(cls, version) -> dict:
        return {
            "kind": version.kind, "script_kind": version.script_kind, "category": version.category.code,
            "audience": version.audience, "title": version.title, "question": version.question,
            "paraphrases": "\n".join(version.paraphrases or []), "body": version.body,
            "tags": "，".join(version.tags or []), "effective_from": version.effective_from,
            "effective_until": version.effective_until, "change_note": version.change_note,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["category"] = data["category"].code
        return data


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    comment = forms.CharField(max_length=500, required=False)
