"""Reads of the attribution results."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.creatives.metrics import Attribution

UNATTRIBUTED_COLUMNS: dict[Attribution, tuple[str, str]] = {
    Attribution.DAY_1: ("unattributed_1", "unattributed_value_1"),
    Attribution.DAY_7: ("unattributed_7", "unattributed_value_7"),
    Attribution.DAY_30: ("unattributed_30", "unattributed_value_30"),
    Attribution.SESSION: ("unattributed_session", "unattributed_value_session"),
}
WINDOW_DAYS = {Attribution.DAY_1: 1, Attribution.DAY_7: 7, Attribution.DAY_30: 30}


async def unattributed_totals(
    conn: AsyncConnection,
    customer: str,
    event: str,
    start_date: date,
    end_date: date,
    attribution: Attribution,
) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """Return (unattributed count, value, actual count, value), or None before any run."""
    count_column, value_column = UNATTRIBUTED_COLUMNS[attribution]
    query = text(
        f"""
        SELECT count(*) AS days, sum({count_column}) AS missed_count,
               sum({value_column}) AS missed_value,
               sum(conversions) AS actual_count, sum(value) AS actual_value
        FROM creatives.unattributed_daily
        WHERE customer_id = :customer AND event_name = :event
          AND local_day BETWEEN :start_date AND :end_date
        """
    )
    params = {
        "customer": customer,
        "event": event,
        "start_date": start_date,
        "end_date": end_date,
    }
    row = (await conn.execute(query, params)).one()
    if row.days == 0:
        return None
    return row.missed_count, row.missed_value, row.actual_count, row.actual_value


@dataclass(frozen=True)
class ConversionFilter:
    """The conversions credited to some ads for one event, range and window."""

    customer: str
    ad_ids: list[str]
    event: str
    start_date: date
    end_date: date
    attribution: Attribution

    def where(self) -> str:
        if self.attribution is Attribution.SESSION:
            credit = "session_ad_id IN :ad_ids"
        else:
            credit = (
                f"ad_id IN :ad_ids AND window_days <= {WINDOW_DAYS[self.attribution]}"
            )
        return (
            "customer_id = :customer AND event_name = :event "
            f"AND local_day BETWEEN :start_date AND :end_date AND {credit}"
        )

    def params(self) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "event": self.event,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "ad_ids": self.ad_ids,
            "session": self.attribution is Attribution.SESSION,
        }


async def conversion_totals(
    conn: AsyncConnection, credited: ConversionFilter
) -> tuple[int, Decimal]:
    """Return the count and value of every conversion credited, over all pages."""
    query = text(
        f"""
        SELECT count(*) AS conversions, coalesce(sum(value), 0) AS total_value
        FROM creatives.attributed_conversion
        WHERE {credited.where()}
        """
    ).bindparams(bindparam("ad_ids", expanding=True))
    row = (await conn.execute(query, credited.params())).one()
    return int(row.conversions), row.total_value


async def conversions_page(
    conn: AsyncConnection, credited: ConversionFilter, offset: int, limit: int
) -> list[Any]:
    """List one page of the conversions credited, oldest first."""
    query = text(
        f"""
        SELECT event_id, order_id, value, converted_at, local_day, clicked_at, window_days,
               CASE WHEN :session THEN session_ad_id ELSE ad_id END AS ad_id,
               (session_ad_id IS NOT NULL AND session_ad_id = ad_id) AS same_session
        FROM creatives.attributed_conversion
        WHERE {credited.where()}
        ORDER BY converted_at, event_id
        OFFSET :offset LIMIT :limit
        """
    ).bindparams(bindparam("ad_ids", expanding=True))
    params = {**credited.params(), "offset": offset, "limit": limit}
    return list(await conn.execute(query, params))


async def ads_of_creative(
    conn: AsyncConnection, customer: str, creative_id: str
) -> list[str]:
    query = text(
        "SELECT ad_id FROM creatives.ad_creative "
        "WHERE customer_name = :customer AND creative_id = :creative_id ORDER BY ad_id"
    )
    result = await conn.execute(
        query, {"customer": customer, "creative_id": creative_id}
    )
    return [row.ad_id for row in result]
