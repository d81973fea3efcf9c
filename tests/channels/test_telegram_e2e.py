"""Whole Telegram conversations against a fake Bot API, with the trained model, in polling and webhook mode."""

from __future__ import annotations

import html
import json
import os
import random
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from bot.channels import telegram_texts as texts
from bot.channels.telegram_handlers import DELETE_NO, DELETE_YES
from bot.channels.telegram_updates import conversation_id
from bot.evaluation import free_port
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.render import LRI
from bot.lang.detect import LanguageDetector
from bot.lang.names import autonym, autonyms
from bot.lang.registry import supported_languages
from bot.runner import Stack
from bot.settings import Settings
from tests.channels import updates
from tests.channels.fake_bot_api import Call, FakeBotApi

pytestmark = pytest.mark.slow

DETECTOR = LanguageDetector()
WEBHOOK_SECRET = "test-webhook-secret_42"
PUBLIC_WEBHOOK_URL = "https://wegweiser.example.org/webhooks/telegram/webhook"


@dataclass
class World:
    """The assistant with its Telegram channel, and the fake Bot API it talks to."""

    mode: str
    api: FakeBotApi
    stack: Stack

    @property
    def settings(self) -> Settings:
        """The stack's settings."""
        return self.stack.settings

    def post(self, update: dict[str, Any], secret: str | None) -> int:
        """POST an update to the webhook; returns the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(self.stack.telegram_webhook_url, data=json.dumps(update).encode(),
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - localhost
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def deliver(self, update: dict[str, Any]) -> None:
        """Hand an update to the assistant the way Telegram would in this mode."""
        if self.mode == "polling":
            self.api.push(update)
        else:
            started = time.monotonic()
            assert self.post(update, WEBHOOK_SECRET) == 200
            assert time.monotonic() - started < 2, "the webhook must answer before processing"

    def say(self, chat_id: int, update: dict[str, Any], count: int = 1) -> list[Call]:
        """Deliver an update and return the messages the person receives."""
        since = len(self.api.sent(chat_id))
        self.deliver(update)
        return self.api.wait_for_messages(chat_id, since, count)

    def tracker(self, chat_id: int) -> dict[str, Any]:
        """The stored conversation of a chat, through Rasa's HTTP API."""
        sender = conversation_id(chat_id, self.settings.id_hash_key)
        url = f"http://{self.settings.host}:{self.settings.rasa_port}/conversations/{sender}/tracker"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - localhost
            return dict(json.loads(response.read()))


