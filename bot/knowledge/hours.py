"""Opening hours in OpenStreetMap syntax: open now, next opening, formatted for the reply language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time
from opening_hours import OpeningHours

BERLIN = ZoneInfo("Europe/Berlin")


class HoursError(ValueError):
    """An opening_hours value that does not parse."""


@dataclass(frozen=True)
class HoursState:
    """Whether a place is open at a moment, and when that changes (Berlin local time, naive)."""

    open: bool
    unknown: bool
    next_change: dt.datetime | None


def parse(expression: str) -> OpeningHours:
    """Parse an OSM opening_hours expression; raise HoursError if it does not parse."""
    try:
        # country DE: "PH" means German public holidays (nationwide ones; state-only days need an explicit rule)
        return OpeningHours(expression, country="DE")
    except Exception as exc:  # noqa: BLE001 - the library raises its own ParserError (not exported in stubs)
        raise HoursError(str(exc)) from exc


def state(expression: str, now: dt.datetime | None = None) -> HoursState:
    """State of the opening hours at `now` (any timezone; evaluated in Europe/Berlin)."""
    hours = parse(expression)
    local = (now or dt.datetime.now(tz=BERLIN)).astimezone(BERLIN).replace(tzinfo=None)
    return HoursState(
        open=bool(hours.is_open(local)),
        unknown=bool(hours.is_unknown(local)),
        next_change=hours.next_change(local),
    )


def berlin_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Germany (what dated facts and opening hours are measured against)."""
    return (now or dt.datetime.now(tz=BERLIN)).astimezone(BERLIN).date()


def format_moment(moment: dt.datetime, lang: str, now: dt.datetime | None = None) -> tuple[str, str]:
    """(day, time) for the reply language, e.g. ('Dienstag, 24.11.', '07:30')."""
    today = berlin_today(now)
    weekday = format_date(moment.date(), format="EEEE", locale=lang)
    day = f"{weekday}, {format_skeleton('MMMMd', moment.date(), locale=lang)}"
    if moment.date() == today:
        day = ""
    return day, format_time(moment.time(), format="short", locale=lang)
