"""Running the same work in many threads at once, to make races happen."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_concurrently(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..count-1) in `count` threads at once; each slot holds a result or the exception."""
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def thread(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = work(index)
        except Exception as exc:  # the test inspects every outcome
            outcomes[index] = exc
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is still running: a lock was never released"
    return outcomes
