"""Checks of an integration against figures computed straight from the raw pixel events."""

from dataclasses import dataclass
from decimal import Decimal

import psycopg

from bench.attribution_data import CURRENCY, CUSTOMER, PURCHASE_EVENT, TIME_ZONE
from creatives.attribution.engine import ATTRIBUTION_MEDIUM, WINDOWS

# Converted as the engine converts: the day's rate, 6 decimals.
ACTUAL_SQL = """
SELECT count(*) AS events,
       count(*) FILTER (WHERE e.event_name = %(purchase_event)s) AS purchases,
       coalesce(sum(CASE WHEN e.currency = %(currency)s THEN e.value
                         ELSE round(e.value * (1 / r.rate), 6) END)
                FILTER (WHERE e.event_name = %(purchase_event)s), 0) AS value,
       count(*) FILTER (WHERE e.event_name = 'page_view' AND e.page_url LIKE '%%?ad_id=%%')
           AS paid_sessions
FROM creatives.pixel_events e
LEFT JOIN creatives.exchange_rates r
  ON r.base_currency = %(currency)s AND r.quote_currency = e.currency
 AND r.rate_date = (e.event_time AT TIME ZONE %(time_zone)s)::date
WHERE e.customer_id = %(customer)s AND NOT e.is_bot
"""

WRITTEN_SQL = f"""
SELECT (SELECT count(*) FROM creatives.pixel_event_integrated_data
        WHERE customer_name = %(customer)s AND medium = %(medium)s) AS fact_rows,
       (SELECT coalesce(sum(sessions), 0) FROM creatives.pixel_event_integrated_data
        WHERE customer_name = %(customer)s AND medium = %(medium)s AND ev = 'page_view')
           AS sessions,
       (SELECT coalesce(sum(spend), 0) FROM creatives.pixel_event_integrated_data
        WHERE customer_name = %(customer)s AND medium = %(medium)s AND ev = 'page_view')
           AS spend,
       (SELECT coalesce(sum(spend_converted), 0) FROM creatives.ad_performance
        WHERE customer_id = %(customer)s) AS imported_spend,
       (SELECT count(*) FROM creatives.attributed_conversion
        WHERE customer_id = %(customer)s) AS conversion_rows,
       (SELECT coalesce(sum(conversions), 0) FROM creatives.unattributed_daily
        WHERE customer_id = %(customer)s) AS events,
       (SELECT coalesce(sum(value), 0) FROM creatives.unattributed_daily
        WHERE customer_id = %(customer)s AND event_name = %(purchase_event)s) AS value,
       {
    ", ".join(
        f'''(SELECT coalesce(sum(event_value_attr_window_{w}), 0)
             FROM creatives.pixel_event_integrated_data
             WHERE customer_name = %(customer)s AND medium = %(medium)s
               AND ev = %(purchase_event)s) AS attributed_{w},
           (SELECT coalesce(sum(unattributed_value_{w}), 0) FROM creatives.unattributed_daily
             WHERE customer_id = %(customer)s AND event_name = %(purchase_event)s)
               AS unattributed_{w}'''
        for w in WINDOWS
    )
}
"""

# Order-free digests of every row the integration writes, to compare two runs.
CHECKSUM_SQL = """
SELECT (SELECT count(*) || ':' || coalesce(sum(hashtextextended(f::text, 0)::numeric), 0)
        FROM creatives.pixel_event_integrated_data f
        WHERE customer_name = %(customer)s AND medium = %(medium)s),
       (SELECT count(*) || ':' || coalesce(sum(hashtextextended(u::text, 0)::numeric), 0)
        FROM creatives.unattributed_daily u WHERE customer_id = %(customer)s),
       (SELECT count(*) || ':' || coalesce(sum(hashtextextended(c::text, 0)::numeric), 0)
        FROM creatives.attributed_conversion c WHERE customer_id = %(customer)s),
       (SELECT count(*) || ':' || coalesce(sum(hashtextextended(a::text, 0)::numeric), 0)
        FROM creatives.ad_event_cumulative a WHERE customer_name = %(customer)s)
"""


@dataclass(frozen=True)
class Checks:
    fact_rows: int
    conversion_rows: int
    events: int
    purchases: int
    value: Decimal
    attributed_7: Decimal
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        state = (
            "all checks passed"
            if self.passed
            else "FAILED: " + "; ".join(self.failures)
        )
        return (
            f"{self.fact_rows:,} daily rows, {self.conversion_rows:,} conversion rows, "
            f"{self.events:,} events, value {self.value}, 7-day attributed "
            f"{self.attributed_7}: {state}"
        )


def _params() -> dict[str, object]:
    return {
        "customer": CUSTOMER,
        "currency": CURRENCY,
        "time_zone": TIME_ZONE,
        "purchase_event": PURCHASE_EVENT,
        "medium": ATTRIBUTION_MEDIUM,
    }


def _compare(failures: list[str], name: str, written: object, expected: object) -> None:
    if written != expected:
        failures.append(f"{name}: written {written}, expected {expected}")


def check_totals(conn: psycopg.Connection) -> Checks:
    """Compare what the integration wrote with the raw events and the imported spend."""
    actual = conn.execute(ACTUAL_SQL, _params()).fetchone()
    cursor = conn.execute(WRITTEN_SQL, _params())
    written = cursor.fetchone()
    assert actual is not None and written is not None
    names = [column.name for column in cursor.description or []]
    row = dict(zip(names, written, strict=True))

    failures: list[str] = []
    _compare(failures, "events", row["events"], actual[0])
    _compare(failures, "purchase value", row["value"], actual[2])
    _compare(failures, "paid sessions", row["sessions"], actual[3])
    _compare(failures, "spend", row["spend"], row["imported_spend"])
    for window in WINDOWS:
        closed = row[f"attributed_{window}"] + row[f"unattributed_{window}"]
        _compare(failures, f"attributed + unattributed, {window} d", closed, actual[2])
    return Checks(
        fact_rows=int(row["fact_rows"]),
        conversion_rows=int(row["conversion_rows"]),
        events=int(actual[0]),
        purchases=int(actual[1]),
        value=actual[2],
        attributed_7=row["attributed_7"],
        failures=tuple(failures),
    )


def checksum(conn: psycopg.Connection) -> str:
    row = conn.execute(CHECKSUM_SQL, _params()).fetchone()
    assert row is not None
    return " ".join(str(part) for part in row)
