"""Pixel events, spend and exchange rates for the attribution benchmark, generated in SQL.

The shape follows a mid-sized shop: visitors come back (a geometric number of visits a
few days apart), a share of the sessions lands from an ad that ran that day, every event
of a paid session carries the ad id (the pixel copies the session's attribution onto each
event), a few sessions end in a purchase, some purchases are in USD, and 1 % of the
sessions are bots. Everything is drawn from `setseed`, so a size and an end day always
give the same data.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import psycopg

from creatives.pixel.repository import next_month, partition_name

CUSTOMER = "bench"
TIME_ZONE = "Europe/Berlin"
CURRENCY = "EUR"
PURCHASE_EVENT = "order_completed"
# Marks the events and the spend import of the appended day, so a reused dataset can drop them.
APPENDED_SOURCE = "bench_append"
PAID_SHARE = 0.35
UNKNOWN_AD_SHARE = 0.01
BOT_SHARE = 0.01
CART_SHARE = 0.10
PURCHASE_SHARE_PAID = 0.06
PURCHASE_SHARE_ORGANIC = 0.035
USD_SHARE = 0.05
# Events per client, measured on this generator; it sizes the client table so the cut to
# the requested number of events drops only a few percent of the sessions.
EVENTS_PER_CLIENT = 6.8
# Sessions of the appended day that arrive late, dated the day before.
LATE_SESSION_SHARE = 0.05


@dataclass(frozen=True)
class Shape:
    events: int
    days: int
    ads: int
    end_day: date
    seed: float = 0.42

    @property
    def first_day(self) -> date:
        return self.end_day - timedelta(days=self.days - 1)

    @property
    def new_day(self) -> date:
        return self.end_day + timedelta(days=1)

    @property
    def clients(self) -> int:
        return max(1, round(self.events / EVENTS_PER_CLIENT))

    def params(self) -> dict[str, object]:
        return {
            "customer": CUSTOMER,
            "time_zone": TIME_ZONE,
            "currency": CURRENCY,
            "seed": self.seed,
            "events": self.events,
            "days": self.days,
            "ads": self.ads,
            "clients": self.clients,
            "first_day": self.first_day,
            "end_day": self.end_day,
            "new_day": self.new_day,
            "purchase_event": PURCHASE_EVENT,
            "appended": APPENDED_SOURCE,
        }


CUSTOMER_SQL = """
INSERT INTO creatives.customers (id, name, currency, time_zone, purchase_event)
VALUES (%(customer)s, 'Attribution benchmark', %(currency)s, %(time_zone)s, %(purchase_event)s)
"""

RATES_SQL = """
INSERT INTO creatives.exchange_rates (rate_date, base_currency, quote_currency, rate)
SELECT day::date, %(currency)s, 'USD', round((1.05 + 0.1 * random())::numeric, 4)
FROM generate_series(%(first_day)s::date - 7, %(new_day)s::date, interval '1 day') AS day
"""

# Flights start up to 60 days before the first day, so the first days have running ads too.
ADS_SQL = """
CREATE UNLOGGED TABLE bench_gen.ads AS
SELECT a AS ad_no, '1202' || lpad(a::text, 11, '0') AS ad_id,
       %(first_day)s::date - 60 + floor(random() * (%(days)s + 60))::int AS flight_start,
       20 + floor(random() * 100)::int AS flight_days
FROM generate_series(1, %(ads)s) AS a
"""

AD_DAYS_SQL = """
CREATE UNLOGGED TABLE bench_gen.ad_days AS
SELECT d.day::date AS day, a.ad_no, a.ad_id,
       row_number() OVER (PARTITION BY d.day ORDER BY a.ad_no) AS rn
FROM bench_gen.ads a
CROSS JOIN LATERAL generate_series(
    greatest(a.flight_start, %(first_day)s::date),
    least(a.flight_start + a.flight_days - 1, %(new_day)s::date),
    interval '1 day'
) AS d(day)
"""

DAY_COUNTS_SQL = """
CREATE UNLOGGED TABLE bench_gen.day_counts AS
SELECT day, count(*) AS ads FROM bench_gen.ad_days GROUP BY day
"""

IMPORT_SQL = """
INSERT INTO creatives.ad_imports (
    customer_id, channel, platform, file_name, file_sha256, rows_read, rows_imported,
    rows_skipped, ads_periods_stored, skipped_reasons, period_start, period_end, totals
)
VALUES (%(customer)s, 'meta', 'meta', %(file_name)s, md5(%(file_name)s) || md5(%(file_name)s),
        0, 0, 0, 0, '{}', %(start)s, %(end)s, '{}')
