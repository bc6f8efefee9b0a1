"""What a host requires of its clients (`http.hosts`, SEC EDGAR built in): the config is
checked at start with errors that say what to set, and the fetcher, over real HTTP,
names the operator and contact in the User-Agent and keeps to the host's rate."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import httpx
import pytest

from pipeline.feeds import poll_feed
from pipeline.fetch import Politeness, open_client
from pipeline.records import FeedState, PollResult
from pipeline.settings import HttpSettings, SettingsError, load_settings
from tests.feedsite import LOOPBACK, serve_files

EDGAR_FEED = (
    "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0000789019&type=8-K"
    "&dateb=&owner=include&count=40&output=atom"
)
OPERATOR = 'operator = "Example Research Ltd"\ncontact = "news-ops@example.com"\n'


def _load(tmp_path: Path, http: str = "", enabled: bool = True) -> object:
    path = tmp_path / "newsmon.toml"
    path.write_text(
        f'[http]\n{http}\n[[feeds]]\nname = "edgar"\nurl = "{EDGAR_FEED}"\n'
        f'kind = "filing"\nenabled = {str(enabled).lower()}\n',
        encoding="utf-8",
    )
    return load_settings(path, env={})


def test_an_edgar_feed_without_a_contact_fails_at_start(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path)
    message = str(caught.value)
    assert "feed 'edgar' is on www.sec.gov" in message
    assert "[http] operator" in message and "contact" in message
    assert _load(tmp_path, OPERATOR).http.contact_agent == (
        "Example Research Ltd news-ops@example.com"
    )
    assert _load(tmp_path, enabled=False).feeds[0].enabled is False  # off: nothing to ask


@pytest.mark.parametrize(
    ("http", "message"),
    [
        (OPERATOR + '[http.hosts."www.sec.gov"]\nmax_requests_per_s = 20\n', "at most 10 requests"),
        (OPERATOR + '[http.hosts."www.sec.gov"]\ncontact_required = false\n', "cannot be off"),
        (OPERATOR + '[http.hosts."WWW.example.com"]\nmax_requests_per_s = 2\n', "lower-case host"),
        (OPERATOR + '[http.hosts."a.example"]\nmax_requests_per_s = 0\n', "greater than 0"),
        ('operator = "X"\ncontact = "not an address"\n', "not an e-mail address"),
    ],
)
def test_host_settings_are_checked(tmp_path: Path, http: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        _load(tmp_path, http)


def test_a_config_may_ask_less_of_edgar_but_not_more() -> None:
    lower = HttpSettings(hosts={"www.sec.gov": {"max_requests_per_s": 2}})
    assert lower.host("www.sec.gov").max_requests_per_s == 2
    assert lower.host("WWW.SEC.GOV").contact_required is True
    assert HttpSettings().host("data.sec.gov").max_requests_per_s == 10
    assert HttpSettings().host("example.com").max_requests_per_s is None


# ---- over HTTP: a loopback host configured as EDGAR is --------------------------------------

FILINGS = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>EXAMPLE CORP (0000000042)</title><id>{base}/edgar/{n}</id>
<updated>2025-01-21T16:05:12-05:00</updated>
<entry>
<category label="form type" scheme="{base}/" term="8-K"/>
<id>urn:tag:newsmon.test,2025:accession-number=0000000042-25-00000{n}</id>
<link href="{base}/Archives/edgar/data/42/00000004225000{n}-index.htm" rel="alternate"/>
<summary type="html">&lt;b&gt;Filed:&lt;/b&gt; 2025-01-21 Item 1.01: Entry into a Material
Definitive Agreement</summary>
<title>8-K - Current report</title><updated>2025-01-21T16:05:12-05:00</updated>
</entry></feed>
"""


def _edgar_like(**http: object) -> HttpSettings:
    """Loopback configured as EDGAR is: `host` for 127.0.0.1, and `http` keys."""
    host = {k: http.pop(k) for k in ("max_requests_per_s", "contact_required") if k in http}
    return HttpSettings.model_validate(
        LOOPBACK.model_dump() | http | {"hosts": {"127.0.0.1": host}}
    )


def _poll_all(urls: list[str], settings: HttpSettings) -> tuple[list[PollResult], list]:
    sent: list[tuple[float, str]] = []

    async def record(request: httpx.Request) -> None:
        sent.append((time.monotonic(), request.headers.get("user-agent", "")))

    async def go() -> list[PollResult]:
        politeness = Politeness(settings)
        async with open_client(settings) as client:
            client.event_hooks["request"].append(record)
            polls = (poll_feed(client, FeedState(u), politeness) for u in urls)
            return list(await asyncio.gather(*polls))

    return asyncio.run(go()), sent


def test_requests_carry_the_contact_and_keep_the_hosts_pace(tmp_path: Path) -> None:
    files = {f"edgar/{n}.atom": FILINGS.replace("{n}", str(n)).encode() for n in range(6)}
    settings = _edgar_like(
        max_requests_per_s=5,
        contact_required=True,
        operator="Example Research Ltd",
        contact="news-ops@example.com",
    )
    with serve_files(tmp_path, files) as base:
        for name in files:  # the feed's links point back at the server
            path = tmp_path / name
            path.write_text(path.read_text("latin-1").replace("{base}", base), "latin-1")
        results, sent = _poll_all([f"{base}/{n}" for n in files], settings)
    assert [r.status for r in results] == ["ok"] * 6
    assert all(len(r.entries) == 1 for r in results)
    assert {agent for _, agent in sent} == {"Example Research Ltd news-ops@example.com"}
    starts = sorted(t for t, _ in sent)
    # At most 5 a second: the turns are 0.2 s apart (test below); a request leaves a few
    # milliseconds after its turn, as the event loop is free, hence the margin here.
    assert starts[-1] - starts[0] >= 5 * 0.2 - 0.05
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.2 - 0.05


def test_turns_to_a_paced_host_are_spaced_exactly() -> None:
    async def turns() -> list[float]:
        loop = asyncio.get_running_loop()
        politeness = Politeness(_edgar_like(max_requests_per_s=10))
        granted: list[float] = []

        async def one() -> None:
            await politeness.wait_turn("127.0.0.1:8080")
            granted.append(loop.time())

        await asyncio.gather(*(one() for _ in range(12)))
        other = loop.time()
        await politeness.wait_turn("127.0.0.2:8080")  # another host waits for nothing
        return [*granted, loop.time() - other]

    *granted, other_wait = asyncio.run(turns())
    gaps = [b - a for a, b in itertools.pairwise(granted)]
    assert min(gaps) >= 0.1 - 1e-3  # EDGAR's 10 a second: 0.1 s apart (to a millisecond)
    assert other_wait < 0.05


def test_without_a_contact_the_host_is_never_asked(tmp_path: Path) -> None:
    with serve_files(tmp_path, {"f.atom": b"<feed/>"}) as base:
        results, sent = _poll_all([f"{base}/f.atom"], _edgar_like(contact_required=True))
    assert sent == []
    assert results[0].status == "error"
    assert results[0].error.startswith("contact_required: 127.0.0.1 requires the operator")
