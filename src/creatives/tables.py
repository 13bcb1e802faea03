"""Table definitions used by queries. Alembic migrations own the DDL."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA = "creatives"
metadata = MetaData(schema=SCHEMA)

# The original system's tables keep their exact column names and types, so its exports load as-is.
DIM_COMBINED_CREATIVE_COLUMNS: tuple[tuple[str, type], ...] = (
    ("channel", String),
    ("ad_id", String),
    ("campaign_id", String),
    ("date", String),
    ("customer_name", String),
    ("ad_type", String),
    ("link", String),
    ("type", String),
    ("date_column", Date),
    ("ad_copy", String),
    ("media_id", String),
    ("creative_id", String),
    ("copy_id", String),
)

_TEXT = String
_NUM = Numeric
PIXEL_EVENT_INTEGRATED_DATA_COLUMNS: tuple[tuple[str, type], ...] = (
    ("campaign_name", _TEXT),
    ("medium", _TEXT),
    ("source", _TEXT),
    ("adset_name", _TEXT),
    ("ad_name", _TEXT),
    ("bg_source", _TEXT),
    ("bg_source_id", _TEXT),
    ("date", _TEXT),
    ("sessions", _NUM),
    ("users", _NUM),
    ("new_users", _NUM),
    ("number_of_events", _NUM),
    ("shopify_revenue", _NUM),
    ("new_customer", _NUM),
    ("returning_customer", _NUM),
    ("ev", _TEXT),
    ("ad_id", _TEXT),
    ("impressions", _NUM),
    ("clicks", _NUM),
    ("spend", _NUM),
    ("campaign_id", _TEXT),
    ("adset_id", _TEXT),
    ("shopify_revenue_attr", _NUM),
    ("returning_customer_attr", _NUM),
    ("new_customer_attr", _NUM),
    ("number_of_events_attr", _NUM),
    ("customer_name", _TEXT),
    ("returning_customer_revenue", _NUM),
    ("returning_customer_revenue_attr", _NUM),
    ("new_customer_revenue", _NUM),
    ("new_customer_revenue_attr", _NUM),
    ("date_column", Date),
    ("event_value", _NUM),
    ("event_value_attr", _NUM),
    ("number_of_events_attr_window_1", _NUM),
    ("number_of_events_attr_window_7", _NUM),
    ("number_of_events_attr_window_30", _NUM),
    ("event_value_attr_window_1", _NUM),
    ("event_value_attr_window_7", _NUM),
    ("event_value_attr_window_30", _NUM),
    ("shopify_revenue_attr_window_1", _NUM),
    ("shopify_revenue_attr_window_7", _NUM),
    ("shopify_revenue_attr_window_30", _NUM),
    ("returning_customer_attr_window_1", _NUM),
    ("returning_customer_attr_window_7", _NUM),
    ("returning_customer_attr_window_30", _NUM),
    ("new_customer_attr_window_1", _NUM),
    ("new_customer_attr_window_7", _NUM),
    ("new_customer_attr_window_30", _NUM),
    ("returning_customer_revenue_attr_window_1", _NUM),
    ("returning_customer_revenue_attr_window_7", _NUM),
    ("returning_customer_revenue_attr_window_30", _NUM),
    ("new_customer_revenue_attr_window_1", _NUM),
    ("new_customer_revenue_attr_window_7", _NUM),
    ("new_customer_revenue_attr_window_30", _NUM),
    ("ad_status", _TEXT),
    ("adset_status", _TEXT),
    ("campaign_status", _TEXT),
    ("budget_type", _TEXT),
    ("budget", _NUM),
    ("cltv", _NUM),
    ("cltv_attr", _NUM),
    ("cltv_attr_window_1", _NUM),
    ("cltv_attr_window_7", _NUM),
    ("cltv_attr_window_30", _NUM),
    ("pageviews", _NUM),
    ("is_integrated_channel", Integer),
    ("pre_spend_profit", Float),
    ("pre_spend_profit_attr", Float),
    ("pre_spend_profit_attr_window_1", Float),
    ("pre_spend_profit_attr_window_7", Float),
    ("pre_spend_profit_attr_window_30", Float),
)

ORIGINAL_TABLES = {
    "dim_combined_creative": DIM_COMBINED_CREATIVE_COLUMNS,
    "pixel_event_integrated_data": PIXEL_EVENT_INTEGRATED_DATA_COLUMNS,
}

dim_combined_creative = Table(
    "dim_combined_creative",
    metadata,
    *(Column(name, kind()) for name, kind in DIM_COMBINED_CREATIVE_COLUMNS),
)

pixel_event_integrated_data = Table(
    "pixel_event_integrated_data",
    metadata,
    *(Column(name, kind()) for name, kind in PIXEL_EVENT_INTEGRATED_DATA_COLUMNS),
)

customers = Table(
    "customers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("time_zone", Text, nullable=False),
    Column(
        "created_at", DateTime(timezone=True), server_default=func.now(), nullable=False
    ),
    Column("attribution_window_days", Integer, nullable=False, server_default="7"),
    Column("purchase_event", Text, nullable=False, server_default="order_completed"),
)

users = Table(
    "users",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("email", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("is_active", Boolean, nullable=False, server_default="true"),
    Column(
        "password_changed_at",
        DateTime(timezone=True),
        server_default=func.now(),
        nullable=False,
    ),
    Column(
        "created_at", DateTime(timezone=True), server_default=func.now(), nullable=False
    ),
)

user_customers = Table(
    "user_customers",
    metadata,
    Column(
        "user_id",
        BigInteger,
        ForeignKey(users.c.id, ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "customer_id",
        String(64),
        ForeignKey(customers.c.id, ondelete="CASCADE"),
        primary_key=True,
    ),
)

# Derived from dim_combined_creative on every load: each ad's latest copy, grouped by its text.
creative = Table(
    "creative",
    metadata,
    Column("customer_name", String, primary_key=True),
    Column("creative_id", String, primary_key=True),
    Column("ad_copy", Text),
    Column("ad_copies", JSONB, nullable=False),
)

ad_creative = Table(
    "ad_creative",
    metadata,
    Column("customer_name", String, primary_key=True),
    Column("ad_id", String, primary_key=True),
    Column("creative_id", String, nullable=False),
)

# Derived from pixel_event_integrated_data by creatives.creatives.rollups.refresh_derived.
ad_event_cumulative = Table(
    "ad_event_cumulative",
    metadata,
    Column("customer_name", String(collation="C"), primary_key=True),
    Column("ev", String(collation="C"), primary_key=True),
    Column("date_column", Date, primary_key=True),
    Column("ad_id", String(collation="C"), primary_key=True),
    Column("fact_rows", BigInteger, nullable=False),
    *(
        Column(name, Numeric, nullable=False)
        for name in (
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
    ),
    # Per revenue column: the fact rows up to that day whose value was not NULL.
    *(
        Column(f"{name}_rows", BigInteger, nullable=False)
        for name in (
            "event_value",
            "event_value_attr_window_1",
            "event_value_attr_window_7",
            "event_value_attr_window_30",
        )
    ),
)

event_day_range = Table(
    "event_day_range",
    metadata,
    Column("customer_name", String(collation="C"), primary_key=True),
    Column("ev", String(collation="C"), primary_key=True),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
)
