"""Training time (from scratch, and with nothing changed) and knowledge reload time."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bot.runner import post_message
from bot.settings import Settings
from bot.training import INPUTS, rasa_env


def training_from_scratch(settings: Settings) -> float:
    """Seconds for `rasa train` on a copy of the project's inputs with an empty cache."""
    with tempfile.TemporaryDirectory(prefix="wegweiser-bench-train-") as tmp:
        folder = Path(tmp)
        for name in INPUTS:
            source = settings.root / name
            if name.startswith("bot"):
                continue  # custom components are imported from the project (PYTHONPATH)
            if source.is_dir():
                shutil.copytree(source, folder / name)
            else:
                shutil.copy2(source, folder / name)
        env = rasa_env(settings)
        env["RASA_CACHE_DIRECTORY"] = str(folder / "cache")
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml",
             "--data", "data", "--out", "models", "--fixed-model-name", "scratch"],
            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise RuntimeError("training from scratch failed: " + " | ".join(tail))
        return seconds


def training_unchanged(settings: Settings) -> tuple[float, bool]:
    """Seconds for `python -m bot train` when nothing changed, and whether it trained anyway."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "bot", "train"], cwd=settings.root, env=rasa_env(settings),
                            capture_output=True, check=False)
    seconds = time.monotonic() - started
    output = result.stdout.decode("utf-8", "replace")
    return seconds, "up to date" not in output


RELOAD_FILE = Path("topics/residence-registration/de.yml")
RELOAD_QUESTION = "Wie melde ich meine Wohnung an?"


def knowledge_reload(url: str, knowledge_dir: Path, repeats: int = 3, limit: float = 30.0) -> list[float]:
    """Seconds from saving an edited text to the first reply that shows it (the file is restored after)."""
    path = knowledge_dir / RELOAD_FILE
    original = path.read_text(encoding="utf-8")
    seconds: list[float] = []
    try:
        for _ in range(repeats):
            marker = f"Hinweis {uuid.uuid4().hex[:8]}."
            sender = f"bench-reload-{uuid.uuid4().hex}"
            path.write_text(original.replace("answer: |\n", f"answer: |\n  {marker}\n", 1), encoding="utf-8")
            saved = time.monotonic()
            while time.monotonic() - saved < limit:
                reply = post_message(url, sender, RELOAD_QUESTION)
                if any(marker in str(m.get("text") or "") for m in reply):
                    seconds.append(round(time.monotonic() - saved, 2))
                    break
                time.sleep(0.1)
            else:
                seconds.append(float("inf"))
    finally:
        path.write_text(original, encoding="utf-8")
    return seconds
