"""Uploads say what they belong to when no row points at them ("question": the images of
questions, linked from their text); the images of questions imported before are marked

Revision ID: 0017_storage_upload_scope
Revises: 0016_competitions_hand_actions
Create Date: 2026-12-06 13:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_storage_upload_scope'
down_revision = '0016_competitions_hand_actions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE uploads SET scope = 'question' WHERE EXISTS (SELECT 1 FROM question_versions v"
        " WHERE v.stem_md LIKE '%/files/' || uploads.token || '/%'"
        " OR v.explanation_md LIKE '%/files/' || uploads.token || '/%'"
        " OR CAST(v.definition AS TEXT) LIKE '%/files/' || uploads.token || '/%')"
    )


def downgrade():
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_column('scope')
