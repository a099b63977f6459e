"""users.locale: the interface and mail language a user chose

Revision ID: i18n_user_locale
Revises: loop_requests (chained after the merge of branch loop, so the branch has one head)
"""
from alembic import op
import sqlalchemy as sa


revision = 'i18n_user_locale'
down_revision = 'loop_requests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
