"""SQL for the creative metrics, read from the derived tables of `rollups`.

Sums are taken per ad before any mapping to creatives, so no ad is counted twice.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.creatives.metrics import ATTRIBUTION_COLUMNS, Attribution, Sums
from creatives.creatives.rollups import valued_rows_column

ZERO = Decimal(0)
METRIC_NAMES = ("spend", "clicks", "impressions", "sessions", "conversions", "revenue")


def _outer_sums_sql() -> str:
    return ", ".join(f"sum(s.{name}) AS {name}" for name in METRIC_NAMES)


# The fallback id repeats creative_id_for_ad() for ads the grouping has not seen yet.
_CREATIVE_ID = "coalesce(ac.creative_id, 'a_' || left(md5(coalesce(s.ad_id, '')), 16))"

# The days to look up for a range, clamped to the event's data: the running totals of the
# day before the range are subtracted from those of its last day. No row when the range
# misses the event's data entirely.
_BOUNDS_SQL = """
    bounds AS (
        SELECT least(CAST(:start_date AS date) - 1, last_day) AS before_day,
               least(CAST(:end_date AS date), last_day) AS end_day
        FROM creatives.event_day_range
        WHERE customer_name = :customer AND ev = :event
          AND first_day <= :end_date AND last_day >= :start_date
    )
"""


def _difference_sql(attribution: Attribution, end: str, before: str) -> str:
    """Select the six metric sums as running totals of `end` minus those of `before`.

    Revenue is NULL when no fact row of the range carried a value.
    """
    conversions, revenue = ATTRIBUTION_COLUMNS[attribution]
    sources = {
        "spend": "spend",
        "clicks": "clicks",
        "impressions": "impressions",
        "sessions": "sessions",
        "conversions": conversions,
    }
    differences = [
        f"{end}.{column} - coalesce({before}.{column}, 0) AS {name}"
        for name, column in sources.items()
    ]
    count = valued_rows_column(revenue)
    differences.append(
        f"CASE WHEN {end}.{count} > coalesce({before}.{count}, 0) "
        f"THEN {end}.{revenue} - coalesce({before}.{revenue}, 0) END AS revenue"
    )
    return ", ".join(differences)


def _metrics_sql(attribution: Attribution) -> str:
    # Each day's rows are one index range scan (the PK leads with customer, event and day),
    # so the cost depends on the number of ads, not on the length of the range. MATERIALIZED
    # keeps each a single scan, joined by hash on ad_id; inlined, the planner probed the
    # index once per ad.
    return f"""
    WITH {_BOUNDS_SQL},
    end_totals AS MATERIALIZED (
        SELECT c.* FROM bounds
        JOIN creatives.ad_event_cumulative c
          ON c.customer_name = :customer AND c.ev = :event
         AND c.date_column = bounds.end_day
    ),
    before_totals AS MATERIALIZED (
        SELECT c.* FROM bounds
        JOIN creatives.ad_event_cumulative c
          ON c.customer_name = :customer AND c.ev = :event
         AND c.date_column = bounds.before_day
    ),
    ad_sums AS (
        SELECT e.ad_id, {_difference_sql(attribution, "e", "b")}
        FROM end_totals e
        LEFT JOIN before_totals b ON b.ad_id = e.ad_id
        WHERE e.fact_rows > coalesce(b.fact_rows, 0)
    ),
    creative_sums AS (
        SELECT {_CREATIVE_ID} AS creative_id,
               array_agg(s.ad_id ORDER BY s.ad_id COLLATE "default") AS ad_ids,
               {_outer_sums_sql()}
        FROM ad_sums s
        LEFT JOIN creatives.ad_creative ac
          ON ac.customer_name = :customer AND ac.ad_id = s.ad_id
        GROUP BY 1
    )
    SELECT s.*, c.ad_copy, c.ad_copies
    FROM creative_sums s
    LEFT JOIN creatives.creative c
      ON c.customer_name = :customer AND c.creative_id = s.creative_id
    """


def _daily_sql(attribution: Attribution, creative_filter: str) -> str:
    conversions, revenue = ATTRIBUTION_COLUMNS[attribution]
    sources = {
        "fact_rows": "fact_rows",
        "spend": "spend",
        "clicks": "clicks",
        "impressions": "impressions",
        "sessions": "sessions",
        "conversions": conversions,
        "revenue": revenue,
        "revenue_rows": valued_rows_column(revenue),
    }
    totals = ", ".join(f"sum(s.{column}) AS {name}" for name, column in sources.items())
    changes = ", ".join(
        f"{name} - lag({name}, 1, 0) OVER by_day AS {name}" for name in sources
    )
    # Every ad has a row on every day from its first fact on, so the totals over the ads
    # are defined on consecutive days and one day's sums are the change from the day before.
    # Days without any fact (fact_rows unchanged) are left out, as when summing the facts,
    # and a day whose facts carried no revenue value has a NULL revenue.
    return f"""
    WITH {_BOUNDS_SQL},
    day_totals AS (
        SELECT s.date_column AS day, {totals}
        FROM bounds
        JOIN creatives.ad_event_cumulative s
          ON s.customer_name = :customer AND s.ev = :event
         AND s.date_column BETWEEN bounds.before_day AND bounds.end_day
        LEFT JOIN creatives.ad_creative ac
          ON ac.customer_name = :customer AND ac.ad_id = s.ad_id
        WHERE TRUE {creative_filter}
        GROUP BY s.date_column
    ),
    day_sums AS (
        SELECT day, {changes}
        FROM day_totals
        WINDOW by_day AS (ORDER BY day)
    )
    SELECT day, spend, clicks, impressions, sessions, conversions,
           CASE WHEN revenue_rows > 0 THEN revenue END AS revenue
    FROM day_sums
    WHERE day >= :start_date AND fact_rows > 0
    ORDER BY day
    """


@dataclass(frozen=True)
class CreativeSums:
    creative_id: str
    ad_copy: str | None
    ad_copies: list[str]
    ad_ids: list[str]
    sums: Sums


def sums_from_row(mapping: Any) -> Sums:
    """Read the six sums of a result row.

    A NULL count or spend is zero. A NULL revenue stays None, because it means that no
    row carried a value.
    """
    return Sums(
        spend=mapping["spend"] or ZERO,
        clicks=mapping["clicks"] or ZERO,
        impressions=mapping["impressions"] or ZERO,
        sessions=mapping["sessions"] or ZERO,
        conversions=mapping["conversions"] or ZERO,
        revenue=mapping["revenue"],
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
    query = text(_daily_sql(attribution, creative_filter))
    if creative_ids:
        query = query.bindparams(bindparam("creative_ids", expanding=True))
    result = await conn.execute(query, params)
    return [(row.day, sums_from_row(row._mapping)) for row in result]


async def event_ranges(
    conn: AsyncConnection, customer: str
) -> list[tuple[str, date, date]]:
    """Return each event name of the customer with its first and last day."""
    # The stored collation of `ev` is "C"; sort as the database's default did before.
    query = text(
        """
        SELECT ev, first_day, last_day
        FROM creatives.event_day_range
        WHERE customer_name = :customer
        ORDER BY ev COLLATE "default"
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
