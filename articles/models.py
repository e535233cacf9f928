"""Articles (稿件), their photos, and themes (主题)."""

import reversion
from ckeditor_uploader.fields import RichTextUploadingField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from issues.models import Page
from unionpaper.concurrency import VersionField
from unionpaper.links import cached_reverse
from unionpaper.publishing import Publishable, PublishableQuerySet, published_q
from unionpaper.uploads import GeneratedName, UploadImageField, fill_image_dimensions, validate_image_upload

from .bylines import parse_byline
from .fingerprints import content_fingerprint
from .hotareas.shapes import clean_shapes, svg_shapes
from .sanitize import clean_html
from .text import plain_text
from .themes import free_theme_slug, theme_slug, validate_theme_name

AUTHOR_SEPARATOR = "、"


class ThemeQuerySet(models.QuerySet):
    def suggest(self, term: str, limit: int = 20) -> list[str]:
        """Return theme names for autocomplete: those starting with ``term`` first."""
        starts = list(self.filter(name__istartswith=term).order_by("name").values_list("name", flat=True)[:limit])
        if len(starts) < limit:
            more = self.filter(name__icontains=term).exclude(name__in=starts).order_by("name")
            starts += list(more.values_list("name", flat=True)[: limit - len(starts)])
        return starts


# A theme's history says who changed its name or 简介 (a stale theme form names them).
@reversion.register()
class Theme(TagBase):
    """A theme such as 法律援助 or 技能竞赛; slugs keep the Chinese (``/themes/法律援助/``).

    A name needs a letter or digit (``articles.themes.validate_theme_name``),
    and the slug is never empty: one made of nothing a slug can hold falls
    back to ``theme-<digest>`` (``articles.themes.theme_slug``), since an
    empty slug has no URL and every page linking the theme would fail.
    """

    name = models.CharField(
        verbose_name=pgettext_lazy("A tag name", "name"),
        unique=True,
        max_length=100,
        validators=[validate_theme_name],
    )

    objects = ThemeQuerySet.as_manager()

    description = models.TextField("简介", blank=True, help_text="显示在主题页顶部（可选）。")
    version = VersionField()

    class Meta:
        verbose_name = "主题"
        verbose_name_plural = "主题"
        ordering = ["name"]

    def slugify(self, tag, i=None):
        return theme_slug(tag, i)

    def save(self, *args, **kwargs):
        if not self.slug and not self._state.adding:
            # taggit fills the slug only when adding; an existing theme saved
            # without one gets a free one here.
            taken = Theme.objects.exclude(pk=self.pk).filter(slug__startswith=theme_slug(self.name))
            self.slug = free_theme_slug(self.name, set(taken.values_list("slug", flat=True)))
        return super().save(*args, **kwargs)


@reversion.register()
class ThemedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, verbose_name="稿件")
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tagged_articles", verbose_name="主题")

    class Meta:
        verbose_name = "稿件主题"
        verbose_name_plural = "稿件主题"
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="article_theme_once")]


class ArticleQuerySet(PublishableQuerySet):
    # An article is public while it and its issue both are.
    public_through = ("", "page__issue__")

    def published_q(self, prefix: str = "", *, now=None):
        """Return "the public may see it now": also placed on a page and not in the 回收站."""
        return super().published_q(prefix, now=now) & self.placed_q(prefix)

    def published_own(self, *, now=None):
        """Return the placed, untrashed rows whose own state is published and due."""
        return self.filter(published_q(now=now) & self.placed_q())

    @staticmethod
    def placed_q(prefix: str = ""):
        """Return "on a page and not in the 回收站": a story in the pool or the trash is never public."""
        return models.Q(**{f"{prefix}page__isnull": False, f"{prefix}trashed_at__isnull": True})

    def unplaced(self):
        """Return the stories of the pool (稿库): on no page, not in the 回收站."""
        return self.filter(page__isnull=True, trashed_at__isnull=True)

    def untrashed(self):
        return self.filter(trashed_at__isnull=True)

    def trashed(self):
        return self.filter(trashed_at__isnull=False)

    def in_reading_order(self):
        """Order as the paper is read: newest issue, then page, then position on the page."""
        return self.order_by("-page__issue__date", "page__sort_key", "order", "id")

    def with_page(self):
        """Fetch page and issue in the same query (for lists and citations)."""
        return self.select_related("page", "page__issue")


