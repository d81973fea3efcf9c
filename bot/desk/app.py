"""The case managers' desk: log in, see the tickets of one's regions, claim, reply, resolve.

aiohttp with Jinja2 templates (autoescaped); the database work runs in threads. The desk speaks
German: it is for municipal staff, not for newcomers (what the person reads goes through gettext
in `bot.tickets.relay`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.desk.sessions import DeskSession, SessionStore
from bot.knowledge.loader import load_knowledge
from bot.settings import Settings
from bot.tickets import relay
from bot.tickets.accounts import LoginOutcome, verify_login, visible_regions
from bot.tickets.db import database_url, get_engine, session_scope
from bot.tickets.models import CaseManager, Ticket
from bot.tickets.repository import (
    AlreadyClaimedError,
    InvalidTransitionError,
    TicketNotFoundError,
    add_note,
    claim,
    get_ticket,
    list_tickets,
    pseudonymise_ticket,
    resolve,
    set_status,
    undelivered_message_ids,
)
from bot.tickets.summary import life_area_labels, local_time, summary_rows
from bot.tickets.vocab import (
    HELD_STATUSES,
    OPEN_STATUSES,
    REGION_LABELS,
    Author,
    NotificationStatus,
    Status,
    Urgency,
    language_label,
    language_labels,
    region_label,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "wegweiser_desk"
MAX_REPLY = 4000  # characters of one reply (Telegram takes 4096 per message, with our prefix)
MAX_NOTE = 10_000
MAX_FORM_BYTES = 256 * 1024
LIST_LIMIT = 500
POLL_SECONDS = 4

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

ERROR_TEXTS = {
    400: "Die Anfrage ist ungültig.",
    403: "Zugriff verweigert.",
    404: "Diese Seite oder dieser Vorgang existiert nicht (oder gehört nicht zu Ihren Regionen).",
    405: "Diese Aktion ist so nicht möglich.",
    413: "Die Eingabe ist zu groß.",
}


@dataclass(frozen=True)
class User:
    """The logged-in case manager, reloaded from the database on every request."""

    username: str
    display_name: str
    is_admin: bool
    regions: frozenset[str] | None  # None: all (admin)

    @classmethod
    def of(cls, account: CaseManager) -> User:
        """From the account row."""
        return cls(account.username, account.display_name or account.username, bool(account.is_admin),
                   visible_regions(account))


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Desk:
    """The desk application's state and request handlers."""

    def __init__(self, settings: Settings, engine: Engine | None = None, store: SessionStore | None = None) -> None:
        self.settings = settings
        self.engine = engine or get_engine(database_url(settings))
        self.store = store or SessionStore(idle_seconds=settings.desk_idle_minutes * 60)
        self.secure_cookie = urlsplit(settings.desk_url).scheme == "https"
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "templates")),
            autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
            undefined=jinja2.StrictUndefined,
        )

    # --- plumbing ---------------------------------------------------------------------------

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application(client_max_size=MAX_FORM_BYTES,
                              middlewares=[self._headers, self._errors, self._sessions])
        app.router.add_get("/health", self.health)
        app.router.add_static("/static", str(HERE / "static"), append_version=True)
        app.router.add_get("/", self.index)
        app.router.add_get("/login", self.login_page)
        app.router.add_post("/login", self.login)
        app.router.add_post("/logout", self.logout)
        app.router.add_get("/tickets", self.ticket_list)
        app.router.add_get("/tickets/{number}", self.ticket_page)
        app.router.add_get("/tickets/{number}/messages", self.ticket_messages)
        app.router.add_post("/tickets/{number}/claim", self.claim)
        app.router.add_post("/tickets/{number}/reply", self.reply)
        app.router.add_post("/tickets/{number}/resolve", self.resolve)
        app.router.add_post("/tickets/{number}/notes", self.note)
        app.router.add_post("/tickets/{number}/delete-data", self.delete_data)
        return app

    def render(self, request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
        """A page; every page gets the user, the CSRF token and the pending messages."""
        session: DeskSession | None = request.get("session")
        user: User | None = request.get("user")
        page = self.templates.get_template(template).render(
            user=user, csrf=session.csrf if session else "", flash=session.take_flash() if session else [],
            **context)
        return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")

    def _set_cookie(self, response: web.StreamResponse, session: DeskSession) -> None:
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="Strict", secure=self.secure_cookie,
                            path="/")

    async def db(self, work: Callable[..., Any], *args: Any) -> Any:
        """Run `work(session, *args)` in a unit of work, in a thread."""
        def run() -> Any:
            with session_scope(self.engine) as session:
                return work(session, *args)
        return await asyncio.to_thread(run)

    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            if request.path.endswith("/messages") or request.path == "/health":
                raise
            response = self.render(request, "error.html", status=exc.status,
                                   message=ERROR_TEXTS.get(exc.status, exc.reason))
            if exc.status == 405 and exc.headers.get("Allow"):
                response.headers["Allow"] = exc.headers["Allow"]
            return response
        except Exception:
            log.exception("desk: error while handling %s %s", request.method, request.path)
            return self.render(request, "error.html", status=500,
                               message="Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es erneut.")

    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @web.middleware
    async def _sessions(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/health" or request.path.startswith("/static/"):
            return await handler(request)
        session_id = request.cookies.get(COOKIE)
        expired = self.store.expired(session_id)
        session = self.store.get(session_id)
        request["session"] = session
        request["expired"] = expired
        if session is not None and session.username:
            user = await self.db(_load_user, session.username)
            if user is None:  # the account was deleted meanwhile
                self.store.drop(session.id)
                request["session"] = session = None
            request["user"] = user
        if request.method == "POST":
            form = await request.post()
            token = form.get("csrf")
            if session is None:
                if expired:
                    raise self._to_login(request, "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.")
                raise web.HTTPForbidden(reason="Sicherheitsprüfung fehlgeschlagen")
            if not session.check_csrf(token if isinstance(token, str) else None):
                log.warning("desk: POST %s refused: CSRF token missing or wrong", request.path)
                return self.render(request, "error.html", status=403,
                                   message="Sicherheitsprüfung fehlgeschlagen (ungültiges Formular-Token). "
                                           "Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.")
        return await handler(request)

    def _to_login(self, request: web.Request, message: str | None = None) -> web.HTTPSeeOther:
        current: DeskSession | None = request.get("session")
        session = current if current is not None and current.username is None else self.store.new()
        if message:
            session.say("error", message)
        target = request.path_qs if request.method == "GET" and request.path.startswith("/tickets") else ""
        location = "/login" + (f"?{urlencode({'next': target})}" if target else "")
        response = web.HTTPSeeOther(location)
        self._set_cookie(response, session)
        return response

    def _user(self, request: web.Request) -> User:
        user: User | None = request.get("user")
        if user is None:
            expired = request.get("expired", False)
            raise self._to_login(request, "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
                                 if expired else None)
        return user

    @staticmethod
    def _session(request: web.Request) -> DeskSession:
        session: DeskSession = request["session"]
        return session

    # --- pages -----------------------------------------------------------------------------

    async def health(self, request: web.Request) -> web.Response:
        """200 while the desk and its database answer."""
        await self.db(lambda session: session.execute(select(1)).scalar_one())
        return web.json_response({"status": "ok"})

    async def index(self, request: web.Request) -> web.Response:
        """The ticket list."""
        self._user(request)
        raise web.HTTPSeeOther("/tickets")

    async def login_page(self, request: web.Request) -> web.Response:
        """The login form (starts an anonymous session for its CSRF token)."""
        if request.get("user") is not None:
            raise web.HTTPSeeOther("/tickets")
        session = request.get("session") or self.store.new()
        request["session"] = session
        response = self.render(request, "login.html", next=_safe_next(request.query.get("next")), username="")
        self._set_cookie(response, session)
        return response

    async def login(self, request: web.Request) -> web.Response:
        """Check the password; a new session id after a successful login."""
        form = await request.post()
        username = str(form.get("username") or "").strip()[:150]
        password = str(form.get("password") or "")
        next_url = _safe_next(str(form.get("next") or ""))
        if not username or not password or len(password) > 1024:
            self._session(request).say("error", "Bitte Benutzername und Passwort eingeben.")
            return self.render(request, "login.html", status=400, next=next_url, username=username)
        result = await self.db(_login, username, password)
        if result is None:
            session = self.store.new(username=username)
            self.store.drop(self._session(request).id)
            log.info("desk: %s logged in", username)
            response = web.HTTPSeeOther(next_url or "/tickets")
            self._set_cookie(response, session)
            raise response
        outcome, locked_until = result
        if outcome is LoginOutcome.LOCKED:
            until = local_time(locked_until).split(", ")[1] if locked_until else ""
            message = (f"Zu viele Fehlversuche: Das Konto ist bis {until} Uhr gesperrt. "
                       "Bitte versuchen Sie es später erneut oder wenden Sie sich an die Administration.")
            log.warning("desk: login refused, account locked")
        else:
            message = "Benutzername oder Passwort ist falsch."
            log.info("desk: failed login")
        self._session(request).say("error", message)
        return self.render(request, "login.html", status=401, next=next_url, username=username)

    async def logout(self, request: web.Request) -> web.Response:
        """End the session."""
        session = request.get("session")
        if session is not None:
            self.store.drop(session.id)
        fresh = self.store.new()
        fresh.say("ok", "Sie sind abgemeldet.")
        response = web.HTTPSeeOther("/login")
        self._set_cookie(response, fresh)
        raise response

    async def ticket_list(self, request: web.Request) -> web.Response:
        """The tickets of the user's regions, filtered; urgent first, then oldest first."""
        user = self._user(request)
        query = request.query
        regions = sorted(user.regions) if user.regions is not None else list(REGION_LABELS)
        status = query.get("status") or "open"
        statuses: Collection[Status] | None
        if status == "open":
            statuses = OPEN_STATUSES
        elif status == "all":
            statuses = None
        elif status in {s.value for s in Status}:
            statuses = [Status(status)]
        else:
            status, statuses = "open", OPEN_STATUSES
        urgency = query.get("urgency") if query.get("urgency") in {u.value for u in Urgency} else ""
        region = query.get("region") if query.get("region") in regions else ""
        language = query.get("language") if query.get("language") in language_labels() else ""
        rows = await self.db(_list_rows, statuses, urgency or None, region or None, language or None,
                             user.regions)
        filters = {"status": status, "urgency": urgency, "region": region, "language": language}
        return self.render(
            request, "list.html", tickets=rows, filters=filters, limit=LIST_LIMIT,
            status_options=[("open", "Offen"), ("all", "Alle")] + [(s.value, s.label) for s in Status],
            urgency_options=[(u.value, u.label) for u in Urgency],
            region_options=[(r, region_label(r)) for r in regions],
            language_options=list(language_labels().items()))

    async def ticket_page(self, request: web.Request) -> web.Response:
        """One ticket: summary, description, transcript, notes, audit log, actions."""
        user = self._user(request)
        view = await self._view(request, user)
        return self.render(request, "ticket.html", t=view, poll_seconds=POLL_SECONDS, max_reply=MAX_REPLY)

    async def ticket_messages(self, request: web.Request) -> web.Response:
        """The transcript messages after `after` (for the page's polling), with the current status."""
        user: User | None = request.get("user")
        if user is None:
            return web.json_response({"error": "Sitzung abgelaufen"}, status=401)
        try:
            after = int(request.query.get("after", "0"))
        except ValueError:
            return web.json_response({"error": "after muss eine Zahl sein"}, status=400)
        number = request.match_info["number"]
        try:
            view = await self.db(_ticket_view, number, user)
        except TicketNotFoundError:
            return web.json_response({"error": "unbekannter Vorgang"}, status=404)
        return web.json_response({
            "status": view["status"], "status_label": view["status_label"],
            "messages": [m for m in view["messages"] if m["id"] > after]})

    async def _view(self, request: web.Request, user: User) -> dict[str, Any]:
        number = request.match_info["number"]
        try:
            names = await asyncio.to_thread(topic_names, self.settings.knowledge_dir)
            return dict(await self.db(_ticket_view, number, user, names))
        except TicketNotFoundError:
            raise web.HTTPNotFound() from None

    def _back(self, number: str) -> web.HTTPSeeOther:
        return web.HTTPSeeOther(f"/tickets/{number}")

    # --- actions ---------------------------------------------------------------------------

    async def claim(self, request: web.Request) -> web.Response:
        """Take the ticket (force: take it over from a colleague)."""
        user = self._user(request)
        number = request.match_info["number"]
        form = await request.post()
        session = self._session(request)
        try:
            await self.db(lambda s: claim(s, number, user.username, allowed_regions=user.regions,
                                          force=form.get("force") == "1"))
            session.say("ok", "Sie bearbeiten den Vorgang jetzt. Der Assistent schweigt, solange Sie ihn halten.")
        except TicketNotFoundError:
            raise web.HTTPNotFound() from None
        except AlreadyClaimedError:
            session.say("error", "Eine Kollegin oder ein Kollege bearbeitet diesen Vorgang bereits. "
                                 "Mit „Übernehmen“ können Sie ihn an sich ziehen.")
        except InvalidTransitionError:
            session.say("error", "Dieser Vorgang ist geschlossen und kann nicht mehr übernommen werden.")
        raise self._back(number)

    async def reply(self, request: web.Request) -> web.Response:
        """Send the case manager's reply to the person (recorded on the ticket in any case)."""
        user = self._user(request)
        number = request.match_info["number"]
        session = self._session(request)
        text = await _posted_text(request)
        view = await self._view(request, user)
        if not text:
            session.say("error", "Die Antwort ist leer: bitte einen Text eingeben.")
        elif len(text) > MAX_REPLY:
            session.say("error", f"Die Antwort ist zu lang ({len(text)} Zeichen, höchstens {MAX_REPLY}). "
                                 "Bitte kürzen oder auf mehrere Nachrichten verteilen.")
        elif view["assigned_to"] != user.username or view["status"] not in {s.value for s in HELD_STATUSES}:
            session.say("error", "Bitte übernehmen Sie den Vorgang zuerst, dann können Sie antworten.")
        else:
            delivered = await relay.deliver_to_person(self.settings, number, text, user.username,
                                                      engine=self.engine)
            await self.db(_mark_waiting, number, user.username)
            if delivered:
                session.say("ok", "Antwort gesendet.")
            else:
                session.say("error", "Antwort gespeichert, aber nicht zugestellt: Die Person hat sie nicht "
                                     "erhalten. Bitte auf anderem Weg Kontakt aufnehmen.")
        raise self._back(number)

    async def resolve(self, request: web.Request) -> web.Response:
        """Mark the ticket resolved and hand the conversation back to the assistant."""
        user = self._user(request)
        number = request.match_info["number"]
        session = self._session(request)
        view = await self._view(request, user)
        if view["status"] not in {s.value for s in OPEN_STATUSES}:
            session.say("error", "Der Vorgang ist bereits erledigt oder geschlossen.")
            raise self._back(number)
        if view["held_by_other"] and not user.is_admin:
            session.say("error", f"{view['assigned_to']} bearbeitet diesen Vorgang. Übernehmen Sie ihn zuerst, "
                                 "wenn Sie ihn abschließen wollen.")
            raise self._back(number)
        try:
            await self.db(lambda s: resolve(s, number, user.username, allowed_regions=user.regions))
        except InvalidTransitionError:
            session.say("error", "Der Vorgang kann in seinem Status nicht erledigt werden.")
            raise self._back(number) from None
        await relay.hand_back(self.settings, number, engine=self.engine)
        session.say("ok", "Vorgang erledigt. Der Assistent antwortet der Person wieder.")
        raise self._back(number)

    async def note(self, request: web.Request) -> web.Response:
        """Add an internal note."""
        user = self._user(request)
        number = request.match_info["number"]
        session = self._session(request)
        text = await _posted_text(request)
        await self._view(request, user)  # 404 outside the user's regions
        if not text:
            session.say("error", "Die Notiz ist leer.")
        elif len(text) > MAX_NOTE:
            session.say("error", f"Die Notiz ist zu lang (höchstens {MAX_NOTE} Zeichen).")
        else:
            await self.db(lambda s: add_note(s, number, user.username, text))
            session.say("ok", "Notiz gespeichert.")
        raise self._back(number)

    async def delete_data(self, request: web.Request) -> web.Response:
        """Pseudonymise the person's data of the ticket's conversation (admin or the assigned case manager)."""
        user = self._user(request)
        number = request.match_info["number"]
        form = await request.post()
        session = self._session(request)
        view = await self._view(request, user)
        if not (user.is_admin or view["assigned_to"] == user.username):
            session.say("error", "Nur die zuständige Fallmanagerin bzw. der zuständige Fallmanager oder die "
                                 "Administration kann die Daten löschen.")
        elif form.get("confirm") != "yes":
            session.say("error", "Bitte bestätigen Sie das Löschen mit dem Häkchen.")
        elif view["pseudonymised"]:
            session.say("error", "Die Daten dieses Vorgangs sind bereits gelöscht.")
        else:
            count = await self.db(lambda s: pseudonymise_ticket(s, number, user.username))
            log.info("desk: %s pseudonymised %d ticket(s) starting from %s", user.username, count, number)
            session.say("ok", f"Die Daten der Person wurden gelöscht ({count} Vorgang/Vorgänge pseudonymisiert).")
        raise self._back(number)


# --- database work (runs in a thread, inside a unit of work) -----------------------------------

def _load_user(session: Any, username: str) -> User | None:
    account = session.execute(select(CaseManager).where(CaseManager.username == username)).scalar_one_or_none()
    return User.of(account) if account is not None else None


def _login(session: Any, username: str, password: str) -> tuple[LoginOutcome, Any] | None:
    """None when the login succeeded, else the outcome and the end of a lock."""
    result = verify_login(session, username, password)
    return None if result.ok else (result.outcome, result.locked_until)


def _list_rows(session: Any, statuses: Collection[Status] | None, urgency: str | None, region: str | None,
               language: str | None, allowed: frozenset[str] | None) -> list[dict[str, Any]]:
    tickets = list_tickets(session, statuses=statuses, urgency=urgency, region=region, language=language,
                           allowed_regions=allowed, limit=LIST_LIMIT)
    return [{
        "number": t.number, "created": local_time(t.created_at), "urgent": t.urgency == Urgency.URGENT.value,
        "urgency": Urgency(t.urgency).label, "status": Status(t.status).label, "status_id": t.status,
        "region": region_label(t.region), "language": language_label(t.language),
        "life_areas": ", ".join(life_area_labels(t.life_areas)), "assigned_to": t.assigned_to or "",
        "description": _snippet(t.description),
    } for t in tickets]


async def _posted_text(request: web.Request) -> str:
    """The `text` field of a posted form, with browser line ends made plain and outer space removed."""
    form = await request.post()
    return str(form.get("text") or "").replace("\r\n", "\n").strip()


def _snippet(text: str, length: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1] + "…"


@lru_cache(maxsize=4)
def topic_names(knowledge_dir: Path) -> dict[str, str]:
    """Topic ids → their German titles from the knowledge base (ids stay when it cannot be read)."""
    kb, _findings = load_knowledge(knowledge_dir)
    if kb is None:
        log.warning("knowledge base has errors: the desk shows topic ids instead of names")
        return {}
    return {topic: text.title for (topic, lang), text in kb.texts.items() if lang == "de"}


def _ticket_view(session: Any, number: str, user: User, names: dict[str, str] | None = None) -> dict[str, Any]:
    if len(number) > 32:
        raise TicketNotFoundError(number)
    ticket: Ticket = get_ticket(session, number, allowed_regions=user.regions)
    undelivered = undelivered_message_ids(ticket)
    status = Status(ticket.status)
    return {
        "number": ticket.number,
        "status": status.value,
        "status_label": status.label,
        "urgent": ticket.urgency == Urgency.URGENT.value,
        "assigned_to": ticket.assigned_to,
        "mine": ticket.assigned_to == user.username and status in HELD_STATUSES,
        "held_by_other": bool(ticket.assigned_to) and ticket.assigned_to != user.username
                         and status in HELD_STATUSES,
        "open": status in OPEN_STATUSES,
        "closed": status is Status.CLOSED,
        "pseudonymised": ticket.pseudonymised_at is not None,
        "may_delete": user.is_admin or ticket.assigned_to == user.username,
        "channel": ticket.channel or "",
        "summary": summary_rows(ticket, names),
        "description": ticket.description,
        "messages": [{
            "id": m.id, "author": m.author, "label": Author(m.author).label if m.author in
            {a.value for a in Author} else m.author,
            "name": m.author_name if m.author == Author.CASE_MANAGER.value else "",
            "at": local_time(m.at), "text": m.text, "undelivered": m.id in undelivered,
        } for m in ticket.messages],
        "notes": [{"author": n.author, "at": local_time(n.at), "text": n.text} for n in ticket.notes],
        "audit": [{"at": local_time(a.at), "actor": a.actor, "field": AUDIT_FIELDS.get(a.field, a.field),
                   "old": _audit_value(a.field, a.old_value), "new": _audit_value(a.field, a.new_value)}
                  for a in reversed(ticket.audit)],
    }


AUDIT_FIELDS = {
    "status": "Status", "assigned_to": "Zuständig", "urgency": "Dringlichkeit", "deadline": "Frist",
    "life_areas": "Lebensbereiche", "topics": "Themen", "team": "Team", "region": "Region",
    "language": "Sprache", "note": "Notiz", "delivery": "Zustellung an die Person",
    "notification_status": "Benachrichtigung", "pseudonymised": "Daten gelöscht",
}


def _audit_value(field: str, value: str | None) -> str:
    """An audit value in German where it is one of our ids."""
    if not value:
        return ""
    try:
        if field == "status":
            return Status(value).label
        if field == "urgency":
            return Urgency(value).label
        if field == "notification_status":
            return NotificationStatus(value).label
    except ValueError:
        return value
    if field in {"region", "team"}:
        return region_label(value)
    if field == "language":
        return language_label(value)
    if field == "life_areas":
        return ", ".join(life_area_labels([v.strip() for v in value.split(",") if v.strip()]))
    return value


def _mark_waiting(session: Any, number: str, username: str) -> None:
    """After a reply the ticket waits for the person (their answer puts it back to claimed)."""
    ticket = get_ticket(session, number)
    if ticket.status == Status.CLAIMED.value and ticket.assigned_to == username:
        set_status(session, number, Status.WAITING, username)


def _safe_next(target: str | None) -> str:
    """Only local desk paths as a redirect target after login."""
    if target and target.startswith("/tickets") and "//" not in target and "\\" not in target:
        return target
    return ""


def create_app(settings: Settings, engine: Engine | None = None, store: SessionStore | None = None) -> web.Application:
    """The desk as an aiohttp application."""
    return Desk(settings, engine, store).app()
