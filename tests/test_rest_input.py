"""Input hygiene of the REST channel."""

import pytest

from bot.channels.rest import MAX_CHARS, clean_text


@pytest.mark.parametrize("text", ["", "   ", None, "😀🙏", "\x00\x07", "?!"])
def test_blank_input_is_marked_as_not_understood(text: object) -> None:
    assert clean_text(text) == "/nlu_fallback"


def test_control_characters_are_removed_and_rtl_marks_kept() -> None:
    assert clean_text("\x00hal\x1blo\u200f") == "hallo\u200f"


def test_long_input_is_capped() -> None:
    assert len(clean_text("x" * 10_000)) == MAX_CHARS
