"""Core schema: the original two tables, customers, users and the creative grouping.

Revision ID: 0001_core
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001_core"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "creatives"

DIM_COMBINED_CREATIVE = [
    "channel", "ad_id", "campaign_id", "date", "customer_name", "ad_type", "link", "type",
    "date_column", "ad_copy", "media_id", "creative_id", "copy_id",
]  # fmt: skip

PIXEL_TEXT = [
    "campaign_name", "medium", "source", "adset_name", "ad_name", "bg_source", "bg_source_id",
    "date", "ev", "ad_id", "campaign_id", "adset_id", "customer_name", "ad_status",
    "adset_status", "campaign_status", "budget_type",
]  # fmt: skip
PIXEL_FLOAT = [
    "pre_spend_profit", "pre_spend_profit_attr", "pre_spend_profit_attr_window_1",
    "pre_spend_profit_attr_window_7", "pre_spend_profit_attr_window_30",
]  # fmt: skip
# The original column order, kept so that `COPY` of an export of the original works unchanged.
PIXEL_ORDER = [
    "campaign_name", "medium", "source", "adset_name", "ad_name", "bg_source", "bg_source_id",
    "date", "sessions", "users", "new_users", "number_of_events", "shopify_revenue",
    "new_customer", "returning_customer", "ev", "ad_id", "impressions", "clicks", "spend",
    "campaign_id", "adset_id", "shopify_revenue_attr", "returning_customer_attr",
    "new_customer_attr", "number_of_events_attr", "customer_name", "returning_customer_revenue",
    "returning_customer_revenue_attr", "new_customer_revenue", "new_customer_revenue_attr",
    "date_column", "event_value", "event_value_attr", "number_of_events_attr_window_1",
    "number_of_events_attr_window_7", "number_of_events_attr_window_30",
    "event_value_attr_window_1", "event_value_attr_window_7", "event_value_attr_window_30",
    "shopify_revenue_attr_window_1", "shopify_revenue_attr_window_7",
    "shopify_revenue_attr_window_30", "returning_customer_attr_window_1",
    "returning_customer_attr_window_7", "returning_customer_attr_window_30",
    "new_customer_attr_window_1", "new_customer_attr_window_7", "new_customer_attr_window_30",
    "returning_customer_revenue_attr_window_1", "returning_customer_revenue_attr_window_7",
    "returning_customer_revenue_attr_window_30", "new_customer_revenue_attr_window_1",
    "new_customer_revenue_attr_window_7", "new_customer_revenue_attr_window_30", "ad_status",
    "adset_status", "campaign_status", "budget_type", "budget", "cltv", "cltv_attr",
    "cltv_attr_window_1", "cltv_attr_window_7", "cltv_attr_window_30", "pageviews",
    "is_integrated_channel", "pre_spend_profit", "pre_spend_profit_attr",
    "pre_spend_profit_attr_window_1", "pre_spend_profit_attr_window_7",
    "pre_spend_profit_attr_window_30",
]  # fmt: skip


def _pixel_column(name: str) -> sa.Column[object]:
    if name == "date_column":
        return sa.Column(name, sa.Date())
    if name == "is_integrated_channel":
        return sa.Column(name, sa.Integer())
    if name in PIXEL_FLOAT:
        return sa.Column(name, sa.Float(precision=53))
    if name in PIXEL_TEXT:
        return sa.Column(name, sa.String())
    return sa.Column(name, sa.Numeric())


def _create_original_tables() -> None:
    op.create_table(
        "dim_combined_creative",
        *(
            sa.Column(name, sa.Date() if name == "date_column" else sa.String())
            for name in DIM_COMBINED_CREATIVE
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "dim_combined_creative_customer_ad_day",
        "dim_combined_creative",
        ["customer_name", "ad_id", sa.text("date_column DESC")],
        schema=SCHEMA,
    )
    op.create_table(
        "pixel_event_integrated_data",
        *(_pixel_column(name) for name in PIXEL_ORDER),
        schema=SCHEMA,
    )
    # Covers the metrics query (customer, event, date range) so it reads the index only.
    op.execute(
        f"""
        CREATE INDEX pixel_event_integrated_data_customer_ev_day
        ON {SCHEMA}.pixel_event_integrated_data (customer_name, ev, date_column)
        INCLUDE (ad_id, spend, clicks, impressions, sessions, event_value,
                 event_value_attr_window_1, event_value_attr_window_7,
                 event_value_attr_window_30, number_of_events, number_of_events_attr_window_1,
                 number_of_events_attr_window_7, number_of_events_attr_window_30)
        """
    )


def _create_account_tables() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("time_zone", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint(
            "currency ~ '^[A-Z]{3}$'", name="customers_currency_iso4217"
        ),
        sa.CheckConstraint("id ~ '^[A-Za-z0-9_-]{1,64}$'", name="customers_id_format"),
        schema=SCHEMA,
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.CheckConstraint("role IN ('admin', 'analyst')", name="users_role"),
        schema=SCHEMA,
    )
    op.create_index(
        "users_email_lower",
        "users",
        [sa.text("lower(email)")],
        unique=True,
        schema=SCHEMA,
    )
    op.create_table(
        "user_customers",
        sa.Column(
            "user_id",
            sa.BigInteger(),
            sa.ForeignKey(f"{SCHEMA}.users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "customer_id",
            sa.String(64),
            sa.ForeignKey(f"{SCHEMA}.customers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "user_customers_customer", "user_customers", ["customer_id"], schema=SCHEMA
    )


def _create_creative_grouping() -> None:
    op.create_table(
        "creative",
        sa.Column("customer_name", sa.String(), primary_key=True),
        sa.Column("creative_id", sa.String(), primary_key=True),
        sa.Column("ad_copy", sa.Text()),
        sa.Column("ad_copies", JSONB(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "ad_creative",
        sa.Column("customer_name", sa.String(), primary_key=True),
        sa.Column("ad_id", sa.String(), primary_key=True),
        sa.Column("creative_id", sa.String(), nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "ad_creative_creative",
        "ad_creative",
        ["customer_name", "creative_id"],
        schema=SCHEMA,
    )


def upgrade() -> None:
    _create_original_tables()
    _create_account_tables()
    _create_creative_grouping()


def downgrade() -> None:
    for table in (
        "ad_creative",
        "creative",
        "user_customers",
        "users",
        "customers",
        "pixel_event_integrated_data",
        "dim_combined_creative",
    ):
        op.drop_table(table, schema=SCHEMA)
