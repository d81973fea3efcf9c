"""Let the person choose the language of the conversation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import WegweiserAction, language_of, send
from bot.i18n import gettext_for
from bot.knowledge.render import Reply
from bot.lang.choice import normalise_language_code
from bot.lang.names import autonym
from bot.lang.registry import supported_languages
from bot.names import (
    ACTION_CHOOSE_LANGUAGE,
    ACTION_UNSUPPORTED_LANGUAGE,
    INTENT_CHOOSE_LANGUAGE,
    SLOT_CONVERSATION_LANGUAGE,
    SLOT_LANGUAGE,
)

# a person writing in a language the assistant does not speak is answered in these, in this order
UNSUPPORTED_REPLY_LANGUAGES = ("en", "de")


def language_buttons() -> list[dict[str, Any]]:
    """Each language in its own name."""
    return [{"title": autonym(code), "payload": f'/{INTENT_CHOOSE_LANGUAGE}{{"language":"{code}"}}'}
            for code in supported_languages()]


class ActionChooseLanguage(WegweiserAction):
    """Switch to the named language, or offer the list."""

    def name(self) -> str:
        """Action name."""
        return ACTION_CHOOSE_LANGUAGE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """Confirm in the new language, or show the buttons in the current one."""
        chosen = normalise_language_code(next(tracker.get_latest_entity_values("language"), None))
        if chosen:
            _ = gettext_for(chosen)
            send(dispatcher, Reply(messages=[_("OK, from now on I will write in English.")], lang=chosen))
            return [SlotSet(SLOT_LANGUAGE, chosen), SlotSet(SLOT_CONVERSATION_LANGUAGE, chosen)]
        lang = language_of(tracker)
        _ = gettext_for(lang)
        send(dispatcher, Reply(messages=[_("Which language do you want?")], lang=lang), buttons=language_buttons())
        return [SlotSet(SLOT_LANGUAGE, None), *self.language_events(tracker, lang)]


def unsupported_language_text(lang: str) -> str:
    """What a person writing in a language the assistant does not speak reads (in `lang`)."""
    _ = gettext_for(lang)
    return "\n".join([
        _("Sorry, I do not speak this language yet. Please choose one of these languages, or write in one "
          "of them:"),
        _("In an emergency call 112 (ambulance, fire brigade) or 110 (police): free of charge, day and night."),
    ])


class ActionUnsupportedLanguage(WegweiserAction):
    """A message in a language the assistant does not speak: say so honestly, in English and German,
    with the language list (never a guess in a wrong supported language)."""

    def name(self) -> str:
        """Action name."""
        return ACTION_UNSUPPORTED_LANGUAGE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        """English first, then German, then the buttons."""
        text = "\n\n".join(unsupported_language_text(lang) for lang in UNSUPPORTED_REPLY_LANGUAGES)
        send(dispatcher, Reply(messages=[text], lang=UNSUPPORTED_REPLY_LANGUAGES[0]), buttons=language_buttons())
        return []
