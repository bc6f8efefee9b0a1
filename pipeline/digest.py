"""Digest selection: which deals a digest reports, marked new or update, and in what order.

Pure: the warehouse reads a `Period` (the deals with a sighting stored since the last
digest, and what earlier digests said about them); `compose_digest` decides. Times are
ingest times (`stored_at`), not publish times, so a late-published story is not lost.

A deal is reported once. It comes back only when it changed materially since it was
sent: its status moved forward in the deal's life (in talks -> announced -> completed)
or to/from failed, its amount became known or changed, or an official or filing source
of one of its parties confirmed it. A deal an alert already carried (`kind = "alert"`)
comes in the next digest once, marked as alerted (or as an update, if it changed since).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipeline.records import Party

Channel = Literal["file", "email", "webhook"]
DealType = Literal[
    "investment", "acquisition", "partnership", "joint_venture", "contract", "licensing"
]

# Ranking tiers: announced/completed first, then planned, then reported or fallen
# through, then talks. Lower is earlier.
STATUS_TIER = {
    "completed": 0,
    "announced": 0,
    "planned": 1,
    "reported": 2,
    "failed": 2,
    "in_talks": 3,
}
# A deal's life, for "did the status move forward?"; failed is handled apart.
STATUS_PROGRESS = {"in_talks": 0, "reported": 1, "planned": 1, "announced": 2, "completed": 3}
AMOUNT_TOLERANCE = 0.01  # relative change below which an amount is "the same"
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+$")


# ---- settings: the [digest] section of newsmon.toml -----------------------------------


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _no_secret(data: Any, key: str, env_var: str) -> Any:
    if isinstance(data, dict) and key in data:
        # drop it first: a validation error echoes its input, and this is a secret
        data[key] = "<redacted>"
        raise ValueError(f"{key}: secrets are read from the environment only; set {env_var}")
    return data


class FileChannelSettings(_Section):
    folder: Path = Path("digests")  # relative to the config file's folder
    formats: tuple[Literal["md", "html", "txt"], ...] = Field(("md", "html"), min_length=1)


class EmailChannelSettings(_Section):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True
    )

    host: str = ""
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None  # the password comes from $NEWSMON_SMTP_PASSWORD
    sender: str = Field("", alias="from")
    to: tuple[str, ...] = ()
    timeout_s: float = Field(15.0, gt=0, le=300)
    ca_file: Path | None = None  # a private CA bundle for the server's certificate

    @model_validator(mode="before")
    @classmethod
    def _secrets_from_env(cls, data: Any) -> Any:
        return _no_secret(data, "password", "NEWSMON_SMTP_PASSWORD")

    @field_validator("sender", "to")
    @classmethod
    def _addresses(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        for address in (value,) if isinstance(value, str) else value:
            if address and not _ADDRESS.match(parseaddr(address)[1] or "-"):
                raise ValueError(f"{address!r} is not an email address")
        return value


class WebhookChannelSettings(_Section):
    format: Literal["slack", "json"] = "slack"  # the URL comes from $NEWSMON_WEBHOOK_URL
    timeout_s: float = Field(10.0, gt=0, le=120)
    retries: int = Field(3, ge=0, le=10)
    backoff_s: float = Field(2.0, ge=0, le=60)

    @model_validator(mode="before")
    @classmethod
    def _secrets_from_env(cls, data: Any) -> Any:
        return _no_secret(data, "url", "NEWSMON_WEBHOOK_URL")


class DigestSettings(_Section):
    channels: tuple[Channel, ...] = ("file",)
    send_empty: bool = False
    include_background: bool = False
    entities: tuple[str, ...] = ()  # of interest; a parent covers its children
    deal_types: tuple[DealType, ...] = ()
    min_amount_usd: float | None = Field(None, ge=0)
    include_undisclosed: bool = True  # deals with no stated amount pass min_amount_usd
    subject_prefix: str = Field("newsmon", min_length=1, max_length=60, pattern=r"^[^\r\n]*$")
    file: FileChannelSettings = FileChannelSettings()
    email: EmailChannelSettings = EmailChannelSettings()
    webhook: WebhookChannelSettings = WebhookChannelSettings()

    @field_validator("channels", "entities", "deal_types")
    @classmethod
    def _once_each(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _email_complete(self) -> DigestSettings:
        if "email" in self.channels:
            email = self.email
            missing = [k for k, v in (("host", email.host), ("from", email.sender)) if not v]
            missing += [] if email.to else ["to"]
            if missing:
                keys = ", ".join(f"digest.email.{k}" for k in missing)
                raise ValueError(f"the email channel needs {keys}")
        return self


def digest_settings(settings: object) -> DigestSettings:
    """The `[digest]` section of the Settings, or the defaults where it has none."""
    return getattr(settings, "digest", None) or DigestSettings()


# ---- records ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DealSource:
    """One article that reported a deal."""

    url: str
    title: str | None
    outlet: str | None
    published: datetime | None


@dataclass(frozen=True, slots=True)
class SentDeal:
    """What the latest delivered digest said about a deal."""

    deal_key: str
    status: str
    amount_usd: float | None
    amount_text: str | None
    digest_id: str
    sent_at: datetime
    kind: str = "digest"  # digest | alert: what carried it
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class DealEntry:
    """One deal across all outlets, as the deal ledger has it; `previous` marks an update."""

    deal_key: str
    type: str
    parties: tuple[Party, ...]
    status: str
    amount_usd: float | None
    amount_text: str | None
    amount_qualifier: str | None
    evidence: str
    first_seen: datetime
    first_stored_at: datetime
    first_source_url: str
    sources: tuple[DealSource, ...]
    background_only: bool
    name: str | None = None
    previous: SentDeal | None = None
    confirmed_by: str | None = None  # the official or filing source that stated it first
    confirmed_at: datetime | None = None
    confirmed_url: str | None = None
    alerted_at: datetime | None = None  # already sent as an alert, unchanged since

    @property
    def is_update(self) -> bool:
        return self.previous is not None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


@dataclass(frozen=True, slots=True)
class Period:
    """What the warehouse knows for one digest: the selection's whole input."""

    start: datetime | None  # the previous watermark (or --since); None: from the beginning
    watermark: datetime | None  # the latest ingest time covered
    previous_watermark: datetime | None  # where the last closed digest ended
    candidates: tuple[DealEntry, ...]  # deals with a sighting stored after `start`
    sent: Mapping[str, SentDeal]
    parents: Mapping[str, str | None]  # entity -> parent, for roll-up


