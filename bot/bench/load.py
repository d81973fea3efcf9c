"""Turns through Rasa's REST channel: one at a time for latency, many at once for throughput."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Script:
    """What a benchmark conversation says: untimed opening turns, then timed turns in a cycle."""

    opening: tuple[str, ...]
    turns: tuple[str, ...]
    turns_per_conversation: int = 10


@dataclass
class Samples:
    """Timed turns (milliseconds) and failures."""

    millis: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, float | int]:
        """Percentiles, count, errors and rate."""
        ordered = sorted(self.millis)
        result: dict[str, float | int] = {"turns": len(ordered), "errors": self.errors}
        for name, q in (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99)):
            result[name] = round(_quantile(ordered, q), 1) if ordered else float("nan")
        if ordered:
            result["mean_ms"] = round(sum(ordered) / len(ordered), 1)
        if self.seconds:
            result["turns_per_s"] = round(len(ordered) / self.seconds, 1)
        return result


def _quantile(ordered: Sequence[float], q: float) -> float:
    # nearest-rank with linear interpolation, as numpy's default
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _answered(body: bytes) -> bool:
    try:
        messages = json.loads(body)
    except ValueError:
        return False
    return isinstance(messages, list) and any(isinstance(m, dict) and m.get("text") for m in messages)


class _Client:
    """One keep-alive HTTP connection to the REST channel (the same client for every bot measured)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def post(self, sender: str, text: str) -> bool:
        body = json.dumps({"sender": sender, "message": text})
        try:
            self.connection.request("POST", self.path, body=body, headers={"Content-Type": "application/json"})
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            return False
        return response.status == 200 and _answered(data)

    def close(self) -> None:
        self.connection.close()


def sequential(url: str, script: Script, turns: int, warmup: int = 5) -> Samples:
    """Time `turns` turns one after another, in conversations of `turns_per_conversation` turns."""
    client = _Client(url)
    samples = Samples()
    done = -warmup
    sender = ""
    started = time.perf_counter()
    try:
        while done < turns:
            if done % script.turns_per_conversation == 0 or not sender:
                sender = f"bench-{uuid.uuid4().hex}"
                for text in script.opening:
                    client.post(sender, text)
            text = script.turns[done % len(script.turns)]
            t0 = time.perf_counter()
            ok = client.post(sender, text)
            elapsed = (time.perf_counter() - t0) * 1000
            if done == 0:
                started = time.perf_counter() - elapsed / 1000
            if done >= 0 and ok:
                samples.millis.append(elapsed)
            elif done >= 0:
                samples.errors += 1
            done += 1
    finally:
        client.close()
    samples.seconds = time.perf_counter() - started
    return samples


async def _worker(session: object, url: str, script: Script, stop_at: float, samples: Samples) -> None:
    import aiohttp

    assert isinstance(session, aiohttp.ClientSession)

    async def post(sender: str, text: str) -> bool:
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                return response.status == 200 and _answered(await response.read())
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False

    turn = 0
    sender = ""
    while time.perf_counter() < stop_at:
        if turn % script.turns_per_conversation == 0:
            sender = f"bench-{uuid.uuid4().hex}"
            for text in script.opening:
                await post(sender, text)
        t0 = time.perf_counter()
        ok = await post(sender, script.turns[turn % len(script.turns)])
        if ok:
            samples.millis.append((time.perf_counter() - t0) * 1000)
        else:
            samples.errors += 1
        turn += 1


async def _concurrent(url: str, script: Script, conversations: int, seconds: float) -> Samples:
    import aiohttp

    samples = Samples()
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        stop_at = started + seconds
        await asyncio.gather(*(_worker(session, url, script, stop_at, samples) for _ in range(conversations)))
        samples.seconds = time.perf_counter() - started
    return samples


def concurrent(url: str, script: Script, conversations: int, seconds: float) -> Samples:
    """Turns per second with `conversations` people writing at once for `seconds`."""
    return asyncio.run(_concurrent(url, script, conversations, seconds))


def long_conversation(url: str, script: Script, turns: int, window: int = 10) -> dict[str, float | int]:
    """One conversation of `turns` turns: the median latency of the turns around turn `window` and of the
    last `window` turns, and their ratio (how much a turn slows down as the conversation grows)."""
    client = _Client(url)
    sender = f"bench-long-{uuid.uuid4().hex}"
    millis: list[float] = []
    errors = 0
    try:
        for text in script.opening:
            client.post(sender, text)
        for turn in range(turns):
            t0 = time.perf_counter()
            ok = client.post(sender, script.turns[turn % len(script.turns)])
            millis.append((time.perf_counter() - t0) * 1000)
            errors += not ok
    finally:
        client.close()
    early = sorted(millis[window // 2: window // 2 + window])
    late = sorted(millis[-window:])
    early_ms, late_ms = _quantile(early, 0.5), _quantile(late, 0.5)
    return {"turns": turns, "errors": errors, f"turn_{window}_ms": round(early_ms, 1),
            f"turn_{turns}_ms": round(late_ms, 1), "growth": round(late_ms / early_ms, 2) if early_ms else 0.0}
