"""Pixel: site keys, raw events partitioned by month, idempotence keys, salts and drops.

Revision ID: 0003_pixel
Revises: 0001_core
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_pixel"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "creatives"

SITES = f"""
CREATE TABLE {SCHEMA}.pixel_sites (
    customer_id varchar(64) PRIMARY KEY
        REFERENCES {SCHEMA}.customers (id) ON DELETE CASCADE,
    site_key text NOT NULL UNIQUE CHECK (site_key ~ '^[A-Za-z0-9_-]{{8,64}}$'),
    secret text NOT NULL CHECK (length(secret) >= 32),
    allowed_origins text[] NOT NULL DEFAULT '{{}}',
    ad_id_param text NOT NULL DEFAULT 'ad_id'
        CHECK (ad_id_param ~ '^[A-Za-z0-9_.-]{{1,64}}$'),
    honor_privacy_signals boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""

# Partitioned by the event time, so old months can be detached or dropped whole. A unique
# index on a partitioned table must contain the partition key, and a retried event arrives
# with a later receive time, so the idempotence keys live in the two plain tables below.
EVENTS = f"""
CREATE TABLE {SCHEMA}.pixel_events (
    customer_id varchar(64) NOT NULL,
    event_id uuid NOT NULL,
    event_time timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    client_time timestamptz,
    event_name text NOT NULL,
    source text NOT NULL,
    client_id text,
    session_id text,
    visitor_hash bytea,
    page_url text,
    referrer text,
    utm_source text,
    utm_medium text,
    utm_campaign text,
    utm_term text,
    utm_content text,
    fbclid text,
    gclid text,
    msclkid text,
    ttclid text,
    ad_id text,
    value numeric CHECK (value >= 0),
    currency char(3) CHECK (currency ~ '^[A-Z]{{3}}$'),
    order_id text,
    properties jsonb,
    user_agent text,
    is_bot boolean NOT NULL DEFAULT false,
    bot_name text
) PARTITION BY RANGE (event_time)
"""

EVENT_KEYS = f"""
CREATE TABLE {SCHEMA}.pixel_event_keys (
    customer_id varchar(64) NOT NULL,
    event_id uuid NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (customer_id, event_id)
)
"""

ORDERS = f"""
CREATE TABLE {SCHEMA}.pixel_orders (
    customer_id varchar(64) NOT NULL,
    event_name text NOT NULL,
    order_id text NOT NULL,
    event_id uuid NOT NULL,
    PRIMARY KEY (customer_id, event_name, order_id)
)
"""

SALTS = f"""
CREATE TABLE {SCHEMA}.pixel_salts (
    day date PRIMARY KEY,
    salt bytea NOT NULL CHECK (length(salt) = 32)
)
"""

DROPS = f"""
CREATE TABLE {SCHEMA}.pixel_drops (
    day date NOT NULL,
    customer_id varchar(64) NOT NULL DEFAULT '',
    reason text NOT NULL,
    events bigint NOT NULL,
    PRIMARY KEY (day, customer_id, reason)
)
"""


def upgrade() -> None:
    for statement in (SITES, EVENTS, EVENT_KEYS, ORDERS, SALTS, DROPS):
        op.execute(statement)
    op.execute(
        f"CREATE INDEX pixel_events_customer_client_time "
        f"ON {SCHEMA}.pixel_events (customer_id, client_id, event_time)"
    )
    op.execute(
        f"CREATE INDEX pixel_events_customer_session "
        f"ON {SCHEMA}.pixel_events (customer_id, session_id, event_time)"
    )


def downgrade() -> None:
    for table in (
        "pixel_drops",
        "pixel_salts",
        "pixel_orders",
        "pixel_event_keys",
        "pixel_events",
        "pixel_sites",
    ):
        op.execute(f"DROP TABLE {SCHEMA}.{table}")
