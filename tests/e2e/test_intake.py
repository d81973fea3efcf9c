"""The handoff intake over the REST channel with the trained model: consent first, the questions in the
person's language, a ticket with everything a case manager needs, exactly once; danger first; the
conversation held by a case manager goes to the ticket, not to the assistant."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.actions.intake import choice_payload
from bot.lang.detect import LanguageDetector
from bot.runner import Stack, fetch_inbox
from bot.tickets.db import database_url, get_engine, session_scope
from bot.tickets.relay import case_manager_prefix, deliver_to_person, hand_back, hand_back_text
from bot.tickets.repository import claim, get_ticket, resolve, tickets_of_conversation
from bot.tickets.vocab import Author, Status
from tests.conftest import Conversation

pytestmark = pytest.mark.slow

DETECTOR = LanguageDetector()
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _text(messages: list[dict[str, Any]]) -> str:
    return "\n\n".join(str(m.get("text") or "") for m in messages)


def _payloads(messages: list[dict[str, Any]]) -> list[str]:
    return [str(b["payload"]) for m in messages for b in (m.get("buttons") or [])]


@contextmanager
def _tickets(stack: Stack) -> Iterator[Session]:
    with session_scope(get_engine(database_url(stack.settings))) as session:
        yield session


def _only_ticket(stack: Stack, sender: str) -> Any:
    with _tickets(stack) as session:
        tickets = tickets_of_conversation(session, sender)
        assert len(tickets) == 1, [t.number for t in tickets]
        ticket = tickets[0]
        return {
            "number": ticket.number, "region": ticket.region, "team": ticket.team, "status": ticket.status,
            "urgency": ticket.urgency, "deadline": ticket.deadline, "life_areas": list(ticket.life_areas),
            "topics": list(ticket.topics), "language": ticket.language, "contact": ticket.contact_channel,
            "contact_value": ticket.contact_value, "person_name": ticket.person_name,
            "consent": ticket.consent_version, "description": ticket.description, "channel": ticket.channel,
            "transcript": [(m.author, m.text) for m in ticket.messages],
        }


def test_persian_intake_opens_one_ticket_with_everything(conversation: Conversation, stack: Stack) -> None:
    first = conversation.say("می‌خواهم با یک مشاور صحبت کنم")
    consent = _text(first)
    assert DETECTOR.detect(consent).language == "fa", consent
    assert "/affirm" in _payloads(first) and "/deny" in _payloads(first)
    region_question = conversation.say("/affirm")
    assert any("bielefeld" in p for p in _payloads(region_question))
    areas = conversation.say('/inform_region{"region":"bielefeld"}')
    assert choice_payload("area:residence") in _payloads(areas)
    toggled = conversation.say(choice_payload("area:residence"))
    assert "✓" in " ".join(str(b["title"]) for m in toggled for b in (m.get("buttons") or []))
    conversation.say(choice_payload("area:work"))
    conversation.say(choice_payload("done"))
    description = "اجازه اقامتم ماه بعد تمام میشه و از اداره اتباع خارجی نامه گرفتم"
    contact_question = conversation.say(description)
    assert choice_payload("contact:chat") in _payloads(contact_question)
    wrong = conversation.say("123")
    assert choice_payload("contact:chat") in _payloads(wrong)  # asked again, with a hint
    conversation.say("0521 123456")
    conversation.say(choice_payload("lang:fa"))
    deadline = (dt.date.today() + dt.timedelta(days=40)).strftime("%d/%m/%Y").translate(PERSIAN_DIGITS)
    conversation.say(deadline)
    summary = conversation.say(choice_payload("name:none"))
    assert description in _text(summary)
    assert choice_payload("confirm:yes") in _payloads(summary)
    done = conversation.say(choice_payload("confirm:yes"))
    ticket = _only_ticket(stack, conversation.sender)
    assert ticket["number"].startswith("BI-") and ticket["number"] in _text(done)
    assert DETECTOR.detect(_text(done)).language == "fa"
    assert ticket["region"] == "bielefeld" and ticket["team"] == "bielefeld"
    assert ticket["life_areas"] == ["residence", "work"]
    assert ticket["description"] == description
    assert (ticket["contact"], ticket["contact_value"]) == ("phone", "+49521123456")
    assert ticket["language"] == "fa" and ticket["person_name"] is None
    assert ticket["deadline"] == dt.date.today() + dt.timedelta(days=40) and ticket["urgency"] == "normal"
    assert ticket["consent"] and ticket["status"] == Status.NEW.value and ticket["channel"] == "rest"
    assert (Author.PERSON.value, "می‌خواهم با یک مشاور صحبت کنم") in ticket["transcript"]
    assert not any(text.startswith("/") for _, text in ticket["transcript"])  # button payloads are not words
    # a double press of "send" opens no second ticket; asking again names the open one
    conversation.say(choice_payload("confirm:yes"))
    again = conversation.say("/request_human")
    assert ticket["number"] in _text(again)
    _only_ticket(stack, conversation.sender)


def test_danger_in_arabic_gives_emergency_numbers_first_then_an_urgent_ticket(
        conversation: Conversation, stack: Stack) -> None:
    first = conversation.say("زوجي يضربني ويهددني بالقتل")
    assert "110" in str(first[0].get("text")) + str(first[1].get("text"))  # the numbers come first
    reply = _text(first)
    assert "116 016" in reply or "116016" in reply
    assert "/affirm" in _payloads(first)  # then the intake asks for consent
    assert DETECTOR.detect(reply).language == "ar"
    conversation.say("/affirm")
    conversation.say("بيليفيلد")
    summary = conversation.say(choice_payload("contact:chat"))  # danger: only what is needed to reach them
    assert choice_payload("confirm:yes") in _payloads(summary)
    done = conversation.say(choice_payload("confirm:yes"))
    ticket = _only_ticket(stack, conversation.sender)
    assert ticket["urgency"] == "urgent" and ticket["region"] == "bielefeld"
    assert "violence-and-protection" in ticket["topics"] and "family" in ticket["life_areas"]
    assert ticket["description"] == "زوجي يضربني ويهددني بالقتل"
    assert "110" in _text(done) and ticket["number"] in _text(done)


def test_without_consent_no_ticket_but_the_counselling_contacts(conversation: Conversation, stack: Stack) -> None:
    first = conversation.say("Ich wohne in Bielefeld und möchte persönlich mit einer Beraterin sprechen")
    assert "/deny" in _payloads(first)
    answer = _text(conversation.say("nein"))
    assert "Bielefeld" in answer and ("☎" in answer or "🌐" in answer)  # a service with a way to reach it
    with _tickets(stack) as session:
        assert tickets_of_conversation(session, conversation.sender) == []


def test_answers_that_cannot_be_used_are_asked_again(conversation: Conversation, stack: Stack) -> None:
    conversation.say("I want to talk to a person")
    conversation.say("yes")
    conversation.say("Gelsenkirchen")
    # a typed answer to the life areas is understood through its topic
    description_question = conversation.say("my Jobcenter stopped paying")
    assert _payloads(description_question) == [choice_payload("cancel")]  # the description is asked next
    conversation.say("They stopped my Bürgergeld and I cannot pay the rent")
    assert choice_payload("contact:chat") in _payloads(conversation.say("not-an-address@"))
    conversation.say("help.me@example.org")
    conversation.say("English")
    past = conversation.say("01.01.2020")
    assert choice_payload("deadline:none") in _payloads(past)  # asked again
    conversation.say("tomorrow")
    summary = _text(conversation.say("Amira"))
    assert "help.me@example.org" in summary and "Amira" in summary
    # correct the name, then cancel: nothing is sent
    edit = conversation.say(choice_payload("confirm:edit"))
    assert choice_payload("edit:intake_name") in _payloads(edit)
    conversation.say(choice_payload("edit:intake_name"))
    assert "Amira K." in _text(conversation.say("Amira K."))
    conversation.say(choice_payload("confirm:cancel"))
    with _tickets(stack) as session:
        assert tickets_of_conversation(session, conversation.sender) == []


def test_typing_the_words_of_a_button_works_like_pressing_it(conversation: Conversation, stack: Stack) -> None:
    conversation.say("Хочу поговорити з консультантом")
    conversation.say("так")
    conversation.say("Білефельд")
    conversation.say(choice_payload("area:housing"))
    description_question = conversation.say("Готово")  # typed instead of the button
    assert _payloads(description_question) == [choice_payload("cancel")]
    conversation.say("Орендодавець хоче, щоб ми виїхали з квартири до кінця місяця")
    conversation.say("тут у цьому чаті")
    conversation.say(choice_payload("lang:uk"))
    conversation.say("Немає терміну")
    summary = conversation.say("Пропустити")
    assert choice_payload("confirm:yes") in _payloads(summary)
    left = conversation.say("скасувати")
    assert "/affirm" not in _payloads(left)
    with _tickets(stack) as session:
        assert tickets_of_conversation(session, conversation.sender) == []
    summary_again = conversation.say("/request_human")
    assert {"/affirm", "/deny"} <= set(_payloads(summary_again))  # a new intake starts: nothing was kept


def test_a_typed_yes_accepts_the_offer_of_a_case_manager(conversation: Conversation) -> None:
    answer = conversation.say("How do I find an apartment in Bielefeld?")
    assert "/request_human" in _payloads(answer)  # housing: the answer, then the offer
    consent = conversation.say("yes")
    assert {"/affirm", "/deny"} <= set(_payloads(consent)) and "Bielefeld" in _text(consent)


def test_two_misses_in_a_row_hand_over_to_a_person(conversation: Conversation) -> None:
    first = conversation.say("/nlu_fallback")
    assert "/affirm" not in _payloads(first)  # first: suggestions, and a button for a person
    second = conversation.say("/nlu_fallback")
    assert {"/affirm", "/deny"} <= set(_payloads(second))  # then the intake, consent first


def test_the_intake_can_be_left_at_any_question(conversation: Conversation, stack: Stack) -> None:
    conversation.say("I live in Gelsenkirchen")
    conversation.say("/request_human")
    areas_question = conversation.say("/affirm")
    assert choice_payload("cancel") in _payloads(areas_question)
    left = conversation.say(choice_payload("cancel"))
    assert "nothing was sent" in _text(left).lower()
    assert "Gelsenkirchen" in _text(conversation.say("where is the Jobcenter in Gelsenkirchen?"))  # back to answers
    with _tickets(stack) as session:
        assert tickets_of_conversation(session, conversation.sender) == []


def test_a_held_conversation_goes_to_the_case_manager_until_resolved(
        conversation: Conversation, stack: Stack) -> None:
    conversation.say("I live in Gelsenkirchen")
    conversation.say("/request_human")
    conversation.say("/affirm")
    conversation.say(choice_payload("area:housing"))
    conversation.say(choice_payload("done"))
    conversation.say("My landlord wants me to leave the flat")
    conversation.say(choice_payload("contact:chat"))
    conversation.say(choice_payload("lang:en"))
    conversation.say(choice_payload("deadline:none"))
    conversation.say(choice_payload("name:none"))
    conversation.say(choice_payload("confirm:yes"))
    number = _only_ticket(stack, conversation.sender)["number"]
    with _tickets(stack) as session:
        claim(session, number, "anna")
    # the case manager's reply reaches the local chat (which polls the inbox)
    assert asyncio.run(deliver_to_person(stack.settings, number, "I will call you tomorrow at 10.", "anna"))
    inbox = fetch_inbox(stack.rest_url, conversation.sender, 0)
    assert [m["text"] for m in inbox] == [f"{case_manager_prefix('en')}\n\nI will call you tomorrow at 10."]
    assert fetch_inbox(stack.rest_url, conversation.sender, int(inbox[-1]["id"])) == []
    assert conversation.say("Is there any news about my flat?") == []  # the assistant is silent
    with _tickets(stack) as session:
        texts = [m.text for m in get_ticket(session, number).messages]
    assert texts[-1] == "Is there any news about my flat?"
    with _tickets(stack) as session:
        resolve(session, number, "anna")
    asyncio.run(hand_back(stack.settings, number))
    assert fetch_inbox(stack.rest_url, conversation.sender, int(inbox[-1]["id"]))[-1]["text"] == hand_back_text("en")
    assert "Bielefeld" in _text(conversation.say("where do I register my address in Bielefeld?"))


DANGER = [
    ("de", "mein mann schlägt mich jeden tag", "violence"),
    ("en", "i dont want to live anymore", "crisis"),
    ("uk", "чоловік б'є мене і погрожує", "violence"),
    ("ru", "муж избивает меня, мне страшно", "violence"),
    ("ar", "أفكر في الانتحار", "crisis"),
    ("fa", "شوهرم منو کتک میزنه", "violence"),
    ("tr", "kocam beni dövüyor", "violence"),
]
DANGER_TOPICS = {"violence": "topic_violence_and_protection", "crisis": "topic_mental_health"}


@pytest.mark.parametrize(("lang", "text", "kind"), DANGER)
def test_the_safety_net_leads_to_the_emergency_numbers_in_every_language(
        stack: Stack, lang: str, text: str, kind: str) -> None:
    url = stack.rest_url.replace("/webhooks/rest/webhook", "/model/parse")
    request = urllib.request.Request(url, data=json.dumps({"text": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local test server
        parsed = json.loads(response.read())
    assert parsed["danger"] == kind
    assert parsed["intent"]["name"] in {DANGER_TOPICS[kind], "topic_violence_and_protection"}
