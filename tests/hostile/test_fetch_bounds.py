"""Time and memory bounds of one fetch, measured: the overall deadline against drip-fed
answers, the read timeout against silence, and the peak memory of inflating bombs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from pipeline.fetch import FetchError, get, open_client
from pipeline.settings import HttpSettings
from tests.hostile.server import ROOT, HostileServer

SETTINGS = HttpSettings(allow_private_networks=("127.0.0.0/8",), deadline_s=2.5, read_timeout_s=1.5)


def _timed_error(url: str, settings: HttpSettings = SETTINGS) -> tuple[FetchError, float]:
    async def run() -> None:
        async with open_client(settings) as client:
            await get(client, url, settings)

    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        asyncio.run(run())
    return caught.value, time.monotonic() - started


@pytest.mark.timeout(20)
@pytest.mark.parametrize("case", ["slow-drip", "slow-headers"])
def test_a_drip_fed_answer_ends_at_the_deadline(hostile: HostileServer, case: str) -> None:
    # A byte a second never trips the 1.5 s read timeout: only the 2.5 s deadline ends it.
    error, seconds = _timed_error(hostile.page(case))
    assert error.kind == "deadline"
    assert 2.4 <= seconds < 3.5


@pytest.mark.timeout(20)
def test_silence_ends_at_the_read_timeout(hostile: HostileServer) -> None:
    settings = SETTINGS.model_copy(update={"read_timeout_s": 0.5})
    error, seconds = _timed_error(hostile.page("never-answers"), settings)
    assert error.kind == "timeout"
    assert 0.4 <= seconds < 1.4


PEAK_RSS = """
import asyncio, resource, sys
from pipeline.fetch import FetchError, get, open_client
from pipeline.settings import HttpSettings

settings = HttpSettings(allow_private_networks=("127.0.0.0/8",))

async def main() -> str:
    async with open_client(settings) as client:
        try:
            await get(client, sys.argv[1], settings)
        except FetchError as exc:
            return exc.kind
    return "ok"

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kind = asyncio.run(main())
print(kind, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "case", ["nested-gzip-bomb", "gzip-bomb", "deflate-bomb", "too-large-chunked"]
)
def test_a_bomb_costs_no_more_memory_than_the_cap(hostile: HostileServer, case: str) -> None:
    # In a fresh process, so its peak is the fetch's alone. The nested bomb is 1 GiB inside
    # two layers of gzip; inflating a network chunk whole would need all of it at once.
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, hostile.page(case)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    kind, grown_mib = done.stdout.split()
    assert kind == "too_large", done.stderr
    # The 15 MiB cap, once as pieces and once joined, plus a few 64 KiB pieces in flight.
    assert int(grown_mib) < 48
