"""The NLU guards after the classifier: danger first, and in the danger term's language when unsure."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.names import PARSE_DANGER_KEY, PARSE_LANGUAGE_KEY
from bot.nlu.components import DangerSafetyNet, UnsupportedLanguageGuard


def _message(text: str, detection: dict[str, object]) -> Message:
    message = Message(data={TEXT: text})
    message.set(PARSE_LANGUAGE_KEY, detection)
    message.set("intent", {"name": "out_of_scope", "confidence": 0.4})
    return message


def test_an_unclear_danger_message_is_answered_in_the_language_of_its_term() -> None:
    unsure = {"language": "ro", "confidence": 0.51, "reliable": False, "script": "latin", "supported": True}
    message = DangerSafetyNet().process([_message("maja mi me bie vseki den", unsure)])[0]
    assert message.get(PARSE_DANGER_KEY) == "violence"
    assert message.get("intent")["name"] == "topic_violence_and_protection"
    assert message.get(PARSE_LANGUAGE_KEY)["language"] == "bg"
    assert message.get(PARSE_LANGUAGE_KEY)["reliable"]


def test_a_clear_language_is_kept_for_a_danger_message() -> None:
    sure = {"language": "de", "confidence": 0.9, "reliable": True, "script": "latin", "supported": True}
    message = DangerSafetyNet().process([_message("kocam beni dövüyor, hilfe", sure)])[0]
    assert message.get(PARSE_LANGUAGE_KEY)["language"] == "de"


def test_a_language_it_does_not_speak_becomes_its_own_intent() -> None:
    french = {"language": "fr", "confidence": 0.99, "reliable": True, "script": "latin", "supported": False}
    message = UnsupportedLanguageGuard().process([_message("je cherche un travail", french)])[0]
    assert message.get("intent")["name"] == "unsupported_language"
    unsure = {"language": "fr", "confidence": 0.6, "reliable": False, "script": "latin", "supported": False}
    kept = UnsupportedLanguageGuard().process([_message("merci", unsure)])[0]
    assert kept.get("intent")["name"] == "out_of_scope"


def test_the_model_saying_unsupported_for_a_supported_language_takes_its_next_intent() -> None:
    german = {"language": "de", "confidence": 0.95, "reliable": True, "script": "latin", "supported": True}
    message = _message("wo ist die ausländerbehörde", german)
    message.set("intent", {"name": "unsupported_language", "confidence": 0.5})
    message.set("intent_ranking", [{"name": "unsupported_language", "confidence": 0.5},
                                   {"name": "topic_immigration_office", "confidence": 0.4}])
    result = UnsupportedLanguageGuard().process([message])[0]
    assert result.get("intent")["name"] == "topic_immigration_office"
    assert [r["name"] for r in result.get("intent_ranking")] == ["topic_immigration_office"]
