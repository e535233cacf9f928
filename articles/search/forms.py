"""The search parameters (GET), shared by the page, the exports, the command and 上一条/下一条."""

from django import forms

from issues.models import normalize_page_code

from ..bylines import normalize_name
from .backends import SORTS

FORMATS = ("csv", "json", "ris")
PER_PAGE = 20


class SearchForm(forms.Form):
    q = forms.CharField(label="检索词", required=False, strip=False)
    start = forms.DateField(
        label="起始日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "起始日期应写成 2023-01-01 的形式。"},
    )
    end = forms.DateField(
        label="截止日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "截止日期应写成 2023-01-01 的形式。"},
    )
    page_code = forms.CharField(label="版次", required=False, max_length=12)
    theme = forms.CharField(label="主题", required=False, max_length=100)
    author = forms.CharField(label="作者", required=False, max_length=60)
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[("relevance", "相关度"), ("newest", "日期从新到旧"), ("oldest", "日期从旧到新")],
        error_messages={"invalid_choice": "排序只能是 relevance、newest 或 oldest。"},
    )
    page = forms.IntegerField(
        label="页码",
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), "页码应是 1 到 10000 之间的整数。"),
    )
    format = forms.ChoiceField(
        label="导出格式",
        required=False,
        choices=[(f, f.upper()) for f in FORMATS],
        error_messages={"invalid_choice": "导出格式只能是 csv、json 或 ris。"},
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Control characters never reach the form (a NUL would fail the database).
            data = {k: data.get(k, "").replace("\x00", "") for k in self.base_fields if k in data}
        super().__init__(data, *args, **kwargs)

    def clean_page_code(self):
        return normalize_page_code(self.cleaned_data["page_code"])

    def clean_author(self):
        return normalize_name(self.cleaned_data["author"])

    def clean_sort(self):
        return self.cleaned_data["sort"] or SORTS[0]

    def clean_page(self):
        return self.cleaned_data["page"] or 1

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "截止日期早于起始日期。")
        return data

    def problems(self) -> list[str]:
        """Return the errors as sentences a reader understands."""
        return [
            f"{self.fields[name].label}：{error}"
            if name in self.fields and self.fields[name].label not in error
            else error
            for name, errors in self.errors.items()
            for error in errors
        ]
