"""Fill the engine's staging tables from the pixel's events and the imported spend."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from creatives.attribution.engine import AttributionSettings, DayRange
from creatives.attribution.first_events import fold_first_events
from creatives.imports.dashboard import SPREAD_DAILY_SQL
from creatives.logging import get_logger

log = get_logger(__name__)

# A rate published up to this many days before the event's day still applies, so that
# weekends and bank holidays (days without a published rate) use the last rate before.
RATE_LOOKBACK_DAYS = 6
UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def ad_key_column(parameter: str) -> str:
    """Return the pixel column that contains the customer's ad key.

    The collector stores the value of the site's ad id parameter in `ad_id`; UTM parameters
    have columns of their own, so a customer whose links carry the ad id in `utm_content`
    reads that column.
    """
    return parameter if parameter in UTM_PARAMETERS else "ad_id"


# Rates of the range's days only: lookback events serve as earlier paid sessions, and their
# values are never read. `events` counts the valued events of each currency and day, to
# report how many a missing rate leaves out.
EVENT_RATES_SQL = f"""
CREATE TEMPORARY TABLE attribution_rates ON COMMIT DROP AS
SELECT needed.currency, needed.day, needed.events, chosen.factor
FROM (
    SELECT currency, (event_time AT TIME ZONE :time_zone)::date AS day, count(*) AS events
    FROM creatives.pixel_events
    WHERE customer_id = :customer AND event_time >= :starts_at AND event_time < :ends_before
      AND value IS NOT NULL AND currency IS NOT NULL AND currency <> :target AND NOT is_bot
    GROUP BY 1, 2
) needed
LEFT JOIN LATERAL (
    SELECT CASE WHEN r.base_currency = needed.currency THEN r.rate ELSE 1 / r.rate END AS factor
    FROM creatives.exchange_rates r
    WHERE r.rate_date BETWEEN needed.day - {RATE_LOOKBACK_DAYS} AND needed.day
      AND ((r.base_currency = needed.currency AND r.quote_currency = :target)
        OR (r.base_currency = :target AND r.quote_currency = needed.currency))
    ORDER BY r.rate_date DESC, r.base_currency = needed.currency DESC
    LIMIT 1
) chosen ON true
"""


# An event without a rate keeps its count but stages no value, so every sum the engine builds
# from the staged values (attributed, unattributed and actual) leaves it out alike.
def events_sql(ad_key: str, lookback: bool) -> str:
    """Return the INSERT of the events of the range, or of the lookback before it.

    Lookback events only matter as earlier paid sessions of the clients who have events in
    the range, so only theirs are staged. An incremental run thus does not copy a month of
    every client's events.
    """
    if lookback:
        period = (
            "e.event_time >= :sessions_from AND e.event_time < :starts_at "
            "AND e.client_id IN (SELECT client_id FROM attribution_active_clients)"
        )
        value = "NULL"
    else:
        period = "e.event_time >= :starts_at AND e.event_time < :ends_before"
        value = """CASE
               WHEN e.value IS NULL THEN NULL
               WHEN e.currency IS NULL OR e.currency = :target THEN e.value
               WHEN r.factor IS NULL THEN NULL
               ELSE round(e.value * r.factor, 6)
           END"""
    return f"""
    INSERT INTO attribution_input (
        event_id, client_id, session_id, event_time, event_name, value, order_id, ad_key
    )
    SELECT e.event_id::text, e.client_id, e.session_id, e.event_time, e.event_name,
           {value}, e.order_id, nullif(e.{ad_key}, '')
    FROM creatives.pixel_events e
    LEFT JOIN attribution_rates r
      ON r.currency = e.currency AND r.day = (e.event_time AT TIME ZONE :time_zone)::date
    WHERE e.customer_id = :customer AND NOT e.is_bot AND {period}
    """


ACTIVE_CLIENTS_SQL = """
CREATE TEMPORARY TABLE attribution_active_clients ON COMMIT DROP AS
SELECT DISTINCT client_id FROM attribution_input WHERE client_id IS NOT NULL
"""

EARLIER_EVENTS_SQL = """
SELECT EXISTS (
    SELECT 1 FROM creatives.pixel_events
    WHERE customer_id = :customer AND NOT is_bot AND event_time < :starts_at
)
"""

# Period rows (a month of an Ads Manager export) are spread over their days exactly as the
# import's own dashboard rows are, so both read the same daily spend.
SPEND_SQL = f"""
INSERT INTO attribution_spend (
    ad_id, day, spend, impressions, clicks, channel, campaign_id, campaign_name,
    adset_id, adset_name, ad_name
)
SELECT s.ad_key, s.day, s.spend, s.impressions, s.clicks, s.channel, s.campaign_id,
       s.campaign_name, s.ad_set_id, s.ad_set_name, s.ad_name
