"""One validated Settings object: `newsmon.toml` plus environment overrides.

Validated once, at the edge (the CLI or the flow entry), then passed down. A bad file or
value raises `SettingsError` whose message names the key and what was expected.
Secrets (SMTP password, webhook URLs, the catalog's PostgreSQL password) are read from the
environment only, never the file.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.alerts import AlertSettings
from pipeline.digest import DigestSettings

DEFAULT_CONFIG = Path("newsmon.toml")
ENV_OVERRIDES = {
    # environment variable -> (section, key)
    "NEWSMON_DB": ("storage", "database"),
    "NEWSMON_USER_AGENT": ("http", "user_agent"),
    "NEWSMON_LOCK_TIMEOUT": ("storage", "lock_timeout_s"),
}


class SettingsError(Exception):
    """A config problem, worded for the operator: which key, what was expected."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_PASSWORD = re.compile(r"(^|\s)password\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S*)")


class DuckLakeSettings(_Section):
    """`[storage.ducklake]`: a DuckLake catalog in PostgreSQL, Parquet files on shared storage.

    The catalog is a libpq connection string (`catalog`), or its parts; parts given beside
    a string are added to it. The password comes from $NEWSMON_PG_PASSWORD (or libpq's own
    PGPASSWORD / ~/.pgpass), never from this file.
    """

    catalog: str = ""  # "host=db.internal port=5432 dbname=newsmon user=newsmon"
    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    dbname: str | None = None
    user: str | None = None
    data_path: Path | None = None  # the shared folder DuckLake writes its Parquet files into
    raw_path: Path | None = None  # raw HTML; default: "raw" beside data_path

    @field_validator("catalog")
    @classmethod
    def _key_value_pairs(cls, value: str) -> str:
        if re.match(r"\s*\w+://", value):
            raise ValueError("give key=value pairs like 'host=db port=5432 dbname=newsmon'")
        return value

    @model_validator(mode="before")
    @classmethod
    def _secrets_from_env(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        in_string = isinstance(data.get("catalog"), str) and _PASSWORD.search(data["catalog"])
        if "password" in data or in_string:
            # drop it first: a validation error echoes its input, and this is a secret
            data.pop("password", None)
            data["catalog"] = _PASSWORD.sub(r"\1password=<redacted>", str(data.get("catalog", "")))
            raise ValueError(
                "password: secrets are read from the environment only; set NEWSMON_PG_PASSWORD"
            )
        return data


class StorageSettings(_Section):
    backend: Literal["duckdb", "ducklake"] = "duckdb"
    database: Path = Path("data/newsmon.duckdb")  # the embedded file (backend = "duckdb")
    lock_timeout_s: float = Field(60.0, gt=0, le=3600)
    # The embedded file is checkpointed (its write-ahead log moved into it) after the
    # transaction that leaves the log over this size, not each time a writer closes it;
    # readers replay the log when they open the file (docs/scaling.md, "Short write holds").
    checkpoint_wal_mb: float = Field(8.0, gt=0, le=4096)
    keep_raw_html: bool = True
    ducklake: DuckLakeSettings = DuckLakeSettings()

    @model_validator(mode="after")
    def _ducklake_complete(self) -> StorageSettings:
        lake = self.ducklake
        if self.backend != "ducklake":
            return self
        if lake.data_path is None:
            raise ValueError("ducklake.data_path is required with backend = 'ducklake'")
        if not lake.catalog.strip() and not lake.dbname:
            raise ValueError(
                "ducklake.catalog (or ducklake.dbname) is required with backend = 'ducklake'"
            )
        return self


class HostSettings(_Section):
    """`[http.hosts."<host name>"]`: what one host asks of its clients, beyond the defaults."""

    # At most this many requests a second to the host (their starts are spaced evenly).
    max_requests_per_s: float | None = Field(None, gt=0, le=1000)
    # The host asks each client to name its operator and a contact (`http.operator`,
    # `http.contact`): requests to it carry them as the User-Agent, and without them the
    # host is never asked.
    contact_required: bool = False


# What hosts require of every client, whatever the config says; a config may ask for less
# (a lower rate) but not more. SEC EDGAR asks for a User-Agent naming the operator and an
# e-mail contact, and at most 10 requests a second from one client (its "fair access"
# policy); it blocks clients that do not comply.
_EDGAR = HostSettings(max_requests_per_s=10, contact_required=True)
HOST_REQUIREMENTS: dict[str, HostSettings] = {
    "www.sec.gov": _EDGAR,
    "sec.gov": _EDGAR,
    "data.sec.gov": _EDGAR,
    "efts.sec.gov": _EDGAR,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class HttpSettings(_Section):
    user_agent: str = "newsmon/0.1 (news monitoring; +https://github.com/newsmon/newsmon)"
    # Who runs this newsmon and how to reach them; required by hosts that ask for it.
    operator: str | None = Field(None, min_length=1, max_length=200)
    contact: str | None = None  # an e-mail address
    hosts: dict[str, HostSettings] = Field(default_factory=dict)
    connect_timeout_s: float = Field(10.0, gt=0, le=300)
    read_timeout_s: float = Field(20.0, gt=0, le=300)
    deadline_s: float = Field(45.0, gt=0, le=600)
    max_connections: int = Field(32, ge=1, le=1024)
    per_host_connections: int = Field(4, ge=1, le=64)
    per_host_delay_s: float = Field(0.5, ge=0, le=60)
    max_body_bytes: int = Field(15 * 1024 * 1024, ge=1024, le=1024**3)
    max_redirects: int = Field(5, ge=0, le=30)
    max_url_length: int = Field(2048, ge=64, le=65536)
    respect_robots_txt: bool = True
    # A host that fails to resolve or connect this many times in a row is not tried again
    # in the run; its links wait for the next one (0: always try every link).
    host_failures_before_skip: int = Field(3, ge=0, le=1000)
    # Loopback, private, link-local, CGNAT, multicast and unspecified addresses are refused
    # unless listed here (the demo and the tests list 127.0.0.0/8).
    allow_private_networks: tuple[str, ...] = ()

    @field_validator("allow_private_networks")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for net in value:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError as exc:
                raise ValueError(f"{net!r} is not an IP network like '127.0.0.0/8'") from exc
        return value

    @field_validator("contact")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value.strip()):
            raise ValueError(f"{value!r} is not an e-mail address like 'news-ops@example.com'")
        return value.strip() if value else value

    @field_validator("hosts")
    @classmethod
    def _within_requirements(cls, value: dict[str, HostSettings]) -> dict[str, HostSettings]:
        for host, asked in value.items():
            if host != host.strip().lower() or not host or "/" in host or ":" in host:
                raise ValueError(f"{host!r}: give a lower-case host name, like 'www.sec.gov'")
            required = HOST_REQUIREMENTS.get(host)
            if required is None:
                continue
            limit = required.max_requests_per_s
            if limit and (asked.max_requests_per_s or 0) > limit:
                raise ValueError(f"{host} allows at most {limit:g} requests a second")
            turned_off = "contact_required" in asked.model_fields_set and not asked.contact_required
            if required.contact_required and turned_off:
                raise ValueError(f"{host} requires a contact: contact_required cannot be off")
        return value

    def host(self, name: str | None) -> HostSettings:
        """What requests to host `name` must respect: the config's setting for it within
        the host's own requirements (the lower rate; a contact if either asks for one)."""
        name = (name or "").lower()
        asked, required = self.hosts.get(name), HOST_REQUIREMENTS.get(name)
        if asked is None or required is None:
            return asked or required or HostSettings()
        rates = [r for r in (asked.max_requests_per_s, required.max_requests_per_s) if r]
        return HostSettings(
            max_requests_per_s=min(rates) if rates else None,
            contact_required=asked.contact_required or required.contact_required,
        )

    @property
    def contact_agent(self) -> str | None:
        """The User-Agent for hosts that require a contact: operator and e-mail, the form
        SEC EDGAR documents ("Sample Company Name AdminContact@example.com")."""
        if not (self.operator and self.contact):
            return None
        return f"{self.operator.strip()} {self.contact}"


class IngestSettings(_Section):
    max_items_per_feed: int = Field(500, ge=1, le=100_000)
    batch_size: int = Field(200, ge=1, le=10_000)
    extract_workers: int = Field(0, ge=0, le=256)  # 0: one per core
    extract_timeout_s: float = Field(30.0, gt=0, le=3600)
    # Address space an extraction worker may add beyond its size at start; 0: unbounded.
    extract_memory_mb: int = Field(1024, ge=0, le=1024**2)
    min_text_chars: int = Field(200, ge=0)
    max_entries_per_run: int = Field(20_000, ge=1, le=10_000_000)
    max_attempts: int = Field(3, ge=1, le=100)
    # A transiently failed entry waits retry_backoff_s × retry_backoff_factor^(attempts - 1)
    # before its next try, at most retry_backoff_cap_s (pipeline/retry.py); 0: no wait.
    retry_backoff_s: float = Field(600.0, ge=0, le=7 * 86400)
    retry_backoff_factor: float = Field(3.0, ge=1, le=100)
    retry_backoff_cap_s: float = Field(86400.0, ge=0, le=30 * 86400)

    @model_validator(mode="after")
    def _backoff_capped_above_its_start(self) -> IngestSettings:
        if self.retry_backoff_cap_s < self.retry_backoff_s:
            raise ValueError(
                f"retry_backoff_cap_s ({self.retry_backoff_cap_s:g}) is below retry_backoff_s "
                f"({self.retry_backoff_s:g}): the cap bounds the back-off, so it must be at "
                "least its first wait"
            )
        return self


class ComputeSettings(_Section):
    """Where fetch, extract and tag run: this machine's process pool, or a Dask cluster."""

    runner: Literal["local", "dask"] = "local"
    # A running scheduler ("tcp://10.0.0.5:8786"); none: a LocalCluster of `dask_workers`.
    dask_address: str | None = None
    dask_workers: int = Field(2, ge=1, le=256)
    dask_in_flight: int = Field(4, ge=1, le=1024)  # chunks handed to the cluster at once

    @field_validator("dask_address")
    @classmethod
    def _scheduler(cls, value: str | None) -> str | None:
        if value is not None and not urlsplit(value).netloc:
            raise ValueError(f"{value!r} is not a scheduler address like 'tcp://host:8786'")
        return value


class HealthSettings(_Section):
    """Feed health: failure weights, backoff of the next poll, and when to give up."""

    hard_failure_weight: float = Field(1.0, ge=0, le=1000)  # 404, 410, not a feed, bad URL
    soft_failure_weight: float = Field(0.25, ge=0, le=1000)  # 5xx, timeouts, network
    temporary_failure_weight: float = Field(0.0, ge=0, le=1000)  # 429, 503 + Retry-After
    disable_after: float = Field(10.0, gt=0, le=100_000)  # weighted failures in a row
    backoff_step_s: float = Field(900.0, ge=0, le=7 * 86400)  # next poll: step × failures
    backoff_cap_s: float = Field(86400.0, ge=0, le=30 * 86400)
    retry_after_cap_s: float = Field(86400.0, ge=0, le=30 * 86400)
    jitter: float = Field(0.1, ge=0, le=1)  # up to this fraction added to each delay


class TaggingSettings(_Section):
    watchlist: Path | None = None  # a TOML file of extra or replacing [[entity]] entries
    entities: tuple[dict[str, Any], ...] = ()  # inline [[tagging.entities]] entries


class ScheduleSettings(_Section):
    """When the deployments run (`newsmon serve`, `prefect deploy`)."""

    timezone: str = "UTC"
    ingest_cron: str = "*/15 * * * *"
    digest_cron: str = "0 8 * * *"
    ingest_concurrency: int = Field(1, ge=1, le=16)  # overlapping ingest runs wait in line

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. 'Europe/London')") from exc
        return value

    @field_validator("ingest_cron", "digest_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) not in (5, 6):
            raise ValueError(f"{value!r} is not a cron expression like '*/15 * * * *'")
        return value


SourceKind = Literal["official", "filing", "press", "search"]


class FeedSettings(_Section):
    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    enabled: bool = True
    # official: a company's newsroom or blog; filing: regulatory filings (SEC 8-K);
    # press: an outlet; search: a news-search or alert feed (the catalogue's kinds).
    kind: SourceKind = "press"
    # The companies the source speaks for or covers. A deal that an official or filing
    # source states, with one of these (or their children) among its parties, is confirmed.
    entities: tuple[str, ...] = ()

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        # A URL without a host ("https:///feed.xml") must fail at start, not at every poll.
        parts = urlsplit(value.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        return value


class FocusSettings(_Section):
    """`[focus]`: the entities the monitoring is about. An article that names none of them
    (nor their products and subsidiaries, through the watchlist's parents) is kept as an
    off-topic article and not counted; none listed: every article is on topic."""

    entities: tuple[str, ...] = ()
    keep_off_topic_text: bool = False  # store the text of off-topic articles too

    @field_validator("entities")
    @classmethod
    def _once_each(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not name.strip() for name in value):
            raise ValueError("an entity name is empty")
        return tuple(dict.fromkeys(value))


class Settings(_Section):
    storage: StorageSettings = StorageSettings()
    http: HttpSettings = HttpSettings()
    ingest: IngestSettings = IngestSettings()
    compute: ComputeSettings = ComputeSettings()
    health: HealthSettings = HealthSettings()
    tagging: TaggingSettings = TaggingSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    digest: DigestSettings = DigestSettings()
    focus: FocusSettings = FocusSettings()
    alerts: AlertSettings = AlertSettings()
    feeds: tuple[FeedSettings, ...] = ()
    source: Path | None = None  # the file these settings came from

    @field_validator("feeds")
    @classmethod
    def _unique_urls(cls, value: tuple[FeedSettings, ...]) -> tuple[FeedSettings, ...]:
        seen: set[str] = set()
        names: set[str] = set()
        for feed in value:
            if feed.url in seen:
                raise ValueError(f"feed URL listed twice: {feed.url}")
            if feed.name in names:
                raise ValueError(f"feed name listed twice: {feed.name}")
            seen.add(feed.url)
            names.add(feed.name)
        return value

    @model_validator(mode="after")
    def _alert_channels_configured(self) -> Settings:
        if "email" in self.alerts.channels and "email" not in self.digest.channels:
            email = self.digest.email
            if not (email.host and email.sender and email.to):
                raise ValueError("alerts by email need digest.email.host, from and to")
        return self

    @model_validator(mode="after")
    def _contacts_given(self) -> Settings:
        """A feed on a host that requires a contact fails at start, not at every poll."""
        if self.http.contact_agent:
            return self
        for feed in self.feeds:
            host = urlsplit(feed.url.strip()).hostname
            if feed.enabled and self.http.host(host).contact_required:
                raise ValueError(
                    f"feed {feed.name!r} is on {host}, which requires every client to name "
                    'its operator and an e-mail contact: set [http] operator = "Your '
                    'Organisation" and contact = "you@example.com" (or enabled = false on '
                    "the feed)"
                )
        return self


def load_settings(path: Path | str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the config file (if any) and the environment; validate; return Settings.

    The file is `path`, else `$NEWSMON_CONFIG`, else `./newsmon.toml` if it exists.
    """
    env = dict(os.environ if env is None else env)
    config_path = _config_path(path, env)
    raw = _read_toml(config_path) if config_path else {}
    _apply_env(raw, env)
    if config_path:
        raw["source"] = config_path
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise SettingsError(_describe(exc, config_path)) from None
    # A relative path is relative to where it was written: the file's folder, or (for
    # $NEWSMON_DB) the working directory, as for any path given in a shell.
    db_from_file = not env.get("NEWSMON_DB")
    return _resolve_paths(settings, config_path, db_from_file)


def _config_path(path: Path | str | None, env: dict[str, str]) -> Path | None:
    if path is not None:
        chosen = Path(path)
    elif env.get("NEWSMON_CONFIG"):
        chosen = Path(env["NEWSMON_CONFIG"])
    elif DEFAULT_CONFIG.exists():
        chosen = DEFAULT_CONFIG
    else:
        return None
    if not chosen.is_file():
        raise SettingsError(f"config file not found: {chosen}")
    return chosen


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read: {exc}") from None


def _apply_env(raw: dict[str, Any], env: dict[str, str]) -> None:
    for var, (section, key) in ENV_OVERRIDES.items():
        if env.get(var):
            target = raw.setdefault(section, {})
            if not isinstance(target, dict):
                raise SettingsError(f"[{section}] must be a table")
            target[key] = env[var]


def _describe(exc: ValidationError, path: Path | None) -> str:
    where = f"{path}: " if path else ""
    lines = []
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        if not key:  # a check across sections: its message names the keys
            lines.append(f"{where}{message}")
            continue
        got = repr(err.get("input"))
        lines.append(f"{where}{key}: {message} (got {got[:80]}{'…' if len(got) > 80 else ''})")
    return "invalid config:\n  " + "\n  ".join(lines)


def _resolve_paths(settings: Settings, config_path: Path | None, db_from_file: bool) -> Settings:
    """Relative storage paths are relative to the config file's folder, as users expect."""
    storage = settings.storage
    lake = storage.ducklake
    lake_paths = {
        key: _relative_to(getattr(lake, key), config_path) for key in ("data_path", "raw_path")
    }
    storage = storage.model_copy(update={"ducklake": lake.model_copy(update=lake_paths)})
    db = storage.database
    if db_from_file and str(db) != ":memory:":
        storage = storage.model_copy(update={"database": _relative_to(db, config_path)})
    return settings.model_copy(update={"storage": storage})


def _relative_to(path: Path | None, config_path: Path | None) -> Path | None:
    if path is None or path.is_absolute() or config_path is None:
        return path
    return config_path.parent / path
