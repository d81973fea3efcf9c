"""Desk fixtures: a migrated database (SQLite file, then PostgreSQL), accounts, a fake Bot API, settings."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import Engine

from bot.desk.app import create_app
from bot.desk.sessions import SessionStore
from bot.settings import Settings, get_settings
from bot.tickets.accounts import create_user
from bot.tickets.db import session_scope
from tests.channels.fake_bot_api import FakeBotApi
from tests.tickets.conftest import engine, postgres_engine  # noqa: F401 - fixtures used by the desk tests

PASSWORD = "richtig-geheim-123"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    """A fake Telegram Bot API."""
    api = FakeBotApi().start()
    yield api
    api.stop()


@pytest.fixture
def desk_settings(tmp_path: Path, fake_api: FakeBotApi) -> Settings:
    """Settings whose Telegram calls go to the fake Bot API."""
    return replace(get_settings(), state_dir=tmp_path / "state", telegram_token=fake_api.token,
                   telegram_api_url=fake_api.url, desk_url="http://127.0.0.1:5080", desk_idle_minutes=30)


@pytest.fixture
def accounts(engine: Engine) -> Engine:  # noqa: F811 - the imported fixture
    """anna (Bielefeld), gero (Gelsenkirchen), bernd (Bielefeld) and the admin 'chefin'."""
    with session_scope(engine) as session:
        create_user(session, "anna", PASSWORD, regions=["bielefeld"], display_name="Anna Albers")
        create_user(session, "bernd", PASSWORD, regions=["bielefeld"])
        create_user(session, "gero", PASSWORD, regions=["gelsenkirchen"])
        create_user(session, "chefin", PASSWORD, is_admin=True)
    return engine


class Browser:
    """A test client that keeps the cookie and the last page's CSRF token, like a browser would."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""
        self.text = ""
        self.status = 0

    async def _read(self, response: ClientResponse) -> ClientResponse:
        self.status = response.status
        self.text = await response.text()
        found = CSRF.search(self.text)
        if found:
            self.csrf = found.group(1)
        return response

    async def get(self, path: str, **kwargs: Any) -> ClientResponse:
        """GET a page (following redirects)."""
        return await self._read(await self.client.get(path, **kwargs))

    async def post(self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True,
                   **kwargs: Any) -> ClientResponse:
        """POST a form with the current CSRF token (unless csrf=False)."""
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf", self.csrf)
        return await self._read(await self.client.post(path, data=form, **kwargs))

    async def login(self, username: str, password: str = PASSWORD) -> ClientResponse:
        """Open the login page and log in."""
        await self.get("/login")
        return await self.post("/login", {"username": username, "password": password})

    def cookie(self) -> str | None:
        """The session cookie's value."""
        for cookie in self.client.session.cookie_jar:
            if cookie.key == "wegweiser_desk":
                return cookie.value
        return None


Scenario = Callable[..., Awaitable[None]]


def run_desk(settings: Settings, engine: Engine, scenario: Scenario, *, browsers: int = 1,  # noqa: F811
             store: SessionStore | None = None) -> None:
    """Serve the desk on a test server and run the scenario with that many independent browsers."""

    async def main() -> None:
        server = TestServer(create_app(settings, engine, store))
        clients = [TestClient(server) for _ in range(browsers)]
        await server.start_server()
        try:
            for client in clients:
                await client.start_server()
            await scenario(*[Browser(c) for c in clients])
        finally:
            for client in clients:
                await client.close()
            await server.close()

    asyncio.run(main())
