"""Health check for load balancers and monitoring: is the database reachable?"""

import time

from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def health(request):
    """Return 200 with the database round-trip time, or 503 naming what failed."""
    checks = {}
    status = 200
    for alias in connections:
        started = time.perf_counter()
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            checks[alias] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}
        except DatabaseError as exc:
            checks[alias] = {"ok": False, "error": exc.__class__.__name__}
            status = 503
    return JsonResponse({"status": "ok" if status == 200 else "unavailable", "databases": checks}, status=status)
