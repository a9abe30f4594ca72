"""Ranking boards: member rows filed under their board's generation; a log of recent changes to large boards

Revision ID: 0011_ranking_changes
Revises: 0010_competitions
Create Date: 2026-11-25 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_ranking_changes'
down_revision = '0010_competitions'
branch_labels = None
depends_on = None

SEPARATOR = '\x1f'  # lms.core.ranking.sql_snapshots.SEPARATOR
entries = sa.table(
    'ranking_entries',
    sa.column('board', sa.String),
    sa.column('member_id', sa.BigInteger),
    sa.column('finished_at_ms', sa.BigInteger),
)


def upgrade():
    op.create_table('ranking_changes',
    sa.Column('board', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('old_score', sa.Float(), nullable=True),
    sa.Column('old_time_used_ms', sa.BigInteger(), nullable=True),
    sa.Column('old_finished_at_ms', sa.BigInteger(), nullable=True),
    sa.Column('new_score', sa.Float(), nullable=True),
    sa.Column('new_time_used_ms', sa.BigInteger(), nullable=True),
    sa.Column('new_finished_at_ms', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('board', 'seq', name=op.f('pk_ranking_changes'))
    )
    # Member rows move from "board" to "board<SEPARATOR><generation>"; the version row's
    # nonce (finished_at_ms of member -1) becomes the board's generation.
    connection = op.get_bind()
    versions = connection.execute(
        sa.select(entries.c.board, entries.c.finished_at_ms).where(entries.c.member_id == -1)
    ).all()
    for board, generation in versions:
        connection.execute(
            entries.update()
            .where(entries.c.board == board, entries.c.member_id >= 0)
            .values(board=f'{board}{SEPARATOR}{generation}')
        )


def downgrade():
    connection = op.get_bind()
    versions = connection.execute(
        sa.select(entries.c.board, entries.c.finished_at_ms).where(entries.c.member_id == -1)
    ).all()
    for board, generation in versions:
        connection.execute(
            entries.update()
            .where(entries.c.board == f'{board}{SEPARATOR}{generation}')
            .values(board=board)
        )
    connection.execute(entries.delete().where(entries.c.board.contains(SEPARATOR)))
    op.drop_table('ranking_changes')
