"""The served knowledge base: loaded once, reloaded when files change, last good version kept."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from bot.knowledge.loader import ERROR, KnowledgeError, fingerprint, load_knowledge
from bot.knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)


class KnowledgeStore:
    """Thread-safe access to the current knowledge; checks for edits at most every `interval` seconds."""

    def __init__(self, directory: Path, interval: float = 2.0) -> None:
        self.directory = directory
        self.interval = interval
        self._kb: KnowledgeBase | None = None
        self._checked_at = 0.0
        self._rejected: str | None = None  # fingerprint of a broken version already reported
        self._lock = threading.Lock()

    def get(self) -> KnowledgeBase:
        """The current knowledge base; raises KnowledgeError only if no good version was ever loaded."""
        with self._lock:
            now = time.monotonic()
            if self._kb is None or now - self._checked_at >= self.interval:
                self._checked_at = now
                self._refresh()
            assert self._kb is not None
            return self._kb

    def _refresh(self) -> None:
        current = fingerprint(self.directory)
        if self._kb is not None and current in (self._kb.fingerprint, self._rejected):
            return
        kb, findings = load_knowledge(self.directory)
        if kb is None:
            errors = [f for f in findings if f.level == ERROR]
            if self._kb is None:
                raise KnowledgeError(findings)
            self._rejected = current
            for finding in errors:
                log.error("knowledge edit rejected, still serving the last good version: %s",
                          finding.format(self.directory.parent))
            return
        if self._kb is not None:
            log.info("knowledge reloaded (%d texts, %d services)", len(kb.texts), len(kb.services))
        self._kb = kb
        self._rejected = None
