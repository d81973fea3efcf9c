"""Names shared between Python and the Rasa domain (a test checks each exists in domain.yml)."""

from __future__ import annotations

# intents
INTENT_GREET = "greet"
INTENT_THANK = "thank"
INTENT_GOODBYE = "goodbye"
INTENT_AFFIRM = "affirm"
INTENT_DENY = "deny"
INTENT_OUT_OF_SCOPE = "out_of_scope"
INTENT_REQUEST_HUMAN = "request_human"
INTENT_CHOOSE_LANGUAGE = "choose_language"
INTENT_INFORM_REGION = "inform_region"
INTENT_FALLBACK = "nlu_fallback"
TOPIC_INTENT_PREFIX = "topic_"

SMALLTALK_INTENTS = (INTENT_GREET, INTENT_THANK, INTENT_GOODBYE)

# slots
SLOT_REGION = "region"
SLOT_LANGUAGE = "language"  # explicit choice by the person
SLOT_CONVERSATION_LANGUAGE = "conversation_language"  # the language of the last reply
SLOT_PENDING_TOPIC = "pending_topic"  # a local topic waiting for the region
SLOT_FAILED_TURNS = "failed_turns"

# entities
ENTITY_REGION = "region"
ENTITY_LANGUAGE = "language"

# actions
ACTION_ANSWER_TOPIC = "action_answer_topic"
ACTION_SET_REGION = "action_set_region"
ACTION_ASK_REGION = "action_ask_region"
ACTION_CHOOSE_LANGUAGE = "action_choose_language"
ACTION_GREET = "action_greet"
ACTION_SMALLTALK = "action_smalltalk"
ACTION_OUT_OF_SCOPE = "action_out_of_scope"
ACTION_LOW_CONFIDENCE = "action_low_confidence"
ACTION_HANDOFF = "action_handoff"

# keys of the structured description that every answer carries in its metadata
META_KEY = "wegweiser"
# parse-data key the language detector fills
PARSE_LANGUAGE_KEY = "language_detection"

# outcomes (from scope/topics.yml)
OUTCOME_HANDOFF = "handoff"
OUTCOME_OUT_OF_SCOPE = "out-of-scope"
OUTCOME_GREETING = "greeting"


def topic_intent(topic_id: str) -> str:
    """Intent name for a topic id (hyphens are not used in intent names)."""
    return TOPIC_INTENT_PREFIX + topic_id.replace("-", "_")


def topic_from_intent(intent: str | None) -> str | None:
    """Topic id for a topic intent, else None."""
    if not intent or not intent.startswith(TOPIC_INTENT_PREFIX):
        return None
    return intent[len(TOPIC_INTENT_PREFIX):].replace("_", "-")
