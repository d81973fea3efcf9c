"""What the intake, the desk and the relay do with tickets. Every function takes the session of the
caller's unit of work (`bot.tickets.db.session_scope`) and never commits itself."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.tickets.contact import Contact
from bot.tickets.models import AuditEntry, Ticket, TicketCounter, TicketMessage, TicketNote, utcnow
from bot.tickets.vocab import (
    FINISHED_STATUSES,
    HELD_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Author,
    LifeArea,
    NotificationStatus,
    Status,
    Urgency,
    region_prefix,
)

# ticket numbers count per calendar year as the teams live it
NUMBER_TIMEZONE = ZoneInfo("Europe/Berlin")
# what replaces the person's words once a ticket is pseudonymised
REMOVED = "[entfernt]"
# audit values of these fields are the person's data and are removed with it
PERSONAL_FIELDS = frozenset({"person_name", "contact_value", "description", "telegram_chat_id", "sender_id"})
SYSTEM = "system"


class TicketError(Exception):
    """Base of the errors the ticket functions raise."""


class TicketNotFoundError(TicketError, LookupError):
    """No ticket with this number (or not one the case manager may see)."""


class InvalidTransitionError(TicketError):
    """The status change is not allowed from the ticket's current status."""


class AlreadyClaimedError(TicketError):
    """Another case manager holds the ticket."""


@dataclass(frozen=True)
class Consent:
    """What the person agreed to (the id of the consent text version shown) and when."""

    version: str
    at: datetime


@dataclass(frozen=True)
class ConversationRef:
    """Where to reply to the person: Rasa sender id, input channel, and for Telegram the chat id."""

    sender_id: str
    channel: str
    telegram_chat_id: str | None = None


@dataclass(frozen=True)
class TranscriptEntry:
    """One message of the conversation before the ticket was opened."""

    author: Author
    text: str
    at: datetime
    author_name: str | None = None


class OpenedTicket(NamedTuple):
    """The ticket of a request and whether this call opened it (False: it existed already)."""

    ticket: Ticket
    created: bool


def request_key(sender_id: str, event_id: str) -> str:
    """The exactly-once key of a request: the conversation and the id of the confirming user event."""
    return f"{sender_id}:{event_id}"


