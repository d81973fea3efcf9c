"""Issue #5, end to end: a newcomer writing in Persian on Telegram (fake Bot API) asks for help, consents
and completes the intake; a Bielefeld case manager logs into the desk in Debian's Chromium (Playwright),
sees the ticket with its German summary, claims it and replies; the reply arrives in the person's chat;
the person's answer appears in the desk; resolving hands the conversation back to the assistant."""

from __future__ import annotations

import html
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.actions.intake import area_label
from bot.evaluation import free_port
from bot.i18n import gettext_for
from bot.lang.detect import LanguageDetector
from bot.lang.names import autonym
from bot.runner import Stack
from bot.settings import Settings
from bot.tickets.accounts import create_user
from bot.tickets.db import database_url, get_engine, session_scope
from bot.tickets.relay import case_manager_prefix, hand_back_text
from bot.tickets.repository import get_ticket
from bot.tickets.vocab import LifeArea
from tests.channels import updates
from tests.channels.fake_bot_api import Call, FakeBotApi

pytestmark = pytest.mark.slow

CHAT = 98_765_432
PASSWORD = "Lena-sicheres-Passwort-2026"
DETECTOR = LanguageDetector()
_ = gettext_for("fa")


@dataclass
class World:
    api: FakeBotApi
    stack: Stack

    def say(self, update: dict[str, object], count: int = 1) -> list[Call]:
        since = len(self.api.sent(CHAT))
        self.api.push(update)
        return self.api.wait_for_messages(CHAT, since, count)

    def press(self, messages: list[Call], title: str) -> list[Call]:
        buttons = [b for m in messages for row in (m.params.get("reply_markup") or {}).get("inline_keyboard", [])
                   for b in row]
        chosen = [b for b in buttons if b["text"] == title or b["text"] == "✓ " + title]
        assert chosen, f"no button {title!r} in {[b['text'] for b in buttons]}"
        return self.say(updates.callback(CHAT, chosen[0]["callback_data"], "fa"))


def _text(messages: list[Call]) -> str:
    return "\n\n".join(html.unescape(str(m.params["text"])) for m in messages)


@pytest.fixture(scope="module")
def world(trained_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    api = FakeBotApi().start()
    settings = replace(trained_settings, rasa_port=free_port(), actions_port=free_port(),
                       state_dir=tmp_path_factory.mktemp("handoff"), telegram_token=api.token,
                       telegram_api_url=api.url, telegram_webhook_url=None, telegram_webhook_secret="",
                       desk_url=f"http://127.0.0.1:{free_port()}")
    stack = Stack(settings, quiet=not os.environ.get("WEGWEISER_TEST_LOGS"), with_desk=True)
    stack.start()
    deadline = time.monotonic() + 60
    while not api.calls_of("getUpdates") and time.monotonic() < deadline:
        time.sleep(0.2)
    with session_scope(get_engine(database_url(settings))) as session:
        create_user(session, "lena", PASSWORD, regions=["bielefeld"], display_name="Lena Schulte")
    try:
        yield World(api, stack)
    finally:
        stack.stop()
        api.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's Chromium is not installed: `apt-get install -y chromium` (./wegweiser test does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            yield browser.new_page(locale="de-DE")
        finally:
            browser.close()


def test_persian_newcomer_to_bielefeld_case_manager_and_back(world: World, page: Page) -> None:
    # --- the newcomer, on Telegram, in Persian
    consent = world.say(updates.text(CHAT, "سلام، می‌خواهم با یک مشاور صحبت کنم", "fa"))
    assert DETECTOR.detect(_text(consent)).language == "fa"
    region = world.press(consent, _("Yes, I agree"))
    areas = world.press(region, "Bielefeld")
    areas = world.press(areas, area_label(LifeArea.RESIDENCE, "fa"))
    areas = world.press(areas, area_label(LifeArea.HOUSING, "fa"))
    description = world.press(areas, _("Done"))
    assert DETECTOR.detect(_text(description)).language == "fa"  # "describe briefly ..." in Persian
    problem = "اجازه اقامتم ماه دیگر تمام می‌شود و صاحبخانه هم می‌خواهد قرارداد را تمدید نکند"
    contact = world.say(updates.text(CHAT, problem, "fa"))
    language = world.press(contact, _("Here in this chat"))
    deadline = world.press(language, autonym("fa"))
    name = world.press(deadline, _("No deadline"))
    assert _("Skip") in str(name[-1].params.get("reply_markup"))  # the name is optional
    summary = world.say(updates.text(CHAT, "مریم", "fa"))
    assert problem in _text(summary)
    done = world.press(summary, _("Send"))
    number = next(word for word in _text(done).split() if word.startswith("BI-")).strip(".،")
    with session_scope(get_engine(database_url(world.stack.settings))) as session:
        ticket = get_ticket(session, number)
        assert ticket.telegram_chat_id == str(CHAT) and ticket.person_name == "مریم"

    # --- the case manager, in the desk
    desk = world.stack.settings.desk_url
    page.goto(f"{desk}/tickets")
    page.fill("#username", "lena")
    page.fill("#password", "falsch")
    page.click("#login")
    expect(page.locator(".flash.error")).to_be_visible()
    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page.locator(f"#tickets tbody tr[data-number='{number}']")).to_be_visible()
    page.click(f"text={number}")
    summary_box = page.locator("#summary")
    for german in ("Bielefeld", "Persisch", "Aufenthalt", "Wohnen", "مریم"):
        expect(summary_box).to_contain_text(german)
    expect(page.locator("#description")).to_have_text(problem)
    page.click("#claim")
    expect(page.locator("#status")).to_have_text("In Bearbeitung")
    since = len(world.api.sent(CHAT))
    page.fill("#reply-text", "Guten Tag, ich rufe Sie morgen um 10 Uhr mit einer Dolmetscherin an.")
    page.click("#send-reply")
    expect(page.locator(".flash.ok")).to_have_text("Antwort gesendet.")

    # --- the reply arrives in the person's chat, with the line saying who writes
    arrived = world.api.wait_for_messages(CHAT, since, 1)
    assert _text(arrived) == (f"{case_manager_prefix('fa')}\n\n"
                              "Guten Tag, ich rufe Sie morgen um 10 Uhr mit einer Dolmetscherin an.")

    # --- the person's answer goes to the desk; the assistant stays silent
    silent = world.say(updates.text(CHAT, "خیلی ممنون، منتظر تماس شما هستم", "fa"), count=0)
    assert silent == []
    answer = page.locator("#transcript .msg.author-person .text", has_text="منتظر تماس شما هستم")
    expect(answer).to_be_visible(timeout=15_000)
    assert answer.evaluate("e => getComputedStyle(e).direction") == "rtl"

    # --- resolving hands the conversation back to the assistant, which tells the person
    since = len(world.api.sent(CHAT))
    page.click("#resolve")
    expect(page.locator("#status")).to_have_text("Erledigt")
    assert _text(world.api.wait_for_messages(CHAT, since, 1)) == hand_back_text("fa")
    again = world.say(updates.text(CHAT, "کلاس زبان آلمانی در بیله‌فلد کجاست؟", "fa"))
    assert again and DETECTOR.detect(_text(again)).language == "fa"
