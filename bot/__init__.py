"""Wegweiser: multilingual first-orientation assistant for newcomers."""

SUPPORTED_LANGUAGES: tuple[str, ...] = ("de", "en", "uk", "ru", "ar", "fa", "tr")
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa"})
DEFAULT_LANGUAGE = "de"
