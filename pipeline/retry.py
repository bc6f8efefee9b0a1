"""When a failed entry is tried again: never, or not before a time.

Pure: the store hands over a failure and the attempts made so far, and writes back what
`judge` says. A failure is *permanent* when asking again gets the same answer (the page
is gone, refused for good, too large, or not an article): the entry is failed with its
reason and never fetched again. Anything else is *transient* (DNS, connect, time-outs,
5xx, 429, a host skipped by the breaker): the entry is retried, up to
`ingest.max_attempts`, but not before a back-off that grows with its attempts
(`retry_backoff_s` × `retry_backoff_factor`^(attempts - 1), capped at
`retry_backoff_cap_s`), or later where the server's Retry-After (429, 503) asks for it.
Without the back-off, a run started after a failing one tries the same dead links again
at once, one by one behind the per-host delay (BENCHMARKS.md, the hostile-feed run).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

from pipeline.records import FetchFailure
from pipeline.settings import IngestSettings

FailureClass = Literal["permanent", "transient"]

# Page statuses that asking again does not cure (RFC 9110). Any other 4xx, and every 5xx,
# is taken as transient: a wrong guess there costs a few back-off retries, not an article.
PERMANENT_STATUSES = frozenset(
    {
        400,  # Bad Request: the same request is as bad next time
        401,  # Unauthorized: newsmon sends no credentials, so it stays unauthorised
        403,  # Forbidden: "SHOULD NOT automatically repeat" (a bot challenge is `challenge`)
        404,  # Not Found: the link is dead
        405,  # Method Not Allowed: a GET is all newsmon asks
        410,  # Gone: "likely to be permanent"
        414,  # URI Too Long: the URL does not get shorter
        451,  # Unavailable For Legal Reasons: not for this client
    }
)
# Statuses whose Retry-After is honoured (RFC 9110 §10.2.3: a 503's or a 429's wait).
RETRY_AFTER_STATUSES = frozenset({429, 503})

# Failures of the URL or of what it serves, the same at every try.
PERMANENT_KINDS = frozenset(
    {
        # fetch: the answer itself
        "fetch:too_large",  # Content-Length or decoded body over the cap: a bomb stays one
        "fetch:not_html",  # a PDF, an image, a feed: not an article page
        # fetch: the URL
        "fetch:bad_scheme",
        "fetch:bad_url",
        "fetch:url_too_long",
        "fetch:private_address",
        "fetch:redirect_loop",
        "fetch:too_many_redirects",
        "fetch:bad_redirect",
        # extract: the page is there, but no article in it
        "extract:no_text",
        "extract:memory",  # the same page exceeds the same memory bound again
    }
)
# How much of a Retry-After not understood the entry's reason quotes.
RETRY_AFTER_NOTE_CHARS = 60


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The back-off of transient failures (`[ingest] retry_backoff_*`)."""

    backoff_s: float
    factor: float
    cap_s: float

    @classmethod
    def of(cls, ingest: IngestSettings | None = None) -> RetryPolicy:
        """The policy of `ingest` (its defaults when None)."""
        ingest = ingest or IngestSettings()
        return cls(ingest.retry_backoff_s, ingest.retry_backoff_factor, ingest.retry_backoff_cap_s)

    def delay_s(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1 for the first)."""
        exponent = max(attempts - 1, 0)
        if self.backoff_s <= 0:
            return 0.0
        if self.cap_s <= self.backoff_s:
            return self.cap_s
        # compared in logarithms: the power itself may overflow a float long past the cap
        if exponent * math.log(self.factor) >= math.log(self.cap_s / self.backoff_s):
            return self.cap_s
        return self.backoff_s * self.factor**exponent


@dataclass(frozen=True, slots=True)
class Verdict:
    """What becomes of an entry after a failure."""

    failure_class: FailureClass
    next_attempt: datetime | None  # not before then; None: never again (permanent)
    note: str | None = None  # said beside the reason (a Retry-After that was not used)


def classify(failure: FetchFailure) -> FailureClass:
    """Permanent or transient (see the module's docstring)."""
    if f"{failure.stage}:{failure.kind}" in PERMANENT_KINDS:
        return "permanent"
    status = failure.status if failure.status is not None else _status_of(failure.kind)
    if failure.kind.startswith("http_") and status in PERMANENT_STATUSES:
        return "permanent"
    return "transient"


def judge(failure: FetchFailure | None, attempts: int, policy: RetryPolicy) -> Verdict:
    """The verdict on an entry whose `attempts`-th attempt (this one included) failed
    with `failure` (None: the entry came back with no result and no reason: transient)."""
    if failure is None:
        at = datetime.now(UTC)
        return Verdict("transient", at + timedelta(seconds=policy.delay_s(attempts)))
    if classify(failure) == "permanent":
        return Verdict("permanent", None)
    wait = policy.delay_s(attempts)
    note = None
    if failure.retry_after is not None and failure.status in RETRY_AFTER_STATUSES:
        asked = parse_retry_after(failure.retry_after, now=failure.at)
        if asked is None:
            shown = repr(failure.retry_after)
            if len(shown) > RETRY_AFTER_NOTE_CHARS:
                shown = shown[:RETRY_AFTER_NOTE_CHARS] + "…"
            note = f"Retry-After {shown} not understood: back-off used"
        else:
            # never sooner than the server asked, nor later than the cap
            wait = max(wait, min(asked, policy.cap_s))
    return Verdict("transient", failure.at + timedelta(seconds=wait), note)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait, from a Retry-After of delta-seconds or an HTTP date; None if garbage.

    An untrusted header: only ASCII digits count as seconds (`"²"` is a digit to Python,
    and no number to float), and a value too large for a float reads as infinite, which
    the caller caps."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _status_of(kind: str) -> int | None:
    """404 of `http_404`; None for any other kind."""
    digits = kind.removeprefix("http_")
    numeric = kind.startswith("http_") and digits.isascii() and digits.isdigit()
    return int(digits) if numeric else None
