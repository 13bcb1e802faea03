"""Load a demo customer through the product's own inputs.

Per customer: add it, import a Meta Ads Manager export with the importer that
`creatives import meta` uses, load its creative table in the original system's layout as
`creatives load` does, send its shop's visits through the collector's validation and
batch writer, then run the attribution job. The dashboard rows, running totals,
conversions and unattributed totals therefore come from the same code as real data.
"""

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.attribution.integration import integrate
from creatives.customers import service as customer_service
from creatives.customers.schemas import CustomerCreate
from creatives.demo.copies import DemoCustomer
from creatives.demo.creative_table import write_creative_table
from creatives.demo.export import write_meta_export
from creatives.demo.generator import DemoScale
from creatives.demo.traffic import CustomerTraffic, TimedEvent, simulate_customer
from creatives.imports.schemas import ImportSummary
from creatives.imports.service import ImportRequest, import_ad_file
from creatives.loading.service import load_csv
from creatives.logging import get_logger
from creatives.pixel import repository as pixel_repository
from creatives.pixel.importer import ImportReport, replay
from creatives.pixel.lifecycle import asyncpg_dsn
from creatives.pixel.privacy import detect_bot
from creatives.pixel.repository import OUTCOME_STORED
from creatives.pixel.validation import (
    EventRejected,
    EventRow,
    RequestContext,
    SiteConfig,
    validate_event,
)

log = get_logger(__name__)

EVENT_SOURCE = "demo"


@dataclass(frozen=True)
class CustomerLoad:
    """Counts of one customer's load: the import, the stored events, the attributed rows."""

    customer_id: str
    import_id: int
    export_rows: int
    spend: str
    events_stored: int
    events_rejected: int
    integrated_rows: int


@contextmanager
def _step(customer_id: str, name: str) -> Iterator[None]:
    """Log how long one step of a customer's load took."""
    started = time.perf_counter()
    yield
    log.info(
        "demo_step",
        customer_id=customer_id,
        step=name,
        seconds=round(time.perf_counter() - started, 2),
    )


def engine_dsn(engine: AsyncEngine) -> str:
    return asyncpg_dsn(engine.url.render_as_string(hide_password=False))


@cache
def _bot_name(user_agent: str) -> str | None:
    return detect_bot(user_agent)


def validate_events(
    events: list[TimedEvent], site: SiteConfig, report: ImportReport
) -> list[EventRow]:
    """Validate each event as the collector does, received at its own time."""
    rows: list[EventRow] = []
    for event in events:
        bot_name = _bot_name(event.user_agent)
        context = RequestContext(
            received_at=event.received_at,
            source=EVENT_SOURCE,
            user_agent=event.user_agent,
            is_bot=bot_name is not None,
            bot_name=bot_name,
        )
        try:
            rows.append(validate_event(event.raw, site, context))
        except EventRejected as error:
            report.outcomes["rejected"] += 1
            report.rejected[error.reason] += 1
    return rows


async def add_demo_customer(conn: AsyncConnection, customer: DemoCustomer) -> None:
    await customer_service.add_customer(
        conn,
        CustomerCreate(
            id=customer.id,
            name=customer.name,
            currency=customer.currency,
            time_zone=customer.time_zone,
        ),
    )


async def _import_export(
    engine: AsyncEngine, traffic: CustomerTraffic, folder: Path
) -> ImportSummary:
    path = write_meta_export(traffic, folder)
    request = ImportRequest(
        customer_id=traffic.customer.id,
        path=path,
        file_name=path.name,
        platform="meta",
    )
    async with engine.begin() as conn:
        return await import_ad_file(conn, request)


async def _pixel_site(dsn: str, customer_id: str) -> SiteConfig:
    conn = await asyncpg.connect(dsn)
    try:
        await pixel_repository.create_site(conn, customer_id)
        site = await pixel_repository.get_site(conn, customer_id)
    finally:
        await conn.close()
    assert site is not None
    return site.config


async def _collect_events(dsn: str, traffic: CustomerTraffic) -> ImportReport:
    """Validate the customer's events, then store them with the collector's batch writer."""
    customer_id = traffic.customer.id
    site = await _pixel_site(dsn, customer_id)
    report = ImportReport(rows=len(traffic.events))
    with _step(customer_id, "validate_pixel_events"):
        rows = validate_events(traffic.events, site, report)
    with _step(customer_id, "store_pixel_events"):
        await replay(rows, lambda: asyncpg.connect(dsn), report)
    return report


async def load_customer(
    engine: AsyncEngine, index: int, customer: DemoCustomer, scale: DemoScale
) -> CustomerLoad:
    """Load one demo customer: export import, pixel events, attribution."""
    started = time.perf_counter()
    with _step(customer.id, "simulate"):
        traffic = simulate_customer(customer, index, scale)
    with _step(customer.id, "add_customer"):
        async with engine.begin() as conn:
            await add_demo_customer(conn, customer)
    with tempfile.TemporaryDirectory(prefix="creatives-demo-") as folder:
        with _step(customer.id, "import_meta_export"):
            summary = await _import_export(engine, traffic, Path(folder))
        with _step(customer.id, "load_creative_table"):
            path = write_creative_table(traffic, Path(folder))
            await load_csv(engine, "dim_combined_creative", path)
    report = await _collect_events(engine_dsn(engine), traffic)
    with _step(customer.id, "integrate"):
        result = await integrate(engine, customer.id)
    loaded = CustomerLoad(
        customer_id=customer.id,
        import_id=summary.import_id,
        export_rows=summary.rows_imported,
        spend=f"{summary.spend_converted:.2f} {summary.customer_currency}",
        events_stored=report.outcomes[OUTCOME_STORED],
        events_rejected=report.outcomes["rejected"],
        integrated_rows=result.rows,
    )
    log.info(
        "demo_customer_done",
        **loaded.__dict__,
        seconds=round(time.perf_counter() - started, 1),
    )
    return loaded
