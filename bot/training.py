"""Train the Rasa model only when its inputs changed."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import Settings, settings_env

log = logging.getLogger(__name__)
MODEL_NAME = "wegweiser"
# what the trained model depends on: a change here needs a new model; knowledge/ does not
INPUTS = ("config.yml", "domain.yml", "data", "bot/nlu")


def training_fingerprint(root: Path) -> str:
    """Hash of every file the model is trained from."""
    digest = hashlib.sha256()
    for name in INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def model_path(settings: Settings) -> Path:
    """Where the trained model lives."""
    return settings.models_dir / f"{MODEL_NAME}.tar.gz"


def needs_training(settings: Settings) -> bool:
    """True when there is no model or its inputs changed since it was trained."""
    stamp = settings.models_dir / f"{MODEL_NAME}.fingerprint"
    if not model_path(settings).is_file() or not stamp.is_file():
        return True
    return stamp.read_text().strip() != training_fingerprint(settings.root)


def rasa_env(settings: Settings) -> dict[str, str]:
    """Environment for Rasa subprocesses."""
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # SQLAlchemy is pinned to 1.4 (the stack's decision): its notice about 2.0 in Rasa's tracker store says nothing
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # glibc gives every thread of the encoders its own malloc arena; two keep the Rasa server ~80 MB smaller
    # (1204 -> 1126 MB resident after 300 turns and 50 conversations at once, measured 2026-12-04) at no cost in speed
    env.setdefault("MALLOC_ARENA_MAX", "2")
    # the children rebuild the same settings (ports, state dir, Telegram) from their environment
    env.update(settings_env(settings))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(settings.root), env.get("PYTHONPATH", "")]))
    return env


def train(settings: Settings, force: bool = False) -> float | None:
    """Train if needed; returns the seconds spent, or None when nothing changed."""
    if not force and not needs_training(settings):
        print(f"==> model is up to date ({model_path(settings).relative_to(settings.root)})", flush=True)
        return None
    fingerprint = training_fingerprint(settings.root)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    print("==> training the model", flush=True)
    started = time.monotonic()
    cmd = [sys.executable, "-m", "rasa", "train", "--fixed-model-name", MODEL_NAME, "--out", str(settings.models_dir),
           "--config", "config.yml", "--domain", "domain.yml", "--data", "data"]
    result = subprocess.run(cmd, cwd=settings.root, env=rasa_env(settings), check=False)
    if result.returncode != 0 or not model_path(settings).is_file():
        raise SystemExit(f"training failed (exit code {result.returncode})")
    (settings.models_dir / f"{MODEL_NAME}.fingerprint").write_text(fingerprint + "\n")
    seconds = time.monotonic() - started
    print(f"==> trained in {seconds:.0f} s", flush=True)
    return seconds
