"""Facts that change (`depends_on`): `kb check` warns before and after their date, and from that date the
reply says, in the person's language, that it may have changed and where to check it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from bot.knowledge.loader import ERROR, WARNING, load_knowledge
from bot.knowledge.render import render_topic
from bot.settings import get_settings

MINIMUM_WAGE = """depends_on:
- fact: Mindestlohn 13,90 Euro
  valid_until: 2026-12-31
  check: https://www.mindestlohn-kommission.de
"""


def _knowledge(tmp_path: Path, wage: str = MINIMUM_WAGE) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(get_settings().knowledge_dir, directory)
    source = directory / "topics" / "work-and-jobs" / "de.yml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text[:text.index("depends_on:")] + wage, encoding="utf-8")
    return directory


def _warnings(directory: Path, today: dt.date) -> list[str]:
    _kb, findings = load_knowledge(directory, today=today)
    return [f"{f.path.name}:{f.line}: {f.message}" for f in findings if f.level == WARNING and "Mindestlohn" in f.message]


def test_kb_check_warns_a_month_before_and_after_the_date(tmp_path: Path) -> None:
    directory = _knowledge(tmp_path)
    assert _warnings(directory, dt.date(2026, 11, 1)) == []
    soon = _warnings(directory, dt.date(2026, 12, 10))
    assert len(soon) == 1 and "from 2027-01-01 (in 22 days)" in soon[0] and soon[0].startswith("de.yml:")
    late = _warnings(directory, dt.date(2027, 1, 2))
    assert len(late) == 1 and "no longer valid since 2027-01-01" in late[0]


def test_the_reply_says_it_may_have_changed_from_the_date_on(tmp_path: Path) -> None:
    kb, _findings = load_knowledge(_knowledge(tmp_path), today=dt.date(2027, 1, 5))
    assert kb is not None
    before = "\n".join(render_topic(kb, "work-and-jobs", "uk", None, dt.datetime(2026, 12, 31, 12)).messages)
    after = "\n".join(render_topic(kb, "work-and-jobs", "uk", None, dt.datetime(2027, 1, 1, 9)).messages)
    assert "mindestlohn-kommission.de" not in before
    assert "Це могло змінитися з 1 січня 2027" in after and "https://www.mindestlohn-kommission.de" in after
    german = "\n".join(render_topic(kb, "work-and-jobs", "de", None, dt.datetime(2027, 1, 1, 9)).messages)
    assert "Das kann sich seit dem 1. Januar 2027 geändert haben" in german


def test_a_service_fact_past_its_date_is_flagged_on_the_service(tmp_path: Path) -> None:
    directory = _knowledge(tmp_path)
    services = directory / "services" / "bielefeld.yml"
    text = services.read_text(encoding="utf-8")
    anchor = '    opening_hours: "Mo-Fr 07:30-18:00; PH off; 2027 May 27 off; Nov 01 off"\n'
    services.write_text(text.replace(anchor, anchor + "    depends_on:\n      - fact: Öffnungszeiten bis Jahresende\n"
                                     "        review_by: 2027-01-01\n", 1), encoding="utf-8")
    kb, _findings = load_knowledge(directory, today=dt.date(2027, 1, 2))
    assert kb is not None
    reply = "\n".join(render_topic(kb, "residence-registration", "en", "bielefeld", dt.datetime(2027, 1, 4, 9)).messages)
    block = reply[reply.index("BürgerServiceCenter"):].split("\n\n")[0]
    assert "This may have changed since January 1, 2027. Please check: " in block and "bielefeld.de/abh" in block


def test_a_broken_entry_is_an_error_with_its_line(tmp_path: Path) -> None:
    broken = "depends_on:\n- fact: Mindestlohn\n  valid_until: 31.12.2026\n"
    _kb, findings = load_knowledge(_knowledge(tmp_path, broken), today=dt.date(2026, 12, 4))
    errors = [f for f in findings if f.level == ERROR]
    assert errors and "is not a date" in errors[0].message and errors[0].path.name == "de.yml"
