"""story indexes: a story's entries and claims found by their root without a scan

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 18:00:00

Every entry that joins a story looks up the story's first alert, its sources and what reviewers
dismissed in it, by the story's root entry; without these indexes each lookup read the whole
table.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entries_duplicate_of"), ["duplicate_of"], unique=False)
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_story_uid"), ["story_uid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_story_uid"))
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entries_duplicate_of"))
