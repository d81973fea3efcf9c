"""The sentence featurizer: an encoder limited to some languages is paid only for messages in them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.names import PARSE_LANGUAGE_KEY
from bot.nlu.components import MultilingualSentenceFeaturizer


def _featurizer(**config: Any) -> MultilingualSentenceFeaturizer:
    return MultilingualSentenceFeaturizer({**MultilingualSentenceFeaturizer.get_default_config(),
                                           "encoders": ["e5", "use"], **config}, "sentence")


def _vector(featurizer: MultilingualSentenceFeaturizer, text: str, detection: dict[str, Any] | None) -> np.ndarray:
    message = Message(data={TEXT: text})
    if detection is not None:
        message.set(PARSE_LANGUAGE_KEY, detection)
    featurizer.process([message])
    _sequence, sentence = message.get_dense_features(TEXT, [])
    assert sentence is not None
    return np.asarray(sentence.features).reshape(-1)


def _detected(language: str, reliable: bool = True, supported: bool = True) -> dict[str, Any]:
    return {"language": language, "confidence": 0.9, "reliable": reliable, "supported": supported}


@pytest.fixture(scope="module")
def gated() -> MultilingualSentenceFeaturizer:
    return _featurizer(encoder_languages={"e5": ["uk", "fa"]})


def test_a_message_in_a_language_of_the_limited_encoder_gets_both(gated: MultilingualSentenceFeaturizer) -> None:
    full = _vector(_featurizer(), "Де знайти курс німецької?", _detected("uk"))
    assert np.allclose(_vector(gated, "Де знайти курс німецької?", _detected("uk")), full, atol=1e-5)


def test_a_message_in_another_language_skips_it(gated: MultilingualSentenceFeaturizer) -> None:
    e5_size = gated.encoders.dim("e5")
    german = _vector(gated, "Wo finde ich einen Deutschkurs?", _detected("de"))
    assert not german[:e5_size].any() and german[e5_size:].any()  # e5 is not run; USE is
    unsure = _vector(gated, "kurs?", _detected("de", reliable=False))
    french = _vector(gated, "je cherche un cours", _detected("fr", supported=False))
    assert unsure[:e5_size].any() and french[:e5_size].any()  # unclear or unsupported: both


def test_training_examples_are_decided_by_the_same_detector(gated: MultilingualSentenceFeaturizer) -> None:
    e5_size = gated.encoders.dim("e5")
    assert not _vector(gated, "Wo kann ich meine Wohnung in Bielefeld anmelden?", None)[:e5_size].any()
    assert _vector(gated, "Де я можу зареєструвати свою квартиру в Білефельді?", None)[:e5_size].any()


def test_an_unknown_encoder_in_the_languages_is_refused() -> None:
    with pytest.raises(ValueError, match="not among the encoders"):
        MultilingualSentenceFeaturizer.validate_config({"encoders": ["use"], "encoder_languages": {"e5": ["uk"]}})
