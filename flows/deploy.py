"""Deployments: what runs when. `newsmon serve` serves them; `prefect.yaml` deploys them.

- ingest: on `schedule.ingest_cron` (default every 15 minutes), one run at a time:
  a run that would overlap a slow one waits in line (Prefect concurrency limit);
- digest: on `schedule.digest_cron` (default 08:00) in `schedule.timezone`;
- retag and backfill: on demand.
"""

from __future__ import annotations

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.backfill import backfill_flow
from flows.digest import digest_flow
from flows.ingest import flow_for
from flows.retag import retag_flow
from pipeline.settings import Settings

TAGS = ["newsmon"]


def build_deployments(settings: Settings, config: str | None) -> list[RunnerDeployment]:
    """The four deployments, with schedules and parameters taken from the settings."""
    schedule = settings.schedule
    params = {"config": config} if config else {}
    one_at_a_time = ConcurrencyLimitConfig(
        limit=schedule.ingest_concurrency, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
    )
    return [
        flow_for(settings).to_deployment(
            "newsmon-ingest",
            schedules=[Cron(schedule.ingest_cron, timezone=schedule.timezone)],
            concurrency_limit=one_at_a_time,
            parameters=params,
            tags=TAGS,
        ),
        digest_flow.to_deployment(
            "newsmon-digest",
            schedules=[Cron(schedule.digest_cron, timezone=schedule.timezone)],
            parameters=params,
            tags=TAGS,
        ),
        retag_flow.to_deployment("newsmon-retag", parameters=params, tags=TAGS),
        backfill_flow.to_deployment("newsmon-backfill", parameters=params, tags=TAGS),
    ]
