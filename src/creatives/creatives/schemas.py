"""Bodies of the creative endpoints. Figures are JSON numbers; undefined ratios are null."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from creatives.attribution.schemas import Unattributed
from creatives.creatives.metrics import Attribution


class DateRange(BaseModel):
    start_date: date
    end_date: date


class FilterOptions(BaseModel):
    events: list[str]
    date_range: DateRange | None = Field(description="First and last day of any event.")
    default_event: str | None
    default_date_range: DateRange | None
    currency: str
    time_zone: str
    attribution_windows: list[Attribution]
    default_attribution: Attribution


class MetricColumn(BaseModel):
    """A column description a data grid can render as it is."""

    field: str
    headerName: str
    type: Literal["string", "number"]
    unit: Literal["text", "currency", "count", "ratio", "percent"]
    currency: str | None = None
    description: str | None = None


class MetricValues(BaseModel):
    spend: float
    clicks: float
    impressions: float
    sessions: float
    conversions: float
    revenue: float | None = Field(
        description="Null when no row carried a conversion value, such as an ad-platform "
        "export with empty value cells."
    )
    roas: float | None = Field(description="Revenue / spend; 3.25 means 3.25x.")
    ctr: float | None = Field(description="Clicks / impressions, as a fraction.")
    cpc: float | None = Field(description="Spend / clicks.")
    cpm: float | None = Field(description="Spend per 1,000 impressions.")
    cpa: float | None = Field(description="Spend / conversions.")
    conversion_rate: float | None = Field(
        description="Conversions / sessions, as a fraction."
    )


class TableValues(MetricValues):
    platform_roas: float | None = Field(
        description="The ad platform's reported conversion value / spend of the same "
        "creatives and days (event platform_conversion). Null when the platform reported "
        "no value, and when the metrics are those of platform_conversion itself.",
    )


class CreativeRow(TableValues):
    id: str = Field(description="Stable creative id, derived from the normalised copy.")
    ad_copy: str | None = Field(
        description="The copy; carousel copies joined by a blank line."
    )
    ad_copies: list[str]
    ad_ids: list[str]


class MetricsResponse(BaseModel):
    columns: list[MetricColumn]
    rows: list[CreativeRow]
    totals: TableValues
    currency: str
    row_count: int = Field(description="Rows matching the filters, before pagination.")
    page: int
    page_size: int
    event: str
    start_date: date
    end_date: date
    attribution: Attribution
    attribution_label: str
    unattributed: Unattributed | None = Field(
        default=None,
        description="Events no creative received in this window; null before attribution runs.",
    )


class DailyPoint(MetricValues):
    date: date


class DailyResponse(BaseModel):
    currency: str
    event: str
    attribution: Attribution
    creative_ids: list[str]
    days: list[DailyPoint]
