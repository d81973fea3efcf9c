"""Load and validate `knowledge/`; every problem is a finding with `path:line`."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.model import (
    NATIONAL,
    SOURCE_LANGUAGE,
    Dependency,
    KnowledgeBase,
    Link,
    Review,
    Service,
    Source,
    TopicText,
)
from bot.knowledge.yamlines import LineDict, YamlFileError, line_of, load_yaml
from bot.lang.registry import supported_languages
from bot.regions import RegionFileError, load_region_gazetteer
from bot.scope import Scope, load_scope

ERROR = "error"
WARNING = "warning"
INFO = "info"
REVIEW_MAX_AGE = dt.timedelta(days=365)
# a fact that changes is reported this long before its date, so that editors can prepare the new text
DUE_WARNING = dt.timedelta(days=30)
DEPENDENCY_KINDS = ("valid_until", "review_by")
# valid German short numbers that phonenumbers does not list as valid numbers
SHORT_NUMBERS = frozenset({"110", "112", "115", "116006", "116016", "116111", "116117", "116123"})
_URL = re.compile(r"^https?://[^\s/$.?#][^\s<>\"]*$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[a-z]{2,}$", re.IGNORECASE)
_WEEKDAY_RULE = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su)\b")
_SERVICE_ID = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+$")
APPOINTMENT_VALUES = ("required", "recommended", "not_required", "unknown")
REVIEW_STATUSES = ("verified", "unverified")


@dataclass(frozen=True)
class Finding:
    """One problem an editor can act on."""

    path: Path
    line: int
    level: str
    message: str

    def format(self, root: Path | None = None) -> str:
        """`path:line: level: message`, with the path relative to `root` where possible."""
        path = self.path
        if root is not None:
            with contextlib.suppress(ValueError):
                path = self.path.relative_to(root)
        return f"{path}:{self.line}: {self.level}: {self.message}"


class KnowledgeError(RuntimeError):
    """The knowledge base has errors and cannot be served."""

    def __init__(self, findings: list[Finding]) -> None:
        errors = [f for f in findings if f.level == ERROR]
        super().__init__("; ".join(f.format() for f in errors[:5]))
        self.findings = findings


class _Collector:
    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, path: Path, line: int, level: str, message: str) -> None:
        self.findings.append(Finding(path, line, level, message))

    def error(self, path: Path, line: int, message: str) -> None:
        self.add(path, line, ERROR, message)

    def warn(self, path: Path, line: int, message: str) -> None:
        self.add(path, line, WARNING, message)

    def info(self, path: Path, line: int, message: str) -> None:
        self.add(path, line, INFO, message)


def _check_review(review: Review, what: str, path: Path, line: int, out: _Collector, today: dt.date) -> None:
    if review.reviewed_on is None:
        out.warn(path, line, f"{what}: no review date (review.reviewed_on)")
    elif today - review.reviewed_on > REVIEW_MAX_AGE:
        out.warn(path, line, f"{what}: last reviewed on {review.reviewed_on.isoformat()}, over 12 months ago: "
                             "check it again and update reviewed_on")
    if not review.verified:
        out.info(path, line, f"{what}: unverified; people are pointed to the official page")


def _phone_problem(number: str) -> str | None:
    import phonenumbers

    digits = "".join(ch for ch in number if ch.isdigit())
    if digits in SHORT_NUMBERS:
        return None
    try:
        parsed = phonenumbers.parse(number, "DE")
    except phonenumbers.NumberParseException as exc:
        return f"phone number {number!r} does not parse ({exc})"
    if not phonenumbers.is_valid_number(parsed):
        return f"phone number {number!r} is not a valid number"
    return None


def _str_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    return (str(value).strip(),)


def _review(data: LineDict, path: Path, out: _Collector) -> Review:
    raw = data.get("review")
    if not isinstance(raw, dict):
        out.error(path, line_of(data), "missing 'review' (reviewed_on, status)")
        return Review(None, "unverified")
    status = str(raw.get("status", "")).strip()
    if status not in REVIEW_STATUSES:
        out.error(path, line_of(raw, "status"), f"review status must be one of {', '.join(REVIEW_STATUSES)}")
        status = "unverified"
    value = raw.get("reviewed_on")
    reviewed = _date(value) if value is not None else None
    if value is not None and reviewed is None:
        out.error(path, line_of(raw, "reviewed_on"), f"reviewed_on {value!r} is not a date (YYYY-MM-DD)")
    return Review(reviewed, status, str(raw.get("note") or ""))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _dependencies(data: LineDict, path: Path, out: _Collector) -> tuple[Dependency, ...]:
    """`depends_on:` a list of facts that change, each with `fact`, `valid_until` or `review_by`, and `check`."""
    raw = data.get("depends_on")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        out.error(path, line_of(data, "depends_on"), "'depends_on' must be a list of facts")
        return ()
    found = []
    for item in raw:
        line = line_of(item) if isinstance(item, LineDict) else line_of(data, "depends_on")
        if not isinstance(item, dict) or not str(item.get("fact") or "").strip():
            out.error(path, line, "each entry of 'depends_on' needs 'fact' (what changes)")
            continue
        kinds = [k for k in DEPENDENCY_KINDS if item.get(k) is not None]
        if len(kinds) != 1:
            out.error(path, line, f"'{item['fact']}': give exactly one of valid_until or review_by (YYYY-MM-DD)")
            continue
        due = _date(item[kinds[0]])
        if due is None:
            out.error(path, line, f"'{item['fact']}': {kinds[0]} {item[kinds[0]]!r} is not a date (YYYY-MM-DD)")
            continue
        check = str(item.get("check") or "").strip() or None
        if check and not _URL.match(check):
            out.error(path, line, f"'{item['fact']}': check is not a valid URL: {check!r}")
            check = None
        if kinds[0] == "valid_until":  # the last day it holds: from the next day it may be wrong
            due += dt.timedelta(days=1)
        found.append(Dependency(str(item["fact"]).strip(), due, kinds[0], check, line))
    return tuple(found)


def _check_dependencies(dependencies: tuple[Dependency, ...], what: str, path: Path, out: _Collector,
                        today: dt.date) -> None:
    for dep in dependencies:
        label = "no longer valid" if dep.kind == "valid_until" else "to be checked"
        if dep.is_due(today):
            out.warn(path, dep.line, f"{what}: {label} since {dep.due.isoformat()}: {dep.fact}. Update the text, "
                     f"then the date (replies now say it may have changed)")
        elif dep.due - today <= DUE_WARNING:
            out.warn(path, dep.line, f"{what}: {label} from {dep.due.isoformat()} (in {(dep.due - today).days} days): "
                     f"{dep.fact}. Prepare the new text")


def _load_topic_file(path: Path, scope: Scope, out: _Collector) -> TopicText | None:
    try:
        data = load_yaml(path)
    except YamlFileError as exc:
        out.error(path, exc.line, exc.message)
        return None
    if not isinstance(data, LineDict):
        out.error(path, 1, "expected a mapping with topic, lang, title, answer ...")
        return None
    topic_id, lang = path.parent.name, path.stem
    ok = True
    if data.get("topic") != topic_id:
        out.error(path, line_of(data, "topic"), f"'topic' must be {topic_id!r} (the folder name)")
        ok = False
    if topic_id not in scope.topics:
        out.error(path, 1, f"unknown topic id {topic_id!r} (not in scope.yml)")
        ok = False
    if data.get("lang") != lang:
        out.error(path, line_of(data, "lang"), f"'lang' must be {lang!r} (the file name)")
        ok = False
    for key in ("title", "answer"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            out.error(path, line_of(data, key), f"'{key}' is missing or empty")
            ok = False
    links: list[Link] = []
    for i, raw in enumerate(data.get("links") or []):
        if not isinstance(raw, dict) or not raw.get("url"):
            out.error(path, line_of(data, "links"), f"link {i + 1} needs 'label' and 'url'")
            continue
        url = str(raw["url"]).strip()
        if not _URL.match(url):
            out.error(path, line_of(raw, "url"), f"not a valid URL: {url!r}")
        links.append(Link(label=str(raw.get("label") or url).strip(), url=url))
    version = data.get("version")
    source_version = data.get("source_version")
    if lang == SOURCE_LANGUAGE:
        if not isinstance(version, int) or version < 1:
            out.error(path, line_of(data, "version"), "the German source needs 'version: N' (a whole number)")
            ok = False
    elif not isinstance(source_version, int):
        out.error(path, line_of(data, "source_version"),
                  "a translation needs 'source_version: N' (the version of de.yml it translates)")
        ok = False
    review = _review(data, path, out)
    if not ok:
        return None
    return TopicText(
        topic=topic_id,
        lang=lang,
        title=data["title"].strip(),
        answer=data["answer"].strip(),
        steps=_str_list(data.get("steps")),
        bring=_str_list(data.get("bring")),
        links=tuple(links),
        sources=_str_list(data.get("sources")),
        review=review,
        version=version if isinstance(version, int) else None,
        source_version=source_version if isinstance(source_version, int) else None,
        path=path,
        line=data.line,
        depends_on=_dependencies(data, path, out) if lang == SOURCE_LANGUAGE else (),
    )


def _coordinates(raw: Any) -> tuple[float, float] | None:
    if isinstance(raw, list) and len(raw) == 2:
        try:
            return float(raw[0]), float(raw[1])
        except (TypeError, ValueError):
            return None
    return None


def _load_service(raw: LineDict, region: str, path: Path, scope: Scope, out: _Collector) -> Service | None:
    sid = str(raw.get("id") or "")
    if not _SERVICE_ID.match(sid):
        out.error(path, line_of(raw, "id"), f"service id {sid!r} must look like 'region/name' (a-z, 0-9, -)")
        return None
    if not sid.startswith(region + "/"):
        out.error(path, line_of(raw, "id"), f"service id {sid!r} must start with the file's region {region!r}/")
    name = str(raw.get("name") or "").strip()
    if not name:
        out.error(path, line_of(raw), f"{sid}: 'name' is missing")
        return None
    topics = _str_list(raw.get("topics"))
    for topic in topics:
        if topic not in scope.topics:
            out.error(path, line_of(raw, "topics"), f"{sid}: unknown topic id {topic!r}")
    appointment = str(raw.get("appointment") or "unknown")
    if appointment not in APPOINTMENT_VALUES:
        out.error(path, line_of(raw, "appointment"),
                  f"{sid}: appointment must be one of {', '.join(APPOINTMENT_VALUES)}")
        appointment = "unknown"
    website = raw.get("website")
    if website and not _URL.match(str(website)):
        out.error(path, line_of(raw, "website"), f"{sid}: not a valid URL: {website!r}")
    email = raw.get("email")
    if email and not _EMAIL.match(str(email)):
        out.error(path, line_of(raw, "email"), f"{sid}: not a valid e-mail address: {email!r}")
    for number in _str_list(raw.get("phones")):
        problem = _phone_problem(number)
        if problem:
            out.error(path, line_of(raw, "phones"), f"{sid}: {problem}")
    hours_value = raw.get("opening_hours")
    if hours_value:
        from bot.knowledge.hours import HoursError, parse

        try:
            parse(str(hours_value))
        except HoursError as exc:
            out.error(path, line_of(raw, "opening_hours"),
                      f"{sid}: opening_hours {hours_value!r} is not valid OpenStreetMap syntax ({exc})")
        if _WEEKDAY_RULE.search(str(hours_value)) and "PH" not in str(hours_value):
            out.error(path, line_of(raw, "opening_hours"),
                      f"{sid}: opening_hours {hours_value!r} has weekday hours but no public-holiday rule: add "
                      f"'; PH off' and the NRW-only holidays (e.g. '2027 May 27 off; Nov 01 off'), or 'PH ...' hours")
    sources: list[Source] = []
    for item in raw.get("sources") or []:
        if isinstance(item, dict) and item.get("url"):
            sources.append(Source(str(item["url"]), str(item["read_on"]) if item.get("read_on") else None))
        elif isinstance(item, str):
            sources.append(Source(item))
    return Service(
        id=sid,
        region=region,
        name=name,
        kind=str(raw.get("kind") or "office"),
        topics=topics,
        address=str(raw["address"]).strip() if raw.get("address") else None,
        coordinates=_coordinates(raw.get("coordinates")),
        phones=_str_list(raw.get("phones")),
        email=str(email) if email else None,
        website=str(website) if website else None,
        opening_hours=str(raw["opening_hours"]).strip() if raw.get("opening_hours") else None,
        appointment=appointment,
        languages=_str_list(raw.get("languages")),
        sources=tuple(sources),
        review=_review(raw, path, out),
        path=path,
        line=raw.line,
        depends_on=_dependencies(raw, path, out),
        not_for=_not_for(raw, sid, region, path, scope, out),
    )


def _not_for(raw: LineDict, sid: str, region: str, path: Path, scope: Scope, out: _Collector) -> tuple[str, ...]:
    """`not_for`: regions within the service's region that it does not serve."""
    regions = _str_list(raw.get("not_for"))
    for region_id in regions:
        if region_id not in scope.regions or region not in scope.region_chain(region_id)[1:]:
            out.error(path, line_of(raw, "not_for"), f"{sid}: not_for names {region_id!r}, which is not a region "
                      f"within {region!r}")
    return regions