FROM ({SPREAD_DAILY_SQL}) s
"""

# Each ad's names come from its latest imported row, whatever the range, so an ad credited
# in the range after its last spend day carries the same names as in a full run. The rows
# have no figures and lie on a day that already has one of the ad's rows or none in the
# range, so they add no daily row.
AD_NAMES_SQL = """
INSERT INTO attribution_spend (
    ad_id, day, channel, campaign_id, campaign_name, adset_id, adset_name, ad_name
)
SELECT DISTINCT ON (ad_key) ad_key, period_end, channel, campaign_id, campaign_name,
       ad_set_id, ad_set_name, ad_name
FROM creatives.ad_performance
WHERE customer_id = :customer
ORDER BY ad_key, period_end DESC
"""


async def _warn_missing_rates(conn: AsyncConnection, customer: str, target: str) -> int:
    """Log each currency without a rate on some days; return the events whose value is left out."""
    missing = (
        await conn.execute(
            text(
                "SELECT currency, day, events FROM attribution_rates "
                "WHERE factor IS NULL AND events > 0 ORDER BY currency, day"
            )
        )
    ).all()
    for currency in sorted({row.currency for row in missing}):
        rows = [row for row in missing if row.currency == currency]
        events = sum(row.events for row in rows)
        log.warning(
            "exchange_rate_missing",
            customer_id=customer,
            currency_pair=f"{currency}/{target}",
            days=[str(row.day) for row in rows[:10]],
            day_count=len(rows),
            events=events,
            fix="import the rate with `creatives import rates FILE`, then run `creatives integrate` over these days",
        )
    return sum(row.events for row in missing)


@dataclass(frozen=True)
class Staged:
    # Events in the range whose value has no exchange rate into the customer's currency (on
    # their day or the RATE_LOOKBACK_DAYS before), so the sums leave the value out.
    unconverted: int
    # The latest first visit or first purchase that the range's events made a returning
    # one, or None. Its day may lie after the range and then needs a rebuild too.
    moved_first: datetime | None


async def stage_all(
    conn: AsyncConnection,
    settings: AttributionSettings,
    currency: str,
    ad_id_parameter: str,
    days: DayRange,
) -> Staged:
    """Copy the events, clients and spend that the engine needs for `days` into staging.

    The first events of the range are recorded in `client_first_events` on the way, and the
    first visit and purchase of each of the range's clients are staged from there.
    """
    params = {
        "customer": settings.customer_id,
        "time_zone": settings.time_zone,
        "target": currency,
        "purchase_event": settings.purchase_event,
        "starts_at": days.starts_at,
        "sessions_from": days.sessions_from,
        "ends_before": days.ends_before,
        "start": days.start_day,
        "end": days.end_day,
    }
    ad_key = ad_key_column(ad_id_parameter)
    await conn.execute(text(EVENT_RATES_SQL), params)
    unconverted = await _warn_missing_rates(conn, settings.customer_id, currency)
    await conn.execute(text(events_sql(ad_key, lookback=False)), params)
    earlier = (await conn.execute(text(EARLIER_EVENTS_SQL), params)).scalar_one()
    if not earlier:
        # The whole history is staged: the firsts are grouped from millions of rows.
        await conn.execute(text("ANALYZE attribution_input"))
    moved_first = await fold_first_events(conn, params, whole_history=not earlier)
    if earlier:
        await _stage_history(conn, ad_key, params)
    await conn.execute(text(SPEND_SQL), params)
    await conn.execute(text(AD_NAMES_SQL), params)
    return Staged(unconverted, moved_first)


async def _stage_history(
    conn: AsyncConnection, ad_key: str, params: dict[str, object]
) -> None:
    """Stage the events of the lookback period of the range's clients."""
    await conn.execute(text(ACTIVE_CLIENTS_SQL))
    await conn.execute(text("ANALYZE attribution_active_clients"))
    await conn.execute(text(events_sql(ad_key, lookback=True)), params)
    await conn.execute(text("ANALYZE attribution_input"))
    await conn.execute(text("DROP TABLE attribution_active_clients"))


async def data_bounds(
    conn: AsyncConnection, customer: str, time_zone: str
) -> tuple[date, date] | None:
    """Return the first and last local day with events or spend, or None when there is none."""
    row = (
        await conn.execute(
            text(
                """
                SELECT least(e.first_day, s.first_day) AS first_day,
                       greatest(e.last_day, s.last_day) AS last_day
                FROM (SELECT (min(event_time) AT TIME ZONE :time_zone)::date AS first_day,
                             (max(event_time) AT TIME ZONE :time_zone)::date AS last_day
                      FROM creatives.pixel_events WHERE customer_id = :customer) e,
                     (SELECT min(period_start) AS first_day, max(period_end) AS last_day
                      FROM creatives.ad_performance WHERE customer_id = :customer) s
                """
            ),
            {"customer": customer, "time_zone": time_zone},
        )
    ).one()
    if row.first_day is None:
        return None
    return row.first_day, row.last_day
