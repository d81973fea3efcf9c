"""Run the Rasa server, the action server (and the desk) under one supervisor, with prefixed logs; Ctrl-C stops all."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import yaml

from bot.settings import CONVERSATIONS_FILE, Settings
from bot.training import model_path, rasa_env


@dataclass
class Child:
    """A supervised process."""

    name: str
    cmd: list[str]
    health_url: str
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


def _pump(child: Child, stream: object) -> None:
    for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
        line = raw.decode("utf-8", "replace").rstrip()
        if line:
            print(f"[{child.name:7}] {line}", flush=True)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost only
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class Stack:
    """The running assistant: action server and Rasa server, and with `with_desk` the case managers' desk.

    `python -m bot run` starts the desk; evaluation, bench and most test stacks do not need it (and so
    cannot collide on its port). A stack with the desk listens on the host and port of `settings.desk_url`.
    """

    def __init__(self, settings: Settings, quiet: bool = False, extra_rasa_args: Sequence[str] = (),
                 with_desk: bool = False) -> None:
        self.settings = settings
        self.quiet = quiet
        self.with_desk = with_desk
        self.first_admin_password: str | None = None
        host = settings.host
        py = sys.executable
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        endpoints = write_endpoints(settings)
        credentials = write_credentials(settings)
        self.children = [
            Child("actions", [py, "-m", "rasa_sdk", "--actions", "bot.actions", "-p", str(settings.actions_port)],
                  f"http://{host}:{settings.actions_port}/health"),
            Child("rasa", [py, "-m", "rasa", "run", "-m", str(model_path(settings)), "--enable-api",
                           "-i", host, "-p", str(settings.rasa_port), "--endpoints", str(endpoints),
                           "--credentials", str(credentials), *extra_rasa_args],
                  f"http://{host}:{settings.rasa_port}/"),
        ]
        if with_desk:
            self.children.append(Child("desk", [py, "-m", "bot", "desk", "serve"], f"{settings.desk_url}/health"))

    @property
    def rest_url(self) -> str:
        """Rasa's REST channel."""
        return f"http://{self.settings.host}:{self.settings.rasa_port}/webhooks/rest/webhook"

    def log_path(self, name: str) -> Path:
        """Where a process's output goes in quiet mode."""
        return self.settings.state_dir / f"{name}-{self.settings.rasa_port}.log"

    @property
    def telegram_webhook_url(self) -> str:
        """The Telegram channel's webhook route on this server."""
        return f"http://{self.settings.host}:{self.settings.rasa_port}/webhooks/telegram/webhook"

    def start(self, timeout: float = 240.0) -> None:
        """Start every process and wait until each answers its health check."""
        if not model_path(self.settings).is_file():
            raise SystemExit("no trained model: run `python -m bot train` (or ./wegweiser run)")
        self.prepare_tickets()
        for child in self.children:
            # quiet: each process logs to its own file in the state folder instead of the terminal
            output = (self.log_path(child.name).open("ab") if self.quiet else subprocess.PIPE)
            child.process = subprocess.Popen(
                child.cmd, cwd=self.settings.root, env=rasa_env(self.settings),
                stdout=output, stderr=subprocess.STDOUT,
            )
            if self.quiet:
                output.close()  # type: ignore[union-attr]
            else:
                threading.Thread(target=_pump, args=(child, child.process.stdout), daemon=True).start()
        deadline = time.monotonic() + timeout
        for child in self.children:
            while not _healthy(child.health_url):
                assert child.process is not None
                if child.process.poll() is not None:
                    self.stop()
                    raise SystemExit(f"{child.name} exited with code {child.process.returncode} during start")
                if time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit(f"{child.name} did not become healthy within {timeout:.0f} s")
                time.sleep(0.5)
        if any(child.name == "rasa" for child in self.children):
            print(f"==> Wegweiser is up: REST channel {self.rest_url}", flush=True)
        else:
            print("==> action server is up: " + ", ".join(c.health_url for c in self.children), flush=True)
        if self.with_desk:
            line = f"==> Case managers' desk: {self.settings.desk_url}"
            if self.first_admin_password:
                line += f" — first admin: admin / {self.first_admin_password} (shown only now)"
            print(line, flush=True)
        if self.settings.telegram_mode == "webhook":
            print(f"==> Telegram: webhook at {self.telegram_webhook_url} (public URL "
                  f"{self.settings.telegram_webhook_url})", flush=True)
        elif self.settings.telegram_mode == "polling":
            print("==> Telegram: long polling", flush=True)

    def prepare_tickets(self) -> None:
        """Create or upgrade the tickets database; with the desk, the first admin of a new installation."""
        from bot.desk.cli import ensure_first_admin, quiet_alembic
        from bot.tickets.db import database_url, get_engine, migrate

        quiet_alembic()
        engine = get_engine(database_url(self.settings))
        migrate(engine)
        if self.with_desk:
            self.first_admin_password = ensure_first_admin(engine)

    def stop(self) -> None:
        """Stop all processes (SIGTERM, then SIGKILL)."""
        for child in reversed(self.children):
            if child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        for child in self.children:
            if child.process:
                try:
                    child.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.process.kill()

    def wait(self) -> int:
        """Block until a process dies, Ctrl-C or SIGTERM; returns an exit code."""

        def interrupt(_signum: int, _frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, interrupt)
        signal.signal(signal.SIGTERM, interrupt)
        try:
            while True:
                for child in self.children:
                    if child.process and child.process.poll() is not None:
                        print(f"==> {child.name} stopped (exit code {child.process.returncode})", flush=True)
                        return 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()


