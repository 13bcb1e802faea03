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

from creatives.creatives.rollups import refresh_derived

WINDOWS = (1, 7, 30)
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
        session_id text PRIMARY KEY, client_id text, started_at timestamptz,
        local_day date, ad_id text, is_new_client boolean
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
)

SESSIONS_SQL = """
INSERT INTO att_sessions
WITH bounds AS (
    SELECT session_id, min(client_id) AS client_id, min(event_time) AS started_at
    FROM attribution_input
    WHERE session_id IS NOT NULL
    GROUP BY session_id
),
landing AS (
    SELECT DISTINCT ON (session_id) session_id, nullif(ad_key, '') AS ad_id
    FROM attribution_input
    -- The pixel sends `page_view`; storefront exports replayed through it name it `page_viewed`.
    WHERE session_id IS NOT NULL AND event_name IN ('page_view', 'page_viewed')
    ORDER BY session_id, event_time, event_id
)
SELECT b.session_id, b.client_id, b.started_at,
       (b.started_at AT TIME ZONE :time_zone)::date AS local_day,
       l.ad_id,
       (c.first_seen_at = b.started_at) AS is_new_client
FROM bounds b
LEFT JOIN landing l USING (session_id)
LEFT JOIN attribution_clients c ON c.client_id = b.client_id
"""

# Session starts and events of a client on one timeline: every paid session opens a group,
# so each event's group names its last paid session. Ties put the session first, so a
# session that starts at the event's instant still credits it.
FACTS_SQL = """
INSERT INTO att_facts
WITH timeline AS (
    SELECT client_id, started_at AS at, 0 AS kind, session_id AS ref, ad_id
    FROM att_sessions
    WHERE ad_id IS NOT NULL AND client_id IS NOT NULL AND started_at < :ends_before
    UNION ALL
    SELECT client_id, event_time, 1, event_id, NULL
    FROM attribution_input
    WHERE client_id IS NOT NULL AND event_time >= :starts_at AND event_time < :ends_before
),
numbered AS (
    SELECT *, count(*) FILTER (WHERE kind = 0) OVER (
        PARTITION BY client_id ORDER BY at, kind, ref ROWS UNBOUNDED PRECEDING
    ) AS paid_seq
    FROM timeline
),
credited AS (
    SELECT ref AS event_id, kind, paid_seq,
           first_value(ad_id) OVER grp AS last_ad,
           first_value(at) OVER grp AS clicked_at
    FROM numbered
    WINDOW grp AS (PARTITION BY client_id, paid_seq ORDER BY kind, at, ref)
)
SELECT i.event_id, i.event_name, i.client_id, i.session_id, i.order_id, i.event_time,
       i.value,
       (i.event_time AT TIME ZONE :time_zone)::date AS local_day,
       s.ad_id AS session_ad_id,
       c.last_ad AS ad_id,
       CASE WHEN c.last_ad IS NOT NULL THEN c.clicked_at END AS clicked_at,
       CASE
           WHEN c.last_ad IS NULL THEN NULL
           WHEN i.event_time - c.clicked_at <= interval '24 hours' THEN 1
           WHEN i.event_time - c.clicked_at <= interval '168 hours' THEN 7
           WHEN i.event_time - c.clicked_at <= interval '720 hours' THEN 30
       END AS window_days,
       coalesce(i.event_name = :purchase_event
                AND cl.first_purchase_at = i.event_time, false) AS is_new_customer,
       (i.event_name = :purchase_event) AS is_purchase
FROM attribution_input i
LEFT JOIN att_sessions s ON s.session_id = i.session_id
LEFT JOIN credited c ON c.event_id = i.event_id AND c.kind = 1
LEFT JOIN attribution_clients cl ON cl.client_id = i.client_id
WHERE i.event_time >= :starts_at AND i.event_time < :ends_before
"""


def _window_aggregates(window: int) -> str:
    inside = f"window_days <= {window}"
    return f"""
           count(*) FILTER (WHERE {inside}) AS n_{window},
           coalesce(sum(value) FILTER (WHERE {inside}), 0) AS v_{window},
           count(*) FILTER (WHERE {inside} AND is_new_customer) AS new_{window},
           count(*) FILTER (WHERE {inside} AND is_purchase AND NOT is_new_customer) AS ret_{window},
           coalesce(sum(value) FILTER (WHERE {inside} AND is_new_customer), 0) AS new_v_{window},
           coalesce(sum(value) FILTER (WHERE {inside} AND is_purchase AND NOT is_new_customer), 0)
               AS ret_v_{window}"""


