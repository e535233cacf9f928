"""The article form: themes typed as text, statuses offered by role, hot areas as their shapes."""

from django import forms
from django.core.exceptions import ValidationError

from unionpaper.publishing import Status

from .. import review
from ..models import Article, Theme, ThemedArticle
from ..themes import format_themes


class ThemeWidget(forms.TextInput):
    """Text input for themes that suggests existing themes as the editor types."""

    template_name = "articles/widgets/theme.html"

    class Media:
        js = ("articles/theme_autocomplete.js",)

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            return format_themes([getattr(v, "tag", v) for v in value])
        return value


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 (ArticleAdmin.fieldsets choose the fields the admin shows)
        widgets = {"themes": ThemeWidget(attrs={"size": 60})}

    #: Statuses the current user may choose; set by ArticleAdmin.get_form.
    allowed_statuses = tuple(Status.values)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            offered = review.settable_statuses(self.instance, self.allowed_statuses)  # as stored, before this form
            self.fields["status"].choices = [c for c in Status.choices if c[0] in offered]
        if "hot_areas" in self.fields:
            self.fields["hot_areas"].widget.attrs.update(rows=3, cols=80, spellcheck="false")
        subwidgets = getattr(self.fields.get("publish_at"), "widget", None)
        for widget, label in zip(getattr(subwidgets, "widgets", ()), ("发布日期", "发布时间"), strict=False):
            # The split date and time boxes share one <label>: each box is named on its own.
            widget.attrs["aria-label"] = label

    @classmethod
    def initial_from_version(cls, version) -> dict:
        """Return the themes saved with ``version`` (its theme links), as the form's themes box held them."""
        tag_ids = [
            v.field_dict.get("tag_id")
            for v in version.revision.version_set.all()
            if v.content_type.model_class() is ThemedArticle
            and str(v.field_dict.get("content_object_id")) == str(version.object_id)
        ]
        return {"themes": list(Theme.objects.filter(pk__in=tag_ids).order_by("name"))}

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if status not in self.allowed_statuses:
            raise ValidationError(
                f"你无权把稿件设为“{Status(status).label}”。" if status in Status.values else "无效的状态。"
            )
        return status


class PublishForm(forms.Form):
    """The one question of the confirmation page: now, or at a later time."""

    publish_at = forms.DateTimeField(
        label="定时发布",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="留空即立即发布；填写将来的时间即定时发布，到时自动上线。",
    )
