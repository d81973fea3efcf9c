"""The shipped knowledge base loads, covers everything, and broken edits are reported with path:line."""

import re
import shutil
from pathlib import Path

import pytest

from bot.knowledge.loader import ERROR, load_knowledge
from bot.knowledge.render import render_topic
from bot.knowledge.store import KnowledgeStore
from bot.lang.registry import supported_languages
from bot.settings import get_settings

SHARED_SCOPE = Path(__file__).resolve().parents[3] / "shared" / "scope" / "topics.yml"


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    kb, findings = load_knowledge(get_settings().knowledge_dir)
    assert kb is not None, [f.format() for f in findings if f.level == ERROR]
    return kb


@pytest.mark.skipif(not SHARED_SCOPE.exists(), reason="shared/ is not beside this checkout")
def test_scope_is_the_shared_one() -> None:
    assert (get_settings().knowledge_dir / "scope.yml").read_text() == SHARED_SCOPE.read_text()


def test_every_topic_in_every_language(kb) -> None:  # type: ignore[no-untyped-def]
    missing = [(t, lang) for t in kb.scope.topics for lang in supported_languages() if (t, lang) not in kb.texts]
    assert missing == []


def test_every_local_topic_has_a_service_in_every_region(kb) -> None:  # type: ignore[no-untyped-def]
    missing = [(t, r) for t, topic in kb.scope.topics.items() if topic.local
               for r in kb.scope.regions if not kb.local_services(t, r)]
    assert missing == []


def test_detmold_falls_back_to_kreis_lippe(kb) -> None:  # type: ignore[no-untyped-def]
    services = kb.local_services("driving-licence", "detmold")
    assert services and {s.region for s in services} <= {"detmold", "kreis-lippe"}


def test_detmold_gets_its_own_offices_first_then_the_districts_that_serve_it(kb) -> None:  # type: ignore[no-untyped-def]
    violence = [s.id for s in kb.local_services("violence-and-protection", "detmold")]
    assert violence[0].startswith("detmold/")
    assert {"kreis-lippe/frauenhaus-lippe", "kreis-lippe/frauenberatung-alraune"} <= set(violence)
    assert "kreis-lippe/jobcenter-lippe" in [s.id for s in kb.local_services("social-benefits", "detmold")]
    assert "kreis-lippe/fluechtlingshilfe-lippe" in [s.id for s in kb.local_services("asylum-procedure", "detmold")]
    immigration = [s.id for s in kb.local_services("immigration-office", "detmold")]
    assert "detmold/auslaenderbehoerde" in immigration and "kreis-lippe/auslaenderamt" not in immigration  # not_for
    assert "kreis-lippe/auslaenderamt" in [s.id for s in kb.local_services("immigration-office", "kreis-lippe")]
    for topic in kb.scope.topics:
        ids = [s.id for s in kb.local_services(topic, "detmold")]
        assert len(ids) == len(set(ids)), topic
        regions = [s.region for s in kb.local_services(topic, "detmold")]
        assert regions == sorted(regions, key=lambda r: r != "detmold"), topic  # nearest level first


def test_answer_names_local_office_in_the_persons_language(kb) -> None:  # type: ignore[no-untyped-def]
    reply = render_topic(kb, "immigration-office", "uk", "bielefeld")
    assert reply.services and all(s.region == "bielefeld" for s in reply.services if s.region != "national")
    assert "Bielefeld" in "\n".join(reply.messages)
    assert kb.texts[("immigration-office", "uk")].title in reply.messages[0]


def test_rtl_reply_isolates_links(kb) -> None:  # type: ignore[no-untyped-def]
    reply = render_topic(kb, "housing", "ar", "bielefeld")
    assert "\u2066https://" in "\n".join(reply.messages)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(get_settings().knowledge_dir, target)
    return target


def test_broken_file_gives_path_and_line(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "topics" / "housing" / "fa.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = "title: [unclosed"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kb, findings = load_knowledge(directory)
    assert kb is None
    errors = [f for f in findings if f.level == ERROR]
    assert errors and errors[0].path == path and errors[0].line >= 3


def test_not_for_must_name_a_region_within_the_services_region(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "services" / "kreis-lippe.yml", "    not_for: [detmold]", "    not_for: [bielefeld]")
    kb, findings = load_knowledge(directory)
    assert kb is None
    assert any("not_for names 'bielefeld'" in f.message and f.path.name == "kreis-lippe.yml" for f in findings)


def test_unknown_topic_in_service_is_reported(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "services" / "bielefeld.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("topics: [", "topics: [no-such-topic, ", 1), encoding="utf-8")
    _kb, findings = load_knowledge(directory)
    assert any("no-such-topic" in f.message and f.path == path and f.line > 1 for f in findings)


def test_store_keeps_serving_last_good_version_and_picks_up_edits(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    store = KnowledgeStore(directory, interval=0)
    title = store.get().texts[("housing", "de")].title
    path = directory / "topics" / "housing" / "de.yml"
    original = path.read_text(encoding="utf-8")
    path.write_text("topic: housing\n  broken: [\n", encoding="utf-8")
    assert store.get().texts[("housing", "de")].title == title
    path.write_text(original.replace(f"title: {title}", "title: Neue Überschrift"), encoding="utf-8")
    assert store.get().texts[("housing", "de")].title == "Neue Überschrift"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_reports_bad_phone_and_hours_with_line(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "services" / "national.yml"
    _edit(path, "phones: [", "phones: [\"12345\", ")
    kb, findings = load_knowledge(directory)
    assert kb is None
    assert any("12345" in f.message and f.path == path and f.line > 1 and f.level == ERROR for f in findings)


def test_check_reports_unparsable_opening_hours(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = next(p for p in (directory / "services").glob("*.yml") if 'opening_hours: "Mo-Fr' in p.read_text())
    _edit(path, 'opening_hours: "Mo-Fr', 'opening_hours: "Mondays sometimes Mo-Fr')
    _kb, findings = load_knowledge(directory)
    assert any("opening_hours" in f.message and f.path == path and f.level == ERROR for f in findings)


def test_changed_source_makes_translations_stale_but_still_served(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "topics" / "housing" / "de.yml", "version: 1", "version: 2")
    kb, findings = load_knowledge(directory)
    assert kb is not None
    assert any(f.path.name == "ar.yml" and "stale" in f.message for f in findings)
    reply = render_topic(kb, "housing", "ar", None)
    assert kb.texts[("housing", "ar")].title in reply.messages[0]


def test_old_review_is_due_again(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "topics" / "housing" / "de.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"reviewed_on: .*", "reviewed_on: 2020-01-01", text, count=1), encoding="utf-8")
    _kb, findings = load_knowledge(directory)
    assert any(f.path == path and "over 12 months" in f.message for f in findings)


def test_kb_check_command_passes_on_shipped_content() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "bot", "kb", "check"], cwd=get_settings().root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stderr


def test_coverage_is_complete_and_shows_gaps(tmp_path: Path) -> None:
    from bot.knowledge.coverage import MISSING, coverage, render_html, render_text

    kb, _findings = load_knowledge(get_settings().knowledge_dir)
    assert kb is not None
    assert coverage(kb).complete
    directory = _copy(tmp_path)
    (directory / "topics" / "housing" / "tr.yml").unlink()
    broken, _ = load_knowledge(directory)
    assert broken is not None
    cov = coverage(broken)
    assert cov.cells[("housing", "tr")] == MISSING and not cov.complete
    assert "1 gap(s)" in render_text(cov)
    page = render_html(cov)
    assert "<svg" in page and "housing / tr: missing" in page