# An article's history includes its photos and its themes (through rows), so a restore brings both back.
@reversion.register(follow=("images", "themedarticle_set"))
class Article(Publishable):
    """One article as printed on a page."""

    page = models.ForeignKey(
        "issues.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name="版面",
        help_text="留空即存入稿库，由编辑稍后排到版面；不在版面上的稿件不会公开。",
    )
    order = models.PositiveSmallIntegerField("版内顺序", default=0, help_text="在本版中的先后，小的在前。")
    kicker = models.CharField("引题", max_length=200, blank=True, help_text="主标题上方的引题（肩题），可留空。")
    headline = models.CharField("主标题", max_length=300)
    subtitle = models.CharField("副标题", max_length=300, blank=True)
    byline = models.CharField(
        "署名",
        max_length=300,
        blank=True,
        help_text="照报纸原样填写，如“文 市总工会主席 刘 飞”或“本报记者 王晓明 通讯员 李 华”；"
        "身份、职务和作者名由系统自动拆分，作者名中的空格会被去掉。",
    )
    byline_role = models.CharField("署名身份", max_length=40, blank=True, editable=False)
    author_title = models.CharField("作者职务", max_length=300, blank=True, editable=False)
    author_names = models.CharField(
        "作者", max_length=300, blank=True, editable=False, db_index=True, help_text="多位作者以“、”分隔。"
    )
    body = RichTextUploadingField("正文", blank=True)
    themes = TaggableManager(
        "主题",
        through=ThemedArticle,
        blank=True,
        help_text="多个主题用逗号、顿号（、）或空格分隔，如：法律援助、职工维权。",
    )
    hot_areas = models.JSONField(
        "热区",
        default=list,
        blank=True,
        help_text="稿件在版面图上的一个或多个区域（矩形或多边形），坐标为版面宽、高的比例（0–1，原点在左上角）；"
        "在版面的热区编辑器中画出。",
    )
    source_key = models.CharField(
        "来源标识",
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="导入时记录的来源文件，用于重复导入时识别同一篇稿件。",
    )
    source_checksum = models.CharField("来源校验和", max_length=64, blank=True, editable=False)
    content_fingerprint = models.CharField(
        "内容指纹",
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="日期、版次、主标题和正文（忽略空格、全半角）的 sha256；导入时用来识别同一篇稿件。",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建人",
        editable=False,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    version = VersionField()
    review_stage = models.CharField(
        "审稿环节",
        max_length=32,
        blank=True,
        default="",
        editable=False,
        help_text="待审稿件所在的审级（settings.NEWSROOM_REVIEW_STAGES），终审通过后为“ready”。",
    )
    trashed_at = models.DateTimeField("移入回收站时间", null=True, blank=True, editable=False, db_index=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="移入回收站者",
        editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["order", "id"]
        permissions = [
            ("publish_article", "可以发布、撤回和定时发布稿件"),
            ("edit_others_articles", "可以编辑他人的稿件"),
            ("trash_article", "可以把稿件移入回收站"),
        ]
        indexes = [models.Index(fields=["page", "order"], name="article_page_order")]

    def __str__(self):
        return self.title

    def clean(self):
        # Every shape stays on the page, or it runs off the scan's edge.
        try:
            self.hot_areas = clean_shapes(self.hot_areas)
        except ValidationError as exc:
            raise ValidationError({"hot_areas": exc.messages}) from None

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        self.content_fingerprint = self.compute_fingerprint()
        parsed = parse_byline(self.byline)
        self.byline = parsed.raw
        self.byline_role = parsed.role
        self.author_title = parsed.title
        self.author_names = AUTHOR_SEPARATOR.join(parsed.names)
        super().save(*args, **kwargs)

    def compute_fingerprint(self) -> str:
        """Return the content fingerprint of the article as it is now (``articles.fingerprints``)."""
        if not self.page_id:
            return ""
        if Article.page.is_cached(self) and self.page.issue_id and type(self.page).issue.is_cached(self.page):
            date, code = self.page.issue.date, self.page.code
        else:
            date, code = Page.objects.filter(pk=self.page_id).values_list("issue__date", "code").get()
        return content_fingerprint(date=date, page_code=code, headline=self.headline, body_html=self.body)

    @property
    def title(self) -> str:
        """Return kicker, headline and subtitle as one line."""
        return " ".join(part for part in (self.kicker, self.headline, self.subtitle) if part) or "（无标题）"

    @property
    def authors(self) -> list[str]:
        return [n for n in self.author_names.split(AUTHOR_SEPARATOR) if n]

    @property
    def date(self):
        """Return the date of the issue it is printed in, or None for a story in the pool."""
        return self.page.issue.date if self.page_id else None

    @property
    def citation(self) -> str:
        """Return the citation line: 《职工天地》(2023年01月01日 第A34版); empty for a story in the pool."""
        return self.page.citation if self.page_id else ""

    @property
    def is_public(self) -> bool:
        return super().is_public and self.page_id is not None and self.trashed_at is None

    @property
    def in_trash(self) -> bool:
        return self.trashed_at is not None

    @property
    def has_area(self) -> bool:
        return bool(self.hot_areas)

    @property
    def area_shapes(self) -> list[dict]:
        """Return the hot areas for an SVG over the scan (viewBox ``0 0 100 100``)."""
        return svg_shapes(self.hot_areas or [])

    @property
    def plain_text(self) -> str:
        """Return the body without markup (for snippets, feeds and search)."""
        return plain_text(self.body, paragraph="").strip()

    def get_absolute_url(self):
        return cached_reverse("articles:article", pk=self.pk)


@reversion.register()
class ArticleImage(models.Model):
    """A photo printed with an article, with its caption."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images", verbose_name="稿件")
    image = UploadImageField(
        "图片",
        upload_to=GeneratedName("photos"),
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
    )
    width = models.PositiveIntegerField("宽", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("高", null=True, blank=True, editable=False)
    caption = models.CharField("图片说明", max_length=300, blank=True)
    credit = models.CharField("摄影", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    version = VersionField()

    class Meta:
        verbose_name = "稿件图片"
        verbose_name_plural = "稿件图片"
        ordering = ["order", "id"]

    def __str__(self):
        return self.caption or f"图片 {self.pk}"

    def save(self, *args, **kwargs):
        fill_image_dimensions(self, "image", "width")
        super().save(*args, **kwargs)


class PoolArticle(Article):
    """The story pool (稿库): stories filed but not yet placed on a page."""

    class Meta:
        proxy = True
        verbose_name = "稿库稿件"
        verbose_name_plural = "稿库"


class TrashedArticle(Article):
    """The 回收站: stories taken off every public path, kept with their history until a 总编 acts."""

    class Meta:
        proxy = True
        verbose_name = "回收站稿件"
        verbose_name_plural = "回收站"


class ReviewDecision(models.Model):
    """One step of a story's review (三审): submitted, approved or returned at a stage, withdrawn, or reopened."""

    class Decision(models.TextChoices):
        SUBMIT = "submit", "送审"
        APPROVE = "approve", "通过"
        RETURN = "return", "退回修改"
        WITHDRAW = "withdraw", "撤回"
        REOPEN = "reopen", "重新打开"  # a story through the last stage (or taken offline) set back to 草稿

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_decisions", verbose_name="稿件")
    stage = models.CharField("审级", max_length=32, blank=True)
    stage_label = models.CharField("审级名称", max_length=40, blank=True)
    decision = models.CharField("决定", max_length=16, choices=Decision.choices)
    note = models.TextField("意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,  # the account may be gone (deleted, or not in the database an archive is restored to)
        related_name="+",
        verbose_name="决定人",
    )
    decided_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "审稿记录"
        verbose_name_plural = "审稿记录"
        ordering = ["decided_at", "id"]

    def __str__(self):
        return f"{self.stage_label or ''}{self.get_decision_display()}"


class WorkingCopy(Publishable):
    """Changes to a published issue, page or article, kept aside until a 总编 publishes them.

    The live rows keep serving readers, the feeds, the search index and the
    exports; the copy holds what the admin's form would have saved (the
    object with the rows its form edits: photos, theme links, pages, the
    page's articles) serialized as Django's JSON serializer writes it.
    ``base`` names the rows of that set as they were live when the copy was
    made, so that publishing it tells a row deleted in the copy from one
    added live since. Its own publication state says when the changes go
    live: 草稿 waits for the 总编; 已发布 with a time still to come is
    scheduled and applied on the first request after that time
    (``articles.working_copies``), the same "time ≤ now" rule as everything else.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, verbose_name="内容类型")
    object_id = models.PositiveBigIntegerField("对象编号")
    data = models.TextField("修改内容", help_text="表单保存后的对象及其附属行（Django JSON 序列化）。")
    base = models.JSONField("修改所依据的行", default=list)
    changed = models.JSONField("修改的项目", default=list)
    saves = models.PositiveIntegerField("保存次数", default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="修改人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = "待发布的修改"
        verbose_name_plural = "待发布的修改"
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="one_working_copy")]

    def __str__(self):
        return f"{self.content_type} {self.object_id} 的待发布修改"
