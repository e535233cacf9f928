"""Stories off the pages: the 稿库 (pool), the 回收站 (trash), and placing stories on a page.

The pool and the trash are lists of their own (proxy models of Article);
each story opens in the article's own form. The page form gains two lists:
stories of the pool to place on the page, and stories of the page to take
back into the pool. The page picker understands the dates as the admin
writes them (``2024年06月01日``, ``2024-06-01``, ``06-01``).
"""

import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from .. import review
from ..models import Article, PoolArticle, TrashedArticle
from .filters import ThemeFilter
from .review import decide_each

VIEW_PERMISSION = "articles.view_article"


class OffPageAdmin(admin.ModelAdmin):
    """A read-only list of stories; each opens in the article's form."""

    list_display = ("story", "author_names", "created_by", "state", "created_at")
    list_display_links = None
    list_select_related = ("created_by",)
    search_fields = ("headline", "kicker", "subtitle", "author_names", "byline")
    ordering = ("-created_at",)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_PERMISSION)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm(review.EDIT_OTHERS_PERMISSION):
            queryset = queryset.filter(created_by=request.user)  # a reporter sees own stories only
        return queryset

    @admin.display(description="稿件", ordering="headline")
    def story(self, article):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article.title
        )

    @admin.display(description="状态", ordering="status")
    def state(self, article):
        return review.stage_label(article)


@admin.register(PoolArticle)
class PoolArticleAdmin(OffPageAdmin):
    """The 稿库: stories filed but on no page yet, to be placed by an editor."""

    list_filter = (
        ("created_by", admin.RelatedOnlyFieldListFilter),
        "status",
        ThemeFilter,
        ("created_at", admin.DateFieldListFilter),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).unplaced()


@admin.register(TrashedArticle)
class TrashedArticleAdmin(OffPageAdmin):
    """The 回收站: a 总编 restores a story from here or deletes it for good."""

    list_display = ("story", "author_names", "created_by", "trashed_by", "trashed_at")
    list_select_related = ("created_by", "trashed_by")
    list_filter = (("trashed_at", admin.DateFieldListFilter),)
    ordering = ("-trashed_at",)
    actions = ["restore_selected", "purge_selected"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(review.TRASH_PERMISSION) or request.user.has_perm(review.PURGE_PERMISSION)

    def has_purge_permission(self, request):
        return request.user.has_perm(review.PURGE_PERMISSION)

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).trashed()

    def _each(self, request, queryset, move, label):
        # As Article rows, not the proxy's: the signals that keep the index and the caches listen for Article.
        decide_each(self, request, Article.objects.filter(pk__in=queryset.values("pk")), move, label)

    @admin.action(description="从回收站恢复所选稿件", permissions=["purge"])
    def restore_selected(self, request, queryset):
        self._each(request, queryset, review.restore, "恢复")

    @admin.action(description="彻底删除所选稿件", permissions=["purge"])
    def purge_selected(self, request, queryset):
        self._each(request, queryset, review.purge, "彻底删除")


# --- The page form: placing stories and taking them off ---------------------------------


class PagePlacementForm(forms.ModelForm):
    """The page's own fields, plus stories of the pool to place here and stories to take off."""

    place_stories = forms.ModelMultipleChoiceField(
        label="从稿库排入本版",
        queryset=Article.objects.none(),
        required=False,
        widget=FilteredSelectMultiple("稿库稿件", is_stacked=False),
        help_text="选中的稿件保存后排到本版，排在本版已有稿件之后。",
    )
    unplace_stories = forms.ModelMultipleChoiceField(
        label="移回稿库",
        queryset=Article.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="选中的稿件保存后从本版撤下，回到稿库（不删除）。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place_stories"].queryset = Article.objects.unplaced().order_by("-created_at")
        if self.instance.pk:
            self.fields["unplace_stories"].queryset = Article.objects.filter(page=self.instance).order_by("order")
        else:
            self.fields.pop("unplace_stories")


class PagePlacementMixin:
    """Give the page admin the placement lists and a page picker that reads dates."""

    form = PagePlacementForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if request.user.has_perm(review.EDIT_OTHERS_PERMISSION) and self.has_change_permission(request, obj):
            fields = ("place_stories", "unplace_stories") if obj is not None else ("place_stories",)
            fieldsets.append(("稿库", {"fields": fields}))
        return fieldsets

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        page = form.instance
        placed = form.cleaned_data.get("place_stories") or []
        unplaced = form.cleaned_data.get("unplace_stories") or []
        waiting = [a for a in [*placed, *unplaced] if review.placement_waits(request.user, a)]
        if placed:
            last = Article.objects.filter(page=page).order_by("-order").values_list("order", flat=True).first()
            following = (last or 0) + 1
            for offset, article in enumerate(placed):
                review.place(article=article, page=page, user=request.user, order=following + offset)
        for article in unplaced:
            review.unplace(article=article, user=request.user)
        for article in waiting:
            self.message_user(
                request,
                f"《{article.headline}》已发布：排版已保存为待发布的修改，读者仍看到原样，总编发布修改后才会生效。",
                messages.WARNING,
            )

    def get_search_results(self, request, queryset, search_term):
        dated = page_date_q(search_term)
        if dated is not None:
            return queryset.filter(dated), False
        return super().get_search_results(request, queryset, search_term)


_FULL_DATE = re.compile(r"^\s*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")


def page_date_q(term: str) -> Q | None:
    """Return the pages of the date ``term`` names (``2024年06月01日``, ``2024-06-01``, ``06-01``, ``6月1日``).

    What follows the date (``2024年06月01日 第A01版 要闻``) narrows by page code or name.
    """
    found = _FULL_DATE.match(term)
    if found:
        try:
            q = Q(issue__date=datetime.date(*map(int, found.groups())))
        except ValueError:
            return None
    else:
        found = _MONTH_DAY.match(term)
        if not found:
            return None
        month, day = map(int, found.groups())
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        q = Q(issue__date__month=month, issue__date__day=day)
    rest = term[found.end() :].strip()
    for word in rest.replace("第", " ").replace("版", " ").split():
        q &= Q(code__iexact=word) | Q(name__icontains=word)
    return q
