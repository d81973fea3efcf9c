"""Romanian, Polish, Bulgarian, Kurmanji and Pashto, end to end over REST with the trained model: a local
answer naming the region's office, the emergency numbers first for a danger message, and the intake
through to a ticket, each in the person's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.actions.intake import choice_payload
from bot.knowledge.loader import load_knowledge
from bot.lang.detect import LanguageDetector
from bot.runner import Stack
from bot.settings import get_settings
from bot.tickets.db import database_url, get_engine, session_scope
from bot.tickets.repository import tickets_of_conversation
from tests.conftest import Conversation

pytestmark = pytest.mark.slow

DETECTOR = LanguageDetector()


def _text(messages: list[dict[str, Any]]) -> str:
    return "\n\n".join(str(m.get("text") or "") for m in messages)


def _payloads(messages: list[dict[str, Any]]) -> list[str]:
    return [str(b["payload"]) for m in messages for b in (m.get("buttons") or [])]


LOCAL = [
    ("ro", "unde pot sa fac anmeldung in Gelsenkirchen? ne-am mutat saptamana trecuta", "residence-registration",
     "gelsenkirchen"),
    ("pl", "gdzie w Bielefeld moge zapisac syna do przedszkola, do kity?", "childcare-kita", "bielefeld"),
    ("bg", "къде в Гелзенкирхен е Jobcenter? искам да подам молба за Bürgergeld", "social-benefits",
     "gelsenkirchen"),
    ("ku", "li Bîlefeldê ez dikarim li ku derê kursa almanî ya belaş bibînim?", "language-course", "bielefeld"),
    ("ps", "په لیمګو کې د خپل زوی لپاره ښوونځی څنګه پیدا کړم؟", "school-enrollment", "kreis-lippe"),
]


@pytest.mark.parametrize(("lang", "text", "topic", "region"), LOCAL)
def test_a_local_question_gets_the_regions_office_in_the_persons_language(
        conversation: Conversation, lang: str, text: str, topic: str, region: str) -> None:
    reply = _text(conversation.say(text))
    kb, _findings = load_knowledge(get_settings().knowledge_dir)
    assert kb is not None
    assert kb.texts[(topic, lang)].title in reply, reply[:300]
    assert any(s.name in reply for s in kb.local_services(topic, region)), reply[:300]
    assert DETECTOR.detect(reply).language == lang


DANGER = [
    ("ro", "sotul meu ma bate si ma ameninta ca ma omoara"),
    ("pl", "maz mnie bije i grozi ze mnie zabije"),
    ("bg", "мъжът ми ме бие и заплашва да ме убие"),
    ("bg", "maja mi me bie vseki den"),
    ("ku", "mêrê min li min dide û dibêje ez ê te bikujim"),
    ("ps", "میړه مې ما وهي او ګواښ کوي چې ما به ووژني"),
]


@pytest.mark.parametrize(("lang", "text"), DANGER)
def test_danger_gets_the_emergency_numbers_first_in_the_persons_language(
        conversation: Conversation, lang: str, text: str) -> None:
    messages = conversation.say(text)
    first = str(messages[0].get("text") or "") + "\n" + str(messages[1].get("text") or "")
    assert "110" in first and "112" in first, first[:300]
    assert DETECTOR.detect(_text(messages)).language == lang


INTAKE = [
    ("ro", "vreau sa vorbesc cu o persoana, am nevoie de ajutor personal", "maine",
     "angajatorul nu mi-a platit salariul pe doua luni"),
    ("pl", "chce porozmawiac z prawdziwym czlowiekiem, potrzebuje pomocy", "jutro",
     "szef nie zaplacil mi za dwa miesiace i chce mnie wyrzucic z mieszkania"),
    ("bg", "искам да говоря с човек, имам нужда от лична помощ", "утре",
     "работодателят не ми е платил заплатата за два месеца"),
    ("ku", "ez dixwazim bi mirovekî re biaxivim, alîkariya kesane hewce dikim", "sibê",
     "xwediyê xaniyê me dixwaze em derkevin û em nizanin çi bikin"),
    ("ps", "غواړم له یو انسان سره خبرې وکړم، شخصي مرسته غواړم", "سبا",
     "د کور خاوند غواړي چې موږ له کوره ووځو او نه پوهیږو چې څه وکړو"),
]


@pytest.mark.parametrize(("lang", "ask", "tomorrow", "description"), INTAKE)
def test_the_intake_runs_in_the_persons_language_to_a_ticket(
        conversation: Conversation, stack: Stack, lang: str, ask: str, tomorrow: str, description: str) -> None:
    consent = conversation.say(ask)
    assert DETECTOR.detect(_text(consent)).language == lang, _text(consent)[:300]
    assert "/affirm" in _payloads(consent)
    region_question = conversation.say("/affirm")
    assert DETECTOR.detect(_text(region_question)).language == lang
    conversation.say('/inform_region{"region":"gelsenkirchen"}')
    conversation.say(choice_payload("area:work"))
    conversation.say(choice_payload("done"))
    contact = conversation.say(description)
    assert choice_payload("contact:chat") in _payloads(contact)
    conversation.say(choice_payload("contact:chat"))
    conversation.say(choice_payload(f"lang:{lang}"))
    conversation.say(tomorrow)
    summary = conversation.say(choice_payload("name:none"))
    assert description in _text(summary)
    done = conversation.say(choice_payload("confirm:yes"))
    with session_scope(get_engine(database_url(stack.settings))) as session:
        tickets = tickets_of_conversation(session, conversation.sender)
        assert len(tickets) == 1
        ticket = tickets[0]
        assert ticket.number in _text(done)
        assert ticket.language == lang and ticket.region == "gelsenkirchen"
        assert ticket.deadline == dt.date.today() + dt.timedelta(days=1)
        assert ticket.description == description
    assert DETECTOR.detect(_text(done)).language == lang
