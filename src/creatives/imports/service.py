"""Import an export file for a customer in one transaction, and refresh the dashboard.

The file is hashed first, and a file already imported for the customer and channel
is not imported again. It is then read in two streaming passes, and its rows are
copied in batches into a temporary table. The batch is checked as a whole
(currencies, overlapping periods, exchange rates) and merged into `ad_performance`.
Last, the import is recorded and the dashboard rows of its date range are rewritten.
Any error rolls the whole transaction back.
"""

import asyncio
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.attribution.integration import integrate_in_transaction
from creatives.customers import repository as customers
from creatives.errors import NotFoundError
from creatives.imports import dashboard, repository
from creatives.imports.errors import ImportFileError, RowProblem
from creatives.imports.platforms.google_ads import GoogleAdsPlatform
from creatives.imports.platforms.mapped_csv import (
    MappedCsvPlatform,
    MappingError,
    parse_mapping,
)
from creatives.imports.platforms.meta import MetaAdsPlatform
from creatives.imports.rates import RatesFile
from creatives.imports.reader import ParsedFile, Platform
from creatives.imports.rows import AdRow, ParseOptions
from creatives.imports.schemas import (
    CurrencyTotals,
    ImportSummary,
    RatesSummary,
    SkipReason,
)
from creatives.logging import get_logger

log = get_logger(__name__)

BATCH_ROWS = 5000
HASH_CHUNK = 1 << 20
PLATFORMS = ("meta", "google-ads", "csv")
DEFAULT_CSV_CHANNEL = "csv"


class ImportProgress(Protocol):
    """Receiver of progress reports, such as the CLI's progress bar."""

    def advance(self, count: int) -> None:
        """Add `count` bytes read from the file."""

    def phase(self, description: str) -> None:
        """Start a step that reads no more of the file, such as the merge."""


@dataclass(frozen=True)
class ImportRequest:
    """One file to import for one customer."""

    customer_id: str
    path: Path
    file_name: str
    platform: str
    options: ParseOptions = field(default_factory=ParseOptions)
    mapping: str | None = None
    channel: str | None = None


