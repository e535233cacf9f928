"""Issues (期) and their pages (版)."""

import io
import logging
import re
import unicodedata

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxLengthValidator
from django.db import models
from PIL import Image

from unionpaper.concurrency import VersionField
from unionpaper.dates import date_zh, weekday_zh
from unionpaper.links import cached_reverse
from unionpaper.publishing import Publishable, PublishableQuerySet
from unionpaper.uploads import (
    GeneratedName,
    UploadImageField,
    fill_image_dimensions,
    validate_image_upload,
    validate_pdf_upload,
)

from .pdf_render import render_scan
from .renditions import page_renditions

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (240, 360)

_CODE_RE = re.compile(r"^([A-Z]{0,3})0*(\d{1,4})([A-Z]?)$")
# A page code once normalised: the section letter or letters, the page number
# in at least two digits, rarely one letter after it — A01, A34, B02, 03,
# AB12, 04A. At most 8 characters, well inside the 12 of the column.
PAGE_CODE_RE = re.compile(r"^[A-Z]{0,3}[0-9]{1,4}[A-Z]?$")
PAGE_CODE_MAX_LENGTH = 8
_PAGE_CODE_HELP = "版次应为版序字母加版号，如 A01、A34、B02、03（最多 3 个字母、4 位数字）"


def normalize_page_code(raw: str) -> str:
    """Return the canonical form of a page code: letters and a number of at least two digits.

    ``第3版`` → ``03``, ``a3`` → ``A03``, ``Ａ３`` → ``A03``, ``A034`` → ``A34``, ``4a`` → ``04A``.
    One spelling per page, so 版面导航, citations and URLs agree (``/A2/``
    redirects to ``/A02/``). A code that is not letters and a number comes
    back only cleaned of spaces and width, for the validator to refuse.
    """
    code = unicodedata.normalize("NFKC", raw or "").strip().upper().replace(" ", "")
    if code.startswith("第"):
        code = code[1:]
    if code.endswith("版"):
        code = code[:-1]
    match = _CODE_RE.match(code)
    if match:
        prefix, number, suffix = match.groups()
        code = f"{prefix}{int(number):02d}{suffix}"
    return code


def validate_page_code(value: str):
    """Refuse a page code that is not letters and a number (model field validator).

    Checks the code as :func:`normalize_page_code` will store it, so ``a3`` and
    ``第A03版`` pass; the message shows what was entered.
    """
    code = normalize_page_code(value)
    if len(code) > PAGE_CODE_MAX_LENGTH:
        raise ValidationError(
            "版次“%(value)s”过长（%(length)d 个字符），最多 %(max)d 个字符；" + _PAGE_CODE_HELP + "。",
            code="page_code_too_long",
            params={"value": value, "length": len(code), "max": PAGE_CODE_MAX_LENGTH},
        )
    if not PAGE_CODE_RE.match(code):
        raise ValidationError(
            "版次“%(value)s”无效：" + _PAGE_CODE_HELP + "。", code="invalid_page_code", params={"value": value}
        )


