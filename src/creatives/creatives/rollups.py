"""Keep the derived tables exact: per-ad running totals and each event's first and last day.

`ad_event_cumulative` has one row per (customer, event, day, ad) for every day from the ad's
first fact of that event to the event's last day. Each row contains the sums of all facts up
to and including that day, so the sum over days a..b is the row of b minus the row of a - 1:
two index lookups per ad, whatever the length of the range. `event_day_range` contains each
event's first and last day per customer, for the filter options and to clamp ranges.

Both tables are a pure function of `pixel_event_integrated_data`. `refresh_derived` is the
only code that writes them.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.database import analyze_after_write
from creatives.logging import get_logger

log = get_logger(__name__)

# Fact columns the metrics read, stored under the same names in ad_event_cumulative.
SUMMED_COLUMNS = (
    "spend",
    "clicks",
    "impressions",
    "sessions",
    "number_of_events",
    "number_of_events_attr_window_1",
    "number_of_events_attr_window_7",
    "number_of_events_attr_window_30",
    "event_value",
    "event_value_attr_window_1",
    "event_value_attr_window_7",
    "event_value_attr_window_30",
)
# Columns that may be NULL meaning "no value" (a platform export with an empty conversion
# value). Beside each running sum, `<name>_rows` counts the fact rows whose value was not
# NULL, so a range whose count does not grow has no value rather than a value of 0.
VALUED_COLUMNS = (
    "event_value",
    "event_value_attr_window_1",
    "event_value_attr_window_7",
    "event_value_attr_window_30",
)
ALL_DAYS = date(1, 1, 1)


@dataclass(frozen=True)
class RefreshResult:
    customer: str
    start_date: date | None
    events: int
    rows_written: int


LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:key))")

SEED_DAYS = text(
    """
    SELECT ev, least(CAST(:start_date AS date) - 1, last_day) AS seed_day
    FROM creatives.event_day_range
    WHERE customer_name = :customer AND first_day < :start_date
    """
)

DELETE_RUNNING_TOTALS = text(
    """
    DELETE FROM creatives.ad_event_cumulative
    WHERE customer_name = :customer AND date_column >= :start_date
    """
)

DELETE_EVENT_RANGES = text(
    "DELETE FROM creatives.event_day_range WHERE customer_name = :customer"
)

# A recursive CTE walks the (customer_name, ev, ...) index one event at a time, so finding
# the events and their first and last days costs a few index probes per event, not a scan.
INSERT_EVENT_RANGES = text(
    """
    INSERT INTO creatives.event_day_range (customer_name, ev, first_day, last_day)
    WITH RECURSIVE events AS (
        SELECT min(ev) AS ev
        FROM creatives.pixel_event_integrated_data
        WHERE customer_name = :customer
        UNION ALL
        SELECT (
            SELECT min(f.ev) FROM creatives.pixel_event_integrated_data f
            WHERE f.customer_name = :customer AND f.ev > e.ev
        )
        FROM events e
        WHERE e.ev IS NOT NULL
    ),
    ranges AS (
        SELECT e.ev,
               (SELECT min(f.date_column) FROM creatives.pixel_event_integrated_data f
                WHERE f.customer_name = :customer AND f.ev = e.ev) AS first_day,
               (SELECT max(f.date_column) FROM creatives.pixel_event_integrated_data f
                WHERE f.customer_name = :customer AND f.ev = e.ev) AS last_day
        FROM events e
        WHERE e.ev IS NOT NULL
    )
    SELECT :customer, ev, first_day, last_day FROM ranges WHERE first_day IS NOT NULL
    RETURNING ev
    """
)


EVENT_DAYS = text(
    """
    SELECT ev, first_day, last_day FROM creatives.event_day_range
    WHERE customer_name = :customer
    """
)


def valued_rows_column(name: str) -> str:
    """Return the column that counts the valued fact rows of the revenue column `name`."""
    return f"{name}_rows"


def _day_totals_sql() -> str:
    counts = [valued_rows_column(name) for name in VALUED_COLUMNS]
    stored = [*SUMMED_COLUMNS, *counts]
    columns = ", ".join(stored)
    fact_sums = ", ".join(f"sum({name}) AS {name}" for name in SUMMED_COLUMNS)
    # count() skips NULL, so each count grows only by the day's rows that carried a value.
    fact_counts = "".join(
        f", count({name}) AS {count}"
        for name, count in zip(VALUED_COLUMNS, counts, strict=True)
    )
    totals = ", ".join(
        f"coalesce(p.{name}, 0) + coalesce(f.{name}, 0)" for name in stored
    )
    # One day's rows are the rows of the day before plus that day's facts, per event and ad.
    # An ad that had no row the day before starts on its first fact. Both inputs are one
    # index range scan per event, so a day costs about the same whatever the length of the
    # history, and the history is never sorted as a whole.
    return f"""
    INSERT INTO creatives.ad_event_cumulative
        (customer_name, ev, date_column, ad_id, fact_rows, {columns})
    SELECT :customer, coalesce(f.ev, p.ev), CAST(:day AS date),
           coalesce(f.ad_id, p.ad_id),
           coalesce(p.fact_rows, 0) + coalesce(f.fact_rows, 0), {totals}
    FROM (
        SELECT * FROM creatives.ad_event_cumulative
        WHERE customer_name = :customer AND ev = ANY(CAST(:events AS text[]))
          AND date_column = CAST(:day AS date) - 1
    ) p
    FULL JOIN (
        SELECT ev COLLATE "C" AS ev, coalesce(ad_id, '') COLLATE "C" AS ad_id,
               count(*) AS fact_rows, {fact_sums}{fact_counts}
        FROM creatives.pixel_event_integrated_data
        WHERE customer_name = :customer AND ev = ANY(CAST(:events AS text[]))
          AND date_column = CAST(:day AS date)
        GROUP BY 1, 2
    ) f ON f.ev = p.ev AND f.ad_id = p.ad_id
    """


INSERT_DAY_TOTALS = text(_day_totals_sql())


async def refresh_derived(
    conn: AsyncConnection, customer: str, start_date: date | None = None
) -> RefreshResult:
    """Rebuild the derived tables of one customer from its facts, in the caller's transaction.

    Call this after every change to `pixel_event_integrated_data` (insert, update or delete),
    before committing, with `start_date` set to the earliest `date_column` that the change
    touched, or None when that day is unknown. Rows before `start_date` are kept; every later
    row is rebuilt, because a change on one day moves the running totals of all later days.
    Cost grows with the days from `start_date` to the customer's last day: appending one day
    rewrites one day, a backfill in the middle rewrites the rest of the history.

    Concurrent refreshes of the same customer wait for each other (a transaction-scoped
    advisory lock). Facts without `ev` or `date_column` are not counted, as in the metrics.
    Facts without `ad_id` are counted under the ad id '' (empty string).
    """
    await conn.execute(LOCK, {"key": f"creatives.derived:{customer}"})
    since = start_date or ALL_DAYS
    seeds = await _seed_days(conn, customer, start_date)
    await conn.execute(
        DELETE_RUNNING_TOTALS, {"customer": customer, "start_date": since}
    )
    events = await _replace_event_ranges(conn, customer)
    rows = await _insert_running_totals(conn, customer, since, seeds, events)

    # The metrics join two days of running totals per ad. Planned with stale row counts,
    # those joins become nested loops that take minutes for tens of thousands of ads.
    await analyze_after_write(conn, "creatives.ad_event_cumulative", rows)
    await analyze_after_write(conn, "creatives.event_day_range", len(events))
    log.info(
        "derived_refreshed",
        customer_id=customer,
        start_date=start_date.isoformat() if start_date else None,
        events=len(events),
        rows=rows,
    )
    return RefreshResult(customer, start_date, len(events), rows)


async def _seed_days(
    conn: AsyncConnection, customer: str, start_date: date | None
) -> list[tuple[str, date]]:
    """Return, per event, the kept day whose totals the rebuilt days continue from."""
    if start_date is None or start_date == ALL_DAYS:
        return []
    result = await conn.execute(
        SEED_DAYS, {"customer": customer, "start_date": start_date}
    )
    return [(row.ev, row.seed_day) for row in result]


async def _replace_event_ranges(conn: AsyncConnection, customer: str) -> list[str]:
    await conn.execute(DELETE_EVENT_RANGES, {"customer": customer})
    result = await conn.execute(INSERT_EVENT_RANGES, {"customer": customer})
    return [row.ev for row in result]


async def _insert_running_totals(
    conn: AsyncConnection,
    customer: str,
    since: date,
    seeds: list[tuple[str, date]],
    events: list[str],
) -> int:
    days = await _days_to_write(conn, customer, since, dict(seeds))
    if not events or not days:
        return 0
    rows = 0
    day = min(first for first, _ in days.values())
    last = max(end for _, end in days.values())
    while day <= last:
        active = [ev for ev, (first, end) in days.items() if first <= day <= end]
        if active:
            result = await conn.execute(
                INSERT_DAY_TOTALS, {"customer": customer, "day": day, "events": active}
            )
            rows += int(result.rowcount)
        day += timedelta(days=1)
    return rows


async def _days_to_write(
    conn: AsyncConnection, customer: str, since: date, seeds: dict[str, date]
) -> dict[str, tuple[date, date]]:
    """Return, per event, the first and last day whose rows are rewritten.

    An event with a seed continues the day after its seed, which also fills a gap between
    its old last day and `since`. Any other event starts at its first fact.
    """
    days = {}
    for row in await conn.execute(EVENT_DAYS, {"customer": customer}):
        seed = seeds.get(row.ev)
        first = seed + timedelta(days=1) if seed else max(since, row.first_day)
        days[row.ev] = (first, row.last_day)
    return days
