"""`creatives load TABLE FILE`: CSV in the original tables' column layout, in one transaction."""

import csv
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.creatives.grouping import refresh_customer
from creatives.errors import ValidationFailedError
from creatives.logging import get_logger
from creatives.tables import ORIGINAL_TABLES, SCHEMA

log = get_logger(__name__)
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class LoadResult:
    table: str
    rows: int
    customers: list[str]


def read_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise ValidationFailedError(
            f"{path}: the file is empty; expected a CSV header line."
        )
    return [name.strip() for name in header]


def check_header(path: Path, table: str, header: list[str]) -> None:
    known = [name for name, _ in ORIGINAL_TABLES[table]]
    unknown = [name for name in header if name not in known]
    if unknown:
        raise ValidationFailedError(
            f"{path}: column(s) {', '.join(map(repr, unknown))} are not in {table}. "
            f"Expected a header made of: {', '.join(known)}."
        )
    if "customer_name" not in header:
        raise ValidationFailedError(f"{path}: the header has no customer_name column.")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise ValidationFailedError(
            f"{path}: column(s) {', '.join(duplicates)} appear twice."
        )


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        first = handle.read(CHUNK_BYTES)
        yield first.removeprefix(b"\xef\xbb\xbf")
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


async def _copy_into_staging(
    conn: AsyncConnection, path: Path, table: str, header: list[str]
) -> int:
    await conn.execute(
        text(
            f"CREATE TEMPORARY TABLE load_staging (LIKE {SCHEMA}.{table}) ON COMMIT DROP"
        )
    )
    raw = await conn.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    try:
        status = await driver.copy_to_table(
            "load_staging",
            source=_chunks(path),
            columns=header,
            format="csv",
            header=True,
        )
    except asyncpg.PostgresError as error:
        # PostgreSQL's context names the line and column, e.g. "COPY load_staging, line 3, ...".
        where = str(getattr(error, "context", "") or "").replace(
            "load_staging", path.name
        )
        raise ValidationFailedError(
            f"{path}: {error.args[0] if error.args else error}. {where}. Fix the file and load "
            "it again; nothing was written."
        ) from error
    return int(status.split()[-1])


async def _unknown_customers(conn: AsyncConnection) -> list[str]:
    query = text(
        "SELECT DISTINCT s.customer_name FROM load_staging s "
        f"LEFT JOIN {SCHEMA}.customers c ON c.id = s.customer_name "
        "WHERE c.id IS NULL ORDER BY 1"
    )
    return [str(row[0]) for row in await conn.execute(query)]


async def load_csv(engine: AsyncEngine, table: str, path: Path) -> LoadResult:
    """Append a CSV to one of the original tables and refresh the creative grouping."""
    if table not in ORIGINAL_TABLES:
        raise ValidationFailedError(
            f"Unknown table {table!r}; use one of: {', '.join(ORIGINAL_TABLES)}."
        )
    header = read_header(path)
    check_header(path, table, header)
    log.info("load_started", table=table, file=path.name)
    async with engine.begin() as conn:
        rows = await _copy_into_staging(conn, path, table, header)
        unknown = await _unknown_customers(conn)
        if unknown:
            raise ValidationFailedError(
                f"{path}: customer_name value(s) {', '.join(map(repr, unknown))} are not "
                "customers. Add them first with `creatives customers add`."
            )
        await conn.execute(
            text(f"INSERT INTO {SCHEMA}.{table} SELECT * FROM load_staging")
        )
        customers = [
            str(row[0])
            for row in await conn.execute(
                text("SELECT DISTINCT customer_name FROM load_staging")
            )
        ]
        for customer in customers:
            await refresh_customer(conn, customer)
    log.info("load_finished", table=table, rows=rows, customers=customers)
    return LoadResult(table=table, rows=rows, customers=sorted(customers))
