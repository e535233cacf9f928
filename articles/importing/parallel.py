"""Run an import in several processes, each with its own database connection.

Files are grouped by issue date (a text file by its first masthead, a scan or
PDF by its folder), and a whole group goes to one worker, so two workers
never create the same issue or page or number the same page's articles.
Every file is still imported in its own transaction.
"""
from __future__ import annotations

import multiprocessing
from collections import defaultdict
from pathlib import Path

from django.db import connections

from .service import TEXT_SUFFIXES, ImportRun, folder_date

_run: ImportRun | None = None


def _init(options):
    global _run
    _run = ImportRun(**options)


def _work(paths):
    with _run.session():
        results = list(_run.import_files(paths))
    connections.close_all()
    return results


def groups(paths, run: ImportRun) -> list[list[Path]]:
    """Return the files grouped by the issue they belong to."""
    by_date = defaultdict(list)
    for path in map(Path, paths):
        key = folder_date(path)
        if path.suffix.lower() in TEXT_SUFFIXES and path.is_file():
            parsed = run.prepare(path)
            key = parsed[0].date if isinstance(parsed, list) and parsed else key
        by_date[key].append(path)
    return list(by_date.values())


def import_in_parallel(paths, *, workers: int, **options):
    """Yield a FileResult per file, imported by ``workers`` processes."""
    work = groups(paths, ImportRun(**options))
    # Children must open their own connections, never share the parent's socket.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init, initargs=(options,)) as pool:
        for results in pool.imap_unordered(_work, work):
            yield from results
