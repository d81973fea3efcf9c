"""The reference: the bare assistant `rasa init` creates, trained once per Rasa version and kept in the state folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from bot.bench.load import Script
from bot.runner import _healthy
from bot.settings import Settings
from bot.training import rasa_env

# what people say to the `rasa init` bot: each message has a rule or story answer
SCRIPT = Script(opening=(), turns=("hello", "are you a bot?", "good morning", "bye"), turns_per_conversation=4)


def _rasa_version() -> str:
    import rasa

    return str(rasa.__version__)


def reference_project(settings: Settings) -> tuple[Path, float | None]:
    """The `rasa init` project with a trained model; returns (folder, seconds spent training or None)."""
    folder = settings.state_dir / "bench" / f"rasa-init-{_rasa_version()}"
    if any((folder / "models").glob("*.tar.gz")):
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"==> training the reference bot (rasa init) in {folder}", flush=True)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)],
                            cwd=folder, env=rasa_env(settings), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, check=False)
    if result.returncode != 0 or not any((folder / "models").glob("*.tar.gz")):
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise RuntimeError("rasa init failed: " + " | ".join(tail))
    return folder, time.monotonic() - started


class ReferenceServer:
    """`rasa run` on the reference project (no action server: the bare bot needs none)."""

    def __init__(self, settings: Settings, folder: Path, port: int) -> None:
        self.settings, self.folder, self.port = settings, folder, port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def rest_url(self) -> str:
        """Its REST channel."""
        return f"http://{self.settings.host}:{self.port}/webhooks/rest/webhook"

    def start(self, timeout: float = 240.0) -> None:
        """Start and wait until it answers."""
        log = (self.settings.state_dir / f"reference-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "-m", "models", "--enable-api", "-i", self.settings.host,
             "-p", str(self.port), "--credentials", "credentials.yml"],
            cwd=self.folder, env=rasa_env(self.settings), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while not _healthy(f"http://{self.settings.host}:{self.port}/"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the reference Rasa server did not start")
            time.sleep(0.5)

    def stop(self) -> None:
        """Stop it."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
