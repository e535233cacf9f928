"""A page scan's form field is the project's own, so a refused scan says why.

No change to the database: the column still holds a file name.
"""

from django.db import migrations

import unionpaper.uploads


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0003_fill_image_dimensions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="page",
            name="image",
            field=unionpaper.uploads.UploadImageField(
                blank=True,
                height_field="image_height",
                help_text="整版扫描图（JPEG/PNG/TIFF）。上传后自动生成缩略图。",
                upload_to=unionpaper.uploads.GeneratedName("pages"),
                validators=[unionpaper.uploads.validate_image_upload],
                verbose_name="版面图",
                width_field="image_width",
            ),
        ),
    ]
