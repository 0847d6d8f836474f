"""auth: a session version per user, so sign-out and a new password end every session and remember-me cookie

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand: one column with a server default, so existing accounts start at version 0. Cookies
    # issued before this revision name only the user id, which no longer matches: everyone signs in once more.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
