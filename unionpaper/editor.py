"""The rich-text editor (CKEditor 4 through django-ckeditor): its uploads and what the page must allow it.

django-ckeditor only asks Pillow whether an uploaded file opens: any Pillow
format, no byte or pixel limit, and the uploader's own file name and
extension are kept, so a GIF that is also HTML could be stored as page.html.
Its two hooks (settings ``CKEDITOR_IMAGE_BACKEND`` and
``CKEDITOR_FILENAME_GENERATOR``) apply the checks of ``unionpaper.uploads``
instead.

django-ckeditor also refuses a file that is not an allowed image with an
inline ``<script>`` calling back into CKEditor with "Invalid file type.".
The editor uploads over XHR and reads JSON, and the Content-Security-Policy
blocks that script anyway, so the editor would only say 不正确的服务器响应.
``upload`` (/ckeditor/upload/) checks the file first (the same
``inspect_image`` as every image field) and answers a refusal the way
CKEditor 4 reads it, ``{"uploaded": 0, "error": {"message": …}}``, with the
reason in Chinese; an allowed image goes on to django-ckeditor's own view,
which stores it through the backend below.

Both editor views (/ckeditor/upload/, /ckeditor/browse/) are for staff who
may change articles (``articles.change_article``); anyone else is refused.
django-ckeditor's upload view is exempt from CSRF (CKEditor posts its own
``ckCsrfToken``, not Django's), so ``upload`` checks instead that the post
comes from the site itself: the browser's ``Sec-Fetch-Site: same-origin``,
or an ``Origin`` of this site, or Django's CSRF token. It never passes the
``CKEditorFuncNum`` parameter on, which django-ckeditor would write into an
inline script; the answer is always JSON. The upload browser is our own
template (``templates/ckeditor/browse.html``) with a static script, so it
carries the site's Content-Security-Policy like every other page.
"""

import uuid
from functools import wraps

from ckeditor_uploader import views as ckeditor_views
from ckeditor_uploader.backends.pillow_backend import PillowBackend
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .uploads import INSPECTED, inspect_image, real_extension

# The permission the editor's views need: whoever may change an article may put an image into it.
EDITOR_PERMISSION = "articles.change_article"


def refusal(message: str, status: int = 200) -> JsonResponse:
    # CKEditor shows error.message when uploaded is 0; a non-200 status would hide it behind "HTTP error".
    return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=status)


def editor_permission_required(view):
    """Refuse staff who may not change articles (403); others go to the login page first."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.has_perm(EDITOR_PERMISSION):
            return refusal("你没有修改稿件的权限，不能上传或浏览编辑器图片。", status=403)
        return view(request, *args, **kwargs)

    return staff_member_required(checked)


def from_this_site(request) -> bool:
    """Return True if the browser says the post comes from this site, or it carries Django's CSRF token."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS
    # Neither header (an old browser, or no browser at all): Django's own token check decides.
    return CsrfViewMiddleware(lambda r: None).process_view(request, lambda r: None, (), {}) is None


@csrf_exempt  # CKEditor posts its own token, not Django's; from_this_site checks the origin instead
@editor_permission_required
@require_POST
def upload(request):
    """Check the uploaded image; refuse with the reason, or store it through django-ckeditor."""
    if not from_this_site(request):
        return refusal("上传被拒绝：请求不是从本站的编辑器发出的。", status=403)
    # django-ckeditor writes CKEditorFuncNum into an inline script; without it, it answers JSON.
    request.GET = request.GET.copy()
    request.GET.pop("CKEditorFuncNum", None)
    file = request.FILES.get("upload")
    if file is None:
        return refusal("没有收到文件：请选择要上传的图片。")
    try:
        fmt = inspect_image(file)
    except ValidationError as exc:
        return refusal("；".join(exc.messages))
    setattr(file, INSPECTED, fmt)  # the backend then does not decode it a second time
    file.seek(0)
    return ckeditor_views.upload(request)


@never_cache
@editor_permission_required
def browse(request):
    """List the uploaded images (django-ckeditor's view, rendered by our ``ckeditor/browse.html``)."""
    return ckeditor_views.browse(request)


class CKEditorImageBackend(PillowBackend):
    """PillowBackend that accepts only images passing ``inspect_image``."""

    @property
    def is_image(self):
        if not hasattr(self, "_checked"):
            if getattr(self.file_object, INSPECTED, None):
                self._checked = True  # checked by the editor's upload view a moment ago
                return True
            try:
                inspect_image(self.file_object)
                self._checked = True
            except ValidationError:
                self._checked = False
            self.file_object.seek(0)
        return self._checked

    def save_as(self, filepath):
        if not self.is_image:
            raise ValidationError("只接受图片。")
        return super().save_as(filepath)


def ckeditor_filename(filename: str, request) -> str:
    """Return a random name with the extension of the uploaded file's real format."""
    upload = request.FILES.get("upload") if request is not None else None
    ext = real_extension(upload, filename)
    return f"{uuid.uuid4().hex}.{ext}"
