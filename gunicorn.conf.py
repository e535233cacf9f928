"""gunicorn settings for production: ``gunicorn unionpaper.wsgi`` reads this file.

Every value can be overridden from the environment (GUNICORN_BIND,
WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS) or the
command line.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Django views are mostly CPU-bound here (rendering) with short database waits:
# two processes per core keeps both cores busy while one waits.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak never grows without bound.
# At a busy issue's few hundred requests a second per worker, 5,000 meant a
# restart every few seconds; each now serves for minutes.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """Before forking workers, do in the master what each would do on its first request."""
    if server.cfg.preload_app:
        # Gunicorn reads this file before it loads the app: Django is set up only by now.
        from unionpaper.warmup import warm

        server.log.info("warmed %d templates", len(warm()))
        # Everything loaded so far (Django, the app, its templates) lives as long as the
        # process: move it out of the collector's sight. Otherwise each worker's full
        # collections walk all of it every few thousand requests, a pause that showed
        # as p99 jumping from 35 to 100-150 ms every half minute under load; and the
        # pages the workers share with the master stay shared instead of being copied
        # as the collector touches them (Python's gc.freeze docs, for pre-fork servers).
        gc.freeze()
        server.log.info("froze %d long-lived objects out of the garbage collector's way", gc.get_freeze_count())
