"""Names printed with spaces: a character printed alone is never a name by itself.

``王 晓明`` is one person, 王晓明, wherever author names are used: the author
search filter, citations, RIS, exports and the admin list. Migration 0004
puts existing articles right, search index included.
"""

import csv
import importlib
import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from articles.bylines import parse_byline
from articles.citations import gbt7714
from articles.models import Article
from articles.search import index
from tests.factories import found_by_author, make_article

SPACED = [
    # Surname, space, given name of two.
    ("王 晓明", "", ["王晓明"]),
    ("本报记者 王 晓明", "本报记者", ["王晓明"]),
    ("本报记者 王 晓明 通讯员 李 强", "本报记者", ["王晓明", "李强"]),
    ("本报记者王 晓明", "本报记者", ["王晓明"]),
    # The given name spaced too.
    ("王 晓 明", "", ["王晓明"]),
    ("本报记者 王 晓 明", "本报记者", ["王晓明"]),
    # Compound surnames take the given name after them, spaced or not.
    ("欧阳 晓明", "", ["欧阳晓明"]),
    ("欧阳 飞", "", ["欧阳飞"]),
    ("本报记者 欧阳 晓明 通讯员 司马 光", "本报记者", ["欧阳晓明", "司马光"]),
    ("欧阳 晓 明", "", ["欧阳晓明"]),
    ("摄 诸葛 亮", "摄", ["诸葛亮"]),
    ("通讯员 上官 婉儿 李强", "通讯员", ["上官婉儿", "李强"]),
    # 文 is a role, but here it begins a name: nothing else is left to join.
    ("实习生 文 娟", "实习生", ["文娟"]),
    ("实习生 文 娟 通讯员 李强", "实习生", ["文娟", "李强"]),
    ("本报记者 王晓明 实习生 文 娟", "本报记者", ["王晓明", "文娟"]),
    ("本报记者 王 文", "本报记者", ["王文"]),
    # Spaced two-character names, as before.
    ("刘 飞", "", ["刘飞"]),
    ("本报记者 刘 飞", "本报记者", ["刘飞"]),
    ("本报记者 刘 飞 李 强", "本报记者", ["刘飞", "李强"]),
    # Two ordinary names stay two people.
    ("刘飞 李强", "", ["刘飞", "李强"]),
    ("本报记者 张三 李四 王五 赵六", "本报记者", ["张三", "李四", "王五", "赵六"]),
    ("刘 飞 李强", "", ["刘飞", "李强"]),
    # Names listed with 、, spaced or not.
    ("文/图 张三、李四", "文/图", ["张三", "李四"]),
    ("本报记者 王 晓明、李 强", "本报记者", ["王晓明", "李强"]),
]


@pytest.mark.parametrize("byline, role, names", SPACED)
def test_a_character_printed_alone_joins_the_name_after_it(byline, role, names):
    parsed = parse_byline(byline)
    assert (parsed.role, parsed.names) == (role, names)


@pytest.mark.parametrize(
    "byline, role, title, names",
    [
        # The one-character roles still read as roles where they are roles.
        ("文 刘 飞", "文", "", ["刘飞"]),
        ("文 王 晓明", "文", "", ["王晓明"]),
        ("图 欧阳 飞", "图", "", ["欧阳飞"]),
        ("文 临江市总工会副主席 孟 凡", "文", "临江市总工会副主席", ["孟凡"]),
        ("文 市总工会副主席、党组书记 王 晓明", "文", "市总工会副主席、党组书记", ["王晓明"]),
        ("文/图 市总工会 张 强 李四", "文/图", "市总工会", ["张强", "李四"]),
        ("通讯员 市机械厂 赵一鸣", "通讯员", "市机械厂", ["赵一鸣"]),
        ("特约记者 孙 磊 摄影 周立新", "特约记者", "", ["孙磊", "周立新"]),
    ],
)
def test_roles_and_titles_are_still_not_names(byline, role, title, names):
    parsed = parse_byline(byline)
    assert (parsed.role, parsed.title, parsed.names) == (role, title, names)


