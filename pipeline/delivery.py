"""Delivery channels for a rendered digest: files, email (SMTP), a webhook (JSON POST).

The edge that talks to the world, as `fetch.py` is for ingest. Each channel either
succeeds or raises `DeliveryError`; `deliver` turns any failure into a `DeliveryResult`,
so one broken channel never stops the others. Secrets (the SMTP password, the webhook
URL, whose path is itself a credential) come from the environment and never appear in
a message or a log line.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import smtplib
import ssl
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from pipeline.digest import (
    Digest,
    DigestSettings,
    EmailChannelSettings,
    FileChannelSettings,
    WebhookChannelSettings,
)
from pipeline.render import RenderedDigest, json_payload, render, slack_payload

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 60.0
USER_AGENT = "newsmon-digest/0.1"


class DeliveryError(Exception):
    """A channel could not deliver; the message is safe to log (no secrets)."""


@dataclass(frozen=True, slots=True)
class DeliverySecrets:
    """Credentials from the environment; kept out of reprs and logs."""

    smtp_password: str | None = field(default=None, repr=False)
    webhook_url: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DeliverySecrets:
        return cls(env.get("NEWSMON_SMTP_PASSWORD") or None, env.get("NEWSMON_WEBHOOK_URL") or None)


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    channel: str
    ok: bool
    detail: str  # where it went, or what went wrong


@dataclass(frozen=True, slots=True)
class Payloads:
    """The digest in every shape a channel sends."""

    rendered: RenderedDigest
    webhook: dict[str, Any]


def make_payloads(digest: Digest, settings: DigestSettings) -> Payloads:
    prefix = settings.subject_prefix
    body = slack_payload if settings.webhook.format == "slack" else json_payload
    return Payloads(render(digest, prefix), body(digest, prefix))


def check_channels(
    channels: tuple[str, ...], settings: DigestSettings, secrets: DeliverySecrets
) -> list[str]:
    """What stops a channel from working, found before anything is sent or recorded."""
    problems: list[str] = []
    if "webhook" in channels:
        problems += _webhook_problems(secrets.webhook_url)
    if "email" in channels:
        problems += _email_problems(settings.email, secrets.smtp_password)
    return problems


def _webhook_problems(url: str | None) -> list[str]:
    if not url:
        return ["the webhook channel needs NEWSMON_WEBHOOK_URL in the environment"]
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ["NEWSMON_WEBHOOK_URL must be an http:// or https:// URL with a host"]
    return []


def _email_problems(settings: EmailChannelSettings, password: str | None) -> list[str]:
    if settings.username and not password:
        return ["digest.email.username is set: NEWSMON_SMTP_PASSWORD is needed too"]
    if password and settings.security == "none" and not _is_loopback(settings.host):
        return ["refusing to send the SMTP password unencrypted: set digest.email.security"]
    return []


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def deliver(
    channel: str,
    payloads: Payloads,
    settings: DigestSettings,
    secrets: DeliverySecrets,
    folder: Path,
    client: httpx.Client,
) -> DeliveryResult:
    """Send through one channel; a failure is returned, not raised."""
    try:
        if channel == "file":
            paths = write_files(payloads.rendered, folder, settings.file)
            detail = ", ".join(str(p) for p in paths)
        elif channel == "email":
            message = build_email(payloads.rendered, settings.email)
            detail = send_email(message, settings.email, secrets.smtp_password)
        elif channel == "webhook":
            detail = post_webhook(
                client,
                secrets.webhook_url or "",
                payloads.webhook,
                settings.webhook,
                payloads.rendered.digest_id,
            )
        else:
            raise DeliveryError(f"unknown channel {channel!r}")
    except (
        DeliveryError,
        OSError,  # includes ssl.SSLError and socket timeouts
        smtplib.SMTPException,
        httpx.HTTPError,
        httpx.InvalidURL,
        ValueError,  # e.g. a header the email package refuses
    ) as exc:
        detail = _redact(f"{type(exc).__name__}: {exc}", secrets)
        log.warning(
            "digest %s: %s channel failed: %s", payloads.rendered.digest_id, channel, detail
        )
        return DeliveryResult(channel, False, detail)
    log.info("digest %s: sent by %s (%s)", payloads.rendered.digest_id, channel, detail)
    return DeliveryResult(channel, True, detail)


def _redact(text: str, secrets: DeliverySecrets) -> str:
    for secret in (secrets.webhook_url, secrets.smtp_password):
        if secret:
            text = text.replace(secret, "<secret>")
    return text


# ---- file ------------------------------------------------------------------------------

_SUFFIX = {"md": "markdown", "html": "html", "txt": "text"}


def write_files(
    rendered: RenderedDigest, folder: Path, settings: FileChannelSettings
) -> list[Path]:
    """`<folder>/YYYY-MM-DD.{md,html}`; a second digest on one day gets `-2`, `-3` ...; an
    alert is `alert-YYYY-MM-DD-HHMMSS.{md,html}`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = _file_stem(folder, rendered, settings.formats)
    paths = []
    for suffix in settings.formats:
        path = folder / f"{stem}.{suffix}"
        _write_atomically(path, getattr(rendered, _SUFFIX[suffix]))
        paths.append(path)
    return paths


