"""The attribution engine: staged events and spend in, per-ad daily rows out.

Callers stage three temporary tables (see `STAGING_DDL`) and call `integrate_staged`
inside one transaction, which replaces the customer's rows for the day range:

- a *paid session* is a session whose first page view carries an ad key; the session
  is credited to that ad;
- each event takes the client's last paid session that started at or before it. The
  event is attributed within N days when that session started at most N x 24 hours
  earlier (last click, inclusive boundary), and is unattributed otherwise;
- days are the customer's local days: the event's day for events, the session's day for
  sessions and users, the spend day for spend.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.attribution.daily_rows import WINDOWS, DailyWrite, write_daily_rows
from creatives.creatives.rollups import refresh_derived
from creatives.logging import get_logger

log = get_logger(__name__)

# Rows this job writes carry this medium, so a rebuild replaces exactly them and leaves rows
# of imports and of `creatives load` alone.
ATTRIBUTION_MEDIUM = "pixel_attribution"

LOOKBACK_DAYS = max(WINDOWS)

STAGING_DDL = (
    """
    CREATE TEMPORARY TABLE attribution_input (
        event_id text NOT NULL, client_id text, session_id text,
        event_time timestamptz NOT NULL, event_name text NOT NULL,
        value numeric, order_id text, ad_key text
    ) ON COMMIT DROP
    """,
    """
    CREATE TEMPORARY TABLE attribution_clients (
        client_id text PRIMARY KEY, first_seen_at timestamptz, first_purchase_at timestamptz
    ) ON COMMIT DROP
    """,
    """
    CREATE TEMPORARY TABLE attribution_spend (
        ad_id text NOT NULL, day date NOT NULL, spend numeric, impressions numeric,
        clicks numeric, channel text, campaign_id text, campaign_name text,
        adset_id text, adset_name text, ad_name text
    ) ON COMMIT DROP
    """,
)


@dataclass(frozen=True)
class AttributionSettings:
    customer_id: str
    time_zone: str
    default_window_days: int = 7
    purchase_event: str = "order_completed"


@dataclass(frozen=True)
class DayRange:
    """Whole local days, both inclusive, and the UTC instants that bound them."""

    start_day: date
    end_day: date
    time_zone: str

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=ZoneInfo(self.time_zone))

    @property
    def starts_at(self) -> datetime:
        return self._midnight(self.start_day)

    @property
    def ends_before(self) -> datetime:
        return self._midnight(self.end_day + timedelta(days=1))

    @property
    def sessions_from(self) -> datetime:
        """Return the earliest session start that can still credit an event in range."""
        return self.starts_at - timedelta(days=LOOKBACK_DAYS)


WORK_DDL = (
    """
    CREATE TEMPORARY TABLE att_sessions (
        session_id text NOT NULL, client_id text, started_at timestamptz,
        local_day date, ad_id text, is_new_client boolean
    ) ON COMMIT DROP
    """,
    """
    CREATE TEMPORARY TABLE att_paid (
        client_id text NOT NULL, seq bigint NOT NULL, session_id text, ad_id text,
        started_at timestamptz
    ) ON COMMIT DROP
    """,
    """
    CREATE TEMPORARY TABLE att_facts (
        event_id text, event_name text, client_id text, session_id text, order_id text,
        event_time timestamptz, value numeric, local_day date, session_ad_id text,
        ad_id text, clicked_at timestamptz, window_days int, is_new_customer boolean,
        is_purchase boolean
    ) ON COMMIT DROP
    """,
    """
    CREATE TEMPORARY TABLE att_fact_counts (
        session_ad_id text, ad_id text, window_days int, local_day date, event_name text,
        n bigint, v numeric, new_n bigint, new_v numeric
    ) ON COMMIT DROP
    """,
)

# One sort of the events by session. The frame spans the whole session, so `min` reads the
# session's bounds. The sort puts the session's first page view first, and its ad key makes
# the session paid. Hashing the session id in front of it makes the sort compare integers,
# and the text only on a hash collision. The pixel sends `page_view`; storefront exports
# replayed through it name it `page_viewed`.
SESSIONS_SQL = """
INSERT INTO att_sessions
SELECT b.session_id, b.client_id, b.started_at,
       (b.started_at AT TIME ZONE :time_zone)::date AS local_day,
       b.ad_id,
       (c.first_seen_at = b.started_at) AS is_new_client
