"""Server-side desk sessions: a random id in an HttpOnly cookie, a CSRF token, an idle timeout.

Sessions live in the memory of the desk process (one process per installation): a restart logs
everyone out, which is acceptable for a staff tool and keeps session ids out of the database.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_AGE = 12 * 3600.0  # a session ends after a working day, however active
MAX_SESSIONS = 10_000


@dataclass
class DeskSession:
    """One browser's session; `username` is None until the login succeeded."""

    id: str
    csrf: str
    created: float
    last_seen: float
    username: str | None = None
    flash: list[tuple[str, str]] = field(default_factory=list)  # (kind, German text), shown once

    def check_csrf(self, token: str | None) -> bool:
        """True when the form's token is this session's (constant-time comparison)."""
        return bool(token) and hmac.compare_digest(self.csrf.encode(), str(token).encode())

    def say(self, kind: str, text: str) -> None:
        """A message for the next page ('ok' or 'error')."""
        self.flash.append((kind, text))

    def take_flash(self) -> list[tuple[str, str]]:
        """The pending messages (and forget them)."""
        messages, self.flash = self.flash, []
        return messages


class SessionStore:
    """Sessions by id; expired ones are refused and dropped."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic,
                 max_age: float = MAX_AGE) -> None:
        self.idle_seconds = idle_seconds
        self.max_age = max_age
        self.clock = clock
        self._sessions: dict[str, DeskSession] = {}
        self._lock = threading.Lock()

    def _expired(self, session: DeskSession, now: float) -> bool:
        return now - session.last_seen > self.idle_seconds or now - session.created > self.max_age

    def new(self, username: str | None = None) -> DeskSession:
        """A fresh session with new random id and CSRF token."""
        now = self.clock()
        session = DeskSession(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), created=now,
                              last_seen=now, username=username)
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                self._prune(now)
            if len(self._sessions) >= MAX_SESSIONS:
                # still full (someone opening many login pages?): forget the oldest session that is not
                # logged in, so that a flood of anonymous visits cannot log the case managers out
                anonymous = [s for s in self._sessions.values() if s.username is None]
                oldest = min(anonymous or self._sessions.values(), key=lambda s: s.last_seen)
                del self._sessions[oldest.id]
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> DeskSession | None:
        """The live session with this id (its idle time starts again), or None."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session

    def expired(self, session_id: str | None) -> bool:
        """True when the id belonged to a session that has run out (and is not yet dropped)."""
        if not session_id:
            return False
        with self._lock:
            session = self._sessions.get(session_id)
            return session is not None and self._expired(session, self.clock())

    def drop(self, session_id: str) -> None:
        """End a session (logout, or replaced at login)."""
        with self._lock:
            self._sessions.pop(session_id, None)

    def _prune(self, now: float) -> None:
        for key in [k for k, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[key]
