"""Answer orientation topics from the knowledge base, with the local services of the person's region."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import WegweiserAction, knowledge, language_of, region_buttons, send
from bot.actions.handoff import handoff_reply
from bot.i18n import gettext_for
from bot.knowledge.render import Reply, region_display_name, render_topic
from bot.names import (
    ACTION_ANSWER_TOPIC,
    ACTION_ASK_REGION,
    ACTION_SET_REGION,
    FORM_INTAKE,
    INTENT_DENY,
    INTENT_REQUEST_HUMAN,
    META_KEY,
    OFFER_KEY,
    PARSE_DANGER_KEY,
    SLOT_FAILED_TURNS,
    SLOT_INTAKE_TOPIC,
    SLOT_INTAKE_URGENT,
    SLOT_PENDING_TOPIC,
    topic_from_intent,
)
from bot.safety import DangerKind


def ask_region_reply(lang: str, topic: str | None) -> Reply:
    """The question for the region."""
    _ = gettext_for(lang)
    return Reply(messages=[_("Where do you live? Tell me your city or town, and I will name the offices there.")],
                 topic=topic, lang=lang)


class ActionAnswerTopic(WegweiserAction):
    """Answer the topic of the recognised intent."""

    def name(self) -> str:
        """Action name."""
        return ACTION_ANSWER_TOPIC

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Send the topic answer; ask for the region when a local office is needed and unknown."""
        lang = language_of(tracker)
        kb = knowledge()
        intent = (tracker.latest_message or {}).get("intent", {}).get("name")
        topic = topic_from_intent(intent)
        if topic not in kb.scope.topics:
            # a topic intent without knowledge must not happen; say so instead of guessing
            _ = gettext_for(lang)
            dispatcher.utter_message(text=_("Sorry, I have no information on this yet."))
            return self.language_events(tracker, lang)
        region = self.region(tracker)
        reply = render_topic(kb, topic, lang, region)
        events: list[EventType] = [SlotSet(SLOT_FAILED_TURNS, 0.0), *self.language_events(tracker, lang)]
        policy = kb.scope.topics[topic].handoff
        danger = (tracker.latest_message or {}).get(PARSE_DANGER_KEY)
        if policy in ("always", "urgent") or danger in (DangerKind.VIOLENCE.value, DangerKind.CRISIS.value):
            # the answer first (for danger: the emergency numbers), then the intake, which asks for the
            # region itself when it is unknown and then names the local offices
            send(dispatcher, reply)
            urgent = policy == "urgent" or danger is not None
            return [*events, SlotSet(SLOT_PENDING_TOPIC, None), SlotSet(SLOT_INTAKE_TOPIC, topic),
                    SlotSet(SLOT_INTAKE_URGENT, urgent or None), FollowupAction(FORM_INTAKE)]
        if kb.scope.topics[topic].local and not region:
            question = ask_region_reply(lang, topic)
            reply.messages.extend(question.messages)
            send(dispatcher, reply, buttons=region_buttons(kb, lang))
            events.append(SlotSet(SLOT_PENDING_TOPIC, topic))
            return events
        send(dispatcher, reply)
        if policy == "offer":
            offer = offer_reply(lang, topic)
            # marked, so that a typed "yes" accepts it as the button does (bot/actions/smalltalk.py)
            dispatcher.utter_message(text=offer.messages[0], buttons=offer_buttons(lang),
                                     **{META_KEY: {**offer.describe(), OFFER_KEY: True}})
        events.append(SlotSet(SLOT_PENDING_TOPIC, None))
        return events


def offer_reply(lang: str, topic: str) -> Reply:
    """The offer of a case manager after a topic that often needs individual help."""
    _ = gettext_for(lang)
    return Reply(messages=[_("This often depends on your personal situation. Would you like a case manager to "
                             "help you personally?")], topic=topic, lang=lang)


def offer_buttons(lang: str) -> list[dict[str, Any]]:
    """Yes starts the intake; no goes on."""
    _ = gettext_for(lang)
    return [{"title": _("Yes, please"), "payload": f"/{INTENT_REQUEST_HUMAN}"},
            {"title": _("No, thanks"), "payload": f"/{INTENT_DENY}"}]


class ActionSetRegion(WegweiserAction):
    """The person told their region: confirm it and finish what was waiting for it."""

    def name(self) -> str:
        """Action name."""
        return ACTION_SET_REGION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Confirm the region, then answer the pending topic's local part."""
        lang = language_of(tracker)
        kb = knowledge()
        _ = gettext_for(lang)
        region = self.region(tracker)
        events = self.language_events(tracker, lang)
        if not region:
            send(dispatcher, Reply(messages=[_("I do not know this place yet. I can help in these regions:")], lang=lang),
                 buttons=region_buttons(kb, lang))
            return events
        pending = tracker.get_slot(SLOT_PENDING_TOPIC)
        confirmation = _("Thank you. I will now show offices in {region}.").format(
            region=region_display_name(kb, region))
        if pending in kb.scope.topics:
            local = render_topic(kb, pending, lang, region)
            # the general answer was sent already: only the local part is new
            local.messages = [confirmation] + local.messages[1:]
            send(dispatcher, local)
        else:
            # nothing was waiting: the first contact points of the region (also the answer to a shared location)
            send(dispatcher, Reply(messages=[confirmation + " " + _("What would you like to know?")], lang=lang))
            send(dispatcher, handoff_reply(kb, lang, region))
        return [*events, SlotSet(SLOT_PENDING_TOPIC, None)]


class ActionAskRegion(WegweiserAction):
    """Ask where the person lives (also used to change the region)."""

    def name(self) -> str:
        """Action name."""
        return ACTION_ASK_REGION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Ask with one button per region."""
        lang = language_of(tracker)
        send(dispatcher, ask_region_reply(lang, None), buttons=region_buttons(knowledge(), lang))
        return self.language_events(tracker, lang)
