"""Re-attribute on an interval while serving, so new pixel events reach the dashboard."""

import asyncio
import contextlib
from datetime import UTC, date, datetime, timedelta

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


async def integrate_changes(
    engine: AsyncEngine,
    since: datetime,
    failed: dict[str, tuple[date, date]] | None = None,
) -> int:
    """Integrate the days of every customer that received events after `since`.

    A customer whose run fails is logged and skipped, so that one customer's data cannot
    hold back the others. `failed` maps customers to the days still to rebuild: they are
    tried again, and the dict is updated in place. Return the number of customers integrated.
    """
    async with engine.connect() as conn:
        changed = (
            await conn.execute(
                CHANGED_CUSTOMERS, {"recent": since - RECENT, "since": since}
            )
        ).all()
    pending = dict(failed or {})
    for row in changed:
        first_day, last_day = pending.get(
            row.customer_id, (row.first_day, row.last_day)
        )
        pending[row.customer_id] = (
            min(first_day, row.first_day),
            max(last_day, row.last_day),
        )

    integrated = 0
    for customer_id, (first_day, last_day) in sorted(pending.items()):
        try:
            await integrate(engine, customer_id, first_day, last_day)
        except Exception as error:
            # The customer's transaction rolled back, so its previous rows stay.
            log.error(
                "integration_customer_failed",
                customer_id=customer_id,
                start=str(first_day),
                end=str(last_day),
                error=str(error),
                exc_info=True,
            )
            if failed is not None:
                failed[customer_id] = (first_day, last_day)
        else:
            integrated += 1
            if failed is not None:
                failed.pop(customer_id, None)
    return integrated


async def run_every(engine: AsyncEngine, interval_seconds: float) -> None:
    """Loop until cancelled; an error is logged and the next round tries again."""
    since = datetime.now(UTC) - RECENT
    failed: dict[str, tuple[date, date]] = {}
    log.info("integration_scheduler_started", interval_seconds=interval_seconds)
    try:
        while True:
            started = datetime.now(UTC)
            try:
                customers = await integrate_changes(engine, since, failed)
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
