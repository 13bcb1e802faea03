"""SQL of the imports: staging with COPY, checks, the merge, and exchange rates."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.imports.rates import Rate
from creatives.imports.rows import AdRow

STAGING_COLUMNS = (
    "line",
    "ad_key",
    "ad_id",
    "campaign_id",
    "campaign_name",
    "ad_set_id",
    "ad_set_name",
    "ad_name",
    "ad_copy",
    "period_start",
    "period_end",
    "currency",
    "spend",
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "conversion_value",
)

# A rate published up to this many days before the spend date still applies, so that
# weekends and bank holidays (days without a published rate) use the last rate before.
RATE_LOOKBACK_DAYS = 6


def staging_record(row: AdRow) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in STAGING_COLUMNS)


async def _driver(conn: AsyncConnection) -> asyncpg.Connection:
    raw = await conn.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    return driver


async def create_staging(conn: AsyncConnection) -> None:
    await conn.execute(
        text(
            """
            CREATE TEMPORARY TABLE import_staging (
                line integer NOT NULL, ad_key text NOT NULL, ad_id text,
                campaign_id text, campaign_name text, ad_set_id text, ad_set_name text,
                ad_name text, ad_copy text, period_start date NOT NULL,
                period_end date NOT NULL, currency text NOT NULL, spend numeric,
                impressions bigint, reach bigint, clicks bigint, conversions numeric,
                conversion_value numeric
            ) ON COMMIT DROP
            """
        )
    )


async def copy_rows(
    conn: AsyncConnection, records: Sequence[tuple[object, ...]]
) -> None:
    """Append a batch of rows to the staging table with COPY."""
    driver = await _driver(conn)
    await driver.copy_records_to_table(
        "import_staging", records=records, columns=list(STAGING_COLUMNS)
    )


@dataclass(frozen=True)
class StagedConflict:
    line: int
    ad_key: str
    message: str


async def currency_conflict(conn: AsyncConnection) -> StagedConflict | None:
    """Find an ad and period that the file reports in two currencies."""
    row = (
        await conn.execute(
            text(
                """
                SELECT min(line) AS line, ad_key,
                       string_agg(DISTINCT currency, ', ') AS currencies
                FROM import_staging
                GROUP BY ad_key, period_start, period_end
                HAVING count(DISTINCT currency) > 1
                ORDER BY 1 LIMIT 1
                """
            )
        )
    ).first()
    if row is None:
        return None
    message = f"the same ad and period appear in several currencies ({row.currencies})"
    return StagedConflict(row.line, row.ad_key, message)


async def overlap_in_file(conn: AsyncConnection) -> StagedConflict | None:
    """Find an ad with two different periods that overlap, which would count twice."""
    row = (
        await conn.execute(
            text(
                """
                SELECT line, ad_key, period_start, period_end, previous_end
                FROM (
                    SELECT line, ad_key, period_start, period_end,
                           max(period_end) OVER (
                               PARTITION BY ad_key ORDER BY period_start, period_end
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                           ) AS previous_end
                    FROM (
                        SELECT ad_key, period_start, period_end, min(line) AS line
                        FROM import_staging
                        GROUP BY ad_key, period_start, period_end
                    ) periods
                ) ordered
                WHERE previous_end >= period_start
                ORDER BY line LIMIT 1
                """
            )
        )
    ).first()
    if row is None:
        return None
    message = (
        f"the period {row.period_start} to {row.period_end} overlaps another row of "
        "the same ad with a different period, so its figures would count twice; "
        "export one granularity (daily or one period) per file"
    )
    return StagedConflict(row.line, row.ad_key, message)


async def overlap_with_stored(
    conn: AsyncConnection, customer_id: str, channel: str
) -> StagedConflict | None:
    """Find a row whose period overlaps a stored, different period of the same ad."""
    row = (
        await conn.execute(
            text(
                """
                SELECT s.line, s.ad_key, p.period_start, p.period_end, p.import_id
                FROM import_staging s
                JOIN creatives.ad_performance p
                  ON p.customer_id = :customer AND p.channel = :channel
                 AND p.ad_key = s.ad_key
                 AND p.period_start <= s.period_end AND s.period_start <= p.period_end
                 AND NOT (p.period_start = s.period_start AND p.period_end = s.period_end)
                ORDER BY s.line LIMIT 1
                """
            ),
            {"customer": customer_id, "channel": channel},
        )
    ).first()
    if row is None:
        return None
    message = (
        f"overlaps the stored period {row.period_start} to {row.period_end} of the "
        f"same ad from import {row.import_id}, so its figures would count twice; "
        f"delete that import first (creatives import delete {row.import_id})"
    )
    return StagedConflict(row.line, row.ad_key, message)


async def build_rates(conn: AsyncConnection, target_currency: str) -> None:
    """Pick one rate per currency and period end: the latest within the lookback."""
    await conn.execute(
        text(
            f"""
            CREATE TEMPORARY TABLE import_rates ON COMMIT DROP AS
            SELECT needed.currency, needed.day, chosen.rate, chosen.inverse
            FROM (SELECT DISTINCT currency, period_end AS day FROM import_staging) needed
            LEFT JOIN LATERAL (
                SELECT 1::numeric AS rate, false AS inverse, 0 AS priority
                WHERE needed.currency = :target
                UNION ALL
                (SELECT r.rate, r.base_currency = :target, 1
                 FROM creatives.exchange_rates r
                 WHERE r.rate_date BETWEEN needed.day - {RATE_LOOKBACK_DAYS} AND needed.day
                   AND ((r.base_currency = needed.currency AND r.quote_currency = :target)
                     OR (r.base_currency = :target AND r.quote_currency = needed.currency))
                 ORDER BY r.rate_date DESC, r.base_currency = needed.currency DESC
                 LIMIT 1)
                ORDER BY priority LIMIT 1
            ) chosen ON true
            """
        ),
        {"target": target_currency},
    )


@dataclass(frozen=True)
class MissingRate:
    currency: str
    day: date
    line: int


async def first_missing_rate(conn: AsyncConnection) -> MissingRate | None:
    row = (
        await conn.execute(
            text(
                """
                SELECT r.currency, r.day, min(s.line) AS line
                FROM import_rates r
                JOIN import_staging s ON s.currency = r.currency AND s.period_end = r.day
                WHERE r.rate IS NULL
                GROUP BY r.currency, r.day
                ORDER BY r.day LIMIT 1
                """
            )
        )
    ).first()
    return None if row is None else MissingRate(row.currency, row.day, row.line)


async def find_import(
    conn: AsyncConnection, customer_id: str, channel: str, file_sha256: str
) -> Any | None:
    return (
        await conn.execute(
            text(
                """
                SELECT * FROM creatives.ad_imports
                WHERE customer_id = :customer AND channel = :channel
                  AND file_sha256 = :sha
                """
            ),
            {"customer": customer_id, "channel": channel, "sha": file_sha256},
        )
    ).first()


async def insert_import(conn: AsyncConnection, values: dict[str, Any]) -> int:
    params = dict(values)
    for key in ("skipped_reasons", "totals"):
        params[key] = json.dumps(params[key], default=str)
    columns = ", ".join(params)
    placeholders = ", ".join(
        f"CAST(:{key} AS jsonb)" if key in ("skipped_reasons", "totals") else f":{key}"
        for key in params
    )
    result = await conn.execute(
        text(
            f"INSERT INTO creatives.ad_imports ({columns}) VALUES ({placeholders}) "
            "RETURNING id"
        ),
        params,
    )
    return int(result.scalar_one())


async def update_import(
    conn: AsyncConnection, import_id: int, values: dict[str, Any]
) -> None:
    params = dict(values)
    params["totals"] = json.dumps(params["totals"], default=str)
    assignments = ", ".join(
        f"{key} = CAST(:{key} AS jsonb)" if key == "totals" else f"{key} = :{key}"
        for key in values
    )
    params["id"] = import_id
    await conn.execute(
        text(f"UPDATE creatives.ad_imports SET {assignments} WHERE id = :id"), params
    )


_FIRST = "(array_agg({0} ORDER BY line) FILTER (WHERE {0} IS NOT NULL))[1] AS {0}"
_TEXT_COLUMNS = (
    "ad_id",
    "campaign_id",
    "campaign_name",
    "ad_set_id",
    "ad_set_name",
    "ad_name",
    "ad_copy",
)
_SUMMED = ("spend", "impressions", "reach", "clicks", "conversions", "conversion_value")
_UPDATED = (
    *_TEXT_COLUMNS,
    "currency",
    "spend",
    "customer_currency",
    "exchange_rate",
    "spend_converted",
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "conversion_value",
    "conversion_value_converted",
    "import_id",
    "source_line",
    "source_rows",
)


def _converted(column: str) -> str:
    return (
        f"CASE WHEN r.inverse THEN round(g.{column} / r.rate, 6) "
        f"ELSE round(g.{column} * r.rate, 6) END"
    )


async def merge_rows(
    conn: AsyncConnection,
    import_id: int,
    customer_id: str,
    channel: str,
    target_currency: str,
) -> int:
    """Sum the staged rows per ad and period, convert them and upsert them.

    Rows of the same ad and period (an export broken down by age, placement, ...) are
    summed. A stored row of the same customer, channel, ad and period is replaced.
    """
    first_values = ",\n".join(_FIRST.format(column) for column in _TEXT_COLUMNS)
    sums = ", ".join(f"sum({column}) AS {column}" for column in _SUMMED)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in _UPDATED)
    query = f"""
        INSERT INTO creatives.ad_performance (
            customer_id, channel, ad_key, period_start, period_end,
            {", ".join(_TEXT_COLUMNS)}, currency, spend, customer_currency,
            exchange_rate, spend_converted, impressions, reach, clicks, conversions,
            conversion_value, conversion_value_converted, import_id, source_line,
            source_rows
        )
        SELECT :customer, :channel, g.ad_key, g.period_start, g.period_end,
               {", ".join(f"g.{column}" for column in _TEXT_COLUMNS)}, g.currency,
               g.spend, :target,
               CASE WHEN r.inverse THEN 1 / r.rate ELSE r.rate END,
               {_converted("spend")}, g.impressions, g.reach, g.clicks, g.conversions,
               g.conversion_value, {_converted("conversion_value")}, :import_id,
               g.line, g.source_rows
        FROM (
            SELECT ad_key, period_start, period_end, min(currency) AS currency,
                   {first_values}, {sums}, min(line) AS line, count(*) AS source_rows
            FROM import_staging
            GROUP BY ad_key, period_start, period_end
        ) g
        JOIN import_rates r ON r.currency = g.currency AND r.day = g.period_end
        ON CONFLICT (customer_id, channel, ad_key, period_start, period_end)
        DO UPDATE SET {updates}
    """
    params = {
        "customer": customer_id,
        "channel": channel,
        "target": target_currency,
        "import_id": import_id,
    }
    result = await conn.execute(text(query), params)
    return int(result.rowcount)


async def converted_totals(
    conn: AsyncConnection, import_id: int
) -> tuple[Decimal, Decimal]:
    row = (
        await conn.execute(
            text(
                """
                SELECT coalesce(sum(spend_converted), 0) AS spend,
                       coalesce(sum(conversion_value_converted), 0) AS value
                FROM creatives.ad_performance WHERE import_id = :id
                """
            ),
            {"id": import_id},
        )
    ).one()
    return Decimal(row.spend), Decimal(row.value)


async def upsert_rates(conn: AsyncConnection, rates: Sequence[Rate]) -> None:
    await conn.execute(
        text(
            """
            INSERT INTO creatives.exchange_rates (rate_date, base_currency, quote_currency, rate)
            VALUES (:day, :base, :quote, :rate)
            ON CONFLICT (rate_date, base_currency, quote_currency)
            DO UPDATE SET rate = EXCLUDED.rate
            """
        ),
        [
            {"day": r.day, "base": r.base, "quote": r.quote, "rate": r.rate}
            for r in rates
        ],
    )


async def list_imports(conn: AsyncConnection, customer_id: str) -> list[Any]:
    result = await conn.execute(
        text(
            """
            SELECT id, channel, platform, file_name, rows_imported, period_start,
                   period_end, created_at
            FROM creatives.ad_imports WHERE customer_id = :customer ORDER BY id
            """
        ),
        {"customer": customer_id},
    )
    return list(result)


async def delete_import(conn: AsyncConnection, import_id: int) -> Any | None:
    """Delete an import and its remaining rows; return its customer and period."""
    row = (
        await conn.execute(
            text(
                """
                SELECT i.customer_id, min(p.period_start) AS first_day,
                       max(p.period_end) AS last_day
                FROM creatives.ad_imports i
                LEFT JOIN creatives.ad_performance p ON p.import_id = i.id
                WHERE i.id = :id
                GROUP BY i.customer_id
                """
            ),
            {"id": import_id},
        )
    ).first()
    if row is None:
        return None
    await conn.execute(
        text("DELETE FROM creatives.ad_imports WHERE id = :id"), {"id": import_id}
    )
    return row
