"""review decisions: the reviewers' audit trail

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 18:00:00

One ``decisions`` row per fact a reviewer's decision touched (confirm, dismiss, correct, set):
who (shown and account), when, the value, what it replaced, the claims it decided and the alert
that carries it to chat. Claims gain the status ``dismissed`` (a string column, so no DDL);
their ``decided_by`` and ``decided_at`` columns exist since 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("fact_id", sa.String(length=100), nullable=False),
        sa.Column("alert_id", sa.String(length=64), nullable=True),
        sa.Column("claim_ids", sa.JSON(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("replaced", sa.JSON(), nullable=True),
        sa.Column("claims_status", sa.String(length=20), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decider", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("follow_up_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decisions_fact_id", "decisions", ["fact_id"])
    op.create_index("ix_decisions_alert_id", "decisions", ["alert_id"])


def downgrade() -> None:
    op.drop_index("ix_decisions_alert_id", table_name="decisions")
    op.drop_index("ix_decisions_fact_id", table_name="decisions")
    op.drop_table("decisions")
