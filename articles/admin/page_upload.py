"""上传整期版面: all the page PDFs of an issue at once (several files or one zip), one page per file.

The browser sends each file in its own request (``static/admin_extra/upload_pages.js``)
and shows each answer as it comes, then the summary; without JavaScript the form
posts every file at once and the answer page is the summary. Each file is one
``issues.services.page_upload_pdf``: its page is created or updated and its scan
rendered from the PDF when due; a refused file changes nothing and the others go in.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from issues.models import Issue, Page
from issues.services import MAX_FILES, REFUSED, PageUpload, expand_upload, page_upload_pdf

from .. import working_copies as wc

# What an editor who may not publish is told on the upload page of a published issue.
LIVE_ISSUE_REFUSAL = (
    "本期已发布：上传的版面会立即替换读者看到的版面，只有总编可以上传。请在各版的表单中修改，保存为待发布的修改。"
)


def can_upload_pages(user) -> bool:
    opts = Page._meta
    return user.has_perm(f"{opts.app_label}.add_page") and user.has_perm(f"{opts.app_label}.change_page")


def upload_pages_view(model_admin, request, object_id):
    """Show the upload form; take the posted PDFs (or zip) and answer with what became of each.

    The admin site's view wrapper keeps both uncached.
    """
    if not can_upload_pages(request.user):
        raise PermissionDenied
    issue = get_object_or_404(Issue, pk=object_id)
    if not model_admin.has_change_permission(request, issue):
        raise PermissionDenied
    results: list[PageUpload] = []
    # Uploaded pages replace what readers see at once: on a published issue only a 总编 uploads them.
    refusal = LIVE_ISSUE_REFUSAL if wc.goes_to_copy(request.user, issue) else ""
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if refusal:
            results.append(PageUpload("", REFUSED, refusal))
            files = []
        elif len(files) > MAX_FILES:
            results.append(PageUpload("", REFUSED, f"一次最多上传 {MAX_FILES} 个文件。"))
            files = []
        for upload in files:
            for name, data, refusal in expand_upload(upload.name, upload):
                if refusal:
                    results.append(PageUpload(name, REFUSED, refusal))
                else:
                    results.append(page_upload_pdf(issue=issue, filename=name, data=data))
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"results": [r.as_json() for r in results]})
    elif request.method != "GET":
        raise Http404
    opts = Issue._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "issue": issue,
        "title": f"上传整期版面：{issue}",
        "results": results,
        "ok": [r for r in results if r.ok],
        "refused": [r for r in results if not r.ok],
        "max_files": MAX_FILES,
        "refusal": refusal,
    }
    return TemplateResponse(request, "admin/issues/issue/upload_pages.html", context)
