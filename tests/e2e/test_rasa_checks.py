"""Rasa's own checks: data validation without warnings, and conversation tests without prediction errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.training import model_path, rasa_env

pytestmark = pytest.mark.slow


def _rasa(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rasa", *args], cwd=settings.root, env=rasa_env(settings),
                          capture_output=True, text=True, timeout=900, check=False)


def test_rasa_data_validate_passes_without_warnings(trained_settings: Settings) -> None:
    result = _rasa(trained_settings, "data", "validate", "--config", "config.yml",
                   "--domain", "domain.yml", "--data", "data")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    warnings = [line for line in (result.stdout + result.stderr).splitlines()
                if "UserWarning" in line or "WARNING" in line]
    assert not warnings, "\n".join(warnings)


def test_conversation_tests_pass(trained_settings: Settings, tmp_path: Path) -> None:
    result = _rasa(trained_settings, "test", "core", "--stories", "tests/conversations", "--model",
                   str(model_path(trained_settings)), "--fail-on-prediction-errors", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
