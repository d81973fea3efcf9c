"""Tickets, transcript, notes, audit log, number counters and case manager accounts.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("request_key", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("life_areas", sa.JSON, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("contact_channel", sa.String(16), nullable=False),
        sa.Column("contact_value", sa.String(320), nullable=True),
        sa.Column("person_name", sa.String(200), nullable=True),
        sa.Column("consent_version", sa.String(64), nullable=False),
        sa.Column("consent_at", TIMESTAMP, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=True),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("telegram_chat_id", sa.String(64), nullable=True),
        sa.Column("assigned_to", sa.String(150), nullable=True),
        sa.Column("notification_status", sa.String(16), nullable=False),
        sa.Column("notification_detail", sa.Text, nullable=True),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.Column("pseudonymised_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
        sa.UniqueConstraint("number", name="uq_tickets_number"),
        sa.UniqueConstraint("request_key", name="uq_tickets_request_key"),
    )
    for column in ("region", "team", "status", "language", "sender_id", "assigned_to"):
        op.create_index(f"ix_tickets_{column}", "tickets", [column])

    for table, author_type in (("ticket_messages", None), ("ticket_notes", sa.String(150))):
        columns = [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("ticket_id", sa.Integer, nullable=False),
            sa.Column("at", TIMESTAMP, nullable=False),
        ]
        if author_type is None:
            columns += [sa.Column("author", sa.String(16), nullable=False),
                        sa.Column("author_name", sa.String(150), nullable=True)]
        else:
            columns += [sa.Column("author", author_type, nullable=False)]
        op.create_table(
            table,
            *columns,
            sa.Column("text", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                    name=f"fk_{table}_ticket_id_tickets"),
        )
        op.create_index(f"ix_{table}_ticket_id", table, ["ticket_id"])

    op.create_table(
        "ticket_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket_id", sa.Integer, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(150), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text, nullable=True),
        sa.Column("new_value", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_audit"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_ticket_audit_ticket_id_tickets"),
    )
    op.create_index("ix_ticket_audit_ticket_id", "ticket_audit", ["ticket_id"])

    op.create_table(
        "ticket_counters",
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name="pk_ticket_counters"),
    )

    op.create_table(
        "case_managers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(150), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("regions", sa.JSON, nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_login_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_case_managers"),
        sa.UniqueConstraint("username", name="uq_case_managers_username"),
    )


def downgrade() -> None:
    """Drop the tables."""
    for table in ("case_managers", "ticket_counters", "ticket_audit", "ticket_notes", "ticket_messages"):
        op.drop_table(table)
    op.drop_table("tickets")