RETURNING id
"""

SPEND_SQL = """
INSERT INTO creatives.ad_performance (
    customer_id, channel, ad_key, period_start, period_end, ad_id, campaign_id, campaign_name,
    ad_set_id, ad_set_name, ad_name, currency, spend, customer_currency, exchange_rate,
    spend_converted, impressions, reach, clicks, import_id, source_line, source_rows
)
SELECT %(customer)s, 'meta', ad_id, day, day, ad_id, 'c' || ad_no %% 40,
       'Campaign ' || ad_no %% 40, 'a' || ad_no %% 400, 'Ad set ' || ad_no %% 400,
       'Ad ' || ad_no, %(currency)s, spend, %(currency)s, 1, spend, impressions,
       impressions * 7 / 10, impressions / 100, %(import_id)s,
       row_number() OVER (ORDER BY day, ad_no), 1
FROM (
    SELECT day, ad_no, ad_id, round((5 + 195 * random())::numeric, 2) AS spend,
           (500 + 20000 * random())::bigint AS impressions
    FROM bench_gen.ad_days
    WHERE day BETWEEN %(start)s AND %(end)s
) d
"""

# Visits of one client are 4 hours to 6 days apart, with up to an hour of jitter, so two
# sessions of a client never overlap and many fall inside each other's windows.
CLIENTS_SQL = """
CREATE UNLOGGED TABLE bench_gen.clients AS
SELECT c AS client_no, md5('client' || c)::uuid::text AS client_id,
       (%(first_day)s::date)::timestamp AT TIME ZONE %(time_zone)s
           + random() * (%(days)s * interval '1 day') AS first_at,
       interval '4 hours' + random() * interval '6 days' AS gap,
       1 + floor(-ln(1 - random()) * 1.5)::int AS visits
FROM generate_series(1, %(clients)s) AS c
"""

SESSION_COLUMNS = """
       random() AS paid_draw, random() AS ad_draw, random() AS bot_draw,
       1 + floor(-ln(1 - random()) * 3)::int AS page_views,
       random() < %(cart_share)s AS has_cart, random() AS purchase_draw
"""

SESSIONS_SQL = f"""
CREATE UNLOGGED TABLE bench_gen.raw_sessions AS
SELECT c.client_no, c.client_id,
       c.first_at + k * c.gap + random() * interval '1 hour' AS started_at, {SESSION_COLUMNS}
FROM bench_gen.clients c
CROSS JOIN LATERAL generate_series(0, c.visits - 1) AS k
"""

# Numbers the sessions in time order, picks the landing ad among the ads running that
# local day, and drops the last clients (by number, so evenly over time) once the running
# count of events reaches the target.
NUMBER_SESSIONS_SQL = """
CREATE UNLOGGED TABLE bench_gen.sessions AS
WITH timed AS (
    SELECT s.*, (s.started_at AT TIME ZONE %(time_zone)s)::date AS day
    FROM bench_gen.raw_sessions s
    WHERE s.started_at >= %(from_at)s AND s.started_at < %(before_at)s
),
landed AS (
    SELECT t.*,
           CASE
               WHEN t.paid_draw < %(unknown_share)s THEN '9999' || lpad((t.client_no %% 97)::text, 11, '0')
               WHEN t.paid_draw < %(paid_share)s THEN a.ad_id
           END AS ad_id,
           t.bot_draw < %(bot_share)s AS is_bot,
           t.purchase_draw < CASE WHEN t.paid_draw < %(paid_share)s
                                  THEN %(purchase_paid)s ELSE %(purchase_organic)s END
               AS has_purchase
    FROM timed t
    JOIN bench_gen.day_counts n ON n.day = t.day
    LEFT JOIN bench_gen.ad_days a
      ON a.day = t.day AND a.rn = 1 + floor(t.ad_draw * n.ads)::int
),
counted AS (
    SELECT l.*,
           sum(l.page_views + l.has_cart::int + l.has_purchase::int)
               OVER (ORDER BY l.client_no, l.started_at) AS running_events
    FROM landed l
)
SELECT row_number() OVER (ORDER BY started_at, client_no) + %(first_session)s AS session_no,
       md5('session' || %(seed)s || started_at::text || client_no)::uuid::text AS session_id,
       client_no, client_id, started_at, ad_id, is_bot, page_views, has_cart, has_purchase
