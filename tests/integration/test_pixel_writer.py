"""The batch writer's two ways to flush: arrays for small flushes, COPY for large ones."""

from datetime import UTC, datetime

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.pixel import repository
from creatives.pixel.batcher import BatchWriter
from creatives.pixel.lifecycle import asyncpg_dsn, create_partitions_ahead
from creatives.pixel.validation import (
    EventRow,
    RequestContext,
    SiteConfig,
    validate_event,
)
from tests import factories

SITE = SiteConfig(customer_id="23", currency="EUR", ad_id_param="ad_id")


def page_views(count: int, first: int = 0) -> list[EventRow]:
    context = RequestContext(received_at=datetime.now(UTC), source="beacon")
    return [
        validate_event(
            {
                "event_name": "page_view",
                "event_id": f"00000000-0000-4000-8000-{n:012d}",
            },
            SITE,
            context,
        )
        for n in range(first, first + count)
    ]


def purchase(order_id: str, event_number: int) -> EventRow:
    context = RequestContext(received_at=datetime.now(UTC), source="server")
    raw = {
        "event_name": "order_completed",
        "event_id": f"00000000-0000-4000-9000-{event_number:012d}",
        "order_id": order_id,
        "value": "10",
    }
    return validate_event(raw, SITE, context)


async def test_small_and_large_flushes_agree(
    db: AsyncEngine, database_url: str
) -> None:
    async with db.begin() as conn:
        await factories.customer(conn, "23", currency="EUR")
    dsn = asyncpg_dsn(database_url)
    setup = await asyncpg.connect(dsn)
    await create_partitions_ahead(setup, 0)
    await setup.close()
    writer = BatchWriter(lambda: asyncpg.connect(dsn))
    writer.start()
    small = [*page_views(3), purchase("A-1", 1)]
    large_count = repository.COPY_MIN_ROWS + 10
    # Repeats of committed rows (an event id, an order) and within the flush (an order).
    large = [
        *page_views(2),
        purchase("A-1", 2),
        purchase("B-2", 3),
        purchase("B-2", 4),
        *page_views(large_count, first=100),
    ]
    try:
        small_outcomes = await writer.submit(small)
        large_outcomes = await writer.submit(large)
    finally:
        await writer.stop()

    assert small_outcomes == ["stored"] * 4
    assert large_outcomes[:5] == [
        "duplicate_event",
        "duplicate_event",
        "duplicate_order",
        "stored",
        "duplicate_order",
    ]
    assert large_outcomes[5:] == ["stored"] * large_count
    async with db.connect() as conn:
        stored = (
            await conn.execute(text("SELECT count(*) FROM creatives.pixel_events"))
        ).scalar_one()
        orders = (
            await conn.execute(
                text("SELECT order_id FROM creatives.pixel_orders ORDER BY order_id")
            )
        ).scalars()
        assert list(orders) == ["A-1", "B-2"]
    assert stored == 4 + 1 + large_count
