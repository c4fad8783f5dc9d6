"""The background saver: a burst of changes becomes one write, and stopping it never waits."""

from __future__ import annotations

import threading

from readlist.core.state import Saver


class Store:
    def __init__(self) -> None:
        self.flushes = 0
        self.flushed = threading.Event()

    def flush(self) -> set[str]:
        self.flushes += 1
        self.flushed.set()
        return set()


def test_stop_cuts_the_wait_for_more_changes_short_and_flushes() -> None:
    store = Store()
    saver = Saver(store, delay=3600.0)  # it would wait an hour for the burst to end
    saver.poke()
    saver.stop()
    assert not saver._thread.is_alive()  # stopping did not have to give up on the thread
    assert store.flushes == 1


def test_a_poke_is_saved_after_the_delay() -> None:
    store = Store()
    saver = Saver(store, delay=0.0)
    saver.poke()
    assert store.flushed.wait(30)
    saver.stop()
