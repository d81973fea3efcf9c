"""Hand the person over to the integration case management of their region."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import WegweiserAction, described_replies, knowledge, language_of
from bot.i18n import gettext_for
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.render import Reply, region_display_name, render_service
from bot.names import (
    ACTION_HANDOFF,
    OUTCOME_HANDOFF,
    SLOT_FAILED_TURNS,
    SLOT_INTAKE_TOPIC,
    SLOT_PENDING_TOPIC,
)

COUNSELLING_TOPIC = "migration-counselling"


def handoff_reply(kb: KnowledgeBase, lang: str, region: str | None, topic: str | None = None) -> Reply:
    """Who gives personal help in the region, and how to reach them."""
    _ = gettext_for(lang)
    reply = Reply(topic=topic or OUTCOME_HANDOFF, lang=lang)
    if not region:
        reply.messages.append(_("A case manager can help you personally. Where do you live? "
                                "Then I can tell you who is responsible for you."))
        return reply
    services = kb.local_services(COUNSELLING_TOPIC, region)
    reply.services.extend(services)
    intro = _("For personal help with your case, the integration case management and the migration "
              "counselling in {region} are there for you. The counselling is free and confidential.").format(
        region=region_display_name(kb, region))
    blocks = [render_service(s, lang) for s in services]
    reply.messages.append("\n\n".join([intro, *blocks]))
    return reply


def last_topic(tracker: Tracker, known: set[str]) -> str | None:
    """The topic of the assistant's last reply (what the person wants help with), if it was a topic."""
    replies = described_replies(tracker)
    topic = replies[0].get("topic") if replies else None
    return str(topic) if topic in known else None


class ActionHandoff(WegweiserAction):
    """The person asked for a human: the intake form follows (rules), asking for consent first."""

    def name(self) -> str:
        """Action name."""
        return ACTION_HANDOFF

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Prepare the intake: what led here (a pending topic) and a fresh start."""
        lang = language_of(tracker)
        topic = last_topic(tracker, set(knowledge().scope.topics))
        return [*self.language_events(tracker, lang), SlotSet(SLOT_FAILED_TURNS, 0.0),
                SlotSet(SLOT_PENDING_TOPIC, None), SlotSet(SLOT_INTAKE_TOPIC, topic)]