def _window_columns(default_window: int) -> tuple[list[str], list[str]]:
    """Return the target columns of the attributed figures and the expressions filling them."""
    columns: list[str] = []
    values: list[str] = []
    for window in WINDOWS:
        suffix = f"_attr_window_{window}"
        columns += [
            f"number_of_events{suffix}",
            f"event_value{suffix}",
            f"shopify_revenue{suffix}",
            f"new_customer{suffix}",
            f"returning_customer{suffix}",
            f"new_customer_revenue{suffix}",
            f"returning_customer_revenue{suffix}",
        ]
        values += [
            f"coalesce(a.n_{window}, 0)",
            f"coalesce(a.v_{window}, 0)",
            f"CASE WHEN k.ev = :purchase_event THEN coalesce(a.v_{window}, 0) END",
            f"coalesce(a.new_{window}, 0)",
            f"coalesce(a.ret_{window}, 0)",
            f"coalesce(a.new_v_{window}, 0)",
            f"coalesce(a.ret_v_{window}, 0)",
        ]
    default = default_window
    columns += [
        "number_of_events_attr",
        "event_value_attr",
        "shopify_revenue_attr",
        "new_customer_attr",
        "returning_customer_attr",
        "new_customer_revenue_attr",
        "returning_customer_revenue_attr",
    ]
    values += [
        f"coalesce(a.n_{default}, 0)",
        f"coalesce(a.v_{default}, 0)",
        f"CASE WHEN k.ev = :purchase_event THEN coalesce(a.v_{default}, 0) END",
        f"coalesce(a.new_{default}, 0)",
        f"coalesce(a.ret_{default}, 0)",
        f"coalesce(a.new_v_{default}, 0)",
        f"coalesce(a.ret_v_{default}, 0)",
    ]
    return columns, values


def daily_rows_sql(default_window: int) -> str:
    window_columns, window_values = _window_columns(default_window)
    aggregates = ",".join(_window_aggregates(window) for window in WINDOWS)
    return f"""
    INSERT INTO creatives.pixel_event_integrated_data (
        customer_name, date_column, date, ad_id, ev, medium, source, bg_source, bg_source_id,
        campaign_id, campaign_name, adset_id, adset_name, ad_name,
        spend, impressions, clicks, sessions, users, new_users, pageviews,
        number_of_events, event_value, shopify_revenue, new_customer, returning_customer,
        new_customer_revenue, returning_customer_revenue,
        {", ".join(window_columns)}, is_integrated_channel
    )
    WITH event_names AS (
        SELECT DISTINCT event_name AS ev FROM attribution_input
    ),
    spend AS (
        SELECT ad_id, day, sum(spend) AS spend, sum(impressions) AS impressions,
               sum(clicks) AS clicks
        FROM attribution_spend
        WHERE day BETWEEN :start_day AND :end_day
        GROUP BY ad_id, day
    ),
    ad_meta AS (
        SELECT DISTINCT ON (ad_id) ad_id, channel, campaign_id, campaign_name, adset_id,
               adset_name, ad_name
        FROM attribution_spend
        ORDER BY ad_id, day DESC
    ),
    traffic AS (
        SELECT ad_id, local_day AS day, count(*) AS sessions,
               count(DISTINCT client_id) AS users,
               count(DISTINCT client_id) FILTER (WHERE is_new_client) AS new_users
        FROM att_sessions
        WHERE ad_id IS NOT NULL AND local_day BETWEEN :start_day AND :end_day
        GROUP BY ad_id, local_day
    ),
    page_views AS (
        SELECT session_ad_id AS ad_id, local_day AS day, count(*) AS pageviews
        FROM att_facts
        WHERE session_ad_id IS NOT NULL AND event_name IN ('page_view', 'page_viewed')
        GROUP BY 1, 2
    ),
    same_session AS (
        SELECT session_ad_id AS ad_id, local_day AS day, event_name AS ev,
               count(*) AS n, coalesce(sum(value), 0) AS v,
               count(*) FILTER (WHERE is_new_customer) AS new_n,
               count(*) FILTER (WHERE is_purchase AND NOT is_new_customer) AS ret_n,
               coalesce(sum(value) FILTER (WHERE is_new_customer), 0) AS new_v,
               coalesce(sum(value) FILTER (WHERE is_purchase AND NOT is_new_customer), 0) AS ret_v
        FROM att_facts
        WHERE session_ad_id IS NOT NULL
        GROUP BY 1, 2, 3
    ),
    attributed AS (
        SELECT ad_id, local_day AS day, event_name AS ev, {aggregates}
        FROM att_facts
        WHERE ad_id IS NOT NULL AND window_days IS NOT NULL
        GROUP BY 1, 2, 3
    ),
    ad_days AS (
        SELECT ad_id, day FROM spend
        UNION
        SELECT ad_id, day FROM traffic
    ),
    keys AS (
        SELECT d.ad_id, d.day, e.ev FROM ad_days d CROSS JOIN event_names e
        UNION
        SELECT ad_id, day, ev FROM same_session
        UNION
        SELECT ad_id, day, ev FROM attributed
    )
    SELECT :customer, k.day, to_char(k.day, 'YYYY-MM-DD'), k.ad_id, k.ev, :attribution_medium,
           m.channel, m.channel, k.ad_id,
           m.campaign_id, m.campaign_name, m.adset_id, m.adset_name, m.ad_name,
           coalesce(sp.spend, 0), coalesce(sp.impressions, 0), coalesce(sp.clicks, 0),
           coalesce(t.sessions, 0), coalesce(t.users, 0), coalesce(t.new_users, 0),
           coalesce(pv.pageviews, 0),
           coalesce(ss.n, 0), coalesce(ss.v, 0),
           CASE WHEN k.ev = :purchase_event THEN coalesce(ss.v, 0) END,
           coalesce(ss.new_n, 0), coalesce(ss.ret_n, 0), coalesce(ss.new_v, 0),
           coalesce(ss.ret_v, 0),
           {", ".join(window_values)}, 1
    FROM keys k
    LEFT JOIN spend sp ON sp.ad_id = k.ad_id AND sp.day = k.day
    LEFT JOIN traffic t ON t.ad_id = k.ad_id AND t.day = k.day
    LEFT JOIN page_views pv ON pv.ad_id = k.ad_id AND pv.day = k.day
    LEFT JOIN same_session ss ON ss.ad_id = k.ad_id AND ss.day = k.day AND ss.ev = k.ev
    LEFT JOIN attributed a ON a.ad_id = k.ad_id AND a.day = k.day AND a.ev = k.ev
    LEFT JOIN ad_meta m ON m.ad_id = k.ad_id
    """


