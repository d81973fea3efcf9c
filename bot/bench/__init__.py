"""`python -m bot bench`: latency, throughput, training time, memory and knowledge reload, against bare Rasa."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.bench import load, memory, reference, timing
from bot.evaluation import free_port
from bot.runner import Stack
from bot.settings import Settings

# a person in Bielefeld asking local questions in the twelve languages (region known: one untimed turn first)
SCRIPT = load.Script(
    opening=('/inform_region{"region":"bielefeld"}',),
    turns=("Wie melde ich meine Wohnung an?", "where is the immigration office", "Де знайти курс німецької?",
           "Как получить пособие?", "أين مكتب الجوب سنتر؟", "کجا میتوانم کلاس زبان پیدا کنم؟",
           "Çocuğum için kreş nasıl bulurum?", "unde fac anmeldung?", "gdzie jest jobcenter?",
           "къде мога да уча немски?", "ez li ku derê kar dibînim?", "د ژبې کورس چیرته دی؟"),
)

TARGETS = {
    "p50_ratio": ("turn p50 / bare Rasa p50", "≤ 1.3"),
    "p95_ratio": ("turn p95 / bare Rasa p95", "≤ 1.5"),
    "throughput_10": ("turns/s, 10 conversations / bare Rasa's", "≥ 1.0"),
    "errors_50": ("errors with 50 conversations", "0"),
    "growth": ("turn 200 / turn 10, against bare Rasa's", "≤ bare"),
    "training_scratch_s": ("training from scratch", "< 300 s"),
    "stack_peak_mb": ("whole stack, peak resident", "< 1229 MB"),
    "reload_s": ("knowledge reload (worst)", "< 5 s"),
}


@dataclass(frozen=True)
class BenchOptions:
    """How much to measure."""

    turns: int = 500
    seconds_per_level: float = 10.0
    levels: tuple[int, ...] = (1, 10, 50)
    long_turns: int = 200
    reference: bool = True
    scratch_training: bool = True
    reload_repeats: int = 3

    @classmethod
    def quick(cls) -> BenchOptions:
        """A few turns, to prove the bench works (figures meaningless)."""
        return cls(turns=10, seconds_per_level=1.0, levels=(1, 10), long_turns=20, reference=True,
                   scratch_training=False, reload_repeats=1)


def _level(results: dict[str, Any], key: str, conversations: int) -> dict[str, Any] | None:
    return next((t for t in results[key] if t["conversations"] == conversations), None)


def _met(results: dict[str, Any]) -> dict[str, bool | None]:
    latency = results["latency"]
    level10, ref10 = _level(results, "throughput", 10), _level(results, "reference_throughput", 10)
    level50 = _level(results, "throughput", 50)
    growth, ref_growth = results["growth"]["wegweiser"], results["growth"].get("reference")
    scratch = results["training"].get("scratch_s")
    reload = results["reload"]["seconds"]
    ratio10 = results.get("throughput_ratio_10")
    return {
        "p50_ratio": None if latency.get("p50_ratio") is None else latency["p50_ratio"] <= 1.3,
        "p95_ratio": None if latency.get("p95_ratio") is None else latency["p95_ratio"] <= 1.5,
        "throughput_10": None if level10 is None or ref10 is None or ratio10 is None
        else ratio10 >= 1.0 and level10["errors"] == 0,
        "errors_50": None if level50 is None else level50["errors"] == 0,
        "growth": None if not ref_growth else growth["growth"] <= ref_growth["growth"],
        "training_scratch_s": None if scratch is None else scratch < 300,
        "stack_peak_mb": results["memory"]["stack_peak_mb"] < 1229,
        "reload_s": bool(reload) and max(reload) < 5,
    }


def _ratio(ours: float | None, theirs: float | None) -> float | None:
    return round(ours / theirs, 2) if ours and theirs else None


def _throughput(who: str, url: str, script: load.Script, options: BenchOptions) -> list[dict[str, Any]]:
    """Turns per second at each concurrency level of the options."""
    levels = []
    for level in options.levels:
        print(f"==> {who}throughput: {level} conversations for {options.seconds_per_level:.0f} s", flush=True)
        samples = load.concurrent(url, script, level, options.seconds_per_level)
        levels.append({"conversations": level, **samples.summary()})
    return levels


def run_bench(settings: Settings, options: BenchOptions) -> dict[str, Any]:
    """Measure everything; returns the results (JSON-ready)."""
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "options": options.__dict__ | {"levels": list(options.levels)},
    }
    with tempfile.TemporaryDirectory(prefix="wegweiser-bench-") as tmp:
        knowledge_copy = Path(tmp) / "knowledge"
        shutil.copytree(settings.knowledge_dir, knowledge_copy)
        stack_settings = replace(settings, rasa_port=free_port(), actions_port=free_port(),
                                 knowledge_dir=knowledge_copy)
        stack = Stack(stack_settings, quiet=True)
        print("==> starting the assistant", flush=True)
        stack.start()
        try:
            print(f"==> latency: {options.turns} turns", flush=True)
            results["latency"] = {"wegweiser": load.sequential(stack.rest_url, SCRIPT, options.turns).summary()}
            results["throughput"] = _throughput("", stack.rest_url, SCRIPT, options)
            print(f"==> growth: one conversation of {options.long_turns} turns", flush=True)
            results["growth"] = {"wegweiser": load.long_conversation(stack.rest_url, SCRIPT, options.long_turns)}
            print("==> knowledge reload", flush=True)
            results["reload"] = {"seconds": timing.knowledge_reload(stack.rest_url, knowledge_copy,
                                                                    options.reload_repeats)}
            processes = {}
            for child in stack.children:
                assert child.process is not None
                processes[child.name] = memory.process_memory_mb(child.process.pid)
            results["memory"] = {"processes": processes,
                                 "stack_peak_mb": round(sum(p["peak_mb"] for p in processes.values()), 1)}
        finally:
            stack.stop()
    if options.reference:
        folder, trained = reference.reference_project(settings)
        server = reference.ReferenceServer(settings, folder, free_port())
        server.start()
        try:
            print(f"==> bare Rasa reference: {options.turns} turns", flush=True)
            ref = load.sequential(server.rest_url, reference.SCRIPT, options.turns).summary()
            results["reference_throughput"] = _throughput("bare Rasa ", server.rest_url, reference.SCRIPT, options)
            results["growth"]["reference"] = load.long_conversation(server.rest_url, reference.SCRIPT,
                                                                    options.long_turns)
            ref_memory = memory.process_memory_mb(server.process.pid) if server.process else {}
        finally:
            server.stop()
        results["latency"]["reference"] = ref
        results["latency"]["reference_training_s"] = None if trained is None else round(trained, 1)
        results["memory"]["reference"] = ref_memory
        ours = results["latency"]["wegweiser"]
        results["latency"]["p50_ratio"] = _ratio(ours["p50_ms"], ref.get("p50_ms"))
        results["latency"]["p95_ratio"] = _ratio(ours["p95_ms"], ref.get("p95_ms"))
        for level in options.levels:
            mine, theirs = _level(results, "throughput", level), _level(results, "reference_throughput", level)
            results[f"throughput_ratio_{level}"] = _ratio((mine or {}).get("turns_per_s"),
                                                          (theirs or {}).get("turns_per_s"))
    else:
        results["reference_throughput"] = []
    print("==> training", flush=True)
    unchanged, retrained = timing.training_unchanged(settings)
    results["training"] = {"unchanged_s": round(unchanged, 1), "retrained_when_unchanged": retrained,
                           "scratch_s": round(timing.training_from_scratch(settings), 1)
                           if options.scratch_training else None}
    results["targets"] = {key: {"what": TARGETS[key][0], "target": TARGETS[key][1], "met": met}
                          for key, met in _met(results).items()}
    return results


def _fmt(value: object, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value}{unit}"


def print_table(results: dict[str, Any]) -> None:
    """The short table on the terminal."""
    lat = results["latency"]
    ours, ref = lat["wegweiser"], lat.get("reference") or {}
    rows = [
        ("turn latency p50/p95/p99 (ms)", f"{ours['p50_ms']} / {ours['p95_ms']} / {ours['p99_ms']}"
         f"  ({ours['turns']} turns, {ours['errors']} errors)"),
        ("bare Rasa p50/p95/p99 (ms)", f"{ref.get('p50_ms')} / {ref.get('p95_ms')} / {ref.get('p99_ms')}"
         if ref else "–"),
        ("p50 / p95 ratio to bare Rasa", f"{_fmt(lat.get('p50_ratio'), '×')} / {_fmt(lat.get('p95_ratio'), '×')}"),
    ]
    for level in results["throughput"]:
        n = level["conversations"]
        theirs = _level(results, "reference_throughput", n) or {}
        rows.append((f"throughput, {n} conversations",
                     f"{level.get('turns_per_s', 0)} turns/s, p95 {level['p95_ms']} ms, {level['errors']} errors"
                     f" | bare Rasa {_fmt(theirs.get('turns_per_s'))} turns/s, p95 {_fmt(theirs.get('p95_ms'))} ms"
                     f" | ratio {_fmt(results.get(f'throughput_ratio_{n}'), '×')}"))
    for name, growth in results["growth"].items():
        early, late = (v for k, v in growth.items() if k.startswith("turn_"))
        rows.append((f"growth {name} (turn 10 → last, ms)", f"{early} → {late} ({growth['growth']}×)"))
    training = results["training"]
    rows.append(("training from scratch", _fmt(training["scratch_s"], " s")))
    rows.append(("training, nothing changed", f"{training['unchanged_s']} s"
                 f" ({'RETRAINED' if training['retrained_when_unchanged'] else 'not retrained'})"))
    for name, mem in results["memory"]["processes"].items():
        rows.append((f"memory {name} (peak / now)", f"{mem['peak_mb']} / {mem['rss_mb']} MB"))
    rows.append(("memory whole stack (peak)", f"{results['memory']['stack_peak_mb']} MB"))
    rows.append(("knowledge reload", ", ".join(f"{s} s" for s in results["reload"]["seconds"])))
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print("targets:")
    for target in results["targets"].values():
        mark = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
        print(f"  {target['what']:<{width}}  {target['target']:<10} {mark}")


def write_json(results: dict[str, Any], path: Path) -> None:
    """Write the results."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
