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
# a message in a language the assistant does not speak (examples: data/nlu/other; the guard in bot/nlu decides)
INTENT_UNSUPPORTED_LANGUAGE = "unsupported_language"
# the intake's buttons, and short typed answers that name one of them ("Fertig", "Keine Frist")
INTENT_INTAKE_CHOICE = "intake_choice"
TOPIC_INTENT_PREFIX = "topic_"

SMALLTALK_INTENTS = (INTENT_GREET, INTENT_THANK, INTENT_GOODBYE)

# slots
SLOT_REGION = "region"
SLOT_LANGUAGE = "language"  # explicit choice by the person
SLOT_CONVERSATION_LANGUAGE = "conversation_language"  # the language of the last reply
SLOT_PENDING_TOPIC = "pending_topic"  # a local topic waiting for the region
SLOT_FAILED_TURNS = "failed_turns"
# the handoff intake (a Rasa form): what the person answered, and state of the intake itself
SLOT_INTAKE_CONSENT = "intake_consent"  # "yes" | "no"
SLOT_INTAKE_REGION = "intake_region"  # region id
SLOT_INTAKE_AREAS = "intake_areas"  # life area ids, set when the person is done choosing
SLOT_INTAKE_SELECTED = "intake_selected"  # life area ids chosen so far
SLOT_INTAKE_DESCRIPTION = "intake_description"
SLOT_INTAKE_CONTACT = "intake_contact"  # "chat" | "phone:+49…" | "email:…"
SLOT_INTAKE_LANGUAGE = "intake_language"  # language the case manager should use
SLOT_INTAKE_DEADLINE = "intake_deadline"  # ISO date | "none"
SLOT_INTAKE_NAME = "intake_name"  # a name | "none"
SLOT_INTAKE_CONFIRM = "intake_confirm"  # "yes" | "cancel"
SLOT_INTAKE_EDITING = "intake_editing"  # the person pressed "change" on the summary
SLOT_INTAKE_URGENT = "intake_urgent"  # danger, an urgent topic or a near deadline
SLOT_INTAKE_TOPIC = "intake_topic"  # the topic that led to the handoff
SLOT_INTAKE_CONSENT_AT = "intake_consent_at"  # ISO time of the consent
INTAKE_ANSWER_SLOTS = (SLOT_INTAKE_CONSENT, SLOT_INTAKE_REGION, SLOT_INTAKE_AREAS, SLOT_INTAKE_DESCRIPTION,
                       SLOT_INTAKE_CONTACT, SLOT_INTAKE_LANGUAGE, SLOT_INTAKE_DEADLINE, SLOT_INTAKE_NAME,
                       SLOT_INTAKE_CONFIRM)
INTAKE_STATE_SLOTS = (SLOT_INTAKE_SELECTED, SLOT_INTAKE_EDITING, SLOT_INTAKE_URGENT, SLOT_INTAKE_TOPIC,
                      SLOT_INTAKE_CONSENT_AT)

# entities
ENTITY_REGION = "region"
ENTITY_LANGUAGE = "language"
ENTITY_CHOICE = "choice"  # the value of an intake button

# actions
ACTION_ANSWER_TOPIC = "action_answer_topic"
ACTION_SET_REGION = "action_set_region"
ACTION_ASK_REGION = "action_ask_region"
ACTION_CHOOSE_LANGUAGE = "action_choose_language"
ACTION_UNSUPPORTED_LANGUAGE = "action_unsupported_language"
ACTION_GREET = "action_greet"
ACTION_SMALLTALK = "action_smalltalk"
ACTION_OUT_OF_SCOPE = "action_out_of_scope"
ACTION_LOW_CONFIDENCE = "action_low_confidence"
ACTION_HANDOFF = "action_handoff"
FORM_INTAKE = "intake_form"
ACTION_VALIDATE_INTAKE = "validate_intake_form"
ACTION_SUBMIT_INTAKE = "action_submit_intake"

# keys of the structured description that every answer carries in its metadata
META_KEY = "wegweiser"
# in that description: the message offers a case manager (a "yes" to it starts the intake)
OFFER_KEY = "offer"
# parse-data key the language detector fills
PARSE_LANGUAGE_KEY = "language_detection"
# parse-data key the danger safety net fills with the kind of danger ("violence", "crisis", "emergency")
PARSE_DANGER_KEY = "danger"

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
