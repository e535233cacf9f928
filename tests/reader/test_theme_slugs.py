"""A theme made only of punctuation: refused where typed, never an empty slug, never a 500.

An empty slug has no URL (``/themes/<slug>/``), so every page linking the
theme failed with ``NoReverseMatch``. Names need a letter or digit; a theme
that reaches the table another way gets ``theme-<digest>``; migration 0003
gives legacy themes with an empty slug a valid one.
"""

import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from articles.models import Article, Theme
from articles.themes import parse_themes, theme_slug
from tests.admin_forms import article_data
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

PUNCTUATION = ["..", "……", "——", "？", "（）", "“”", "_", "!!", "👍"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = False


@pytest.mark.parametrize("name", PUNCTUATION)
def test_parse_themes_refuses_a_name_without_letters_and_names_it(name):
    with pytest.raises(ValidationError) as exc:
        parse_themes(f"法律援助 {name}")
    message = exc.value.messages[0]
    assert f"“{name}”没有文字或数字" in message


def test_parse_themes_refuses_nothing_else():
    assert parse_themes("、、") == []  # 、 separates themes: no theme at all
    assert sorted(parse_themes("法律援助、5G，C语言；２０２３、劳模·工匠")) == sorted(
        ["法律援助", "5G", "C语言", "２０２３", "劳模·工匠"]
    )


@pytest.mark.parametrize("name", ["..", "……", "——", "？", "（）", "“”"])
def test_article_form_refuses_a_punctuation_theme_with_a_chinese_message(admin_client, name):
    page = make_page()
    data = article_data(page=page, headline="标点主题稿件", themes=f"法律援助、{name}")
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "没有文字或数字" in html
    assert f"“{name}”" in html
    assert not Article.objects.filter(headline="标点主题稿件").exists()
    assert not Theme.objects.exists()


def test_article_form_still_takes_ordinary_themes(admin_client):
    data = article_data(page=make_page(), headline="普通主题稿件", themes="法律援助、5G")
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(Article.objects.get(headline="普通主题稿件").themes.names()) == ["5G", "法律援助"]


def test_theme_admin_refuses_a_punctuation_name(admin_client):
    response = admin_client.post(reverse("admin:articles_theme_add"), {"name": "……", "slug": "dots", "description": ""})
    assert response.status_code == 200
    assert "“……”没有文字或数字" in response.content.decode()
    assert not Theme.objects.exists()


def test_slug_is_never_empty():
    assert theme_slug("法律援助") == "法律援助"
    assert re.fullmatch(r"theme-[0-9a-f]{8}", theme_slug(".."))
    assert theme_slug("..") == theme_slug("..")  # the same every time
    assert theme_slug("..") != theme_slug("……")
    assert theme_slug("..", 2) == theme_slug("..") + "_2"


def public_pages_answer(client, article):
    for url in (article.get_absolute_url(), "/themes/", "/sitemap-themes.xml", "/sitemap.xml", "/search/?q=车间"):
        response = client.get(url)
        assert response.status_code == 200, url
    for theme in article.themes.all():
        assert theme.slug
        assert client.get(reverse("articles:theme", kwargs={"slug": theme.slug})).status_code == 200
        assert (
            f'href="{reverse("articles:theme", kwargs={"slug": theme.slug})}"'
            in client.get("/themes/").content.decode()
        )


def test_a_theme_added_without_the_form_gets_a_slug_and_pages_answer(client):
    article = make_article(themes=["法律援助", "……", "——", "？"])
    slugs = dict(Theme.objects.values_list("name", "slug"))
    assert slugs["法律援助"] == "法律援助"
    for name in ("……", "——", "？"):
        assert slugs[name] == theme_slug(name)
    public_pages_answer(client, article)


def test_a_taken_fallback_slug_gets_a_number(client):
    Theme.objects.create(name="别的主题", slug=theme_slug("……"))
    article = make_article(themes=["……"])
    assert Theme.objects.get(name="……").slug == theme_slug("……") + "_1"
    public_pages_answer(client, article)


def test_saving_a_theme_whose_slug_is_empty_fills_it():
    theme = Theme.objects.create(name="……")
    Theme.objects.filter(pk=theme.pk).update(slug="")
    theme.refresh_from_db()
    theme.description = "改了简介"
    theme.save()
    assert Theme.objects.get(pk=theme.pk).slug == theme_slug("……")


MIGRATION = importlib.import_module("articles.migrations.0003_theme_names_and_slugs")


class _SchemaEditor:
    connection = connection


def test_migration_gives_a_legacy_empty_slug_a_valid_one_and_pages_answer(client):
    article = make_article(themes=["法律援助", ".."])
    other = make_article(article.page, headline="另一篇", order=2, themes=["？"])
    Theme.objects.filter(name="..").update(slug="")  # an empty slug, as older rows may hold
    Theme.objects.filter(name="？").update(slug=theme_slug(".."))  # and its fallback taken
    apps = MigrationExecutor(connection).loader.project_state(("articles", "0002_search_index")).apps

    MIGRATION.fill_empty_slugs(apps, _SchemaEditor())

    assert not Theme.objects.filter(slug="").exists()
    assert Theme.objects.get(name="..").slug == theme_slug("..") + "_1"
    assert Theme.objects.get(name="法律援助").slug == "法律援助"
    assert [t.name for t in article.themes.order_by("name")] == ["..", "法律援助"]
    public_pages_answer(client, article)
    public_pages_answer(client, other)


def test_migration_leaves_good_slugs_alone():
    make_article(themes=["法律援助", "技能竞赛"])
    before = list(Theme.objects.values_list("pk", "slug"))
    apps = MigrationExecutor(connection).loader.project_state(("articles", "0002_search_index")).apps
    MIGRATION.fill_empty_slugs(apps, _SchemaEditor())
    assert list(Theme.objects.values_list("pk", "slug")) == before
