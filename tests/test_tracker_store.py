"""The conversation store: the copy kept in memory never hides what the database holds."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import erase_tracker
from bot.settings import get_settings
from bot.tracker_store import CachingSQLTrackerStore


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(get_settings().root / "domain.yml"))


def _turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 0.9},
                               parse_data={"text": text, "intent": {"name": "greet", "confidence": 0.9}}))
    tracker.update(SlotSet("language", "de"))
    tracker.update(ActionExecuted("action_greet"))
    tracker.update(BotUttered(f"answer to {text}", {"buttons": [{"title": "Ja", "payload": "/affirm"}]}))
    tracker.update(ActionExecuted("action_listen"))


async def _conversation(store: CachingSQLTrackerStore, sender: str, turns: int) -> DialogueStateTracker:
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    for i in range(turns):
        tracker = await store.retrieve(sender)
        assert tracker is not None
        _turn(tracker, f"message {i}")
        await store.save(tracker)
    return tracker


def _texts(tracker: DialogueStateTracker | None) -> list[str]:
    assert tracker is not None
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_a_conversation_reads_back_as_rasa_stores_it(domain: Domain, tmp_path: Path) -> None:
    db = str(tmp_path / "conversations.db")
    store = CachingSQLTrackerStore(domain, dialect="sqlite", db=db)
    last = asyncio.run(_conversation(store, "person-a", 12))
    kept = asyncio.run(store.retrieve("person-a"))
    plain = asyncio.run(SQLTrackerStore(domain, dialect="sqlite", db=db).retrieve("person-a"))
    assert plain is not None and kept is not None
    assert _texts(kept) == _texts(plain) == [f"message {i}" for i in range(12)]
    assert [e.as_dict() for e in kept.events] == [e.as_dict() for e in plain.events] == \
        [e.as_dict() for e in last.events]
    assert kept.get_slot("language") == "de"
    assert "person-a" in store._kept  # read from memory, not rebuilt from JSON


def test_a_turn_written_by_another_server_is_seen(domain: Domain, tmp_path: Path) -> None:
    db = str(tmp_path / "conversations.db")
    first, second = (CachingSQLTrackerStore(domain, dialect="sqlite", db=db) for _ in range(2))
    asyncio.run(_conversation(first, "person-b", 3))
    elsewhere = asyncio.run(second.retrieve("person-b"))
    assert elsewhere is not None
    _turn(elsewhere, "written by the other server")
    asyncio.run(second.save(elsewhere))
    seen = asyncio.run(first.retrieve("person-b"))
    assert _texts(seen)[-1] == "written by the other server"
    _turn(seen, "and back here")  # the first server goes on without losing or repeating a row
    asyncio.run(first.save(seen))
    plain = asyncio.run(SQLTrackerStore(domain, dialect="sqlite", db=db).retrieve("person-b"))
    assert _texts(plain) == ["message 0", "message 1", "message 2", "written by the other server", "and back here"]


def test_an_erased_conversation_is_gone_from_memory_too(domain: Domain, tmp_path: Path) -> None:
    db = str(tmp_path / "conversations.db")
    store = CachingSQLTrackerStore(domain, dialect="sqlite", db=db)
    other = CachingSQLTrackerStore(domain, dialect="sqlite", db=db)
    asyncio.run(_conversation(store, "person-c", 2))
    asyncio.run(other.retrieve("person-c"))
    erase_tracker(store, "person-c")
    assert asyncio.run(store.retrieve("person-c")) is None
    assert asyncio.run(other.retrieve("person-c")) is None  # erased through another server: not served stale
    assert "person-c" not in store._kept


def test_memory_is_bounded_and_a_dropped_conversation_reads_from_the_database(domain: Domain, tmp_path: Path) -> None:
    store = CachingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "conversations.db"))
    store.max_kept_events = 40  # about three conversations of two turns
    for sender in ("p1", "p2", "p3", "p4", "p5"):
        asyncio.run(_conversation(store, sender, 2))
    assert sum(len(events) for _newest, events in store._kept.values()) <= 40
    assert "p1" not in store._kept and "p5" in store._kept  # the least recently used went first
    assert _texts(asyncio.run(store.retrieve("p1"))) == ["message 0", "message 1"]
