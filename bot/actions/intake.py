"""The handoff intake (the Rasa form `intake_form`): consent first, then what a case manager needs to act
without asking everything again; a summary to confirm or correct; then a ticket for the team of the
person's region, with its number and what happens next.

Every answer reaches the form as the text typed or the button's payload (`from_text` slot mappings);
`validate_intake_form` decides what it means. A danger shown in any answer puts the emergency numbers
first and marks the request urgent."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any

from babel.dates import format_date
from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.engine import Engine

from bot.actions.base import WegweiserAction, described_replies, knowledge, language_of, region_buttons, send
from bot.actions.handoff import handoff_reply
from bot.gazetteer import Gazetteer, tokens
from bot.i18n import gettext_for, ngettext_for
from bot.knowledge.render import Reply, region_display_name, render_topic
from bot.lang.dates import parse_date
from bot.lang.names import autonym
from bot.names import (
    ACTION_SUBMIT_INTAKE,
    ACTION_VALIDATE_INTAKE,
    ENTITY_CHOICE,
    ENTITY_LANGUAGE,
    ENTITY_REGION,
    INTAKE_ANSWER_SLOTS,
    INTAKE_STATE_SLOTS,
    INTENT_AFFIRM,
    INTENT_DENY,
    INTENT_INTAKE_CHOICE,
    META_KEY,
    OUTCOME_HANDOFF,
    SLOT_INTAKE_AREAS,
    SLOT_INTAKE_CONFIRM,
    SLOT_INTAKE_CONSENT,
    SLOT_INTAKE_CONSENT_AT,
    SLOT_INTAKE_CONTACT,
    SLOT_INTAKE_DEADLINE,
    SLOT_INTAKE_DESCRIPTION,
    SLOT_INTAKE_EDITING,
    SLOT_INTAKE_LANGUAGE,
    SLOT_INTAKE_NAME,
    SLOT_INTAKE_REGION,
    SLOT_INTAKE_SELECTED,
    SLOT_INTAKE_TOPIC,
    SLOT_INTAKE_URGENT,
    SLOT_REGION,
    topic_from_intent,
)
from bot.safety import DangerKind, detect_danger
from bot.settings import get_settings
from bot.tickets.contact import Contact, InvalidContactError, make_contact
from bot.tickets.vocab import OPEN_STATUSES, Author, ContactChannel, LifeArea, Urgency

log = logging.getLogger(__name__)

CONSENT_VERSION = "intake-consent-v1"
MAX_DESCRIPTION = 2000
MAX_NAME = 80
# a typed answer names a button when it has at most this many words (and one more than the button's title)
MAX_CHOICE_WORDS = 6
# how far back the buttons on screen are looked for
LOOK_BACK_EVENTS = 40
TRANSCRIPT_LIMIT = 60
# a deadline this close makes the request urgent
URGENT_WITHIN_DAYS = 7
# the topics whose danger makes the short intake (consent, region, contact, confirm) enough
DANGER_TOPICS = {DangerKind.VIOLENCE: "violence-and-protection", DangerKind.CRISIS: "mental-health",
                 DangerKind.EMERGENCY: "doctors-and-emergencies"}
CANCEL = "cancel"  # the value of the button that leaves the intake at any question
SHORT_INTAKE_TOPICS = frozenset({"violence-and-protection", "mental-health"})

# the life areas a topic belongs to: preselected in the intake, and how a typed answer is understood
TOPIC_AREAS: dict[str, tuple[LifeArea, ...]] = {
    "residence-registration": (LifeArea.RESIDENCE,),
    "immigration-office": (LifeArea.RESIDENCE,),
    "asylum-procedure": (LifeArea.RESIDENCE,),
    "family-reunification": (LifeArea.FAMILY, LifeArea.RESIDENCE),
    "integration-course": (LifeArea.LANGUAGE,),
    "language-course": (LifeArea.LANGUAGE,),
    "recognition-qualifications": (LifeArea.WORK,),
    "social-benefits": (LifeArea.MONEY,),
    "work-and-jobs": (LifeArea.WORK,),
    "housing": (LifeArea.HOUSING,),
    "childcare-kita": (LifeArea.SCHOOL_CHILDCARE,),
    "school-enrollment": (LifeArea.SCHOOL_CHILDCARE,),
    "health-insurance": (LifeArea.HEALTH,),
    "doctors-and-emergencies": (LifeArea.HEALTH,),
    "mental-health": (LifeArea.HEALTH,),
    "violence-and-protection": (LifeArea.FAMILY,),
    "legal-advice": (LifeArea.RESIDENCE,),
    "bank-account": (LifeArea.MONEY,),
    "interpreting-translation": (LifeArea.LANGUAGE,),
    "naturalisation": (LifeArea.RESIDENCE,),
}


def area_label(area: LifeArea, lang: str) -> str:
    """A life area in the person's language."""
    _ = gettext_for(lang)
    labels = {
        LifeArea.RESIDENCE: _("Residence and immigration law"),
        LifeArea.WORK: _("Work"),
        LifeArea.MONEY: _("Money"),
        LifeArea.HOUSING: _("Housing"),
        LifeArea.SCHOOL_CHILDCARE: _("School and childcare"),
        LifeArea.HEALTH: _("Health"),
        LifeArea.LANGUAGE: _("Language"),
        LifeArea.FAMILY: _("Family"),
    }
    return labels[area]


