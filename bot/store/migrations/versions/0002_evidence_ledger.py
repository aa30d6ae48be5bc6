"""evidence ledger: claims, alert threads, implied values

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fact_id", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("value_key", sa.String(length=200), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("strength", sa.String(length=20), nullable=False),
        sa.Column("entry_uid", sa.String(length=64), nullable=False),
        sa.Column("story_uid", sa.String(length=64), nullable=True),
        sa.Column("alert_id", sa.String(length=64), nullable=True),
        sa.Column("domain", sa.String(length=200), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective", sa.String(length=10), nullable=True),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_fact_value", ["fact_id", "value_key", "published"])
        batch_op.create_index(batch_op.f("ix_claims_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_entry_uid"), ["entry_uid"], unique=False)
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_alerts_parent_id"), ["parent_id"], unique=False)
    with op.batch_alter_table("fact_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("implied", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fact_states", schema=None) as batch_op:
        batch_op.drop_column("implied")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_parent_id"))
        batch_op.drop_column("parent_id")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_entry_uid"))
        batch_op.drop_index(batch_op.f("ix_claims_status"))
        batch_op.drop_index("ix_claims_fact_value")
    op.drop_table("claims")
