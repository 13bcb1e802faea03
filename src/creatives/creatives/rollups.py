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
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

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
# One sort of a large customer's facts; the default 4 MB would spill it to disk.
REFRESH_WORK_MEM = "1GB"


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


def valued_rows_column(name: str) -> str:
    """Return the column that counts the valued fact rows of the revenue column `name`."""
    return f"{name}_rows"


def _running_totals_sql() -> str:
    counts = [valued_rows_column(name) for name in VALUED_COLUMNS]
    columns = ", ".join([*SUMMED_COLUMNS, *counts])
    seed_columns = ", ".join(f"c.{name}" for name in [*SUMMED_COLUMNS, *counts])
    fact_counts = "".join(
        f", CAST({name} IS NOT NULL AS integer) AS {count}"
        for name, count in zip(VALUED_COLUMNS, counts, strict=True)
    )
    running = ",\n".join(
        f"sum({name}) OVER w AS {name}" for name in [*SUMMED_COLUMNS, *counts]
    )
    totals = ", ".join(f"coalesce({name}, 0)" for name in [*SUMMED_COLUMNS, *counts])
    # Seeds are the last kept rows of each event: those of the day before start_date, or of
    # the event's old last day when that is earlier. Merged in front of the new facts, they
    # carry the earlier totals into the running sums. After the window, the last row of each
    # day contains that day's totals, and it repeats on every day until the ad's next fact day
    # (or the event's last day), which makes the table dense. Days after a seed day are
    # written, so a gap between the old last day and start_date is filled too.
    # Both sorts lead with integer keys, which compare far faster than the text ids. The
    # final order puts each event's days in key order, so the inserts append to the index
    # and one day's rows share heap pages; the order of ads within a day does not matter.
    return f"""
    INSERT INTO creatives.ad_event_cumulative
        (customer_name, ev, date_column, ad_id, fact_rows, {columns})
    WITH seed_days AS (
        SELECT * FROM unnest(CAST(:seed_events AS text[]), CAST(:seed_days AS date[]))
            AS s(ev, day)
    ),
    seeds AS (
        SELECT c.ev, c.ad_id, c.date_column, c.fact_rows, {seed_columns}
        FROM seed_days s
        JOIN creatives.ad_event_cumulative c
          ON c.customer_name = :customer AND c.ev = s.ev AND c.date_column = s.day
    ),
    new_facts AS (
        SELECT ev COLLATE "C" AS ev, coalesce(ad_id, '') COLLATE "C" AS ad_id,
               date_column, 1 AS fact_rows, {", ".join(SUMMED_COLUMNS)}{fact_counts}
        FROM creatives.pixel_event_integrated_data
        WHERE customer_name = :customer AND ev = ANY(CAST(:events AS text[]))
          AND date_column >= :start_date
    ),
    running AS (
        SELECT ev, ad_id, date_column,
               lead(date_column) OVER w AS next_day,
               sum(fact_rows) OVER w AS fact_rows,
               {running}
        FROM (SELECT * FROM seeds UNION ALL SELECT * FROM new_facts) merged
        WINDOW w AS (
            PARTITION BY hashtextextended(ad_id, 0), ev, ad_id
            ORDER BY date_column ROWS UNBOUNDED PRECEDING
        )
    ),
    day_totals AS (
        SELECT r.*, er.last_day,
               coalesce(sd.day + 1, CAST(:start_date AS date)) AS first_new_day
        FROM running r
        JOIN creatives.event_day_range er
          ON er.customer_name = :customer AND er.ev = r.ev
        LEFT JOIN seed_days sd ON sd.ev = r.ev
        WHERE r.next_day IS DISTINCT FROM r.date_column
    ),
    expanded AS (
        SELECT t.*,
               t.date_column + generate_series(
                   greatest(t.first_new_day, t.date_column) - t.date_column,
                   coalesce(t.next_day - 1, t.last_day) - t.date_column
               ) AS day
        FROM day_totals t
    )
    SELECT :customer, ev, day, ad_id, fact_rows, {totals}
    FROM expanded
    ORDER BY array_position(CAST(:events AS text[]), CAST(ev AS text)), day,
             hashtextextended(ad_id, 0)
    """


INSERT_RUNNING_TOTALS = text(_running_totals_sql())


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
    if not events:
        return 0
    # Restored afterwards, so the caller's later statements keep their own setting. A failed
    # insert aborts the transaction, which undoes the setting anyway.
    previous = (await conn.execute(text("SHOW work_mem"))).scalar_one()
    await _set_work_mem(conn, REFRESH_WORK_MEM)
    result = await conn.execute(
        INSERT_RUNNING_TOTALS,
        {
            "customer": customer,
            "start_date": since,
            "events": events,
            "seed_events": [ev for ev, _ in seeds],
            "seed_days": [day for _, day in seeds],
        },
    )
    await _set_work_mem(conn, str(previous))
    return int(result.rowcount)


async def _set_work_mem(conn: AsyncConnection, value: str) -> None:
    await conn.execute(
        text("SELECT set_config('work_mem', :value, true)"), {"value": value}
    )
