"""The desk in a real browser: Debian's Chromium, headless, driven by Playwright, against
`python -m bot desk serve` (a subprocess on a free port, with a temporary SQLite database and the
fake Telegram Bot API)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from bot.evaluation import free_port
from bot.runner import _healthy
from bot.settings import ROOT
from bot.tickets.accounts import create_user
from bot.tickets.db import make_engine, migrate, session_scope
from bot.tickets.relay import case_manager_prefix, hand_back_text
from bot.tickets.repository import add_message, get_ticket
from bot.tickets.vocab import Author, Urgency
from tests.channels.fake_bot_api import FakeBotApi
from tests.desk.conftest import PASSWORD
from tests.tickets.conftest import NOW, open_example

CHAT = 777000111
ARABIC = "مالك البيت يريد طردنا من الشقة قبل نهاية الشهر"


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's Chromium is not installed: `apt-get install -y chromium` (./wegweiser test does it)")
    return path


class Desk:
    def __init__(self, url: str, db_url: str, api: FakeBotApi, normal: str, urgent: str) -> None:
        self.url, self.db_url, self.api, self.normal, self.urgent = url, db_url, api, normal, urgent


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    api = FakeBotApi().start()
    db_url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    engine = make_engine(db_url)
    migrate(engine)
    with session_scope(engine) as session:
        create_user(session, "anna", PASSWORD, regions=["bielefeld"], display_name="Anna Albers")
        normal = open_example(session, "p:1", sender="p-1", now=NOW).ticket.number
        urgent = open_example(session, "p:2", sender="p-2", urgency=Urgency.URGENT, language="ar",
                              description=ARABIC, now=NOW + timedelta(hours=3)).ticket.number
        open_example(session, "p:3", sender="p-3", region="gelsenkirchen")
    engine.dispose()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "WEGWEISER_STATE_DIR": str(tmp_path / "state"), "DATABASE_URL": db_url,
           "WEGWEISER_DESK_URL": url, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url,
           "PYTHONPATH": str(ROOT)}
    log = (tmp_path / "desk.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "bot", "desk", "serve"], cwd=ROOT, env=env,
                               stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _healthy(f"{url}/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("desk did not start:\n" + (tmp_path / "desk.log").read_text(errors="replace"))
            time.sleep(0.2)
        yield Desk(url, db_url, api, normal, urgent)
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
        api.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), headless=True)
        try:
            yield browser.new_page(locale="de-DE")
        finally:
            browser.close()


def test_login_list_claim_reply_resolve_in_chromium(desk: Desk, page: Page) -> None:
    page.goto(f"{desk.url}/tickets")
    expect(page).to_have_url(f"{desk.url}/login?next=/tickets")

    page.fill("#username", "anna")
    page.fill("#password", "falsches-passwort")
    page.click("#login")
    expect(page.locator(".flash.error")).to_have_text("Benutzername oder Passwort ist falsch.")

    page.fill("#password", PASSWORD)
    page.click("#login")
    expect(page).to_have_url(f"{desk.url}/tickets")
    rows = page.locator("#tickets tbody tr")
    expect(rows).to_have_count(2)  # not the Gelsenkirchen ticket
    expect(rows.nth(0)).to_have_attribute("data-number", desk.urgent)  # urgent first, although newer
    expect(rows.nth(0)).to_contain_text("Dringend")
    expect(rows.nth(0).locator("td.snippet")).to_have_text(ARABIC)
    assert rows.nth(0).locator("td.snippet").evaluate("e => getComputedStyle(e).direction") == "rtl"
    expect(rows.nth(1)).to_have_attribute("data-number", desk.normal)

    page.click(f"text={desk.urgent}")
    expect(page.locator("h1")).to_contain_text(desk.urgent)
    expect(page.locator("#summary")).to_contain_text("Arabisch")
    expect(page.locator("#summary")).to_contain_text("Wohnen")
    description = page.locator("#description")
    expect(description).to_have_text(ARABIC)
    assert description.evaluate("e => getComputedStyle(e).direction") == "rtl"

    page.click("#claim")
    expect(page.locator("#status")).to_have_text("In Bearbeitung")

    page.fill("#reply-text", "Bitte kommen Sie am Montag um 10 Uhr ins Büro <Raum 3>.")
    page.click("#send-reply")
    expect(page.locator(".flash.ok")).to_have_text("Antwort gesendet.")
    expect(page.locator("#transcript .msg").last).to_contain_text("Bitte kommen Sie am Montag um 10 Uhr ins Büro <Raum 3>.")
    sent = desk.api.sent(CHAT)
    assert [c.params["text"] for c in sent] == [
        f"{case_manager_prefix('ar')}\n\nBitte kommen Sie am Montag um 10 Uhr ins Büro &lt;Raum 3&gt;."]

    # the person answers in the chat: the page shows it without a reload
    engine = make_engine(desk.db_url)
    with session_scope(engine) as session:
        add_message(session, desk.urgent, Author.PERSON, "شكرا جزيلا، سآتي يوم الاثنين")
    answer = page.locator("#transcript .msg.author-person .text", has_text="شكرا جزيلا")
    expect(answer).to_be_visible(timeout=15_000)
    assert answer.get_attribute("dir") == "auto"
    assert answer.evaluate("e => getComputedStyle(e).direction") == "rtl"
    expect(page.locator("#status")).to_have_text("In Bearbeitung")  # the answer put it back from waiting

    page.click("#resolve")
    expect(page.locator("#status")).to_have_text("Erledigt")
    expect(page.locator(".flash.ok")).to_contain_text("Vorgang erledigt")
    sent = desk.api.sent(CHAT)
    assert len(sent) == 2 and sent[1].params["text"] == hand_back_text("ar")
    with session_scope(engine) as session:
        assert get_ticket(session, desk.urgent).status == "resolved"
    engine.dispose()

    page.click("#logout")
    expect(page.locator(".flash.ok")).to_have_text("Sie sind abgemeldet.")
