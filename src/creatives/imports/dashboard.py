"""SQL that writes imported performance into the tables the dashboard metrics read.

The metrics read `creatives.pixel_event_integrated_data` (one row per customer, day,
ad and event) and group ads into creatives by the copy in `dim_combined_creative`.
Imported rows are written there as the event `PLATFORM_EVENT`, marked by
`medium = IMPORT_MARKER` (facts) and `ad_type = IMPORT_MARKER` (dimension), so a
refresh replaces exactly the rows an import wrote and leaves pixel data alone.

A period row is spread evenly over its days: money and conversions by shares rounded
to 6 decimals, counts by whole numbers, and each so that the days add up exactly to
the period's figure. A date filter therefore counts the days of a period that lie
inside the filter.
"""

from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

PLATFORM_EVENT = "platform_conversion"
IMPORT_MARKER = "platform_import"
PLACES = 6


def _money_share(column: str) -> str:
    return f"round(p.{column} * (d.i + 1) / d.n, {PLACES}) - round(p.{column} * d.i / d.n, {PLACES})"


def _count_share(column: str) -> str:
    # Integer division floors, so consecutive differences add up to the whole count.
    return f"(p.{column} * (d.i + 1)) / d.n - (p.{column} * d.i) / d.n"


# Shared with the attribution job, which reads the same daily spend.
SPREAD_DAILY_SQL = f"""
    SELECT p.channel, p.ad_key, p.campaign_id, p.campaign_name, p.ad_set_id,
           p.ad_set_name, p.ad_name, d.day,
           {_money_share("spend_converted")} AS spend,
           {_count_share("impressions")} AS impressions,
           {_count_share("clicks")} AS clicks,
           {_money_share("conversions")} AS conversions,
           {_money_share("conversion_value_converted")} AS revenue
    FROM creatives.ad_performance p
    CROSS JOIN LATERAL (
        SELECT day::date AS day,
               day::date - p.period_start AS i,
               p.period_end - p.period_start + 1 AS n
        FROM generate_series(
            greatest(p.period_start, :start), least(p.period_end, :end), interval '1 day'
        ) AS day
    ) d
    WHERE p.customer_id = :customer AND p.period_start <= :end AND p.period_end >= :start
"""

_INSERT_FACTS = f"""
    INSERT INTO creatives.pixel_event_integrated_data (
        customer_name, ev, medium, source, ad_id, campaign_id, campaign_name, adset_id,
        adset_name, ad_name, date, date_column, spend, impressions, clicks,
        number_of_events, number_of_events_attr, number_of_events_attr_window_1,
        number_of_events_attr_window_7, number_of_events_attr_window_30, event_value,
        event_value_attr, event_value_attr_window_1, event_value_attr_window_7,
        event_value_attr_window_30
    )
    SELECT :customer, :event, :marker, s.channel, s.ad_key, s.campaign_id,
           s.campaign_name, s.ad_set_id, s.ad_set_name, s.ad_name,
           to_char(s.day, 'YYYY-MM-DD'), s.day, s.spend, s.impressions, s.clicks,
           s.conversions, s.conversions, s.conversions, s.conversions, s.conversions,
           s.revenue, s.revenue, s.revenue, s.revenue, s.revenue
    FROM ({SPREAD_DAILY_SQL}) s
"""

_DELETE_FACTS = """
    DELETE FROM creatives.pixel_event_integrated_data
    WHERE customer_name = :customer AND ev = :event AND medium = :marker
      AND date_column BETWEEN :start AND :end
"""

_ADS_IN_RANGE = """
    SELECT DISTINCT ad_key FROM creatives.ad_performance
    WHERE customer_id = :customer AND period_start <= :end AND period_end >= :start
"""

_DELETE_DIMENSION = f"""
    DELETE FROM creatives.dim_combined_creative
    WHERE customer_name = :customer AND ad_type = :marker
      AND ad_id IN ({_ADS_IN_RANGE})
"""

_LATEST_COPIES = f"""
    SELECT DISTINCT ON (ad_key) channel, ad_key, campaign_id, period_end,
           coalesce(ad_copy, ad_name) AS copy
    FROM creatives.ad_performance
    WHERE customer_id = :customer AND ad_key IN ({_ADS_IN_RANGE})
    ORDER BY ad_key, period_end DESC, (ad_copy IS NULL)
"""

_INSERT_DIMENSION = """
    INSERT INTO creatives.dim_combined_creative (
        channel, ad_id, campaign_id, date, customer_name, ad_type, date_column, ad_copy
    )
    VALUES (:channel, :ad_id, :campaign_id, :date, :customer, :marker, :day, :ad_copy)
"""


def _params(customer_id: str, start: date, end: date) -> dict[str, object]:
    return {
        "customer": customer_id,
        "start": start,
        "end": end,
        "event": PLATFORM_EVENT,
        "marker": IMPORT_MARKER,
    }


async def replace_facts(
    conn: AsyncConnection, customer_id: str, start: date, end: date
) -> int:
    """Rewrite the daily fact rows of imported performance between start and end."""
    params = _params(customer_id, start, end)
    await conn.execute(text(_DELETE_FACTS), params)
    result = await conn.execute(text(_INSERT_FACTS), params)
    return int(result.rowcount)


async def replace_dimension(
    conn: AsyncConnection, customer_id: str, start: date, end: date
) -> int:
    """Give each imported ad of the range one dimension row with its latest copy.

    Ads without copy use their ad name, so the dashboard shows and groups them by name.
    The copy is stored as Python-list text, as the original system stored it.
    """
    params = _params(customer_id, start, end)
    await conn.execute(text(_DELETE_DIMENSION), params)
    rows = [
        {
            "channel": row.channel,
            "ad_id": row.ad_key,
            "campaign_id": row.campaign_id,
            "date": row.period_end.isoformat(),
            "customer": customer_id,
            "marker": IMPORT_MARKER,
            "day": row.period_end,
            "ad_copy": repr([row.copy]) if row.copy is not None else None,
        }
        for row in await conn.execute(text(_LATEST_COPIES), params)
    ]
    if rows:
        await conn.execute(text(_INSERT_DIMENSION), rows)
    return len(rows)
