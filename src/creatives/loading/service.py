"""`creatives load TABLE FILE`: CSV in the original tables' column layout, in one transaction."""

import csv
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import asyncpg
from sqlalchemy import Float, Numeric, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.creatives.grouping import refresh_customer
from creatives.creatives.rollups import refresh_derived
from creatives.errors import ValidationFailedError
from creatives.logging import get_logger
from creatives.tables import ORIGINAL_TABLES, SCHEMA

log = get_logger(__name__)
CHUNK_BYTES = 1 << 20

# A loaded row replaces the stored rows with the same key, so loading a file again, or a
# corrected version of it, changes nothing or corrects the figures instead of adding them.
# The keys are the original tables' grain: an ad's day, and an ad's day per event and
# traffic source.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "dim_combined_creative": ("customer_name", "channel", "ad_id", "date_column"),
    "pixel_event_integrated_data": (
        "customer_name",
        "date_column",
        "ad_id",
        "ev",
        "source",
        "medium",
        "bg_source",
    ),
}


@dataclass(frozen=True)
class LoadResult:
    table: str
    rows: int
    replaced: int
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


async def _non_finite_value(
    conn: AsyncConnection, table: str, header: list[str]
) -> tuple[str, str] | None:
    """Find a NaN or infinite number: PostgreSQL's numeric accepts them, sums do not."""
    numeric = {
        name for name, kind in ORIGINAL_TABLES[table] if kind in (Numeric, Float)
    }
    for column in (name for name in header if name in numeric):
        row = (
            await conn.execute(
                text(
                    f"SELECT {column}::text AS value FROM load_staging "
                    f"WHERE {column} IN ('NaN', 'Infinity', '-Infinity') LIMIT 1"
                )
            )
        ).first()
        if row is not None:
            return column, row.value
    return None


async def _unknown_customers(conn: AsyncConnection) -> list[str]:
    query = text(
        "SELECT DISTINCT s.customer_name FROM load_staging s "
        f"LEFT JOIN {SCHEMA}.customers c ON c.id = s.customer_name "
        "WHERE c.id IS NULL ORDER BY 1"
    )
    return [str(row[0]) for row in await conn.execute(query)]


async def _delete_replaced_rows(conn: AsyncConnection, table: str) -> int:
    """Delete the stored rows whose key matches a row of the file; return how many."""
    key = ROW_KEYS[table]
    # customer_name is never null (unknown customers are rejected before), so `=` lets
    # the planner use the customer index; the other key columns may be empty.
    matches = " AND ".join(
        ["t.customer_name = s.customer_name"]
        + [f"t.{column} IS NOT DISTINCT FROM s.{column}" for column in key[1:]]
    )
    result = await conn.execute(
        text(
            f"DELETE FROM {SCHEMA}.{table} t "
            f"USING (SELECT DISTINCT {', '.join(key)} FROM load_staging) s "
            f"WHERE {matches}"
        )
    )
    return int(result.rowcount)


async def _first_day_per_customer(conn: AsyncConnection) -> dict[str, date | None]:
    """Return each loaded customer with the earliest day of its new rows (None: no day)."""
    query = text(
        "SELECT customer_name, min(date_column) AS first_day FROM load_staging "
        "GROUP BY customer_name"
    )
    return {str(row.customer_name): row.first_day for row in await conn.execute(query)}


async def load_csv(engine: AsyncEngine, table: str, path: Path) -> LoadResult:
    """Load a CSV into one of the original tables and refresh the tables derived from it.

    Rows with the same key as a row of the file are replaced (see ROW_KEYS).
    """
    if table not in ORIGINAL_TABLES:
        raise ValidationFailedError(
            f"Unknown table {table!r}; use one of: {', '.join(ORIGINAL_TABLES)}."
        )
    header = read_header(path)
    check_header(path, table, header)
    log.info("load_started", table=table, file=path.name)
    async with engine.begin() as conn:
        rows = await _copy_into_staging(conn, path, table, header)
        non_finite = await _non_finite_value(conn, table, header)
        if non_finite is not None:
            column, value = non_finite
            raise ValidationFailedError(
                f"{path}: column {column} has the value {value}; numbers must be finite. "
                "Fix the file and load it again; nothing was written."
            )
        unknown = await _unknown_customers(conn)
        if unknown:
            raise ValidationFailedError(
                f"{path}: customer_name value(s) {', '.join(map(repr, unknown))} are not "
                "customers. Add them first with `creatives customers add`."
            )
        replaced = await _delete_replaced_rows(conn, table)
        await conn.execute(
            text(f"INSERT INTO {SCHEMA}.{table} SELECT * FROM load_staging")
        )
        first_days = await _first_day_per_customer(conn)
        customers = sorted(first_days)
        for customer in customers:
            # Fact rows without a day count in no metric, so they need no refresh.
            first_day = first_days[customer]
            if table == "pixel_event_integrated_data" and first_day is not None:
                await refresh_derived(conn, customer, first_day)
            await refresh_customer(conn, customer)
    log.info(
        "load_finished",
        table=table,
        rows=rows,
        replaced=replaced,
        customers=customers,
    )
    return LoadResult(
        table=table, rows=rows, replaced=replaced, customers=sorted(customers)
    )
