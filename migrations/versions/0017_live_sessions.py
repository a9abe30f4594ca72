"""Live hosted sessions: sessions, their drawn questions, teams, players, answers and buzzes

Revision ID: 0017_live_sessions
Revises: 0016_competitions_hand_actions
Create Date: 2026-12-06 13:20:03.800460

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_live_sessions'
down_revision = '0016_competitions_hand_actions'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('live_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('quiz_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('scoring', sa.String(length=10), nullable=False),
    sa.Column('seconds_per_question', sa.Integer(), nullable=False),
    sa.Column('streak_bonus', sa.Boolean(), nullable=False),
    sa.Column('guests', sa.Boolean(), nullable=False),
    sa.Column('team_depth', sa.Integer(), nullable=True),
    sa.Column('pin', sa.String(length=6), nullable=False),
    sa.Column('screen_token', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('current_index', sa.Integer(), nullable=False),
    sa.Column('question_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('question_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_ms', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('points_awarded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('seconds_per_question BETWEEN 5 AND 600', name=op.f('ck_live_sessions_seconds')),
    sa.ForeignKeyConstraint(['host_id'], ['users.id'], name=op.f('fk_live_sessions_host_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_live_sessions_quiz_id_quizzes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_live_sessions_unit_id_org_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_sessions')),
    sa.UniqueConstraint('screen_token', name=op.f('uq_live_sessions_screen_token'))
    )
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_sessions_host_id'), ['host_id'], unique=False)
        batch_op.create_index('uq_live_sessions_open_pin', ['pin'], unique=True, sqlite_where=sa.text("state != 'finished'"), postgresql_where=sa.text("state != 'finished'"))

    op.create_table('live_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_teams_session_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_live_teams_unit_id_org_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_teams')),
    sa.UniqueConstraint('session_id', 'name', name=op.f('uq_live_teams_session_id_name')),
    sa.UniqueConstraint('session_id', 'unit_id', name=op.f('uq_live_teams_session_id_unit_id'))
    )
    with op.batch_alter_table('live_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_teams_session_id'), ['session_id'], unique=False)

    op.create_table('live_players',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('nickname', sa.String(length=100), nullable=False),
    sa.Column('guest_key', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('streak', sa.Integer(), nullable=False),
    sa.Column('correct_count', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_players_session_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['live_teams.id'], name=op.f('fk_live_players_team_id_live_teams'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_live_players_unit_id_org_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_live_players_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_players')),
    sa.UniqueConstraint('guest_key', name=op.f('uq_live_players_guest_key')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_live_players_session_id_user_id'))
    )
    with op.batch_alter_table('live_players', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_players_session_id'), ['session_id'], unique=False)

    op.create_table('live_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('buzz_seq', sa.Integer(), nullable=False),
    sa.Column('buzz_open', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_versions.id'], name=op.f('fk_live_questions_question_version_id_question_versions')),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_questions_session_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['live_teams.id'], name=op.f('fk_live_questions_team_id_live_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_questions')),
    sa.UniqueConstraint('session_id', 'index', name=op.f('uq_live_questions_session_id_index'))
    )
    op.create_table('live_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('player_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('tokens', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('elapsed_ms', sa.Integer(), nullable=False),
    sa.Column('fraction', sa.Double(), nullable=False),
    sa.Column('is_correct', sa.Boolean(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['player_id'], ['live_players.id'], name=op.f('fk_live_answers_player_id_live_players'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_answers_session_id_live_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_answers')),
    sa.UniqueConstraint('player_id', 'index', name=op.f('uq_live_answers_player_id_index'))
    )
    with op.batch_alter_table('live_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_answers_session_id'), ['session_id'], unique=False)

    op.create_table('live_buzzes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('player_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('order', sa.Integer(), nullable=True),
    sa.Column('is_foul', sa.Boolean(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['player_id'], ['live_players.id'], name=op.f('fk_live_buzzes_player_id_live_players'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_buzzes_session_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['live_teams.id'], name=op.f('fk_live_buzzes_team_id_live_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_buzzes')),
    sa.UniqueConstraint('session_id', 'index', 'order', name=op.f('uq_live_buzzes_session_id_index_order')),
    sa.UniqueConstraint('session_id', 'index', 'player_id', 'is_foul', name=op.f('uq_live_buzzes_session_id_index_player_id_is_foul'))
    )
    with op.batch_alter_table('live_buzzes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_buzzes_session_id'), ['session_id'], unique=False)




def downgrade():

    with op.batch_alter_table('live_buzzes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_buzzes_session_id'))

    op.drop_table('live_buzzes')
    with op.batch_alter_table('live_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_answers_session_id'))

    op.drop_table('live_answers')
    op.drop_table('live_questions')
    with op.batch_alter_table('live_players', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_players_session_id'))

    op.drop_table('live_players')
    with op.batch_alter_table('live_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_teams_session_id'))

    op.drop_table('live_teams')
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_live_sessions_open_pin', sqlite_where=sa.text("state != 'finished'"), postgresql_where=sa.text("state != 'finished'"))
        batch_op.drop_index(batch_op.f('ix_live_sessions_host_id'))

    op.drop_table('live_sessions')

