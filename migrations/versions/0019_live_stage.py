"""Stage format of live sessions: settings, judges, turns, judges' marks and score events

Revision ID: 0019_live_stage
Revises: 0018_live_sessions
Create Date: 2026-12-06 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_live_stage'
down_revision = '0018_live_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('live_stage_settings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('points_required', sa.Integer(), nullable=False),
    sa.Column('points_buzzer', sa.Integer(), nullable=False),
    sa.Column('buzzer_wrong', sa.Integer(), nullable=False),
    sa.Column('foul_penalty', sa.Integer(), nullable=False),
    sa.Column('risk_values', sa.JSON(), nullable=False),
    sa.Column('frozen_scores', sa.JSON(), nullable=True),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('points_required >= 0 AND points_buzzer >= 0 AND buzzer_wrong >= 0 AND foul_penalty >= 0', name=op.f('ck_live_stage_settings_points')),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_stage_settings_session_id_live_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_live_stage_settings'))
    )
    op.create_table('live_stage_judges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_head', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_stage_judges_session_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_live_stage_judges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_stage_judges')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_live_stage_judges_session_id_user_id'))
    )
    with op.batch_alter_table('live_stage_judges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_stage_judges_session_id'), ['session_id'], unique=False)
    op.create_table('live_stage_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('risk_value', sa.Integer(), nullable=True),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_stage_turns_session_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['live_teams.id'], name=op.f('fk_live_stage_turns_team_id_live_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_stage_turns')),
    sa.UniqueConstraint('session_id', 'index', name=op.f('uq_live_stage_turns_session_id_index'))
    )
    op.create_table('live_stage_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('is_decision', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['users.id'], name=op.f('fk_live_stage_marks_judge_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_stage_marks_session_id_live_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_stage_marks')),
    sa.UniqueConstraint('session_id', 'index', 'attempt', 'judge_id', 'is_decision', name='uq_live_stage_marks_one_per_judge')
    )
    with op.batch_alter_table('live_stage_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_stage_marks_session_id'), ['session_id'], unique=False)
    op.create_table('live_score_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('question_index', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_live_score_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_score_events_session_id_live_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['live_teams.id'], name=op.f('fk_live_score_events_team_id_live_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_live_score_events_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_score_events'))
    )
    with op.batch_alter_table('live_score_events', schema=None) as batch_op:
        batch_op.create_index('ix_live_score_events_session_team', ['session_id', 'team_id'], unique=False)
        batch_op.create_index('uq_live_score_events_one_foul', ['session_id', 'team_id', 'question_index'], unique=True, sqlite_where=sa.text("kind = 'foul' AND undone_at IS NULL"), postgresql_where=sa.text("kind = 'foul' AND undone_at IS NULL"))


def downgrade():
    with op.batch_alter_table('live_score_events', schema=None) as batch_op:
        batch_op.drop_index('uq_live_score_events_one_foul')
        batch_op.drop_index('ix_live_score_events_session_team')
    op.drop_table('live_score_events')
    with op.batch_alter_table('live_stage_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_stage_marks_session_id'))
    op.drop_table('live_stage_marks')
    op.drop_table('live_stage_turns')
    with op.batch_alter_table('live_stage_judges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_stage_judges_session_id'))
    op.drop_table('live_stage_judges')
    op.drop_table('live_stage_settings')
