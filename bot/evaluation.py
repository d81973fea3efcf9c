"""Run evaluation cases through the real model, dialogue and actions; score them as shared/eval specifies."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bot.lang.detect import LanguageDetector
from bot.names import META_KEY, SLOT_REGION
from bot.runner import Stack
from bot.scope import Scope, get_scope
from bot.settings import Settings
from bot.training import model_path


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Cases from a YAML list."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a YAML list of cases")
    return [c for c in data if isinstance(c, dict) and c.get("text") is not None]


def free_port() -> int:
    """An unused local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def score_case(case: dict[str, Any], answer: dict[str, Any], scope: Scope, detector: LanguageDetector) -> dict[str, Any]:
    """Whether a case is correct, and why not."""
    problems = []
    if answer.get("topic") != case.get("expect"):
        problems.append("topic")
    if answer.get("lang") != case.get("lang"):
        problems.append("lang")
    else:
        detected = detector.detect(answer.get("text") or "").language
        if detected != case.get("lang"):
            problems.append(f"text-language:{detected}")
    region = case.get("region") or case.get("known_region")
    topic = scope.topics.get(str(case.get("expect")))
    if region and topic and topic.local:
        allowed = set(scope.region_chain(region))
        if not any(s.get("region") in allowed for s in answer.get("services") or []):
            problems.append("region-services")
    return {"correct": not problems, "problems": problems}


async def _run_cases(cases: list[dict[str, Any]], settings: Settings, actions_url: str) -> list[dict[str, Any]]:
    from rasa.core.agent import load_agent
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    # without this, Rasa's structlog debug lines flood stdout and bury the summary table
    configure_structlog(logging.WARNING)
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.core.events import BotUttered, SlotSet
    from rasa.utils.endpoints import EndpointConfig

    endpoints = AvailableEndpoints(action=EndpointConfig(url=actions_url))
    agent = await load_agent(model_path=str(model_path(settings)), endpoints=endpoints)
    agent.tracker_store = InMemoryTrackerStore(agent.domain)
    agent.processor.tracker_store = agent.tracker_store  # type: ignore[union-attr]
    results = []
    for case in cases:
        sender = f"eval-{uuid.uuid4().hex}"
        tracker = await agent.tracker_store.get_or_create_tracker(sender)
        if case.get("known_region"):
            tracker.update(SlotSet(SLOT_REGION, case["known_region"]))
            await agent.tracker_store.save(tracker)
        start = len(tracker.events)
        await agent.handle_message(UserMessage(str(case["text"]), CollectingOutputChannel(), sender))
        tracker = await agent.tracker_store.retrieve(sender)
        assert tracker is not None
        uttered = [e for e in list(tracker.events)[start:] if isinstance(e, BotUttered)]
        described = [(e.metadata or {}).get(META_KEY) or {} for e in uttered]
        services: list[dict[str, Any]] = []
        for description in described:
            for service in description.get("services") or []:
                if service not in services:
                    services.append(service)
        first = described[0] if described else {}
        answer = {
            "topic": first.get("topic"),
            "lang": first.get("lang"),
            "services": services,
            "text": "\n\n".join(e.text for e in uttered if e.text),
        }
        results.append({**case, "answer": answer})
    return results


def evaluate(cases_file: Path, settings: Settings) -> dict[str, Any]:
    """Run every case as a fresh conversation and return the results with a summary."""
    cases = load_cases(cases_file)
    port = free_port()
    settings = replace(settings, actions_port=port)
    stack = Stack(settings, quiet=True)
    stack.children = [c for c in stack.children if c.name == "actions"]
    stack.start()
    try:
        results = asyncio.run(_run_cases(cases, settings, f"http://{settings.host}:{port}/webhook"))
    finally:
        stack.stop()
    scope = get_scope()
    detector = LanguageDetector()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        verdict = score_case(result, result["answer"], scope, detector)
        result["correct"] = verdict["correct"]
        result["problems"] = verdict["problems"]
        for key in ("all", str(result.get("lang"))):
            totals[key][0] += int(verdict["correct"])
            totals[key][1] += 1
    by_lang = {k: round(v[0] / v[1], 4) for k, v in sorted(totals.items()) if k != "all"}
    overall = totals["all"][0] / totals["all"][1] if totals["all"][1] else 0.0
    model = model_path(settings)
    meta = {
        "cases_file": str(cases_file),
        "model": str(model),
        "model_trained": datetime.fromtimestamp(model.stat().st_mtime, timezone.utc).isoformat(timespec="seconds"),
        "evaluated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    return {"cases": results, "summary": {"accuracy": round(overall, 4), "by_lang": by_lang,
                                          "count": totals["all"][1]}, "meta": meta}


def print_summary(report: dict[str, Any]) -> None:
    """The per-language table (cases, correct, accuracy, misses) and the missed cases on the terminal."""
    from bot.evalreport.cli import print_summary as show

    show(report)


def write_json(report: dict[str, Any], path: Path) -> None:
    """Write the report as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
