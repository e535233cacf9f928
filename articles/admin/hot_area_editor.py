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
"""

import json

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse

from .. import services
from .. import working_copies as wc
from ..hotareas import service

# Colours of the articles' areas, in order on the page: distinct for one another and on newsprint grey.
PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f00", "#393b79")


def can_edit_areas(request, model_admin, page) -> bool:
    """Return True when ``request.user`` may change the areas of ``page``'s articles (as in its article table)."""
    return model_admin.has_change_permission(request, page) and request.user.has_perm(services.EDIT_OTHERS_PERMISSION)


def editor_data(page, article_formset, *, editable: bool) -> dict | None:
    """Return what the editor needs on the page form of ``page``, or None without a scan to draw on."""
    if page is None or page.pk is None:
        return None
    # The scan as stored: a form shown again after an error holds an upload that was not kept.
    page = type(page)._base_manager.get(pk=page.pk)
    if not page.image:
        return None
    articles = []
    for n, form in enumerate(f for f in article_formset.forms if f.instance.pk):
        article = form.instance
        box = "hot_areas" in form.fields and editable
        articles.append(
            {
                "id": article.pk,
                "title": article.title,
                "status": article.get_status_display(),
                "colour": PALETTE[n % len(PALETTE)],
                "input": f"id_{form.prefix}-hot_areas" if box else None,
                "shapes": None if box else (article.hot_areas or []),
                "errors": [str(e) for e in form.errors.get("hot_areas", [])] if form.is_bound else [],
                "url": reverse("admin:articles_article_change", args=[article.pk]),
            }
        )
    name = f"admin:{page._meta.app_label}_{page._meta.model_name}"
    return {
        "scan": {"url": page.image.url, "width": page.image_width, "height": page.image_height},
        "articles": articles,
        "editable": editable,
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
            "shapes": article.hot_areas,
            "url": reverse("admin:articles_article_change", args=[article.pk]),
            "message": f"已新建草稿《{article.title}》，选区的文字为其正文，选区为其热区。",
        },
        status=201,
    )
