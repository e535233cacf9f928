"""Search benchmark: build a synthetic archive, index it, time the /search/ view.

    .venv/bin/python bench/search/run.py --size 100000                 # PostgreSQL up_bench_search_100000
    .venv/bin/python bench/search/run.py --size 1000000                # PostgreSQL up_bench_search_1000000
    .venv/bin/python bench/search/run.py --size 100000 --engine sqlite # SQLite bench/search/archive-100000.sqlite3
    .venv/bin/python bench/search/run.py --size 1000000 --build-only   # just build and index (resumable)

Each archive lives in its own database and is reused by the next run.
Results go to docs/performance.md between the bench:search markers.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def setup(engine: str, size: int):
    if engine == "postgresql":
        url = f"postgres://postgres@127.0.0.1:5432/up_bench_search_{size}"
        import psycopg2

        admin = psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1")
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"up_bench_search_{size}"])
            if not cur.fetchone():
                cur.execute(f"CREATE DATABASE up_bench_search_{size}")
        admin.close()
    else:
        url = f"sqlite:///{Path(__file__).resolve().parent / f'archive-{size}.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "true")
    # Time the view itself, not the whole-page cache in front of it.
    os.environ["PUBLIC_PAGE_CACHE"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionpaper.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--engine", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of each naive icontains query")
    parser.add_argument("--time-only", action="store_true", help="skip building; time the archive as it is")
    parser.add_argument(
        "--index-seconds", type=float, help="record this index build time (from an earlier build's log)"
    )
    args = parser.parse_args()
    setup(args.engine, args.size)
    import archive
    import timing

    index_seconds = args.index_seconds
    if not args.time_only:
        t = time.perf_counter()
        archive.build(args.size, progress=lambda m: print(m, flush=True))
        print(f"archive ready in {time.perf_counter() - t:.0f} s", flush=True)
        # Django is set up by setup() above: the project's modules load only now.
        from articles.search import index

        t = time.perf_counter()
        added = index.rebuild(missing_only=True, batch_size=2000, workers=2, progress=lambda m: print(m, flush=True))
        if added:
            index_seconds = time.perf_counter() - t
            print(f"index: {added:,} articles in {index_seconds:.0f} s", flush=True)
            if added < args.size * 0.9:
                index_seconds = None  # a resumed build: its time is not the whole build's
    if args.build_only:
        return
    timing.run(args, index_seconds=index_seconds)


if __name__ == "__main__":
    main()
