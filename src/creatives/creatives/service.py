"""Creative metrics: validation of the filters, ratios, search, sorting and pages."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.attribution import repository as attribution_repository
from creatives.attribution.schemas import Unattributed
from creatives.creatives import repository
from creatives.creatives.adcopy import normalize_copy
from creatives.creatives.metrics import (
    ATTRIBUTION_LABELS,
    Attribution,
    Sums,
    compute_ratios,
)
from creatives.creatives.schemas import (
    CreativeRow,
    DailyPoint,
    DailyResponse,
    DateRange,
    FilterOptions,
    MetricColumn,
    MetricsResponse,
    TableValues,
)
from creatives.customers.schemas import CustomerPublic
from creatives.errors import FieldError, NotFoundError, ValidationFailedError
from creatives.imports.dashboard import PLATFORM_EVENT

MAX_RANGE_YEARS = 3
MAX_PAGE_SIZE = 1000
DEFAULT_EVENT = "order_completed"
DEFAULT_RANGE_DAYS = 30
PLATFORM_ROAS = "platform_roas"
PLATFORM_ATTRIBUTION_LABEL = "Reported by the ad platform, with its own attribution"
SORTABLE_FIELDS = (
    "ad_copy",
    "spend",
    "clicks",
    "impressions",
    "sessions",
    "conversions",
    "revenue",
    "roas",
    PLATFORM_ROAS,
    "ctr",
    "cpc",
    "cpm",
    "cpa",
    "conversion_rate",
)


@dataclass(frozen=True)
class MetricsQuery:
    event: str
    start_date: date
    end_date: date
    attribution: Attribution
    sort: str = "-spend"
    search: str | None = None
    page: int = 1
    page_size: int = 100


def _invalid(field: str, message: str) -> ValidationFailedError:
    return ValidationFailedError(
        message, fields=[FieldError(field=field, message=message)]
    )


def add_years(day: date, years: int) -> date:
    """Return the same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validate_range(start_date: date, end_date: date) -> None:
    """Check that start_date <= end_date <= start_date plus three calendar years.

    Dates are whole days, inclusive at both ends.
    """
    if start_date > end_date:
        raise _invalid(
            "start_date",
            f"start_date {start_date} is after end_date {end_date}; swap them.",
        )
    latest_end = add_years(start_date, MAX_RANGE_YEARS)
    if end_date > latest_end:
        raise _invalid(
            "end_date",
            f"The range {start_date} to {end_date} is longer than {MAX_RANGE_YEARS} "
            f"years; end_date may be at most {latest_end} for start_date "
            f"{start_date}. Choose a shorter range.",
        )


def parse_sort(sort: str) -> tuple[str, bool]:
    """Split `-spend` into ("spend", descending); accept only `field` or `-field`."""
    descending = sort.startswith("-")
    field = sort.removeprefix("-")
    if field not in SORTABLE_FIELDS:
        raise _invalid(
            "sort",
            f"Invalid sort {sort!r}. Use a field name, or '-' and a field name for "
            f"descending order; fields: {', '.join(SORTABLE_FIELDS)}.",
        )
    return field, descending


def validate_page(page: int, page_size: int) -> None:
    if page < 1:
        raise _invalid("page", f"page {page} is invalid; pages start at 1.")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise _invalid(
            "page_size", f"page_size {page_size} is invalid; use 1 to {MAX_PAGE_SIZE}."
        )


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def metric_values(sums: Sums) -> dict[str, float | None]:
    ratios = compute_ratios(sums)
    return {
        "spend": float(sums.spend),
        "clicks": float(sums.clicks),
        "impressions": float(sums.impressions),
        "sessions": float(sums.sessions),
        "conversions": float(sums.conversions),
        "revenue": _number(sums.revenue),
        "roas": _number(ratios.roas),
        "ctr": _number(ratios.ctr),
        "cpc": _number(ratios.cpc),
        "cpm": _number(ratios.cpm),
        "cpa": _number(ratios.cpa),
        "conversion_rate": _number(ratios.conversion_rate),
    }


def attribution_label(event: str, attribution: Attribution) -> str:
    """Describe where the conversions of `event` come from."""
    # Imported platform rows carry the platform's figures, whatever window is chosen.
    if event == PLATFORM_EVENT:
        return PLATFORM_ATTRIBUTION_LABEL
    return ATTRIBUTION_LABELS[attribution]