def build_platform(request: ImportRequest) -> Platform:
    """Return the column layout for the request's platform, or raise MappingError."""
    if request.platform == "meta":
        return MetaAdsPlatform()
    if request.platform == "google-ads":
        return GoogleAdsPlatform()
    if request.platform == "csv":
        if not request.mapping:
            raise MappingError(
                "a csv import needs a mapping such as "
                "spend=Cost,impressions=Displays,date=Day,ad_name=Banner"
            )
        channel = request.channel or DEFAULT_CSV_CHANNEL
        has_year = request.options.year is not None
        return MappedCsvPlatform(parse_mapping(request.mapping), channel, has_year)
    raise MappingError(
        f"unknown platform {request.platform!r}; use one of {', '.join(PLATFORMS)}"
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Totals:
    """Per-currency sums and the date range of the rows read from the file."""

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.spend: dict[str, Decimal] = {}
        self.value: dict[str, Decimal] = {}
        self.impressions: Counter[str] = Counter()
        self.clicks: Counter[str] = Counter()
        self.first_day: date | None = None
        self.last_day: date | None = None

    def add(self, row: AdRow) -> None:
        currency = row.currency
        self.rows[currency] += 1
        self.spend[currency] = self.spend.get(currency, Decimal(0)) + (row.spend or 0)
        value = row.conversion_value or 0
        self.value[currency] = self.value.get(currency, Decimal(0)) + value
        self.impressions[currency] += row.impressions or 0
        self.clicks[currency] += row.clicks or 0
        if self.first_day is None or row.period_start < self.first_day:
            self.first_day = row.period_start
        if self.last_day is None or row.period_end > self.last_day:
            self.last_day = row.period_end

    def by_currency(self) -> list[CurrencyTotals]:
        return [
            CurrencyTotals(
                currency=currency,
                rows=self.rows[currency],
                spend=self.spend[currency],
                conversion_value=self.value[currency],
                impressions=self.impressions[currency],
                clicks=self.clicks[currency],
            )
            for currency in sorted(self.rows)
        ]


def _skip_reasons(parsed: ParsedFile) -> list[SkipReason]:
    return [
        SkipReason(
            reason=reason, rows=count, lines=str(parsed.stats.skipped_lines[reason])
        )
        for reason, count in sorted(parsed.stats.skipped.items())
    ]


def _conflict_error(
    file_name: str, line: int, message: str, value: str | None
) -> ImportFileError:
    problem = RowProblem(line=line, column=None, value=value, message=message)
    return ImportFileError(file_name, problem.describe(), [problem])


def _next_batch(rows: Iterator[AdRow], totals: Totals) -> list[tuple[object, ...]]:
    batch = []
    for row in rows:
        totals.add(row)
        batch.append(repository.staging_record(row))
        if len(batch) >= BATCH_ROWS:
            break
    return batch


async def _stage_rows(conn: AsyncConnection, parsed: ParsedFile, totals: Totals) -> int:
    """Copy the file's rows into the staging table; return how many there were."""
    await repository.create_staging(conn)
    rows = parsed.rows()
    count = 0
    # Parsing runs in a worker thread, so the server keeps serving other requests.
    while batch := await asyncio.to_thread(_next_batch, rows, totals):
        await repository.copy_rows(conn, batch)
        count += len(batch)
    return count


async def _check_staged(
    conn: AsyncConnection, request: ImportRequest, channel: str, currency: str
) -> None:
    for check in (repository.currency_conflict(conn), repository.overlap_in_file(conn)):
        conflict = await check
        if conflict is not None:
            raise _conflict_error(
                request.file_name, conflict.line, conflict.message, None
            )

    stored = await repository.overlap_with_stored(conn, request.customer_id, channel)
    if stored is not None:
        raise _conflict_error(request.file_name, stored.line, stored.message, None)

    await repository.build_rates(conn, currency)
    missing = await repository.first_missing_rate(conn)
    if missing is not None:
        message = (
            f"no exchange rate from {missing.currency} to {currency} for "
            f"{missing.day.isoformat()} or the {repository.RATE_LOOKBACK_DAYS} days "
            "before; import rates with `creatives import rates FILE` first"
        )
        raise _conflict_error(
            request.file_name, missing.line, message, missing.day.isoformat()
        )


def _summary_from_stored(stored: object, customer_currency: str) -> ImportSummary:
    row = stored._mapping  # type: ignore[attr-defined]
    totals = row["totals"]
    return ImportSummary(
        import_id=row["id"],
        customer_id=row["customer_id"],
        channel=row["channel"],
        platform=row["platform"],
        file_name=row["file_name"],
        file_sha256=row["file_sha256"],
        already_imported=True,
        rows_read=row["rows_read"],
        rows_imported=row["rows_imported"],
        rows_skipped=row["rows_skipped"],
        ads_periods_stored=row["ads_periods_stored"],
        skipped=[SkipReason(**item) for item in row["skipped_reasons"]],
        period_start=row["period_start"],
        period_end=row["period_end"],
        totals=[CurrencyTotals(**item) for item in totals["by_currency"]],
        customer_currency=customer_currency,
        spend_converted=Decimal(str(totals["spend_converted"])),
        conversion_value_converted=Decimal(str(totals["conversion_value_converted"])),
        dashboard_rows=0,
    )


async def import_ad_file(
    conn: AsyncConnection,
    request: ImportRequest,
    progress: ImportProgress | None = None,
) -> ImportSummary:
    """Import one export inside the caller's transaction and return its summary."""
    customer = await customers.get(conn, request.customer_id)
    if customer is None:
        raise NotFoundError(f"Customer {request.customer_id!r} not found.")

    platform = build_platform(request)
    sha256 = await asyncio.to_thread(file_sha256, request.path)
    stored = await repository.find_import(conn, customer.id, platform.channel, sha256)
    if stored is not None:
        log.info(
            "import_skipped_same_file", customer_id=customer.id, import_id=stored.id
        )
        return _summary_from_stored(stored, customer.currency)

    log.info("import_started", customer_id=customer.id, file=request.file_name)
    parsed = await asyncio.to_thread(
        ParsedFile,
        request.path,
        request.file_name,
        platform,
        request.options,
        on_read=progress.advance if progress else None,
    )

    totals = Totals()
    imported = await _stage_rows(conn, parsed, totals)
    if parsed.stats.rows_read == 0:
        # Raised before the import record is written, and the caller rolls back the
        # staged rows, so an empty export leaves nothing behind.
        raise ImportFileError(
            request.file_name,
            "has no data rows, only a header; export the report with a period "
            "that has ad data",
        )
    if progress is not None:
        progress.phase("Checking and merging the rows")
    await _check_staged(conn, request, platform.channel, customer.currency)

    skipped = _skip_reasons(parsed)
    values = {
        "customer_id": customer.id,
        "channel": platform.channel,
        "platform": request.platform,
        "file_name": request.file_name,
        "file_sha256": sha256,
        "rows_read": parsed.stats.rows_read,
        "rows_imported": imported,
        "rows_skipped": sum(parsed.stats.skipped.values()),
        "ads_periods_stored": 0,
        "skipped_reasons": [item.model_dump() for item in skipped],
        "period_start": totals.first_day,
        "period_end": totals.last_day,
        "totals": {},
    }
    import_id = await repository.insert_import(conn, values)
    stored_count = await repository.merge_rows(
        conn, import_id, customer.id, platform.channel, customer.currency
    )
    spend_converted, value_converted = await repository.converted_totals(
        conn, import_id
    )
    by_currency = totals.by_currency()
    await repository.update_import(
        conn,
        import_id,
        {
            "ads_periods_stored": stored_count,
            "totals": {
                "by_currency": [item.model_dump(mode="json") for item in by_currency],
                "customer_currency": customer.currency,
                "spend_converted": str(spend_converted),
                "conversion_value_converted": str(value_converted),
            },
        },
    )

    dashboard_rows = 0
    if progress is not None:
        progress.phase("Writing the dashboard rows")
    if totals.first_day is not None and totals.last_day is not None:
        dashboard_rows = await refresh_dashboard_rows(
            conn, customer.id, totals.first_day, totals.last_day
        )

    summary = ImportSummary(
        import_id=import_id,
        customer_id=customer.id,
        channel=platform.channel,
        platform=request.platform,
        file_name=request.file_name,
        file_sha256=sha256,
        already_imported=False,
        rows_read=parsed.stats.rows_read,
        rows_imported=imported,
        rows_skipped=sum(parsed.stats.skipped.values()),
        ads_periods_stored=stored_count,
        skipped=skipped,
        period_start=totals.first_day,
        period_end=totals.last_day,
        totals=by_currency,
        customer_currency=customer.currency,
        spend_converted=spend_converted,
        conversion_value_converted=value_converted,
        dashboard_rows=dashboard_rows,
    )
    log.info(
        "import_finished",
        customer_id=customer.id,
        import_id=import_id,
        rows_imported=imported,
        rows_skipped=summary.rows_skipped,
    )
    return summary


async def refresh_dashboard_rows(
    conn: AsyncConnection, customer_id: str, start: date, end: date
) -> int:
    """Rewrite the dashboard rows of a customer's imported performance, start to end.

    Writes daily fact rows (periods spread evenly over their days) and one creative
    dimension row per ad, then rebuilds the customer's creative grouping. Returns the
    number of daily fact rows written. The attribution job then re-attributes the same
    days, because the spend of the pixel rows comes from these imports too.
    """
    facts = await dashboard.replace_facts(conn, customer_id, start, end)
    ads = await dashboard.replace_dimension(conn, customer_id, start, end)
    # Re-attributes these days and rebuilds the grouping and the running totals.
    await integrate_in_transaction(conn, customer_id, start, end)
    log.info(
        "dashboard_rows_refreshed",
        customer_id=customer_id,
        start=start.isoformat(),
        end=end.isoformat(),
        facts=facts,
        ads=ads,
    )
    return facts


async def import_rates_file(
    conn: AsyncConnection,
    path: Path,
    file_name: str,
    *,
    market_notation: bool = False,
    options: ParseOptions | None = None,
) -> RatesSummary:
    """Store every rate of a file; a rate of the same day and pair is replaced."""
    locale = options.locale if options else None
    rates_file = RatesFile(
        path, file_name, market_notation=market_notation, locale=locale
    )
    batch = []
    count = 0
    pairs: set[str] = set()
    first: date | None = None
    last: date | None = None
    for rate in rates_file.rates():
        batch.append(rate)
        count += 1
        pairs.add(f"{rate.base}/{rate.quote}")
        first = rate.day if first is None else min(first, rate.day)
        last = rate.day if last is None else max(last, rate.day)
        if len(batch) >= BATCH_ROWS:
            await repository.upsert_rates(conn, batch)
            batch = []
    if batch:
        await repository.upsert_rates(conn, batch)
    if first is None or last is None:
        raise ImportFileError(file_name, "contains no exchange rates")

    log.info("rates_imported", file=file_name, rates=count)
    return RatesSummary(
        file_name=file_name,
        rates=count,
        pairs=sorted(pairs),
        first_date=first,
        last_date=last,
    )


async def delete_import(conn: AsyncConnection, import_id: int) -> str:
    """Delete an import with its rows, refresh the dashboard and return the customer."""
    deleted = await repository.delete_import(conn, import_id)
    if deleted is None:
        raise NotFoundError(f"Import {import_id} not found.")
    if deleted.first_day is not None:
        await refresh_dashboard_rows(
            conn, deleted.customer_id, deleted.first_day, deleted.last_day
        )
    log.info("import_deleted", import_id=import_id, customer_id=deleted.customer_id)
    return str(deleted.customer_id)