FROM (
    SELECT DISTINCT ON (hashtextextended(session_id, 0), session_id COLLATE "C")
           session_id,
           min(client_id) OVER whole_session AS client_id,
           min(event_time) OVER whole_session AS started_at,
           CASE WHEN event_name IN ('page_view', 'page_viewed') THEN nullif(ad_key, '') END
               AS ad_id
    FROM attribution_input
    WHERE session_id IS NOT NULL
    WINDOW whole_session AS (
        PARTITION BY hashtextextended(session_id, 0), session_id COLLATE "C"
        ORDER BY event_name NOT IN ('page_view', 'page_viewed'), event_time,
                 event_id COLLATE "C"
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    )
    ORDER BY hashtextextended(session_id, 0), session_id COLLATE "C",
             event_name NOT IN ('page_view', 'page_viewed'), event_time, event_id COLLATE "C"
) b
LEFT JOIN attribution_clients c ON c.client_id = b.client_id
"""

# Paid sessions numbered per client in timeline order, so an event's count of paid sessions
# before it names its last paid session.
PAID_SQL = """
INSERT INTO att_paid
SELECT client_id, row_number() OVER (
           PARTITION BY hashtextextended(client_id, 0), client_id COLLATE "C"
           ORDER BY started_at, session_id COLLATE "C"
       ),
       session_id, ad_id, started_at
FROM att_sessions
WHERE ad_id IS NOT NULL AND client_id IS NOT NULL AND started_at < :ends_before
"""

# Session starts and events of a client on one timeline: counting the paid session starts
# up to each event numbers its last paid session. Ties put the session first, so a session
# that starts at the event's instant still credits it. The events carry their own columns
# through the sort, so the only sort of all events is this one. Only the events that can
# be listed as conversions are kept one by one, in `att_facts`. The daily figures read the
# counts and sums per ad, day, event and window in `att_fact_counts`, which are far fewer.
FACTS_SQL = """
WITH timeline AS (
    SELECT client_id, started_at AS at, 0 AS kind, session_id AS ref,
           NULL::text AS event_name, NULL::text AS session_id, NULL::text AS order_id,
           NULL::numeric AS value
    FROM att_paid
    UNION ALL
    SELECT client_id, event_time, 1, event_id, event_name, session_id, order_id, value
    FROM attribution_input
    WHERE event_time >= :starts_at AND event_time < :ends_before
),
numbered AS (
    SELECT t.*, count(*) FILTER (WHERE kind = 0) OVER (
        PARTITION BY hashtextextended(client_id, 0), client_id COLLATE "C"
        ORDER BY at, kind, ref COLLATE "C" ROWS UNBOUNDED PRECEDING
    ) AS paid_seq
    FROM timeline t
),
credited AS (
    SELECT n.ref AS event_id, n.event_name, n.client_id, n.session_id, n.order_id,
           n.at AS event_time, n.value, p.ad_id AS last_ad, p.started_at AS clicked_at
    FROM numbered n
    LEFT JOIN att_paid p
      ON p.client_id = n.client_id AND p.seq = n.paid_seq AND n.client_id IS NOT NULL
    WHERE n.kind = 1
),
facts AS (
SELECT c.event_id, c.event_name, c.client_id, c.session_id, c.order_id, c.event_time,
       c.value,
       (c.event_time AT TIME ZONE :time_zone)::date AS local_day,
       s.ad_id AS session_ad_id,
       c.last_ad AS ad_id,
       c.clicked_at,
       CASE
           WHEN c.last_ad IS NULL THEN NULL
           WHEN c.event_time - c.clicked_at <= interval '24 hours' THEN 1
           WHEN c.event_time - c.clicked_at <= interval '168 hours' THEN 7
           WHEN c.event_time - c.clicked_at <= interval '720 hours' THEN 30
       END AS window_days,
       coalesce(c.event_name = :purchase_event
                AND cl.first_purchase_at = c.event_time, false) AS is_new_customer,
       (c.event_name = :purchase_event) AS is_purchase
FROM credited c
LEFT JOIN att_sessions s ON s.session_id = c.session_id
LEFT JOIN attribution_clients cl ON cl.client_id = c.client_id
),
conversions AS (
    INSERT INTO att_facts
    SELECT * FROM facts
    WHERE event_name NOT IN ('page_view', 'page_viewed')
      AND (window_days IS NOT NULL OR session_ad_id IS NOT NULL)
)
INSERT INTO att_fact_counts
SELECT session_ad_id, CASE WHEN window_days IS NOT NULL THEN ad_id END, window_days,
       local_day, event_name, count(*), sum(value),
       count(*) FILTER (WHERE is_new_customer), sum(value) FILTER (WHERE is_new_customer)
