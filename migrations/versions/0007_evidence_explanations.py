"""scoring: each automatic evidence keeps its explanation in every interface language

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand: one nullable JSON column. Evidence stored before this revision keeps `explanation` (the
    # call's language) only, which pages fall back to; nothing is rewritten.
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('explanations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('explanations')
