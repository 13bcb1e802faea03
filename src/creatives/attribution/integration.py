"""`creatives integrate`: rebuild a customer's per-ad daily rows from events and spend."""

import time
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from creatives.attribution.daily_rows import DailyWrite
from creatives.attribution.engine import (
    AttributionSettings,
    DayRange,
    create_staging,
    integrate_staged,
)
from creatives.attribution.staging import Staged, data_bounds, stage_all
from creatives.creatives.grouping import refresh_customer
from creatives.errors import NotFoundError, ValidationFailedError
from creatives.logging import get_logger

log = get_logger(__name__)

# The engine sorts every staged event once and hashes the sessions and clients; at the
# default 4 MB those spill to disk. A setting of the transaction, restored afterwards, and
# the same as the running totals' rebuild uses. At 10 million events the sort is an
# estimated 2 GB, so it still spills, but in fewer passes.
INTEGRATION_WORK_MEM = "1GB"


@dataclass(frozen=True)
class CustomerAttribution:
    settings: AttributionSettings
    currency: str
    ad_id_parameter: str


@dataclass(frozen=True)
class IntegrationResult:
    customer_id: str
    start_day: date | None
    end_day: date | None
    rows: int
    seconds: float
    # Events whose value has no exchange rate: counted, but left out of every sum.
    unconverted_events: int = 0


async def load_customer(conn: AsyncConnection, customer_id: str) -> CustomerAttribution:
    row = (
        await conn.execute(
            text(
                """
                SELECT c.time_zone, c.currency, c.attribution_window_days, c.purchase_event,
                       coalesce(s.ad_id_param, 'ad_id') AS ad_id_parameter
                FROM creatives.customers c
                LEFT JOIN creatives.pixel_sites s ON s.customer_id = c.id
                WHERE c.id = :customer
                """
            ),
            {"customer": customer_id},
        )
    ).first()
    if row is None:
        raise NotFoundError(
            f"Customer {customer_id!r} not found; see `creatives customers list`."
        )
    settings = AttributionSettings(
        customer_id=customer_id,
        time_zone=row.time_zone,
        default_window_days=row.attribution_window_days,
        purchase_event=row.purchase_event,
    )
    return CustomerAttribution(settings, row.currency, row.ad_id_parameter)


async def _lock_customer(conn: AsyncConnection, customer_id: str) -> None:
    # Two runs for one customer would delete each other's rows; the second waits.
    await conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('integrate:' || :customer))"),
        {"customer": customer_id},
    )


# Python's dates run from year 1 to 9999, and a rebuild also reads the 30 days before its
# first day and the instant after its last, so the range stops short of both ends. The lower
# bound is a round year before any web analytics data.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(9999, 12, 1)


def _check_supported(flag: str, day: date | None) -> None:
    if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationFailedError(
            f"{flag} {day} is out of range; use a day from {EARLIEST_DAY} to {LATEST_DAY}."
        )


def _check_order(
    start_day: date | None, end_day: date | None, bounds: tuple[date, date] | None
) -> None:
    """Raise when the range is empty, naming only the flags that were given.

    `bounds` are the first and last days with data, which fill an omitted flag.
    """
    if start_day is not None and end_day is not None:
        if start_day > end_day:
            raise ValidationFailedError(
                f"--from {start_day} is after --to {end_day}; swap them."
            )
        return
    if bounds is None:
        return
    if start_day is not None and start_day > bounds[1]:
        raise ValidationFailedError(
            f"--from {start_day} is after the last day with data, {bounds[1]}; "
            "give an earlier --from, or also --to to rebuild days without data."
        )
    if end_day is not None and end_day < bounds[0]:
        raise ValidationFailedError(
            f"--to {end_day} is before the first day with data, {bounds[0]}; "
            "give a later --to, or also --from to rebuild days without data."
        )


UNMAPPED_ADS = text(
    """
    SELECT EXISTS (
        SELECT 1 FROM unnest(CAST(:ads AS text[])) AS added(ad_id)
        WHERE NOT EXISTS (
            SELECT 1 FROM creatives.ad_creative c
            WHERE c.customer_name = :customer AND c.ad_id = added.ad_id
        )
    )
    """
)


async def _grouping_outdated(
    conn: AsyncConnection, customer_id: str, written: DailyWrite
) -> bool:
    """Tell whether the rows written add an ad the creative grouping lacks, or drop one.

    The grouping maps each ad of the dimension and of the facts to a creative, so it only
    changes when the set of ads changes. Rebuilding it reads every fact row of the customer.
    """
    if written.ads_added is None or written.ads_removed is None:
        return True
    if written.ads_removed:
        return True
    if not written.ads_added:
        return False
    result = await conn.execute(
        UNMAPPED_ADS, {"customer": customer_id, "ads": written.ads_added}
    )
    return bool(result.scalar_one())