def _audit_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (Status, Urgency, LifeArea, Author, NotificationStatus)):
        return str(value.value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_audit_text(v) or "" for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _record(session: Session, ticket: Ticket, actor: str, field: str, old: Any, new: Any, now: datetime) -> None:
    session.add(AuditEntry(ticket=ticket, at=now, actor=actor, field=field,
                           old_value=_audit_text(old), new_value=_audit_text(new)))
    ticket.updated_at = now


def _change(session: Session, ticket: Ticket, actor: str, field: str, new: Any, now: datetime) -> bool:
    """Set a field and audit it; False when the value did not change."""
    old = getattr(ticket, field)
    if old == new:
        return False
    setattr(ticket, field, new)
    _record(session, ticket, actor, field, old, new, now)
    return True


def _counter_value(session: Session, prefix: str, year: int) -> int | None:
    # the UPDATE row-locks the counter (PostgreSQL) or holds the write lock (SQLite) until commit,
    # so two tickets can never read the same value
    bump = (update(TicketCounter)
            .where(TicketCounter.prefix == prefix, TicketCounter.year == year)
            .values(value=TicketCounter.value + 1)
            .execution_options(synchronize_session=False))
    if session.execute(bump).rowcount == 0:
        return None
    return int(session.execute(select(TicketCounter.value).where(
        TicketCounter.prefix == prefix, TicketCounter.year == year)).scalar_one())


def next_number(session: Session, region: str, now: datetime | None = None) -> str:
    """Reserve the next ticket number of the region and year, e.g. `BI-2026-000123`."""
    now = now or utcnow()
    prefix, year = region_prefix(region), now.astimezone(NUMBER_TIMEZONE).year
    value = _counter_value(session, prefix, year)
    if value is None:
        try:
            with session.begin_nested():
                session.add(TicketCounter(prefix=prefix, year=year, value=1))
            value = 1
        except IntegrityError:  # another transaction opened the year's first ticket meanwhile
            value = _counter_value(session, prefix, year)
            if value is None:
                raise
    return f"{prefix}-{year}-{value:06d}"


def _by_request_key(session: Session, key: str) -> Ticket | None:
    return session.execute(select(Ticket).where(Ticket.request_key == key)).scalar_one_or_none()


def open_ticket(
    session: Session,
    *,
    request_key: str,
    region: str,
    team: str,
    language: str,
    contact: Contact,
    consent: Consent,
    description: str,
    life_areas: Iterable[LifeArea | str] = (),
    topics: Iterable[str] = (),
    urgency: Urgency | str = Urgency.NORMAL,
    deadline: date | None = None,
    person_name: str | None = None,
    conversation: ConversationRef | None = None,
    transcript: Sequence[TranscriptEntry] = (),
    actor: str = Author.ASSISTANT.value,
    now: datetime | None = None,
) -> OpenedTicket:
    """Open the ticket of a request exactly once.

    A second call with the same `request_key` (a retried action, a redelivered message, a double
    press, also concurrently from another process) returns the existing ticket with `created=False`.
    """
    existing = _by_request_key(session, request_key)
    if existing is not None:
        return OpenedTicket(existing, False)
    now = now or utcnow()
    areas = list(dict.fromkeys(LifeArea(a).value for a in life_areas))
    urgency = Urgency(urgency)
    try:
        with session.begin_nested():
            ticket = Ticket(
                number=next_number(session, region, now), request_key=request_key,
                created_at=now, updated_at=now, region=region, team=team, status=Status.NEW.value,
                urgency=urgency.value, deadline=deadline, life_areas=areas, topics=list(dict.fromkeys(topics)),
                language=language, contact_channel=contact.channel.value, contact_value=contact.value,
                person_name=(person_name or "").strip() or None,
                consent_version=consent.version, consent_at=consent.at, description=description.strip(),
                sender_id=conversation.sender_id if conversation else None,
                channel=conversation.channel if conversation else None,
                telegram_chat_id=conversation.telegram_chat_id if conversation else None,
                notification_status=NotificationStatus.PENDING.value,
            )
            session.add(ticket)
            for entry in transcript:
                ticket.messages.append(TicketMessage(at=entry.at, author=Author(entry.author).value,
                                                     author_name=entry.author_name, text=entry.text))
            _record(session, ticket, actor, "status", None, Status.NEW, now)
            session.flush()
    except IntegrityError:
        # the same request was opened concurrently and committed first: that one counts
        existing = _by_request_key(session, request_key)
        if existing is None:
            raise
        return OpenedTicket(existing, False)
    return OpenedTicket(ticket, True)


def _visible(stmt: Any, allowed_regions: Collection[str] | None) -> Any:
    return stmt if allowed_regions is None else stmt.where(Ticket.region.in_(list(allowed_regions)))


def get_ticket(session: Session, number: str, *, allowed_regions: Collection[str] | None = None) -> Ticket:
    """The ticket with its transcript, notes and audit log loaded; `allowed_regions` None means all.

    Raises TicketNotFoundError also for a ticket outside the allowed regions (its existence is not revealed).
    """
    stmt = _visible(select(Ticket).where(Ticket.number == number), allowed_regions).options(
        selectinload(Ticket.messages), selectinload(Ticket.notes), selectinload(Ticket.audit))
    ticket = session.execute(stmt).scalar_one_or_none()
    if ticket is None:
        raise TicketNotFoundError(number)
    return ticket  # type: ignore[no-any-return]


def _for_update(session: Session, number: str, allowed_regions: Collection[str] | None) -> Ticket:
    # FOR UPDATE on PostgreSQL, so two case managers claiming at once are serialised (SQLite ignores it)
    stmt = _visible(select(Ticket).where(Ticket.number == number), allowed_regions).with_for_update()
    ticket = session.execute(stmt).scalar_one_or_none()
    if ticket is None:
        raise TicketNotFoundError(number)
    return ticket  # type: ignore[no-any-return]


def list_tickets(
    session: Session,
    *,
    statuses: Collection[Status | str] | None = None,
    urgency: Urgency | str | None = None,
    region: str | None = None,
    language: str | None = None,
    team: str | None = None,
    assigned_to: str | None = None,
    allowed_regions: Collection[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Ticket]:
    """Tickets matching the filters, urgent first, then oldest first.

    `allowed_regions`: the regions a case manager serves (None for an admin: all regions).
    """
    stmt = _visible(select(Ticket), allowed_regions)
    if statuses is not None:
        stmt = stmt.where(Ticket.status.in_([Status(s).value for s in statuses]))
    if urgency is not None:
        stmt = stmt.where(Ticket.urgency == Urgency(urgency).value)
    if region is not None:
        stmt = stmt.where(Ticket.region == region)
    if language is not None:
        stmt = stmt.where(Ticket.language == language)
    if team is not None:
        stmt = stmt.where(Ticket.team == team)
    if assigned_to is not None:
        stmt = stmt.where(Ticket.assigned_to == assigned_to)
    stmt = stmt.order_by(case((Ticket.urgency == Urgency.URGENT.value, 0), else_=1),
                         Ticket.created_at, Ticket.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).scalars())


def _set_status(session: Session, ticket: Ticket, status: Status, actor: str, now: datetime) -> None:
    current = Status(ticket.status)
    if status is current:
        return
    if status not in TRANSITIONS[current]:
        raise InvalidTransitionError(f"{ticket.number}: {current.value} -> {status.value}")
    _change(session, ticket, actor, "status", status.value, now)
    if status in FINISHED_STATUSES and current not in FINISHED_STATUSES:
        ticket.closed_at = now
    elif status not in FINISHED_STATUSES:
        ticket.closed_at = None
    if status is Status.NEW:  # released back to the team
        _change(session, ticket, actor, "assigned_to", None, now)


def claim(
    session: Session,
    number: str,
    case_manager: str,
    *,
    allowed_regions: Collection[str] | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> Ticket:
    """Assign the ticket to the case manager (status claimed); they now hold the conversation.

    Raises AlreadyClaimedError when a colleague holds it, unless `force` (taking it over).
    """
    now = now or utcnow()
    ticket = _for_update(session, number, allowed_regions)
    holder = ticket.assigned_to
    if holder and holder != case_manager and Status(ticket.status) in HELD_STATUSES and not force:
        raise AlreadyClaimedError(f"{number} is held by {holder}")
    if Status(ticket.status) is not Status.WAITING or holder != case_manager:
        _set_status(session, ticket, Status.CLAIMED, case_manager, now)
    _change(session, ticket, case_manager, "assigned_to", case_manager, now)
    return ticket


def set_status(
    session: Session,
    number: str,
    status: Status | str,
    actor: str,
    *,
    allowed_regions: Collection[str] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Change the status (see vocab.TRANSITIONS); raises InvalidTransitionError when not allowed."""
    ticket = _for_update(session, number, allowed_regions)
    _set_status(session, ticket, Status(status), actor, now or utcnow())
    return ticket


def resolve(
    session: Session,
    number: str,
    actor: str,
    *,
    allowed_regions: Collection[str] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Mark the ticket resolved: the conversation goes back to the assistant."""
    return set_status(session, number, Status.RESOLVED, actor, allowed_regions=allowed_regions, now=now)


EDITABLE_FIELDS = frozenset({"urgency", "deadline", "life_areas", "topics", "team", "region", "language"})


def update_ticket(
    session: Session,
    number: str,
    actor: str,
    changes: Mapping[str, Any],
    *,
    allowed_regions: Collection[str] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Correct structured fields (urgency, deadline, life areas, topics, team, region, language), audited."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    now = now or utcnow()
    ticket = _for_update(session, number, allowed_regions)
    for field, value in changes.items():
        if field == "urgency":
            value = Urgency(value).value
        elif field == "life_areas":
            value = list(dict.fromkeys(LifeArea(a).value for a in value))
        elif field == "topics":
            value = list(dict.fromkeys(value))
        _change(session, ticket, actor, field, value, now)
    return ticket


def add_message(
    session: Session,
    number: str,
    author: Author | str,
    text: str,
    *,
    author_name: str | None = None,
    at: datetime | None = None,
) -> TicketMessage:
    """Append a message to the transcript.

    A message from the person on a ticket waiting for them puts it back to claimed (their answer is in).
    """
    at = at or utcnow()
    author = Author(author)
    ticket = _for_update(session, number, None)
    message = TicketMessage(ticket=ticket, at=at, author=author.value, author_name=author_name, text=text)
    session.add(message)
    ticket.updated_at = at
    if author is Author.PERSON and Status(ticket.status) is Status.WAITING:
        _set_status(session, ticket, Status.CLAIMED, author.value, at)
    return message


def add_note(session: Session, number: str, author: str, text: str, *, now: datetime | None = None) -> TicketNote:
    """Add an internal note (audited as 'note added'; the text is not copied into the audit log)."""
    now = now or utcnow()
    ticket = _for_update(session, number, None)
    note = TicketNote(ticket=ticket, at=now, author=author, text=text)
    session.add(note)
    _record(session, ticket, author, "note", None, "Notiz hinzugefügt", now)
    return note


def set_notification_status(
    session: Session, number: str, status: NotificationStatus | str, detail: str | None = None,
    *, now: datetime | None = None,
) -> Ticket:
    """Record whether the team was notified (and what failed)."""
    now = now or utcnow()
    ticket = _for_update(session, number, None)
    _change(session, ticket, SYSTEM, "notification_status", NotificationStatus(status).value, now)
    ticket.notification_detail = detail
    return ticket


def find_held_ticket(session: Session, sender_id: str, channel: str | None = None) -> Ticket | None:
    """The claimed or waiting ticket of a conversation, if a case manager holds it (newest first).

    While there is one, the assistant stays silent and relays the person's messages to it.
    """
    stmt = select(Ticket).where(Ticket.sender_id == sender_id,
                                Ticket.status.in_([s.value for s in HELD_STATUSES]))
    if channel is not None:
        stmt = stmt.where(Ticket.channel == channel)
    stmt = stmt.order_by(Ticket.updated_at.desc(), Ticket.id.desc()).limit(1)
    return session.execute(stmt).scalar_one_or_none()  # type: ignore[no-any-return]


def attach_telegram_chat(session: Session, number: str, sender_id: str, chat_id: int | str) -> bool:
    """Remember the Telegram chat of a ticket opened from that chat (with the person's consent), so that
    the case manager's replies reach it. Only the conversation that opened the ticket can attach it."""
    ticket = session.execute(select(Ticket).where(Ticket.number == number)).scalar_one_or_none()
    if ticket is None or ticket.sender_id != sender_id or ticket.telegram_chat_id == str(chat_id):
        return False
    _change(session, ticket, SYSTEM, "telegram_chat_id", str(chat_id), utcnow())
    return True


def tickets_of_conversation(session: Session, sender_id: str) -> list[Ticket]:
    """Every ticket opened from the conversation, oldest first."""
    stmt = select(Ticket).where(Ticket.sender_id == sender_id).order_by(Ticket.created_at, Ticket.id)
    return list(session.execute(stmt).scalars())


def _pseudonymise(session: Session, ticket: Ticket, actor: str, now: datetime) -> None:
    if Status(ticket.status) in OPEN_STATUSES:
        # nobody can reach the person any more
        _set_status(session, ticket, Status.CLOSED, actor, now)
    ticket.person_name = None
    ticket.contact_value = None
    ticket.telegram_chat_id = None
    ticket.sender_id = None
    ticket.request_key = f"pseudonymised:{ticket.number}"  # held the sender id
    ticket.description = REMOVED
    session.execute(update(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
                    .values(text=REMOVED).execution_options(synchronize_session="fetch"))
    session.execute(update(TicketNote).where(TicketNote.ticket_id == ticket.id)
                    .values(text=REMOVED).execution_options(synchronize_session="fetch"))
    for field in ("old_value", "new_value"):
        session.execute(update(AuditEntry)
                        .where(AuditEntry.ticket_id == ticket.id, AuditEntry.field.in_(PERSONAL_FIELDS),
                               getattr(AuditEntry, field).is_not(None))
                        .values({field: REMOVED}).execution_options(synchronize_session="fetch"))
    ticket.pseudonymised_at = now
    _record(session, ticket, actor, "pseudonymised", None, "personenbezogene Daten entfernt", now)


def pseudonymise_conversation(
    session: Session, sender_id: str, *, actor: str = Author.PERSON.value, now: datetime | None = None,
) -> int:
    """Remove the person's data from every ticket of the conversation (/delete); returns how many.

    Name, contact, chat id, sender id, description, transcript and note texts go; the structured
    fields (region, team, life areas, topics, language, urgency, dates, status) stay for statistics.
    Open tickets are closed: nobody can answer the person any more.
    """
    now = now or utcnow()
    tickets = tickets_of_conversation(session, sender_id)
    for ticket in tickets:
        _pseudonymise(session, ticket, actor, now)
    return len(tickets)


def purge_finished_tickets(session: Session, *, closed_before: datetime, actor: str = "retention",
                           now: datetime | None = None) -> int:
    """Pseudonymise tickets resolved or closed before the cutoff and delete their transcripts.

    Returns how many tickets were purged (already purged ones are not counted again).
    """
    now = now or utcnow()
    has_messages = select(TicketMessage.id).where(TicketMessage.ticket_id == Ticket.id).exists()
    stmt = select(Ticket).where(
        Ticket.status.in_([s.value for s in FINISHED_STATUSES]),
        Ticket.closed_at < closed_before,
        (Ticket.pseudonymised_at.is_(None)) | has_messages,
    )
    tickets = list(session.execute(stmt).scalars())
    for ticket in tickets:
        if ticket.pseudonymised_at is None:
            _pseudonymise(session, ticket, actor, now)
        session.execute(delete(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
                        .execution_options(synchronize_session="fetch"))
    return len(tickets)


def delete_ticket(session: Session, number: str) -> None:
    """Delete a ticket with its transcript, notes and audit log (an admin's last resort)."""
    ticket = _for_update(session, number, None)
    session.delete(ticket)


# author_name of the assistant's hand-back notice (sent to the person when a case manager resolves)
HAND_BACK = "wegweiser:hand-back"


def messages_for_person(session: Session, sender_id: str, after_id: int) -> list[TicketMessage]:
    """What the desk sent to the person of a conversation since message `after_id`, oldest first.

    Case-manager messages (show them with the "Your case manager writes:" prefix) and the
    assistant's hand-back notice (author assistant, author_name HAND_BACK: already in the person's
    language, show it as it is). The local chat fetches these; Telegram gets them pushed.
    """
    stmt = (select(TicketMessage).join(Ticket, TicketMessage.ticket_id == Ticket.id)
            .where(Ticket.sender_id == sender_id, TicketMessage.id > after_id,
                   (TicketMessage.author == Author.CASE_MANAGER.value)
                   | ((TicketMessage.author == Author.ASSISTANT.value) & (TicketMessage.author_name == HAND_BACK)))
            .order_by(TicketMessage.id))
    return list(session.execute(stmt).scalars())


def record_delivery(session: Session, number: str, message_id: int, delivered: bool, detail: str,
                    *, now: datetime | None = None) -> None:
    """Audit whether a message reached the person (`detail`: the channel, and why not; no personal data)."""
    now = now or utcnow()
    ticket = _for_update(session, number, None)
    outcome = "zugestellt" if delivered else "nicht zugestellt"
    _record(session, ticket, SYSTEM, "delivery", None, f"Nachricht {message_id} {outcome} ({detail})", now)


def undelivered_message_ids(ticket: Ticket) -> set[int]:
    """Ids of the ticket's messages whose delivery to the person failed (from its loaded audit log)."""
    failed: set[int] = set()
    for entry in ticket.audit:
        if entry.field == "delivery" and entry.new_value:
            words = entry.new_value.split()
            if len(words) >= 3 and words[0] == "Nachricht" and words[1].isdigit() and words[2] == "nicht":
                failed.add(int(words[1]))
    return failed


def pseudonymise_ticket(session: Session, number: str, actor: str, *, now: datetime | None = None) -> int:
    """Remove the person's data from the ticket and every other ticket of its conversation; returns how many."""
    now = now or utcnow()
    ticket = _for_update(session, number, None)
    if ticket.sender_id:
        return pseudonymise_conversation(session, ticket.sender_id, actor=actor, now=now)
    _pseudonymise(session, ticket, actor, now)
    return 1
