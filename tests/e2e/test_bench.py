"""The bench runs end to end in quick mode (its figures are not judged here: no timing assertions)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings

pytestmark = pytest.mark.slow


def test_quick_bench_reports_every_figure(trained_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, "-m", "bot", "bench", "--quick", "--json", str(out)],
                            cwd=trained_settings.root, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    ours, ref = figures["latency"]["wegweiser"], figures["latency"]["reference"]
    assert ours["turns"] == 10 and ours["errors"] == 0  # every turn got an answer
    assert ref["turns"] == 10 and ref["errors"] == 0
    assert figures["latency"]["p50_ratio"] > 0
    assert [t["conversations"] for t in figures["throughput"]] == [1, 10]
    assert all(t["errors"] == 0 for t in figures["throughput"])
    # bare Rasa measured at the same concurrency in the same run, and both ratios reported
    assert [t["conversations"] for t in figures["reference_throughput"]] == [1, 10]
    assert figures["throughput_ratio_10"] > 0 and figures["latency"]["p95_ratio"] > 0
    # one long conversation each: how a turn grows with the conversation, beside bare Rasa
    assert figures["growth"]["wegweiser"]["errors"] == 0 and figures["growth"]["wegweiser"]["growth"] > 0
    assert figures["growth"]["reference"]["turns"] == figures["growth"]["wegweiser"]["turns"]
    assert figures["training"]["retrained_when_unchanged"] is False
    assert all(math.isfinite(s) for s in figures["reload"]["seconds"])  # the edit reached the reply
    assert figures["memory"]["processes"]["rasa"]["peak_mb"] > 0
    assert set(figures["targets"]) >= {"p50_ratio", "p95_ratio", "throughput_10", "errors_50", "growth",
                                       "stack_peak_mb", "reload_s"}
    assert "p50 / p95 ratio to bare Rasa" in result.stdout


SHARED = Path(__file__).resolve().parents[3] / "shared"


def test_quick_nlu_bench_trains_on_the_benchmark_and_scores_every_language(tmp_path: Path) -> None:
    assert (SHARED / "benchmarks" / "xsid").is_dir(), "the benchmarks live in ../shared/benchmarks"
    out = tmp_path / "xsid.json"
    result = subprocess.run([sys.executable, "-m", "bot", "nlu-bench", "xsid", "--quick", "--json", str(out),
                             "--shared", str(SHARED)],
                            cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=900,
                            check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert set(figures["languages"]) == {"en", "de", "ar", "tr"}
    # 5 English examples per intent already beat always answering the most common intent (24 %)
    assert figures["languages"]["en"]["accuracy"] > 0.4
    assert figures["training_s"] > 0 and figures["parse_p50_ms"] > 0
    assert not any("Gazetteer" in name or "Danger" in name for name in figures["pipeline"])
