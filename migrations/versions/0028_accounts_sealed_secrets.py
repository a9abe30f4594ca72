"""The directory secrets in site settings (LDAP bind password, OpenID client secret) are sealed
with a key derived from SECRET_KEY instead of stored as typed

Revision ID: 0028_accounts_sealed_secrets
Revises: 0027_notify_lookup_indexes
Create Date: 2026-12-06 23:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

from lms.core.sealing import is_sealed, seal, unseal


# revision identifiers, used by Alembic.
revision = '0028_accounts_sealed_secrets'
down_revision = '0027_notify_lookup_indexes'
branch_labels = None
depends_on = None

SECRETS = {'accounts.ldap': 'bind_password', 'accounts.oidc': 'client_secret'}
settings = sa.table('site_settings', sa.column('key', sa.String), sa.column('value', sa.JSON))


def _rewrite(change):
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(settings.c.key, settings.c.value).where(settings.c.key.in_(list(SECRETS)))
    )
    for key, value in rows.all():
        field = SECRETS[key]
        if not isinstance(value, dict) or not isinstance(value.get(field), str):
            continue
        changed = change(value[field])
        if changed != value[field]:
            connection.execute(
                settings.update()
                .where(settings.c.key == key)
                .values(value={**value, field: changed})
            )


def upgrade():
    _rewrite(lambda stored: stored if is_sealed(stored) else seal(stored))


def downgrade():
    _rewrite(unseal)
