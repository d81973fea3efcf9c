"""Shared fixtures: one trained model and one running assistant per test run."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.evaluation import free_port
from bot.runner import Stack, post_message
from bot.settings import Settings, get_settings
from bot.training import train


@pytest.fixture(scope="session")
def trained_settings() -> Settings:
    """Settings with a trained model (trains only if its inputs changed)."""
    settings = get_settings()
    train(settings)
    return settings


@pytest.fixture(scope="session")
def stack(trained_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The assistant (Rasa + actions + desk) on free ports, serving a copy of knowledge/ that tests may edit.

    The desk listens on `stack.settings.desk_url`; its database is the SQLite file in the stack's state dir.
    """
    knowledge_copy = tmp_path_factory.mktemp("kb") / "knowledge"
    shutil.copytree(trained_settings.knowledge_dir, knowledge_copy)
    settings = replace(trained_settings, rasa_port=free_port(), actions_port=free_port(),
                       state_dir=tmp_path_factory.mktemp("state"), knowledge_dir=knowledge_copy,
                       knowledge_reload_seconds=1.0, desk_url=f"http://127.0.0.1:{free_port()}")
    running = Stack(settings, quiet=not os.environ.get("WEGWEISER_TEST_LOGS"), with_desk=True)
    running.start()
    yield running
    running.stop()


class Conversation:
    """One person talking to the assistant over the REST channel."""

    def __init__(self, stack: Stack, metadata: dict[str, object] | None = None) -> None:
        self.url = stack.rest_url
        self.sender = f"test-{uuid.uuid4().hex}"
        self.metadata = metadata or {}

    def say(self, text: str) -> list[dict[str, object]]:
        """Send a message; returns the assistant's messages."""
        return post_message(self.url, self.sender, text, self.metadata)


@pytest.fixture
def conversation(stack: Stack) -> Conversation:
    """A fresh conversation."""
    return Conversation(stack)
