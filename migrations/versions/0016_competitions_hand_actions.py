"""Organizers' hands on a competition: freeze and reveal the public board, special awards,
and their audit trail

Revision ID: 0016_competitions_hand_actions
Revises: 0015_courses_video_watching
Create Date: 2026-12-06 10:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_competitions_hand_actions'
down_revision = '0015_courses_video_watching'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('competitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frozen_by_hand_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revealed_by_hand_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('competition_awards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=100), nullable=False, server_default=''))
    op.create_table('competition_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_competition_actions_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_competition_actions_competition_id_competitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_competition_actions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_actions'))
    )
    with op.batch_alter_table('competition_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_actions_competition_id'), ['competition_id'], unique=False)


def downgrade():
    with op.batch_alter_table('competition_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_actions_competition_id'))
    op.drop_table('competition_actions')
    with op.batch_alter_table('competition_awards', schema=None) as batch_op:
        batch_op.drop_column('title')
    with op.batch_alter_table('competitions', schema=None) as batch_op:
        batch_op.drop_column('revealed_by_hand_at')
        batch_op.drop_column('frozen_by_hand_at')
