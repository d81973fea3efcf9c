"""The scale-out configuration against the real servers: two Rasa servers share the conversations in
PostgreSQL and their locks in Redis, tickets in PostgreSQL; a conversation that alternates between them
(as behind a load balancer) and survives a restart. PostgreSQL and Redis are started when down."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace

import psycopg2
import pytest
import redis

from bot.actions.intake import choice_payload
from bot.evaluation import free_port
from bot.runner import Stack, post_message
from bot.settings import Settings
from bot.tickets.db import get_engine, session_scope
from bot.tickets.repository import tickets_of_conversation
from tests.tickets.conftest import postgres_database

pytestmark = pytest.mark.slow

REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]
REDIS_DB = 7


def _ensure_redis() -> redis.Redis:
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2)
    for attempt in range(50):
        try:
            client.ping()
            return client
        except redis.exceptions.ConnectionError:
            if attempt == 0:
                subprocess.run(REDIS_START, capture_output=True, check=False)
            time.sleep(0.2)
    pytest.fail("Redis is not running at 127.0.0.1:6379 and could not be started: " + " ".join(REDIS_START))


@pytest.fixture(scope="module")
def two_servers(trained_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Stack]]:
    """Two assistants (each Rasa + actions) on the same PostgreSQL and Redis."""
    _ensure_redis().flushdb()
    with postgres_database() as tracker_url, postgres_database() as tickets_url:
        base = replace(trained_settings, state_dir=tmp_path_factory.mktemp("scaled"), tracker_store_url=tracker_url,
                       lock_store_url=f"redis://127.0.0.1:6379/{REDIS_DB}", database_url=tickets_url)
        stacks = [Stack(replace(base, rasa_port=free_port(), actions_port=free_port()), quiet=True) for _ in range(2)]
        try:
            for stack in stacks:
                stack.start()
            yield stacks
        finally:
            for stack in stacks:
                stack.stop()


def _text(messages: list[dict[str, object]]) -> str:
    return "\n\n".join(str(m.get("text") or "") for m in messages)


def test_a_conversation_moves_between_servers_and_survives_a_restart(two_servers: list[Stack]) -> None:
    first, second = two_servers
    sender = f"scale-{uuid.uuid4().hex}"
    turns = ["Ich wohne in Bielefeld", "/request_human", "/affirm", choice_payload("area:money"), choice_payload("done"),
             "Das Jobcenter hat meine Zahlung gestoppt", choice_payload("contact:chat"), choice_payload("lang:de"),
             choice_payload("deadline:none"), choice_payload("name:none"), choice_payload("confirm:yes")]
    replies = []
    for i, text in enumerate(turns):  # every turn on the other server: the state lives in the shared stores
        replies.append(post_message((first if i % 2 == 0 else second).rest_url, sender, text))
    assert "BI-" in _text(replies[-1])
    with session_scope(get_engine(first.settings.database_url)) as session:
        tickets = tickets_of_conversation(session, sender)
        assert [t.region for t in tickets] == ["bielefeld"]
        assert tickets[0].description == "Das Jobcenter hat meine Zahlung gestoppt"
    url = str(first.settings.tracker_store_url).replace("postgresql+psycopg2", "postgresql")
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events WHERE sender_id = %s", (sender,))
        assert cursor.fetchone()[0] > len(turns)
    # a restarted server knows the conversation: the region is not asked again
    second.stop()
    second.start()
    answer = _text(post_message(second.rest_url, sender, "wo kann ich meine Adresse anmelden?"))
    assert "Bielefeld" in answer
