"""CPU work off the event loop, bounded: so ``/healthz`` always answers and a worker's memory stays within its pod.

Every decision is made in a worker thread, never on the event loop that reads requests. Single decisions run one at a
time: a decision is pure Python, and the interpreter's lock lets one thread compute at a time, so decisions in several
threads at once only take turns on it, and take them from the event loop too. Measured (bench/service.py, 4 clients
posting new workloads, two runs each way): /recommend 31.6-32.6 → 34.7-37.7 requests a second, p99 266-277 → 193-205
ms, and /healthz's p50 under that load 29 → 5-6 ms. More processes (``decider serve --workers N``) decide in parallel.
Batches and reviews (up to 1,000 workloads each) take one of ``DECIDER_BATCH_CONCURRENCY`` places first; the rest wait
their turn holding only their bodies, which DECIDER_MAX_BODY_BYTES bounds.
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
        self._decisions: anyio.CapacityLimiter | None = None

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` in a worker thread, one such call at a time (the module's docstring says why)."""
        if self._decisions is None:  # made in the event loop that uses it
            self._decisions = anyio.CapacityLimiter(1)
        return await anyio.to_thread.run_sync(function, *args, limiter=self._decisions)

    async def run_batch(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` in a worker thread, once one of the batch places is free."""
        if self._batches is None:  # made in the event loop that uses it
            self._batches = anyio.CapacityLimiter(self.batch_concurrency)
        async with self._batches:
            return await anyio.to_thread.run_sync(function, *args)
