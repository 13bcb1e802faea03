"""Attribution: default window and purchase event per customer, attributed conversions and unattributed daily totals.

Revision ID: attribution_0001
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "attribution_0001"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "creatives"


def _customer_settings() -> None:
    op.add_column(
        "customers",
        sa.Column(
            "attribution_window_days",
            sa.SmallInteger(),
            server_default="7",
            nullable=False,
        ),
        schema=SCHEMA,
    )
    op.add_column(
        "customers",
        sa.Column(
            "purchase_event",
            sa.Text(),
            server_default="order_completed",
            nullable=False,
        ),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        "customers_attribution_window",
        "customers",
        "attribution_window_days IN (1, 7, 30)",
        schema=SCHEMA,
    )


def _attributed_conversions() -> None:
    op.create_table(
        "attributed_conversion",
        sa.Column("customer_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.Text(), primary_key=True),
        sa.Column("event_name", sa.Text(), nullable=False),
        sa.Column("client_id", sa.Text()),
        sa.Column("session_id", sa.Text()),
        sa.Column("order_id", sa.Text()),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric()),
        sa.Column("session_ad_id", sa.Text()),
        sa.Column("ad_id", sa.Text()),
        sa.Column("clicked_at", sa.DateTime(timezone=True)),
        sa.Column("window_days", sa.SmallInteger()),
        sa.Column("is_new_customer", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], [f"{SCHEMA}.customers.id"], ondelete="CASCADE"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "attributed_conversion_ad_day",
        "attributed_conversion",
        ["customer_id", "ad_id", "event_name", "local_day"],
        schema=SCHEMA,
    )
    op.create_index(
        "attributed_conversion_day",
        "attributed_conversion",
        ["customer_id", "local_day"],
        schema=SCHEMA,
    )


def _unattributed_daily() -> None:
    op.create_table(
        "unattributed_daily",
        sa.Column("customer_id", sa.String(64), primary_key=True),
        sa.Column("local_day", sa.Date(), primary_key=True),
        sa.Column("event_name", sa.Text(), primary_key=True),
        sa.Column("conversions", sa.Numeric(), nullable=False),
        sa.Column("value", sa.Numeric(), nullable=False),
        sa.Column("unattributed_1", sa.Numeric(), nullable=False),
        sa.Column("unattributed_value_1", sa.Numeric(), nullable=False),
        sa.Column("unattributed_7", sa.Numeric(), nullable=False),
        sa.Column("unattributed_value_7", sa.Numeric(), nullable=False),
        sa.Column("unattributed_30", sa.Numeric(), nullable=False),
        sa.Column("unattributed_value_30", sa.Numeric(), nullable=False),
        sa.Column("unattributed_session", sa.Numeric(), nullable=False),
        sa.Column("unattributed_value_session", sa.Numeric(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], [f"{SCHEMA}.customers.id"], ondelete="CASCADE"
        ),
        schema=SCHEMA,
    )


def upgrade() -> None:
    _customer_settings()
    _attributed_conversions()
    _unattributed_daily()


def downgrade() -> None:
    op.drop_table("unattributed_daily", schema=SCHEMA)
    op.drop_table("attributed_conversion", schema=SCHEMA)
    for column in ("purchase_event", "attribution_window_days"):
        op.drop_column("customers", column, schema=SCHEMA)
