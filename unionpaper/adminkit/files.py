"""File boxes in the admin's forms: small in a table row, and never silently lost.

The issue, page and article forms hold tables of pages, articles and photos.
Django's file box shows a stored file as its full path beside a second box,
which makes an issue with two pages 1991 px wide. These tables show a stored
file as a small link instead, and admin_extra/admin_forms.css sizes their
columns for a 1366 px screen and a 1024 px laptop.
"""

import os

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminFileWidget
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.utils import flatatt
from django.utils.html import format_html

# The ``Media.css`` of every admin whose form holds such tables.
ADMIN_FORMS_CSS = {"all": ("admin_extra/admin_forms.css",)}


class CompactFileInput(AdminFileWidget):
    """A file box for a table row: the stored file as a thumbnail or a short link, not its path.

    ``thumbnail`` names the model's field holding a small copy of the image
    (a page's 缩略图); ``preview`` shows the image itself, small; otherwise
    the link reads ``link_text``. The file's name is in the link's tooltip.
    Rendered here rather than from a template: the form renderer does not
    look in the project's templates folder.
    """

    def __init__(self, attrs=None, *, link_text="查看文件", thumbnail=None, preview=False):
        super().__init__(attrs)
        self.link_text, self.thumbnail, self.preview = link_text, thumbnail, preview

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        file_attrs = {k: v for k, v in widget["attrs"].items() if k != "checked"}  # "checked" is the clear box's
        file_attrs["class"] = f"{file_attrs.get('class', '')} compact-file-input".strip()
        file_input = format_html('<input type="file" name="{}"{}>', name, flatatt(file_attrs))
        if not widget["is_initial"]:
            return format_html('<div class="compact-file">{}</div>', file_input)
        if not self.is_required:
            checkbox_attrs = {
                "type": "checkbox",
                "name": widget["checkbox_name"],
                "id": widget["checkbox_id"],
                "disabled": widget["attrs"]["disabled"],
                "checked": widget["attrs"]["checked"],
            }
            clear = format_html(
                '<label class="compact-file-clear"><input{}> {}</label>',
                flatatt(checkbox_attrs),
                self.clear_checkbox_label,
            )
        else:
            clear = ""
        return format_html(
            '<div class="compact-file"><span class="compact-file-current">'
            '<a href="{}" target="_blank" rel="noopener" title="{}">{}</a>{}</span>{}</div>',
            value.url,
            f"已上传：{os.path.basename(value.name)}",
            self._link_content(value),
            clear,
            file_input,
        )

    def _link_content(self, value):
        small = getattr(getattr(value, "instance", None), self.thumbnail, None) if self.thumbnail else None
        src = small.url if small else (value.url if self.preview else None)
        if src is None:
            return self.link_text
        return format_html('<img src="{}" alt="{}" class="compact-file-thumb">', src, self.link_text)


class CompactInlineMixin:
    """A tabular inline whose file columns use :class:`CompactFileInput` and whose boxes are named by their column.

    ``compact_files`` maps a file field's name to the widget's options.
    """

    compact_files: dict = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.compact_files:
            kwargs["widget"] = CompactFileInput(**self.compact_files[db_field.name])
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and not formfield.widget.is_hidden:
            # A box in a table row has only its column's heading above it: name it for screen readers too.
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label))
        return formfield


class UnsavedUploadsMixin:
    """Say which chosen files were not kept when a form comes back with errors.

    A browser cannot fill a file box again: a form shown again after an
    error (a date already taken, a missing 主标题) has every file box empty,
    and the next save would go through without the scans and photos chosen
    before. Name each of them at the top of the form, so the editor chooses
    them again. A file refused by its own check is left out: the error
    beside its box already says why.
    """

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.FILES and context.get("errors"):
            lost = unsaved_uploads(request, context)
            if lost:
                messages.warning(request, f"以下文件没有保存，请改正错误后重新选择：{'、'.join(lost)}。")
        return super().render_change_form(request, context, add, change, form_url, obj)


def unsaved_uploads(request, context) -> list[str]:
    """Return "第1行版面图 scan.png" for each file uploaded with a form that was not saved."""

    def uploads(form, where=""):
        for name, field in form.fields.items():
            if not isinstance(field, forms.FileField) or name in form.errors:
                continue
            for upload in request.FILES.getlist(form.add_prefix(name)):
                yield f"{where}{field.label} {upload.name}"

    lost = []
    adminform = context.get("adminform")
    if adminform is not None:
        lost += uploads(adminform.form)
    groups = list(context.get("inline_admin_formsets") or [])
    for group in groups:
        table = group.opts.verbose_name_plural if len(groups) > 1 else ""
        for row, form in enumerate(group.formset.forms, start=1):
            if getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME):
                continue  # a row being deleted loses its file on purpose
            lost += uploads(form, f"{table}第{row}行")
    return lost
