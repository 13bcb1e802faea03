"""Re-attribute on an interval while serving, so new pixel events reach the dashboard."""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.attribution.integration import integrate
from creatives.logging import get_logger

log = get_logger(__name__)

# Events arrive with the server's time, so late ones fall in recent partitions; a replay of
# older history runs `creatives integrate` itself.
RECENT = timedelta(days=35)

CHANGED_CUSTOMERS = text(
    """
    SELECT e.customer_id,
           (min(e.event_time) AT TIME ZONE c.time_zone)::date AS first_day,
           (max(e.event_time) AT TIME ZONE c.time_zone)::date AS last_day
    FROM creatives.pixel_events e
    JOIN creatives.customers c ON c.id = e.customer_id
    WHERE e.event_time >= :recent AND e.received_at > :since
    GROUP BY e.customer_id, c.time_zone
    """
)


async def integrate_changes(engine: AsyncEngine, since: datetime) -> int:
    """Integrate the days of every customer that received events after `since`."""
    async with engine.connect() as conn:
        changed = (
            await conn.execute(
                CHANGED_CUSTOMERS, {"recent": since - RECENT, "since": since}
            )
        ).all()
    for row in changed:
        await integrate(engine, row.customer_id, row.first_day, row.last_day)
    return len(changed)


async def run_every(engine: AsyncEngine, interval_seconds: float) -> None:
    """Loop until cancelled; an error is logged and the next round tries again."""
    since = datetime.now(UTC) - RECENT
    log.info("integration_scheduler_started", interval_seconds=interval_seconds)
    try:
        while True:
            started = datetime.now(UTC)
            try:
                customers = await integrate_changes(engine, since)
            except Exception as error:
                log.error("integration_round_failed", error=str(error))
            else:
                since = started
                if customers:
                    log.info("integration_round_finished", customers=customers)
            await asyncio.sleep(interval_seconds)
    finally:
        log.info("integration_scheduler_stopped")


def start(engine: AsyncEngine, interval_seconds: float) -> asyncio.Task[None] | None:
    if interval_seconds <= 0:
        return None
    return asyncio.create_task(run_every(engine, interval_seconds), name="integration")


async def stop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
