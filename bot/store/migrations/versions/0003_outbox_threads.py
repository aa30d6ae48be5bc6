"""outbox threads: where a follow-up was posted, and the `editing` status

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:00:00

A follow-up (an alert with ``parent_id``) is posted as a reply under its parent's message;
``outbox.thread_id`` records that message (Slack: the thread's ``ts``; Discord: the message
replied to), null for a top-level post. Status gains ``editing`` (a string column, so no DDL):
the reply is posted and the parent's message is still to be edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_id", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("UPDATE outbox SET status = 'sent' WHERE status = 'editing'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("thread_id")
