"""Turn knowledge into the messages a person reads, in their language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from babel.dates import format_date

from bot.i18n import gettext_for
from bot.knowledge import hours
from bot.knowledge.model import Dependency, KnowledgeBase, Service
from bot.lang.names import autonym
from bot.lang.registry import is_rtl

LRI, PDI = "\u2066", "\u2069"  # isolate left-to-right runs inside right-to-left text


@dataclass
class Reply:
    """Messages for one answer, and what they contain (for channels, evaluation and tickets)."""

    messages: list[str] = field(default_factory=list)
    topic: str | None = None
    lang: str = "de"
    services: list[Service] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        """The structured description attached to the messages' metadata."""
        return {
            "topic": self.topic,
            "lang": self.lang,
            "services": [{"id": s.id, "region": s.region} for s in self.services],
        }


def isolate(text: str, lang: str) -> str:
    """Keep addresses, numbers and links in reading order inside right-to-left text."""
    return f"{LRI}{text}{PDI}" if is_rtl(lang) else text


def format_phone(number: str) -> str:
    """International format where the number parses (short numbers like 110 stay as they are)."""
    try:
        parsed = phonenumbers.parse(number, "DE")
    except phonenumbers.NumberParseException:
        return number
    if len(number.strip()) <= 6 or not phonenumbers.is_possible_number(parsed):
        return number.strip()
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def region_display_name(kb: KnowledgeBase, region_id: str) -> str:
    """Short proper name of a region, e.g. 'Kreis Lippe'."""
    region = kb.scope.regions.get(region_id)
    if region is None:
        return region_id
    return region.name.split(" (")[0]


def _hours_line(service: Service, lang: str, _: Callable[[str], str], now: dt.datetime | None) -> str | None:
    if not service.opening_hours:
        return None
    try:
        current = hours.state(service.opening_hours, now)
    except hours.HoursError:
        return None
    if current.unknown:
        return None
    if current.open:
        if current.next_change is None:  # never closes (24/7): "open now" would suggest that it may close
            return _("Day and night, every day.")
        _day, time = hours.format_moment(current.next_change, lang, now)
        return _("Open now, until {time}.").format(time=isolate(time, lang))
    if current.next_change is None:
        return None
    day, time = hours.format_moment(current.next_change, lang, now)
    if day:
        return _("Closed now. Opens {day} at {time}.").format(day=day, time=isolate(time, lang))
    return _("Closed now. Opens today at {time}.").format(time=isolate(time, lang))


def render_service(service: Service, lang: str, now: dt.datetime | None = None) -> str:
    """One service as a short block."""
    _ = gettext_for(lang)
    lines = [f"▸ {isolate(service.name, lang)}"]
    if service.address:
        lines.append(f"   📍 {isolate(service.address, lang)}")
    if service.phones:
        phones = ", ".join(isolate(format_phone(p), lang) for p in service.phones)
        lines.append(f"   ☎ {phones}")
    if service.email:
        lines.append(f"   ✉ {isolate(service.email, lang)}")
    hours_line = _hours_line(service, lang, _, now)
    if hours_line:
        lines.append(f"   🕒 {hours_line}")
    if service.appointment == "required":
        lines.append("   " + _("Only with an appointment."))
    if service.website:
        lines.append(f"   🌐 {isolate(service.website, lang)}")
    if not service.review.verified:
        lines.append("   ⚠ " + _("Details not verified: please check the official page before you go."))
    today = hours.berlin_today(now)
    for fact in service.depends_on:
        if fact.is_due(today):
            lines.append("   ⚠ " + changed_note(fact, service.website, lang))
    return "\n".join(lines)


def changed_note(fact: Dependency, fallback_url: str | None, lang: str) -> str:
    """A fact past its date (`depends_on` in knowledge/): it may have changed; where to check it."""
    _ = gettext_for(lang)
    since = isolate(format_date(fact.due, format="long", locale=lang), lang)
    url = fact.check or fallback_url
    if url:
        return _("This may have changed since {date}. Please check: {url}").format(date=since, url=isolate(url, lang))
    return _("This may have changed since {date}. Please check with the office.").format(date=since)


def render_topic(
    kb: KnowledgeBase,
    topic: str,
    lang: str,
    region: str | None,
    now: dt.datetime | None = None,
) -> Reply:
    """The full answer to a topic for a person in `region` (None: region not known yet)."""
    _ = gettext_for(lang)
    reply = Reply(topic=topic, lang=lang)
    resolved = kb.resolve(topic, lang)
    if resolved is None:
        reply.messages.append(_("Sorry, I have no information on this yet."))
        return reply
    text = resolved.text
    parts = [text.title, text.answer]
    if text.steps:
        parts.append(_("What to do:") + "\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(text.steps, 1)))
    if text.bring:
        parts.append(_("What to bring:") + "\n" + "\n".join(f"• {b}" for b in text.bring))
    if text.links:
        parts.append(_("Official information:") + "\n" + "\n".join(
            f"🔗 {link.label}: {isolate(link.url, lang)}" for link in text.links))
    official = text.links[0].url if text.links else None
    notes = []
    if resolved.fallback:
        notes.append(_("This text is not available in {language} yet, so it is shown in {shown}.").format(
            language=autonym(lang), shown=autonym(text.lang)))
    if resolved.stale and official:
        notes.append(_("This translation may be out of date. The current rules are on the official page: {url}")
                     .format(url=isolate(official, lang)))
    elif not text.review.verified and official:
        notes.append(_("This summary has not been checked by an editor yet. Please confirm on the official page: {url}")
                     .format(url=isolate(official, lang)))
    today = hours.berlin_today(now)
    for fact in kb.due_facts(topic, today):
        notes.append(changed_note(fact, official, lang))
    if notes:
        parts.append("ℹ " + "\n".join(notes))
    reply.messages.append("\n\n".join(parts))

    if kb.scope.topics[topic].local and region:
        local = kb.local_services(topic, region)
        if local:
            reply.services.extend(local)
            header = _("Where to go in {region}:").format(region=region_display_name(kb, region))
            reply.messages.append(header + "\n\n" + "\n\n".join(render_service(s, lang, now) for s in local))
    national = kb.national_services(topic)
    if national:
        reply.services.extend(national)
        reply.messages.append(_("Nationwide:") + "\n\n" + "\n\n".join(render_service(s, lang, now) for s in national))
    return reply
