"""Creative endpoints, on the original system's paths."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from creatives.creatives import service
from creatives.creatives.metrics import Attribution
from creatives.creatives.schemas import DailyResponse, FilterOptions, MetricsResponse
from creatives.creatives.service import MetricsQuery
from creatives.customers.dependencies import AccessibleCustomer
from creatives.database import DashboardConnection
from creatives.errors import ErrorResponse, FieldError, ValidationFailedError

router = APIRouter(prefix="/api/customer/{customer}/creatives", tags=["creatives"])

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "Missing, invalid or expired token"},
    404: {"model": ErrorResponse, "description": "Unknown customer or no access to it"},
    422: {"model": ErrorResponse, "description": "Invalid filters"},
    503: {"model": ErrorResponse, "description": "Query timed out or database down"},
}
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_HELP = "Day in the customer's time zone, YYYY-MM-DD, inclusive."


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        message = f"{field} {value!r} is not a valid date; use YYYY-MM-DD, for example 2024-05-01."
        raise ValidationFailedError(
            message, fields=[FieldError(field=field, message=message)]
        ) from error


def range_query(
    event: str,
    start_date: Annotated[str, Query(pattern=ISO_DATE, description=DATE_HELP)],
    end_date: Annotated[str, Query(pattern=ISO_DATE, description=DATE_HELP)],
    attribution: Annotated[
        Attribution,
        Query(
            description="Window of revenue and conversions; `session` is not attributed."
        ),
    ] = Attribution.DAY_7,
) -> MetricsQuery:
    return MetricsQuery(
        event=event,
        start_date=parse_day(start_date, "start_date"),
        end_date=parse_day(end_date, "end_date"),
        attribution=attribution,
    )


def metrics_query(
    event: Annotated[
        str, Path(description="Pixel event name, for example order_completed.")
    ],
    start_date: Annotated[str, Query(pattern=ISO_DATE, description=DATE_HELP)],
    end_date: Annotated[str, Query(pattern=ISO_DATE, description=DATE_HELP)],
    attribution: Annotated[
        Attribution,
        Query(
            description="Window of revenue and conversions; `session` is not attributed."
        ),
    ] = Attribution.DAY_7,
    sort: Annotated[
        str,
        Query(
            max_length=40,
            description="Field to sort by (`spend`), or '-' and the field for "
            "descending order (`-spend`).",
        ),
    ] = "-spend",
    search: Annotated[
        str | None,
        Query(max_length=200, description="Case-insensitive text in the ad copy."),
    ] = None,
    page: Annotated[int, Query(description="Page number, from 1.")] = 1,
    page_size: Annotated[int, Query(description="Rows per page, 1 to 1,000.")] = 100,
) -> MetricsQuery:
    base = range_query(event, start_date, end_date, attribution)
    return MetricsQuery(
        event=base.event,
        start_date=base.start_date,
        end_date=base.end_date,
        attribution=base.attribution,
        sort=sort,
        search=search,
        page=page,
        page_size=page_size,
    )


def daily_query(
    event: Annotated[
        str, Query(description="Pixel event name, for example order_completed.")
    ],
    start_date: Annotated[str, Query(pattern=ISO_DATE, description=DATE_HELP)],
    end_date: Annotated[str, Query(pattern=ISO_DATE, description=DATE_HELP)],
    attribution: Annotated[Attribution, Query()] = Attribution.DAY_7,
) -> MetricsQuery:
    return range_query(event, start_date, end_date, attribution)


@router.get(
    "/filter-options",
    response_model=FilterOptions,
    responses=ERRORS,
    operation_id="getFilterOptions",
)
async def filter_options(
    customer: AccessibleCustomer, conn: DashboardConnection
) -> FilterOptions:
    """Events, the date range over all events, and the dashboard's default filters."""
    return await service.get_filter_options(conn, customer)


@router.get(
    "/daily",
    response_model=DailyResponse,
    responses=ERRORS,
    operation_id="getDailyTotals",
)
async def daily_totals(
    customer: AccessibleCustomer,
    conn: DashboardConnection,
    query: Annotated[MetricsQuery, Depends(daily_query)],
    creative_id: Annotated[
        list[str] | None, Query(description="Limit to these creatives; omit for all.")
    ] = None,
) -> DailyResponse:
    """Daily series of all creatives, or of the creatives given."""
    return await service.get_daily(conn, customer, query, creative_id or [])


@router.get(
    "/{event}/metrics",
    response_model=MetricsResponse,
    responses=ERRORS,
    operation_id="getCreativeMetrics",
)
async def metrics(
    customer: AccessibleCustomer,
    conn: DashboardConnection,
    query: Annotated[MetricsQuery, Depends(metrics_query)],
) -> MetricsResponse:
    """Per-creative spend, clicks, impressions, sessions, conversions, revenue and ratios."""
    return await service.get_metrics(conn, customer, query)


@router.get(
    "/{creative_id}/daily",
    response_model=DailyResponse,
    responses=ERRORS,
    operation_id="getCreativeDaily",
)
async def creative_daily(
    customer: AccessibleCustomer,
    conn: DashboardConnection,
    creative_id: Annotated[str, Path(max_length=64)],
    query: Annotated[MetricsQuery, Depends(daily_query)],
) -> DailyResponse:
    """Daily series of one creative, for charts."""
    await service.require_creative(conn, customer, creative_id)
    return await service.get_daily(conn, customer, query, [creative_id])
