"""loop: requests carry their kind (request | interest), match and NDA flag; saved searches with their hits

Revision ID: loop_requests
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = 'loop_requests'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('introduction_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('match_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='request', nullable=False))
        batch_op.add_column(sa.Column('nda_requested', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_introduction_requests_problem_id'), ['problem_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_introduction_requests_match_id_matches'), 'matches',
                                    ['match_id'], ['id'], ondelete='SET NULL')
    op.create_table(
        'saved_searches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('query', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=True),
        sa.Column('region', sa.String(length=120), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches')),
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)
    op.create_table(
        'saved_search_hits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('saved_search_id', sa.Integer(), nullable=False),
        sa.Column('entity_id', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['saved_search_id'], ['saved_searches.id'],
                                name=op.f('fk_saved_search_hits_saved_search_id_saved_searches'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search_hits')),
        sa.UniqueConstraint('saved_search_id', 'entity_id', name='uq_saved_search_hit'),
    )
    with op.batch_alter_table('saved_search_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_hits_saved_search_id'), ['saved_search_id'], unique=False)


def downgrade() -> None:
    op.drop_table('saved_search_hits')
    op.drop_table('saved_searches')
    with op.batch_alter_table('introduction_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_introduction_requests_match_id_matches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_introduction_requests_problem_id'))
        batch_op.drop_column('nda_requested')
        batch_op.drop_column('kind')
        batch_op.drop_column('match_id')
