"""As-it-happens alerts: which new deals of one ingest go out at once.

Pure. The ingest reads the deals it touched (a sighting stored during the run) and which
of them any digest or alert has already carried; `compose_alert` keeps the new ones that
match the `[alerts]` rules. An alert is a small digest (`kind = "alert"`): it is recorded,
sent through the digest's channels and closed exactly like one, so each channel gets it
once. A deal is alerted at most once: its later status changes and confirmation are
updates, which the next digest reports against what the alert said.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.digest import (
    Channel,
    DealEntry,
    DealType,
    Digest,
    DigestSettings,
    ancestors_of,
    of_interest,
    rank_key,
    run_settings,
)

Status = Literal["announced", "completed", "reported", "in_talks", "planned", "failed"]


class AlertSettings(BaseModel):
    """`[alerts]`: rules checked at the end of each ingest; no channels: no alerts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: tuple[Channel, ...] = ()  # configured under [digest.file|email|webhook]
    entities: tuple[str, ...] = ()  # a party of interest; a parent covers its children
    deal_types: tuple[DealType, ...] = ()
    statuses: tuple[Status, ...] = ()
    min_amount_usd: float | None = Field(None, ge=0)
    include_undisclosed: bool = True  # deals with no stated amount pass min_amount_usd
    confirmed_only: bool = False  # only deals an official or filing source has stated

    @field_validator("channels", "entities", "deal_types", "statuses")
    @classmethod
    def _once_each(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))

    @property
    def enabled(self) -> bool:
        return bool(self.channels)


def alert_options(alerts: AlertSettings, digest: DigestSettings) -> DigestSettings:
    """The digest's channel settings, sending to the alert channels."""
    return run_settings(digest, alerts.channels)


def compose_alert(
    candidates: Iterable[DealEntry],
    carried: Collection[str],
    parents: Mapping[str, str | None],
    rules: AlertSettings,
    alert_id: str,
    created: datetime,
    since: datetime | None,
) -> Digest:
    """The alert of one ingest: the deals it touched that no digest or alert has carried
    (`carried`) and that match the rules, ranked as a digest ranks them. May be empty."""
    ancestors = ancestors_of(parents)
    chosen = [
        deal
        for deal in candidates
        if deal.deal_key not in carried
        and not deal.background_only
        and matches_rules(deal, rules, ancestors)
    ]
    entries = tuple(sorted(chosen, key=rank_key))
    return Digest(alert_id, created, since, None, entries, kind="alert")


def matches_rules(
    deal: DealEntry, rules: AlertSettings, ancestors: Mapping[str, tuple[str, ...]]
) -> bool:
    if rules.deal_types and deal.type not in rules.deal_types:
        return False
    if rules.statuses and deal.status not in rules.statuses:
        return False
    if rules.confirmed_only and deal.confirmed_at is None:
        return False
    if rules.min_amount_usd is not None:
        if deal.amount_usd is None and not rules.include_undisclosed:
            return False
        if deal.amount_usd is not None and deal.amount_usd < rules.min_amount_usd:
            return False
    return not rules.entities or of_interest(deal, rules.entities, ancestors)
