"""Fill an empty database with demo customers, facts, creatives and a demo user."""

import asyncio
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.auth import service as auth_service
from creatives.creatives.grouping import refresh_customer
from creatives.creatives.rollups import refresh_derived
from creatives.customers import service as customer_service
from creatives.customers.schemas import CustomerCreate
from creatives.demo.copies import DemoCustomer
from creatives.demo.generator import DemoScale, demo_customers, generate_customer
from creatives.errors import ConflictError
from creatives.logging import get_logger

log = get_logger(__name__)

# Customers generated concurrently, each on its own connection (the CLI's engine allows four).
PARALLEL_CUSTOMERS = 2


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
        await customer_service.add_customer(
            conn,
            CustomerCreate(
                id=customer.id,
                name=customer.name,
                currency=customer.currency,
                time_zone=customer.time_zone,
            ),
        )
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


async def generate_demo(
    engine: AsyncEngine, scale: DemoScale, email: str, password: str
) -> list[str]:
    """Generate every demo customer in its own transaction; return the customer ids."""
    if not await database_is_empty(engine):
        raise ConflictError(
            "The database already has customers; demo data goes only into an empty database. "
            "Point DATABASE_URL at a new database, or delete .data/ for the embedded one."
        )
    started = time.perf_counter()
    log.info("demo_started", customers=scale.customers, ads=scale.ads, days=scale.days)
    customers = demo_customers(scale.customers)
    # Each customer is one transaction; running two at once keeps two cores busy.
    slots = asyncio.Semaphore(PARALLEL_CUSTOMERS)

    async def generate_one(index: int, customer: DemoCustomer) -> None:
        async with slots:
            await _generate_customer_data(engine, index, customer, scale)

    async with asyncio.TaskGroup() as group:
        for index, customer in enumerate(customers):
            group.create_task(generate_one(index, customer))

    async with engine.begin() as conn:
        await auth_service.add_user(
            conn, email, "Demo Analyst", password, "analyst", [c.id for c in customers]
        )
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE creatives.pixel_event_integrated_data"))
        await conn.execute(text("ANALYZE creatives.dim_combined_creative"))
        await conn.execute(text("ANALYZE creatives.ad_event_cumulative"))
        await conn.execute(text("ANALYZE creatives.event_day_range"))
    log.info("demo_finished", seconds=round(time.perf_counter() - started, 1))
    return [customer.id for customer in customers]
