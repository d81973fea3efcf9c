"""An editor changes knowledge/ while the assistant runs: the next replies follow, a broken edit does not."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runner import Stack
from tests.conftest import Conversation

pytestmark = pytest.mark.slow

QUESTION = "Wie melde ich meine Wohnung an?"
TOPIC_FILE = Path("topics/residence-registration/de.yml")
MARKER = "Testhinweis der Redaktion: Bürgerbüro heute geschlossen."


def _text(messages: list[dict[str, object]]) -> str:
    return "\n".join(str(m.get("text") or "") for m in messages)


@pytest.fixture
def topic_file(stack: Stack) -> Iterator[Path]:
    """The German registration text of the running assistant's knowledge, restored afterwards."""
    path = stack.settings.knowledge_dir / TOPIC_FILE
    original = path.read_bytes()
    yield path
    path.write_bytes(original)
    time.sleep(stack.settings.knowledge_reload_seconds + 0.5)


def _ask_until(conversation: Conversation, wanted: str, seconds: float) -> tuple[bool, float]:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if wanted in _text(conversation.say(QUESTION)):
            return True, time.monotonic() - started
        time.sleep(0.2)
    return False, seconds


def test_edited_text_is_served_within_five_seconds(stack: Stack, topic_file: Path) -> None:
    person = Conversation(stack)
    assert "Wohnungsgeberbestätigung" in _text(person.say(QUESTION))
    content = topic_file.read_text(encoding="utf-8")
    topic_file.write_text(content.replace("answer: |\n", f"answer: |\n  {MARKER}\n", 1), encoding="utf-8")
    seen, _after = _ask_until(person, MARKER, 5.0)
    assert seen, "the edited text did not reach the running assistant within 5 seconds"


def test_broken_edit_is_logged_with_its_line_and_the_last_good_text_is_served(stack: Stack,
                                                                               topic_file: Path) -> None:
    person = Conversation(stack)
    content = topic_file.read_text(encoding="utf-8")
    topic_file.write_text(content.replace("answer: |\n", f"answer: |\n  {MARKER}\n", 1), encoding="utf-8")
    assert _ask_until(person, MARKER, 5.0)[0]
    lines = topic_file.read_text(encoding="utf-8").splitlines()
    broken_line = next(i for i, line in enumerate(lines, 1) if line.startswith("steps:"))
    lines[broken_line - 1] = "steps: [unclosed"
    topic_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = stack.log_path("actions")
    deadline = time.monotonic() + 5.0
    expected = f"{TOPIC_FILE.as_posix()}:"
    while time.monotonic() < deadline:
        reply = _text(person.say(QUESTION))
        assert MARKER in reply and "Wohnungsgeberbestätigung" in reply  # the last good version, whole
        if expected in log.read_text(encoding="utf-8", errors="replace"):
            break
        time.sleep(0.3)
    logged = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
              if "knowledge edit rejected" in line]
    assert any(f"{TOPIC_FILE.as_posix()}:{broken_line}: error: YAML syntax" in line for line in logged), logged
