"""The rich-text editor's image upload (/ckeditor/upload/), answering a refusal in words.

django-ckeditor refuses a file that is not an allowed image with an inline
``<script>`` calling back into CKEditor with "Invalid file type.". The editor
uploads over XHR and reads JSON, and our Content-Security-Policy would block
that script anyway, so the editor only said 不正确的服务器响应. This view
checks the file first (the same ``inspect_image`` as every image field) and
answers a refusal the way CKEditor 4 reads it, ``{"uploaded": 0, "error":
{"message": …}}``, with the reason in Chinese; an allowed image goes on to
django-ckeditor's own view, which stores it (``CKEDITOR_IMAGE_BACKEND``).
"""

from ckeditor_uploader import views as ckeditor_views
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .uploads import INSPECTED, inspect_image


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
