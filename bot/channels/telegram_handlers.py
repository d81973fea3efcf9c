"""What the assistant does with each kind of Telegram update: commands, buttons, text, media, locations."""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.trackers import DialogueStateTracker

from bot.actions.base import knowledge, region_buttons
from bot.actions.knowledge import ask_region_reply
from bot.channels import telegram_texts as texts
from bot.channels.rest import clean_text
from bot.channels.telegram_format import CallbackPayloads
from bot.channels.telegram_send import TelegramOutput, TelegramSender
from bot.channels.telegram_updates import Incoming, Kind, conversation_id, log_ref
from bot.knowledge.nearby import nearest_services, region_at
from bot.knowledge.render import render_service
from bot.lang.choice import reply_language
from bot.names import (
    INTENT_CHOOSE_LANGUAGE,
    INTENT_GREET,
    INTENT_INFORM_REGION,
    INTENT_REQUEST_HUMAN,
    SLOT_CONVERSATION_LANGUAGE,
    SLOT_LANGUAGE,
    SLOT_PENDING_TOPIC,
)
from bot.privacy import erase_conversation

log = logging.getLogger(__name__)

CHANNEL = "telegram"
INTERNAL_PREFIX = "wg:"  # callback data the channel handles itself (never passed to Rasa)
DELETE_YES = "wg:delete:yes"
DELETE_NO = "wg:delete:no"
# commands answered by Rasa with a payload
RASA_COMMANDS = {"language": f"/{INTENT_CHOOSE_LANGUAGE}", "human": f"/{INTENT_REQUEST_HUMAN}"}


def region_payload(region_id: str) -> str:
    """The Rasa payload that tells the region."""
    return f"/{INTENT_INFORM_REGION}{json.dumps({'region': region_id}, separators=(',', ':'))}"


