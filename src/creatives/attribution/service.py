"""Attribution results for the API: the conversions of a creative."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.attribution import repository
from creatives.attribution.schemas import Conversion, ConversionsResponse
from creatives.creatives.service import (
    MetricsQuery,
    require_creative,
    require_event,
    validate_range,
)
from creatives.customers.schemas import CustomerPublic


async def get_conversions(
    conn: AsyncConnection,
    customer: CustomerPublic,
    creative_id: str,
    query: MetricsQuery,
) -> ConversionsResponse:
    validate_range(query.start_date, query.end_date)
    await require_creative(conn, customer, creative_id)
    ad_ids = await repository.ads_of_creative(conn, customer.id, creative_id)
    rows = (
        await repository.conversions_of_ads(
            conn,
            customer.id,
            ad_ids,
            query.event,
            query.start_date,
            query.end_date,
            query.attribution,
        )
        if ad_ids
        else []
    )
    if not rows:
        await require_event(conn, customer, query.event)
    total = sum((row.value for row in rows if row.value is not None), Decimal(0))
    return ConversionsResponse(
        creative_id=creative_id,
        event=query.event,
        attribution=query.attribution,
        currency=customer.currency,
        count=len(rows),
        value=float(total),
        conversions=[
            Conversion(
                event_id=row.event_id,
                order_id=row.order_id,
                value=None if row.value is None else float(row.value),
                converted_at=row.converted_at,
                local_day=row.local_day,
                clicked_at=row.clicked_at,
                window_days=row.window_days,
                ad_id=row.ad_id,
                same_session=row.same_session,
            )
            for row in rows
        ],
    )
