"""roleplay: each moment keeps its evidence's explanation in every interface language

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 03:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand: one nullable JSON column. Moments indexed before this revision keep `explanation` (the
    # call's language) only, which pages fall back to; nothing is rewritten. The full-text index still reads
    # `explanation`, so neither its SQLite triggers nor its PostgreSQL expression change.
    with op.batch_alter_table('moments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('explanations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('moments', schema=None) as batch_op:
        batch_op.drop_column('explanations')
