"""Fill an empty database with demo customers, facts, creatives and a demo user."""

import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.auth import service as auth_service
from creatives.creatives.grouping import refresh_customer
from creatives.customers import service as customer_service
from creatives.customers.schemas import CustomerCreate
from creatives.demo.generator import DemoScale, demo_customers, generate_customer
from creatives.errors import ConflictError
from creatives.logging import get_logger

log = get_logger(__name__)


async def database_is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        count = (
            await conn.execute(text("SELECT count(*) FROM creatives.customers"))
        ).scalar_one()
    return int(count) == 0


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
    for index, customer in enumerate(customers):
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
            await generate_customer(conn, customer, index, scale)
            await refresh_customer(conn, customer.id)
        log.info("demo_customer_done", customer_id=customer.id)

    async with engine.begin() as conn:
        await auth_service.add_user(
            conn, email, "Demo Analyst", password, "analyst", [c.id for c in customers]
        )
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE creatives.pixel_event_integrated_data"))
        await conn.execute(text("ANALYZE creatives.dim_combined_creative"))
    log.info("demo_finished", seconds=round(time.perf_counter() - started, 1))
    return [customer.id for customer in customers]
