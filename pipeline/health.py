"""Feed health: how much a failed poll counts, when to poll next, when to give up.

Pure: the store reads a feed's `FeedHealth`, `assess` returns the next one, the store
writes it. A failure is *hard* (the feed is gone or is not a feed: retrying soon will not
help), *soft* (the server or the network failed: it may come back) or *temporary* (the
server asked us to come back later). Each class adds its weight; a success clears it.
The next poll backs off linearly with the failures in a row, up to a cap; a Retry-After is
honoured up to its own cap. Jitter only ever adds, so a server is never asked sooner than
it said. At `disable_after` weighted failures the feed is disabled, with the reason kept,
until `newsmon feeds enable`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from pipeline.records import PollResult
from pipeline.settings import HealthSettings

FailureClass = Literal["hard", "soft", "temporary"]

# The feed URL is wrong for good, or what it serves is not a feed: a person must look.
HARD_KINDS = frozenset(
    {
        "not_a_feed",
        "bad_scheme",
        "bad_url",
        "url_too_long",
        "private_address",
        "too_large",
        "redirect_loop",
        "too_many_redirects",
        "bad_redirect",
        "contact_required",
    }
)
# Client errors that retrying does not cure; 408 and 429 are the server's state, not ours.
HARD_STATUSES = frozenset(range(400, 500)) - {408, 425, 429}


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """What the store keeps about a feed's failures (the `feeds` columns of the same names)."""

    consecutive_failures: int = 0
    failure_weight: float = 0.0
    next_poll: datetime | None = None  # None: due at every run
    disabled_reason: str | None = None
    failure_class: FailureClass | None = None  # of the last poll


def error_kind(poll: PollResult) -> str:
    """The machine-readable kind of a failed poll (`http_404`, `timeout`, ...)."""
    return (poll.error or "error").partition(":")[0].strip() or "error"


def classify(poll: PollResult) -> FailureClass | None:
    """The class of a failed poll; None for a poll that succeeded."""
    if poll.status != "error":
        return None
    kind = error_kind(poll)
    if kind == "http_429" or (kind == "http_503" and poll.retry_after_s is not None):
        return "temporary"
    if kind in HARD_KINDS:
        return "hard"
    if kind.startswith("http_") and poll.http_status in HARD_STATUSES:
        return "hard"
    return "soft"  # 5xx, timeouts, deadline, network, DNS, challenge pages, bad encoding


def assess(
    before: FeedHealth,
    poll: PollResult,
    now: datetime,
    settings: HealthSettings,
    rng: random.Random,
) -> FeedHealth:
    """The feed's health after `poll`: failures, weight, next poll, and disabled or not."""
    failure = classify(poll)
    if failure is None:
        return FeedHealth()
    failures = before.consecutive_failures + 1
    weight = before.failure_weight + _weight(failure, settings)
    delay = _delay(failure, failures, poll.retry_after_s, settings)
    after = FeedHealth(
        failures, weight, now + timedelta(seconds=_jittered(delay, settings, rng)), None, failure
    )
    if weight >= settings.disable_after:
        reason = f"disabled after {failures} failures (weight {weight:g}): {poll.error}"
        return replace(after, disabled_reason=reason[:500])
    return after


def _weight(failure: FailureClass, settings: HealthSettings) -> float:
    return {
        "hard": settings.hard_failure_weight,
        "soft": settings.soft_failure_weight,
        "temporary": settings.temporary_failure_weight,
    }[failure]


def _delay(
    failure: FailureClass, failures: int, retry_after_s: float | None, settings: HealthSettings
) -> float:
    """Seconds until the next poll: the server's Retry-After, else linear backoff."""
    if failure == "temporary" and retry_after_s is not None:
        return min(max(retry_after_s, 0.0), settings.retry_after_cap_s)
    return min(settings.backoff_step_s * failures, settings.backoff_cap_s)


def _jittered(delay: float, settings: HealthSettings, rng: random.Random) -> float:
    # Spread the feeds of one host (and our retries after its outage) over time.
    return delay * (1 + settings.jitter * rng.random())
