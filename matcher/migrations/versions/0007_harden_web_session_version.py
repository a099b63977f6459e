"""users.session_version: a logout or password change ends every session of the user

Revision ID: harden_web_session_version
Revises: i18n_user_locale
"""
from alembic import op
import sqlalchemy as sa


revision = 'harden_web_session_version'
down_revision = 'i18n_user_locale'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
