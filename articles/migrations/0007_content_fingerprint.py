"""Articles carry a content fingerprint (date, page, headline, body), indexed, filled for existing rows.

The importer looks an article up by it to recognise the same printed article
under another file name (``articles.fingerprints``). Existing rows are filled
in batches of 1,000, each batch read by id and written with one bulk update,
so a large archive is never loaded at once.
"""

from django.db import migrations, models

from articles.fingerprints import content_fingerprint

BATCH = 1000


def fill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    last = 0
    while True:
        rows = list(
            Article.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "page__issue__date", "page__code", "headline", "body")[:BATCH]
        )
        if not rows:
            break
        Article.objects.bulk_update(
            [
                Article(
                    pk=pk,
                    content_fingerprint=content_fingerprint(
                        date=date, page_code=code, headline=headline, body_html=body
                    ),
                )
                for pk, date, code, headline, body in rows
            ],
            ["content_fingerprint"],
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_versions"),
        ("issues", "0007_canonical_page_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="content_fingerprint",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="日期、版次、主标题和正文（忽略空格、全半角）的 sha256；导入时用来识别同一篇稿件。",
                max_length=64,
                verbose_name="内容指纹",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
