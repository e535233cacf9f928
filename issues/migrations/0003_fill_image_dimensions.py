"""Store the size of page scans saved without it.

Scans saved from an unnamed in-memory file were stored without their width
and height, so every load of such a page opened the file to measure it.
"""

from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.db import migrations


def fill(apps, schema_editor):
    Page = apps.get_model("issues", "Page")
    # values_list, not model instances: loading a row without its size would
    # itself open the file, and fail where the file is gone.
    missing = Page.objects.exclude(image="").filter(image_width__isnull=True).values_list("pk", "image")
    for pk, name in missing.iterator():
        try:
            with default_storage.open(name) as f:
                width, height = get_image_dimensions(f)
        except (OSError, ValueError):
            continue  # the file is gone or unreadable; leave the row as it is
        if width:
            Page.objects.filter(pk=pk).update(image_width=width, image_height=height)


class Migration(migrations.Migration):
    dependencies = [("issues", "0002_newsroom_roles")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
