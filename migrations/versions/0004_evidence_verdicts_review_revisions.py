"""review: reviewers' verdicts on evidence (labelled examples); one review per call and revision number

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:53:59.894577

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

REVIEW_ONLY = "kind = 'review'"


def _refuse_duplicate_reviews():
    """Two finalisations racing before this revision could leave two reviews with one revision number.

    Final evaluations are immutable, so this migration does not choose which one to drop: it names the
    calls and stops, and an administrator resolves them (keep one, renumber or delete the other) first.
    """
    rows = op.get_bind().execute(sa.text(
        "SELECT call_id, revision FROM evaluations WHERE kind = 'review' "
        "GROUP BY call_id, revision HAVING COUNT(*) > 1 ORDER BY call_id, revision")).all()
    if rows:
        where = ", ".join(f"call {call_id} revision {rev}" for call_id, rev in rows[:20])
        raise RuntimeError(f"several reviews share a revision number ({where}); resolve them, then upgrade again")


def upgrade():
    # Reviewed by hand: one new table, and a partial unique index on evaluations (automatic evaluations,
    # one per rubric version, all share revision 1 and stay outside it).
    _refuse_duplicate_reviews()
    op.create_table('evidence_verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('criterion_key', sa.String(length=80), nullable=False),
    sa.Column('segment_index', sa.Integer(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('sign', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('carried', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_evidence_verdicts_call_id_calls')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_evidence_verdicts_evaluation_id_evaluations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_verdicts_evidence_id_evidence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_evidence_verdicts_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_verdicts')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_evidence_verdicts_evidence_id'))
    )
    with op.batch_alter_table('evidence_verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_verdicts_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_verdicts_evaluation_id'), ['evaluation_id'], unique=False)

    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index('uq_evaluations_review_revision', ['call_id', 'kind', 'revision'], unique=True,
                              sqlite_where=sa.text(REVIEW_ONLY), postgresql_where=sa.text(REVIEW_ONLY))


def downgrade():
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index('uq_evaluations_review_revision', sqlite_where=sa.text(REVIEW_ONLY),
                            postgresql_where=sa.text(REVIEW_ONLY))

    with op.batch_alter_table('evidence_verdicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_verdicts_evaluation_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_verdicts_call_id'))

    op.drop_table('evidence_verdicts')
