"""What the Telegram channel itself says (commands, privacy, deletion, media), in the person's language."""

from __future__ import annotations

from babel.numbers import format_decimal

from bot.i18n import gettext_for
from bot.lang.registry import supported_languages

# the commands in menu order; their descriptions are translated in command_descriptions()
COMMANDS = ("start", "language", "region", "human", "privacy", "delete", "help")


def command_descriptions(lang: str) -> dict[str, str]:
    """Menu descriptions of the commands (shown by Telegram next to each command)."""
    _ = gettext_for(lang)
    return {
        "start": _("Start and say hello"),
        "language": _("Choose the language"),
        "region": _("Choose your city or district"),
        "human": _("Talk to a person"),
        "privacy": _("What is stored about you"),
        "delete": _("Delete your data"),
        "help": _("What I can do"),
    }


def help_text(lang: str) -> str:
    """What the assistant does and its commands."""
    _ = gettext_for(lang)
    descriptions = command_descriptions(lang)
    lines = [f"/{command} – {descriptions[command]}" for command in COMMANDS]
    return "\n\n".join([
        _("I answer questions about arriving and living here: offices, residence, work, money, housing, "
          "school, health and German courses. Just write your question, in your own language."),
        "\n".join(lines),
    ])


def privacy_text(lang: str) -> str:
    """What is stored, for how long, who sees it."""
    _ = gettext_for(lang)
    return "\n\n".join([
        _("What is stored: your messages to me, my answers, and the language and region you chose. "
          "Your Telegram name and number are not stored: the conversation is saved under a code."),
        _("How long: until you delete it. Write /delete to delete everything."),
        _("Who sees it: only the team that runs Wegweiser, to keep the service working. It is not passed "
          "on to offices or authorities. Telegram carries the messages and has its own privacy rules."),
    ])


def delete_question(lang: str) -> tuple[str, str, str]:
    """The confirmation question and the titles of its yes and no buttons."""
    _ = gettext_for(lang)
    return (_("Do you really want to delete everything I have stored about you? This cannot be undone."),
            _("Yes, delete"), _("No, keep"))


def deleted_text(lang: str) -> str:
    """Confirmation after deletion."""
    _ = gettext_for(lang)
    return _("Done: your data is deleted. If you write again, we start from the beginning.")


def delete_cancelled_text(lang: str) -> str:
    """The person chose not to delete."""
    _ = gettext_for(lang)
    return _("OK, nothing was deleted.")


def delete_failed_text(lang: str) -> str:
    """Deleting did not work."""
    _ = gettext_for(lang)
    return _("Sorry, deleting did not work. Please try again later.")


def media_text(lang: str) -> str:
    """Reply to voice messages, photos, stickers, files and videos."""
    _ = gettext_for(lang)
    return _("I can only read text. Please write your question in words, in any language.")


def group_text(lang: str) -> str:
    """Reply in group chats."""
    _ = gettext_for(lang)
    return _("I only work in private chats. Please write to me directly.")


def outside_regions_text(lang: str) -> str:
    """A shared location outside every region (same words as for an unknown town)."""
    _ = gettext_for(lang)
    return _("I do not know this place yet. I can help in these regions:")


def nearby_intro(lang: str) -> str:
    """Heading of the services near a shared location."""
    _ = gettext_for(lang)
    return _("Offices near you:")


def distance_text(lang: str, km: float) -> str:
    """A distance, formatted for the language."""
    _ = gettext_for(lang)
    locale = lang if lang in supported_languages() else "de"
    return _("{distance} km away").format(distance=format_decimal(round(km, 1), locale=locale))


def expired_button_text(lang: str) -> str:
    """A button whose payload was forgotten (e.g. after a restart)."""
    _ = gettext_for(lang)
    return _("This button is no longer active. Please write your question.")