@dataclass(frozen=True, slots=True)
class Digest:
    digest_id: str
    created: datetime
    period_start: datetime | None
    watermark: datetime | None
    entries: tuple[DealEntry, ...]
    kind: str = "digest"  # digest | alert

    @property
    def updates(self) -> int:
        return sum(e.is_update for e in self.entries)

    @property
    def alerted(self) -> int:
        return sum(e.alerted_at is not None for e in self.entries)


# ---- selection -------------------------------------------------------------------------


def compose_digest(
    period: Period, settings: DigestSettings, digest_id: str, created: datetime
) -> Digest:
    """The digest of `period`: filtered, new-or-update, ranked. May have no entries."""
    ancestors = ancestors_of(period.parents)
    chosen = (
        _classify(deal, period.sent.get(deal.deal_key), period.start, settings)
        for deal in period.candidates
        if matches_filters(deal, settings, ancestors)
    )
    entries = sorted((e for e in chosen if e is not None), key=rank_key)
    return Digest(digest_id, created, period.start, period.watermark, tuple(entries))


def should_send(digest: Digest, settings: DigestSettings) -> bool:
    return bool(digest.entries) or settings.send_empty


def run_settings(
    settings: DigestSettings,
    channels: Iterable[str] | None = None,
    include_background: bool | None = None,
) -> DigestSettings:
    """The settings for one run: `--channel` replaces the configured channels and
    `--include-background` turns background deals on. Validated again, so `--channel
    email` without an email host fails like the config would."""
    update: dict[str, Any] = {}
    if channels:
        update["channels"] = tuple(channels)
    if include_background is not None:
        update["include_background"] = include_background
    data = settings.model_dump(by_alias=True)
    return DigestSettings.model_validate({**data, **update})


def channels_due(
    recorded: Iterable[str], delivered: Iterable[str], wanted: Iterable[str]
) -> tuple[str, ...]:
    """A pending digest goes to the channels it was made for that this run still sends
    to and that do not have it yet. A channel taken out of the config is let go."""
    done, now = set(delivered), set(wanted)
    return tuple(c for c in recorded if c in now and c not in done)


def output_folder(folder: Path, config_file: Path | None) -> Path:
    """A relative folder is relative to the config file's folder, as the database is."""
    if folder.is_absolute() or config_file is None:
        return folder
    return config_file.parent / folder


def _classify(
    deal: DealEntry, sent: SentDeal | None, start: datetime | None, settings: DigestSettings
) -> DealEntry | None:
    if sent is not None:
        if material_change(deal, sent):
            return replace(deal, previous=sent)
        # an alert carried it: the digest lists it once, marked as already alerted
        return replace(deal, alerted_at=sent.sent_at) if sent.kind == "alert" else None
    if not deal.background_only:
        return deal
    first_time = start is None or deal.first_stored_at > start
    return deal if settings.include_background and first_time else None


