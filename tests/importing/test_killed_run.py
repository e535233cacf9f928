"""A run killed half-way leaves no half-imported file, and a re-run completes it."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from . import samples

ROOT = Path(__file__).resolve().parents[2]
FILES = 300


def _database_url(tmp_path) -> tuple[str, bool]:
    """Return a database the subprocess can share with this test, and whether it needs migrating."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        # The test database itself: this test commits for real (transaction=True) and is flushed after.
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}", False
    # SQLite's test database lives in memory; give the subprocesses a file of their own.
    return f"sqlite:///{tmp_path / 'killed.sqlite3'}", True


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs
    )


def _article_keys(env) -> list[str]:
    code = (
        "import json; from articles.models import Article; "
        "print(json.dumps(list(Article.objects.values_list('source_key', flat=True))))"
    )
    done = _manage(env, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _unindexed(env) -> int:
    code = "from articles.search import index; print(len(index.missing_ids()))"
    done = _manage(env, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killed_run_leaves_whole_files_only_and_rerun_completes(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for n in range(FILES):
        # Two articles per file, so a half-imported file would show as one; each printed once
        # (the same content in two files would be one article and a duplicate).
        second = samples.seed_shape(repeat=False, heading=f"第{n}号的第二篇稿件", page="第A04版")
        text = samples.several(samples.seed_shape(heading=f"第{n}号稿件的标题"), second)
        (folder / f"{n:04d}.txt").write_text(text, encoding="utf-8")
    url, migrate = _database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    if migrate:
        assert _manage(env, "migrate", "--noinput", "-v", "0").returncode == 0

    proc = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(folder), "-v", "2", "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    finished = 0
    for line in proc.stdout:
        if line.startswith("新导入"):
            finished += 1
            if finished == 5:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"

    keys = _article_keys(env)
    per_file: dict[str, int] = {}
    for key in keys:
        name = key.split("/", 1)[1].split("#")[0]
        per_file[name] = per_file.get(name, 0) + 1
    assert set(per_file.values()) == {2}, "a file was left half-imported"
    done_files = len(per_file)
    assert 5 <= done_files < FILES

    rerun = _manage(env, "import_articles", str(folder), "--no-progress")
    assert rerun.returncode == 0, rerun.stderr
    assert f"imported={FILES - done_files} updated=0 unchanged={done_files} failed=0" in rerun.stdout
    assert len(_article_keys(env)) == 2 * FILES
    assert _unindexed(env) == 0, "every article is in the search index once the re-run has finished"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_import_every_file_once(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for n in range(40):
        day = 1 + n % 4  # four issues, ten files each
        text = samples.seed_shape(
            date=f"2023年03月{day:02d}日", weekday="", heading=f"第{n}号稿件", page=f"第A0{1 + n % 3}版"
        )
        (folder / f"{n:04d}.txt").write_text(text, encoding="utf-8")
    (folder / "bad.txt").write_text(samples.MALFORMED, encoding="utf-8")
    url, migrate = _database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "MEDIA_ROOT": str(tmp_path / "media")}
    if migrate:
        assert _manage(env, "migrate", "--noinput", "-v", "0").returncode == 0
    first = _manage(
        env, "import_articles", str(folder), "--workers", "2", "--no-progress", "--report", str(tmp_path / "r.csv")
    )
    assert first.returncode == 1
    assert "imported=40 updated=0 unchanged=0 failed=1" in first.stdout
    assert "bad.txt" in first.stderr
    keys = _article_keys(env)
    assert len(keys) == len(set(keys)) == 40
    assert _unindexed(env) == 0
    again = _manage(
        env, "import_articles", str(folder / "0001.txt"), str(folder / "0002.txt"), "--workers", "2", "--no-progress"
    )
    assert "unchanged=2" in again.stdout
