"""users.researcher_id: the foreign key to researchers, on databases that lack it

0001 declared it with use_alter=True inside create_table, which Alembic leaves out there: SQLite got it (its
table is created whole) but PostgreSQL never did, so an account could point at a researcher that does not
exist. A link that already dangles is cleared first (the account stays; it only loses a profile that is gone).

Revision ID: users_researcher_fk
Revises: drop_doc_entities_doc_index
"""
from alembic import op
import sqlalchemy as sa


revision = 'users_researcher_fk'
down_revision = 'drop_doc_entities_doc_index'
branch_labels = None
depends_on = None

NAME = 'fk_users_researcher_id_researchers'


def _has_key() -> bool:
    return any(fk.get('name') == NAME for fk in sa.inspect(op.get_bind()).get_foreign_keys('users'))


def upgrade() -> None:
    if _has_key():
        return
    op.execute("UPDATE users SET researcher_id = NULL WHERE researcher_id IS NOT NULL "
               "AND researcher_id NOT IN (SELECT id FROM researchers)")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_foreign_key(NAME, 'researchers', ['researcher_id'], ['id'])


def downgrade() -> None:
    pass  # 0001 means the key to be there; taking it away again would only reopen the gap
