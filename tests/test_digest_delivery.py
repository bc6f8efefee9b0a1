"""Delivery channels: webhook retries (MockTransport), files, and SMTP on loopback with
STARTTLS, implicit TLS and authentication (aiosmtpd with a throw-away certificate)."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pipeline.delivery import (
    DeliveryError,
    DeliverySecrets,
    build_email,
    check_channels,
    deliver,
    make_payloads,
    post_webhook,
    write_files,
)
from pipeline.digest import (
    DealEntry,
    DealSource,
    Digest,
    DigestSettings,
    EmailChannelSettings,
    FileChannelSettings,
    WebhookChannelSettings,
)
from pipeline.records import Party
from pipeline.render import render

T0 = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
HOOK = "https://hooks.example/services/T000/B000/very-secret-token"


def sample_digest(digest_id: str = "d1") -> Digest:
    entry = DealEntry(
        deal_key="joint_venture|OpenAI+Oracle+SoftBank|$100B+",
        type="joint_venture",
        parties=(Party("OpenAI", "partner"), Party("Oracle", "partner")),
        status="announced",
        amount_usd=5e11,
        amount_text="$500 billion",
        amount_qualifier="up to",
        evidence="The Stargate Project is a joint venture.",
        first_seen=T0,
        first_stored_at=T0,
        first_source_url="https://news.example/stargate",
        sources=(DealSource("https://news.example/stargate", "Stargate", "AI Wire", T0),),
        background_only=False,
        name="Stargate Project",
    )
    return Digest(digest_id, T0, None, T0, (entry,))


# ---- webhook ---------------------------------------------------------------------------


def _client(*statuses: int, headers: dict | None = None) -> tuple[httpx.Client, list]:
    seen: list[httpx.Request] = []
    answers = iter(statuses)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(next(answers), headers=headers or {})

    return httpx.Client(transport=httpx.MockTransport(answer)), seen


def test_webhook_retries_server_errors_then_succeeds() -> None:
    client, seen = _client(500, 503, 200)
    waits: list[float] = []
    settings = WebhookChannelSettings(retries=3, backoff_s=0.5)
    detail = post_webhook(client, HOOK, {"text": "hi"}, settings, "d1", sleep=waits.append)
    assert detail == "HTTP 200 after 3 attempt(s)"
    assert waits == [0.5, 1.0]
    assert json.loads(seen[0].content) == {"text": "hi"}
    assert seen[0].headers["Idempotency-Key"] == "d1"


def test_webhook_does_not_retry_a_client_error_and_honours_retry_after() -> None:
    client, seen = _client(400)
    with pytest.raises(DeliveryError, match="HTTP 400"):
        post_webhook(client, HOOK, {}, WebhookChannelSettings(), "d1", sleep=lambda s: None)
    assert len(seen) == 1
    client, seen = _client(429, 429, headers={"Retry-After": "7"})
    waits: list[float] = []
    with pytest.raises(DeliveryError, match="after 2 attempt"):
        post_webhook(client, HOOK, {}, WebhookChannelSettings(retries=1), "d1", waits.append)
    assert waits == [7.0]


def test_a_failed_channel_reports_without_the_secret_url(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}")

    client = httpx.Client(transport=httpx.MockTransport(refuse))
    settings = DigestSettings(channels=("webhook",), webhook=WebhookChannelSettings(retries=0))
    secrets = DeliverySecrets(webhook_url=HOOK)
    result = deliver(
        "webhook", make_payloads(sample_digest(), settings), settings, secrets, tmp_path, client
    )
    assert not result.ok
    assert "very-secret-token" not in result.detail and "<secret>" in result.detail
    assert "very-secret-token" not in repr(secrets)


def test_missing_secrets_are_found_before_sending() -> None:
    settings = DigestSettings.model_validate(
        {
            "channels": ["email", "webhook"],
            "email": {
                "host": "smtp.example",
                "from": "n@x.example",
                "to": ["a@x.example"],
                "username": "n",
                "security": "none",
            },
        }
    )
    problems = check_channels(settings.channels, settings, DeliverySecrets())
    assert any("NEWSMON_WEBHOOK_URL" in p for p in problems)
    assert any("NEWSMON_SMTP_PASSWORD" in p for p in problems)
    plain = check_channels(("email",), settings, DeliverySecrets(smtp_password="pw"))
    assert plain == ["refusing to send the SMTP password unencrypted: set digest.email.security"]


# ---- files -----------------------------------------------------------------------------


def test_files_are_named_by_day_and_a_retry_reuses_its_own(tmp_path: Path) -> None:
    settings = FileChannelSettings(formats=("md", "html", "txt"))
    first = write_files(render(sample_digest("aaa111")), tmp_path, settings)
    assert [p.name for p in first] == ["2026-01-10.md", "2026-01-10.html", "2026-01-10.txt"]
    again = write_files(render(sample_digest("aaa111")), tmp_path, settings)
    assert again == first
    second = write_files(render(sample_digest("bbb222")), tmp_path, settings)
    assert [p.name for p in second] == ["2026-01-10-2.md", "2026-01-10-2.html", "2026-01-10-2.txt"]
    assert "bbb222" in second[1].read_text() and "aaa111" in first[1].read_text()
    assert not list(tmp_path.glob(".*.tmp"))


# ---- email -----------------------------------------------------------------------------


def test_email_is_multipart_alternative_with_a_stable_message_id() -> None:
    settings = EmailChannelSettings.model_validate(
        {"host": "smtp.example", "from": "newsmon <news@corp.example>", "to": ["a@corp.example"]}
    )
    message = build_email(render(sample_digest("abc")), settings)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Message-ID"] == "<digest-abc@corp.example>"
    assert message["Subject"] == "newsmon: 1 new deal — 10 Jan 2026"


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = auth_data.login == b"newsmon" and auth_data.password == b"s3cret"
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder / "cert.pem", folder / "key.pem"


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def smtp_tls(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int, dict]]:
    """Yields (inbox, port, controller options) for a server on 127.0.0.1."""
    yield from _serve(certificate, implicit=False)


@pytest.fixture
def smtp_ssl(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int, dict]]:
    yield from _serve(certificate, implicit=True)


def _serve(certificate: tuple[Path, Path], implicit: bool) -> Iterator[tuple[Inbox, int, dict]]:
    inbox, port = Inbox(), free_port()
    context = _server_context(certificate)
    # aiosmtpd counts only STARTTLS as "TLS" for AUTH; implicit TLS is encrypted anyway
    tls = (
        {"ssl_context": context, "auth_require_tls": False}
        if implicit
        else {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    )
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox, ready_timeout=5, **tls
    )
    controller.start()
    try:
        yield inbox, port, tls
    finally:
        controller.stop()


def _email_settings(port: int, security: str, ca: Path) -> DigestSettings:
    return DigestSettings.model_validate(
        {
            "channels": ["email"],
            "email": {
                "host": "127.0.0.1",
                "port": port,
                "security": security,
                "username": "newsmon",
                "from": "newsmon <news@corp.example>",
                "to": ["analyst@corp.example", "lead@corp.example"],
                "timeout_s": 5,
                "ca_file": str(ca),
            },
        }
    )


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_over_tls_with_login(
    security: str, smtp_tls, smtp_ssl, certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    inbox, port, _ = smtp_tls if security == "starttls" else smtp_ssl
    settings = _email_settings(port, security, certificate[0])
    secrets = DeliverySecrets(smtp_password="s3cret")
    with httpx.Client() as client:
        result = deliver(
            "email", make_payloads(sample_digest(), settings), settings, secrets, tmp_path, client
        )
    assert result.ok, result.detail
    assert result.detail == f"2 recipient(s) via 127.0.0.1:{port}"
    assert inbox.logins == ["newsmon"]
    [message] = inbox.messages
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert "Stargate Project" in html.get_payload(decode=True).decode()


def test_wrong_password_or_untrusted_certificate_fail_cleanly(
    smtp_tls, certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    inbox, port, _ = smtp_tls
    settings = _email_settings(port, "starttls", certificate[0])
    payloads = make_payloads(sample_digest(), settings)
    with httpx.Client() as client:
        bad = deliver(
            "email", payloads, settings, DeliverySecrets(smtp_password="nope"), tmp_path, client
        )
        assert not bad.ok and "SMTPAuthenticationError" in bad.detail
        assert "nope" not in bad.detail
        untrusted = settings.model_copy(
            update={"email": settings.email.model_copy(update={"ca_file": None})}
        )
        refused = deliver(
            "email", payloads, untrusted, DeliverySecrets(smtp_password="s3cret"), tmp_path, client
        )
        assert not refused.ok and "CERTIFICATE_VERIFY_FAILED" in refused.detail
    assert inbox.messages == []
