"""face groups, their faces (embeddings, no images), the face packs workers report

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "face_packs",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("calibration", DOCUMENT, nullable=False),
        sa.Column("reported_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("name", "version", name=op.f("pk_face_packs")),
    )
    op.create_table(
        "face_groups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.String(length=255), nullable=False),
        sa.Column("pack", sa.String(length=100), nullable=False),
        sa.Column("pack_version", sa.String(length=64), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("face_count", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_face_groups_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_face_groups")),
        sa.UniqueConstraint(
            "tenant_id", "group_id", name=op.f("uq_face_groups_tenant_id_group_id")
        ),
    )
    op.create_index(
        "ix_face_groups_tenant_created",
        "face_groups",
        ["tenant_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "faces",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("group_pk", sa.Uuid(), nullable=False),
        sa.Column("external_image_id", sa.String(length=255), nullable=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("face", DOCUMENT, nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=False),
        sa.Column("pack_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["group_pk"],
            ["face_groups.id"],
            name=op.f("fk_faces_group_pk_face_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faces")),
    )
    op.create_index(
        "ix_faces_group_created", "faces", ["group_pk", "created_at", "id"], unique=False
    )
    op.create_index(
        "ix_faces_group_external", "faces", ["group_pk", "external_image_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_faces_group_external", table_name="faces")
    op.drop_index("ix_faces_group_created", table_name="faces")
    op.drop_table("faces")
    op.drop_index("ix_face_groups_tenant_created", table_name="face_groups")
    op.drop_table("face_groups")
    op.drop_table("face_packs")
