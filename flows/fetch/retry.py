"""When to try a URL again, and how long to wait first.

In: an HTTP status or a transport error, the attempt number, a Retry-After
header. Out: whether a retry can help, and the delay in seconds. Pure (the
jitter aside): no sleeping here.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Jitter as a share of the backoff: enough to spread clients that failed together.
JITTER = 0.25


def retryable_status(status: int) -> bool:
    """Too Many Requests and the server errors: a burst limit, a deploy, an overload pass."""
    return status == 429 or 500 <= status < 600


def backoff_delay(retry_number: int, base: float) -> float:
    """Seconds before retry ``retry_number`` (1 for the first retry): base * 2**(n-1), plus jitter."""
    delay = base * 2 ** (retry_number - 1)
    return delay + random.uniform(0, delay * JITTER)


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (delta seconds or an HTTP-date) as seconds from now; None if absent or invalid."""
    if header is None:
        return None
    text = header.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": HTTP-dates are UTC
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
