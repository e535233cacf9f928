"""Pages remember whether their scan was rendered from their PDF (a new PDF renders it again)."""

from django.db import migrations, models

import unionpaper.uploads


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0008_department_head_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="page",
            name="scan_from_pdf",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="版面图是从本版 PDF 渲染的；换了 PDF 时重新生成，上传扫描图后不再生成。",
                verbose_name="版面图由 PDF 生成",
            ),
        ),
        migrations.AlterField(
            model_name="page",
            name="pdf",
            field=models.FileField(
                blank=True,
                help_text="排版系统导出的本版 PDF。没有上传版面图时，版面图由 PDF 自动生成；上传的扫描图优先。",
                upload_to=unionpaper.uploads.GeneratedName("pages/pdf", kind="pdf"),
                validators=[unionpaper.uploads.validate_pdf_upload],
                verbose_name="版面 PDF",
            ),
        ),
    ]
