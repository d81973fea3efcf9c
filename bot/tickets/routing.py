"""Which team handles a region, and how to reach it (teams file, default `teams.yml`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml


class TeamsFileError(ValueError):
    """The teams file is missing or malformed."""


class NoTeamForRegionError(LookupError):
    """No team serves the region (nor a parent region)."""


@dataclass(frozen=True)
class Team:
    """A case management team: the regions it serves and where its notifications go."""

    id: str
    name: str
    regions: tuple[str, ...]
    telegram_chat_id: str | None = None
    emails: tuple[str, ...] = ()
    response_days: int = 2  # how many working days a first answer usually takes (told to the person)

    @property
    def has_targets(self) -> bool:
        """True when a Telegram group or an e-mail address is configured."""
        return bool(self.telegram_chat_id or self.emails)


@dataclass(frozen=True)
class Teams:
    """All teams, by id."""

    teams: dict[str, Team]

    def for_region(self, region: str, parents: Callable[[str], list[str]] | None = None) -> Team:
        """The team serving the region; else the team of the nearest parent region (Detmold -> Kreis Lippe).

        `parents` gives the region and its ancestors nearest first (`Scope.region_chain`).
        """
        chain = parents(region) if parents else [region]
        for candidate in chain or [region]:
            for team in self.teams.values():
                if candidate in team.regions:
                    return team
        raise NoTeamForRegionError(region)


def load_teams(path: Path, known_regions: set[str] | None = None) -> Teams:
    """Parse the teams file; every region must be known and served by one team only."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TeamsFileError(f"{path}: {exc}") from exc
    entries = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise TeamsFileError(f"{path}: expected a mapping 'teams'")
    teams: dict[str, Team] = {}
    served: dict[str, str] = {}
    for team_id, entry in entries.items():
        entry = entry or {}
        if not isinstance(entry, dict):
            raise TeamsFileError(f"{path}: team {team_id!r}: expected a mapping")
        regions = tuple(str(r) for r in entry.get("regions") or [])
        if not regions:
            raise TeamsFileError(f"{path}: team {team_id!r} serves no region")
        for region in regions:
            if known_regions is not None and region not in known_regions:
                raise TeamsFileError(f"{path}: team {team_id!r}: unknown region {region!r}")
            if region in served:
                raise TeamsFileError(f"{path}: region {region!r} is served by {served[region]!r} and {team_id!r}")
            served[region] = str(team_id)
        chat = entry.get("telegram_chat_id")
        emails = entry.get("emails") or []
        if isinstance(emails, str):
            emails = [emails]
        days = entry.get("response_days", 2)
        if not isinstance(days, int) or isinstance(days, bool) or not 0 < days <= 30:
            raise TeamsFileError(f"{path}: team {team_id!r}: response_days must be a number of days (1-30)")
        teams[str(team_id)] = Team(id=str(team_id), name=str(entry.get("name") or team_id), regions=regions,
                                   telegram_chat_id=str(chat) if chat not in (None, "") else None,
                                   emails=tuple(str(e) for e in emails), response_days=days)
    return Teams(teams)


@lru_cache(maxsize=1)
def get_teams() -> Teams:
    """The configured teams (`WEGWEISER_TEAMS_FILE`, default `teams.yml`), checked against the scope."""
    from bot.scope import get_scope
    from bot.settings import get_settings

    return load_teams(get_settings().teams_file, set(get_scope().regions))


def team_for_region(region: str) -> Team:
    """The configured team for a region id (falls back to the parent region's team)."""
    from bot.scope import get_scope

    return get_teams().for_region(region, get_scope().region_chain)
