"""SQL for the creative metrics. Facts are summed per ad before any mapping to creatives."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.creatives.metrics import ATTRIBUTION_COLUMNS, Attribution, Sums

ZERO = Decimal(0)


def _sums_sql(attribution: Attribution) -> str:
    conversions, revenue = ATTRIBUTION_COLUMNS[attribution]
    return (
        "sum(spend) AS spend, sum(clicks) AS clicks, sum(impressions) AS impressions, "
        f"sum(sessions) AS sessions, sum({conversions}) AS conversions, "
        f"sum({revenue}) AS revenue"
    )


def _outer_sums_sql() -> str:
    return ", ".join(
        f"sum(s.{name}) AS {name}"
        for name in (
            "spend",
            "clicks",
            "impressions",
            "sessions",
            "conversions",
            "revenue",
        )
    )


# The fallback id repeats creative_id_for_ad() for ads the grouping has not seen yet.
_CREATIVE_ID = "coalesce(ac.creative_id, 'a_' || left(md5(coalesce(s.ad_id, '')), 16))"


def _metrics_sql(attribution: Attribution) -> str:
    return f"""
    WITH ad_sums AS (
        SELECT ad_id, {_sums_sql(attribution)}
        FROM creatives.pixel_event_integrated_data
        WHERE customer_name = :customer AND ev = :event
          AND date_column BETWEEN :start_date AND :end_date
        GROUP BY ad_id
    )
    SELECT {_CREATIVE_ID} AS creative_id,
           min(c.ad_copy) AS ad_copy,
           (array_agg(c.ad_copies))[1] AS ad_copies,
           array_agg(coalesce(s.ad_id, '') ORDER BY s.ad_id) AS ad_ids,
           {_outer_sums_sql()}
    FROM ad_sums s
    LEFT JOIN creatives.ad_creative ac
      ON ac.customer_name = :customer AND ac.ad_id = s.ad_id
    LEFT JOIN creatives.creative c
      ON c.customer_name = :customer AND c.creative_id = ac.creative_id
    GROUP BY 1
    """


@dataclass(frozen=True)
class CreativeSums:
    creative_id: str
    ad_copy: str | None
    ad_copies: list[str]
    ad_ids: list[str]
    sums: Sums


def sums_from_row(mapping: Any) -> Sums:
    """Read the six sums of a result row; a sum over no rows (NULL) is zero."""
    return Sums(
        spend=mapping["spend"] or ZERO,
        clicks=mapping["clicks"] or ZERO,
        impressions=mapping["impressions"] or ZERO,
        sessions=mapping["sessions"] or ZERO,
        conversions=mapping["conversions"] or ZERO,
        revenue=mapping["revenue"] or ZERO,
    )


async def creative_sums(
    conn: AsyncConnection,
    customer: str,
    event: str,
    start_date: date,
    end_date: date,
    attribution: Attribution,
) -> list[CreativeSums]:
    params = {
        "customer": customer,
        "event": event,
        "start_date": start_date,
        "end_date": end_date,
    }
    result = await conn.execute(text(_metrics_sql(attribution)), params)
    return [
        CreativeSums(
            creative_id=row.creative_id,
            ad_copy=row.ad_copy,
            ad_copies=list(row.ad_copies or []),
            ad_ids=list(row.ad_ids),
            sums=sums_from_row(row._mapping),
        )
        for row in result
    ]


async def daily_sums(
    conn: AsyncConnection,
    customer: str,
    event: str,
    start_date: date,
    end_date: date,
    attribution: Attribution,
    creative_ids: list[str],
) -> list[tuple[date, Sums]]:
    """Sum the facts per day, for all ads or only the ads of `creative_ids`."""
    creative_filter = ""
    params: dict[str, Any] = {
        "customer": customer,
        "event": event,
        "start_date": start_date,
        "end_date": end_date,
    }
    if creative_ids:
        creative_filter = f"AND {_CREATIVE_ID} IN :creative_ids"
        params["creative_ids"] = creative_ids
    query = text(
        f"""
        SELECT s.date_column AS day, {_outer_sums_sql()}
        FROM (
            SELECT ad_id, date_column, {_sums_sql(attribution)}
            FROM creatives.pixel_event_integrated_data
            WHERE customer_name = :customer AND ev = :event
              AND date_column BETWEEN :start_date AND :end_date
            GROUP BY ad_id, date_column
        ) s
        LEFT JOIN creatives.ad_creative ac
          ON ac.customer_name = :customer AND ac.ad_id = s.ad_id
        WHERE TRUE {creative_filter}
        GROUP BY s.date_column
        ORDER BY s.date_column
        """
    )
    if creative_ids:
        query = query.bindparams(bindparam("creative_ids", expanding=True))
    result = await conn.execute(query, params)
    return [(row.day, sums_from_row(row._mapping)) for row in result]


async def event_ranges(
    conn: AsyncConnection, customer: str
) -> list[tuple[str, date, date]]:
    """Return each event name of the customer with its first and last day."""
    query = text(
        """
        SELECT ev, min(date_column) AS first_day, max(date_column) AS last_day
        FROM creatives.pixel_event_integrated_data
        WHERE customer_name = :customer AND ev IS NOT NULL AND date_column IS NOT NULL
        GROUP BY ev
        ORDER BY ev
        """
    )
    result = await conn.execute(query, {"customer": customer})
    return [(row.ev, row.first_day, row.last_day) for row in result]


async def creative_exists(
    conn: AsyncConnection, customer: str, creative_id: str
) -> bool:
    query = text(
        "SELECT 1 FROM creatives.creative WHERE customer_name = :customer "
        "AND creative_id = :creative_id"
    )
    params = {"customer": customer, "creative_id": creative_id}
    return (await conn.execute(query, params)).first() is not None
