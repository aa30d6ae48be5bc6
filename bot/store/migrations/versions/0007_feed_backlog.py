"""feed backlog: how many entries of a feed's last poll went beyond the per-poll cap

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 20:00:00

A feed that publishes more entries at once than ``fetch.max_entries_per_poll`` has its newest
ones judged as usual and the rest judged as backlog (for the facts' history, without alerts);
``status`` says how many.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("backlog_entries", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("backlog_entries")
