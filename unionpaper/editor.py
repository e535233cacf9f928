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
"""

import uuid

from ckeditor_uploader import views as ckeditor_views
from ckeditor_uploader.backends.pillow_backend import PillowBackend
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .uploads import INSPECTED, inspect_image, real_extension

# CKEditor 4 writes inline styles and inline event handlers (its toolbar's
# onclick="CKEDITOR.tools.callFunction(…)") into the page and its editing
# frame. Allow exactly those on the views that show the editor and nowhere
# else (``@csp_update(CKEDITOR_CSP)``); inline <script> elements stay
# forbidden even there, and what reaches the editor from the database has
# already been sanitized.
CKEDITOR_CSP = {
    "style-src": ["'unsafe-inline'"],
    "script-src-attr": ["'unsafe-inline'"],
    "img-src": ["data:", "blob:"],
}


def refusal(message: str) -> JsonResponse:
    # CKEditor shows error.message when uploaded is 0; a non-200 status would hide it behind "HTTP error".
    return JsonResponse({"uploaded": 0, "error": {"message": message}})


@csrf_exempt  # as django-ckeditor's own view: CKEditor posts its own token, not Django's
@staff_member_required
@require_POST
def upload(request):
    """Check the uploaded image; refuse with the reason, or store it through django-ckeditor."""
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
