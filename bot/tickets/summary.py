"""The ticket in German for case managers, whatever language the person wrote in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.tickets.contact import format_contact
from bot.tickets.models import Ticket
from bot.tickets.vocab import (
    LifeArea,
    NotificationStatus,
    Status,
    Urgency,
    language_label,
    region_label,
)

LOCAL_TIME = ZoneInfo("Europe/Berlin")


def local_time(value: datetime) -> str:
    """A timestamp as German local time, e.g. `24.11.2026, 14:05`."""
    return value.astimezone(LOCAL_TIME).strftime("%d.%m.%Y, %H:%M")


def life_area_labels(ids: list[str]) -> list[str]:
    """German labels of life area ids (unknown ids are shown as they are)."""
    labels = []
    for area in ids:
        try:
            labels.append(LifeArea(area).label)
        except ValueError:
            labels.append(area)
    return labels


def summary_rows(ticket: Ticket, topic_names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The structured fields as (German label, German value) rows, in the order the desk shows them."""
    topic_names = topic_names or {}
    rows = [
        ("Vorgang", ticket.number),
        ("Status", Status(ticket.status).label),
        ("Dringlichkeit", Urgency(ticket.urgency).label),
        ("Frist", ticket.deadline.strftime("%d.%m.%Y") if ticket.deadline else "keine"),
        ("Region", region_label(ticket.region)),
        ("Team", region_label(ticket.team)),
        ("Lebensbereiche", ", ".join(life_area_labels(ticket.life_areas)) or "keine Angabe"),
        ("Themen", ", ".join(topic_names.get(t, t) for t in ticket.topics) or "keine Angabe"),
        ("Sprache", language_label(ticket.language)),
        ("Name", ticket.person_name or "keine Angabe"),
        ("Kontakt", format_contact(ticket.contact_channel, ticket.contact_value)),
        ("Einwilligung", f"Fassung {ticket.consent_version}, erteilt am {local_time(ticket.consent_at)}"),
        ("Eingegangen", local_time(ticket.created_at)),
        ("Zuletzt geändert", local_time(ticket.updated_at)),
        ("Zuständig", ticket.assigned_to or "noch niemand"),
        ("Benachrichtigung", NotificationStatus(ticket.notification_status).label),
    ]
    if ticket.pseudonymised_at:
        rows.append(("Pseudonymisiert", local_time(ticket.pseudonymised_at)))
    return rows


def german_summary(ticket: Ticket, topic_names: dict[str, str] | None = None) -> str:
    """A plain-text German summary: the structured fields, then the description in the person's words."""
    width = max(len(label) for label, _ in summary_rows(ticket, topic_names))
    lines = [f"{label + ':':<{width + 1}} {value}" for label, value in summary_rows(ticket, topic_names)]
    lines += ["", "Anliegen (in den Worten der Person):", ticket.description or "keine Angabe"]
    return "\n".join(lines)