@pytest.mark.parametrize(
    "byline, names",
    [
        # A compound surname's given name is spaced apart; more lone characters after it are a name of their own.
        ("欧阳 文 刘 飞", ["欧阳文", "刘飞"]),
        ("本报记者 欧阳 晓 明 李强", ["欧阳晓明", "李强"]),
        # A two-character name that is also a compound surname takes no role, title or three-character name after it.
        ("通讯员 欧阳 记者 李强", ["欧阳", "李强"]),
        ("通讯员 欧阳 摄影 李强", ["欧阳", "李强"]),
        # … and printed last, it is kept as printed.
        ("本报记者 王晓明 东方", ["王晓明", "东方"]),
    ],
)
def test_a_compound_surname_takes_only_the_given_name_printed_after_it(byline, names):
    assert parse_byline(byline).names == names


def test_a_lone_surname_before_a_title_is_not_joined_to_the_title():
    parsed = parse_byline("文 李 副主席")
    assert (parsed.title, parsed.names) == ("副主席", ["李"])


def test_a_role_after_a_listed_name_starts_the_next_group():
    parsed = parse_byline("文 张三、 图 李四")
    assert [(g.role, g.names) for g in parsed.groups] == [("文", ["张三"]), ("图", ["李四"])]


@pytest.mark.parametrize("byline, role, title", [("本报记者", "本报记者", ""), ("市总工会", "", "市总工会")])
def test_a_byline_with_no_name_keeps_its_role_or_title(byline, role, title):
    parsed = parse_byline(byline)
    assert (parsed.role, parsed.title, parsed.names) == (role, title, [])


def test_every_role_is_still_recognised_before_a_spaced_name():
    from articles.bylines import ROLES

    for role in ROLES:
        parsed = parse_byline(f"{role} 王 晓明")
        assert (parsed.role, parsed.names) == (role, ["王晓明"]), role


@pytest.mark.django_db
def test_article_stores_one_author_and_is_found_by_either_spelling():
    article = make_article(byline="本报记者 王 晓明 通讯员 欧阳 飞")
    assert article.author_names == "王晓明、欧阳飞"
    assert article.authors == ["王晓明", "欧阳飞"]
    assert found_by_author("王晓明") == [article]
    assert found_by_author("王 晓明") == [article]
    assert found_by_author("欧阳飞") == [article]
    assert found_by_author("王") == []
    assert found_by_author("晓明") == []
    assert gbt7714(article).startswith("王晓明, 欧阳飞. 职工书屋开进车间[N].")


@pytest.fixture
def wang(db):
    return make_article(headline="王记者的稿件", byline="本报记者 王 晓明")


