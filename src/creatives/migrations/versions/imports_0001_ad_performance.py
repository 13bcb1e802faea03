"""Ad performance imported from ad-platform exports, the imports, and exchange rates.

Revision ID: imports_0001
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "imports_0001"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "creatives"
CURRENCY_CHECK = "~ '^[A-Z]{3}$'"


def _create_imports() -> None:
    op.create_table(
        "ad_imports",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "customer_id",
            sa.String(64),
            sa.ForeignKey(f"{SCHEMA}.customers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.Column("ads_periods_stored", sa.Integer(), nullable=False),
        sa.Column("skipped_reasons", JSONB(), nullable=False),
        sa.Column("period_start", sa.Date()),
        sa.Column("period_end", sa.Date()),
        sa.Column("totals", JSONB(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.UniqueConstraint(
            "customer_id", "channel", "file_sha256", name="ad_imports_same_file"
        ),
        schema=SCHEMA,
    )


def _create_ad_performance() -> None:
    op.create_table(
        "ad_performance",
        sa.Column(
            "customer_id",
            sa.String(64),
            sa.ForeignKey(f"{SCHEMA}.customers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("channel", sa.Text(), primary_key=True),
        sa.Column("ad_key", sa.Text(), primary_key=True),
        sa.Column("period_start", sa.Date(), primary_key=True),
        sa.Column("period_end", sa.Date(), primary_key=True),
        sa.Column("ad_id", sa.Text()),
        sa.Column("campaign_id", sa.Text()),
        sa.Column("campaign_name", sa.Text()),
        sa.Column("ad_set_id", sa.Text()),
        sa.Column("ad_set_name", sa.Text()),
        sa.Column("ad_name", sa.Text()),
        sa.Column("ad_copy", sa.Text()),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("spend", sa.Numeric()),
        sa.Column("customer_currency", sa.String(3), nullable=False),
        sa.Column("exchange_rate", sa.Numeric(), nullable=False),
        sa.Column("spend_converted", sa.Numeric()),
        sa.Column("impressions", sa.BigInteger()),
        sa.Column("reach", sa.BigInteger()),
        sa.Column("clicks", sa.BigInteger()),
        sa.Column("conversions", sa.Numeric()),
        sa.Column("conversion_value", sa.Numeric()),
        sa.Column("conversion_value_converted", sa.Numeric()),
        sa.Column(
            "import_id",
            sa.BigInteger(),
            sa.ForeignKey(f"{SCHEMA}.ad_imports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("source_rows", sa.Integer(), nullable=False),
        sa.CheckConstraint("period_end >= period_start", name="ad_performance_period"),
        sa.CheckConstraint(
            f"currency {CURRENCY_CHECK}", name="ad_performance_currency"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ad_performance_customer_period",
        "ad_performance",
        ["customer_id", "period_end", "period_start"],
        schema=SCHEMA,
    )
    op.create_index(
        "ad_performance_import", "ad_performance", ["import_id"], schema=SCHEMA
    )


def _create_exchange_rates() -> None:
    op.create_table(
        "exchange_rates",
        sa.Column("rate_date", sa.Date(), primary_key=True),
        sa.Column("base_currency", sa.String(3), primary_key=True),
        sa.Column("quote_currency", sa.String(3), primary_key=True),
        sa.Column("rate", sa.Numeric(), nullable=False),
        sa.CheckConstraint("rate > 0", name="exchange_rates_positive"),
        sa.CheckConstraint(
            f"base_currency {CURRENCY_CHECK} AND quote_currency {CURRENCY_CHECK}",
            name="exchange_rates_currency",
        ),
        schema=SCHEMA,
    )


def upgrade() -> None:
    _create_imports()
    _create_ad_performance()
    _create_exchange_rates()


def downgrade() -> None:
    for table in ("ad_performance", "ad_imports", "exchange_rates"):
        op.drop_table(table, schema=SCHEMA)
