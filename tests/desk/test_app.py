"""The desk over the real tickets database (SQLite and PostgreSQL) with aiohttp's test client."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.desk.sessions import SessionStore
from bot.settings import Settings
from bot.tickets.db import session_scope
from bot.tickets.repository import REMOVED, ConversationRef, add_message, get_ticket
from bot.tickets.vocab import Author, Status, Urgency
from tests.channels.fake_bot_api import FakeBotApi
from tests.desk.conftest import PASSWORD, Browser, run_desk
from tests.tickets.conftest import NOW, open_example

CHAT = 777000111


def seed(engine: Engine, key: str, **overrides: object) -> str:
    """Open a ticket and return its number."""
    with session_scope(engine) as session:
        return open_example(session, key, **overrides).ticket.number  # type: ignore[arg-type]


def ticket(engine: Engine, number: str):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return get_ticket(session, number)


# --- login, sessions, CSRF ------------------------------------------------------------------------

def test_health(desk_settings: Settings, engine: Engine) -> None:
    async def scenario(b: Browser) -> None:
        response = await b.get("/health")
        assert response.status == 200
        assert (await response.json()) == {"status": "ok"}

    run_desk(desk_settings, engine, scenario)


def test_login_ok_sets_a_safe_cookie_and_shows_the_list(desk_settings: Settings, accounts: Engine) -> None:
    async def scenario(b: Browser) -> None:
        await b.get("/tickets")
        assert "/login" in b.text and 'name="password"' in b.text  # not logged in: the login form
        anonymous = b.cookie()
        response = await b.login("anna")
        assert response.status == 200 and str(response.url).endswith("/tickets")
        assert "Anna Albers" in b.text and "Vorgänge" in b.text
        assert b.cookie() != anonymous  # a new session id after the login (no session fixation)
        set_cookie = response.history[0].headers["Set-Cookie"]
        assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]

    run_desk(desk_settings, accounts, scenario)


def test_wrong_password_and_unknown_user_get_the_same_german_message(desk_settings: Settings,
                                                                    accounts: Engine) -> None:
    async def scenario(b: Browser) -> None:
        for user in ("anna", "niemand"):
            response = await b.login(user, "falsch-falsch")
            assert response.status == 401
            assert "Benutzername oder Passwort ist falsch." in b.text
        await b.get("/tickets")
        assert 'name="password"' in b.text  # still not logged in

    run_desk(desk_settings, accounts, scenario)


def test_lockout_after_five_failures_even_with_the_right_password(desk_settings: Settings,
                                                                 accounts: Engine) -> None:
    async def scenario(b: Browser) -> None:
        for _ in range(4):
            await b.login("anna", "falsch-falsch")
            assert "Benutzername oder Passwort ist falsch." in b.text
        await b.login("anna", "falsch-falsch")
        assert b.status == 401 and "Zu viele Fehlversuche" in b.text and "gesperrt" in b.text
        await b.login("anna", PASSWORD)
        assert b.status == 401 and "gesperrt" in b.text
        other = await b.login("bernd")  # other accounts are not affected
        assert other.status == 200 and "bernd" in b.text

    run_desk(desk_settings, accounts, scenario)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_session_expires_after_the_idle_time(desk_settings: Settings, accounts: Engine) -> None:
    clock = Clock()
    store = SessionStore(idle_seconds=30 * 60, clock=clock)

    async def scenario(b: Browser) -> None:
        await b.login("anna")
        clock.now += 29 * 60
        await b.get("/tickets")
        assert "Anna Albers" in b.text  # activity restarts the idle time
        clock.now += 29 * 60
        await b.get("/tickets")
        assert "Anna Albers" in b.text
        clock.now += 31 * 60
        response = await b.get("/tickets")
        assert str(response.url).split("?")[0].endswith("/login")
        assert "Ihre Sitzung ist abgelaufen" in b.text
        # a form sent with the expired session is not carried out either
        csrf = b.csrf
        await b.login("anna")
        clock.now += 31 * 60
        await b.post("/logout", {"csrf": csrf})
        assert "Ihre Sitzung ist abgelaufen" in b.text

    run_desk(desk_settings, accounts, scenario, store=store)


def test_post_without_or_with_a_wrong_csrf_token_is_refused(desk_settings: Settings, accounts: Engine) -> None:
    number = seed(accounts, "s:1")

    async def scenario(b: Browser) -> None:
        await b.login("anna")
        await b.get(f"/tickets/{number}")
        response = await b.post(f"/tickets/{number}/notes", {"text": "ohne Token"}, csrf=False)
        assert response.status == 403 and "Sicherheitsprüfung fehlgeschlagen" in b.text
        response = await b.post(f"/tickets/{number}/claim", {"csrf": "geraten"})
        assert response.status == 403
        response = await b.post("/login", {"username": "anna", "password": PASSWORD}, csrf=False)
        assert response.status == 403

    run_desk(desk_settings, accounts, scenario)
    t = ticket(accounts, number)
    assert t.notes == [] and t.status == Status.NEW.value and t.assigned_to is None


def test_logout_ends_the_session(desk_settings: Settings, accounts: Engine) -> None:
    async def scenario(b: Browser) -> None:
        await b.login("anna")
        old = b.cookie()
        await b.post("/logout")
        assert "Sie sind abgemeldet." in b.text
        b.client.session.cookie_jar.update_cookies({"wegweiser_desk": old or ""})
        await b.get("/tickets")
        assert 'name="password"' in b.text  # the old session id is worthless

    run_desk(desk_settings, accounts, scenario)


# --- what a case manager sees ------------------------------------------------------------------------

def test_a_case_manager_sees_only_the_tickets_of_her_regions(desk_settings: Settings, accounts: Engine) -> None:
    bielefeld = seed(accounts, "s:1")
    gelsenkirchen = seed(accounts, "s:2", region="gelsenkirchen", sender="sender-2")

    async def scenario(anna: Browser, gero: Browser, chefin: Browser) -> None:
        await anna.login("anna")
        await anna.get("/tickets")
        assert bielefeld in anna.text and gelsenkirchen not in anna.text
        for path in (f"/tickets/{gelsenkirchen}", f"/tickets/{gelsenkirchen}/messages"):
            assert (await anna.get(path)).status == 404
        assert "gehört nicht zu Ihren Regionen" in (await anna.get(f"/tickets/{gelsenkirchen}") and anna.text)
        await anna.get(f"/tickets/{bielefeld}")
        for action in ("claim", "resolve", "notes", "reply", "delete-data"):
            response = await anna.post(f"/tickets/{gelsenkirchen}/{action}", {"text": "x", "confirm": "yes"})
            assert response.status == 404, action
        await anna.get("/tickets?region=gelsenkirchen")  # a filter cannot widen the regions
        assert gelsenkirchen not in anna.text
        await gero.login("gero")
        await gero.get("/tickets")
        assert gelsenkirchen in gero.text and bielefeld not in gero.text
        await chefin.login("chefin")
        await chefin.get("/tickets")
        assert gelsenkirchen in chefin.text and bielefeld in chefin.text
        assert (await chefin.get(f"/tickets/{gelsenkirchen}")).status == 200

    run_desk(desk_settings, accounts, scenario, browsers=3)
    t = ticket(accounts, gelsenkirchen)
    assert t.status == Status.NEW.value and t.notes == [] and t.description != REMOVED


def test_list_urgent_first_then_oldest_and_filters(desk_settings: Settings, accounts: Engine) -> None:
    old = seed(accounts, "s:1", now=NOW)
    urgent = seed(accounts, "s:2", sender="sender-2", urgency=Urgency.URGENT, language="ar",
                  now=NOW + timedelta(days=2), description="أحتاج مساعدة عاجلة")
    newer = seed(accounts, "s:3", sender="sender-3", now=NOW + timedelta(days=1), language="uk")
    with session_scope(accounts) as session:
        from bot.tickets.repository import resolve
        resolve(session, newer, "anna")

    async def scenario(b: Browser) -> None:
        await b.login("anna")
        await b.get("/tickets?status=all")
        assert b.text.index(urgent) < b.text.index(old) < b.text.index(newer)
        assert 'dir="auto"' in b.text and "أحتاج مساعدة عاجلة" in b.text
        await b.get("/tickets")  # default: open tickets only
        assert urgent in b.text and old in b.text and newer not in b.text
        await b.get("/tickets?status=all&urgency=urgent")
        assert urgent in b.text and old not in b.text and newer not in b.text
        await b.get("/tickets?status=all&language=uk")
        assert newer in b.text and old not in b.text and urgent not in b.text
        await b.get("/tickets?status=resolved")
        assert newer in b.text and old not in b.text
        await b.get("/tickets?status=all&region=bielefeld")
        assert all(n in b.text for n in (old, urgent, newer))
        response = await b.get("/tickets?status=<script>&urgency=bogus&language=xx")
        assert response.status == 200 and "<script>" not in b.text  # unknown values: ignored, escaped
        await b.get("/tickets?status=closed")
        assert "Keine Vorgänge" in b.text

    run_desk(desk_settings, accounts, scenario)


def test_ticket_page_shows_the_german_summary_transcript_rtl_and_escapes(desk_settings: Settings,
                                                                         accounts: Engine) -> None:
    number = seed(accounts, "s:1", description='<script>alert("x")</script> صاحبخانه')

    async def scenario(b: Browser) -> None:
        await b.login("anna")
        await b.get(f"/tickets/{number}")
        for german in ("Wohnen", "Geld und Leistungen", "Persisch (Farsi/Dari)", "Neu", "Bielefeld",
                       "Wohnung und Wohnen"):  # the topic by its German title, not its id
            assert german in b.text
        assert "<script>alert" not in b.text and "&lt;script&gt;" in b.text
        assert '<div class="text" dir="auto">سلام، کمک لازم دارم</div>' in b.text
        assert "Änderungsprotokoll" in b.text
        response = await b.get("/tickets/XX-0000-000000")
        assert response.status == 404 and "existiert nicht" in b.text
        assert (await b.get("/tickets/" + "A" * 300)).status == 404

    run_desk(desk_settings, accounts, scenario)


# --- claim, reply, resolve, notes, delete ------------------------------------------------------------

def test_claim_reply_resolve_over_telegram(desk_settings: Settings, accounts: Engine, fake_api: FakeBotApi) -> None:
    number = seed(accounts, "s:1")

    async def scenario(anna: Browser, bernd: Browser) -> None:
        await anna.login("anna")
        await anna.get(f"/tickets/{number}")
        assert 'id="reply-text"' not in anna.text  # no reply before claiming
        await anna.post(f"/tickets/{number}/reply", {"text": "Hallo"})
        assert "Bitte übernehmen Sie den Vorgang zuerst" in anna.text
        await anna.post(f"/tickets/{number}/claim")
        assert "Sie bearbeiten den Vorgang jetzt" in anna.text and "In Bearbeitung" in anna.text
        audit = anna.text[anna.text.index('id="audit"'):]
        assert "<td>Zuständig</td><td></td><td>anna</td>" in audit.replace("<td dir=\"auto\">", "<td>")
        assert "<td>Status</td><td>Neu</td><td>In Bearbeitung</td>" in audit.replace("<td dir=\"auto\">", "<td>")
        await bernd.login("bernd")
        await bernd.get(f"/tickets/{number}")
        assert "Übernehmen (von anna)" in bernd.text
        await anna.post(f"/tickets/{number}/reply", {"text": "Termin am <b>Montag</b> & 10 Uhr"})
        assert "Antwort gesendet." in anna.text
        assert "Termin am &lt;b&gt;Montag&lt;/b&gt; &amp; 10 Uhr" in anna.text
        assert "Wartet auf Rückmeldung der Person" in anna.text
        assert "Zustellung an die Person" in anna.text and "zugestellt (Telegram)" in anna.text
        data = await (await anna.client.get(f"/tickets/{number}/messages?after=0")).json()
        assert data["messages"][-1]["text"] == "Termin am <b>Montag</b> & 10 Uhr"
        await anna.post(f"/tickets/{number}/resolve")
        assert "Vorgang erledigt" in anna.text and "Erledigt" in anna.text
        await anna.post(f"/tickets/{number}/resolve")
        assert "bereits erledigt" in anna.text

    run_desk(desk_settings, accounts, scenario, browsers=2)
    sent = fake_api.sent(CHAT)
    assert len(sent) == 2
    assert sent[0].params["text"] == "پیام از مسئول پرونده‌ی شما:\n\nTermin am &lt;b&gt;Montag&lt;/b&gt; &amp; 10 Uhr"
    assert sent[0].params["parse_mode"] == "HTML"
    assert "دوباره دستیار" in sent[1].params["text"]  # the hand-back, in Persian
    t = ticket(accounts, number)
    assert t.status == Status.RESOLVED.value and t.assigned_to == "anna"
    assert [m.author for m in t.messages][-2:] == [Author.CASE_MANAGER.value, Author.ASSISTANT.value]


def test_claim_conflict_and_take_over(desk_settings: Settings, accounts: Engine) -> None:
    number = seed(accounts, "s:1")

    async def scenario(anna: Browser, bernd: Browser) -> None:
        await anna.login("anna")
        await bernd.login("bernd")
        await anna.get(f"/tickets/{number}")
        await bernd.get(f"/tickets/{number}")
        await anna.post(f"/tickets/{number}/claim")
        await bernd.post(f"/tickets/{number}/claim")  # the form without force: a colleague was faster
        assert "bearbeitet diesen Vorgang bereits" in bernd.text
        assert 'id="resolve"' not in bernd.text
        await bernd.post(f"/tickets/{number}/resolve")  # not a colleague's held ticket
        assert "anna bearbeitet diesen Vorgang" in bernd.text
        await bernd.post(f"/tickets/{number}/claim", {"force": "1"})
        assert "Sie bearbeiten den Vorgang jetzt" in bernd.text

    run_desk(desk_settings, accounts, scenario, browsers=2)
    assert ticket(accounts, number).assigned_to == "bernd"


def test_bad_replies_get_a_clear_german_message(desk_settings: Settings, accounts: Engine,
                                               fake_api: FakeBotApi) -> None:
    number = seed(accounts, "s:1")

    async def scenario(b: Browser) -> None:
        await b.login("anna")
        await b.get(f"/tickets/{number}")
        await b.post(f"/tickets/{number}/claim")
        await b.post(f"/tickets/{number}/reply", {"text": "   \n "})
        assert "Die Antwort ist leer" in b.text
        await b.post(f"/tickets/{number}/reply", {"text": "x" * 4001})
        assert "Die Antwort ist zu lang (4001 Zeichen, höchstens 4000)" in b.text
        response = await b.post(f"/tickets/{number}/reply", {"text": "x" * 400_000})
        assert response.status == 413 and "Die Eingabe ist zu groß." in b.text
        await b.get(f"/tickets/{number}")
        response = await b.post("/tickets/XX-1/reply", {"text": "Hallo"})
        assert response.status == 404 and "existiert nicht" in b.text

    run_desk(desk_settings, accounts, scenario)
    assert fake_api.sent(CHAT) == []
    assert [m.author for m in ticket(accounts, number).messages] == [Author.PERSON.value, Author.ASSISTANT.value]


def test_undelivered_reply_is_kept_and_marked(desk_settings: Settings, accounts: Engine, fake_api: FakeBotApi,
                                             caplog: pytest.LogCaptureFixture) -> None:
    number = seed(accounts, "s:1")
    fake_api.blocked.add(CHAT)

    async def scenario(b: Browser) -> None:
        await b.login("anna")
        await b.get(f"/tickets/{number}")
        await b.post(f"/tickets/{number}/claim")
        with caplog.at_level(logging.INFO):
            await b.post(f"/tickets/{number}/reply", {"text": "Geheimer Termin"})
        assert "nicht zugestellt" in b.text and "Geheimer Termin" in b.text
        data = await (await b.client.get(f"/tickets/{number}/messages?after=0")).json()
        assert data["messages"][-1]["undelivered"] is True

    run_desk(desk_settings, accounts, scenario)
    assert str(CHAT) not in caplog.text and "Geheimer Termin" not in caplog.text
    assert "blockiert" in caplog.text


def test_messages_endpoint_for_polling(desk_settings: Settings, accounts: Engine) -> None:
    number = seed(accounts, "s:1")

    async def scenario(b: Browser) -> None:
        response = await b.client.get(f"/tickets/{number}/messages?after=0")
        assert response.status == 401
        await b.login("anna")
        data = await (await b.client.get(f"/tickets/{number}/messages?after=0")).json()
        last = data["messages"][-1]["id"]
        with session_scope(b_engine) as session:
            add_message(session, number, Author.PERSON, "جواب من")
        data = await (await b.client.get(f"/tickets/{number}/messages?after={last}")).json()
        assert [m["text"] for m in data["messages"]] == ["جواب من"]
        assert data["status_label"] == "Neu"
        assert (await b.client.get(f"/tickets/{number}/messages?after=abc")).status == 400

    b_engine = accounts
    run_desk(desk_settings, accounts, scenario)


def test_notes(desk_settings: Settings, accounts: Engine) -> None:
    number = seed(accounts, "s:1")

    async def scenario(b: Browser) -> None:
        await b.login("anna")
        await b.get(f"/tickets/{number}")
        await b.post(f"/tickets/{number}/notes", {"text": "  "})
        assert "Die Notiz ist leer." in b.text
        await b.post(f"/tickets/{number}/notes", {"text": "Rückruf am Dienstag"})
        assert "Notiz gespeichert." in b.text and "Rückruf am Dienstag" in b.text

    run_desk(desk_settings, accounts, scenario)
    assert [n.text for n in ticket(accounts, number).notes] == ["Rückruf am Dienstag"]


def test_delete_data_needs_the_holder_or_an_admin_and_a_confirmation(desk_settings: Settings,
                                                                   accounts: Engine) -> None:
    number = seed(accounts, "s:1")
    second = seed(accounts, "s:2")  # same conversation (sender-1)
    other = seed(accounts, "s:3", sender="sender-3")

    async def scenario(anna: Browser, bernd: Browser) -> None:
        await anna.login("anna")
        await bernd.login("bernd")
        await anna.get(f"/tickets/{number}")
        await anna.post(f"/tickets/{number}/claim")
        assert "Daten löschen" in anna.text
        await bernd.get(f"/tickets/{number}")
        assert 'id="delete-data"' not in bernd.text
        await bernd.post(f"/tickets/{number}/delete-data", {"confirm": "yes"})
        assert "Nur die zuständige" in bernd.text
        await anna.post(f"/tickets/{number}/delete-data")
        assert "Bitte bestätigen Sie das Löschen" in anna.text
        assert ticket(accounts, number).description != REMOVED
        await anna.post(f"/tickets/{number}/delete-data", {"confirm": "yes"})
        assert "Die Daten der Person wurden gelöscht (2 Vorgang/Vorgänge" in anna.text
        assert "Maryam" not in anna.text and REMOVED in anna.text

    run_desk(desk_settings, accounts, scenario, browsers=2)
    for n in (number, second):
        t = ticket(accounts, n)
        assert t.description == REMOVED and t.person_name is None and t.telegram_chat_id is None
        assert t.status == Status.CLOSED.value
    assert ticket(accounts, other).description != REMOVED


def test_local_chat_ticket_reply_stays_on_the_ticket(desk_settings: Settings, accounts: Engine,
                                                    fake_api: FakeBotApi) -> None:
    number = seed(accounts, "s:1", conversation=ConversationRef("local-1", "rest"))

    async def scenario(b: Browser) -> None:
        await b.login("chefin")
        await b.get(f"/tickets/{number}")
        await b.post(f"/tickets/{number}/claim")
        await b.post(f"/tickets/{number}/reply", {"text": "Hallo aus dem Amt"})
        assert "Antwort gesendet." in b.text and "nicht zugestellt" not in b.text

    run_desk(desk_settings, accounts, scenario)
    assert fake_api.calls_of("sendMessage", ok_only=False) == []


def test_a_flood_of_anonymous_sessions_does_not_log_case_managers_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.desk import sessions

    monkeypatch.setattr(sessions, "MAX_SESSIONS", 5)
    store = SessionStore(idle_seconds=600)
    logged_in = store.new(username="anna")
    for _ in range(20):
        store.new()
    assert store.get(logged_in.id) is logged_in
    assert len(store._sessions) == 5
