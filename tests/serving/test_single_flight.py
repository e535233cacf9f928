"""A burst of misses of one entry costs one render; a render that keeps nothing holds nobody up."""

import threading
import time

import pytest
from django.core.cache import cache

from unionpaper import single_flight

READERS = 8


def burst(render, *, name="page:/issues/2024-05-01/A01/", wait=2.0):
    """Start READERS threads missing ``name`` at the same moment; return their results and how long each took."""
    results = [None] * READERS
    took = [None] * READERS
    start = threading.Barrier(READERS)

    def reader(i):
        start.wait()
        began = time.monotonic()
        results[i] = single_flight.run(name, lookup=lambda: cache.get(name), render=render, label=name, wait=wait)
        took[i] = time.monotonic() - began

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, took


def test_concurrent_misses_of_one_page_render_it_once_and_all_get_that_render():
    renders = []

    def render():
        renders.append(1)
        time.sleep(0.3)
        cache.set("page:/issues/2024-05-01/A01/", "第A01版", 60)
        return "第A01版"

    results, _ = burst(render)
    assert len(renders) == 1
    assert results == ["第A01版"] * READERS


def test_a_render_that_keeps_nothing_lets_the_others_render_at_once_side_by_side():
    renders = []

    def render():  # a 404 or a preview: not for keeping
        renders.append(1)
        time.sleep(0.3)
        return "没有这一版"

    results, took = burst(render)
    assert results == ["没有这一版"] * READERS
    assert len(renders) == READERS
    assert max(took) < 0.3 * 3  # not one after another


def test_readers_stop_waiting_after_the_bound_and_render_themselves():
    renders = []

    def render():
        renders.append(1)
        if len(renders) == 1:
            time.sleep(1.0)  # the first render is slow, and keeps nothing
        return "页面"

    results, took = burst(render, wait=0.2)
    assert results == ["页面"] * READERS
    assert sorted(took)[-2] < 0.6  # all but the slow first one


def test_a_failed_render_releases_the_page_for_the_next_reader():
    def fails():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        single_flight.run("page:/", lookup=lambda: None, render=fails)
    renders = []
    single_flight.run("page:/", lookup=lambda: None, render=lambda: renders.append(1))
    assert renders == [1]


def test_every_render_is_logged_with_its_path(caplog):
    with caplog.at_level("INFO", logger="unionpaper.render"):
        single_flight.run("k", lookup=lambda: None, render=lambda: "x", label="/issues/")
    assert "render /issues/" in caplog.text
