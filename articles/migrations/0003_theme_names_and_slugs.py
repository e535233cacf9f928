"""Theme names need a letter or digit; give every theme with an empty slug a valid one.

A theme typed as ``..``, ``……``, ``——``, ``？``, ``（）`` or ``“”`` was stored
with the slug '' (django-taggit slugifies it to nothing), and every page that
links it (the article, ``/themes/``, ``/sitemap-themes.xml``) failed with
``NoReverseMatch``. Such names are now refused where they are typed and the
slug never comes out empty (``articles.themes``). Here each existing theme
with an empty slug gets ``articles.themes.theme_slug(name)`` (``theme-`` and
8 hex digits of the name's SHA-1), or its first free ``_<n>`` variant. The
theme keeps its name and articles; editors may rename it in the admin.
"""

from django.db import migrations, models

import articles.themes


def fill_empty_slugs(apps, schema_editor):
    from articles.themes import free_theme_slug, theme_slug

    Theme = apps.get_model("articles", "Theme")
    db = schema_editor.connection.alias
    changed = 0
    for theme in Theme.objects.using(db).filter(slug="").order_by("pk"):
        taken = Theme.objects.using(db).filter(slug__startswith=theme_slug(theme.name)).values_list("slug", flat=True)
        theme.slug = free_theme_slug(theme.name, set(taken))
        theme.save(update_fields=["slug"])
        changed += 1
    if changed:
        _pages_changed()


def _pages_changed():
    """Cached public pages may hold the old links: start them afresh."""
    from unionpaper.cache import bump_generation_now_and_on_commit

    bump_generation_now_and_on_commit()


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_search_index")]

    operations = [
        migrations.AlterField(
            model_name="theme",
            name="name",
            field=models.CharField(
                max_length=100, unique=True, validators=[articles.themes.validate_theme_name], verbose_name="name"
            ),
        ),
        migrations.RunPython(fill_empty_slugs, migrations.RunPython.noop),
    ]
