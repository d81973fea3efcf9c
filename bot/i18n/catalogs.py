"""Extract, update, compile and check the gettext catalogs in locales/ with Babel."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN
from bot.lang.registry import supported_languages

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def extract(source_dir: Path) -> Catalog:
    """All translatable messages in the Python sources."""
    catalog = Catalog(project="wegweiser", domain=DOMAIN)
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(source_dir), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments)
    return catalog


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def update(locales_dir: Path, source_dir: Path) -> None:
    """Write messages.pot and merge new messages into each language's messages.po."""
    template = extract(source_dir)
    locales_dir.mkdir(parents=True, exist_ok=True)
    with (locales_dir / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, omit_header=False, sort_output=True)
    for lang in supported_languages():
        po_path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        catalog = _read(po_path, lang) if po_path.exists() else Catalog(locale=lang, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path.open("wb") as fh:
            write_po(fh, catalog, sort_output=True, ignore_obsolete=True)


def compile_all(locales_dir: Path) -> list[str]:
    """Compile every messages.po to messages.mo; returns problems (untranslated, fuzzy, missing)."""
    problems: list[str] = []
    for lang in supported_languages():
        po_path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po_path.exists():
            problems.append(f"{po_path}: missing")
            continue
        catalog = _read(po_path, lang)
        for message in catalog:
            if not message.id:
                continue
            if message.fuzzy:
                problems.append(f"{po_path}: fuzzy translation for {message.id!r}")
            elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
                problems.append(f"{po_path}: no translation for {message.id!r}")
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        po_path.with_suffix(".mo").write_bytes(buffer.getvalue())
    return problems


def compile_if_needed(locales_dir: Path) -> bool:
    """Compile the catalogs when a compiled one is missing or older than its source; True when it did."""
    for lang in supported_languages():
        po_path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo_path = po_path.with_suffix(".mo")
        if po_path.exists() and (not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime):
            compile_all(locales_dir)
            return True
    return False


def missing_messages(locales_dir: Path, source_dir: Path) -> dict[str, list[str]]:
    """Per language, the messages in the sources that its catalog does not translate."""
    wanted = {m.id for m in extract(source_dir) if m.id}
    result: dict[str, list[str]] = {}
    for lang in supported_languages():
        po_path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        catalog = _read(po_path, lang) if po_path.exists() else Catalog(locale=lang)
        have = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
        missing = sorted(str(m) for m in wanted - have)
        if missing:
            result[lang] = missing
    return result