# Rasa's SQL tracker store, keeping recent conversations parsed in memory (bot/tracker_store.py)
TRACKER_STORE = "bot.tracker_store.CachingSQLTrackerStore"


def store_endpoints(settings: Settings) -> dict[str, Any]:
    """Where Rasa keeps conversations and its locks.

    Conversations: an SQLite file in the state folder by default (they survive a restart; no setup);
    `WEGWEISER_TRACKER_STORE_URL=postgresql://user:password@host:port/db` for PostgreSQL, `memory` to keep
    nothing on disk. Locks: in the process by default; `WEGWEISER_LOCK_STORE_URL=redis://host:port/db` when
    several Rasa servers share the conversations.
    """
    config: dict[str, Any] = {}
    url = settings.tracker_store_url
    if url is None:
        config["tracker_store"] = {"type": TRACKER_STORE, "dialect": "sqlite",
                                   "db": str(settings.state_dir / CONVERSATIONS_FILE)}
    elif url != "memory":
        parsed = urlsplit(url)
        if not parsed.scheme.startswith("postgres"):
            raise SystemExit(f"WEGWEISER_TRACKER_STORE_URL: expected postgresql://… or memory, got {parsed.scheme}://…")
        config["tracker_store"] = {
            "type": TRACKER_STORE, "dialect": "postgresql", "url": parsed.hostname or "127.0.0.1",
            "port": parsed.port or 5432, "db": parsed.path.lstrip("/") or "wegweiser",
            "username": unquote(parsed.username or "postgres"), "password": unquote(parsed.password or ""),
            "login_db": "postgres",  # Rasa creates the database from here when it does not exist yet
        }
    if settings.lock_store_url:
        parsed = urlsplit(settings.lock_store_url)
        if parsed.scheme != "redis":
            raise SystemExit(f"WEGWEISER_LOCK_STORE_URL: expected redis://…, got {parsed.scheme}://…")
        config["lock_store"] = {"type": "redis", "url": parsed.hostname or "127.0.0.1", "port": parsed.port or 6379,
                                "db": int(parsed.path.lstrip("/") or 0), "key_prefix": "wegweiser",
                                **({"password": unquote(parsed.password)} if parsed.password else {})}
    return config