def metric_columns(
    currency: str,
    event: str,
    attribution: Attribution,
    with_platform_roas: bool = False,
) -> list[MetricColumn]:
    label = attribution_label(event, attribution)
    revenue_header = "Platform revenue" if event == PLATFORM_EVENT else "Revenue"
    money = {"type": "number", "unit": "currency", "currency": currency}
    columns = [
        MetricColumn(field="ad_copy", headerName="Ad copy", type="string", unit="text"),
        MetricColumn(field="spend", headerName="Spend", **money),
        MetricColumn(field="clicks", headerName="Clicks", type="number", unit="count"),
        MetricColumn(
            field="impressions", headerName="Impressions", type="number", unit="count"
        ),
        MetricColumn(
            field="sessions", headerName="Sessions", type="number", unit="count"
        ),
        MetricColumn(
            field="conversions",
            headerName="Conversions",
            type="number",
            unit="count",
            description=label,
        ),
        MetricColumn(
            field="revenue", headerName=revenue_header, description=label, **money
        ),
        MetricColumn(
            field="roas",
            headerName="ROAS",
            type="number",
            unit="ratio",
            description="Revenue / spend (3.25 means 3.25x). " + label,
        ),
        MetricColumn(
            field=PLATFORM_ROAS,
            headerName="Platform ROAS",
            type="number",
            unit="ratio",
            description="Conversion value / spend as the ad platform reports them for "
            "the same creative and days, with the platform's own attribution.",
        ),
        MetricColumn(field="ctr", headerName="CTR", type="number", unit="percent"),
        MetricColumn(field="cpc", headerName="CPC", **money),
        MetricColumn(field="cpm", headerName="CPM", **money),
        MetricColumn(field="cpa", headerName="CPA", **money),
        MetricColumn(
            field="conversion_rate",
            headerName="Conversion rate",
            type="number",
            unit="percent",
        ),
    ]
    if with_platform_roas:
        return columns
    return [column for column in columns if column.field != PLATFORM_ROAS]


def _platform_roas(sums: Sums | None) -> float | None:
    if sums is None:
        return None
    return _number(compute_ratios(sums).roas)


def _creative_row(item: repository.CreativeSums) -> CreativeRow:
    return CreativeRow(
        id=item.creative_id,
        ad_copy=item.ad_copy,
        ad_copies=item.ad_copies,
        ad_ids=item.ad_ids,
        platform_roas=_platform_roas(item.platform),
        **metric_values(item.sums),
    )


def _platform_event(event: str, events: list[str]) -> str | None:
    """Return the event whose figures give the platform ROAS beside `event`, if any.

    None for the platform event itself, and for a customer without imported platform data.
    """
    if event == PLATFORM_EVENT or PLATFORM_EVENT not in events:
        return None
    return PLATFORM_EVENT


async def _unattributed(
    conn: AsyncConnection, customer: CustomerPublic, query: MetricsQuery
) -> Unattributed | None:
    totals = await attribution_repository.unattributed_totals(
        conn,
        customer.id,
        query.event,
        query.start_date,
        query.end_date,
        query.attribution,
    )
    if totals is None:
        return None
    count, value, actual_count, actual_value = totals
    return Unattributed(
        conversions=float(count),
        revenue=float(value),
        actual_conversions=float(actual_count),
        actual_revenue=float(actual_value),
    )


