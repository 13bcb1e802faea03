"""Bodies of the attribution endpoints."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from creatives.creatives.metrics import Attribution


class Unattributed(BaseModel):
    """Events of the filtered name and range that no ad received in the selected window."""

    conversions: float
    revenue: float
    actual_conversions: float = Field(
        description="Every event of that name, attributed or not."
    )
    actual_revenue: float


class Conversion(BaseModel):
    event_id: str
    order_id: str | None
    value: float | None
    converted_at: datetime
    local_day: date
    clicked_at: datetime | None = Field(
        description="Start of the paid session credited."
    )
    window_days: int | None = Field(
        description="Smallest window (1, 7 or 30) that contains it."
    )
    ad_id: str | None
    same_session: bool = Field(
        description="The event happened inside the ad's own session."
    )


class ConversionsResponse(BaseModel):
    creative_id: str
    event: str
    attribution: Attribution
    currency: str
    count: int = Field(description="Conversions on every page.")
    value: float = Field(description="Value of the conversions on every page.")
    page: int
    page_size: int
    conversions: list[Conversion] = Field(
        description="The conversions of this page, oldest first."
    )
