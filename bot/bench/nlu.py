"""`python -m bot nlu-bench xsid|clinc`: the product's NLU featurizers and classifier on outside benchmarks.

The pipeline is config.yml's, without the product's own guards (regions, danger, unsupported languages):
what is measured is how well the features and the classifier understand. It is trained on the
benchmark's training file only, in a temporary folder, and never touches the product's model.
xSID: trained on English, tested on en/de/ar/tr (zero-shot across languages). CLINC150: the small
training set with `oos` as an intent; an `oos` prediction or the fallback counts as out of scope, the way
the product handles questions outside its topics.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import yaml

from bot.settings import Settings
from bot.training import rasa_env

# the product's components that are not about understanding: left out of the benchmark pipeline
PRODUCT_ONLY = {"bot.nlu.components.GazetteerEntityExtractor", "bot.nlu.components.DangerSafetyNet",
                "bot.nlu.components.UnsupportedLanguageGuard", "bot.nlu.components.BlankMessageGuard",
                "bot.nlu.components.MessageLanguageDetector"}
FALLBACK = "nlu_fallback"
OOS = "oos"


@dataclass(frozen=True)
class Benchmark:
    """One outside benchmark: a training file and test files per language."""

    name: str
    train: Path
    tests: dict[str, Path]


def benchmarks(shared: Path) -> dict[str, Benchmark]:
    """The benchmarks in ../shared/benchmarks."""
    xsid, clinc = shared / "benchmarks" / "xsid", shared / "benchmarks" / "clinc150"
    return {
        "xsid": Benchmark("xsid", xsid / "en.valid.nlu.yml", {lang: xsid / f"{lang}.test.json"
                                                               for lang in ("en", "de", "ar", "tr")}),
        "clinc": Benchmark("clinc", clinc / "train_small.nlu.yml", {"en": clinc / "test.json"}),
    }


def bench_config(root: Path, config_file: Path | None = None) -> dict[str, Any]:
    """config.yml's NLU pipeline (or `config_file`'s, to compare an alternative) without the product-only
    components (no dialogue policies)."""
    config = yaml.safe_load((config_file or root / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [c for c in config["pipeline"] if c.get("name") not in PRODUCT_ONLY]
    config["policies"] = []
    return config


def _subsample_training(path: Path, per_intent: int, out: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["nlu"]:
        lines = [line for line in item["examples"].splitlines() if line.strip()]
        item["examples"] = "\n".join(lines[:per_intent]) + "\n"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _train(settings: Settings, config: dict[str, Any], nlu_file: Path, work: Path) -> tuple[Path, float]:
    config_file = work / "config.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    started = time.monotonic()
    cmd = [sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config_file), "--nlu", str(nlu_file),
           "--out", str(work / "models"), "--fixed-model-name", "bench"]
    result = subprocess.run(cmd, cwd=settings.root, env=rasa_env(settings), check=False,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    model = work / "models" / "bench.tar.gz"
    if result.returncode != 0 or not model.is_file():
        raise SystemExit(f"benchmark training failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return model, time.monotonic() - started


async def _parse_all(model: Path, texts: list[str]) -> tuple[list[str], list[float]]:
    from rasa.core.agent import Agent  # noqa: PLC0415 - heavy import, only for the benchmark

    agent = Agent.load(str(model))
    intents, seconds = [], []
    for text in texts:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        seconds.append(time.perf_counter() - started)
        intents.append(str((parsed.get("intent") or {}).get("name")))
    return intents, seconds


def _score(name: str, gold: list[str], predicted: list[str]) -> dict[str, Any]:
    if name != "clinc":
        right = sum(g == p for g, p in zip(gold, predicted, strict=True))
        return {"accuracy": round(right / len(gold), 4), "cases": len(gold)}
    in_scope = [(g, p) for g, p in zip(gold, predicted, strict=True) if g != OOS]
    out_scope = [p for g, p in zip(gold, predicted, strict=True) if g == OOS]
    return {
        "in_scope_accuracy": round(sum(g == p for g, p in in_scope) / max(len(in_scope), 1), 4),
        "oos_recall": round(sum(p in (OOS, FALLBACK) for p in out_scope) / max(len(out_scope), 1), 4),
        "oos_recall_intent_only": round(sum(p == OOS for p in out_scope) / max(len(out_scope), 1), 4),
        "cases": len(gold),
    }


def run(settings: Settings, shared: Path, name: str, quick: bool = False, seed: int = 0,
        config_file: Path | None = None) -> dict[str, Any]:
    """Train on the benchmark's training file and score every test language; figures as a dict."""
    bench = benchmarks(shared)[name]
    config = bench_config(settings.root, config_file)
    with tempfile.TemporaryDirectory(prefix="wegweiser-nlu-bench-") as tmp:
        work = Path(tmp)
        train_file = bench.train
        if quick:  # a few examples per intent and few test cases: proves the bench works, figures meaningless
            train_file = work / "train.yml"
            _subsample_training(bench.train, 5, train_file)
        model, train_seconds = _train(settings, config, train_file, work)
        results: dict[str, Any] = {"benchmark": name, "quick": quick, "training_s": round(train_seconds, 1),
                                   "pipeline": [c["name"] for c in config["pipeline"]],
                                   "config": str(config_file or "config.yml"), "languages": {}}
        latencies: list[float] = []
        for lang, path in bench.tests.items():
            cases = json.loads(path.read_text(encoding="utf-8"))
            if quick:
                cases = random.Random(seed).sample(cases, min(60, len(cases)))
            predicted, seconds = asyncio.run(_parse_all(model, [c["text"] for c in cases]))
            latencies.extend(seconds)
            results["languages"][lang] = _score(name, [c["intent"] for c in cases], predicted)
            results["languages"][lang]["top_predictions"] = Counter(predicted).most_common(3)
        results["parse_p50_ms"] = round(median(latencies) * 1000, 1)
        return results


def table(results: dict[str, Any]) -> str:
    """The results as a plain table."""
    lines = [f"{results['benchmark']}{' (quick: figures meaningless)' if results['quick'] else ''}: "
             f"trained in {results['training_s']} s, parse p50 {results['parse_p50_ms']} ms"]
    for lang, figures in results["languages"].items():
        shown = {k: v for k, v in figures.items() if k != "top_predictions"}
        lines.append(f"  {lang}: " + ", ".join(
            f"{k} {v:.1%}" if isinstance(v, float) else f"{k} {v}" for k, v in shown.items()))
    return "\n".join(lines)
