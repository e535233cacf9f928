"""The review (三审) on the article's form and list: decisions, the timeline, the note, the trash.

``ReviewAdminMixin`` gives ``ArticleAdmin`` a panel above the form (the
decisions the user may take, and the story's timeline), the note of a
returned story at the top of the form, a readable body and photos where the
user may not change the story, and the actions 通过, 退回修改, 撤回 and
移入回收站. Every decision goes through ``articles.review``, which checks who
may take it.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from unionpaper.concurrency import check_version
from unionpaper.publishing import Status

from .. import review, services
from ..models import Article
from ..sanitize import clean_html

# Decisions the panel's form may post, each a function of ``articles.review``.
DECISIONS = {
    "approve": (review.approve, "通过"),
    "return": (review.send_back, "退回修改"),
    "withdraw": (review.withdraw, "撤回"),
    "submit": (review.submit, "送审"),
    "trash": (review.trash, "移入回收站"),
    "restore": (review.restore, "恢复"),
    "reopen": (review.reopen, "重新打开"),
}


TRASHED_NOTE = "本稿在回收站中，只读：总编从回收站恢复后才能再编辑。"


def refusal(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def decide_each(modeladmin, request, articles, move, label, **kwargs):
    """Apply ``move`` to each article; say how many it moved, and why each of the others was refused."""
    done, refused = 0, []
    for article in articles:
        try:
            move(article=article, user=request.user, **kwargs)
            done += 1
        except (PermissionDenied, ValidationError) as exc:
            refused.append(f"《{article.headline}》：{refusal(exc)}")
    if done:
        modeladmin.message_user(request, f"已{label} {done} 篇稿件。", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, f"未{label}{line}", messages.WARNING)


class NoteForm(forms.Form):
    note = forms.CharField(label="退回意见", widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class ReviewAdminMixin:
    """Review decisions, timeline and trash for the article admin (see the module's docstring)."""

    change_form_template = "admin/articles/article/review_change_form.html"

    # --- The form ------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(self.decide_view)
        return [path("<int:object_id>/review/", view, name="articles_article_review"), *super().get_urls()]

    def decide_view(self, request, object_id):
        """Take one decision posted from the panel (``decision``, ``note``) and go back to the form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        name = request.POST.get("decision", "")
        if name not in DECISIONS:
            messages.error(request, "未知的操作。")
        else:
            move, label = DECISIONS[name]
            kwargs = {"note": request.POST.get("note", "")} if name in ("approve", "return", "reopen") else {}
            try:
                # Decided on the version the panel showed: a story changed since is refused, not decided blind.
                check_version(article, request.POST.get("version") or None)
                move(article=article, user=request.user, **kwargs)
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, f"未能{label}：{refusal(exc)}")
            else:
                messages.success(request, f"《{article.headline}》已{label}。")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Refuse to show a version of a story in the 回收站 for restoring: it is read-only until restored."""
        article = self.get_object(request, unquote(object_id))
        if article is not None and article.trashed_at is not None:
            messages.error(request, f"{TRASHED_NOTE}不能恢复历史版本。")
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        return super().revision_view(request, object_id, version_id, extra_context)

    def review_context(self, request, article):
        """What the panel shows: where the story stands, its timeline, the decisions the user may take."""
        user = request.user
        current = review.current_stage(article)
        decisions = []
        if article.trashed_at is None:
            if current is not None and review.can_decide(user, current):
                decisions += ["approve", "return"]
            if review.can_withdraw(user, article):
                decisions.append("withdraw")
            if review.can_reopen(user, article):
                decisions.append("reopen")
            if user.has_perm(review.TRASH_PERMISSION):
                decisions.append("trash")
        elif user.has_perm(review.PURGE_PERMISSION):
            decisions.append("restore")
        return {
            "review_state": review.stage_label(article),
            "review_stage": current,
            "review_steps": list(article.review_decisions.select_related("decided_by")),
            "review_decisions": decisions,
            "review_trashed": article.trashed_at is not None,
            "review_returned": review.return_note(article),
            "review_url": reverse("admin:articles_article_review", args=[article.pk]),
            "review_stages": review.stages(),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context.update(self.review_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: the body as the reader sees it, not its markup.
        return [
            (name, {**opts, "fields": tuple("body_as_read" if f == "body" else f for f in opts["fields"])})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "body_as_read"]
        if obj is not None and review.current_stage(obj) and not services.can_publish(request.user):
            # A story in review moves on by the stages' decisions, not by editing its status.
            fields.append("status")
        return fields

    @admin.display(description="正文")
    def body_as_read(self, article):
        return mark_safe(f'<div class="article-body-read">{clean_html(article.body)}</div>')  # sanitized by clean_html

    def save_model(self, request, obj, form, change):
        # The stored status, not the form's: a form without the status field (read-only in review) has none.
        stored = Article.objects.filter(pk=obj.pk).values_list("status", "review_stage").first() if change else None
        before, before_stage = stored or (None, "")
        submitting = obj.status == Status.REVIEW and before in (None, Status.DRAFT)
        if submitting and obj.trashed_at is not None:
            raise PermissionDenied("回收站里的稿件不能送审。")
        reopening = review.reopens(before, before_stage, obj.status)
        super().save_model(request, obj, form, change)
        if submitting:
            review.record_submission(article=obj, user=request.user)
        if reopening:
            review.record_reopening(article=obj, user=request.user)
            request._review_reopened = True

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if getattr(request, "_review_reopened", False) and reversion.is_active():
            # The history says the story was reopened, beside the fields the form changed.
            reversion.set_comment(f"{review.REOPEN_COMMENT}；{entry.get_change_message()}")
        return entry

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        # The list leaves out the 回收站; the form still opens a trashed story (to read or restore it).
        if match is not None and match.url_name == "articles_article_changelist":
            queryset = queryset.untrashed()
        return queryset

    # --- Actions -------------------------------------------------------------------------

    def _decide_each(self, request, queryset, move, label, **kwargs):
        decide_each(self, request, queryset, move, label, **kwargs)

    def has_review_permission(self, request):
        return bool(review.decidable_stages(request.user))

    def has_trash_permission(self, request):
        return request.user.has_perm(review.TRASH_PERMISSION)

    @admin.action(description="通过所选稿件（本审级）", permissions=["review"])
    def approve_selected(self, request, queryset):
        self._decide_each(request, queryset, review.approve, "通过")

    @admin.action(description="退回修改所选稿件…", permissions=["review"])
    def return_to_draft(self, request, queryset):
        """Ask for the note, then return each story from its stage."""
        form = NoteForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            self._decide_each(request, queryset, review.send_back, "退回", note=form.cleaned_data["note"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "退回修改",
            "opts": self.model._meta,
            "articles": list(queryset),
            "form": form,
            "action_name": "return_to_draft",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/return_confirmation.html", context)

    @admin.action(description="撤回所选送审（作者）", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        self._decide_each(request, queryset, review.withdraw, "撤回")

    @admin.action(description="移入回收站", permissions=["trash"])
    def trash_selected(self, request, queryset):
        self._decide_each(request, queryset, review.trash, "移入回收站")
