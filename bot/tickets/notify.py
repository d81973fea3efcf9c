"""Tell a team about a new ticket: a Telegram group through the Bot API and/or e-mail over SMTP.

A notification carries no sensitive detail (no description, no name, no contact): the number, region,
urgency, life areas, language and a link to the desk. A failure is logged and recorded on the
ticket; it never loses the ticket.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.tickets.db import session_scope
from bot.tickets.models import Ticket
from bot.tickets.repository import get_ticket, set_notification_status
from bot.tickets.routing import Team
from bot.tickets.summary import life_area_labels
from bot.tickets.vocab import NotificationStatus, Urgency, language_label, region_label

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotifyConfig:
    """Where and how notifications are sent (from the settings)."""

    desk_url: str
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "wegweiser@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> NotifyConfig:
        """The configuration of this process."""
        return cls(desk_url=settings.desk_url, telegram_token=settings.telegram_token,
                   telegram_api_url=settings.telegram_api_url, smtp_host=settings.smtp_host,
                   smtp_port=settings.smtp_port, smtp_from=settings.smtp_from, smtp_user=settings.smtp_user,
                   smtp_password=settings.smtp_password, smtp_starttls=settings.smtp_starttls)


@dataclass(frozen=True)
class TicketNotice:
    """The only ticket fields a notification may carry."""

    number: str
    region: str
    urgency: str
    life_areas: tuple[str, ...]
    language: str

    @classmethod
    def from_ticket(cls, ticket: Ticket) -> TicketNotice:
        """Copy the non-sensitive fields."""
        return cls(number=ticket.number, region=ticket.region, urgency=ticket.urgency,
                   life_areas=tuple(ticket.life_areas), language=ticket.language)

    @property
    def urgent(self) -> bool:
        """True for an urgent ticket."""
        return self.urgency == Urgency.URGENT.value


@dataclass(frozen=True)
class NotificationReport:
    """What happened: the overall status and, per failed target, why."""

    status: NotificationStatus
    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()

    @property
    def detail(self) -> str | None:
        """A line for the ticket (targets and errors, no secrets)."""
        parts = [f"gesendet: {t}" for t in self.sent] + [f"fehlgeschlagen: {t}" for t in self.failed]
        return "; ".join(parts) or None


def desk_link(desk_url: str, number: str) -> str:
    """The desk page of a ticket."""
    return f"{desk_url.rstrip('/')}/tickets/{number}"


def notice_subject(notice: TicketNotice) -> str:
    """E-mail subject, e.g. `[Wegweiser] DRINGEND: neues Anliegen BI-2026-000123`."""
    prefix = "DRINGEND: neues" if notice.urgent else "Neues"
    return f"[Wegweiser] {prefix} Anliegen {notice.number}"


def notice_text(notice: TicketNotice, desk_url: str) -> str:
    """The German notification text (plain text, no personal data)."""
    head = f"{'DRINGEND: neues' if notice.urgent else 'Neues'} Anliegen {notice.number}"
    return "\n".join([
        head,
        f"Region: {region_label(notice.region)}",
        f"Dringlichkeit: {Urgency(notice.urgency).label}",
        f"Lebensbereiche: {', '.join(life_area_labels(list(notice.life_areas))) or 'keine Angabe'}",
        f"Sprache: {language_label(notice.language)}",
        f"Im Postfach öffnen: {desk_link(desk_url, notice.number)}",
    ])


def _redact(text: str, config: NotifyConfig) -> str:
    # python-telegram-bot puts the token into some error messages
    for secret in (config.telegram_token, config.smtp_password):
        if secret:
            text = text.replace(secret, "***")
    return text


async def send_telegram(config: NotifyConfig, chat_id: str, text: str) -> None:
    """Send a plain-text message to a Telegram chat through the Bot API at `telegram_api_url`."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    if not config.telegram_token:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    request = HTTPXRequest(connect_timeout=config.timeout, read_timeout=config.timeout,
                           write_timeout=config.timeout)
    bot = Bot(config.telegram_token, base_url=f"{config.telegram_api_url.rstrip('/')}/bot", request=request)
    async with bot:
        await bot.send_message(chat_id=chat_id, text=text)


def send_email(config: NotifyConfig, recipients: tuple[str, ...], subject: str, text: str) -> None:
    """Send a plain-text e-mail over SMTP (blocking: call it in a thread)."""
    if not config.smtp_host:
        raise RuntimeError("SMTP_HOST is not set")
    message = EmailMessage()
    message["From"] = config.smtp_from
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(text)
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password or "")
        smtp.send_message(message)


async def notify_team(notice: TicketNotice, team: Team, config: NotifyConfig) -> NotificationReport:
    """Send the notice to every target of the team; failures are logged, not raised."""
    if not team.has_targets:
        return NotificationReport(NotificationStatus.NOT_CONFIGURED)
    text = notice_text(notice, config.desk_url)
    sent: list[str] = []
    failed: list[str] = []
    if team.telegram_chat_id:
        target = f"Telegram {team.telegram_chat_id}"
        try:
            await send_telegram(config, team.telegram_chat_id, text)
            sent.append(target)
        except Exception as exc:  # any failure of the Bot API or the network: record it, keep the ticket
            reason = _redact(f"{type(exc).__name__}: {exc}", config)
            log.warning("ticket %s: Telegram notification to team %s failed: %s", notice.number, team.id, reason)
            failed.append(f"{target} ({reason})")
    if team.emails:
        target = f"E-Mail {', '.join(team.emails)}"
        try:
            await asyncio.to_thread(send_email, config, team.emails, notice_subject(notice), text)
            sent.append(target)
        except Exception as exc:  # SMTP refused, unreachable, not configured
            reason = _redact(f"{type(exc).__name__}: {exc}", config)
            log.warning("ticket %s: e-mail notification to team %s failed: %s", notice.number, team.id, reason)
            failed.append(f"{target} ({reason})")
    if not failed:
        status = NotificationStatus.SENT
    elif sent:
        status = NotificationStatus.PARTIAL
    else:
        status = NotificationStatus.FAILED
    return NotificationReport(status, tuple(sent), tuple(failed))


def _load_notice(engine: Engine | None, number: str) -> TicketNotice:
    with session_scope(engine) as session:
        return TicketNotice.from_ticket(get_ticket(session, number))


def _record(engine: Engine | None, number: str, report: NotificationReport) -> None:
    with session_scope(engine) as session:
        set_notification_status(session, number, report.status, report.detail)


async def notify_new_ticket(number: str, team: Team, config: NotifyConfig,
                            engine: Engine | None = None) -> NotificationReport:
    """Notify the team of a committed ticket and record the outcome on it.

    Call after the unit of work that opened the ticket has committed (and only when `open_ticket`
    said `created`, or the ticket's notification is still pending).
    """
    notice = await asyncio.to_thread(_load_notice, engine, number)
    report = await notify_team(notice, team, config)
    await asyncio.to_thread(_record, engine, number, report)
    return report