FROM facts
GROUP BY 1, 2, 3, 4, 5
"""


def _unattributed(window: int) -> str:
    outside = f"(window_days IS NULL OR window_days > {window})"
    return (
        f"coalesce(sum(n) FILTER (WHERE {outside}), 0), "
        f"coalesce(sum(v) FILTER (WHERE {outside}), 0)"
    )


UNATTRIBUTED_SQL = f"""
INSERT INTO creatives.unattributed_daily (
    customer_id, local_day, event_name, conversions, value,
    unattributed_1, unattributed_value_1, unattributed_7, unattributed_value_7,
    unattributed_30, unattributed_value_30, unattributed_session, unattributed_value_session
)
SELECT :customer, local_day, event_name, sum(n), coalesce(sum(v), 0),
       {_unattributed(1)}, {_unattributed(7)}, {_unattributed(30)},
       coalesce(sum(n) FILTER (WHERE session_ad_id IS NULL), 0),
       coalesce(sum(v) FILTER (WHERE session_ad_id IS NULL), 0)
FROM att_fact_counts
GROUP BY local_day, event_name
"""

CONVERSIONS_SQL = """
INSERT INTO creatives.attributed_conversion (
    customer_id, event_id, event_name, client_id, session_id, order_id, converted_at,
    local_day, value, session_ad_id, ad_id, clicked_at, window_days, is_new_customer
)
SELECT :customer, event_id, event_name, client_id, session_id, order_id, event_time,
       local_day, value, session_ad_id,
       CASE WHEN window_days IS NOT NULL THEN ad_id END,
       CASE WHEN window_days IS NOT NULL THEN clicked_at END,
       window_days, is_new_customer
FROM att_facts
WHERE event_name NOT IN ('page_view', 'page_viewed') AND (window_days IS NOT NULL OR session_ad_id IS NOT NULL)
"""

DELETE_SQL = (
    """
    DELETE FROM creatives.unattributed_daily
    WHERE customer_id = :customer AND local_day BETWEEN :start_day AND :end_day
    """,
    """
    DELETE FROM creatives.attributed_conversion
    WHERE customer_id = :customer AND local_day BETWEEN :start_day AND :end_day
    """,
)


async def create_staging(conn: AsyncConnection) -> None:
    for statement in STAGING_DDL:
        await conn.execute(text(statement))


async def integrate_staged(
    conn: AsyncConnection,
    settings: AttributionSettings,
    days: DayRange,
    *,
    refresh_from_start: bool = False,
) -> DailyWrite:
    """Replace the customer's daily rows for `days` from the staged tables; return what changed.

    Set `refresh_from_start` when the caller changed other fact rows of the range (an
    import's rows), so the running totals are rebuilt from the first day of the range
    whatever the attribution rows did.
    """
    params = {
        "customer": settings.customer_id,
        "time_zone": settings.time_zone,
        "purchase_event": settings.purchase_event,
        "start_day": days.start_day,
        "end_day": days.end_day,
        "starts_at": days.starts_at,
        "ends_before": days.ends_before,
        "attribution_medium": ATTRIBUTION_MEDIUM,
    }
    for statement in WORK_DDL:
        await conn.execute(text(statement))
    await conn.execute(text(SESSIONS_SQL), params)
    await conn.execute(text("ANALYZE att_sessions"))
    await conn.execute(text(PAID_SQL), params)
    await conn.execute(text("ANALYZE att_paid"))
    await conn.execute(text(FACTS_SQL), params)
    await conn.execute(text("ANALYZE att_fact_counts"))

    written = await write_daily_rows(conn, settings.default_window_days, params)
    for statement in DELETE_SQL:
        await conn.execute(text(statement), params)
    await conn.execute(text(UNATTRIBUTED_SQL), params)
    await conn.execute(text(CONVERSIONS_SQL), params)

    await conn.execute(text("DROP TABLE att_facts"))
    await conn.execute(text("DROP TABLE att_fact_counts"))
    await conn.execute(text("DROP TABLE att_paid"))
    await conn.execute(text("DROP TABLE att_sessions"))
    # The running totals are a function of the daily rows, so days before the first changed
    # row keep theirs, and a run that changed no row keeps them all.
    refresh_from = days.start_day if refresh_from_start else written.first_changed_day
    if refresh_from is not None:
        await refresh_derived(conn, settings.customer_id, refresh_from)
    log.info(
        "attribution_rows_written",
        customer_id=settings.customer_id,
        rows=written.rows,
        deleted=written.deleted,
        inserted=written.inserted,
        first_changed_day=str(written.first_changed_day),
    )
    return written
