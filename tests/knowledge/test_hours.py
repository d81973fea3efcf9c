"""'Open now' and 'opens Monday at 08:00' in Europe/Berlin time, for a fixed clock, in the reply language."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Service
from bot.knowledge.render import render_service
from bot.settings import get_settings

UTC = dt.timezone.utc
HOURS = "Mo-Fr 08:00-12:00; Th 14:00-18:00; PH off"


@pytest.fixture(scope="module")
def office() -> Service:
    kb, _findings = load_knowledge(get_settings().knowledge_dir)
    assert kb is not None
    service = next(s for s in kb.services.values() if s.opening_hours)
    return dataclasses.replace(service, opening_hours=HOURS)


def test_open_now_until_noon_in_winter_time(office: Service) -> None:
    # 08:30 UTC on a Tuesday in November is 09:30 in Berlin
    text = render_service(office, "de", now=dt.datetime(2026, 11, 24, 8, 30, tzinfo=UTC))
    assert "Jetzt geöffnet, bis 12:00 Uhr." in text


def test_berlin_summer_time_is_used(office: Service) -> None:
    # 06:30 UTC in July is 08:30 in Berlin (CEST): open; the same UTC time in winter is 07:30: closed
    assert "Open now" in render_service(office, "en", now=dt.datetime(2026, 7, 7, 6, 30, tzinfo=UTC))
    assert "Opens today at 8:00" in render_service(office, "en", now=dt.datetime(2026, 12, 8, 6, 30, tzinfo=UTC))


def test_closed_on_saturday_names_monday_in_each_language(office: Service) -> None:
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert "Öffnet am Montag, 30. November um 08:00 Uhr" in render_service(office, "de", now=saturday)
    assert "Monday" in render_service(office, "en", now=saturday)
    assert "понеділок" in render_service(office, "uk", now=saturday)
    assert "понедельник" in render_service(office, "ru", now=saturday)
    assert "الاثنين" in render_service(office, "ar", now=saturday)
    assert "دوشنبه" in render_service(office, "fa", now=saturday)
    assert "Pazartesi" in render_service(office, "tr", now=saturday)


def test_public_holiday_is_closed(office: Service) -> None:
    # 25 December 2026 is a Friday and a public holiday: next opening is Monday 28 December
    text = render_service(office, "de", now=dt.datetime(2026, 12, 25, 9, 0, tzinfo=UTC))
    assert "Jetzt geschlossen" in text and "Montag, 28. Dezember" in text


def test_afternoon_hours_on_thursday(office: Service) -> None:
    text = render_service(office, "de", now=dt.datetime(2026, 11, 26, 12, 30, tzinfo=UTC))  # 13:30 Berlin
    assert "Öffnet heute um 14:00 Uhr" in text
