"""A file rolled back because another writer got there first is tried again; other failures are not."""

import pytest
from django.db import IntegrityError, OperationalError

from articles.importing import service
from articles.models import Article

from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempts(monkeypatch):
    """Count the attempts at saving an article; ``fail`` says which attempts raise what."""
    monkeypatch.setattr(service.time, "sleep", lambda seconds: None)
    save = service.ImportRun._save_article
    state = {"count": 0, "fail": lambda n: None}

    def save_article(self, path, parsed):
        state["count"] += 1
        if error := state["fail"](state["count"]):
            raise error
        return save(self, path, parsed)

    monkeypatch.setattr(service.ImportRun, "_save_article", save_article)
    return state


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError('duplicate key value violates unique constraint "issues_page_issue_code"'),
        OperationalError("database is locked"),
    ],
    ids=["another worker created the page", "sqlite write lock"],
)
def test_a_file_rolled_back_by_a_concurrent_writer_is_imported_on_the_next_attempt(
    run_import, write_file, attempts, error
):
    attempts["fail"] = lambda n: error if n == 1 else None
    outcome = run_import(write_file("a.txt", samples.seed_shape()))
    assert outcome.ok, outcome.err
    assert "imported=1" in outcome.out and "failed=0" in outcome.out
    assert attempts["count"] == 2
    assert Article.objects.get().headline == samples.HEADLINE


def test_a_file_that_keeps_meeting_a_concurrent_writer_fails_after_a_few_attempts(run_import, write_file, attempts):
    attempts["fail"] = lambda n: IntegrityError("duplicate key")
    path = write_file("a.txt", samples.seed_shape())
    outcome = run_import(path)
    assert not outcome.ok
    assert attempts["count"] == service.ATTEMPTS
    assert str(path) in outcome.err and "数据库拒绝写入" in outcome.err and "重新运行即可" in outcome.err
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "error",
    [RuntimeError("数据库拒绝写入 (a message that merely looks like a race)"), OperationalError("disk I/O error")],
    ids=["an unexpected error", "a database error other than a lock"],
)
def test_other_failures_are_not_tried_again(run_import, write_file, attempts, error):
    attempts["fail"] = lambda n: error
    outcome = run_import(write_file("a.txt", samples.seed_shape()))
    assert not outcome.ok and "意外错误" in outcome.err
    assert attempts["count"] == 1
