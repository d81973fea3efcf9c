"""Names used from Python exist in the domain, and every topic has an intent and a rule."""

from pathlib import Path

import yaml

from bot import names
from bot.lang.registry import supported_languages
from bot.scope import get_scope
from bot.settings import get_settings


def _domain() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((get_settings().root / "domain.yml").read_text())


def _intents(domain: dict) -> set[str]:  # type: ignore[type-arg]
    # an intent is a name, or a mapping of its name to its options (use_entities)
    return {next(iter(i)) if isinstance(i, dict) else i for i in domain["intents"]}


def test_constants_exist_in_domain() -> None:
    domain = _domain()
    for key, value in vars(names).items():
        if key.startswith("INTENT_") and value != names.INTENT_FALLBACK:
            assert value in _intents(domain), value
        if key.startswith("SLOT_"):
            assert value in domain["slots"], value
        if key.startswith("ACTION_"):
            assert value in domain["actions"], value


def test_every_topic_has_intent_rule_and_training_data() -> None:
    root = get_settings().root
    intents = _intents(_domain())
    rules = (root / "data" / "rules" / "topics.yml").read_text()
    for topic in get_scope().topics:
        intent = names.topic_intent(topic)
        assert intent in intents
        assert f"intent: {intent}\n" in rules
        assert names.topic_from_intent(intent) == topic
        for lang in supported_languages():
            topics = Path(root / "data" / "nlu" / lang / "topics.yml").read_text()
            assert f"intent: {intent}\n" in topics, (lang, intent)
