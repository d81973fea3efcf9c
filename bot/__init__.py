"""Wegweiser: multilingual first-orientation assistant for newcomers.

The languages it speaks are data: knowledge/languages.yml, read through bot.lang.registry.
"""

DEFAULT_LANGUAGE = "de"
