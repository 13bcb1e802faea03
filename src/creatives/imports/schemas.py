"""Summaries of an import, returned by the upload endpoint and printed by the CLI."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, PlainSerializer

from creatives.errors import FieldError

# Stored and summed as Decimal; rendered as a JSON number like the other endpoints.
Amount = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class CurrencyTotals(BaseModel):
    """Sums of the imported rows in one currency, as written in the file."""

    currency: str
    rows: int
    spend: Amount
    conversion_value: Amount
    impressions: int
    clicks: int


class SkipReason(BaseModel):
    reason: str
    rows: int
    lines: str


class ImportSummary(BaseModel):
    """Summary of one import: rows read, stored and skipped, totals, date range."""

    import_id: int
    customer_id: str
    channel: str
    platform: str
    file_name: str
    file_sha256: str
    already_imported: bool
    rows_read: int
    rows_imported: int
    rows_skipped: int
    ads_periods_stored: int
    skipped: list[SkipReason]
    period_start: date | None
    period_end: date | None
    totals: list[CurrencyTotals]
    customer_currency: str
    spend_converted: Amount
    conversion_value_converted: Amount
    dashboard_rows: int


class RatesSummary(BaseModel):
    """Summary of a rates import: how many rates, which pairs, which dates."""

    file_name: str
    rates: int
    pairs: list[str]
    first_date: date
    last_date: date


class ImportProblem(FieldError):
    """One problem of a rejected file, with the cell it was found in when known."""

    file: str | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None


class ImportErrorBody(BaseModel):
    code: str
    message: str
    fields: list[ImportProblem] | None = None


class ImportErrorResponse(BaseModel):
    """The API's error shape, with the file position of each problem."""

    error: ImportErrorBody
