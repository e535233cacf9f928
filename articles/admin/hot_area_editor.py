"""The page form's hot-area editor: what it is given, and the two things it asks the server.

The editor (``static/admin_extra/hot_area_editor.js``) draws over the page's
scan and keeps each article's shapes in a hidden box of that article's row
in the page form's article table (``ArticleInline``). So areas are saved with
the form, by the same rows as every other change of the page's articles:
checked by ``Article.clean`` (``clean_shapes``), refused when the row or the
page was changed since the form was opened, and kept as the page's working
copy where the page's other edits are. The views here only answer the
editor: 自动识别热区 (proposals, nothing written) and 从选区新建稿件 (a draft
article, written by ``articles.hotareas.service.article_from_region``).

A draft started from a region is not a row of the form's article table, so
its area travels in one more hidden box of the page form, ``new_draft_areas``
(``DraftAreasFormMixin``), and is written with the rest of the page's areas.
"""

import json

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse

from .. import services
from .. import working_copies as wc
from ..hotareas import service
from ..hotareas.shapes import clean_shapes
from ..models import Article

# Colours of the articles' areas, in order on the page: distinct for one another and on newsprint grey.
PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f00", "#393b79")


def can_edit_areas(request, model_admin, page) -> bool:
    """Return True when ``request.user`` may change the areas of ``page``'s articles (as in its article table)."""
    return model_admin.has_change_permission(request, page) and request.user.has_perm(services.EDIT_OTHERS_PERMISSION)


def editor_data(page, article_formset, *, editable: bool, form=None) -> dict | None:
    """Return what the editor needs on the page form of ``page``, or None without a scan to draw on.

    ``form`` is the page's own form: a form shown again after an error brings back the areas of
    the drafts started from regions (``new_draft_areas``) as they were posted.
    """
    if page is None or page.pk is None:
        return None
    # The scan as stored: a form shown again after an error holds an upload that was not kept.
    page = type(page)._base_manager.get(pk=page.pk)
    if not page.image:
        return None
    articles = []
    for n, row_form in enumerate(f for f in article_formset.forms if f.instance.pk):
        article = row_form.instance
        box = "hot_areas" in row_form.fields and editable
        articles.append(
            {
                "id": article.pk,
                "title": article.title,
                "status": article.get_status_display(),
                "colour": PALETTE[n % len(PALETTE)],
                "input": f"id_{row_form.prefix}-hot_areas" if box else None,
                "shapes": None if box else (article.hot_areas or []),
                "errors": [str(e) for e in row_form.errors.get("hot_areas", [])] if row_form.is_bound else [],
                # A form shown again after an error holds areas not saved yet: leaving it warns.
                "unsaved": box and row_form.is_bound and "hot_areas" in row_form.changed_data,
                "url": reverse("admin:articles_article_change", args=[article.pk]),
            }
        )
    drafts_box = editable and form is not None and DRAFT_AREAS in form.fields
    if drafts_box:
        listed = {a["id"] for a in articles}
        errors = getattr(form, "draft_area_errors", {})
        for row in posted_draft_areas(form[DRAFT_AREAS].value()):
            if row["article"] in listed:
                continue
            listed.add(row["article"])
            articles.append(
                {
                    "id": row["article"],
                    "title": row["title"],
                    "status": "草稿",
                    "colour": PALETTE[len(articles) % len(PALETTE)],
                    "input": None,
                    "draft": True,
                    "shapes": row["shapes"],
                    "errors": errors.get(row["article"], []),
                    "unsaved": True,
                    "url": reverse("admin:articles_article_change", args=[row["article"]]),
                }
            )
    name = f"admin:{page._meta.app_label}_{page._meta.model_name}"
    return {
        "scan": {"url": page.image.url, "width": page.image_width, "height": page.image_height},
        "articles": articles,
        "editable": editable,
        "drafts_input": f"id_{DRAFT_AREAS}" if drafts_box else None,
        "suggest_url": reverse(f"{name}_hot_area_suggestions", args=[page.pk]) if editable and page.pdf else "",
        "story_url": reverse(f"{name}_story_from_region", args=[page.pk]) if editable and page.pdf else "",
        "palette": PALETTE,
    }


def _page_or_404(model_admin, request, object_id):
    page = model_admin.get_object(request, unquote(object_id))
    if page is None:
        raise Http404
    if not can_edit_areas(request, model_admin, page):
        raise PermissionDenied
    return page