def _file_stem(folder: Path, rendered: RenderedDigest, formats: tuple[str, ...]) -> str:
    """The day's name, unless another digest already took it (a retry reuses its own)."""
    day = f"{rendered.created:%Y-%m-%d}"
    if rendered.kind == "alert":  # beside the digests, never taking a digest's name
        day = f"alert-{rendered.created:%Y-%m-%d-%H%M%S}"
    for number in range(1, 1000):
        stem = day if number == 1 else f"{day}-{number}"
        existing = [p for p in (folder / f"{stem}.{s}" for s in formats) if p.exists()]
        if not existing or any(_holds(p, rendered.digest_id) for p in existing):
            return stem
    raise DeliveryError(f"{folder}: too many digests dated {day}")


def _holds(path: Path, digest_id: str) -> bool:
    return digest_id in path.read_text("utf-8", errors="replace")


def _write_atomically(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# ---- email -----------------------------------------------------------------------------


def build_email(rendered: RenderedDigest, settings: EmailChannelSettings) -> EmailMessage:
    """multipart/alternative: the plain text, then the HTML. The Message-ID is the
    digest's, so a mail client can tell a re-sent digest from a new one."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    message["Date"] = format_datetime(rendered.created)
    message["Message-ID"] = f"<digest-{rendered.digest_id}@{_domain(settings.sender)}>"
    message["X-Newsmon-Digest"] = rendered.digest_id
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "newsmon.invalid"


def send_email(message: EmailMessage, settings: EmailChannelSettings, password: str | None) -> str:
    context = ssl.create_default_context(cafile=settings.ca_file)
    with _smtp(settings, context) as smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)  # fails if the server does not offer it
        if password:
            smtp.login(settings.username or parseaddr(settings.sender)[1], password)
        refused = smtp.send_message(message)
    if refused:
        log.warning("SMTP server refused %d recipient(s): %s", len(refused), sorted(refused))
    accepted = len(settings.to) - len(refused)
    return f"{accepted} recipient(s) via {settings.host}:{settings.port}"


def _smtp(settings: EmailChannelSettings, context: ssl.SSLContext) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_s, context=context
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)


# ---- webhook ---------------------------------------------------------------------------


def post_webhook(
    client: httpx.Client,
    url: str,
    payload: dict[str, Any],
    settings: WebhookChannelSettings,
    digest_id: str,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """POST the JSON; retry timeouts, connection errors, 429 and 5xx with backoff."""
    attempts = settings.retries + 1
    headers = {"User-Agent": USER_AGENT, "Idempotency-Key": digest_id}
    problem = "not attempted"
    for attempt in range(1, attempts + 1):
        try:
            response = client.post(url, json=payload, headers=headers, timeout=settings.timeout_s)
        except httpx.TransportError as exc:
            problem, wait = f"{type(exc).__name__}: {exc}", None
        else:
            if response.is_success:
                return f"HTTP {response.status_code} after {attempt} attempt(s)"
            problem, wait = f"HTTP {response.status_code}", _retry_after(response)
            if response.status_code not in RETRYABLE_STATUS:
                raise DeliveryError(f"webhook answered {problem}")
        if attempt < attempts:
            delay = wait if wait is not None else settings.backoff_s * 2 ** (attempt - 1)
            sleep(min(delay, MAX_RETRY_AFTER_S))
    raise DeliveryError(f"webhook failed after {attempts} attempt(s): {problem}")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date, or nothing: use our own backoff
