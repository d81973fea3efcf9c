"""Rasa's SQL tracker store (SQLite or PostgreSQL), without rebuilding a conversation from JSON on every turn.

Rasa's `SQLTrackerStore` reads every event of the conversation's session from the database on each message,
parses each one from JSON and replays it. That cost grows with the conversation (py-spy: a sixth of a turn on
a short one). This store keeps the parsed events of recent conversations in the process. The database stays
the truth: before a kept copy is used, one indexed query checks that the conversation's newest row is still
the one the copy ends with. A row written by another Rasa server, or an erasure, makes the copy stale, and the
conversation is read from the database as before. SQLite runs in WAL mode (readers do not wait for a writer;
one sync a commit instead of three, with the same durability).
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

log = logging.getLogger(__name__)

# events kept in memory per process, over all conversations (least recently used go first): a turn adds about
# eight events of 1-2 KB each, so this is some 50 MB
MAX_KEPT_EVENTS = 40_000


class CachingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with a per-process copy of each recent conversation, checked against the database."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # sender id -> (id of the newest stored row, the events of the latest session, in order)
        self._kept: OrderedDict[str, tuple[int, list[Event]]] = OrderedDict()
        self._kept_events = 0
        self.max_kept_events = MAX_KEPT_EVENTS
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")

    def forget(self, sender_id: str) -> None:
        """Drop the kept copy of a conversation (after it was erased)."""
        kept = self._kept.pop(sender_id, None)
        if kept is not None:
            self._kept_events -= len(kept[1])

    def _keep(self, sender_id: str, newest: int, events: list[Event]) -> None:
        self.forget(sender_id)
        if len(events) > self.max_kept_events:
            return
        self._kept[sender_id] = (newest, events)
        self._kept_events += len(events)
        while self._kept_events > self.max_kept_events:
            _sender, (_newest, dropped) = self._kept.popitem(last=False)
            self._kept_events -= len(dropped)

    def _newest_row(self, session: Any, sender_id: str) -> int | None:
        event = self.SQLEvent
        return session.query(sa.func.max(event.id)).filter(event.sender_id == sender_id).scalar()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's latest session: from the kept copy when it is current, else from the database."""
        kept = self._kept.get(sender_id)
        if kept is not None and self.domain is not None:
            with self.session_scope() as session:
                newest = self._newest_row(session, sender_id)
            if newest == kept[0]:
                self._kept.move_to_end(sender_id)
                return DialogueStateTracker.from_events(sender_id, list(kept[1]), self.domain.slots)
            self.forget(sender_id)
        return await super().retrieve(sender_id)

    def _new_events(self, session: Any, tracker: DialogueStateTracker) -> list[Event]:
        """The events not stored yet: after the kept copy when this tracker was built from it (the lock store
        keeps other servers out of the conversation meanwhile), else counted in the database as Rasa does."""
        kept = self._kept.get(tracker.sender_id)
        events = list(tracker.events)
        if kept is not None and kept[1] and len(events) >= len(kept[1]) and events[len(kept[1]) - 1] is kept[1][-1]:
            return events[len(kept[1]):]
        return list(self._additional_events(session, tracker))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events (as Rasa does), then keep the conversation for the next turn."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows, started = [], False
            for event in self._new_events(session, tracker):
                started = started or isinstance(event, SessionStarted)
                data = event.as_dict()
                rows.append(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.add_all(rows)
            session.flush()
            newest = rows[-1].id if rows else self._newest_row(session, tracker.sender_id)
            session.commit()
        # a session that started in this turn: the database's session query decides what the next turn reads
        if newest is None or started:
            self.forget(tracker.sender_id)
            return
        self._keep(tracker.sender_id, int(newest), list(tracker.events))
