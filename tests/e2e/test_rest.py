"""Whole conversations over Rasa's REST channel with the trained model and the action server."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_knowledge
from bot.lang.detect import LanguageDetector
from bot.lang.names import autonym, autonyms
from bot.runner import Stack
from bot.settings import get_settings
from tests.conftest import Conversation

pytestmark = pytest.mark.slow

DETECTOR = LanguageDetector()


def _text(messages: list[dict[str, object]]) -> str:
    return "\n\n".join(str(m.get("text") or "") for m in messages)


def _buttons(messages: list[dict[str, object]]) -> list[dict[str, str]]:
    return [b for m in messages for b in (m.get("buttons") or [])]  # type: ignore[union-attr]


def _kb():  # type: ignore[no-untyped-def]
    kb, _findings = load_knowledge(get_settings().knowledge_dir)
    assert kb is not None
    return kb


LOCAL_QUESTIONS = [
    ("de", "Wo ist die Ausländerbehörde in Bielefeld? Mein Aufenthaltstitel läuft ab", "immigration-office", "bielefeld"),
    ("en", "where can I register my address in Gelsenkirchen", "residence-registration", "gelsenkirchen"),
    ("uk", "Де в Детмольді подати документи на громадянство?", "naturalisation", "detmold"),
    ("ru", "Где в Лемго найти детский сад для сына?", "childcare-kita", "kreis-lippe"),
    ("ar", "أين مكتب الجوب سنتر في بيليفيلد؟ أريد التقديم على المساعدة", "social-benefits", "bielefeld"),
    ("fa", "در گلزنکیرشن کجا میتوانم کلاس زبان آلمانی پیدا کنم؟", "language-course", "gelsenkirchen"),
    ("tr", "Bad Salzuflen'de ehliyetimi nasıl çevirebilirim?", "driving-licence", "kreis-lippe"),
]


@pytest.mark.parametrize(("lang", "text", "topic", "region"), LOCAL_QUESTIONS)
def test_local_question_is_answered_with_the_regions_office(
    conversation: Conversation, lang: str, text: str, topic: str, region: str
) -> None:
    messages = conversation.say(text)
    reply = _text(messages)
    kb = _kb()
    assert kb.texts[(topic, lang)].title in reply
    offices = kb.local_services(topic, region)
    assert any(s.name in reply for s in offices), reply
    assert DETECTOR.detect(reply).language == lang


def test_region_is_asked_remembered_and_changeable(conversation: Conversation) -> None:
    kb = _kb()
    first = conversation.say("wie melde ich meine neue wohnung an")
    assert kb.texts[("residence-registration", "de")].title in _text(first)
    payloads = [b["payload"] for b in _buttons(first)]
    assert any("gelsenkirchen" in p for p in payloads)
    # pressing the button answers the waiting question with the local office
    second = conversation.say(next(p for p in payloads if "gelsenkirchen" in p))
    assert any(s.name in _text(second) for s in kb.local_services("residence-registration", "gelsenkirchen"))
    # the region is remembered for the next question
    third = conversation.say("Ich brauche einen Kita Platz für meine Tochter")
    assert any(s.name in _text(third) for s in kb.local_services("childcare-kita", "gelsenkirchen"))
    # and can be changed by naming another town
    conversation.say("ich wohne jetzt in Lemgo")
    fourth = conversation.say("Ich brauche einen Kita Platz für meinen Sohn")
    assert any(s.name in _text(fourth) for s in kb.local_services("childcare-kita", "kreis-lippe"))


def test_language_can_be_chosen_with_buttons(conversation: Conversation) -> None:
    messages = conversation.say("Sprache")
    titles = [b["title"] for b in _buttons(messages)]
    assert titles == list(autonyms().values())
    uk = next(b["payload"] for b in _buttons(messages) if b["title"] == autonym("uk"))
    confirm = conversation.say(uk)
    assert DETECTOR.detect(_text(confirm)).language == "uk"
    # a short German office word keeps the chosen language
    answer = conversation.say("Jobcenter")
    assert DETECTOR.detect(_text(answer)).language == "uk"


def test_telegram_language_code_is_used_for_short_messages(stack: Stack) -> None:
    conversation = Conversation(stack, metadata={"language_code": "tr"})
    reply = _text(conversation.say("hi"))
    assert DETECTOR.detect(reply).language == "tr"


def test_asking_for_a_person_asks_consent_for_the_regions_case_management(conversation: Conversation) -> None:
    messages = conversation.say("I want to talk to a real person about my case. I live in Bielefeld")
    reply = _text(messages)
    assert "Bielefeld" in reply and DETECTOR.detect(reply).language == "en"
    assert {"/affirm", "/deny"} <= {str(b["payload"]) for b in _buttons(messages)}


def test_out_of_scope_says_what_the_assistant_can_do(conversation: Conversation) -> None:
    reply = _text(conversation.say("tell me a joke about football"))
    assert reply and DETECTOR.detect(reply).language == "en"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 10_000, "😀🙏🏽🇩🇪", "\x00\x01\x07 hallo \x1b[31m", "\u200f\u202eمرحبا\u202c",
     "<script>alert(1)</script><b>hi</b>", "/", "/unknown_intent{\"a\": 1}", "{{ 7*7 }} ${jndi:ldap://x}"],
)
def test_bad_input_gets_a_sensible_reply(conversation: Conversation, text: str) -> None:
    messages = conversation.say(text)
    reply = _text(messages)
    assert reply.strip(), f"no reply to {text[:20]!r}"
    assert "Traceback" not in reply and "Error" not in reply


@pytest.mark.parametrize("text", [
    "bonjour, je cherche un cours d'allemand pour ma femme à Bielefeld",
    "hola, necesito ayuda con el alquiler de mi piso",
])
def test_a_language_it_does_not_speak_gets_an_honest_reply_in_english_and_german(
    conversation: Conversation, text: str
) -> None:
    messages = conversation.say(text)
    reply = _text(messages)
    assert "I do not speak this language yet" in reply
    assert "Diese Sprache spreche ich leider noch nicht" in reply
    assert "112" in reply and "110" in reply
    assert [b["title"] for b in _buttons(messages)] == list(autonyms().values())
