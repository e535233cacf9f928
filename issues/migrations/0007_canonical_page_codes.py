"""Rewrite every page code in its canonical form: letters and a number of at least two digits (A2 → A02).

The rule is frozen here as it was when this migration was written
(``issues.models.normalize_page_code``). Codes that are not letters and a
number are left as they are and listed: an editor corrects them in the admin.

Two pages of one issue whose codes name the same page (``A2`` and ``A02``)
are merged into one: the one already written canonically (else the older
one) is kept, the other's articles move onto it, and its name, editor, scan
and PDF fill what the kept page lacks. If both have a scan, or both a PDF,
and they differ, nothing can be merged safely: the migration stops, changes
nothing, and names the pages to sort out by hand first.
"""

import re
import unicodedata

from django.db import migrations

import issues.models

CODE = re.compile(r"^([A-Z]{0,3})0*(\d{1,4})([A-Z]?)$")
BATCH = 1000
SHOWN = 20


def canonical(raw):
    code = unicodedata.normalize("NFKC", raw or "").strip().upper().replace(" ", "")
    code = code.removeprefix("第").removesuffix("版")
    match = CODE.match(code)
    if not match:
        return None
    prefix, number, suffix = match.groups()
    return f"{prefix}{int(number):02d}{suffix}", f"{prefix}{int(number):05d}{suffix}"


def normalise(apps, schema_editor):
    Page = apps.get_model("issues", "Page")
    Article = apps.get_model("articles", "Article")
    groups, invalid = {}, []
    rows = Page.objects.order_by("pk").values_list("pk", "issue_id", "issue__date", "code", "sort_key")
    for pk, issue_id, date, code, sort_key in rows.iterator(chunk_size=BATCH):
        result = canonical(code)
        if result is None:
            invalid.append(f"{date} {code!r}")
            continue
        groups.setdefault((issue_id, result[1]), []).append((pk, code, sort_key, result))

    merges, refused = [], []
    for pages in groups.values():
        if len(pages) < 2:
            continue
        canon = pages[0][3][0]
        keep_pk = next((pk for pk, code, *_ in pages if code == canon), pages[0][0])
        keep = Page.objects.get(pk=keep_pk)
        others = [Page.objects.get(pk=pk) for pk, *_ in pages if pk != keep_pk]
        for other in others:
            for field in ("image", "pdf"):
                mine, theirs = getattr(keep, field).name, getattr(other, field).name
                if mine and theirs and mine != theirs:
                    label = {"image": "版面图", "pdf": "版面 PDF"}[field]
                    refused.append(f"{keep.issue.date} 第{keep.code}版 与 第{other.code}版 各有不同的{label}")
        merges.append((keep, others))
    if refused:
        raise RuntimeError(
            "版次规范化无法自动合并以下版面（数据库未作任何改动）；请先在后台删去或合并其中一版，再运行 migrate：\n  "
            + "\n  ".join(refused)
        )

    report = []
    for keep, others in merges:
        for other in others:
            moved = Article.objects.filter(page_id=other.pk).update(page_id=keep.pk)
            for field in ("name", "editor"):
                if not getattr(keep, field) and getattr(other, field):
                    setattr(keep, field, getattr(other, field))
            if not keep.image and other.image:
                keep.image, keep.image_width, keep.image_height = other.image, other.image_width, other.image_height
                keep.thumbnail = other.thumbnail
            if not keep.pdf and other.pdf:
                keep.pdf = other.pdf
            report.append(f"{keep.issue.date} 第{other.code}版 并入 第{keep.code}版（移过 {moved} 篇稿件）")
            other.delete()
        keep.save()

    renamed = []
    changed = []
    for pages in groups.values():
        for pk, code, stored_key, (canon, sort_key) in pages:
            if (code, stored_key) != (canon, sort_key) and Page.objects.filter(pk=pk).exists():
                changed.append(Page(pk=pk, code=canon, sort_key=sort_key))
                if code != canon:
                    renamed.append(f"{code}→{canon}")
    Page.objects.bulk_update(changed, ["code", "sort_key"], batch_size=BATCH)

    if renamed or report or invalid:
        print()
        if renamed:
            more = f" 等 {len(renamed)} 个" if len(renamed) > SHOWN else ""
            print(f"  版次改为标准写法：{'，'.join(renamed[:SHOWN])}{more}")
        for line in report:
            print(f"  合并：{line}")
        if invalid:
            print(f"  无法规范化、保持原样的版次（请在后台改正）：{'，'.join(invalid[:SHOWN])}")


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0006_versions"),
        ("articles", "0006_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="page",
            name="code",
            field=issues.models.PageCodeField(
                help_text="如 A01、A34、B02；同一期内不可重复。",
                max_length=12,
                validators=[issues.models.validate_page_code],
                verbose_name="版次",
            ),
        ),
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
