"""Public holidays and lines that never close, with a fixed clock: no "open now" on 25 December or on
Corpus Christi in NRW, and a 24/7 line reads "day and night"."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.knowledge.loader import ERROR, load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.render import render_service, render_topic
from bot.settings import get_settings

BERLIN_10AM_UTC = dt.time(9, 0, tzinfo=dt.timezone.utc)  # 10:00 in Berlin in winter


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    knowledge, _findings = load_knowledge(get_settings().knowledge_dir)
    assert knowledge is not None
    return knowledge


def _all_replies(kb: KnowledgeBase, now: dt.datetime) -> str:
    texts = []
    for topic, info in kb.scope.topics.items():
        for region in (kb.scope.regions if info.local else [None]):
            texts.extend(render_topic(kb, topic, "en", region, now).messages)
    return "\n".join(texts)


@pytest.mark.parametrize("day", [dt.date(2026, 12, 25), dt.date(2026, 12, 26), dt.date(2027, 1, 1)])
def test_nothing_is_open_now_on_a_nationwide_holiday(kb: KnowledgeBase, day: dt.date) -> None:
    replies = _all_replies(kb, dt.datetime.combine(day, BERLIN_10AM_UTC))
    assert "Open now" not in replies


@pytest.mark.parametrize("day", [dt.date(2027, 5, 27), dt.date(2027, 11, 1)])  # Corpus Christi, All Saints (NRW)
def test_no_office_in_nrw_and_no_bamf_line_is_open_on_an_nrw_holiday(kb: KnowledgeBase, day: dt.date) -> None:
    now = dt.datetime.combine(day, BERLIN_10AM_UTC)
    for service in kb.services.values():
        if service.region != "national" or service.id in ("national/bamf-buergerservice", "national/behoerdennummer-115"):
            assert "Open now" not in render_service(service, "en", now), service.id


def test_the_same_offices_are_open_on_an_ordinary_weekday(kb: KnowledgeBase) -> None:
    assert "Open now" in _all_replies(kb, dt.datetime.combine(dt.date(2026, 12, 22), BERLIN_10AM_UTC))


def test_a_line_that_never_closes_reads_day_and_night(kb: KnowledgeBase) -> None:
    line = next(s for s in kb.services.values() if s.opening_hours == "24/7")
    christmas = dt.datetime.combine(dt.date(2026, 12, 25), BERLIN_10AM_UTC)
    assert "Day and night, every day." in render_service(line, "en", christmas)
    assert "Tag und Nacht, jeden Tag." in render_service(line, "de", christmas)
    assert "Open now" not in render_service(line, "en", christmas)


def test_weekday_hours_without_a_holiday_rule_are_an_error(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    shutil.copytree(get_settings().knowledge_dir, directory)
    services = directory / "services" / "bielefeld.yml"
    text = services.read_text(encoding="utf-8")
    old = '"Mo-Fr 07:30-18:00; PH off; 2027 May 27 off; Nov 01 off"'
    assert old in text
    services.write_text(text.replace(old, '"Mo-Fr 07:30-18:00"', 1), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    _kb, findings = load_knowledge(directory)
    errors = [f for f in findings if f.level == ERROR and "public-holiday" in f.message]
    assert [(f.path.name, f.line) for f in errors] == [("bielefeld.yml", line)]
