"""Telegram channel pieces without a model: escaping, splitting, keyboards, ids, updates, retries."""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bot.channels import telegram_texts as texts
from bot.channels.telegram_format import (
    MAX_MESSAGE_UNITS,
    CallbackPayloads,
    escape,
    inline_keyboard,
    split_message,
    units,
)
from bot.channels.telegram_send import TelegramSender
from bot.channels.telegram_updates import Kind, UpdateDeduplicator, classify, conversation_id, log_ref
from bot.knowledge.loader import load_knowledge
from bot.knowledge.nearby import distance_km, nearest_services, region_at
from bot.lang.registry import supported_languages
from bot.privacy import erase_conversation, register_eraser
from bot.runner import write_credentials
from bot.settings import get_settings
from tests.channels import updates
from tests.channels.fake_bot_api import FakeBotApi

# --- output formatting ---------------------------------------------------------------------------


def test_escape_keeps_text_and_direction_marks() -> None:
    typed = "<b>hi</b> & <script>x</script> \u2066+49 521 51-0\u2069 مرحبا"
    escaped = escape(typed)
    assert "<" not in escaped and ">" not in escaped
    assert html.unescape(escaped) == typed
    assert "\u2066" in escaped and "\u2069" in escaped


def test_short_message_is_one_chunk() -> None:
    assert split_message("Hallo & willkommen") == ["Hallo &amp; willkommen"]


def test_long_message_splits_at_paragraphs_within_the_limit() -> None:
    paragraphs = [f"Absatz {i}: " + "Wort " * 300 for i in range(8)]
    chunks = split_message("\n\n".join(paragraphs))
    assert len(chunks) > 1
    assert all(units(c) <= MAX_MESSAGE_UNITS for c in chunks)
    # every chunk starts at a paragraph: nothing is cut in the middle of one
    assert all(c.startswith("Absatz ") for c in chunks)
    assert "\n\n".join(chunks).split() == "\n\n".join(paragraphs).split()


def test_escaping_is_counted_and_never_cut() -> None:
    text = "&" * 5000  # 25,000 characters once escaped
    chunks = split_message(text)
    assert all(units(c) <= MAX_MESSAGE_UNITS for c in chunks)
    assert all(c.replace("&amp;", "") == "" for c in chunks)
    assert sum(c.count("&amp;") for c in chunks) == 5000


def test_emoji_count_as_two_units() -> None:
    chunks = split_message("😀" * 3000)
    assert len(chunks) == 2
    assert all(units(c) <= MAX_MESSAGE_UNITS for c in chunks)


def test_keyboard_one_button_per_row_and_long_payloads_kept() -> None:
    payloads = CallbackPayloads()
    long_payload = '/inform_region{"region":"' + "x" * 80 + '"}'
    keyboard = inline_keyboard([{"title": "Bielefeld", "payload": '/inform_region{"region":"bielefeld"}'},
                                {"title": "Lang", "payload": long_payload},
                                {"title": "Seite", "url": "https://www.bielefeld.de"}], payloads)
    rows = keyboard["inline_keyboard"]
    assert [len(r) for r in rows] == [1, 1, 1]
    assert rows[0][0] == {"text": "Bielefeld", "callback_data": '/inform_region{"region":"bielefeld"}'}
    data = rows[1][0]["callback_data"]
    assert len(data.encode()) <= 64 and payloads.decode(data) == long_payload
    assert rows[2][0] == {"text": "Seite", "url": "https://www.bielefeld.de"}
    assert CallbackPayloads().decode(data) is None  # forgotten (e.g. after a restart)


# --- ids, updates, duplicates --------------------------------------------------------------------


def test_conversation_id_is_a_keyed_hash() -> None:
    first = conversation_id(424242, "key-a")
    assert first == conversation_id(424242, "key-a")
    assert first != conversation_id(424242, "key-b") != conversation_id(424243, "key-a")
    assert "424242" not in first and len(first) == 64
    assert log_ref(first) == first[:12]


def test_deduplicator_is_bounded() -> None:
    dedupe = UpdateDeduplicator(size=3)
    assert dedupe.first_time(1) and not dedupe.first_time(1)
    for update_id in (2, 3, 4):
        assert dedupe.first_time(update_id)
    assert dedupe.first_time(1)  # forgotten after 3 newer ones