class UpdateHandler:
    """Handles one Incoming update at a time for a chat (the caller serialises per chat)."""

    def __init__(self, sender: TelegramSender, payloads: CallbackPayloads, id_hash_key: str,
                 agent: Callable[[], Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self.sender = sender
        self.payloads = payloads
        self.id_hash_key = id_hash_key
        self.agent = agent  # Rasa's agent (app.ctx.agent), looked up when needed
        self.on_new_message = on_new_message
        self._groups_told: OrderedDict[int, None] = OrderedDict()

    def sender_id(self, incoming: Incoming) -> str:
        """The conversation id of the chat."""
        return conversation_id(incoming.chat_id, self.id_hash_key)

    async def handle(self, incoming: Incoming) -> None:
        """Act on an update."""
        sender_id = self.sender_id(incoming)
        ref = log_ref(sender_id)
        log.info("telegram %s%s from %s", incoming.kind.value, " (edited)" if incoming.edited else "", ref)
        if incoming.kind is Kind.GROUP:
            await self._group(incoming, ref)
        elif incoming.kind is Kind.CALLBACK:
            await self.sender.answer_callback(incoming.callback_id, ref)
            await self._callback(incoming, sender_id, ref)
        elif incoming.kind is Kind.COMMAND:
            await self._command(incoming, sender_id, ref)
        elif incoming.kind is Kind.TEXT:
            # an edited message is answered like a new one: the person corrected their question
            await self.to_rasa(incoming, sender_id, clean_text(incoming.text))
        elif incoming.kind is Kind.MEDIA:
            lang = await self.language(sender_id, incoming.language_code)
            await self.sender.send_text(incoming.chat_id, ref, texts.media_text(lang))
        elif incoming.kind is Kind.LOCATION:
            await self._location(incoming, sender_id, ref)

    async def to_rasa(self, incoming: Incoming, sender_id: str, text: str) -> None:
        """Pass a text or payload to Rasa; its replies go to this chat."""
        metadata = {"language_code": incoming.language_code} if incoming.language_code else {}
        output = TelegramOutput(self.sender, incoming.chat_id, log_ref(sender_id))
        await self.on_new_message(UserMessage(text, output, sender_id, input_channel=CHANNEL, metadata=metadata))

    async def tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """The stored conversation, if any (without creating one)."""
        try:
            tracker = await self.agent().tracker_store.retrieve(sender_id)
        except Exception:  # noqa: BLE001 - a broken store must not stop the reply; the language falls back
            log.exception("could not read the conversation %s", log_ref(sender_id))
            return None
        return tracker if isinstance(tracker, DialogueStateTracker) else None

    async def language(self, sender_id: str, language_code: str | None) -> str:
        """The person's language: their choice, the conversation's, Telegram's language_code, else German."""
        tracker = await self.tracker(sender_id)
        return reply_language(
            chosen=tracker.get_slot(SLOT_LANGUAGE) if tracker else None,
            detection=None,
            conversation=tracker.get_slot(SLOT_CONVERSATION_LANGUAGE) if tracker else None,
            client_language_code=language_code,
        )

    async def _group(self, incoming: Incoming, ref: str) -> None:
        # say it once per group, not after every message of a busy group
        if incoming.chat_id in self._groups_told:
            return
        self._groups_told[incoming.chat_id] = None
        while len(self._groups_told) > 10_000:
            self._groups_told.popitem(last=False)
        lang = reply_language(None, None, None, incoming.language_code)
        await self.sender.send_text(incoming.chat_id, ref, texts.group_text(lang))

    async def _command(self, incoming: Incoming, sender_id: str, ref: str) -> None:
        command = incoming.command
        if command == "start":
            await self.to_rasa(incoming, sender_id, f"/{INTENT_GREET}")
            region = incoming.argument.lower()
            if region and region in knowledge().scope.regions:
                await self.to_rasa(incoming, sender_id, region_payload(region))
            return
        if command in RASA_COMMANDS:
            await self.to_rasa(incoming, sender_id, RASA_COMMANDS[command])
            return
        lang = await self.language(sender_id, incoming.language_code)
        if command == "region":
            question = ask_region_reply(lang, None).messages[0]
            await self.sender.send_text(incoming.chat_id, ref, question, region_buttons(knowledge(), lang))
        elif command == "privacy":
            await self.sender.send_text(incoming.chat_id, ref, texts.privacy_text(lang))
        elif command == "delete":
            question, yes, no = texts.delete_question(lang)
            await self.sender.send_text(incoming.chat_id, ref, question,
                                        [{"title": yes, "payload": DELETE_YES}, {"title": no, "payload": DELETE_NO}])
        else:  # /help and commands the assistant does not know
            await self.sender.send_text(incoming.chat_id, ref, texts.help_text(lang))

    async def _callback(self, incoming: Incoming, sender_id: str, ref: str) -> None:
        if incoming.text.startswith(INTERNAL_PREFIX):
            lang = await self.language(sender_id, incoming.language_code)
            if incoming.text == DELETE_YES:
                await self.delete(incoming, sender_id, lang)
            elif incoming.text == DELETE_NO:
                await self.sender.send_text(incoming.chat_id, ref, texts.delete_cancelled_text(lang))
            return
        payload = self.payloads.decode(incoming.text)
        if payload is None:
            lang = await self.language(sender_id, incoming.language_code)
            await self.sender.send_text(incoming.chat_id, ref, texts.expired_button_text(lang))
            return
        await self.to_rasa(incoming, sender_id, payload)

    async def delete(self, incoming: Incoming, sender_id: str, lang: str) -> None:
        """Erase the conversation (after the person confirmed) and say so in their language."""
        ref = log_ref(sender_id)
        agent = self.agent()
        try:
            async with agent.lock_store.lock(sender_id):
                await erase_conversation(agent.tracker_store, sender_id)
        except Exception:  # noqa: BLE001 - the person gets a clear answer; the operator gets the stack
            log.exception("erasing conversation %s failed", ref)
            await self.sender.send_text(incoming.chat_id, ref, texts.delete_failed_text(lang))
            return
        await self.sender.send_text(incoming.chat_id, ref, texts.deleted_text(lang))

    async def _location(self, incoming: Incoming, sender_id: str, ref: str) -> None:
        assert incoming.location is not None
        kb = knowledge()
        tracker = await self.tracker(sender_id)
        lang = await self.language(sender_id, incoming.language_code)
        pending = tracker.get_slot(SLOT_PENDING_TOPIC) if tracker else None
        nearby = nearest_services(kb, incoming.location, topic=pending if pending in kb.scope.topics else None)
        if nearby:
            blocks = [f"{render_service(n.service, lang)}\n   📏 {texts.distance_text(lang, n.km)}" for n in nearby]
            await self.sender.send_text(incoming.chat_id, ref, "\n\n".join([texts.nearby_intro(lang), *blocks]))
        region = region_at(incoming.location, set(kb.scope.regions))
        if region:
            # Rasa remembers the region and answers whatever was waiting for it
            await self.to_rasa(incoming, sender_id, region_payload(region))
        elif not nearby:
            await self.sender.send_text(incoming.chat_id, ref, texts.outside_regions_text(lang),
                                        region_buttons(kb, lang))
