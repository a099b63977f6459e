"""import runs and jobs: host, pid, heartbeat (and a run's message), so a killed import or a job whose
worker crashed is detected: the run is marked interrupted, the job expires

Revision ID: harden_import_run_heartbeat
(The branch is harden-import; Alembic does not allow '-' in a revision id.)
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = 'harden_import_run_heartbeat'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('message', sa.Text(), nullable=True))
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('pid')
        batch_op.drop_column('host')
        batch_op.drop_column('heartbeat_at')
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_column('message')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('pid')
        batch_op.drop_column('host')
