"""Count, beside each running revenue sum, the fact rows that carried a value.

A platform export may leave the conversion value empty. The running sums store such a
row as 0, so without a count the metrics could not tell "no value" from a value of 0.
The counts of existing rows are computed from the facts, so no refresh is needed.

Revision ID: 0004_valued_rows
Revises: 0002_rollups
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_valued_rows"
down_revision: str | Sequence[str] | None = "0002_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "creatives"

# The revenue columns of ad_event_cumulative; each gets a `<name>_rows` count.
VALUED_COLUMNS = (
    "event_value",
    "event_value_attr_window_1",
    "event_value_attr_window_7",
    "event_value_attr_window_30",
)


def _backfill_sql() -> str:
    per_day = ", ".join(f"count({name}) AS {name}_rows" for name in VALUED_COLUMNS)
    running = ", ".join(
        f"sum({name}_rows) OVER ad_days AS {name}_rows" for name in VALUED_COLUMNS
    )
    assignments = ", ".join(f"{name}_rows = r.{name}_rows" for name in VALUED_COLUMNS)
    # A cumulative row repeats the totals of the ad's latest fact day up to its next one,
    # so each row takes the running count of the last fact day on or before its own day.
    return f"""
    UPDATE {SCHEMA}.ad_event_cumulative c
    SET {assignments}
    FROM (
        SELECT customer_name, ev, ad_id, date_column,
               lead(date_column) OVER ad_days AS next_day, {running}
        FROM (
            SELECT customer_name COLLATE "C" AS customer_name, ev COLLATE "C" AS ev,
                   coalesce(ad_id, '') COLLATE "C" AS ad_id, date_column, {per_day}
            FROM {SCHEMA}.pixel_event_integrated_data
            WHERE ev IS NOT NULL AND date_column IS NOT NULL
            GROUP BY 1, 2, 3, 4
        ) days
        WINDOW ad_days AS (PARTITION BY customer_name, ev, ad_id ORDER BY date_column)
    ) r
    WHERE c.customer_name = r.customer_name AND c.ev = r.ev AND c.ad_id = r.ad_id
      AND c.date_column >= r.date_column
      AND (r.next_day IS NULL OR c.date_column < r.next_day)
    """


def upgrade() -> None:
    for name in VALUED_COLUMNS:
        op.execute(
            f"ALTER TABLE {SCHEMA}.ad_event_cumulative "
            f"ADD COLUMN {name}_rows bigint NOT NULL DEFAULT 0"
        )
    op.execute(_backfill_sql())
    for name in VALUED_COLUMNS:
        op.execute(
            f"ALTER TABLE {SCHEMA}.ad_event_cumulative "
            f"ALTER COLUMN {name}_rows DROP DEFAULT"
        )


def downgrade() -> None:
    for name in VALUED_COLUMNS:
        op.execute(f"ALTER TABLE {SCHEMA}.ad_event_cumulative DROP COLUMN {name}_rows")
