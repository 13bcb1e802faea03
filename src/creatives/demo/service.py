"""Fill an empty database with demo customers and a demo user.

The default demo loads each customer through the importer, the collector and the attribution
job (`creatives.demo.pipeline`). `generate_fact_rows` instead writes synthetic per-ad daily
rows straight into the dashboard tables with SQL, for benchmark datasets of millions of rows.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.auth import service as auth_service
from creatives.creatives.grouping import refresh_customer
from creatives.creatives.rollups import refresh_derived
from creatives.demo.copies import DemoCustomer
from creatives.demo.generator import DemoScale, demo_customers, generate_customer
from creatives.demo.pipeline import add_demo_customer, load_customer
from creatives.errors import ConflictError
from creatives.logging import get_logger

log = get_logger(__name__)

# Customers generated concurrently, each on its own connection (the CLI's engine allows four).
PARALLEL_CUSTOMERS = 2
# The default demo: small enough to load through the collector in well under a minute.
PIPELINE_SCALE = DemoScale(customers=3, ads=52, days=120)
ANALYZED_TABLES = (
    "pixel_event_integrated_data",
    "dim_combined_creative",
    "ad_event_cumulative",
    "event_day_range",
)


async def database_is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        count = (
            await conn.execute(text("SELECT count(*) FROM creatives.customers"))
        ).scalar_one()
    return int(count) == 0


async def _generate_customer_data(
    engine: AsyncEngine, index: int, customer: DemoCustomer, scale: DemoScale
) -> None:
    async with engine.begin() as conn:
        await add_demo_customer(conn, customer)
        started = time.perf_counter()
        await generate_customer(conn, customer, index, scale)
        generated = time.perf_counter()
        await refresh_derived(conn, customer.id)
        refreshed = time.perf_counter()
        await refresh_customer(conn, customer.id)
    log.info(
        "demo_customer_done",
        customer_id=customer.id,
        generate_seconds=round(generated - started, 1),
        refresh_seconds=round(refreshed - generated, 1),
        total_seconds=round(time.perf_counter() - started, 1),
    )


async def _require_empty(engine: AsyncEngine) -> None:
    if not await database_is_empty(engine):
        raise ConflictError(
            "The database already has customers; demo data goes only into an empty database. "
            "Point DATABASE_URL at a new database, or delete .data/ for the embedded one."
        )


async def _finish(
    engine: AsyncEngine, customers: list[DemoCustomer], email: str, password: str
) -> None:
    """Add the demo user, then refresh the planner's statistics of the filled tables."""
    async with engine.begin() as conn:
        await auth_service.add_user(
            conn, email, "Demo Analyst", password, "analyst", [c.id for c in customers]
        )
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in ANALYZED_TABLES:
            await conn.execute(text(f"ANALYZE creatives.{table}"))


CustomerLoader = Callable[
    [AsyncEngine, int, DemoCustomer, DemoScale], Awaitable[object]
]


async def _generate(
    engine: AsyncEngine,
    scale: DemoScale,
    email: str,
    password: str,
    loader: CustomerLoader,
) -> list[str]:
    await _require_empty(engine)
    started = time.perf_counter()
    log.info("demo_started", customers=scale.customers, ads=scale.ads, days=scale.days)
    customers = demo_customers(scale.customers)
    # Each customer loads on connections of its own; two at once keep both cores busy.
    slots = asyncio.Semaphore(PARALLEL_CUSTOMERS)

    async def load_one(index: int, customer: DemoCustomer) -> None:
        async with slots:
            await loader(engine, index, customer, scale)

    async with asyncio.TaskGroup() as group:
        for index, customer in enumerate(customers):
            group.create_task(load_one(index, customer))

    await _finish(engine, customers, email, password)
    log.info("demo_finished", seconds=round(time.perf_counter() - started, 1))
    return [customer.id for customer in customers]


async def generate_demo(
    engine: AsyncEngine, scale: DemoScale, email: str, password: str
) -> list[str]:
    """Load every demo customer through the importer, collector and attribution job."""
    return await _generate(engine, scale, email, password, load_customer)


async def generate_fact_rows(
    engine: AsyncEngine, scale: DemoScale, email: str, password: str
) -> list[str]:
    """Write synthetic daily fact rows per customer with SQL, for benchmark-scale datasets.

    Skips the importer, the pixel and the attribution job: there are no import records,
    pixel events, conversion lists or unattributed totals.
    """
    return await _generate(engine, scale, email, password, _generate_customer_data)
