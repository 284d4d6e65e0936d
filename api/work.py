"""CPU work off the event loop, bounded: so ``/healthz`` always answers and a worker's memory stays within its pod.

Every decision is made in a worker thread (anyio's pool, at most ``DEFAULT_THREADS`` at once), never on the event loop
that reads requests. Batches and reviews (up to 1,000 workloads each) also take one of ``DECIDER_BATCH_CONCURRENCY``
places first; the rest wait their turn holding only their bodies, which DECIDER_MAX_BODY_BYTES bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")


class Work:
    """The app's limits on work in threads: one for single decisions, a smaller one for batches and reviews."""

    def __init__(self, batch_concurrency: int) -> None:
        self.batch_concurrency = batch_concurrency
        self._batches: anyio.CapacityLimiter | None = None

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` in a worker thread."""
        return await anyio.to_thread.run_sync(function, *args)

    async def run_batch(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` in a worker thread, once one of the batch places is free."""
        if self._batches is None:  # made in the event loop that uses it
            self._batches = anyio.CapacityLimiter(self.batch_concurrency)
        async with self._batches:
            return await anyio.to_thread.run_sync(function, *args)
