"""The conversions behind a creative's figures."""

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from creatives.attribution import service
from creatives.attribution.schemas import ConversionsResponse
from creatives.creatives.router import ERRORS, daily_query
from creatives.creatives.service import MetricsQuery
from creatives.customers.dependencies import AccessibleCustomer
from creatives.database import DbConnection

router = APIRouter(prefix="/api/customer/{customer}/creatives", tags=["attribution"])

# The dashboard's drawer shows the first page of this size.
DEFAULT_PAGE_SIZE = 500


def conversions_query(
    base: Annotated[MetricsQuery, Depends(daily_query)],
    page: Annotated[int, Query(description="Page number, from 1.")] = 1,
    page_size: Annotated[
        int, Query(description="Conversions per page, 1 to 1,000.")
    ] = DEFAULT_PAGE_SIZE,
) -> MetricsQuery:
    return replace(base, page=page, page_size=page_size)


@router.get(
    "/{creative_id}/conversions",
    response_model=ConversionsResponse,
    responses=ERRORS,
    operation_id="getCreativeConversions",
)
async def creative_conversions(
    customer: AccessibleCustomer,
    conn: DbConnection,
    creative_id: Annotated[str, Path(max_length=64)],
    query: Annotated[MetricsQuery, Depends(conversions_query)],
) -> ConversionsResponse:
    """List the conversions credited to a creative: order, value, conversion and click times.

    `count` and `value` cover every page, so they equal the creative's row in the metrics.
    """
    return await service.get_conversions(conn, customer, creative_id, query)