def _load_services(path: Path, scope: Scope, out: _Collector) -> list[Service]:
    try:
        data = load_yaml(path)
    except YamlFileError as exc:
        out.error(path, exc.line, exc.message)
        return []
    if not isinstance(data, LineDict) or not isinstance(data.get("services"), list):
        out.error(path, 1, "expected 'region:' and a list 'services:'")
        return []
    region = str(data.get("region") or "")
    if region != path.stem:
        out.error(path, line_of(data, "region"), f"'region' must be {path.stem!r} (the file name)")
    if region != NATIONAL and region not in scope.regions:
        out.error(path, line_of(data, "region"), f"unknown region id {region!r} (not in scope.yml)")
        return []
    services = []
    for raw in data["services"]:
        if not isinstance(raw, LineDict):
            out.error(path, line_of(data, "services"), "each service must be a mapping")
            continue
        service = _load_service(raw, region, path, scope, out)
        if service:
            services.append(service)
    return services


def fingerprint(directory: Path) -> str:
    """Changes whenever any knowledge file's name, size or modification time changes."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.yml")):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def load_knowledge(directory: Path, today: dt.date | None = None) -> tuple[KnowledgeBase | None, list[Finding]]:
    """Load everything; returns (None, findings) when there are errors. `today` decides what is out of date."""
    out = _Collector()
    scope_path = directory / "scope.yml"
    try:
        scope = load_scope(scope_path)
    except Exception as exc:  # noqa: BLE001 - any broken scope file is one finding
        out.error(scope_path, 1, f"cannot read the scope: {exc}")
        return None, out.findings
    try:
        regions = load_region_gazetteer(directory / "regions.yml", set(scope.regions))
    except RegionFileError as exc:
        out.error(directory / "regions.yml", 1, str(exc))
        return None, out.findings

    texts: dict[tuple[str, str], TopicText] = {}
    for path in sorted((directory / "topics").glob("*/*.yml")):
        if path.stem not in supported_languages():
            out.warn(path, 1, f"language {path.stem!r} is not supported by the assistant yet; ignored")
            continue
        text = _load_topic_file(path, scope, out)
        if text:
            texts[(text.topic, text.lang)] = text

    services: dict[str, Service] = {}
    for path in sorted((directory / "services").glob("*.yml")):
        for service in _load_services(path, scope, out):
            if service.id in services:
                other = services[service.id]
                out.error(path, service.line, f"duplicate service id {service.id!r} (also {other.path}:{other.line})")
                continue
            services[service.id] = service

    today = today or dt.date.today()
    for topic in scope.topics:
        source = texts.get((topic, SOURCE_LANGUAGE))
        if source is None:
            out.error(directory / "topics" / topic / "de.yml", 1, f"topic {topic!r} has no German source text")
            continue
        for lang in supported_languages():
            text = texts.get((topic, lang))
            if text is None:
                out.warn(directory / "topics" / topic / f"{lang}.yml", 1,
                         f"missing translation of {topic!r} into {lang!r}: people get English or German with a note")
                continue
            if lang != SOURCE_LANGUAGE and text.source_version != source.version:
                out.warn(text.path, text.line, f"stale translation: translates version {text.source_version} of "
                         f"de.yml, which is now version {source.version}; update it and set "
                         f"source_version: {source.version}")
            if lang != SOURCE_LANGUAGE and [link.url for link in text.links] != [link.url for link in source.links]:
                out.warn(text.path, text.line, "links differ from de.yml (same URLs in the same order expected)")
        _check_review(source.review, f"topic {topic}", source.path, source.line, out, today)
        _check_dependencies(source.depends_on, f"topic {topic}", source.path, out, today)
    for service in services.values():
        _check_review(service.review, service.id, service.path, service.line, out, today)
        _check_dependencies(service.depends_on, service.id, service.path, out, today)

    if any(f.level == ERROR for f in out.findings):
        return None, out.findings
    kb = KnowledgeBase(scope=scope, texts=texts, services=services, regions=regions,
                       loaded_at=time.time(), fingerprint=fingerprint(directory))
    return kb, out.findings
