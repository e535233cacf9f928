"""Admin for articles: where editors write and arrange copy.

What each newsroom role (issues migration 0002) may do is enforced here:
a 记者 sees and changes only own drafts and can submit them; a 编辑 changes
any article but cannot publish; only the 总编 publishes, unpublishes and
schedules. The rules themselves live in ``articles.services``.
"""

import reversion
from csp.decorators import csp_update
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.utils.html import format_html

from unionpaper.adminkit import NewsroomAdmin
from unionpaper.adminkit.history import RelatedSummary
from unionpaper.adminkit.scale import EstimatedCountPaginator
from unionpaper.editor_policy import CKEDITOR_CSP
from unionpaper.publishing import Status

from .. import services
from ..models import Article, ArticleImage, Theme, ThemedArticle
from ..search.api import admin_article_ids
from .filters import PageCodeFilter, ThemeFilter
from .forms import ArticleAdminForm
from .inlines import ArticleImageInline
from .review import ReviewAdminMixin
from .working_copies import PendingChangesFilter, WorkingCopyAdminMixin

# The admin lists at most this many newest matches of a search.
ADMIN_SEARCH_LIMIT = 10_000


def theme_name(data: dict) -> str:
    """Name the theme of a saved theme link (ThemedArticle), or say it is gone."""
    theme = Theme.objects.filter(pk=data.get("tag_id")).first()
    return theme.name if theme else f"（已删除的主题 {data.get('tag_id')}）"


def image_line(data: dict) -> str:
    """Describe a saved photo by its caption and credit."""
    return f"{data.get('caption') or '（无说明）'}　{data.get('credit') or ''}".strip()


