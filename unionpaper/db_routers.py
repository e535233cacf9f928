"""Send the public's reads to a read replica and everything else to the primary.

Enabled when ``DATABASE_REPLICA_URL`` is set. Only safe requests (GET, HEAD)
outside the admin read from the replica: an editor who has just saved must
see what was saved, and replication lag would hide it. Writes, migrations and
every read outside such a request go to the primary.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from unionpaper.paths import PRIMARY_ONLY_PREFIXES

REPLICA = "replica"
_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)
_primary_only: ContextVar[bool] = ContextVar("reads_from_primary_only", default=False)


@contextmanager
def reading_primary():
    """Read from the primary inside the block, even for public requests (pages rendered inside a transaction)."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reads_from_replica.get() and not _primary_only.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Mark public safe requests so that the router reads them from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_replica = request.method in ("GET", "HEAD") and not request.path.startswith(PRIMARY_ONLY_PREFIXES)
        token = _reads_from_replica.set(use_replica)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