def material_change(deal: DealEntry, sent: SentDeal) -> bool:
    """Status moved forward (or to/from failed), the amount became known or changed, or
    the deal was confirmed since it was sent."""
    return (
        _status_moved(sent.status, deal.status)
        or _amount_changed(sent.amount_usd, deal.amount_usd)
        or (deal.is_confirmed and not sent.confirmed)
    )


def _status_moved(before: str, now: str) -> bool:
    if before == now:
        return False
    if "failed" in (before, now):
        return True
    return STATUS_PROGRESS.get(now, -1) > STATUS_PROGRESS.get(before, -1)


def _amount_changed(before: float | None, now: float | None) -> bool:
    if now is None:
        return False  # the ledger keeps a known amount; an unstated one is no news
    if before is None:
        return True
    return abs(now - before) > AMOUNT_TOLERANCE * max(abs(before), 1.0)


def matches_filters(
    deal: DealEntry, settings: DigestSettings, ancestors: Mapping[str, tuple[str, ...]]
) -> bool:
    if settings.deal_types and deal.type not in settings.deal_types:
        return False
    if settings.min_amount_usd is not None and not _big_enough(deal, settings):
        return False
    return not settings.entities or of_interest(deal, settings.entities, ancestors)


def _big_enough(deal: DealEntry, settings: DigestSettings) -> bool:
    if deal.amount_usd is None:
        return settings.include_undisclosed
    return deal.amount_usd >= (settings.min_amount_usd or 0)


def of_interest(
    deal: DealEntry, wanted: Iterable[str], ancestors: Mapping[str, tuple[str, ...]]
) -> bool:
    """A party of the deal is one of `wanted`, or a child of one (Azure for Microsoft)."""
    wanted_folded = {name.casefold() for name in wanted}
    for party in deal.parties:
        family = (party.name, *ancestors.get(party.name, ()))
        if any(name.casefold() in wanted_folded for name in family):
            return True
    return False


def ancestors_of(
    parents: Mapping[str, str | None], max_depth: int = 10
) -> dict[str, tuple[str, ...]]:
    """Each entity's chain of parents, nearest first (Google Cloud -> Google, Alphabet)."""
    chains: dict[str, tuple[str, ...]] = {}
    for name in parents:
        chain: list[str] = []
        parent = parents.get(name)
        while parent and parent not in chain and parent != name and len(chain) < max_depth:
            chain.append(parent)
            parent = parents.get(parent)
        chains[name] = tuple(chain)
    return chains


def rank_key(entry: DealEntry) -> tuple:
    """Firmer deals first, then larger amounts, then more sources, then the newest."""
    amount = entry.amount_usd if entry.amount_usd is not None else -1.0
    return (
        STATUS_TIER.get(entry.status, 9),
        -amount,
        -len(entry.sources),
        -entry.first_seen.timestamp(),
        entry.deal_key,
    )


# ---- the digest as plain data (stored with the digest, posted as generic JSON) ---------


def digest_as_dict(digest: Digest) -> dict[str, Any]:
    """JSON-ready: datetimes as ISO 8601 strings."""
    return _jsonable(asdict(digest))


def digest_from_dict(data: Mapping[str, Any]) -> Digest:
    return Digest(
        digest_id=data["digest_id"],
        created=_when(data["created"]),
        period_start=_when(data.get("period_start")),
        watermark=_when(data.get("watermark")),
        entries=tuple(_entry_from_dict(e) for e in data.get("entries", ())),
        kind=data.get("kind", "digest"),
    )


def _entry_from_dict(data: Mapping[str, Any]) -> DealEntry:
    previous = data.get("previous")
    return DealEntry(
        **{k: data[k] for k in _PLAIN_FIELDS},
        parties=tuple(Party(p["name"], p["role"]) for p in data["parties"]),
        first_seen=_when(data["first_seen"]),
        first_stored_at=_when(data["first_stored_at"]),
        sources=tuple(
            DealSource(s["url"], s["title"], s["outlet"], _when(s["published"]))
            for s in data["sources"]
        ),
        previous=SentDeal(**{**previous, "sent_at": _when(previous["sent_at"])})
        if previous
        else None,
        confirmed_by=data.get("confirmed_by"),
        confirmed_at=_when(data.get("confirmed_at")),
        confirmed_url=data.get("confirmed_url"),
        alerted_at=_when(data.get("alerted_at")),
    )


_PLAIN_FIELDS = (
    "deal_key",
    "type",
    "status",
    "amount_usd",
    "amount_text",
    "amount_qualifier",
    "evidence",
    "first_source_url",
    "background_only",
    "name",
)


def _when(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
