"""Public reads go to the read replica, writes and the admin to the primary (real streaming replica)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRIMARY = "postgres://postgres@127.0.0.1:5432"
REPLICA_PORT = os.environ.get("REPLICA_PORT", "5433")
REPLICA = f"postgres://postgres@127.0.0.1:{REPLICA_PORT}"


def _psql(port, sql):
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-Atc", sql],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def replicated_database():
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode != 0:
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432")
    state = _psql(REPLICA_PORT, "select pg_is_in_recovery()")
    if state.returncode != 0 or state.stdout.strip() != "t":
        pytest.skip(f"needs a streaming replica on 127.0.0.1:{REPLICA_PORT} (start one with scripts/pg-replica start)")
    name = f"up_replica_{uuid.uuid4().hex[:8]}"
    assert _psql(5432, f"create database {name}").returncode == 0
    try:
        yield name
    finally:
        _psql(5432, f"drop database if exists {name} with (force)")


def test_public_pages_read_from_the_replica_and_writes_go_to_the_primary(replicated_database, tmp_path):
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"{PRIMARY}/{replicated_database}",
        "DATABASE_REPLICA_URL": f"{REPLICA}/{replicated_database}",
        "MEDIA_ROOT": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    probe = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "deploy" / "replica_probe.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])

    assert result["writes_on_primary"] == 3 and result["writes_on_replica"] == 0
    assert result["replicated"], "the replica never received the primary's writes"
    views = ("article", "page", "home")
    for view in views:
        assert result[view]["status"] == 200, view
        assert result[view]["shows_headline"], view
        assert result[view]["replica"] > 0, (view, result[view])
    # Public pages read from the replica; only the schedule check (the next
    # publication time, one query over every table, once per content
    # generation) asks the primary, since a lagging replica may not have a
    # schedule just saved.
    primary_reads = [sql for view in views for sql in result[view]["primary_sql"]]
    assert len(primary_reads) == 1, primary_reads
    assert all('"publish_at" >' in sql for sql in primary_reads), primary_reads
    # The editor reads their own writes from the primary.
    assert result["admin"]["status"] == 200
    assert result["admin"]["replica"] == 0 and result["admin"]["primary"] > 0
    # A new issue's pages, rendered ahead inside the publishing transaction, read the primary,
    # and its first reader finds the front page ready, showing it.
    assert result["ahead"] == {"served": "hit", "shows_headline": True}