FROM counted
WHERE running_events <= %(limit)s
"""

# Page views 100 s apart with up to a minute of jitter, then the cart, then the purchase.
EVENTS_SQL = """
INSERT INTO creatives.pixel_events (
    customer_id, event_id, event_time, received_at, event_name, source, client_id,
    session_id, page_url, ad_id, value, currency, order_id, is_bot, bot_name
)
SELECT %(customer)s, md5(s.session_id || ':' || k)::uuid, e.at,
       coalesce(%(received_at)s::timestamptz, e.at + interval '2 seconds'), e.name, %(source)s,
       s.client_id, s.session_id,
       'https://shop.example/products/' || k %% 50
           || CASE WHEN k = 0 AND s.ad_id IS NOT NULL THEN '?ad_id=' || s.ad_id ELSE '' END,
       s.ad_id,
       CASE WHEN e.name = %(purchase_event)s THEN round((15 + 285 * random())::numeric, 2) END,
       CASE WHEN e.name = %(purchase_event)s
            THEN CASE WHEN random() < %(usd_share)s THEN 'USD' ELSE %(currency)s END END,
       CASE WHEN e.name = %(purchase_event)s THEN 'o' || s.session_no END,
       s.is_bot, CASE WHEN s.is_bot THEN 'BenchBot' END
FROM bench_gen.sessions s
CROSS JOIN LATERAL generate_series(0, s.page_views + 1) AS k
CROSS JOIN LATERAL (
    SELECT s.started_at + k * interval '100 seconds' + random() * interval '1 minute' AS at,
           CASE
               WHEN k < s.page_views THEN 'page_view'
               WHEN k = s.page_views AND s.has_cart THEN 'add_to_cart'
               WHEN k = s.page_views + 1 AND s.has_purchase THEN %(purchase_event)s
           END AS name
) e
WHERE e.name IS NOT NULL
ORDER BY s.started_at, s.session_no, k
"""

# The appended day: a day's worth of sessions, mostly by known clients (so their earlier
# paid sessions credit the new purchases), some by new clients, and a share dated the day
# before (late arrivals).
APPEND_CLIENTS_SQL = """
CREATE UNLOGGED TABLE bench_gen.append_clients AS
SELECT CASE WHEN random() < 0.6 THEN 1 + floor(random() * %(clients)s)::int
            ELSE %(clients)s + c END AS client_no,
       CASE WHEN random() < %(late_share)s THEN %(end_day)s::date ELSE %(new_day)s::date END AS day
FROM generate_series(1, %(sessions)s) AS c
"""

APPEND_SESSIONS_SQL = f"""
CREATE UNLOGGED TABLE bench_gen.raw_sessions AS
SELECT a.client_no, md5('client' || a.client_no)::uuid::text AS client_id,
       (a.day::timestamp AT TIME ZONE %(time_zone)s) + random() * interval '22 hours' AS started_at,
       {SESSION_COLUMNS}
