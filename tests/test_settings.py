"""Child processes (Rasa, actions, desk) see the same settings as the process that started them."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from bot.settings import get_settings, settings_env


def test_settings_survive_the_trip_to_a_child_process(tmp_path: Path) -> None:
    settings = replace(get_settings(), state_dir=tmp_path, database_url="postgresql://u@db:5432/tickets",
                       tracker_store_url="postgresql://u@db:5432/conversations", lock_store_url="redis://r:6379/1",
                       retention_days=30, smtp_host="mail.example", smtp_starttls=True, desk_url="http://127.0.0.1:5999")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEGWEISER_", "SMTP_", "TELEGRAM_", "DATABASE_"))}
    env.update(settings_env(settings))
    child = subprocess.run([sys.executable, "-c", "from bot.settings import get_settings; print(repr(get_settings()))"],
                           env=env, capture_output=True, text=True, check=True, cwd=settings.root)
    assert child.stdout.strip() == repr(settings)