def choice_payload(value: str) -> str:
    """The payload of an intake button."""
    return f"/{INTENT_INTAKE_CHOICE}" + json.dumps({ENTITY_CHOICE: value}, separators=(",", ":"))


def _button(title: str, value: str) -> dict[str, str]:
    return {"title": title, "payload": choice_payload(value)}


def pressed_choice(tracker: Tracker) -> str | None:
    """The value of the intake button the person pressed in this turn, if any."""
    message = tracker.latest_message or {}
    if (message.get("intent") or {}).get("name") != INTENT_INTAKE_CHOICE:
        return None
    for entity in message.get("entities") or []:
        if entity.get("entity") == ENTITY_CHOICE and entity.get("value"):
            return str(entity["value"])
    return None


def offered_buttons(tracker: Tracker) -> dict[str, str]:
    """The intake buttons of the assistant's latest message that had any (value -> title as shown)."""
    prefix = f"/{INTENT_INTAKE_CHOICE}"
    for event in reversed(tracker.events[-LOOK_BACK_EVENTS:]):
        buttons = (event.get("data") or {}).get("buttons") if event.get("event") == "bot" else None
        if not buttons:
            continue
        offered = {}
        for button in buttons:
            payload = str(button.get("payload") or "")
            if payload.startswith(prefix):
                value = (json.loads(payload[len(prefix):] or "{}") or {}).get(ENTITY_CHOICE)
                if value:
                    offered[str(value)] = str(button.get("title") or "").removeprefix("✓ ")
        return offered
    return {}


def typed_choice(tracker: Tracker) -> str | None:
    """A short typed answer that names a button just offered ("fertig", "keine frist", "скасувати") counts
    as pressing it; a longer text (a description that mentions "cancel") does not."""
    text = typed_text(tracker)
    if not text or len(tokens(text)) > MAX_CHOICE_WORDS:
        return None
    offered = offered_buttons(tracker)
    matches = Gazetteer({value: [title] for value, title in offered.items() if title}).find(text)
    if len(matches) != 1:
        return None
    extra = len(tokens(text)) - len(tokens(matches[0].name))
    return matches[0].key if extra <= 1 else None


def latest_choice(tracker: Tracker) -> str | None:
    """The intake button pressed in this turn, or named by a short typed answer."""
    return pressed_choice(tracker) or typed_choice(tracker)


def latest_intent(tracker: Tracker) -> str | None:
    """The intent of the person's latest message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, name: str) -> str | None:
    """The first value of an entity in the latest message."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def typed_text(tracker: Tracker) -> str | None:
    """What the person typed (not a button payload), stripped; None for payloads and blanks."""
    text = str((tracker.latest_message or {}).get("text") or "").strip()
    return text if text and not text.startswith("/") else None


def selected_areas(tracker: Tracker) -> list[str]:
    """The life areas chosen so far."""
    value = tracker.get_slot(SLOT_INTAKE_SELECTED) or []
    return [a for a in value if a in LifeArea._value2member_map_]


def contact_of(value: str) -> Contact:
    """The contact stored in the slot (`chat`, `phone:…`, `email:…`)."""
    channel, _, rest = value.partition(":")
    return Contact(ContactChannel(channel), rest or None)


def contact_text(value: str, lang: str) -> str:
    """The contact as the person reads it in the summary."""
    _ = gettext_for(lang)
    contact = contact_of(value)
    if contact.channel is ContactChannel.CHAT:
        return _("here in this chat")
    return contact.value or ""


def language_name(code: str) -> str:
    """A language in its own name (the code when there is none)."""
    return autonym(code)


def deadline_text(value: str | None, lang: str) -> str:
    """The deadline as the person reads it."""
    _ = gettext_for(lang)
    if not value or value == "none":
        return _("no deadline")
    return format_date(dt.date.fromisoformat(value), format="long", locale=lang)


