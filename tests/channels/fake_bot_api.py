"""A local fake of the Telegram Bot API: records calls, serves getUpdates, fails on demand."""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

# parameters the Bot API takes as JSON-serialised values
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "chat_id", "offset",
               "timeout", "limit", "message_id"}
MAX_LONG_POLL = 1.0  # seconds a getUpdates call waits here, whatever the client asks


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    """An error to answer instead of the next calls of a method."""

    method: str
    status: int
    times: int
    retry_after: int | None = None


class FakeBotApi:
    """Run with start(); `url` is what TELEGRAM_API_URL points at."""

    def __init__(self, token: str = "123456:TEST-fake-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.failures: list[Failure] = []
        self.blocked: set[int] = set()
        self._lock = threading.Condition()
        self._message_id = 1000
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of this fake (without /bot<token>)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeBotApi:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    # --- what tests do -------------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates."""
        with self._lock:
            self.updates.append(update)
            self._lock.notify_all()

    def fail(self, method: str, status: int, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next `times` calls of `method` with an error."""
        with self._lock:
            self.failures.append(Failure(method, status, times, retry_after))

    def calls_of(self, method: str, chat_id: int | None = None, ok_only: bool = True) -> list[Call]:
        """Recorded calls of a method (to a chat), successful ones unless told otherwise."""
        with self._lock:
            return [c for c in self.calls if c.method == method and (not ok_only or c.status == 200)
                    and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def sent(self, chat_id: int) -> list[Call]:
        """Messages delivered to a chat."""
        return self.calls_of("sendMessage", chat_id)

    def wait_for_messages(self, chat_id: int, since: int, count: int = 1, quiet: float = 2.0,
                          timeout: float = 90.0) -> list[Call]:
        """Messages to a chat after the first `since`: at least `count`, then nothing new for `quiet` s."""
        deadline = time.monotonic() + timeout
        seen = -1
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            current = self.sent(chat_id)[since:]
            if len(current) != seen:
                seen, last_change = len(current), time.monotonic()
            elif seen >= count and time.monotonic() - last_change >= quiet:
                return current
            time.sleep(0.1)
        return self.sent(chat_id)[since:]

    # --- HTTP ----------------------------------------------------------------------------------

    def _take_failure(self, method: str) -> Failure | None:
        for failure in self.failures:
            if failure.method == method and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    def _result(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            failure = self._take_failure(method)
            if failure is not None:
                body: dict[str, Any] = {"ok": False, "error_code": failure.status,
                                        "description": "Too Many Requests" if failure.status == 429
                                        else "Internal Server Error"}
                if failure.retry_after is not None:
                    body["parameters"] = {"retry_after": failure.retry_after}
                    body["description"] = f"Too Many Requests: retry after {failure.retry_after}"
                return failure.status, body
            if method == "sendMessage" and params.get("chat_id") in self.blocked:
                return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._updates(params)}
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "Wegweiser",
                                                "username": "wegweiser_test_bot"}}
        if method == "sendMessage":
            with self._lock:
                self._message_id += 1
                message_id = self._message_id
            return 200, {"ok": True, "result": {
                "message_id": message_id, "date": int(time.time()),
                "chat": {"id": params.get("chat_id"), "type": "private"}, "text": params.get("text", "")}}
        return 200, {"ok": True, "result": True}

    def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), MAX_LONG_POLL)
        deadline = time.monotonic() + wait
        with self._lock:
            while True:
                # confirmed updates (below the offset) are forgotten, as Telegram does
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.updates or time.monotonic() >= deadline:
                    return list(self.updates)
                self._lock.wait(max(0.0, deadline - time.monotonic()))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                prefix = f"/bot{api.token}/"
                if not self.path.startswith(prefix):
                    self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = self.path[len(prefix):]
                params = _parse(self.headers.get("Content-Type", ""),
                                self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                status, body = api._result(method, params)
                with api._lock:
                    api.calls.append(Call(method, params, status))
                self._answer(status, body)

            do_GET = do_POST  # noqa: N815

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _value(name: str, raw: str) -> Any:
    if name in JSON_FIELDS:
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _parse(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(body)
        return data if isinstance(data, dict) else {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        params = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                params[str(name)] = _value(str(name), part.get_content())
        return params
    return {name: _value(name, raw) for name, raw in parse_qsl(body.decode(), keep_blank_values=True)}
