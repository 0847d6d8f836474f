"""scoring: a criterion the scorer found N/A keeps why (the occasion the call did not give), in every language

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand: one nullable JSON column. Scores stored before this revision have no reason, and pages show
    # their N/A as before; nothing is rewritten.
    with op.batch_alter_table('criterion_scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('na_explanations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('criterion_scores', schema=None) as batch_op:
        batch_op.drop_column('na_explanations')