def ticket_engine() -> Engine:
    """The tickets database (migrated once per process)."""
    from bot.tickets.db import ready_engine

    return ready_engine()


def open_ticket_number(sender_id: str) -> str | None:
    """The number of this conversation's ticket that is still open, if any."""
    from bot.tickets.db import session_scope
    from bot.tickets.repository import tickets_of_conversation

    with session_scope(ticket_engine()) as session:
        for ticket in tickets_of_conversation(session, sender_id):
            if ticket.status in {s.value for s in OPEN_STATUSES}:
                return str(ticket.number)
    return None


def short_intake(tracker: Tracker) -> bool:
    """Danger: ask only what is needed to reach the person (consent, region, contact, confirm)."""
    return bool(tracker.get_slot(SLOT_INTAKE_URGENT)) and tracker.get_slot(SLOT_INTAKE_TOPIC) in SHORT_INTAKE_TOPICS


def danger_reply(kind: DangerKind, lang: str, region: str | None) -> Reply:
    """The emergency numbers for a danger: the answer of the topic that gives them."""
    return render_topic(knowledge(), DANGER_TOPICS[kind], lang, region)


def _reply(lang: str, *messages: str) -> Reply:
    return Reply(messages=list(messages), topic=OUTCOME_HANDOFF, lang=lang)


# ---------------------------------------------------------------------------------------- questions


def _consent_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    settings = get_settings()
    region = tracker.get_slot(SLOT_REGION)
    who = (_("the integration case management (Kommunales Integrationsmanagement) of {region}").format(
        region=region_display_name(knowledge(), region)) if region else
        _("the integration case management (Kommunales Integrationsmanagement) of your city or district"))
    text = "\n\n".join([
        _("I can pass your request to a case manager. First I need your consent."),
        _("What is shared: your answers to the next questions (your region, the topics, a short description, "
          "how to reach you, your language, a deadline, a name if you give one) and this conversation."),
        _("With whom: only {who}. Case managers are bound to confidentiality.").format(who=who),
        ngettext("For how long: until your request is finished, then at most {days} day. You can delete "
                 "everything at any time with /delete.",
                 "For how long: until your request is finished, then at most {days} days. You can delete "
                 "everything at any time with /delete.", settings.retention_days).format(days=settings.retention_days),
        _("Do you agree?"),
    ])
    return text, [{"title": _("Yes, I agree"), "payload": f"/{INTENT_AFFIRM}"},
                  {"title": _("No"), "payload": f"/{INTENT_DENY}"}]


def _region_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    return _("Where do you live? The team of your city or district will help you."), region_buttons(knowledge(), lang)


def _areas_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    chosen = selected_areas(tracker)
    buttons = [_button(("✓ " if area.value in chosen else "") + area_label(area, lang), f"area:{area.value}")
               for area in LifeArea]
    buttons.append(_button(_("Done"), "done"))
    text = _("Which areas of life is it about? Choose one or more, then press 'Done'.")
    if chosen:
        text += "\n" + _("Chosen: {areas}").format(areas=", ".join(area_label(LifeArea(a), lang) for a in chosen))
    return text, buttons


def _description_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    return _("Please describe briefly, in your own words and your own language, what you need help with."), []


def _contact_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    return (_("How should the case manager contact you? Press the button to get the answer here in this chat, "
              "or write your phone number or e-mail address."),
            [_button(_("Here in this chat"), "contact:chat")])


def _language_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    codes = list(dict.fromkeys([lang, "de", "en"]))
    return (_("In which language should the case manager talk to you? If it is another language, write its "
              "name: an interpreter can often be arranged."),
            [_button(language_name(code), f"lang:{code}") for code in codes])


def _deadline_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    return (_("Is there a deadline, for example in a letter from an office? Then write the date (for example "
              "15.12.). Otherwise press 'No deadline'."),
            [_button(_("No deadline"), "deadline:none")])


def _name_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    return (_("What is your name? This is optional: you can skip it."),
            [_button(_("Skip"), "name:none")])