@pytest.fixture(scope="module", params=["polling", "webhook"])
def world(request: pytest.FixtureRequest, trained_settings: Settings,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The assistant on free ports with TELEGRAM_API_URL pointing at a fake Bot API."""
    mode = str(request.param)
    api = FakeBotApi().start()
    webhook = mode == "webhook"
    settings = replace(trained_settings, rasa_port=free_port(), actions_port=free_port(),
                       state_dir=tmp_path_factory.mktemp(f"state-{mode}"), telegram_token=api.token,
                       telegram_api_url=api.url, telegram_webhook_url=PUBLIC_WEBHOOK_URL if webhook else None,
                       telegram_webhook_secret=WEBHOOK_SECRET if webhook else "")
    stack = Stack(settings, quiet=not os.environ.get("WEGWEISER_TEST_LOGS"))
    stack.start()
    ready = "setWebhook" if webhook else "getUpdates"
    deadline = time.monotonic() + 60
    while not api.calls_of(ready) and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        yield World(mode, api, stack)
    finally:
        stack.stop()
        api.stop()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The knowledge the assistant serves."""
    from bot.settings import get_settings

    loaded, _findings = load_knowledge(get_settings().knowledge_dir)
    assert loaded is not None
    return loaded


def _chat() -> int:
    return random.randint(10_000_000, 2_000_000_000)


def _text(messages: list[Call]) -> str:
    return "\n\n".join(html.unescape(str(m.params["text"])) for m in messages)


def _buttons(messages: list[Call]) -> list[dict[str, str]]:
    return [button for m in messages for row in (m.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in row]


def _language(messages: list[Call]) -> str | None:
    return DETECTOR.detect(_text(messages)).language


def test_channel_registers_its_menu_and_mode(world: World) -> None:
    menus = {c.params.get("language_code"): c.params["commands"] for c in world.api.calls_of("setMyCommands")}
    assert set(menus) == {None, *supported_languages()}  # one menu per language, Telegram picks by the app language
    assert {c["command"]: c["description"] for c in menus["ps"]} == texts.command_descriptions("ps")
    assert {c["command"]: c["description"] for c in menus["uk"]} == texts.command_descriptions("uk")
    if world.mode == "webhook":
        hook = world.api.calls_of("setWebhook")[-1].params
        assert hook["url"] == PUBLIC_WEBHOOK_URL and hook["secret_token"] == WEBHOOK_SECRET
        assert not world.api.calls_of("getUpdates")
    else:
        assert world.api.calls_of("deleteWebhook") and world.api.calls_of("getUpdates")


CONVERSATIONS = {
    "ar": {"question": "أين مكتب الجوب سنتر؟ أريد التقديم على المساعدة", "topic": "social-benefits",
           "thanks": "شكرا جزيلا"},
    "uk": {"question": "Як отримати громадянство Німеччини?", "topic": "naturalisation", "thanks": "Дякую!"},
}


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_conversation(world: World, kb: KnowledgeBase, lang: str) -> None:
    chat = _chat()
    case = CONVERSATIONS[lang]
    # /start greets in the language of the person's Telegram app
    assert _language(world.say(chat, updates.text(chat, "/start", lang))) == lang

    # a local question: the general answer, then region buttons; pressing one names the local office
    answer = world.say(chat, updates.text(chat, case["question"], lang))
    assert kb.texts[(case["topic"], lang)].title in _text(answer)
    region_button = next(b for b in _buttons(answer) if "bielefeld" in b.get("callback_data", ""))
    pressed = updates.callback(chat, region_button["callback_data"], lang)
    local = world.say(chat, pressed)
    assert any(world.api.calls_of("answerCallbackQuery"))
    assert any(s.name in _text(local) for s in kb.local_services(case["topic"], "bielefeld"))
    assert _language(local) == lang
    if lang == "ar":
        assert LRI in _text(local)  # addresses and numbers stay isolated in right-to-left text

    # the same update delivered twice is answered once
    assert world.say(chat, pressed, count=0) == []

    # a 429 while sending: the reply still arrives, exactly once
    world.api.fail("sendMessage", 429, retry_after=1)
    thanks = world.say(chat, updates.text(chat, case["thanks"], lang))
    assert len(thanks) == 1 and _language(thanks) == lang
    assert 429 in [c.status for c in world.api.calls_of("sendMessage", chat, ok_only=False)]

    # a voice message: what the assistant understands, in the person's language
    voice = world.say(chat, updates.voice(chat, lang))
    assert [html.unescape(m.params["text"]) for m in voice] == [texts.media_text(lang)]

    # /language shows every language in its own name; pressing one confirms in it
    offer = world.say(chat, updates.text(chat, "/language", lang))
    buttons = _buttons(offer)
    assert [b["text"] for b in buttons] == list(autonyms().values())
    chosen = next(b for b in buttons if b["text"] == autonym(lang))
    assert _language(world.say(chat, updates.callback(chat, chosen["callback_data"], lang))) == lang

    # /delete asks first; "no" keeps everything, "yes" erases the conversation
    question = world.say(chat, updates.text(chat, "/delete", lang))
    assert [b["callback_data"] for b in _buttons(question)] == [DELETE_YES, DELETE_NO]
    assert _text(question).startswith(texts.delete_question(lang)[0])
    kept = world.say(chat, updates.callback(chat, DELETE_NO, lang))
    assert _text(kept) == texts.delete_cancelled_text(lang)
    assert world.tracker(chat)["slots"]["region"] == "bielefeld"
    done = world.say(chat, updates.callback(chat, DELETE_YES, lang))
    assert _text(done) == texts.deleted_text(lang)
    tracker = world.tracker(chat)
    assert tracker["slots"]["region"] is None
    assert not [e for e in tracker["events"] if e["event"] == "user"]


@pytest.mark.parametrize(("lang", "app_code", "question"), [
    ("ro", "ro", "unde fac anmeldung in Bielefeld?"),
    ("pl", "pl", "gdzie sie zameldowac w Bielefeld"),
    ("bg", "bg", "къде да се регистрирам в Билефелд"),
    ("ku", "ku", "li Bîlefeldê ez li ku derê navnîşana xwe qeyd dikim?"),
    ("ps", "ps", "په بیلفیلډ کې خپل پته چیرته ثبت کړم؟"),
])
def test_the_new_languages_on_telegram(world: World, kb: KnowledgeBase, lang: str, app_code: str,
                                       question: str) -> None:
    chat = _chat()
    # /start greets in the language of the person's Telegram app
    assert _language(world.say(chat, updates.text(chat, "/start", app_code))) == lang
    answer = world.say(chat, updates.text(chat, question, app_code))
    assert kb.texts[("residence-registration", lang)].title in _text(answer)
    assert any(s.name in _text(answer) for s in kb.local_services("residence-registration", "bielefeld"))
    if lang == "ps":
        assert LRI in _text(answer)  # addresses and numbers stay isolated in right-to-left text


@pytest.mark.parametrize("world", ["webhook"], indirect=True)
def test_wrong_webhook_secret_is_refused(world: World) -> None:
    chat = _chat()
    update = updates.text(chat, "/start", "uk")
    assert world.post(update, "wrong-secret") == 403
    assert world.post(update, None) == 403
    time.sleep(3)
    assert world.api.sent(chat) == []
    # the same update with the right secret is still processed (it was not marked as seen)
    assert _language(world.say(chat, update)) == "uk"


def test_other_inputs(world: World, kb: KnowledgeBase) -> None:
    # a group chat: told once that the assistant works in private chats
    group, member = -_chat(), _chat()
    told = world.say(group, updates.group_text(group, member, "hallo bot", "tr"))
    assert _text(told) == texts.group_text("tr")
    assert world.say(group, updates.group_text(group, member, "hallo?", "tr"), count=0) == []

    # an edited message is answered like a new one
    chat = _chat()
    assert _language(world.say(chat, updates.edited_text(chat, "Hello, how can I register my flat?", "en"))) == "en"

    # a shared location in Bielefeld sets the region and names the offices there for the question that
    # was waiting for it (registering a flat)
    where = world.say(chat, updates.location(chat, 52.0190, 8.5310, "en"), count=2)
    assert "Bielefeld" in _text(where)
    assert world.tracker(chat)["slots"]["region"] == "bielefeld"
    offices = kb.local_services("residence-registration", "bielefeld")
    assert offices and any(s.name in _text(where) for s in offices)
    # with nothing waiting, a location names the region's first contact points
    other = _chat()
    first = world.say(other, updates.location(other, 51.5402, 7.0862, "en"), count=2)
    counselling = kb.local_services("migration-counselling", "gelsenkirchen")
    assert counselling and any(s.name in _text(first) for s in counselling)

    # Bot API 500s are retried; nothing is lost or doubled
    world.api.fail("sendMessage", 500, times=2)
    assert len(world.say(chat, updates.text(chat, "/privacy", "en"))) == 1

    # a person who blocked the bot: nothing breaks for anyone
    blocked = _chat()
    world.api.blocked.add(blocked)
    world.deliver(updates.text(blocked, "/help", "de"))
    assert world.say(chat, updates.text(chat, "/help", "en"))
