"""The app's start-up: what lives as long as the process is kept out of the garbage collector's full
collections, whose scans of it paused requests in flight for over 100 ms."""

from __future__ import annotations

import gc

import httpx

STARTUP_OBJECTS_AT_LEAST = 100_000  # modules, routes and templates of the app: about 340,000


def test_objects_alive_after_start_up_are_frozen_out_of_collections(http: httpx.Client) -> None:
    assert http.get("/health").status_code == 200
    assert gc.get_freeze_count() >= STARTUP_OBJECTS_AT_LEAST


def test_objects_made_after_start_up_are_still_collected(http: httpx.Client) -> None:
    frozen = gc.get_freeze_count()
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
    assert gc.get_freeze_count() == frozen


def test_the_app_has_an_icon_where_browsers_look_for_it(http: httpx.Client) -> None:
    reply = http.get("/favicon.ico", follow_redirects=True)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in reply.text
