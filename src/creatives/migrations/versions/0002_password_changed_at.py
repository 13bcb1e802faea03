"""Record when a user's password changed, so older tokens stop working.

Revision ID: 0002_password_changed_at
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_password_changed_at"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column(
            "password_changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        schema="creatives",
    )


def downgrade() -> None:
    op.drop_column("users", "password_changed_at", schema="creatives")
