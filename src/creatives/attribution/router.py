"""The conversions behind a creative's figures."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from creatives.attribution import service
from creatives.attribution.schemas import ConversionsResponse
from creatives.creatives.router import ERRORS, daily_query
from creatives.creatives.service import MetricsQuery
from creatives.customers.dependencies import AccessibleCustomer
from creatives.database import DbConnection

router = APIRouter(prefix="/api/customer/{customer}/creatives", tags=["attribution"])


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
    query: Annotated[MetricsQuery, Depends(daily_query)],
) -> ConversionsResponse:
    """List the conversions credited to a creative: order, value, conversion and click times."""
    return await service.get_conversions(conn, customer, creative_id, query)
