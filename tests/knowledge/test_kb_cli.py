"""The editors' commands work in a checkout whose catalogs were never compiled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.settings import get_settings


def test_kb_show_compiles_missing_catalogs_first(tmp_path: Path) -> None:
    settings = get_settings()
    locales = tmp_path / "locales"
    shutil.copytree(settings.locales_dir, locales, ignore=shutil.ignore_patterns("*.mo"))
    env = {**os.environ, "WEGWEISER_LOCALES_DIR": str(locales), "WEGWEISER_STATE_DIR": str(tmp_path / "state")}
    result = subprocess.run([sys.executable, "-m", "bot", "kb", "show", "housing", "--lang", "uk", "--region",
                             "bielefeld"], cwd=settings.root, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "compiled the message catalogs" in result.stderr
    assert "Білефельд" in result.stdout or "Bielefeld" in result.stdout
    assert list(locales.glob("*/LC_MESSAGES/messages.mo"))
