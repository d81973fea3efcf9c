"""Rasa's own checks: data validation without warnings, and conversation tests without prediction errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.names import BUTTON_ONLY_INTENTS, INTENT_UNSUPPORTED_LANGUAGE
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
    # button-only intents (the intake's buttons) and the one the NLU sets for languages it does not speak have
    # no NLU examples by design: those warnings are expected
    expected = {f"The intent '{intent}' is listed in the domain file, but is not found in the NLU training data."
                for intent in (*BUTTON_ONLY_INTENTS, INTENT_UNSUPPORTED_LANGUAGE)}
    output = result.stdout + result.stderr
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unexpected = [w for w in warnings if not any(e in w for e in expected)]
    assert not unexpected, "\n".join(unexpected)


def test_conversation_tests_pass(trained_settings: Settings, tmp_path: Path) -> None:
    result = _rasa(trained_settings, "test", "core", "--stories", "tests/conversations", "--model",
                   str(model_path(trained_settings)), "--fail-on-prediction-errors", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