def _unattributed(window: int) -> str:
    outside = f"(window_days IS NULL OR window_days > {window})"
    return (
        f"count(*) FILTER (WHERE {outside}), "
        f"coalesce(sum(value) FILTER (WHERE {outside}), 0)"
    )


UNATTRIBUTED_SQL = f"""
INSERT INTO creatives.unattributed_daily (
    customer_id, local_day, event_name, conversions, value,
    unattributed_1, unattributed_value_1, unattributed_7, unattributed_value_7,
    unattributed_30, unattributed_value_30, unattributed_session, unattributed_value_session
)
SELECT :customer, local_day, event_name, count(*), coalesce(sum(value), 0),
       {_unattributed(1)}, {_unattributed(7)}, {_unattributed(30)},
       count(*) FILTER (WHERE session_ad_id IS NULL),
       coalesce(sum(value) FILTER (WHERE session_ad_id IS NULL), 0)
FROM att_facts
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
    DELETE FROM creatives.pixel_event_integrated_data
    WHERE customer_name = :customer AND date_column BETWEEN :start_day AND :end_day
      AND medium = :attribution_medium
    """,
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
    conn: AsyncConnection, settings: AttributionSettings, days: DayRange
) -> int:
    """Replace the customer's daily rows for `days` from the staged tables; return rows written."""
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
    await conn.execute(text(FACTS_SQL), params)
    await conn.execute(text("ANALYZE att_facts"))

    for statement in DELETE_SQL:
        await conn.execute(text(statement), params)
    result = await conn.execute(
        text(daily_rows_sql(settings.default_window_days)), params
    )
    await conn.execute(text(UNATTRIBUTED_SQL), params)
    await conn.execute(text(CONVERSIONS_SQL), params)

    await conn.execute(text("DROP TABLE att_facts"))
    await conn.execute(text("DROP TABLE att_sessions"))
    await refresh_derived(conn, settings.customer_id, days.start_day)
    return int(result.rowcount)