async def get_metrics(
    conn: AsyncConnection, customer: CustomerPublic, query: MetricsQuery
) -> MetricsResponse:
    validate_range(query.start_date, query.end_date)
    sort_field, descending = parse_sort(query.sort)
    validate_page(query.page, query.page_size)

    # Grouping, totals, search, order and page are done in SQL, so only the rows of the
    # requested page leave the database. The stored copy is normalised as the grouping key
    # is (NFC, collapsed whitespace), so the search text is normalised the same way.
    search = normalize_copy(query.search or "") or None
    events = await _event_names(conn, customer)
    platform_event = _platform_event(query.event, events)
    page = await repository.creative_page(
        conn,
        customer.id,
        query.event,
        query.start_date,
        query.end_date,
        query.attribution,
        repository.PageRequest(
            sort_field=sort_field,
            descending=descending,
            search=search,
            offset=(query.page - 1) * query.page_size,
            limit=query.page_size,
            platform_event=platform_event,
        ),
    )
    if page.row_count == 0:
        _require_event(events, customer, query.event)
    unattributed = await _unattributed(conn, customer, query)
    return MetricsResponse(
        columns=metric_columns(
            customer.currency,
            query.event,
            query.attribution,
            platform_event is not None,
        ),
        rows=[_creative_row(item) for item in page.rows],
        totals=TableValues(
            platform_roas=_platform_roas(page.platform_totals),
            **metric_values(page.totals),
        ),
        currency=customer.currency,
        row_count=page.row_count,
        page=query.page,
        page_size=query.page_size,
        event=query.event,
        start_date=query.start_date,
        end_date=query.end_date,
        attribution=query.attribution,
        attribution_label=attribution_label(query.event, query.attribution),
        unattributed=unattributed,
    )


async def get_daily(
    conn: AsyncConnection,
    customer: CustomerPublic,
    query: MetricsQuery,
    creative_ids: list[str],
) -> DailyResponse:
    validate_range(query.start_date, query.end_date)
    days = await repository.daily_sums(
        conn,
        customer.id,
        query.event,
        query.start_date,
        query.end_date,
        query.attribution,
        creative_ids,
    )
    if not days:
        await require_event(conn, customer, query.event)
    return DailyResponse(
        currency=customer.currency,
        event=query.event,
        attribution=query.attribution,
        creative_ids=creative_ids,
        days=_every_day(query.start_date, query.end_date, dict(days)),
    )


async def _event_names(conn: AsyncConnection, customer: CustomerPublic) -> list[str]:
    return [name for name, _, _ in await repository.event_ranges(conn, customer.id)]


def _require_event(events: list[str], customer: CustomerPublic, event: str) -> None:
    """Raise 404 for an event the customer never had, so a typo does not read as zero spend."""
    if event not in events:
        known = ", ".join(events) or "none yet"
        raise NotFoundError(
            f"Event {event!r} not found for customer {customer.id!r}. Known events: {known}."
        )


async def require_event(
    conn: AsyncConnection, customer: CustomerPublic, event: str
) -> None:
    """Raise 404 for an event the customer never had (see `_require_event`)."""
    _require_event(await _event_names(conn, customer), customer, event)


async def require_creative(
    conn: AsyncConnection, customer: CustomerPublic, creative_id: str
) -> None:
    if not await repository.creative_exists(conn, customer.id, creative_id):
        raise NotFoundError(
            f"Creative {creative_id!r} not found for customer {customer.id!r}."
        )


def _every_day(
    start: date, end: date, sums_by_day: dict[date, Sums]
) -> list[DailyPoint]:
    """List every day of the range.

    A day without rows sums to 0, revenue included, so charts show a gap as 0. Revenue is
    null only on a day whose rows carried no value.
    """
    points = []
    day = start
    while day <= end:
        points.append(
            DailyPoint(date=day, **metric_values(sums_by_day.get(day, Sums.empty())))
        )
        day += timedelta(days=1)
    return points


def default_range(first_day: date, last_day: date) -> DateRange:
    start = max(first_day, last_day - timedelta(days=DEFAULT_RANGE_DAYS - 1))
    return DateRange(start_date=start, end_date=last_day)


async def get_filter_options(
    conn: AsyncConnection, customer: CustomerPublic
) -> FilterOptions:
    ranges = await repository.event_ranges(conn, customer.id)
    events = [name for name, _, _ in ranges]
    date_range = None
    default_date_range = None
    if ranges:
        # Over all events: the original system reported the first event's range only.
        first_day = min(first for _, first, _ in ranges)
        last_day = max(last for _, _, last in ranges)
        date_range = DateRange(start_date=first_day, end_date=last_day)
        default_date_range = default_range(first_day, last_day)
    default_event = DEFAULT_EVENT if DEFAULT_EVENT in events else None
    if default_event is None and events:
        default_event = events[0]
    return FilterOptions(
        events=events,
        date_range=date_range,
        default_event=default_event,
        default_date_range=default_date_range,
        currency=customer.currency,
        time_zone=customer.time_zone,
        attribution_windows=list(Attribution),
        default_attribution=Attribution.DAY_7,
    )
