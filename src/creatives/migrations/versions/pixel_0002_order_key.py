"""Pixel: one purchase per (customer, order id), whatever the event's name.

Revision ID: pixel_0002
Revises: 0003_pixel
"""

from collections.abc import Sequence

from alembic import op

revision: str = "pixel_0002"
down_revision: str | Sequence[str] | None = "0003_pixel"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "creatives"


def upgrade() -> None:
    # The old key let the same order through once per event name; keep one claim per order.
    op.execute(
        f"""
        DELETE FROM {SCHEMA}.pixel_orders later USING {SCHEMA}.pixel_orders earlier
        WHERE later.customer_id = earlier.customer_id
          AND later.order_id = earlier.order_id
          AND later.ctid > earlier.ctid
        """
    )
    op.execute(f"ALTER TABLE {SCHEMA}.pixel_orders DROP CONSTRAINT pixel_orders_pkey")
    op.execute(
        f"ALTER TABLE {SCHEMA}.pixel_orders ADD PRIMARY KEY (customer_id, order_id)"
    )


def downgrade() -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.pixel_orders DROP CONSTRAINT pixel_orders_pkey")
    op.execute(
        f"ALTER TABLE {SCHEMA}.pixel_orders "
        "ADD PRIMARY KEY (customer_id, event_name, order_id)"
    )
