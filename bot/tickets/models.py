"""Tables of the tickets database (the schema itself is created by the Alembic migrations)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import Mapped, declarative_base, relationship

# stable constraint names, so later migrations can refer to them on both databases
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING))


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):  # type: ignore[misc]
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Refuse naive datetimes; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware one (UTC)")
        value = value.astimezone(timezone.utc)
        # SQLite stores the text as given; keep it naive UTC there so comparisons sort correctly
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Attach UTC when the database returned a naive value."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Ticket(Base):  # type: ignore[misc]
    """One request for individual help, routed to a team."""

    __tablename__ = "tickets"

    id: Mapped[int] = Column(Integer, primary_key=True)
    number: Mapped[str] = Column(String(32), nullable=False, unique=True)  # e.g. BI-2026-000123
    # identifies the request that opened the ticket (sender id + confirming event): exactly once
    request_key: Mapped[str] = Column(String(255), nullable=False, unique=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    region: Mapped[str] = Column(String(64), nullable=False, index=True)
    team: Mapped[str] = Column(String(64), nullable=False, index=True)
    status: Mapped[str] = Column(String(16), nullable=False, index=True)
    urgency: Mapped[str] = Column(String(16), nullable=False)
    deadline: Mapped[date | None] = Column(Date, nullable=True)
    life_areas: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    topics: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    language: Mapped[str] = Column(String(16), nullable=False, index=True)
    contact_channel: Mapped[str] = Column(String(16), nullable=False)
    contact_value: Mapped[str | None] = Column(String(320), nullable=True)
    person_name: Mapped[str | None] = Column(String(200), nullable=True)
    consent_version: Mapped[str] = Column(String(64), nullable=False)
    consent_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    description: Mapped[str] = Column(Text, nullable=False, default="")
    # where to reply: Rasa sender id and input channel; for Telegram the chat id (kept only here)
    sender_id: Mapped[str | None] = Column(String(255), nullable=True, index=True)
    channel: Mapped[str | None] = Column(String(64), nullable=True)
    telegram_chat_id: Mapped[str | None] = Column(String(64), nullable=True)
    assigned_to: Mapped[str | None] = Column(String(150), nullable=True, index=True)
    notification_status: Mapped[str] = Column(String(16), nullable=False, default="pending")
    notification_detail: Mapped[str | None] = Column(Text, nullable=True)
    closed_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)  # resolved or closed since
    pseudonymised_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)

    messages: Mapped[list[TicketMessage]] = relationship(
        "TicketMessage", back_populates="ticket", order_by="(TicketMessage.at, TicketMessage.id)",
        cascade="all, delete-orphan", passive_deletes=True)
    notes: Mapped[list[TicketNote]] = relationship(
        "TicketNote", back_populates="ticket", order_by="(TicketNote.at, TicketNote.id)",
        cascade="all, delete-orphan", passive_deletes=True)
    audit: Mapped[list[AuditEntry]] = relationship(
        "AuditEntry", back_populates="ticket", order_by="(AuditEntry.at, AuditEntry.id)",
        cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Ticket {self.number} {self.status}>"


class TicketMessage(Base):  # type: ignore[misc]
    """One message of the conversation: from the person, a case manager or the assistant."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = Column(Integer, primary_key=True)
    ticket_id: Mapped[int] = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    author: Mapped[str] = Column(String(16), nullable=False)  # vocab.Author
    author_name: Mapped[str | None] = Column(String(150), nullable=True)  # the case manager's username
    text: Mapped[str] = Column(Text, nullable=False)

    ticket: Mapped[Ticket] = relationship("Ticket", back_populates="messages")


class TicketNote(Base):  # type: ignore[misc]
    """An internal note of the case management (never shown to the person)."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = Column(Integer, primary_key=True)
    ticket_id: Mapped[int] = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    author: Mapped[str] = Column(String(150), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)

    ticket: Mapped[Ticket] = relationship("Ticket", back_populates="notes")


class AuditEntry(Base):  # type: ignore[misc]
    """One change of a ticket: who, when, which field, old and new value."""

    __tablename__ = "ticket_audit"

    id: Mapped[int] = Column(Integer, primary_key=True)
    ticket_id: Mapped[int] = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = Column(String(150), nullable=False)
    field: Mapped[str] = Column(String(64), nullable=False)
    old_value: Mapped[str | None] = Column(Text, nullable=True)
    new_value: Mapped[str | None] = Column(Text, nullable=True)

    ticket: Mapped[Ticket] = relationship("Ticket", back_populates="audit")


class TicketCounter(Base):  # type: ignore[misc]
    """The last sequence number given per number prefix and year (row-locked while a ticket is opened)."""

    __tablename__ = "ticket_counters"

    prefix: Mapped[str] = Column(String(8), primary_key=True)
    year: Mapped[int] = Column(Integer, primary_key=True)
    value: Mapped[int] = Column(Integer, nullable=False)


class CaseManager(Base):  # type: ignore[misc]
    """A desk account."""

    __tablename__ = "case_managers"

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(150), nullable=False, unique=True)
    password_hash: Mapped[str] = Column(String(255), nullable=False)
    display_name: Mapped[str | None] = Column(String(200), nullable=True)
    regions: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    is_admin: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    failed_logins: Mapped[int] = Column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at: Mapped[datetime | None] = Column(UTCDateTime, nullable=True)

    def __repr__(self) -> str:
        return f"<CaseManager {self.username}>"