FROM bench_gen.append_clients a
"""

PARTITION_SQL = """
CREATE TABLE IF NOT EXISTS creatives.{name} PARTITION OF creatives.pixel_events
FOR VALUES FROM ('{start}+00') TO ('{end}+00')
"""


def session_params(shape: Shape, from_day: date, before_day: date) -> dict[str, object]:
    return {
        **shape.params(),
        "from_at": _midnight(from_day),
        "before_at": _midnight(before_day),
        "paid_share": PAID_SHARE,
        "unknown_share": UNKNOWN_AD_SHARE,
        "bot_share": BOT_SHARE,
        "cart_share": CART_SHARE,
        "purchase_paid": PURCHASE_SHARE_PAID,
        "purchase_organic": PURCHASE_SHARE_ORGANIC,
        "usd_share": USD_SHARE,
    }


def _midnight(day: date) -> str:
    # A local midnight as text, so PostgreSQL converts it with the time zone's rules.
    return f"{day.isoformat()} 00:00:00 {TIME_ZONE}"


def _partitions(conn: psycopg.Connection, first: date, last: date) -> None:
    # A month ahead and behind, because local days cross UTC month ends.
    month = date(first.year, first.month, 1) - timedelta(days=1)
    month = date(month.year, month.month, 1)
    while month <= last + timedelta(days=31):
        end = next_month(month)
        conn.execute(
            PARTITION_SQL.format(name=partition_name(month), start=month, end=end)  # type: ignore[arg-type]
        )
        month = end


def _import(
    conn: psycopg.Connection, shape: Shape, start: date, end: date, name: str
) -> None:
    params = {**shape.params(), "file_name": name, "start": start, "end": end}
    row = conn.execute(IMPORT_SQL, params).fetchone()
    assert row is not None
    conn.execute(SPEND_SQL, {**params, "import_id": row[0]})


def _events(conn: psycopg.Connection, params: dict[str, object]) -> None:
    conn.execute(NUMBER_SESSIONS_SQL, params)
    conn.execute(EVENTS_SQL, params)


def generate(conn: psycopg.Connection, shape: Shape) -> None:
    """Fill a migrated, empty database with the customer, rates, spend and events up to `end_day`."""
    params = session_params(shape, shape.first_day, shape.new_day)
    conn.execute("SELECT setseed(%(seed)s)", params)
    conn.execute("CREATE SCHEMA bench_gen")
    conn.execute(CUSTOMER_SQL, params)
    conn.execute(RATES_SQL, params)
    _partitions(conn, shape.first_day, shape.new_day)
    conn.execute(ADS_SQL, params)
    conn.execute(AD_DAYS_SQL, params)
    conn.execute(DAY_COUNTS_SQL, params)
    _import(conn, shape, shape.first_day, shape.end_day, "history.csv")
    conn.execute(CLIENTS_SQL, params)
    conn.execute(SESSIONS_SQL, params)
    _events(
        conn,
        {
            **params,
            "first_session": 0,
            "limit": shape.events,
            "received_at": None,
            "source": "pixel",
        },
    )
    conn.execute("ANALYZE creatives.pixel_events")
    conn.execute("ANALYZE creatives.ad_performance")


def append_day(conn: psycopg.Connection, shape: Shape) -> int:
    """Append the events and spend of `new_day`, received now, with a share dated the day before."""
    params = session_params(shape, shape.end_day, shape.new_day + timedelta(days=1))
    sessions = round(shape.events / EVENTS_PER_CLIENT * 2.05 / shape.days)
    conn.execute("SELECT setseed(%(seed)s)", params)
    conn.execute("DROP TABLE IF EXISTS bench_gen.append_clients")
    conn.execute(
        APPEND_CLIENTS_SQL,
        {**params, "sessions": sessions, "late_share": LATE_SESSION_SHARE},
    )
    conn.execute("DROP TABLE IF EXISTS bench_gen.raw_sessions, bench_gen.sessions")
    conn.execute(APPEND_SESSIONS_SQL, params)
    _events(
        conn,
        {
            **params,
            "first_session": shape.events,
            "limit": shape.events,
            "received_at": datetime.now(UTC),
            "source": APPENDED_SOURCE,
        },
    )
    _import(conn, shape, shape.new_day, shape.new_day, "appended-day.csv")
    conn.execute("ANALYZE creatives.pixel_events")
    row = conn.execute(
        "SELECT count(*) FROM creatives.pixel_events WHERE source = %(appended)s",
        params,
    ).fetchone()
    return int(row[0]) if row else 0


def drop_appended(conn: psycopg.Connection) -> None:
    """Remove the appended day, so a reused dataset starts from the same history."""
    params = {"appended": APPENDED_SOURCE, "customer": CUSTOMER}
    conn.execute(
        "DELETE FROM creatives.pixel_events WHERE source = %(appended)s", params
    )
    conn.execute(
        "DELETE FROM creatives.ad_imports WHERE customer_id = %(customer)s "
        "AND file_name = 'appended-day.csv'",
        params,
    )