def hits(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return [h.article.headline for h in response.context["search"].hits]


@pytest.mark.parametrize("author", ["王晓明", "王 晓明", "王　晓明"])
def test_search_author_filter_finds_the_whole_name(client, wang, author):
    assert hits(client, author=author) == ["王记者的稿件"]


def test_search_author_filter_does_not_find_half_a_name(client, wang):
    assert hits(client, author="晓明") == []
    assert hits(client, author="王") == []


def test_ris_names_one_author(client, wang):
    response = client.get(f"/articles/{wang.pk}/cite.ris")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert [line for line in lines if line.startswith("AU  - ")] == ["AU  - 王晓明"]


def test_exports_and_citation_name_one_author(client, wang):
    reader = csv.DictReader(
        io.StringIO(client.get("/search/", {"author": "王晓明", "format": "csv"}).content.decode("utf-8-sig"))
    )
    assert [row["作者"] for row in reader] == ["王晓明"]
    data = client.get("/search/", {"author": "王晓明", "format": "json"}).json()
    assert [r["authors"] for r in data["results"]] == [["王晓明"]]
    assert gbt7714(wang).startswith("王晓明. 王记者的稿件[N].")


def test_admin_list_shows_one_author(admin_client, wang):
    html = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "王晓明" in html
    assert "王、晓明" not in html


# --- migration 0004: existing rows -------------------------------------------------

MIGRATION = importlib.import_module("articles.migrations.0004_rejoin_spaced_author_names")


class _SchemaEditor:
    connection = connection


def historical_apps():
    """Models as migration 0004 sees them."""
    state = MigrationExecutor(connection).loader.project_state(("articles", "0003_theme_names_and_slugs"))
    return state.apps


def store_as_before(article, role, title, names):
    """Put back what the old parser stored, and index that, as an archive migrated from before holds."""
    Article.objects.filter(pk=article.pk).update(byline_role=role, author_title=title, author_names=names)
    index.update([article.pk])


def test_migration_rejoins_names_and_reindexes_only_what_changed(client, db):
    wang = make_article(headline="王记者的稿件", byline="本报记者 王 晓明", themes=["法律援助"])
    ouyang = make_article(wang.page, headline="欧阳记者的稿件", byline="欧阳 晓明", order=2)
    intern = make_article(wang.page, headline="实习生的稿件", byline="实习生 文 娟", order=3)
    fine = make_article(wang.page, headline="署名无误的稿件", byline="本报记者 刘 飞 通讯员 李强", order=4)
    store_as_before(wang, "本报记者", "", "王、晓明")
    store_as_before(ouyang, "", "", "欧阳、晓明")
    store_as_before(intern, "实习生", "", "娟")
    Article.objects.filter(pk=intern.pk).update(byline_role="实习生")
    assert hits(client, author="王") == ["王记者的稿件"]  # the stale state the migration finds
    assert hits(client, author="王晓明") == []
    before_fine = Article.objects.filter(pk=fine.pk).values("updated_at", "author_names").get()

    MIGRATION.rejoin(historical_apps(), _SchemaEditor())

    stored = dict(Article.objects.values_list("headline", "author_names"))
    assert stored == {
        "王记者的稿件": "王晓明",
        "欧阳记者的稿件": "欧阳晓明",
        "实习生的稿件": "文娟",
        "署名无误的稿件": "刘飞、李强",
    }
    assert Article.objects.filter(pk=fine.pk).values("updated_at", "author_names").get() == before_fine
    # The search index holds the new names: the filter, the tags and the themes.
    assert hits(client, author="王晓明") == ["王记者的稿件"]
    assert hits(client, author="王 晓明") == ["王记者的稿件"]
    assert hits(client, author="王") == []
    assert hits(client, author="欧阳晓明") == ["欧阳记者的稿件"]
    assert hits(client, author="文娟") == ["实习生的稿件"]
    assert hits(client, q="法律援助", author="王晓明") == []  # the body does not say it
    assert hits(client, q="车间", author="王晓明", theme="法律援助") == ["王记者的稿件"]
    ris = client.get(f"/articles/{wang.pk}/cite.ris").content.decode()
    assert [line for line in ris.splitlines() if line.startswith("AU  - ")] == ["AU  - 王晓明"]


def test_migration_reads_in_batches(db, monkeypatch):
    monkeypatch.setattr(MIGRATION, "BATCH", 2)
    page = make_article().page
    articles = [
        make_article(page, headline=f"稿件{n}", byline=f"本报记者 王 {given}", order=n)
        for n, given in enumerate(["晓明", "晓东", "晓明", "红", "晓光"])
    ]
    for article in articles:
        store_as_before(article, "本报记者", "", "王、晓明")
    MIGRATION.rejoin(historical_apps(), _SchemaEditor())
    stored = sorted(Article.objects.filter(pk__in=[a.pk for a in articles]).values_list("author_names", flat=True))
    assert stored == sorted(["王晓明", "王晓东", "王晓明", "王红", "王晓光"])
    assert index.missing_ids() == []


def test_migration_drops_entries_it_cannot_rebuild_and_says_so(client, db, monkeypatch, capsys):
    wang = make_article(headline="王记者的稿件", byline="本报记者 王 晓明")
    store_as_before(wang, "本报记者", "", "王、晓明")

    def broken(*args, **kwargs):
        raise RuntimeError("index code newer than the migration")

    monkeypatch.setattr(index, "entry_values", broken)
    MIGRATION.rejoin(historical_apps(), _SchemaEditor())
    assert Article.objects.get(pk=wang.pk).author_names == "王晓明"
    assert index.missing_ids() == [wang.pk]
    assert "rebuild_search_index --missing" in capsys.readouterr().out
    monkeypatch.undo()
    assert hits(client, author="王") == []  # no stale entry is left to find
    index.index_missing()
    assert hits(client, author="王晓明") == ["王记者的稿件"]
