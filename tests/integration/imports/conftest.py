"""Fixtures for import tests: a customer, and exchange rates emptied after each test."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creatives.imports.rows import ParseOptions
from creatives.imports.schemas import ImportSummary
from creatives.imports.service import ImportRequest, import_ad_file
from tests import factories

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


@pytest.fixture
async def imports_db(db: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The emptied test database; exchange rates have no customer, so empty them too."""
    yield db
    async with db.begin() as conn:
        await conn.execute(text("TRUNCATE creatives.exchange_rates"))


async def add_customer(engine: AsyncEngine, customer_id: str, currency: str) -> str:
    async with engine.begin() as conn:
        return await factories.customer(conn, customer_id, currency=currency)


async def run_import(
    engine: AsyncEngine,
    customer_id: str,
    path: Path,
    platform: str,
    mapping: str | None = None,
    channel: str | None = None,
    **options: object,
) -> ImportSummary:
    request = ImportRequest(
        customer_id,
        path,
        path.name,
        platform,
        ParseOptions(**options),  # type: ignore[arg-type]
        mapping,
        channel,
    )
    async with engine.begin() as conn:
        return await import_ad_file(conn, request)


async def scalar(engine: AsyncEngine, sql: str, **params: object) -> object:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()
