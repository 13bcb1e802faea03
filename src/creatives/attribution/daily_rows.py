"""The per-ad daily rows: the SQL that builds them, and a write that touches only changed rows.

A rerun, or an incremental run whose earlier days come out the same, leaves those rows in
place. The running totals are then rebuilt from the first day that really changed, not
from the first day of the range, which is what keeps an incremental run short.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.database import analyze_after_write

# Attribution windows in days.
WINDOWS = (1, 7, 30)
FACTS = "creatives.pixel_event_integrated_data"
NEW_ROWS = "att_daily"
BASE_COLUMNS = [
    "customer_name",
    "date_column",
    "date",
    "ad_id",
    "ev",
    "medium",
    "source",
    "bg_source",
    "bg_source_id",
    "campaign_id",
    "campaign_name",
    "adset_id",
    "adset_name",
    "ad_name",
    "spend",
    "impressions",
    "clicks",
    "sessions",
    "users",
    "new_users",
    "pageviews",
    "number_of_events",
    "event_value",
    "shopify_revenue",
    "new_customer",
    "returning_customer",
    "new_customer_revenue",
    "returning_customer_revenue",
]

OLD_ROWS_EXIST = f"""
SELECT EXISTS (
    SELECT 1 FROM {FACTS}
    WHERE customer_name = :customer AND date_column BETWEEN :start_day AND :end_day
      AND medium = :attribution_medium
)
"""

CREATE_NEW_ROWS = f"""
CREATE TEMPORARY TABLE {NEW_ROWS} ON COMMIT DROP AS
SELECT * FROM {FACTS} WITH NO DATA
"""


def _window_aggregates(window: int) -> str:
    inside = f"FILTER (WHERE window_days <= {window})"
    # Only purchases can be new-customer events, so the returning ones are the rest of them.
    returning = "CASE WHEN event_name = :purchase_event THEN {total} - {new} ELSE 0 END"
    count = f"coalesce(sum(n) {inside}, 0)"
    value = f"coalesce(sum(v) {inside}, 0)"
    new_count = f"coalesce(sum(new_n) {inside}, 0)"
    new_value = f"coalesce(sum(new_v) {inside}, 0)"
    return f"""
           {count} AS n_{window}, {value} AS v_{window}, {new_count} AS new_{window},
           {returning.format(total=count, new=new_count)} AS ret_{window},
           {new_value} AS new_v_{window},
           {returning.format(total=value, new=new_value)} AS ret_v_{window}"""


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


def daily_columns(default_window: int) -> list[str]:
    """Return the fact columns the integration writes, in the order `daily_rows_sql` fills them."""
    window_columns, _ = _window_columns(default_window)
    return [
        *BASE_COLUMNS,
        *window_columns,
        "is_integrated_channel",
    ]


def daily_rows_sql(default_window: int, target: str) -> str:
    """Return the INSERT of the per-ad daily rows of the rebuilt days into `target`."""
    _, window_values = _window_columns(default_window)
    aggregates = ",".join(_window_aggregates(window) for window in WINDOWS)
    return f"""
    INSERT INTO {target} ({", ".join(daily_columns(default_window))})
    WITH event_names AS (
        SELECT DISTINCT event_name AS ev FROM att_fact_counts
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
    same_session AS (
        SELECT session_ad_id AS ad_id, local_day AS day, event_name AS ev,
               sum(n) AS n, coalesce(sum(v), 0) AS v, sum(new_n) AS new_n,
               CASE WHEN event_name = :purchase_event THEN sum(n) - sum(new_n) ELSE 0 END
                   AS ret_n,
               coalesce(sum(new_v), 0) AS new_v,
               CASE WHEN event_name = :purchase_event
                    THEN coalesce(sum(v), 0) - coalesce(sum(new_v), 0) ELSE 0 END AS ret_v
        FROM att_fact_counts
        WHERE session_ad_id IS NOT NULL
        GROUP BY 1, 2, 3
    ),
    page_views AS (
        SELECT ad_id, day, sum(n) AS pageviews
        FROM same_session
        WHERE ev IN ('page_view', 'page_viewed')
        GROUP BY 1, 2
    ),
    attributed AS (
        SELECT ad_id, local_day AS day, event_name AS ev, {aggregates}
        FROM att_fact_counts
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


@dataclass(frozen=True)
class DailyWrite:
    rows: int
    deleted: int
    inserted: int
    first_changed_day: date | None
    # Ads of inserted rows, and ads whose rows were deleted and not written again; None when
    # the range had no rows before, so every ad is new.
    ads_added: list[str] | None
    ads_removed: list[str] | None


def _same_row(columns: list[str]) -> str:
    compared = [name for name in columns if name not in ("date_column", "ad_id", "ev")]
    old = ", ".join(f"f.{name}" for name in compared)
    new = ", ".join(f"n.{name}" for name in compared)
    return f"""
        n.date_column = f.date_column AND n.ad_id = f.ad_id AND n.ev = f.ev
        AND ({old}) IS NOT DISTINCT FROM ({new})"""


def _delete_changed(columns: list[str]) -> str:
    return f"""
    WITH removed AS (
        DELETE FROM {FACTS} f
        WHERE f.customer_name = :customer AND f.date_column BETWEEN :start_day AND :end_day
          AND f.medium = :attribution_medium
          AND NOT EXISTS (SELECT 1 FROM {NEW_ROWS} n WHERE {_same_row(columns)})
        RETURNING f.date_column, f.ad_id
    )
    SELECT count(*) AS changed, min(date_column) AS first_day,
           coalesce(array_agg(DISTINCT ad_id) FILTER (
               WHERE ad_id NOT IN (SELECT ad_id FROM {NEW_ROWS} WHERE ad_id IS NOT NULL)
           ), '{{}}') AS ads
    FROM removed
    """


# Every old row left in the range now equals a new row, so a new row whose key is still
# there is unchanged.
def _insert_new(columns: list[str]) -> str:
    listed = ", ".join(columns)
    return f"""
    WITH added AS (
        INSERT INTO {FACTS} ({listed})
        SELECT {listed} FROM {NEW_ROWS} n
        WHERE NOT EXISTS (
            SELECT 1 FROM {FACTS} f
            WHERE f.customer_name = :customer AND f.medium = :attribution_medium
              AND f.date_column BETWEEN :start_day AND :end_day
              AND f.date_column = n.date_column AND f.ad_id = n.ad_id AND f.ev = n.ev
        )
        RETURNING date_column, ad_id
    )
    SELECT count(*) AS changed, min(date_column) AS first_day,
           coalesce(array_agg(DISTINCT ad_id), '{{}}') AS ads
    FROM added
    """


def _earliest(*days: date | None) -> date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


async def write_daily_rows(
    conn: AsyncConnection, default_window: int, params: dict[str, object]
) -> DailyWrite:
    """Make the customer's attribution rows of the range equal the rows built from the facts."""
    old_rows = (await conn.execute(text(OLD_ROWS_EXIST), params)).scalar_one()
    if not old_rows:
        result = await conn.execute(text(daily_rows_sql(default_window, FACTS)), params)
        rows = int(result.rowcount)
        # The running totals' refresh in this transaction reads these rows next.
        await analyze_after_write(conn, FACTS, rows)
        first_day = params["start_day"] if rows else None
        assert first_day is None or isinstance(first_day, date)
        return DailyWrite(rows, 0, rows, first_day, None, None)

    columns = daily_columns(default_window)
    await conn.execute(text(CREATE_NEW_ROWS))
    result = await conn.execute(text(daily_rows_sql(default_window, NEW_ROWS)), params)
    await conn.execute(text(f"ANALYZE {NEW_ROWS}"))
    deleted = (await conn.execute(text(_delete_changed(columns)), params)).one()
    inserted = (await conn.execute(text(_insert_new(columns)), params)).one()
    await conn.execute(text(f"DROP TABLE {NEW_ROWS}"))
    return DailyWrite(
        int(result.rowcount),
        int(deleted.changed),
        int(inserted.changed),
        _earliest(deleted.first_day, inserted.first_day),
        list(inserted.ads),
        list(deleted.ads),
    )