class PageCodeField(models.CharField):
    """The 版次 column: checked by :func:`validate_page_code`, which also bounds its length.

    Neither the form field nor the model repeats the column's length limit:
    in the form it would become the input's ``maxlength``, and the browser
    would silently cut a pasted code to 12 characters; the validator instead
    refuses a code that is too long and shows it whole.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": None, **kwargs})


def page_sort_key(code: str) -> str:
    """Return a key that sorts page codes naturally (A2 before A10; A03 same as A3)."""
    code = normalize_page_code(code)
    match = _CODE_RE.match(code)
    if not match:
        return code
    prefix, number, suffix = match.groups()
    return f"{prefix}{int(number):05d}{suffix}"


class IssueQuerySet(PublishableQuerySet):
    def latest_published(self):
        """Return the newest public issue, or None."""
        return self.published().order_by("-date").first()


# An issue's history includes its pages, so a restore names the pages it keeps.
@reversion.register(follow=("pages",))
class Issue(Publishable):
    """One day's paper (一期)."""

    date = models.DateField("出版日期", unique=True)
    number = models.PositiveIntegerField("期号", null=True, blank=True, help_text="当年第几期；导入的往期可留空。")
    serial = models.PositiveIntegerField("总期号", null=True, blank=True, help_text="创刊以来的总第几期（可选）。")
    note = models.CharField("备注", max_length=200, blank=True, help_text="仅编辑部可见。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    version = VersionField()

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = "期"
        verbose_name_plural = "期"
        ordering = ["-date"]
        permissions = [("publish_issue", "可以发布、撤回和定时发布整期")]

    def unique_error_message(self, model_class, unique_check):
        # Django says 具有 出版日期 的 期 已存在。 Say which day, as an editor would (admin, full_clean, imports).
        if model_class is Issue and tuple(unique_check) == ("date",) and self.date:
            return ValidationError(f"{date_zh(self.date)}的期已存在。", code="unique")
        return super().unique_error_message(model_class, unique_check)

    def __str__(self):
        return f"{date_zh(self.date)}{self.number_display}"

    @property
    def number_display(self) -> str:
        parts = []
        if self.number:
            parts.append(f"第{self.number}期")
        if self.serial:
            parts.append(f"总第{self.serial}期")
        return f"（{'，'.join(parts)}）" if parts else ""

    @property
    def weekday(self) -> str:
        """Return the weekday as printed on the masthead (derived, never stored)."""
        return weekday_zh(self.date)

    @property
    def date_display(self) -> str:
        return date_zh(self.date)

    def get_absolute_url(self):
        return cached_reverse("issues:issue", date=self.date.isoformat())


class PageQuerySet(models.QuerySet):
    def published(self):
        """Return pages of public issues."""
        return self.filter(Issue.objects.published_q("issue__"))

    def in_order(self):
        return self.order_by("sort_key")


@reversion.register()
class Page(models.Model):
    """One page (版) of an issue, with its scan and PDF."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="pages", verbose_name="期")
    code = PageCodeField(
        "版次", max_length=12, validators=[validate_page_code], help_text="如 A01、A34、B02；同一期内不可重复。"
    )
    sort_key = models.CharField("排序键", max_length=24, editable=False, db_index=True)
    name = models.CharField("版名", max_length=40, blank=True, help_text="如 要闻、工会动态、法治。")
    editor = models.CharField("责任编辑", max_length=60, blank=True)
    image = UploadImageField(
        "版面图",
        upload_to=GeneratedName("pages"),
        width_field="image_width",
        height_field="image_height",
        blank=True,
        validators=[validate_image_upload],
        help_text="整版扫描图（JPEG/PNG/TIFF）。上传后自动生成缩略图。",
    )
    image_width = models.PositiveIntegerField("图宽", null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField("图高", null=True, blank=True, editable=False)
    thumbnail = models.ImageField("缩略图", upload_to=GeneratedName("pages/thumbs"), blank=True, editable=False)
    pdf = models.FileField(
        "版面 PDF",
        upload_to=GeneratedName("pages/pdf", kind="pdf"),
        blank=True,
        validators=[validate_pdf_upload],
        help_text="排版系统导出的本版 PDF。没有上传版面图时，版面图由 PDF 自动生成；上传的扫描图优先。",
    )
    scan_from_pdf = models.BooleanField(
        "版面图由 PDF 生成",
        default=False,
        editable=False,
        help_text="版面图是从本版 PDF 渲染的；换了 PDF 时重新生成，上传扫描图后不再生成。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    version = VersionField()

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = "版面"
        verbose_name_plural = "版面"
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "sort_key"], name="page_code_unique_in_issue"),
        ]

    def __str__(self):
        label = f"第{self.code}版"
        if self.name:
            label += f" {self.name}"
        return f"{self.issue.date_display} {label}" if self.issue_id else label

    def save(self, *args, **kwargs):
        self.code = normalize_page_code(self.code)
        self.sort_key = page_sort_key(self.code)
        rendered = self.render_scan_if_due()
        image_changed = self._image_changed()
        if image_changed:
            self._make_thumbnail()
        fill_image_dimensions(self, "image", "image_width")
        super().save(*args, **kwargs)
        if rendered:
            page_renditions(self)

    def get_absolute_url(self):
        return cached_reverse("issues:page", date=self.issue.date.isoformat(), code=self.code)

    def clean(self):
        self.code = normalize_page_code(self.code)
        # Names are plain text, shown escaped; markup in one is a paste or an attack, never the paper's.
        for field in ("name", "editor"):
            value = getattr(self, field)
            if "<" in value or ">" in value:
                label = self._meta.get_field(field).verbose_name
                raise ValidationError({field: f"{label}“{value}”含有 < 或 >：{label}是纯文字，不能带 HTML 标记。"})
        if self.issue_id and self.code:
            clash = Page.objects.filter(issue_id=self.issue_id, sort_key=page_sort_key(self.code)).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"code": f"本期已有第{clash.first().code}版。"})

    def render_scan_if_due(self) -> bool:
        """Render the scan from the PDF when the page has a PDF and no scan, or a new PDF for a rendered one.

        An uploaded scan wins: it is never replaced, and a page whose scan was
        uploaded keeps it when its PDF changes. This is the one rule every path
        (admin, whole-issue upload, folder import, restore) follows through ``save``.
        A PDF that cannot be drawn leaves the page without a scan and says so in the log.
        """
        if self.image and not getattr(self.image, "_committed", True):
            self.scan_from_pdf = False  # a scan uploaded now
            return False
        if not self.pdf:
            return False
        pdf_new = not getattr(self.pdf, "_committed", True)
        if self.image and not (pdf_new and self.scan_from_pdf):
            return False
        try:
            scan = render_scan(self.pdf)
        except (ValidationError, OSError) as exc:
            logger.warning("第%s版的 PDF %s 无法生成版面图：%s", self.code, self.pdf.name, exc)
            return False
        if pdf_new:
            self.pdf.seek(0)  # the upload is stored next, from its start
        self.image = scan
        self.thumbnail = None
        self.image_width = self.image_height = None
        self.scan_from_pdf = True
        return True

    def _image_changed(self) -> bool:
        if not self.image:
            if self.thumbnail:
                self.thumbnail = None
            return False
        if not self.thumbnail:
            return True
        file = getattr(self.image, "file", None)
        return not getattr(self.image, "_committed", True) or (file is not None and self.pk is None)

    def _make_thumbnail(self):
        self.image.seek(0)
        with Image.open(self.image) as img:
            img.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
        self.image.seek(0)
        self.thumbnail.save("thumb.jpg", ContentFile(out.getvalue()), save=False)

    @property
    def label(self) -> str:
        return f"第{self.code}版" + (f" {self.name}" if self.name else "")

    @property
    def citation(self) -> str:
        """Return the citation line: 《职工天地》(2023年01月01日 第A34版)."""
        return f"《{settings.PAPER_NAME}》({self.issue.date_display} 第{self.code}版)"
