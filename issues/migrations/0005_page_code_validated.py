"""Page codes are validated (letters and a number, at most 8 characters).

No change to the database: the column stays varchar(12). Existing rows are
not touched; a page whose code does not fit is refused only when it is next
edited.
"""

from django.db import migrations

import issues.models


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0004_page_scan_form_field"),
    ]

    operations = [
        migrations.AlterField(
            model_name="page",
            name="code",
            field=issues.models.PageCodeField(
                help_text="如 A01、A34、B2；同一期内不可重复。",
                max_length=12,
                validators=[issues.models.validate_page_code],
                verbose_name="版次",
            ),
        ),
    ]
