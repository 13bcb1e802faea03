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


def _sums_sql(source: str) -> str:
    """Select the sums of the metrics over the group.

    A group without rows sums to 0; revenue stays NULL when rows exist but none of them
    carried a value, as SQL's sum() returns.
    """
    sums = []
    for name in METRIC_NAMES:
        total = f"sum({source}{name})"
        if name == "revenue":
            total = f"CASE WHEN count(*) > 0 THEN {total} ELSE 0 END"
        sums.append(f"{total} AS {name}")
    return ", ".join(sums)


# The fallback id repeats creative_id_for_ad() for ads the grouping has not seen yet.
_CREATIVE_ID = "coalesce(ac.creative_id, 'a_' || left(md5(coalesce(s.ad_id, '')), 16))"


def _bounds_sql(name: str, event: str) -> str:
    """Select, as CTE `name`, the days to look up for the range of the event `event`.

    The range is clamped to the event's data: the running totals of the day before the
    range are subtracted from those of its last day. No row when the range misses the
    event's data entirely.
    """
    return f"""
    {name} AS (
        SELECT least(CAST(:start_date AS date) - 1, last_day) AS before_day,
               least(CAST(:end_date AS date), last_day) AS end_day
        FROM creatives.event_day_range
        WHERE customer_name = :customer AND ev = {event}
          AND first_day <= :end_date AND last_day >= :start_date
    )
"""


_BOUNDS_SQL = _bounds_sql("bounds", ":event")


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


# Sort keys of the page query. Ratios sort by the rounded value the row shows, with the
# places of `metrics.compute_ratios`. A missing value (no revenue value, no platform
# figures, a zero denominator) is NULL and goes last, and so does a creative without copy.
# Copy sorts case-insensitively by code point.
SORT_KEYS = {
    "ad_copy": 'lower(f.ad_copy COLLATE "default") COLLATE "C"',
    **{name: f"f.{name}" for name in METRIC_NAMES},
    "roas": "round(f.revenue / nullif(f.spend, 0), 4)",
    "platform_roas": "round(f.platform_revenue / nullif(f.platform_spend, 0), 4)",
    "ctr": "round(f.clicks / nullif(f.impressions, 0), 6)",
    "cpc": "round(f.spend / nullif(f.clicks, 0), 4)",
    "cpm": "round(f.spend * 1000 / nullif(f.impressions, 0), 4)",
    "cpa": "round(f.spend / nullif(f.conversions, 0), 4)",
    "conversion_rate": "round(f.conversions / nullif(f.sessions, 0), 6)",
}


