"""Reference timings on the same rows: the original system's SQL, and DuckDB in-process."""

import time
from datetime import date
from pathlib import Path

import duckdb
import psycopg

from bench.stats import Timing, summarize

# The original system's metrics query, verbatim apart from psycopg's placeholders. It joins
# the facts to the daily creative table on ad_id alone, which multiplies every fact row by
# the number of days the ad has in that table.
ORIGINAL_SQL = """
WITH filtered_data AS (
    SELECT ad_id, spend, clicks, impressions, sessions, event_value
    FROM creatives.pixel_event_integrated_data
    WHERE customer_name = %s
      AND ev = %s
      AND date_column BETWEEN %s AND %s
)
SELECT
    ad_copy,
    SUM(spend) AS spend,
    SUM(clicks) AS clicks,
    SUM(impressions) AS impressions,
    SUM(sessions) AS sessions,
    CASE
        WHEN SUM(spend) = 0 THEN 0
        ELSE SUM(event_value) / SUM(spend) * 100
    END AS roas
FROM filtered_data
JOIN creatives.dim_combined_creative USING (ad_id)
GROUP BY ad_copy;
"""

# The metrics query before the running totals: per-ad sums over the fact table's covering
# index, then each ad mapped to one creative (7-day attribution).
FACTS_SQL = """
WITH ad_sums AS (
    SELECT ad_id, sum(spend) AS spend, sum(clicks) AS clicks,
           sum(impressions) AS impressions, sum(sessions) AS sessions,
           sum(number_of_events_attr_window_7) AS conversions,
           sum(event_value_attr_window_7) AS revenue
    FROM creatives.pixel_event_integrated_data
    WHERE customer_name = %s AND ev = %s AND date_column BETWEEN %s AND %s
    GROUP BY ad_id
)
SELECT coalesce(ac.creative_id, 'a_' || left(md5(coalesce(s.ad_id, '')), 16)),
       min(c.ad_copy), array_agg(coalesce(s.ad_id, '') ORDER BY s.ad_id),
       sum(s.spend), sum(s.clicks), sum(s.impressions), sum(s.sessions),
       sum(s.conversions), sum(s.revenue)
FROM ad_sums s
LEFT JOIN creatives.ad_creative ac ON ac.customer_name = %s AND ac.ad_id = s.ad_id
LEFT JOIN creatives.creative c
  ON c.customer_name = %s AND c.creative_id = ac.creative_id
GROUP BY 1
"""

EXPORT_FACTS = """
COPY (
    SELECT ev, ad_id, date_column, spend, clicks, impressions, sessions,
           number_of_events_attr_window_7, event_value_attr_window_7
    FROM creatives.pixel_event_integrated_data
    WHERE customer_name = %s
    ORDER BY ev, date_column
) TO STDOUT WITH (FORMAT csv, HEADER true)
"""

EXPORT_MAPPING = """
COPY (SELECT ad_id, creative_id FROM creatives.ad_creative WHERE customer_name = %s)
TO STDOUT WITH (FORMAT csv, HEADER true)
"""

# The corrected aggregate the API computes (7-day attribution): per-ad sums first, then
# each ad mapped to exactly one creative.
DUCKDB_SQL = """
WITH ad_sums AS (
    SELECT ad_id, sum(spend) AS spend, sum(clicks) AS clicks,
           sum(impressions) AS impressions, sum(sessions) AS sessions,
           sum(number_of_events_attr_window_7) AS conversions,
           sum(event_value_attr_window_7) AS revenue
    FROM facts
    WHERE ev = $event AND date_column BETWEEN $start_date AND $end_date
    GROUP BY ad_id
)
SELECT coalesce(m.creative_id, 'a_' || s.ad_id) AS creative_id,
       sum(s.spend), sum(s.clicks), sum(s.impressions), sum(s.sessions),
       sum(s.conversions), sum(s.revenue)
FROM ad_sums s LEFT JOIN mapping m ON m.ad_id = s.ad_id
GROUP BY 1
"""


def time_sql(
    url: str, sql: str, params: tuple[object, ...], repeats: int, slow_seconds: float
) -> Timing:
    """Time `sql` `repeats` times after one untimed run that warms the cache.

    When that first run takes longer than `slow_seconds`, it is the only sample, so the
    baselines that take minutes per run do not stretch the benchmark to hours.
    """
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        conn.execute(sql, params).fetchall()
        first = time.perf_counter() - started
        if first > slow_seconds:
            return summarize([first])
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            conn.execute(sql, params).fetchall()
            samples.append(time.perf_counter() - started)
    return summarize(samples)


def time_original(
    url: str, customer: str, event: str, start: date, end: date, repeats: int
) -> Timing:
    return time_sql(url, ORIGINAL_SQL, (customer, event, start, end), repeats, 2.0)


def time_facts_query(
    url: str, customer: str, event: str, start: date, end: date, repeats: int
) -> Timing:
    params = (customer, event, start, end, customer, customer)
    return time_sql(url, FACTS_SQL, params, repeats, 2.0)


def _export(url: str, sql: str, customer: str, path: Path) -> None:
    with psycopg.connect(url) as conn, path.open("wb") as handle:
        cursor = conn.cursor()
        with cursor.copy(sql, (customer,)) as copy:
            for chunk in copy:
                handle.write(chunk)


def load_duckdb(url: str, customer: str, folder: Path) -> duckdb.DuckDBPyConnection:
    """Copy one customer's facts and ad-to-creative mapping into an in-memory DuckDB."""
    folder.mkdir(parents=True, exist_ok=True)
    facts_csv = folder / "facts.csv"
    mapping_csv = folder / "mapping.csv"
    _export(url, EXPORT_FACTS, customer, facts_csv)
    _export(url, EXPORT_MAPPING, customer, mapping_csv)
    duck = duckdb.connect()
    # Money as DECIMAL(18, 2), the scale of the demo figures, so DuckDB sums exactly too.
    duck.execute(
        f"""
        CREATE TABLE facts AS SELECT * FROM read_csv('{facts_csv}', header = true, columns = {{
            'ev': 'VARCHAR', 'ad_id': 'VARCHAR', 'date_column': 'DATE',
            'spend': 'DECIMAL(18,2)', 'clicks': 'DECIMAL(18,2)',
            'impressions': 'DECIMAL(18,2)', 'sessions': 'DECIMAL(18,2)',
            'number_of_events_attr_window_7': 'DECIMAL(18,2)',
            'event_value_attr_window_7': 'DECIMAL(18,2)'}})
        """
    )
    duck.execute(
        f"CREATE TABLE mapping AS SELECT * FROM read_csv('{mapping_csv}', header = true, "
        "columns = {'ad_id': 'VARCHAR', 'creative_id': 'VARCHAR'})"
    )
    facts_csv.unlink()
    mapping_csv.unlink()
    return duck


def time_duckdb(
    duck: duckdb.DuckDBPyConnection,
    event: str,
    start: date,
    end: date,
    warmup: int,
    repeats: int,
) -> Timing:
    samples = []
    params = {"event": event, "start_date": start, "end_date": end}
    for index in range(warmup + repeats):
        started = time.perf_counter()
        duck.execute(DUCKDB_SQL, params).fetchall()
        if index >= warmup:
            samples.append(time.perf_counter() - started)
    return summarize(samples)
