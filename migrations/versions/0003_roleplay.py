"""roleplay: moment library (with its full-text index), collections, versioned scenarios, assignments, practices

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 16:00:10.400757

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand: new tables only, plus the moments' full-text index (same SQL as app/roleplay/search.py,
    # copied here because a migration never imports the app).
    op.create_table('moment_collections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_moment_collections_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moment_collections')),
    sa.UniqueConstraint('name', name=op.f('uq_moment_collections_name'))
    )
    op.create_table('scenarios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_scenarios_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenarios'))
    )
    op.create_table('moments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('criterion_key', sa.String(length=80), nullable=False),
    sa.Column('sign', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('call_type', sa.String(length=20), nullable=False),
    sa.Column('score_band', sa.String(length=10), nullable=False),
    sa.Column('segment_index', sa.Integer(), nullable=False),
    sa.Column('char_start', sa.Integer(), nullable=False),
    sa.Column('char_end', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=10), nullable=False),
    sa.Column('start', sa.Double(), nullable=False),
    sa.Column('end', sa.Double(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_moments_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_moments_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moments')),
    sa.UniqueConstraint('call_id', 'segment_index', 'char_start', 'char_end', 'criterion_key', 'sign', name=op.f('uq_moments_call_id'))
    )
    with op.batch_alter_table('moments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moments_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moments_criterion_key'), ['criterion_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_moments_team_id'), ['team_id'], unique=False)

    _create_search_index()
    op.create_table('moment_sources',
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_moment_sources_evaluation_id_evaluations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('evaluation_id', name=op.f('pk_moment_sources'))
    )

    op.create_table('roleplay_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_roleplay_assignments_agent_id_agents')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_roleplay_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_roleplay_assignments_scenario_id_scenarios'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_roleplay_assignments_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_assignments'))
    )
    with op.batch_alter_table('roleplay_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roleplay_assignments_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_assignments_scenario_id'), ['scenario_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_assignments_team_id'), ['team_id'], unique=False)

    op.create_table('scenario_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('rubric_key', sa.String(length=80), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_scenario_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['scenario_id'], ['scenarios.id'], name=op.f('fk_scenario_versions_scenario_id_scenarios'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_versions')),
    sa.UniqueConstraint('scenario_id', 'version', name=op.f('uq_scenario_versions_scenario_id'))
    )
    with op.batch_alter_table('scenario_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_versions_scenario_id'), ['scenario_id'], unique=False)

    op.create_table('collection_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('moment_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_collection_items_added_by_id_users')),
    sa.ForeignKeyConstraint(['collection_id'], ['moment_collections.id'], name=op.f('fk_collection_items_collection_id_moment_collections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moment_id'], ['moments.id'], name=op.f('fk_collection_items_moment_id_moments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_items')),
    sa.UniqueConstraint('collection_id', 'moment_id', name=op.f('uq_collection_items_collection_id'))
    )
    with op.batch_alter_table('collection_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_items_collection_id'), ['collection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_items_moment_id'), ['moment_id'], unique=False)

    op.create_table('roleplay_practices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scenario_version_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=False),
    sa.Column('ticked', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('overall', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_roleplay_practices_agent_id_agents')),
    sa.ForeignKeyConstraint(['observer_id'], ['users.id'], name=op.f('fk_roleplay_practices_observer_id_users')),
    sa.ForeignKeyConstraint(['scenario_version_id'], ['scenario_versions.id'], name=op.f('fk_roleplay_practices_scenario_version_id_scenario_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_practices'))
    )
    with op.batch_alter_table('roleplay_practices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roleplay_practices_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_practices_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_roleplay_practices_scenario_version_id'), ['scenario_version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('roleplay_practices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roleplay_practices_scenario_version_id'))
        batch_op.drop_index(batch_op.f('ix_roleplay_practices_created_at'))
        batch_op.drop_index(batch_op.f('ix_roleplay_practices_agent_id'))

    op.drop_table('roleplay_practices')
    with op.batch_alter_table('collection_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_items_moment_id'))
        batch_op.drop_index(batch_op.f('ix_collection_items_collection_id'))

    op.drop_table('collection_items')
    with op.batch_alter_table('scenario_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_versions_scenario_id'))

    op.drop_table('scenario_versions')
    with op.batch_alter_table('roleplay_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roleplay_assignments_team_id'))
        batch_op.drop_index(batch_op.f('ix_roleplay_assignments_scenario_id'))
        batch_op.drop_index(batch_op.f('ix_roleplay_assignments_agent_id'))

    op.drop_table('roleplay_assignments')
    with op.batch_alter_table('moments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moments_team_id'))
        batch_op.drop_index(batch_op.f('ix_moments_criterion_key'))
        batch_op.drop_index(batch_op.f('ix_moments_call_id'))

    op.drop_table('moment_sources')
    _drop_search_index()
    op.drop_table('moments')
    op.drop_table('scenarios')
    op.drop_table('moment_collections')


SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS moments_fts USING fts5(text, quote, explanation, content='moments', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS moments_fts_ai AFTER INSERT ON moments BEGIN INSERT INTO moments_fts"
    "(rowid, text, quote, explanation) VALUES (new.id, new.text, new.quote, new.explanation); END",
    "CREATE TRIGGER IF NOT EXISTS moments_fts_ad AFTER DELETE ON moments BEGIN INSERT INTO moments_fts"
    "(moments_fts, rowid, text, quote, explanation) VALUES ('delete', old.id, old.text, old.quote, "
    "old.explanation); END",
    "CREATE TRIGGER IF NOT EXISTS moments_fts_au AFTER UPDATE ON moments BEGIN INSERT INTO moments_fts"
    "(moments_fts, rowid, text, quote, explanation) VALUES ('delete', old.id, old.text, old.quote, "
    "old.explanation); INSERT INTO moments_fts(rowid, text, quote, explanation) VALUES (new.id, new.text, "
    "new.quote, new.explanation); END",
)
POSTGRES_SEARCH = ("CREATE INDEX IF NOT EXISTS ix_moments_fts ON moments USING gin "
                   "((to_tsvector('simple', coalesce(text, '') || ' ' || coalesce(explanation, ''))))")


def _create_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute(POSTGRES_SEARCH)


def _drop_search_index():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute("DROP TABLE IF EXISTS moments_fts")  # its triggers go with the moments table
    elif dialect == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_moments_fts")