def write_endpoints(settings: Settings) -> Path:
    """endpoints.yml with the action server's port resolved and the stores added, as a file in the state dir."""
    # endpoints.yml names the action server port as ${WEGWEISER_ACTIONS_PORT}; Rasa reads a resolved copy
    template = (settings.root / "endpoints.yml").read_text(encoding="utf-8")
    text = template.replace("${WEGWEISER_ACTIONS_PORT}", str(settings.actions_port))
    stores = store_endpoints(settings)
    if stores:
        text = text.rstrip("\n") + "\n\n# added by bot/runner.py from the settings\n" + yaml.safe_dump(stores, sort_keys=False)
    path = settings.state_dir / f"endpoints-{settings.rasa_port}.yml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)  # it may hold a database password
    return path


def write_credentials(settings: Settings) -> Path:
    """credentials.yml plus the Telegram channel when a token is set, as a file in the state dir.

    Secrets stay in the environment: the channel reads them from the settings, not from this file.
    """
    base = (settings.root / "credentials.yml").read_text(encoding="utf-8")
    if settings.telegram_mode:
        base = base.rstrip("\n") + (
            "\n# added by bot/runner.py because TELEGRAM_BOT_TOKEN is set (secrets come from the environment)\n"
            f"bot.channels.telegram.TelegramInput:\n  mode: {settings.telegram_mode}\n")
    path = settings.state_dir / f"credentials-{settings.rasa_port}.yml"
    path.write_text(base, encoding="utf-8")
    return path


def post_message(url: str, sender: str, text: str, metadata: dict[str, object] | None = None,
                 timeout: float = 30.0) -> list[dict[str, object]]:
    """Send one message through Rasa's REST channel and return the bot's messages."""
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - localhost only
        result = json.loads(response.read().decode())
    return result if isinstance(result, list) else []


def fetch_inbox(url: str, sender: str, after: int, timeout: float = 5.0) -> list[dict[str, Any]]:
    """The case manager's replies to a local-chat conversation since message `after`."""
    inbox_url = url.rsplit("/webhook", 1)[0] + "/inbox?" + urlencode({"sender": sender, "after": after})
    with urllib.request.urlopen(inbox_url, timeout=timeout) as response:  # noqa: S310 - localhost only
        result = json.loads(response.read().decode())
    return result if isinstance(result, list) else []


def _watch_inbox(url: str, sender: str, stop: threading.Event, interval: float = 2.0) -> None:
    """Print what the case manager writes while the person is at the prompt."""
    after = 0
    while not stop.wait(interval):
        try:
            messages = fetch_inbox(url, sender, after)
        except (urllib.error.URLError, OSError, ValueError):
            continue
        for message in messages:
            after = max(after, int(message["id"]))
            print(f"\ncase manager> {message['text']}\nyou> ", end="", flush=True)


def chat(url: str, sender: str = "local-shell") -> None:
    """A terminal chat over the REST channel; a number picks a button; the desk's replies appear too."""
    print("Type a message (Ctrl-D to quit). A number picks a button.", flush=True)
    stop = threading.Event()
    threading.Thread(target=_watch_inbox, args=(url, sender, stop), daemon=True).start()
    try:
        _chat_loop(url, sender)
    finally:
        stop.set()


def _chat_loop(url: str, sender: str) -> None:
    buttons: list[dict[str, object]] = []
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if text.isdigit() and buttons and 1 <= int(text) <= len(buttons):
            text = str(buttons[int(text) - 1]["payload"])
        if not text:
            continue
        try:
            messages = post_message(url, sender, text)
        except (urllib.error.URLError, OSError) as exc:
            print(f"(the assistant is not reachable: {exc})")
            continue
        buttons = []
        for message in messages:
            if message.get("text"):
                print(f"bot> {message['text']}\n")
            raw_buttons = message.get("buttons")
            for button in raw_buttons if isinstance(raw_buttons, list) else []:
                buttons.append(button)
                print(f"   [{len(buttons)}] {button['title']}")
        if buttons:
            print()


def root_relative(path: Path, root: Path) -> str:
    """A path for messages."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
