"""document_entities: drop the index on document_id alone

The unique constraint uq_document_entities_pair (document_id, entity_id) is an index that starts with
document_id, so it serves every look-up by document; the second index only cost an import one more
B-tree insert per link.

Revision ID: drop_doc_entities_doc_index
Revises: harden_web_session_version
"""
from alembic import op


revision = 'drop_doc_entities_doc_index'
down_revision = 'harden_web_session_version'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document_entities', schema=None) as batch_op:
        batch_op.drop_index('ix_document_entities_document_id')


def downgrade() -> None:
    with op.batch_alter_table('document_entities', schema=None) as batch_op:
        batch_op.create_index('ix_document_entities_document_id', ['document_id'], unique=False)
