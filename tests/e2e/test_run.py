"""`python -m bot run` brings the assistant and the desk up and Ctrl-C stops every process it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from bot.evaluation import free_port
from bot.runner import _healthy, post_message
from bot.settings import Settings

pytestmark = pytest.mark.slow


def test_run_serves_rest_and_stops_on_ctrl_c(trained_settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rasa_port, actions_port, desk_port = free_port(), free_port(), free_port()
    desk_url = f"http://127.0.0.1:{desk_port}"
    env = {**os.environ, "WEGWEISER_RASA_PORT": str(rasa_port), "WEGWEISER_ACTIONS_PORT": str(actions_port),
           "WEGWEISER_STATE_DIR": str(tmp_path), "WEGWEISER_DESK_URL": desk_url, "DATABASE_URL": ""}
    output = tmp_path / "run.log"
    with output.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--no-shell"], cwd=trained_settings.root,
                                   env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while not (_healthy(f"http://127.0.0.1:{rasa_port}/") and _healthy(f"{desk_url}/health")
                   and "Case managers' desk" in output.read_text(errors="replace")):
            assert process.poll() is None, "bot run exited during start"
            assert time.monotonic() < deadline, "bot run did not come up"
            time.sleep(1)
        reply = post_message(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", "run-test", "Hallo")
        assert reply and reply[0].get("text")
        printed = output.read_text(errors="replace")
        assert f"==> Case managers' desk: {desk_url} — first admin: admin / " in printed
        assert printed.count("first admin") == 1
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        for port in (rasa_port, actions_port, desk_port):
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        if process.poll() is None:
            process.kill()