def summary_text(tracker: Tracker, lang: str) -> str:
    """What will be sent, in the person's language."""
    _ = gettext_for(lang)
    region = tracker.get_slot(SLOT_REGION)  # the intake's region answer sets it once understood
    lines = [_("Please check your request:")]
    if region:
        lines.append(_("Region: {value}").format(value=region_display_name(knowledge(), region)))
    areas = [a for a in str(tracker.get_slot(SLOT_INTAKE_AREAS) or "").split(",") if a]
    if areas:
        lines.append(_("Areas: {value}").format(value=", ".join(area_label(LifeArea(a), lang) for a in areas)))
    description = tracker.get_slot(SLOT_INTAKE_DESCRIPTION)
    if description:
        lines.append(_("Your description: {value}").format(value=description))
    contact = tracker.get_slot(SLOT_INTAKE_CONTACT)
    if contact:
        lines.append(_("Contact: {value}").format(value=contact_text(contact, lang)))
    language = tracker.get_slot(SLOT_INTAKE_LANGUAGE)
    if language:
        lines.append(_("Language: {value}").format(value=language_name(language)))
    if not short_intake(tracker):
        lines.append(_("Deadline: {value}").format(value=deadline_text(tracker.get_slot(SLOT_INTAKE_DEADLINE), lang)))
    name = tracker.get_slot(SLOT_INTAKE_NAME)
    if name and name != "none":
        lines.append(_("Name: {value}").format(value=name))
    if tracker.get_slot(SLOT_INTAKE_URGENT):
        lines.append(_("Urgent: yes"))
    return "\n".join(lines)


def _confirm_question(tracker: Tracker, lang: str) -> tuple[str, list[dict[str, str]]]:
    _ = gettext_for(lang)
    if tracker.get_slot(SLOT_INTAKE_EDITING):
        fields = [(_("Region"), SLOT_INTAKE_REGION), (_("Areas"), SLOT_INTAKE_AREAS),
                  (_("Description"), SLOT_INTAKE_DESCRIPTION), (_("Contact"), SLOT_INTAKE_CONTACT),
                  (_("Language"), SLOT_INTAKE_LANGUAGE), (_("Deadline"), SLOT_INTAKE_DEADLINE),
                  (_("Name"), SLOT_INTAKE_NAME)]
        asked = set(INTAKE_REQUIRED_FULL if not short_intake(tracker) else INTAKE_REQUIRED_SHORT)
        return (_("What would you like to change?"),
                [_button(title, f"edit:{slot}") for title, slot in fields if slot in asked])
    return (summary_text(tracker, lang),
            [_button(_("Send"), "confirm:yes"), _button(_("Change something"), "confirm:edit"),
             _button(_("Cancel"), "confirm:cancel")])


QUESTIONS = {
    SLOT_INTAKE_CONSENT: _consent_question,
    SLOT_INTAKE_REGION: _region_question,
    SLOT_INTAKE_AREAS: _areas_question,
    SLOT_INTAKE_DESCRIPTION: _description_question,
    SLOT_INTAKE_CONTACT: _contact_question,
    SLOT_INTAKE_LANGUAGE: _language_question,
    SLOT_INTAKE_DEADLINE: _deadline_question,
    SLOT_INTAKE_NAME: _name_question,
    SLOT_INTAKE_CONFIRM: _confirm_question,
}
INTAKE_REQUIRED_FULL = INTAKE_ANSWER_SLOTS
INTAKE_REQUIRED_SHORT = (SLOT_INTAKE_CONSENT, SLOT_INTAKE_REGION, SLOT_INTAKE_CONTACT, SLOT_INTAKE_CONFIRM)


class _AskIntake(WegweiserAction):
    """Ask one question of the intake, in the person's language, with its buttons."""

    slot = ""

    def name(self) -> str:
        """`action_ask_<slot>`: the form calls it to ask for the slot."""
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Send the question."""
        lang = language_of(tracker)
        text, buttons = QUESTIONS[self.slot](tracker, lang)
        if self.slot not in (SLOT_INTAKE_CONSENT, SLOT_INTAKE_CONFIRM):  # those two have their own way out
            _ = gettext_for(lang)
            buttons = [*buttons, _button(_("Cancel"), CANCEL)]
        send(dispatcher, _reply(lang, text), buttons=buttons or None)
        return self.language_events(tracker, lang)


class ActionAskIntakeConsent(_AskIntake):
    """Consent first: what is shared, with whom, for how long."""

    slot = SLOT_INTAKE_CONSENT


class ActionAskIntakeRegion(_AskIntake):
    """The region decides the team."""

    slot = SLOT_INTAKE_REGION


class ActionAskIntakeAreas(_AskIntake):
    """Life areas, several at once."""

    slot = SLOT_INTAKE_AREAS


class ActionAskIntakeDescription(_AskIntake):
    """The request in the person's own words."""

    slot = SLOT_INTAKE_DESCRIPTION


class ActionAskIntakeContact(_AskIntake):
    """This chat, a phone number or an e-mail address."""

    slot = SLOT_INTAKE_CONTACT


class ActionAskIntakeLanguage(_AskIntake):
    """The language the case manager should use."""

    slot = SLOT_INTAKE_LANGUAGE


class ActionAskIntakeDeadline(_AskIntake):
    """A deadline, if there is one."""

    slot = SLOT_INTAKE_DEADLINE