async def _set_work_mem(conn: AsyncConnection, value: str) -> None:
    await conn.execute(
        text("SELECT set_config('work_mem', :value, true)"), {"value": value}
    )


async def _integrate_days(
    conn: AsyncConnection,
    customer: CustomerAttribution,
    days: DayRange,
    *,
    refresh_from_start: bool,
) -> tuple[DailyWrite, Staged]:
    await create_staging(conn)
    staged = await stage_all(
        conn, customer.settings, customer.currency, customer.ad_id_parameter, days
    )
    written = await integrate_staged(
        conn, customer.settings, days, refresh_from_start=refresh_from_start
    )
    for table in (
        "attribution_input",
        "attribution_clients",
        "attribution_spend",
        "attribution_rates",
    ):
        await conn.execute(text(f"DROP TABLE {table}"))
    return written, staged


def _stale_day_after(staged: Staged, days: DayRange) -> date | None:
    """Return the local day of the first that the range replaced, when it lies after `days`."""
    if staged.moved_first is None:
        return None
    day = staged.moved_first.astimezone(ZoneInfo(days.time_zone)).date()
    return day if day > days.end_day else None


async def integrate_in_transaction(
    conn: AsyncConnection,
    customer_id: str,
    start_day: date | None = None,
    end_day: date | None = None,
    *,
    other_facts_changed: bool = True,
) -> IntegrationResult:
    """Rebuild the rows of `start_day`..`end_day` (default: all data) inside the caller's transaction.

    By default the running totals and the creative grouping are rebuilt for the whole range,
    because a caller such as an import changed fact rows of its own there. With
    `other_facts_changed=False` they are rebuilt only as far as the attribution rows changed.
    """
    started = time.perf_counter()
    await _lock_customer(conn, customer_id)
    customer = await load_customer(conn, customer_id)
    for flag, day in (("--from", start_day), ("--to", end_day)):
        _check_supported(flag, day)
    if start_day is None or end_day is None:
        bounds = await data_bounds(conn, customer_id, customer.settings.time_zone)
        if bounds is None:
            return IntegrationResult(customer_id, None, None, 0, 0.0)
        _check_order(start_day, end_day, bounds)
        start_day = start_day or bounds[0]
        end_day = end_day or bounds[1]
    _check_order(start_day, end_day, None)

    days = DayRange(start_day, end_day, customer.settings.time_zone)
    log.info(
        "integration_started",
        customer_id=customer_id,
        start=str(start_day),
        end=str(end_day),
    )
    previous_work_mem = (await conn.execute(text("SHOW work_mem"))).scalar_one()
    await _set_work_mem(conn, INTEGRATION_WORK_MEM)
    rows = 0
    unconverted = 0
    regroup = other_facts_changed
    part = days
    while True:
        written, staged = await _integrate_days(
            conn, customer, part, refresh_from_start=other_facts_changed
        )
        rows += written.rows
        unconverted += staged.unconverted
        if not regroup:
            regroup = await _grouping_outdated(conn, customer_id, written)
        stale_day = _stale_day_after(staged, part)
        if stale_day is None:
            break
        # The range's events made an earlier first visit or purchase, so the session or
        # purchase that was first, on a later day, is now a returning one.
        log.info(
            "integration_extended",
            customer_id=customer_id,
            start=str(part.end_day + timedelta(days=1)),
            end=str(stale_day),
        )
        part = DayRange(part.end_day + timedelta(days=1), stale_day, part.time_zone)
    await _set_work_mem(conn, str(previous_work_mem))
    if regroup:
        await refresh_customer(conn, customer_id)

    seconds = round(time.perf_counter() - started, 3)
    log.info(
        "integration_finished",
        customer_id=customer_id,
        rows=rows,
        seconds=seconds,
        unconverted_events=unconverted,
    )
    return IntegrationResult(
        customer_id, start_day, part.end_day, rows, seconds, unconverted
    )


async def integrate(
    engine: AsyncEngine,
    customer_id: str,
    start_day: date | None = None,
    end_day: date | None = None,
) -> IntegrationResult:
    """Rebuild in one transaction, so the dashboard never reads half a rebuild.

    Nothing but the attribution rows changes here, so rows that come out the same are left
    alone and the running totals are rebuilt from the first day that changed.
    """
    async with engine.begin() as conn:
        return await integrate_in_transaction(
            conn, customer_id, start_day, end_day, other_facts_changed=False
        )
