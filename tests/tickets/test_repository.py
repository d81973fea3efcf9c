"""Tickets on SQLite and PostgreSQL: numbering, exactly once, filters, claim/resolve, privacy."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.tickets.db import session_scope
from bot.tickets.models import AuditEntry, Ticket, TicketMessage
from bot.tickets.repository import (
    REMOVED,
    AlreadyClaimedError,
    InvalidTransitionError,
    OpenedTicket,
    TicketNotFoundError,
    add_message,
    add_note,
    claim,
    find_held_ticket,
    get_ticket,
    list_tickets,
    pseudonymise_conversation,
    purge_finished_tickets,
    request_key,
    resolve,
    set_status,
    update_ticket,
)
from bot.tickets.vocab import Author, Status, Urgency
from tests.tickets.conftest import NOW, open_example


def test_a_ticket_keeps_what_the_intake_collected(engine: Engine) -> None:
    with session_scope(engine) as session:
        opened = open_example(session, deadline=date(2026, 3, 20))
    assert opened.created
    with session_scope(engine) as session:
        ticket = get_ticket(session, opened.ticket.number)
        assert ticket.number == "BI-2026-000001"
        assert ticket.status == Status.NEW
        assert ticket.created_at == NOW and ticket.created_at.tzinfo is not None
        assert ticket.life_areas == ["housing", "money"]
        assert ticket.deadline == date(2026, 3, 20)
        assert ticket.contact_value == "+4952112345678"
        assert ticket.telegram_chat_id == "777000111"
        assert [m.author for m in ticket.messages] == ["person", "assistant"]
        assert ticket.messages[0].text == "سلام، کمک لازم دارم"
        assert [(a.field, a.old_value, a.new_value) for a in ticket.audit] == [("status", None, "new")]


def test_numbers_count_per_region_and_year(engine: Engine) -> None:
    with session_scope(engine) as session:
        numbers = [open_example(session, f"s:{i}", region=region).ticket.number
                   for i, region in enumerate(["bielefeld", "bielefeld", "gelsenkirchen", "detmold", "kreis-lippe"])]
        numbers.append(open_example(session, "s:next-year", now=NOW.replace(year=2027)).ticket.number)
    assert numbers == ["BI-2026-000001", "BI-2026-000002", "GE-2026-000001", "DT-2026-000001",
                       "LIP-2026-000001", "BI-2027-000001"]


def test_the_year_is_the_teams_local_year(engine: Engine) -> None:
    # 23:30 UTC on New Year's Eve is already the new year in Germany
    with session_scope(engine) as session:
        ticket = open_example(session, now=NOW.replace(year=2026, month=12, day=31, hour=23, minute=30)).ticket
    assert ticket.number == "BI-2027-000001"


def test_a_repeated_request_returns_the_same_ticket(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = open_example(session)
    with session_scope(engine) as session:  # a retried action: a new unit of work
        again = open_example(session)
        same_session = open_example(session)
    assert not again.created and not same_session.created
    assert again.ticket.number == same_session.ticket.number == first.ticket.number
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 1
        # and the next request still gets the next number: nothing was used up
        assert open_example(session, "sender-1:event-2").ticket.number == "BI-2026-000002"


def test_two_concurrent_units_of_work_open_one_ticket(engine: Engine) -> None:
    """The first transaction has inserted but not committed when the second one starts."""
    results: list[OpenedTicket] = []
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with session_scope(engine) as session:
                results.append(open_example(session))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with session_scope(engine) as session:
        first = open_example(session)
        session.flush()
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # the second one is now waiting for our locks (or has not seen our row)
    thread.join(timeout=30)
    assert not errors, errors
    assert first.created and len(results) == 1
    assert not results[0].created and results[0].ticket.number == first.ticket.number
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 1
        assert open_example(session, "other:1").ticket.number == "BI-2026-000002"


def test_many_concurrent_requests_get_distinct_consecutive_numbers(engine: Engine) -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_one(i: int) -> None:
        try:
            barrier.wait()
            with session_scope(engine) as session:
                numbers.append(open_example(session, f"sender-{i}:e").ticket.number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(numbers) == [f"BI-2026-{i:06d}" for i in range(1, 7)]


def test_double_press_from_two_threads_opens_one_ticket(engine: Engine) -> None:
    numbers: list[tuple[str, bool]] = []
    barrier = threading.Barrier(2)

    def press() -> None:
        barrier.wait()
        with session_scope(engine) as session:
            opened = open_example(session, request_key("sender-9", "event-42"))
            numbers.append((opened.ticket.number, opened.created))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(numbers) == 2
    assert numbers[0][0] == numbers[1][0]
    assert sorted(created for _, created in numbers) == [False, True]


def test_list_shows_urgent_first_then_oldest_and_filters(engine: Engine) -> None:
    with session_scope(engine) as session:
        open_example(session, "a", now=NOW)
        open_example(session, "b", now=NOW + timedelta(hours=1), urgency=Urgency.URGENT, language="ar")
        open_example(session, "c", now=NOW - timedelta(hours=1), region="gelsenkirchen", language="uk")
        open_example(session, "d", now=NOW + timedelta(hours=2), urgency=Urgency.URGENT, region="detmold")
        open_example(session, "e", now=NOW - timedelta(hours=2))
        set_status(session, "BI-2026-000003", Status.RESOLVED, "anna", now=NOW)  # "e"
    with session_scope(engine) as session:
        def keys(**filters: object) -> list[str]:
            return [t.request_key for t in list_tickets(session, **filters)]  # type: ignore[arg-type]

        assert keys() == ["b", "d", "e", "c", "a"]
        assert keys(statuses=[Status.NEW]) == ["b", "d", "c", "a"]
        assert keys(urgency=Urgency.URGENT) == ["b", "d"]
        assert keys(region="bielefeld") == ["b", "e", "a"]
        assert keys(language="uk") == ["c"]
        assert keys(allowed_regions={"kreis-lippe", "detmold"}) == ["d"]
        assert keys(allowed_regions={"bielefeld"}, language="ar") == ["b"]
        assert keys(allowed_regions=set()) == []
        assert keys(limit=2, offset=1) == ["d", "e"]


def test_a_case_manager_cannot_open_another_regions_ticket(engine: Engine) -> None:
    with session_scope(engine) as session:
        number = open_example(session, region="gelsenkirchen").ticket.number
    with session_scope(engine) as session:
        with pytest.raises(TicketNotFoundError):
            get_ticket(session, number, allowed_regions={"bielefeld"})
        with pytest.raises(TicketNotFoundError):
            claim(session, number, "anna", allowed_regions={"bielefeld"})
        assert get_ticket(session, number, allowed_regions={"gelsenkirchen"}).number == number


def test_claim_reply_wait_answer_resolve_is_audited(engine: Engine) -> None:
    with session_scope(engine) as session:
        number = open_example(session).ticket.number
    later = NOW + timedelta(minutes=5)
    with session_scope(engine) as session:
        claim(session, number, "anna", now=later)
        add_message(session, number, Author.CASE_MANAGER, "Guten Tag, wann passt ein Anruf?", author_name="anna",
                    at=later)
        set_status(session, number, Status.WAITING, "anna", now=later)
    with session_scope(engine) as session:
        assert find_held_ticket(session, "sender-1").number == number  # type: ignore[union-attr]
        add_message(session, number, Author.PERSON, "فردا صبح", at=later + timedelta(minutes=1))
        assert get_ticket(session, number).status == Status.CLAIMED  # the answer is in
        add_note(session, number, "anna", "Vermieter hat gekündigt, Frist prüfen", now=later + timedelta(minutes=2))
        with pytest.raises(AlreadyClaimedError):
            claim(session, number, "ben")
    with session_scope(engine) as session:
        resolve(session, number, "anna", now=later + timedelta(hours=1))
    with session_scope(engine) as session:
        assert find_held_ticket(session, "sender-1") is None
        ticket = get_ticket(session, number)
        assert ticket.status == Status.RESOLVED and ticket.closed_at == later + timedelta(hours=1)
        assert ticket.updated_at == later + timedelta(hours=1)
        assert [m.author for m in ticket.messages][-2:] == ["case_manager", "person"]
        assert [n.text for n in ticket.notes] == ["Vermieter hat gekündigt, Frist prüfen"]
        trail = [(a.actor, a.field, a.old_value, a.new_value) for a in ticket.audit]
        assert trail == [
            ("assistant", "status", None, "new"),
            ("anna", "status", "new", "claimed"),
            ("anna", "assigned_to", None, "anna"),
            ("anna", "status", "claimed", "waiting"),
            ("person", "status", "waiting", "claimed"),
            ("anna", "note", None, "Notiz hinzugefügt"),
            ("anna", "status", "claimed", "resolved"),
        ]


def test_taking_over_and_invalid_transitions(engine: Engine) -> None:
    with session_scope(engine) as session:
        number = open_example(session).ticket.number
        claim(session, number, "anna")
        claim(session, number, "ben", force=True)
        assert get_ticket(session, number).assigned_to == "ben"
        set_status(session, number, Status.CLOSED, "ben")
        with pytest.raises(InvalidTransitionError):
            claim(session, number, "anna")
        with pytest.raises(InvalidTransitionError):
            set_status(session, number, Status.NEW, "anna")


def test_corrections_are_audited(engine: Engine) -> None:
    with session_scope(engine) as session:
        number = open_example(session).ticket.number
        update_ticket(session, number, "anna", {"urgency": "urgent", "life_areas": ["housing"],
                                                "deadline": date(2026, 4, 1)})
        with pytest.raises(ValueError):
            update_ticket(session, number, "anna", {"description": "x"})
    with session_scope(engine) as session:
        ticket = get_ticket(session, number)
        assert ticket.urgency == "urgent" and ticket.life_areas == ["housing"]
        assert [(a.field, a.old_value, a.new_value) for a in ticket.audit[1:]] == [
            ("urgency", "normal", "urgent"), ("life_areas", "housing, money", "housing"),
            ("deadline", None, "2026-04-01")]


def test_delete_request_pseudonymises_every_ticket_of_the_conversation(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = open_example(session, "sender-1:a").ticket.number
        second = open_example(session, "sender-1:b", urgency=Urgency.URGENT).ticket.number
        other = open_example(session, "sender-2:a", sender="sender-2").ticket.number
        claim(session, first, "anna")
        add_note(session, first, "anna", "Frau M. wohnt in der Musterstraße 1")
    with session_scope(engine) as session:
        assert pseudonymise_conversation(session, "sender-1") == 2
    with session_scope(engine) as session:
        for number in (first, second):
            ticket = get_ticket(session, number)
            assert ticket.person_name is None and ticket.contact_value is None
            assert ticket.sender_id is None and ticket.telegram_chat_id is None
            assert "sender-1" not in ticket.request_key
            assert ticket.description == REMOVED
            assert {m.text for m in ticket.messages} == {REMOVED}
            assert {n.text for n in ticket.notes} <= {REMOVED}
            assert ticket.status == Status.CLOSED and ticket.pseudonymised_at is not None
            # statistics stay
            assert ticket.region == "bielefeld" and ticket.life_areas == ["housing", "money"]
            assert ticket.language == "fa" and ticket.topics == ["housing"]
        assert get_ticket(session, second).urgency == "urgent"
        assert get_ticket(session, other).person_name == "Maryam"
        assert find_held_ticket(session, "sender-1") is None


def test_purge_removes_transcripts_of_long_finished_tickets(engine: Engine) -> None:
    with session_scope(engine) as session:
        old = open_example(session, "a").ticket.number
        recent = open_example(session, "b").ticket.number
        still_open = open_example(session, "c").ticket.number
        resolve(session, old, "anna", now=NOW)
        resolve(session, recent, "anna", now=NOW + timedelta(days=80))
    purge_time = NOW + timedelta(days=91)
    with session_scope(engine) as session:
        assert purge_finished_tickets(session, closed_before=purge_time - timedelta(days=90), now=purge_time) == 1
    with session_scope(engine) as session:
        assert purge_finished_tickets(session, closed_before=purge_time - timedelta(days=90), now=purge_time) == 0
        purged = get_ticket(session, old)
        assert purged.messages == [] and purged.person_name is None and purged.description == REMOVED
        assert purged.status == Status.RESOLVED and purged.life_areas == ["housing", "money"]
        assert get_ticket(session, recent).person_name == "Maryam"
        assert get_ticket(session, still_open).messages
        counts = session.execute(select(func.count()).select_from(TicketMessage)).scalar_one()
        assert counts == 4
        assert session.execute(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.field == "pseudonymised")).scalar_one() == 1
