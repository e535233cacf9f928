"""A file too big or an article too long is refused, named with the limit, and nothing of it is written."""

import pytest

from articles.models import Article
from issues.models import Issue
from tests.importing import samples

pytestmark = pytest.mark.django_db


def test_a_file_over_the_size_limit_is_refused_with_its_name_and_the_limit(run_import, write_file):
    paragraph = "职工" * 2000
    big = write_file("huge.txt", samples.seed_shape(body=[paragraph] * 200))  # about 2.4 MB
    good = write_file("good.txt", samples.SECOND)
    outcome = run_import(big, good)
    assert not outcome.ok
    assert "huge.txt" in outcome.err and "超过导入上限 2.0 MB" in outcome.err and "--max-bytes" in outcome.err
    assert "imported=1" in outcome.out and "failed=1" in outcome.out
    assert list(Article.objects.values_list("headline", flat=True)) == ["困难职工家庭迎来“暖心包”"]


def test_the_size_limit_is_an_option(run_import, write_file):
    path = write_file("a.txt", samples.seed_shape())
    outcome = run_import(path, "--max-bytes", "1000")
    assert not outcome.ok and "超过导入上限 1 KB" in outcome.err
    assert not Issue.objects.exists()
    assert run_import(path, "--max-bytes", "100000").ok


def test_an_article_over_the_length_limit_is_refused_and_nothing_of_its_file_is_written(run_import, write_file):
    long = samples.seed_shape(repeat=False, heading="超长稿件", body=["字" * 100_001])
    text = samples.several(samples.seed_shape(), long)
    outcome = run_import(write_file("long.txt", text))
    assert not outcome.ok
    assert "long.txt" in outcome.err and "正文有 100,001 字，超过每篇 100,000 字的导入上限" in outcome.err
    assert not Article.objects.exists() and not Issue.objects.exists()


def test_the_length_limit_is_an_option_and_a_setting(run_import, write_file, settings):
    path = write_file("a.txt", samples.seed_shape())
    assert "超过每篇 50 字" in run_import(path, "--max-chars", "50").err
    settings.IMPORT_MAX_ARTICLE_CHARS = 60
    assert "超过每篇 60 字" in run_import(path).err
    assert run_import(path, "--max-chars", "1000").ok
