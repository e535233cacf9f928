"""Run an import in several processes, each with its own database connection.

Files are grouped by issue date (a text file by its first masthead, a scan or
PDF by its folder), and a whole group goes to one worker, so two workers
never create the same issue or page or number the same page's articles.
Every file is still imported in its own transaction.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
from collections import defaultdict
from pathlib import Path

from django.db import connections

from .media import folder_date
from .service import TEXT_SUFFIXES, ImportRun

_run: ImportRun | None = None


def _init(options):
    global _run
    _run = ImportRun(**options)
    # One database connection per worker for all its groups (a new PostgreSQL
    # backend per group costs more than importing a few files), closed as the
    # worker exits.
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _work(paths):
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()  # after a database error, start afresh
    with _run.session():
        return list(_run.import_files(paths))


def groups(paths, run: ImportRun) -> list[list[Path]]:
    """Return the files grouped by the issue they belong to.

    A text file is read only up to its first masthead here (the workers parse
    it whole): this runs before any worker starts.
    """
    by_date = defaultdict(list)
    for path in map(Path, paths):
        key = folder_date(path)
        if path.suffix.lower() in TEXT_SUFFIXES and path.is_file():
            key = run.first_date(path) or key
        by_date[key].append(path)
    return list(by_date.values())


def import_in_parallel(paths, *, workers: int, **options):
    """Yield a FileResult per file, imported by ``workers`` processes."""
    work = groups(paths, ImportRun(**options))
    # Children must open their own connections, never share the parent's socket.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_init, initargs=(options,))
    try:
        for results in pool.imap_unordered(_work, work):
            yield from results
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()  # the workers exit on their own and close their connections
    finally:
        pool.join()