def suggestions_view(model_admin, request, object_id):
    """GET: proposals for the areas of the page's articles, as the form shows them (its working copy, if any)."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    page = _page_or_404(model_admin, request, object_id)
    copy = wc.copy_of(page)
    if copy is None:
        found = service.editor_proposals(page, page.articles.untrashed().order_by("order", "id"))
    else:
        with wc.applied([copy]):
            found = service.editor_proposals(page, list(page.articles.untrashed().order_by("order", "id")))
    return JsonResponse(found)


def story_view(model_admin, request, object_id):
    """POST ``shapes`` (JSON): start a draft article on the page with the text inside them; answer what it is."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    page = _page_or_404(model_admin, request, object_id)
    if not request.user.has_perm("articles.add_article"):
        raise PermissionDenied
    try:
        shapes = json.loads(request.POST.get("shapes") or "[]")
        article = service.article_from_region(page=page, shapes=shapes, user=request.user)
    except json.JSONDecodeError:
        return JsonResponse({"error": "选区的格式不对。"}, status=400)
    except ValidationError as exc:
        return JsonResponse({"error": "；".join(exc.messages)}, status=400)
    return JsonResponse(
        {
            "article": article.pk,
            "title": article.title,
            "shapes": clean_shapes(shapes),
            "url": reverse("admin:articles_article_change", args=[article.pk]),
            "message": f"已新建草稿《{article.title}》，选区的文字为其正文；选区已改为它的热区，保存本页后生效。",
        },
        status=201,
    )


# --- The areas of drafts started from regions, saved with the page form -------------------------

DRAFT_AREAS = "new_draft_areas"


def posted_draft_areas(value) -> list[dict]:
    """Return the rows of a posted ``new_draft_areas`` box that name an article, for showing them again."""
    try:
        rows = json.loads(value or "[]")
    except (TypeError, ValueError):
        return []
    shown = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and isinstance(row.get("article"), int) and not isinstance(row["article"], bool):
            shapes = row.get("shapes")
            shown.append(
                {
                    "article": row["article"],
                    "title": str(row.get("title") or f"稿件 {row['article']}")[:300],
                    "shapes": shapes if isinstance(shapes, list) else [],
                }
            )
    return shown


class DraftAreasFormMixin(forms.Form):
    """The page form's box for the areas of drafts started from its regions (从选区新建稿件).

    Posted by the editor as ``[{"article": id, "title": …, "shapes": [...]}]``; only for those
    who may edit the areas (``edits_areas``, set by the page admin), on a saved page. Each draft
    must still be on this page, and still without areas of its own: areas given to it meanwhile
    elsewhere are not overwritten unseen.
    """

    new_draft_areas = forms.CharField(required=False, widget=forms.HiddenInput)
    edits_areas = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft_area_errors = {}
        if not self.edits_areas or self.instance.pk is None:
            self.fields.pop(DRAFT_AREAS, None)

    def clean_new_draft_areas(self):
        value = self.cleaned_data.get(DRAFT_AREAS) or ""
        try:
            rows = json.loads(value or "[]")
        except ValueError:
            raise ValidationError("新稿件的热区格式不对。") from None
        if not isinstance(rows, list):
            raise ValidationError("新稿件的热区格式不对。")
        posted = posted_draft_areas(value)
        on_page = Article.objects.untrashed().filter(page=self.instance, pk__in=[r["article"] for r in posted])
        drafts = {a.pk: a for a in on_page}
        cleaned, messages = [], []
        for row in posted:
            pk, title = row["article"], row["title"]
            problems = []
            article = drafts.get(pk)
            if article is None:
                problems.append(
                    "这篇稿件已不在本版（已删除、移入回收站或排到了别的版），热区无法保存："
                    "请删除这些热区或改给本版的其他稿件。"
                )
            else:
                title = article.title
                try:
                    shapes = clean_shapes(row["shapes"])
                except ValidationError as exc:
                    problems += exc.messages
                else:
                    if article.hot_areas and shapes != article.hot_areas:
                        problems.append("新建之后这篇稿件已在别处有了热区，未覆盖：请打开这篇稿件看过它的热区后再画。")
                    elif shapes:
                        cleaned.append((article, shapes))
            if problems:
                self.draft_area_errors[pk] = problems
                messages += [f"《{title}》的热区：{p}" for p in problems]
        if messages:
            raise ValidationError(messages)
        return cleaned
