"""Derived tables for fast metrics: per-ad running totals and each event's day range.

Both are rebuilt from `pixel_event_integrated_data` by `creatives.creatives.rollups`; nothing
else writes them.

Revision ID: 0002_rollups
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_rollups"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "creatives"

# The fact columns that the metrics sum, under the same names as in the fact table.
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


def _key(name: str) -> sa.Column[str]:
    # Byte order ("C") makes key comparisons a memcmp, which halves the cost of the bulk
    # inserts and sorts of a refresh. Equality joins with default-collation columns still work.
    return sa.Column(name, sa.String(collation="C"), nullable=False)


def upgrade() -> None:
    # One row per customer, event, day and ad, for every day from the ad's first fact of that
    # event to the event's last day: the totals of all facts up to and including that day.
    # The sum over days a..b is the row of b minus the row of a - 1, two index lookups per ad.
    op.create_table(
        "ad_event_cumulative",
        _key("customer_name"),
        _key("ev"),
        sa.Column("date_column", sa.Date(), nullable=False),
        _key("ad_id"),
        sa.Column("fact_rows", sa.BigInteger(), nullable=False),
        *(sa.Column(name, sa.Numeric(), nullable=False) for name in SUMMED_COLUMNS),
        sa.PrimaryKeyConstraint(
            "customer_name",
            "ev",
            "date_column",
            "ad_id",
            name="ad_event_cumulative_pkey",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "event_day_range",
        _key("customer_name"),
        _key("ev"),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("customer_name", "ev", name="event_day_range_pkey"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("event_day_range", schema=SCHEMA)
    op.drop_table("ad_event_cumulative", schema=SCHEMA)
