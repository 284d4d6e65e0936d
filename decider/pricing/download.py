"""Fetching an offer file from the Price List endpoint: streamed to disk, under a deadline, same-host redirects only.

The body goes to a temporary file chunk by chunk (never held in memory). The whole refresh has one deadline: the
time left is checked after every chunk and bounds each read, so a server that drips a byte a second fails at the
deadline with a clear error instead of holding the command for hours. A redirect is followed only to the same
scheme and host; one to another host is refused and named. On a terminal, progress (bytes of the total) goes to
stderr; otherwise nothing is written there.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from decider.errors import PricingError, Problem

if TYPE_CHECKING:
    import httpx

READ_TIMEOUT = 60.0
MAX_REDIRECTS = 5


class Deadline:
    """The time a refresh may take in all; ``check`` raises PricingError once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        return self.ends - time.monotonic()

    def check(self, where: str, doing: str = "") -> None:
        if self.left() <= 0:
            detail = f" ({doing})" if doing else ""
            raise PricingError(
                [Problem(where, f"the refresh ran past its deadline of {self.seconds:g} s{detail}; raise --deadline")]
            )


Progress = Callable[[str, int, int | None], None]


def terminal_progress(label: str, done: int, total: int | None) -> None:
    """Bytes read of the total, rewritten in place on stderr; a no-op when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return
    of = f" of {total / 1e6:.1f}" if total else ""
    end = "\n" if total is not None and done >= total else ""
    sys.stderr.write(f"\r{label}: {done / 1e6:.1f}{of} MB{end}")
    sys.stderr.flush()


def download(
    client: httpx.Client, url: str, target: IO[bytes], deadline: Deadline, progress: Progress | None = None
) -> bool:
    """Write the body at ``url`` into ``target``; False on 404. Raise PricingError on any other failure."""
    import httpx

    origin = httpx.URL(url)
    current = origin
    for _ in range(MAX_REDIRECTS + 1):
        deadline.check(str(current), "before the request")
        timeout = httpx.Timeout(max(0.001, min(READ_TIMEOUT, deadline.left())))
        request = client.build_request("GET", current, timeout=timeout)
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as error:
            raise PricingError([Problem(str(current), f"cannot fetch: {error}")]) from None
        try:
            if response.is_redirect:
                following = current.join(response.headers["location"])
                if (following.scheme, following.host) != (origin.scheme, origin.host):
                    raise PricingError(
                        [
                            Problem(
                                str(current),
                                f"redirected to another host ({following.host or following}); "
                                f"only redirects within {origin.scheme}://{origin.host} are followed",
                            )
                        ]
                    )
                current = following
                continue
            if response.status_code == 404:
                return False
            if response.status_code != 200:
                raise PricingError([Problem(str(current), f"HTTP {response.status_code} from the Price List")])
            _stream(response, str(current), target, deadline, progress)
            return True
        finally:
            response.close()
    raise PricingError([Problem(url, f"more than {MAX_REDIRECTS} redirects")])


def _stream(
    response: httpx.Response, url: str, target: IO[bytes], deadline: Deadline, progress: Progress | None
) -> None:
    import httpx

    length = response.headers.get("content-length", "")
    total = int(length) if length.isdigit() else None
    label = url.rsplit("/offers/v1.0/aws/", 1)[-1]
    done = 0
    try:
        for chunk in response.iter_bytes():
            target.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(label, done, total)
            deadline.check(url, f"{done} of {total if total is not None else 'unknown'} bytes read")
    except httpx.HTTPError as error:
        raise PricingError([Problem(url, f"cannot fetch: {error} after {done} bytes")]) from None