class ActionAskIntakeName(_AskIntake):
    """A name, optional."""

    slot = SLOT_INTAKE_NAME


class ActionAskIntakeConfirm(_AskIntake):
    """The summary to confirm or correct."""

    slot = SLOT_INTAKE_CONFIRM


# ---------------------------------------------------------------------------------------- validation


class ValidateIntakeForm(FormValidationAction):
    """Understand each answer of the intake; re-ask with a hint when it cannot be used."""

    def name(self) -> str:
        """Action name."""
        return ACTION_VALIDATE_INTAKE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The cancel button ends the intake; danger first (emergency numbers, urgent), then the answer."""
        if latest_choice(tracker) == CANCEL:
            return [SlotSet(SLOT_INTAKE_CONFIRM, "cancel"), SlotSet("requested_slot", None)]
        events: list[EventType] = []
        text = typed_text(tracker)
        signal = detect_danger(text) if text else None
        if signal is not None and not tracker.get_slot(SLOT_INTAKE_URGENT):
            lang = language_of(tracker)
            _ = gettext_for(lang)
            send(dispatcher, danger_reply(signal.kind, lang, tracker.get_slot(SLOT_REGION)))
            send(dispatcher, _reply(lang, _("I have marked your request as urgent.")))
            events.append(SlotSet(SLOT_INTAKE_URGENT, True))
            log.info("danger (%s) during the intake: request marked urgent", signal.kind.value)
        return [*events, *await super().run(dispatcher, tracker, domain)]

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        """Consent first; nothing more without it, or when the cancel button was pressed, or when this
        conversation has an open ticket already; the region only when unknown; less in danger."""
        consent = tracker.get_slot(SLOT_INTAKE_CONSENT)
        if consent == "no" or tracker.get_slot(SLOT_INTAKE_CONFIRM) == "cancel":
            return []
        if consent is None and await asyncio.to_thread(open_ticket_number, tracker.sender_id) is not None:
            return []
        wanted = INTAKE_REQUIRED_SHORT if short_intake(tracker) else INTAKE_REQUIRED_FULL
        # a region told before the intake is not asked again (changing it on the summary clears it)
        return [s for s in wanted if not (s == SLOT_INTAKE_REGION and tracker.get_slot(SLOT_REGION))]

    def _hint(self, dispatcher: CollectingDispatcher, tracker: Tracker, message: str) -> None:
        lang = language_of(tracker)
        send(dispatcher, _reply(lang, message))

    async def validate_intake_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        """Yes or no (buttons, or typed in any language)."""
        intent = latest_intent(tracker)
        if intent == INTENT_AFFIRM:
            return {SLOT_INTAKE_CONSENT: "yes",
                    SLOT_INTAKE_CONSENT_AT: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        if intent == INTENT_DENY:
            return {SLOT_INTAKE_CONSENT: "no"}
        _ = gettext_for(language_of(tracker))
        self._hint(dispatcher, tracker, _("Please answer with yes or no (or use the buttons)."))
        return {SLOT_INTAKE_CONSENT: None}

    async def validate_intake_region(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """A region we serve; then the local offices of the topic that led here."""
        region = latest_entity(tracker, ENTITY_REGION)
        lang = language_of(tracker)
        _ = gettext_for(lang)
        kb = knowledge()
        if region not in kb.scope.regions:
            send(dispatcher, _reply(lang, _("I do not know this place yet. I can help in these regions:")),
                 buttons=region_buttons(kb, lang))
            return {SLOT_INTAKE_REGION: None}
        topic = tracker.get_slot(SLOT_INTAKE_TOPIC)
        if topic in kb.scope.topics and kb.scope.topics[topic].local and not tracker.get_slot(SLOT_REGION):
            local = render_topic(kb, topic, lang, region)
            local.messages = local.messages[1:]
            if local.messages:
                send(dispatcher, local)
        return {SLOT_INTAKE_REGION: region, SLOT_REGION: region}

    async def validate_intake_areas(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        """Buttons toggle an area, 'Done' finishes; a typed answer is understood through its topic."""
        chosen = selected_areas(tracker)
        choice = latest_choice(tracker) or ""
        _ = gettext_for(language_of(tracker))
        if choice.startswith("area:") and choice[5:] in LifeArea._value2member_map_:
            area = choice[5:]
            if pressed_choice(tracker) is None:  # typed, like a topic: taken, and the question is answered
                chosen = list(dict.fromkeys([*chosen, area]))
                return {SLOT_INTAKE_AREAS: ",".join(chosen), SLOT_INTAKE_SELECTED: chosen}
            chosen = [a for a in chosen if a != area] if area in chosen else [*chosen, area]
            return {SLOT_INTAKE_AREAS: None, SLOT_INTAKE_SELECTED: chosen}
        if choice == "done" and chosen:
            return {SLOT_INTAKE_AREAS: ",".join(chosen), SLOT_INTAKE_SELECTED: chosen}
        topic = topic_from_intent(latest_intent(tracker))
        typed = [a.value for a in TOPIC_AREAS.get(topic or "", ())] if typed_text(tracker) else []
        if typed:
            chosen = list(dict.fromkeys([*chosen, *typed]))
            return {SLOT_INTAKE_AREAS: ",".join(chosen), SLOT_INTAKE_SELECTED: chosen}
        self._hint(dispatcher, tracker, _("Please choose at least one area with the buttons, then press 'Done'."))
        return {SLOT_INTAKE_AREAS: None}

    async def validate_intake_description(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                          domain: DomainDict) -> dict[str, Any]:
        """A few words at least; very long texts are cut."""
        text = typed_text(tracker)
        _ = gettext_for(language_of(tracker))
        if not text or sum(ch.isalnum() for ch in text) < 3:
            self._hint(dispatcher, tracker, _("Please write a few words about your situation."))
            return {SLOT_INTAKE_DESCRIPTION: None}
        return {SLOT_INTAKE_DESCRIPTION: text[:MAX_DESCRIPTION]}

    async def validate_intake_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        """This chat, or a phone number / e-mail address that is valid."""
        if latest_choice(tracker) == "contact:chat":
            return {SLOT_INTAKE_CONTACT: ContactChannel.CHAT.value}
        text = typed_text(tracker) or ""
        _ = gettext_for(language_of(tracker))
        channel = ContactChannel.EMAIL if "@" in text else ContactChannel.PHONE
        try:
            contact = make_contact(channel, text)
        except InvalidContactError:
            message = (_("This e-mail address does not look right. Please check it, or press the button.")
                       if channel is ContactChannel.EMAIL else
                       _("This does not look like a phone number or an e-mail address. Please write it again "
                         "(for example 0521 123456 or +49 151 12345678), or press the button."))
            self._hint(dispatcher, tracker, message)
            return {SLOT_INTAKE_CONTACT: None}
        return {SLOT_INTAKE_CONTACT: f"{contact.channel.value}:{contact.value}"}

    async def validate_intake_language(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        """A language button, or a language named in any language."""
        choice = latest_choice(tracker) or ""
        if choice.startswith("lang:") and len(choice) > 5:
            return {SLOT_INTAKE_LANGUAGE: choice[5:]}
        named = latest_entity(tracker, ENTITY_LANGUAGE)
        if named:
            return {SLOT_INTAKE_LANGUAGE: named}
        text = typed_text(tracker)
        if text and len(text) <= 40 and any(ch.isalpha() for ch in text):
            return {SLOT_INTAKE_LANGUAGE: text}  # a language we have no name list for (Kurmanji, Tigrinya …)
        _ = gettext_for(language_of(tracker))
        self._hint(dispatcher, tracker, _("Please choose a language with the buttons or write its name."))
        return {SLOT_INTAKE_LANGUAGE: None}

    async def validate_intake_deadline(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> dict[str, Any]:
        """No deadline, or a date that has not passed; a near one makes the request urgent."""
        if latest_choice(tracker) == "deadline:none" or latest_intent(tracker) == INTENT_DENY:
            return {SLOT_INTAKE_DEADLINE: "none"}
        lang = language_of(tracker)
        _ = gettext_for(lang)
        text = typed_text(tracker) or ""
        today = dt.datetime.now(dt.timezone.utc).date()
        day = await asyncio.to_thread(parse_date, text, lang, today) if text else None
        if day is None:
            self._hint(dispatcher, tracker, _("I could not read this date. Please write it like 15.12.2026, or "
                                              "press 'No deadline'."))
            return {SLOT_INTAKE_DEADLINE: None}
        if day < today:
            self._hint(dispatcher, tracker, _("This date has passed. If the deadline is over, write today's date: "
                                              "the case manager will look at it first."))
            return {SLOT_INTAKE_DEADLINE: None}
        result: dict[str, Any] = {SLOT_INTAKE_DEADLINE: day.isoformat()}
        if (day - today).days <= URGENT_WITHIN_DAYS:
            result[SLOT_INTAKE_URGENT] = True
        return result

    async def validate_intake_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        """Optional: skip, or a short name."""
        if latest_choice(tracker) == "name:none" or latest_intent(tracker) == INTENT_DENY:
            return {SLOT_INTAKE_NAME: "none"}
        text = typed_text(tracker)
        if text and any(ch.isalpha() for ch in text):
            return {SLOT_INTAKE_NAME: " ".join(text.split())[:MAX_NAME]}
        _ = gettext_for(language_of(tracker))
        self._hint(dispatcher, tracker, _("Please write your name, or press 'Skip'."))
        return {SLOT_INTAKE_NAME: None}

    async def validate_intake_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        """Send, change a field (its question is asked again), or cancel."""
        choice = latest_choice(tracker) or ""
        intent = latest_intent(tracker)
        if choice == "confirm:yes" or (not choice and intent == INTENT_AFFIRM):
            return {SLOT_INTAKE_CONFIRM: "yes", SLOT_INTAKE_EDITING: False}
        if choice == "confirm:cancel":
            return {SLOT_INTAKE_CONFIRM: "cancel", SLOT_INTAKE_EDITING: False}
        if choice == "confirm:edit" or (not choice and intent == INTENT_DENY):
            return {SLOT_INTAKE_CONFIRM: None, SLOT_INTAKE_EDITING: True}
        field = choice[5:] if choice.startswith("edit:") else ""
        if field in INTAKE_ANSWER_SLOTS and field not in (SLOT_INTAKE_CONSENT, SLOT_INTAKE_CONFIRM):
            reset: dict[str, Any] = {field: None, SLOT_INTAKE_CONFIRM: None, SLOT_INTAKE_EDITING: False}
            if field == SLOT_INTAKE_REGION:
                reset[SLOT_REGION] = None
            return reset
        _ = gettext_for(language_of(tracker))
        self._hint(dispatcher, tracker, _("Please use the buttons: send, change something, or cancel."))
        return {SLOT_INTAKE_CONFIRM: None}


# ---------------------------------------------------------------------------------------- submission


def transcript_of(tracker: Tracker) -> list[Any]:
    """The conversation so far (person and assistant), without button payloads, oldest first."""
    from bot.tickets.repository import TranscriptEntry

    entries = []
    for event in tracker.events:
        kind = event.get("event")
        text = str(event.get("text") or "").strip()
        if kind not in ("user", "bot") or not text or text.startswith("/"):
            continue
        at = dt.datetime.fromtimestamp(float(event.get("timestamp") or 0), dt.timezone.utc)
        author = Author.PERSON if kind == "user" else Author.ASSISTANT
        entries.append(TranscriptEntry(author=author, text=text, at=at))
    return entries[-TRANSCRIPT_LIMIT:]


def topics_of(tracker: Tracker, known: set[str]) -> list[str]:
    """The topics the assistant answered in this conversation (from its replies' descriptions), in order."""
    answered = [d.get("topic") for d in reversed(described_replies(tracker))]
    return [str(t) for t in dict.fromkeys(answered) if t in known]


def reset_intake() -> list[EventType]:
    """Forget the intake's answers (the ticket keeps them), so that a later request starts fresh."""
    return [SlotSet(slot, None) for slot in (*INTAKE_ANSWER_SLOTS, *INTAKE_STATE_SLOTS)]


class ActionSubmitIntake(WegweiserAction):
    """Open the ticket (exactly once per confirmation) and tell the person what happens next."""

    def name(self) -> str:
        """Action name."""
        return ACTION_SUBMIT_INTAKE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """No consent: the counselling contacts; cancelled: nothing; else the ticket."""
        lang = language_of(tracker)
        _ = gettext_for(lang)
        ngettext = ngettext_for(lang)
        kb = knowledge()
        events = [*self.language_events(tracker, lang), *reset_intake()]
        consent = tracker.get_slot(SLOT_INTAKE_CONSENT)
        if consent is None:
            existing = await asyncio.to_thread(open_ticket_number, tracker.sender_id)
            if existing:
                send(dispatcher, _reply(lang, _("Your request {number} is already with the case management team. "
                                                "A case manager will contact you; you do not need to ask again.")
                                        .format(number=existing)))
                return events
        if consent != "yes":
            send(dispatcher, _reply(lang, _("All right: I have not passed anything on. You can also contact the "
                                            "counselling services directly:")))
            region = self.region(tracker)
            send(dispatcher, handoff_reply(kb, lang, region), buttons=None if region else region_buttons(kb, lang))
            return events
        if tracker.get_slot(SLOT_INTAKE_CONFIRM) != "yes":
            send(dispatcher, _reply(lang, _("Cancelled: nothing was sent. Write to me any time you need help.")))
            return events
        try:
            number, created, team = await asyncio.to_thread(self._open, tracker, lang)
        except Exception:  # noqa: BLE001 - the person must hear that it failed, the operator gets the stack
            log.exception("could not open a ticket")
            send(dispatcher, _reply(lang, _("Sorry, your request could not be saved because of a technical problem. "
                                            "Please try again later, or contact the counselling services directly.")))
            return events
        if created:
            await self._notify(number, team)
        region = tracker.get_slot(SLOT_REGION)
        urgent = bool(tracker.get_slot(SLOT_INTAKE_URGENT))
        contact = contact_of(str(tracker.get_slot(SLOT_INTAKE_CONTACT)))
        how = (_("here in this chat") if contact.channel is ContactChannel.CHAT
               else _("by phone") if contact.channel is ContactChannel.PHONE else _("by e-mail"))
        lines = [
            _("Thank you. Your request has been sent. Your number is {number}.").format(number=number),
            ngettext("A case manager of the team in {region} will read it and contact you {how}. This usually "
                     "takes {days} working day.",
                     "A case manager of the team in {region} will read it and contact you {how}. This usually "
                     "takes {days} working days.", team.response_days).format(
                region=region_display_name(kb, region), how=how, days=team.response_days),
        ]
        if urgent:
            lines.append(_("Your request is marked urgent: the team sees it first. If you are in danger, call "
                           "the police on 110."))
        lines.append(_("You can keep asking me questions in the meantime. To delete your data, write /delete."))
        reply = _reply(lang, "\n\n".join(lines))
        dispatcher.utter_message(text=reply.messages[0], **{META_KEY: {**reply.describe(), "ticket": number}})
        return events

    def _open(self, tracker: Tracker, lang: str) -> tuple[str, bool, Any]:
        from bot.tickets.db import session_scope
        from bot.tickets.repository import Consent, ConversationRef, open_ticket, request_key
        from bot.tickets.routing import team_for_region

        region = str(tracker.get_slot(SLOT_REGION))
        team = team_for_region(region)
        topic = tracker.get_slot(SLOT_INTAKE_TOPIC)
        areas = [a for a in str(tracker.get_slot(SLOT_INTAKE_AREAS) or "").split(",") if a]
        if not areas and topic:
            areas = [a.value for a in TOPIC_AREAS.get(topic, ())]
        transcript = transcript_of(tracker)
        description = tracker.get_slot(SLOT_INTAKE_DESCRIPTION)
        if not description:  # the short intake in danger: the person's own first words describe it
            description = next((e.text for e in transcript if e.author is Author.PERSON), "")
        deadline = tracker.get_slot(SLOT_INTAKE_DEADLINE)
        name = tracker.get_slot(SLOT_INTAKE_NAME)
        consent_at = tracker.get_slot(SLOT_INTAKE_CONSENT_AT)
        topics = topics_of(tracker, set(knowledge().scope.topics))
        if topic and topic not in topics:
            topics.insert(0, topic)
        # the confirming message: a retried action or a redelivered message has the same id
        event_id = next((str(e.get("message_id") or "") for e in reversed(tracker.events)
                         if e.get("event") == "user"), "")
        if not event_id:
            raise ValueError("the confirming message has no id")
        with session_scope(ticket_engine()) as session:
            opened = open_ticket(
                session, request_key=request_key(tracker.sender_id, event_id), region=region, team=team.id,
                language=str(tracker.get_slot(SLOT_INTAKE_LANGUAGE) or lang),
                contact=contact_of(str(tracker.get_slot(SLOT_INTAKE_CONTACT) or "chat")),
                consent=Consent(CONSENT_VERSION, dt.datetime.fromisoformat(consent_at) if consent_at
                                else dt.datetime.now(dt.timezone.utc)),
                description=str(description), life_areas=areas, topics=topics,
                urgency=Urgency.URGENT if tracker.get_slot(SLOT_INTAKE_URGENT) else Urgency.NORMAL,
                deadline=dt.date.fromisoformat(deadline) if deadline and deadline != "none" else None,
                person_name=None if not name or name == "none" else str(name),
                conversation=ConversationRef(tracker.sender_id, tracker.get_latest_input_channel() or "rest"),
                transcript=transcript,
            )
            number = str(opened.ticket.number)
        log.info("ticket %s %s for team %s", number, "opened" if opened.created else "already open", team.id)
        return number, opened.created, team

    @staticmethod
    async def _notify(number: str, team: Any) -> None:
        from bot.tickets.notify import NotifyConfig, notify_new_ticket

        try:
            report = await notify_new_ticket(number, team, NotifyConfig.from_settings(get_settings()),
                                             ticket_engine())
            log.info("ticket %s: team notified (%s)", number, report.status)
        except Exception:  # noqa: BLE001 - the ticket stays; the desk shows it and the status says pending
            log.exception("ticket %s: notifying the team failed", number)
