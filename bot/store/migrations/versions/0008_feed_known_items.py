"""feed known items: the items of a feed's body whose entries are stored

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 04:00:00

A changed feed body is parsed only in the items not read before (``bot/feeds/items.py``): the
digests of the items whose entries are stored, kept with the feed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("known_items", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("known_items")
