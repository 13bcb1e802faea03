"""Attribution results for the API: the conversions of a creative."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.attribution import repository
from creatives.attribution.schemas import Conversion, ConversionsResponse
from creatives.creatives.service import (
    MetricsQuery,
    require_creative,
    require_event,
    validate_page,
    validate_range,
)
from creatives.customers.schemas import CustomerPublic


async def get_conversions(
    conn: AsyncConnection,
    customer: CustomerPublic,
    creative_id: str,
    query: MetricsQuery,
) -> ConversionsResponse:
    """List one page of a creative's conversions, with the count and value of all pages."""
    validate_range(query.start_date, query.end_date)
    validate_page(query.page, query.page_size)
    await require_creative(conn, customer, creative_id)
    credited = repository.ConversionFilter(
        customer=customer.id,
        ad_ids=await repository.ads_of_creative(conn, customer.id, creative_id),
        event=query.event,
        start_date=query.start_date,
        end_date=query.end_date,
        attribution=query.attribution,
    )
    count, total = 0, Decimal(0)
    rows = []
    if credited.ad_ids:
        count, total = await repository.conversion_totals(conn, credited)
        offset = (query.page - 1) * query.page_size
        rows = await repository.conversions_page(
            conn, credited, offset, query.page_size
        )
    if count == 0:
        await require_event(conn, customer, query.event)

    return ConversionsResponse(
        creative_id=creative_id,
        event=query.event,
        attribution=query.attribution,
        currency=customer.currency,
        count=count,
        value=float(total),
        page=query.page,
        page_size=query.page_size,
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