@admin.register(Article)
class ArticleAdmin(WorkingCopyAdminMixin, ReviewAdminMixin, NewsroomAdmin):
    form = ArticleAdminForm
    list_display = (
        "headline",
        "kicker",
        "issue_date",
        "page_code",
        "author_names",
        "status",
        "publish_at",
        "updated_at",
        "pending_changes",
    )
    list_display_links = ("headline",)
    list_select_related = ("page", "page__issue")
    list_filter = (
        "status",
        ("page__issue__date", admin.DateFieldListFilter),
        PageCodeFilter,
        ThemeFilter,
        PendingChangesFilter,
    )
    search_fields = ("headline", "kicker", "subtitle", "author_names", "byline")
    search_help_text = "按标题、引题、副标题或作者搜索（作者名不必带空格）。"
    date_hierarchy = "page__issue__date"
    # At a million articles: read the hierarchy's dates from the issues table,
    # estimate the unfiltered count, and skip the second, unfiltered count.
    change_list_template = "admin/articles/article/change_list.html"
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    ordering = ("-page__issue__date", "page__sort_key", "order")
    autocomplete_fields = ("page",)
    inlines = [ArticleImageInline]
    # The history's comparison shows themes and photos beside the article's own fields.
    history_related = (
        RelatedSummary("主题", ThemedArticle, "content_object_id", theme_name),
        RelatedSummary("图片", ArticleImage, "article_id", image_line),
    )
    readonly_fields = ("byline_parts", "citation", "created_by", "created_at", "updated_at")
    actions = [
        "submit_for_review",
        "withdraw_selected",
        "approve_selected",
        "return_to_draft",
        "publish_now",
        "unpublish",
        "trash_selected",
        "publish_changes",
    ]
    fieldsets = (
        (None, {"fields": ("page", "order", "kicker", "headline", "subtitle")}),
        ("署名", {"fields": ("byline", "byline_parts")}),
        ("正文", {"fields": ("body", "themes")}),
        (
            "版面热区",
            {
                "classes": ("collapse",),
                "description": "稿件在版面图上的区域，读者点击即打开本稿；请在版面的热区编辑器中画出，"
                "这里是同样的数据（坐标为版面宽、高的比例）。",
                "fields": ("hot_areas",),
            },
        ),
        (
            "发布",
            {
                "fields": ("status", "publish_at"),
                "description": "记者写完后设为“待审”送审；只有总编可以发布、撤回和定时发布。",
            },
        ),
        ("记录", {"classes": ("collapse",), "fields": ("citation", "created_by", "created_at", "updated_at")}),
    )

    # --- Who sees and changes what ------------------------------------------

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not request.user.has_perm(services.EDIT_OTHERS_PERMISSION):
            # A reporter works on own articles only.
            qs = qs.filter(created_by=request.user)
        return qs

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or services.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def has_edit_others_permission(self, request):
        return request.user.has_perm(services.EDIT_OTHERS_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user):
            fields.append("publish_at")
            if obj is not None and obj.status == Status.PUBLISHED:
                fields.append("status")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if services.can_publish(request.user):
            allowed = tuple(Status.values)
        else:
            allowed = (Status.DRAFT, Status.REVIEW)
        return type(form.__name__, (form,), {"allowed_statuses": allowed})

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Themes are saved after the article; record the article again so the
        # revision holds the themes as they are now.
        if reversion.is_active():
            reversion.add_to_revision(form.instance)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A collapsed fieldset (版面热区, 记录) is a closed <details>: an error
        # inside it would show only as "请更正以下错误。". Django opens such a
        # fieldset only when a field listed flat has an error, not one of a
        # (left, top) pair, so drop "collapse" here from any that holds one.
        adminform = context.get("adminform")
        if adminform is not None and adminform.form.errors:
            errors = set(adminform.form.errors)
            adminform.fieldsets = [
                (name, {**opts, "classes": tuple(c for c in opts.get("classes", ()) if c != "collapse")})
                if errors & set(flatten(opts["fields"]))
                else (name, opts)
                for name, opts in adminform.fieldsets
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    @csp_update(CKEDITOR_CSP)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- Actions ----------------------------------------------------------------

    @admin.action(description="送审所选稿件", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._decide_each(request, queryset, services.submit_article, "送审")

    @admin.action(description="立即发布所选稿件", permissions=["publish"])
    def publish_now(self, request, queryset):
        self._decide_each(request, queryset, services.publish_article, "发布")

    @admin.action(description="撤回所选已发布稿件", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._decide_each(request, queryset.filter(status=Status.PUBLISHED), services.unpublish_article, "撤回")

    # --- Display ----------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        """Search the archive's bigram index: every article in which the words are printed.

        Drafts included, body included, ``刘 飞`` finds 刘飞; a query the index
        cannot read falls back to Django's own search of the title fields.
        """
        term = search_term.strip()
        ids = admin_article_ids(term, limit=ADMIN_SEARCH_LIMIT) if term else None
        if ids is None:
            return super().get_search_results(request, queryset, search_term)
        if len(ids) >= ADMIN_SEARCH_LIMIT:
            messages.info(
                request,
                f"匹配的稿件超过 {ADMIN_SEARCH_LIMIT:,} 篇，这里只列出最新的 {ADMIN_SEARCH_LIMIT:,} 篇；"
                "请再加日期、版次或主题筛选。",
            )
        return queryset.filter(pk__in=ids), False

    @admin.display(description="出版日期", ordering="page__issue__date")
    def issue_date(self, article):
        return article.page.issue.date_display if article.page_id else "稿库"

    @admin.display(description="版次", ordering="page__sort_key")
    def page_code(self, article):
        return article.page.code if article.page_id else "—"

    @admin.display(description="拆分结果")
    def byline_parts(self, article):
        if not article.byline:
            return "—"
        return format_html(
            "身份：{}　职务：{}　作者：{}",
            article.byline_role or "—",
            article.author_title or "—",
            article.author_names or "—",
        )

    @admin.display(description="引用")
    def citation(self, article):
        return article.citation if article.page_id else "—"