def _order_sql(sort_field: str, descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return (
        f"{SORT_KEYS[sort_field]} {direction} NULLS LAST, "
        f'f.creative_id COLLATE "C" {direction}'
    )


# The search looks in the copy and the ad ids, joined with spaces in the order they show.
# NOTE: lower() folds case by the database's locale, which leaves a few letters that
# Python's casefold() changes (such as ß) as they are.
_SEARCH_TEXT_SQL = """,
        string_agg(s.ad_id, ' ' ORDER BY s.ad_id COLLATE "default") AS ad_id_text"""
# The stored copy is NFC with collapsed whitespace within each carousel card, and the
# cards are joined by a blank line, which is collapsed here so a search can span two cards.
_SEARCH_FILTER_SQL = r"""
        WHERE strpos(
            lower(concat_ws(' ', regexp_replace(coalesce(c.ad_copy, ''), '\s+', ' ', 'g'),
                            t.ad_id_text) COLLATE "default"),
            lower(CAST(:search AS text) COLLATE "default")
        ) > 0"""


def _ad_sums_sql(attribution: Attribution, bounds: str, event: str) -> str:
    """Select each ad's sums over the range, with its creative id, for one event."""
    return f"""
        SELECT s.ad_id, {_CREATIVE_ID} AS creative_id,
               {_difference_sql(attribution, "s", "b")}
        FROM creatives.ad_event_cumulative s
        LEFT JOIN creatives.ad_event_cumulative b
          ON b.customer_name = :customer AND b.ev = {event}
         AND b.date_column = (SELECT before_day FROM {bounds}) AND b.ad_id = s.ad_id
        LEFT JOIN creatives.ad_creative ac
          ON ac.customer_name = :customer AND ac.ad_id = s.ad_id
        WHERE s.customer_name = :customer AND s.ev = {event}
          AND s.date_column = (SELECT end_day FROM {bounds})
          AND s.fact_rows > coalesce(b.fact_rows, 0)
    """


def _platform_ctes_sql(attribution: Attribution) -> str:
    """Select the platform's spend and value per creative over the same days.

    They are read from the running totals of the platform event; a creative the platform
    has no rows for in the range has none.
    """
    platform_ads = _ad_sums_sql(attribution, "platform_bounds", ":platform_event")
    return f"""
    {_bounds_sql("platform_bounds", ":platform_event")},
    platform_creatives AS (
        SELECT a.creative_id, sum(a.spend) AS platform_spend,
               sum(a.revenue) AS platform_revenue
        FROM ({platform_ads}) a
        GROUP BY a.creative_id
    ),"""


_PLATFORM_JOIN = """
        LEFT JOIN platform_creatives p ON p.creative_id = t.creative_id"""
_PLATFORM_COLUMNS = "p.platform_spend, p.platform_revenue"
_NO_PLATFORM_COLUMNS = (
    "CAST(NULL AS numeric) AS platform_spend, CAST(NULL AS numeric) AS platform_revenue"
)


def _page_sql(
    attribution: Attribution, order: str, search: bool, platform: bool
) -> str:
    # Each day's rows are one index range scan (the PK leads with customer, event and day),
    # so the cost depends on the number of ads, not on the length of the range. The days
    # are scalar subqueries, so both scans return their rows in ad_id order and are merged
    # without a sort or a probe per ad. Grouping, totals, order and page are all taken here,
    # so only the requested rows leave the database: the first row has the totals over
    # every creative that matches, the others are the page in order. The platform figures,
    # when asked for, are two more such scans of the platform event.
    search_text = _SEARCH_TEXT_SQL if search else ""
    search_filter = _SEARCH_FILTER_SQL if search else ""
    platform_ctes = ""
    platform_join = ""
    platform_columns = _NO_PLATFORM_COLUMNS
    if platform:
        platform_ctes = _platform_ctes_sql(attribution)
        platform_join = _PLATFORM_JOIN
        platform_columns = _PLATFORM_COLUMNS
    return f"""
    WITH {_BOUNDS_SQL},{platform_ctes}
    ad_creatives AS MATERIALIZED (
        {_ad_sums_sql(attribution, "bounds", ":event")}
    ),
    creative_totals AS (
        SELECT s.creative_id, {_sums_sql("s.")}{search_text}
        FROM ad_creatives s
        GROUP BY s.creative_id
    ),
    filtered AS MATERIALIZED (
        SELECT t.*, c.ad_copy, {platform_columns}
        FROM creative_totals t
        LEFT JOIN creatives.creative c
          ON c.customer_name = :customer AND c.creative_id = t.creative_id{platform_join}
        {search_filter}
    ),
    page AS MATERIALIZED (
        SELECT f.*, row_number() OVER (ORDER BY {order}) AS position
        FROM filtered f
        ORDER BY position
        LIMIT :limit OFFSET :offset
    ),
    page_ads AS (
        SELECT a.creative_id,
               array_agg(a.ad_id ORDER BY a.ad_id COLLATE "default") AS ad_ids
        FROM ad_creatives a
        JOIN page p ON p.creative_id = a.creative_id
        GROUP BY a.creative_id
    )
    SELECT 0 AS position, count(*) AS row_count, CAST(NULL AS text) AS creative_id,
           CAST(NULL AS text) AS ad_copy, CAST(NULL AS jsonb) AS ad_copies,
           CAST(NULL AS text[]) AS ad_ids, {_sums_sql("")},
           sum(platform_spend) AS platform_spend,
           sum(platform_revenue) AS platform_revenue
    FROM filtered
    UNION ALL
    SELECT p.position, NULL, p.creative_id, p.ad_copy, c.ad_copies, a.ad_ids,
           {", ".join(f"p.{name}" for name in METRIC_NAMES)},
           p.platform_spend, p.platform_revenue
    FROM page p
    JOIN page_ads a ON a.creative_id = p.creative_id
    LEFT JOIN creatives.creative c
      ON c.customer_name = :customer AND c.creative_id = p.creative_id
    ORDER BY position
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
    # The ad platform's figures of the creative, when they were asked for and it has any.
    platform: Sums | None = None


def sums_from_row(mapping: Any, has_rows: bool = True) -> Sums:
    """Read the six sums of a result row; `has_rows` is False for a sum over no rows.

    A NULL count or spend is zero. A NULL revenue stays None, because it means that no
    row carried a value.
    """
    return Sums(
        has_rows=has_rows,
        spend=mapping["spend"] or ZERO,
        clicks=mapping["clicks"] or ZERO,
        impressions=mapping["impressions"] or ZERO,
        sessions=mapping["sessions"] or ZERO,
        conversions=mapping["conversions"] or ZERO,
        revenue=mapping["revenue"],
    )


def platform_sums_from_row(mapping: Any) -> Sums | None:
    """Read the platform's spend and value, or None when there were no platform rows."""
    if mapping["platform_spend"] is None:
        return None
    return Sums(
        spend=mapping["platform_spend"],
        revenue=mapping["platform_revenue"],
        has_rows=True,
    )


@dataclass(frozen=True)
class CreativePage:
    """One page of creatives in order, with the totals and count of every matching one.

    `platform_totals` sums the platform figures of the matching creatives that have any.
    """

    rows: list[CreativeSums]
    totals: Sums
    row_count: int
    platform_totals: Sums | None = None


@dataclass(frozen=True)
class PageRequest:
    sort_field: str = "spend"
    descending: bool = True
    search: str | None = None
    offset: int = 0
    limit: int | None = None
    # The event whose figures give each creative its platform ROAS, or None for none.
    platform_event: str | None = None


async def creative_page(
    conn: AsyncConnection,
    customer: str,
    event: str,
    start_date: date,
    end_date: date,
    attribution: Attribution,
    request: PageRequest,
) -> CreativePage:
    """Sum per creative, then sort, filter and page in the database."""
    searching = bool(request.search)
    params: dict[str, Any] = {
        "customer": customer,
        "event": event,
        "start_date": start_date,
        "end_date": end_date,
        "offset": request.offset,
        "limit": request.limit,
    }
    if searching:
        params["search"] = request.search
    platform = request.platform_event is not None
    if platform:
        params["platform_event"] = request.platform_event
    order = _order_sql(request.sort_field, request.descending)
    sql = _page_sql(attribution, order, searching, platform)
    result = await conn.execute(text(sql), params)
    totals_row, *page_rows = result.all()
    rows = [
        CreativeSums(
            creative_id=row.creative_id,
            ad_copy=row.ad_copy,
            ad_copies=list(row.ad_copies or []),
            ad_ids=list(row.ad_ids),
            sums=sums_from_row(row._mapping),
            platform=platform_sums_from_row(row._mapping),
        )
        for row in page_rows
    ]
    return CreativePage(
        rows,
        sums_from_row(totals_row._mapping, has_rows=totals_row.row_count > 0),
        totals_row.row_count,
        platform_sums_from_row(totals_row._mapping),
    )


async def creative_sums(
    conn: AsyncConnection,
    customer: str,
    event: str,
    start_date: date,
    end_date: date,
    attribution: Attribution,
) -> list[CreativeSums]:
    """Return every creative with facts in the range, highest spend first."""
    page = await creative_page(
        conn, customer, event, start_date, end_date, attribution, PageRequest()
    )
    return page.rows


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
