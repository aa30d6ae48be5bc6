"""fact value history on the state row: every earlier value, oldest first

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 16:00:00

Judging a claim needs the values a fact had before (a republished story retells one); keeping
them on the state row spares a scan of the whole history for every entry. Filled from
``fact_history`` for databases that already hold changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fact_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("history", sa.JSON(), nullable=True))
    connection = op.get_bind()
    states = sa.table("fact_states", sa.column("fact_id", sa.String), sa.column("history", sa.JSON))
    history = sa.table(
        "fact_history",
        sa.column("id", sa.Integer),
        sa.column("fact_id", sa.String),
        sa.column("old", sa.JSON),
        sa.column("status", sa.String),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    past: dict[str, list[object]] = {}
    rows = connection.execute(
        sa.select(history.c.fact_id, history.c.old)
        .where(history.c.status.in_(("changed", "corrected")))
        .order_by(history.c.at, history.c.id)
    )
    for fact_id, old in rows:
        past.setdefault(fact_id, []).append(old)
    for fact_id in connection.execute(sa.select(states.c.fact_id)).scalars():
        connection.execute(
            states.update().where(states.c.fact_id == fact_id).values(history=past.get(fact_id, []))
        )


def downgrade() -> None:
    with op.batch_alter_table("fact_states", schema=None) as batch_op:
        batch_op.drop_column("history")
