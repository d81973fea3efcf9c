"""Erasing a person's data on request ("delete my data").

`erase_conversation` is the one place that knows where a conversation is stored. A later ticket
system adds its own eraser with `register_eraser`, so /delete removes tickets too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from sqlalchemy import delete

log = logging.getLogger(__name__)

Eraser = Callable[[str], Awaitable[None]]
_erasers: list[Eraser] = []


class ErasureError(RuntimeError):
    """A store holding the conversation could not be erased."""


def register_eraser(eraser: Eraser) -> None:
    """Also call `eraser(sender_id)` whenever a conversation is erased (e.g. the ticket system)."""
    if eraser not in _erasers:
        _erasers.append(eraser)


def _stores(store: Any) -> list[TrackerStore]:
    """The concrete stores behind Rasa's wrappers (AwaitableTrackerStore, FailSafeTrackerStore)."""
    found: list[TrackerStore] = []
    for attribute in ("_tracker_store", "_fallback_tracker_store"):
        inner = getattr(store, attribute, None)
        if inner is not None:
            found.extend(_stores(inner))
    return found or [store]


def erase_tracker(store: TrackerStore, sender_id: str) -> None:
    """Delete every stored event of one conversation from a Rasa tracker store."""
    for concrete in _stores(store):
        if isinstance(concrete, InMemoryTrackerStore):
            concrete.store.pop(sender_id, None)
        elif isinstance(concrete, SQLTrackerStore):
            with concrete.session_scope() as session:
                event = concrete.SQLEvent
                session.execute(delete(event).where(event.sender_id == sender_id))
                session.commit()
            forget = getattr(concrete, "forget", None)  # bot.tracker_store: the copy kept in memory goes too
            if forget is not None:
                forget(sender_id)
        else:
            raise ErasureError(f"erasing from {type(concrete).__name__} is not supported")


async def erase_conversation(store: TrackerStore, sender_id: str) -> None:
    """Erase a conversation everywhere it is kept: Rasa's tracker store, then registered erasers."""
    erase_tracker(store, sender_id)
    for eraser in _erasers:
        await eraser(sender_id)
    log.info("conversation %s erased on request", sender_id[:12])
