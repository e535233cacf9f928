"""Hot areas become shapes: each article's box in percent becomes one rectangle in page fractions.

``area_left``/``area_top``/``area_width``/``area_height`` (percent of the
page) become ``hot_areas = [{"type": "rect", "points": [[x0, y0], [x1, y1]]}]``
with the same edges. Stored revisions (django-reversion) are carried over the
same way, so restoring an older version brings its area back; reversing the
migration turns the bounding box of an article's shapes back into the box.
"""

import json
from decimal import Decimal

from django.db import migrations, models

from articles.hotareas.shapes import bounding_box, rect_from_percent

AREA_FIELDS = ("area_left", "area_top", "area_width", "area_height")
BATCH = 1000


def _box(shapes):
    box = bounding_box(shapes or [])
    if box is None:
        return dict.fromkeys(AREA_FIELDS)
    return {f: Decimal(str(round(v * 100, 2))) for f, v in zip(AREA_FIELDS, box, strict=True)}


def _versions(apps, schema_editor):
    try:
        Version = apps.get_model("reversion", "Version")
        ContentType = apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    db = schema_editor.connection.alias
    ct = ContentType.objects.using(db).filter(app_label="articles", model="article").first()
    if ct is None:
        return
    yield from Version.objects.using(db).filter(content_type=ct, format="json").iterator()


def _rewrite_versions(apps, schema_editor, change):
    for version in _versions(apps, schema_editor):
        try:
            data = json.loads(version.serialized_data)
        except ValueError:
            continue
        touched = False
        for row in data:
            fields = row.get("fields", {})
            touched |= change(fields)
        if touched:
            version.serialized_data = json.dumps(data, ensure_ascii=False)
            version.save(update_fields=["serialized_data"])


def _to_shapes(fields):
    if not any(f in fields for f in AREA_FIELDS):
        return False
    rect = rect_from_percent(*(fields.pop(f, None) for f in AREA_FIELDS))
    fields["hot_areas"] = [rect] if rect else []
    return True


def _to_box(fields):
    if "hot_areas" not in fields:
        return False
    fields.update({k: (None if v is None else str(v)) for k, v in _box(fields.pop("hot_areas")).items()})
    return True


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    rows = Article.objects.exclude(area_left=None).exclude(area_top=None).exclude(area_width=None)
    last = 0
    while batch := list(rows.exclude(area_height=None).filter(pk__gt=last).order_by("pk")[:BATCH]):
        for a in batch:
            a.hot_areas = [rect_from_percent(a.area_left, a.area_top, a.area_width, a.area_height)]
        Article.objects.bulk_update(batch, ["hot_areas"])
        last = batch[-1].pk
    _rewrite_versions(apps, schema_editor, _to_shapes)


def backwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    last = 0
    while batch := list(Article.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        for a in batch:
            for f, v in _box(a.hot_areas).items():
                setattr(a, f, v)
        Article.objects.bulk_update(batch, list(AREA_FIELDS))
        last = batch[-1].pk
    _rewrite_versions(apps, schema_editor, _to_box)


def percent_field(verbose_name):
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, null=True, blank=True)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_working_copies"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="hot_areas",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="稿件在版面图上的一个或多个区域（矩形或多边形），坐标为版面宽、高的比例（0–1，原点在左上角）；"
                "在版面的热区编辑器中画出。",
                verbose_name="热区",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="article", name="area_left"),
        migrations.RemoveField(model_name="article", name="area_top"),
        migrations.RemoveField(model_name="article", name="area_width"),
        migrations.RemoveField(model_name="article", name="area_height"),
    ]