def _classify(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    update = Update.de_json(data, None)
    assert update is not None
    return classify(update)


def test_updates_are_classified() -> None:
    start = _classify(updates.text(7, "/start@wegweiser_test_bot bielefeld", "uk-UA"))
    assert (start.kind, start.command, start.argument, start.language_code) == (Kind.COMMAND, "start", "bielefeld",
                                                                                 "uk-UA")
    assert _classify(updates.text(7, "wo ist das Jobcenter")).kind is Kind.TEXT
    assert _classify(updates.callback(7, "/greet")).kind is Kind.CALLBACK
    assert _classify(updates.voice(7)).media == "voice"
    assert _classify(updates.photo(7)).kind is Kind.MEDIA
    assert _classify(updates.location(7, 52.02, 8.53)).location == (52.02, 8.53)
    assert _classify(updates.group_text(-100, 7, "hallo")).kind is Kind.GROUP
    edited = _classify(updates.edited_text(7, "korrigiert"))
    assert edited.kind is Kind.TEXT and edited.edited


# --- texts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", supported_languages())
def test_channel_texts_exist_in_every_language(lang: str) -> None:
    descriptions = texts.command_descriptions(lang)
    assert set(descriptions) == set(texts.COMMANDS)
    assert all(3 <= len(d) <= 256 for d in descriptions.values())
    for text in (texts.privacy_text(lang), texts.media_text(lang), texts.group_text(lang), texts.help_text(lang)):
        assert text.strip()
    if lang != "en":
        assert texts.media_text(lang) != texts.media_text("en")
        assert texts.privacy_text(lang) != texts.privacy_text("en")


# --- location ------------------------------------------------------------------------------------


def test_location_finds_the_region() -> None:
    assert region_at((52.0190, 8.5310)) == "bielefeld"  # Bielefeld Jahnplatz
    assert region_at((51.9380, 8.8730)) == "detmold"
    assert region_at((52.0280, 8.9000)) == "kreis-lippe"  # Lemgo
    assert region_at((51.5050, 7.1020)) == "gelsenkirchen"
    assert region_at((52.5200, 13.4050)) is None  # Berlin
    assert 320 < distance_km((52.02, 8.53), (52.52, 13.40)) < 350  # Bielefeld to Berlin, as the crow flies


def test_nearest_services_use_coordinates() -> None:
    kb, _findings = load_knowledge(get_settings().knowledge_dir)
    assert kb is not None
    service = next(iter(kb.services.values()))
    kb.services[service.id] = replace(service, coordinates=(52.0190, 8.5310))
    found = nearest_services(kb, (52.0200, 8.5300))
    assert [n.service.id for n in found] == [service.id] and found[0].km < 1
    assert nearest_services(kb, (52.52, 13.40)) == []


# --- deletion ------------------------------------------------------------------------------------


def _tracker(sender_id: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, [])
    tracker.update(UserUttered("ich wohne in Bielefeld"))
    tracker.update(SlotSet("region", "bielefeld"))
    return tracker


def test_erase_from_memory_and_sql(tmp_path: Path) -> None:
    erased: list[str] = []

    async def ticket_eraser(sender_id: str) -> None:
        erased.append(sender_id)

    register_eraser(ticket_eraser)
    domain = Domain.empty()
    for store in (InMemoryTrackerStore(domain), SQLTrackerStore(domain, db=str(tmp_path / "tracker.db"))):
        async def scenario(store=store) -> None:  # type: ignore[no-untyped-def]
            await store.save(_tracker("person-a"))
            await store.save(_tracker("person-b"))
            await erase_conversation(store, "person-a")
            assert await store.retrieve("person-a") is None
            kept = await store.retrieve("person-b")
            assert kept is not None and kept.latest_message.text == "ich wohne in Bielefeld"

        asyncio.run(scenario())
    assert erased == ["person-a", "person-a"]


# --- sending with retries ------------------------------------------------------------------------


@pytest.fixture
def fake_api() -> Any:
    api = FakeBotApi().start()
    yield api
    api.stop()


def _sender(api: FakeBotApi) -> TelegramSender:
    bot = Bot(api.token, base_url=f"{api.url}/bot", request=HTTPXRequest(connection_pool_size=4))
    return TelegramSender(bot, CallbackPayloads(), base_delay=0.05)


def test_rate_limit_and_server_errors_are_retried_once_delivered(fake_api: FakeBotApi) -> None:
    fake_api.fail("sendMessage", 429, retry_after=1)
    fake_api.fail("sendMessage", 500, times=2)
    asyncio.run(_sender(fake_api).send_text(11, "ref", "Hallo <Welt>", [{"title": "Ja", "payload": "/affirm"}]))
    delivered = fake_api.sent(11)
    assert len(delivered) == 1
    assert delivered[0].params["text"] == "Hallo &lt;Welt&gt;"
    assert delivered[0].params["parse_mode"] == "HTML"
    assert delivered[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "/affirm"
    assert [c.status for c in fake_api.calls_of("sendMessage", 11, ok_only=False)] == [429, 500, 500, 200]


def test_long_reply_arrives_in_order_with_keyboard_on_the_last(fake_api: FakeBotApi) -> None:
    text = "\n\n".join(f"{i} " + "x" * 1000 for i in range(10))
    asyncio.run(_sender(fake_api).send_text(12, "ref", text, [{"title": "Ja", "payload": "/affirm"}]))
    delivered = fake_api.sent(12)
    assert len(delivered) == 3
    assert [c.params["text"].split()[0] for c in delivered] == ["0", "4", "8"]
    assert [("reply_markup" in c.params) for c in delivered] == [False, False, True]


def test_blocked_person_is_logged_once(fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    fake_api.blocked.add(13)
    sender = _sender(fake_api)

    async def twice() -> None:
        await sender.send_text(13, "ref13", "eins")
        await sender.send_text(13, "ref13", "zwei")

    asyncio.run(twice())
    assert fake_api.sent(13) == []
    assert sum("blocked" in r.getMessage() for r in caplog.records) == 1


# --- credentials ---------------------------------------------------------------------------------


def test_credentials_name_telegram_only_with_a_token(tmp_path: Path) -> None:
    settings = replace(get_settings(), state_dir=tmp_path, telegram_token=None)
    assert "telegram" not in write_credentials(settings).read_text()
    with_token = replace(settings, telegram_token="123:abc", rasa_port=5999)
    written = write_credentials(with_token).read_text()
    assert "bot.channels.telegram.TelegramInput" in written and "123:abc" not in written
    assert "WegweiserRestInput" in written


# --- webhook and background handling -------------------------------------------------------------


class _Request:
    """The parts of a Sanic request the webhook reads."""

    def __init__(self, body: dict[str, Any], secret: str | None) -> None:
        self.json = body
        self.headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}


class _Handler:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.handled: list[int] = []

    def sender_id(self, incoming: Any) -> str:
        return conversation_id(incoming.chat_id, "k")

    async def handle(self, incoming: Any) -> None:
        await asyncio.sleep(0.05)
        if self.fail:
            raise RuntimeError("the model server went away")
        self.handled.append(incoming.chat_id)


def _webhook_channel(handler: _Handler) -> Any:
    from bot.channels.telegram import TelegramInput

    settings = replace(get_settings(), telegram_token="123:abc", telegram_webhook_url="https://example.org/hook",
                       telegram_webhook_secret="right-secret")
    channel = TelegramInput(settings)
    channel._handler = handler  # type: ignore[assignment]
    return channel


def test_webhook_refuses_a_wrong_secret_and_answers_before_processing(caplog: pytest.LogCaptureFixture) -> None:
    handler = _Handler()
    channel = _webhook_channel(handler)
    update = updates.text(99, "hallo")

    async def scenario() -> None:
        assert (await channel.webhook(_Request(update, "wrong"))).status == 403
        assert (await channel.webhook(_Request(update, None))).status == 403
        assert (await channel.webhook(_Request(update, "right-secret"))).status == 200
        assert handler.handled == []  # answered before the turn ran
        assert (await channel.webhook(_Request(update, "right-secret"))).status == 200  # duplicate
        await asyncio.sleep(0.3)

    asyncio.run(scenario())
    assert handler.handled == [99]


def test_a_failing_turn_is_logged_with_its_stack_and_still_answered_200(caplog: pytest.LogCaptureFixture) -> None:
    channel = _webhook_channel(_Handler(fail=True))

    async def scenario() -> int:
        status = (await channel.webhook(_Request(updates.text(98, "hallo"), "right-secret"))).status
        await asyncio.sleep(0.3)
        return int(status)

    assert asyncio.run(scenario()) == 200
    failures = [r for r in caplog.records if r.levelname == "ERROR"]
    assert failures and failures[0].exc_info is not None
    assert "98" not in failures[0].getMessage()  # the chat id is not logged in clear


def test_turns_of_one_chat_run_in_order() -> None:
    from bot.channels.telegram import ChatLocks

    locks = ChatLocks()
    order: list[str] = []

    async def turn(name: str, pause: float) -> None:
        order.append(f"{name}-start")
        await asyncio.sleep(pause)
        order.append(f"{name}-end")

    async def scenario() -> None:
        await asyncio.gather(locks.run("a", lambda: turn("first", 0.1)), locks.run("a", lambda: turn("second", 0)))

    asyncio.run(scenario())
    assert order == ["first-start", "first-end", "second-start", "second-end"]
    assert locks._locks == {}
