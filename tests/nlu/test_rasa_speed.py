"""The cached action-response validator still rejects what Rasa rejects."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import bot.nlu.components  # noqa: F401  (installs the speed fixes, as the Rasa server does)
from bot.rasa_speed import _validate_action_result


def test_the_server_uses_the_cached_validator() -> None:
    assert RemoteAction._validate_action_result is _validate_action_result


def test_a_valid_answer_passes() -> None:
    answer = {"events": [{"event": "slot", "name": "region", "value": "bielefeld"}],
              "responses": [{"text": "Hallo"}]}
    assert _validate_action_result(None, answer) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("answer", [
    {"events": "not a list", "responses": []},
    {"events": [{"event": "no-such-event"}], "responses": []},
    {"events": [], "responses": ["a string, not an object"]},
])
def test_a_broken_answer_from_the_action_server_is_still_caught(answer: dict) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        _validate_action_result(None, answer)  # type: ignore[arg-type]
