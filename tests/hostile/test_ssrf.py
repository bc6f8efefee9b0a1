"""The SSRF guard: only public addresses unless allowed, on every hop, and DNS answers
pinned (the address checked is the address connected to), over real loopback sockets."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator

import pytest

from pipeline.fetch import Address, FetchError, check_address, get, open_client
from pipeline.settings import HttpSettings
from tests.hostile.server import HostileServer, serve_hostile

REFUSED = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "127.0.0.1",
    "127.255.0.9",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # CGNAT
    "100.127.255.254",
    "0.0.0.0",
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "233.252.0.1",  # GLOP multicast: is_global alone would let it through
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused_by_default(address: str) -> None:
    with pytest.raises(FetchError) as caught:
        check_address("host.example", ipaddress.ip_address(address), ())
    assert caught.value.kind == "private_address"
    assert "host.example resolves to" in str(caught.value)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    check_address("host.example", ipaddress.ip_address(address), ())


def test_the_allow_list_admits_exactly_its_networks() -> None:
    allowed = ("127.0.0.0/8", "10.1.0.0/16")
    check_address("h", ipaddress.ip_address("127.0.0.2"), allowed)
    check_address("h", ipaddress.ip_address("10.1.2.3"), allowed)
    with pytest.raises(FetchError):
        check_address("h", ipaddress.ip_address("10.2.0.1"), allowed)


def _get(url: str, settings: HttpSettings, resolver=None):
    async def run():
        async with open_client(settings, resolver) as client:
            return await get(client, url, settings)

    return asyncio.run(run())


def _error(url: str, settings: HttpSettings, resolver=None) -> FetchError:
    with pytest.raises(FetchError) as caught:
        _get(url, settings, resolver)
    return caught.value


def _only(*networks: str) -> HttpSettings:
    return HttpSettings(
        allow_private_networks=networks, deadline_s=5, connect_timeout_s=2, read_timeout_s=2
    )


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with serve_hostile() as running:
        yield running


@pytest.fixture
def server_2() -> Iterator[HostileServer]:
    """The same server on 127.0.0.2: the one place the 127.0.0.1-only tests may reach."""
    with serve_hostile("127.0.0.2") as running:
        yield running


@pytest.mark.timeout(30)
def test_a_host_name_resolving_to_loopback_is_refused_by_default(server: HostileServer) -> None:
    port = server.base.rsplit(":", 1)[1]
    error = _error(f"http://localhost:{port}/f/html", HttpSettings())
    assert error.kind == "private_address"
    assert "localhost resolves to 127.0.0.1" in str(error)
    assert server.hits == {}  # refused before connecting


@pytest.mark.timeout(30)
def test_a_redirect_to_such_a_host_name_is_refused(
    server: HostileServer, server_2: HostileServer
) -> None:
    # 127.0.0.2 is allowed; its redirect goes to localhost (127.0.0.1), which is not.
    error = _error(server_2.feed("redirect-localhost"), _only("127.0.0.2/32"))
    assert error.kind == "private_address"
    assert server_2.hits == {"/f/redirect-localhost": 1}
    assert server.hits == {}


class Rebinding:
    """A resolver whose answers change: the first is allowed, every later one is not."""

    def __init__(self, first: str, then: str) -> None:
        self.answers = [first, then]
        self.calls = 0

    async def __call__(self, host: str, port: int) -> list[Address]:
        self.calls += 1
        return [ipaddress.ip_address(self.answers[min(self.calls, 2) - 1])]


@pytest.mark.timeout(30)
def test_dns_rebinding_cannot_move_the_connection(
    server: HostileServer, server_2: HostileServer
) -> None:
    # Same port on 127.0.0.1 (allowed) and 127.0.0.2 (the "internal" host, not allowed).
    port = int(server.base.rsplit(":", 1)[1])
    with serve_hostile("127.0.0.2", port) as internal:
        resolver = Rebinding("127.0.0.1", "127.0.0.2")
        resp = _get(f"http://rebind.test:{port}/f/echo-host", _only("127.0.0.1/32"), resolver)
        assert resp.status == 200
        assert resp.body == f"rebind.test:{port}".encode()  # the Host header is the name
        assert resolver.calls == 1  # resolved once, for the one connection
        assert internal.hits == {}  # a second lookup would have gone here


@pytest.mark.timeout(30)
def test_a_name_that_resolves_to_a_refused_address_is_never_connected(
    server_2: HostileServer,
) -> None:
    port = server_2.base.rsplit(":", 1)[1]
    resolver = Rebinding("127.0.0.2", "127.0.0.1")
    error = _error(f"http://inside.test:{port}/f/html", _only("127.0.0.1/32"), resolver)
    assert error.kind == "private_address"
    assert "inside.test resolves to 127.0.0.2" in str(error)
    assert server_2.hits == {}


@pytest.mark.timeout(30)
def test_one_refused_address_among_several_refuses_the_name(server: HostileServer) -> None:
    port = server.base.rsplit(":", 1)[1]

    async def mixed(host: str, port: int) -> list[Address]:
        return [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.0.0.1")]

    error = _error(f"http://mixed.test:{port}/f/html", _only("127.0.0.1/32"), mixed)
    assert error.kind == "private_address"
    assert server.hits == {}


@pytest.mark.timeout(30)
def test_an_unresolvable_name_is_a_dns_error() -> None:
    async def nothing(host: str, port: int) -> list[Address]:
        raise FetchError("dns", f"cannot resolve {host}")

    assert _error("http://nowhere.test/feed.xml", _only(), nothing).kind == "dns"
