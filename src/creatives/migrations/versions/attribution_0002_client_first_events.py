"""Attribution: each client's first event of each name, filled from the stored events.

The new and returning figures need each client's first visit and first purchase over the
whole history. The integration keeps this table up to date, so an incremental run reads it
for the clients of its days. Without the table, that run scans every event of the customer.
One row per event name keeps the first purchase right when the customer's purchase event
is changed.

Revision ID: attribution_0002
Revises: attribution_0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "attribution_0002"
down_revision: str | Sequence[str] | None = "attribution_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0003_pixel"

SCHEMA = "creatives"

TABLE = f"""
CREATE TABLE {SCHEMA}.client_first_events (
    customer_id varchar(64) NOT NULL
        REFERENCES {SCHEMA}.customers (id) ON DELETE CASCADE,
    client_id text NOT NULL,
    event_name text NOT NULL,
    first_at timestamptz NOT NULL,
    PRIMARY KEY (customer_id, client_id, event_name)
)
"""

# The same events the integration reads: human events with a client id. Events of a
# customer id that has no customer row are never integrated, so they are left out.
BACKFILL = f"""
INSERT INTO {SCHEMA}.client_first_events (customer_id, client_id, event_name, first_at)
SELECT e.customer_id, e.client_id, e.event_name, min(e.event_time)
FROM {SCHEMA}.pixel_events e
WHERE NOT e.is_bot AND e.client_id IS NOT NULL
  AND e.customer_id IN (SELECT id FROM {SCHEMA}.customers)
GROUP BY e.customer_id, e.client_id, e.event_name
"""


def upgrade() -> None:
    op.execute(TABLE)
    op.execute(BACKFILL)
    op.execute(f"ANALYZE {SCHEMA}.client_first_events")


def downgrade() -> None:
    op.execute(f"DROP TABLE {SCHEMA}.client_first_events")
