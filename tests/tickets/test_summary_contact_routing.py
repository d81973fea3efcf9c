"""German summary, contact validation and routing to teams."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.scope import get_scope
from bot.settings import ROOT
from bot.tickets.contact import Contact, InvalidContactError, make_contact
from bot.tickets.db import session_scope
from bot.tickets.repository import claim, get_ticket
from bot.tickets.routing import NoTeamForRegionError, TeamsFileError, load_teams, team_for_region
from bot.tickets.summary import german_summary
from bot.tickets.vocab import LIFE_AREA_LABELS, ContactChannel, LifeArea, Urgency
from tests.tickets.conftest import open_example


def test_the_summary_is_german_whatever_the_persons_language(engine: Engine) -> None:
    with session_scope(engine) as session:
        number = open_example(session, urgency=Urgency.URGENT, deadline=date(2026, 3, 20)).ticket.number
        claim(session, number, "anna")
    with session_scope(engine) as session:
        summary = german_summary(get_ticket(session, number), {"housing": "Wohnen und Mietrecht"})
    assert "Vorgang:" in summary and "BI-2026-000001" in summary
    assert "Status:           In Bearbeitung" in summary
    assert "Dringlichkeit:    Dringend" in summary
    assert "Frist:            20.03.2026" in summary
    assert "Lebensbereiche:   Wohnen, Geld und Leistungen" in summary
    assert "Themen:           Wohnen und Mietrecht" in summary
    assert "Sprache:          Persisch (Farsi/Dari)" in summary
    assert "Kontakt:          Telefon: +49 521 12345678" in summary
    assert "Einwilligung:     Fassung privacy-2026-01, erteilt am 02.03.2026, 10:30" in summary
    assert "Zuständig:        anna" in summary
    assert summary.endswith("صاحبخانه می‌خواهد ما را بیرون کند")


def test_every_life_area_has_a_german_label() -> None:
    assert set(LIFE_AREA_LABELS) == set(LifeArea)
    assert LifeArea("residence").label == "Aufenthalts- und Ausländerrecht"


@pytest.mark.parametrize(("given", "expected"), [
    ("0521 12345678", "+4952112345678"),
    ("+49 (0)176 1234 5678", "+4917612345678"),
    ("0176-12345678", "+4917612345678"),
    ("+380 44 123 4567", "+380441234567"),
])
def test_phone_numbers_are_normalised(given: str, expected: str) -> None:
    assert make_contact("phone", given) == Contact(ContactChannel.PHONE, expected)


@pytest.mark.parametrize("given", ["12", "call me", "+49 123", ""])
def test_invalid_phone_numbers_are_refused(given: str) -> None:
    with pytest.raises(InvalidContactError):
        make_contact(ContactChannel.PHONE, given)


def test_email_addresses() -> None:
    assert make_contact("email", " Olena.K@Example.DE ").value == "Olena.K@example.de"
    assert make_contact("email", "имя@пример.рф").value == "имя@пример.рф"
    for bad in ["olena", "olena@", "@example.de", "olena@example", "a b@example.de", "olena@@example.de"]:
        with pytest.raises(InvalidContactError):
            make_contact("email", bad)
    assert make_contact("chat") == Contact(ContactChannel.CHAT, None)


def test_routing_uses_the_parent_region_when_a_region_has_no_team() -> None:
    scope = get_scope()
    teams = load_teams(ROOT / "teams.yml", set(scope.regions))
    assert teams.for_region("bielefeld", scope.region_chain).id == "bielefeld"
    assert teams.for_region("detmold", scope.region_chain).id == "kreis-lippe"
    assert not any(team.has_targets for team in teams.teams.values())  # zero setup: nothing to send
    example = load_teams(ROOT / "teams.example.yml", set(scope.regions))
    assert example.for_region("detmold", scope.region_chain).id == "detmold"
    with pytest.raises(NoTeamForRegionError):
        teams.for_region("münster", scope.region_chain)
    assert team_for_region("detmold").id == "kreis-lippe"  # the configured file (teams.yml here)


@pytest.mark.parametrize("text", [
    "teams: []",
    "teams:\n  a: {regions: [atlantis]}",
    "teams:\n  a: {regions: [bielefeld]}\n  b: {regions: [bielefeld]}",
    "teams:\n  a: {name: A}",
])
def test_broken_teams_files_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "teams.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TeamsFileError):
        load_teams(path, set(get_scope().regions))
