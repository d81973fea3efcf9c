"""The evaluation report, summary table and comparison, built from small results made up here (no model)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from bot.evalreport import stats
from bot.evalreport.compare import compare, render_html, render_text
from bot.evalreport.page import write_report

ROOT = Path(__file__).resolve().parents[1]
ARABIC_MISS = "أحتاج إلى محامي لأن الجوب سنتر أوقف المساعدة"
ARABIC_OK = "كيف أسجل ابني في الروضة في بيليفيلد؟"
SCRIPT = "<script>alert(1)</script> Wo finde ich eine Wohnung?"


def _case(text: str, lang: str, expect: str, topic: str | None, answer_lang: str, problems: list[str],
          **extra: Any) -> dict[str, Any]:
    services = [{"id": "bielefeld/kita-navigator", "region": "bielefeld"}] if topic == "childcare-kita" else []
    answer = {"topic": topic, "lang": answer_lang, "services": services, "text": f"reply about {topic}"}
    return {"text": text, "lang": lang, "expect": expect, **extra, "answer": answer,
            "correct": not problems, "problems": problems}


def results() -> dict[str, Any]:
    """de 1/2, en 0/1 (wrong language), uk 0/1 (reply reads as Russian), ar 2/3, tr 1/1."""
    cases = [
        _case("Wo melde ich mich an?", "de", "residence-registration", "residence-registration", "de", []),
        _case(SCRIPT, "de", "housing", None, "de", ["topic"]),
        _case("Hello!", "en", "greeting", "greeting", "de", ["lang"]),
        _case("Як знайти лікаря?", "uk", "doctors-and-emergencies", "doctors-and-emergencies", "uk",
              ["text-language:ru"]),
        _case(ARABIC_OK, "ar", "childcare-kita", "childcare-kita", "ar", [], region="bielefeld"),
        _case(ARABIC_MISS, "ar", "legal-advice", "social-benefits", "ar", ["topic"]),
        _case("مرحبا", "ar", "greeting", "greeting", "ar", []),
        _case("Merhaba", "tr", "greeting", "greeting", "tr", []),
    ]
    cases[5]["answer"]["text"] = "جواب عن المساعدات الاجتماعية " * 30
    return {"cases": cases, "summary": {"accuracy": 0.5, "by_lang": {}, "count": len(cases)}}


class _Cells(HTMLParser):
    """Table rows of a page as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def rows_of(page: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(page)
    return parser.rows


@pytest.fixture
def page(tmp_path: Path) -> str:
    index = write_report(results(), tmp_path / "report")
    assert index == tmp_path / "report" / "index.html"
    return index.read_text(encoding="utf-8")


def test_accuracy_per_language_and_topic_appear_in_the_tables(page: str) -> None:
    rows = rows_of(page)
    for expected in (["de", "2", "1", "50.0%", "1"], ["en", "1", "0", "0.0%", "1"], ["uk", "1", "0", "0.0%", "1"],
                     ["ar", "3", "2", "66.7%", "1"], ["tr", "1", "1", "100.0%", "0"],
                     ["all", "8", "4", "50.0%", "4"], ["greeting", "3", "2", "66.7%", "1"]):
        assert expected in rows
    assert 'id="overall">50.0%<' in page
    assert page.count('aria-label="Accuracy per') == 2


def test_every_language_has_a_confusion_picture(page: str) -> None:
    pictures = dict(re.findall(r'<figure id="confusion-(\w+)">(<svg.*?</svg>)', page))
    assert set(pictures) == {"de", "en", "uk", "ar", "tr"}
    # the Arabic confusion shows the wrong answer as its own column, with the count in a cell
    assert "expected legal-advice, answered social-benefits: 1" in pictures["ar"]
    assert ">null<" in pictures["de"]


def test_missed_case_shows_text_expected_and_what_was_answered(page: str) -> None:
    misses = page.split('id=misses>', 1)[1].split("id=language>", 1)[0]
    row = next(r for r in rows_of(misses) if ARABIC_MISS in r)
    assert "legal-advice" in row and "social-benefits" in row and "topic" in row
    reply = next(cell for cell in row if cell.startswith("جواب"))
    assert reply.endswith("…") and len(reply) <= 280
    assert ARABIC_OK not in misses


def test_arabic_text_is_isolated_for_right_to_left_display(page: str) -> None:
    assert f'<bdi dir="auto">{ARABIC_MISS}</bdi>' in page
    assert '<div class="reply" dir="auto" lang="ar">' in page


def test_html_in_a_case_text_is_escaped(page: str) -> None:
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Wo finde ich eine Wohnung?" in page


def test_reply_language_errors_are_listed(page: str) -> None:
    section = page.split("id=language>", 1)[1]
    rows = rows_of(section)
    assert ["Hello!", "en", "de", "–", "greeting", "reply about greeting"] in rows
    assert ["Як знайти лікаря?", "uk", "uk", "ru", "doctors-and-emergencies", "reply about doctors-and-emergencies"] \
        in rows
    assert len(rows) == 3  # header and the two errors


def test_results_copy_is_written_next_to_the_page(tmp_path: Path) -> None:
    write_report(results(), tmp_path)
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8")) == results()


def test_terminal_summary_is_an_aligned_table(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.evaluation import print_summary

    print_summary(results())
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "accuracy 50.0% over 8 cases"
    table = [line for line in lines[1:lines.index("")] if not line.startswith("-")]
    assert table[0].split() == ["language", "cases", "correct", "accuracy", "misses"]
    assert table[4].split() == ["ar", "3", "2", "66.7%", "1"]
    assert len({len(line) for line in table}) == 1  # every row is as wide as the header
    assert "missed (4):" in out and ARABIC_MISS in out


def _after() -> dict[str, Any]:
    """The Arabic miss is fixed, the Turkish greeting broke."""
    data = copy.deepcopy(results())
    fixed = data["cases"][5]
    fixed["answer"]["topic"], fixed["correct"], fixed["problems"] = "legal-advice", True, []
    broken = data["cases"][7]
    broken["answer"]["topic"], broken["correct"], broken["problems"] = None, False, ["topic"]
    return data


def test_compare_lists_fixed_and_broken_with_deltas() -> None:
    result = compare(results(), _after())
    assert [now["text"] for _, now in result.fixed] == [ARABIC_MISS]
    assert [now["text"] for _, now in result.broken] == ["Merhaba"]
    deltas = {d.lang: d.delta for d in result.languages}
    assert deltas["ar"] == pytest.approx(1 / 3) and deltas["tr"] == pytest.approx(-1.0)
    assert deltas["de"] == 0 and deltas["all"] == 0
    text = render_text(result)
    assert re.search(r"^ar\s+66\.7%\s+100\.0%\s+\+33\.3 pp$", text, re.M)
    assert re.search(r"^tr\s+100\.0%\s+0\.0%\s+-100\.0 pp$", text, re.M)
    assert "was social-benefits/ar (topic), now legal-advice/ar" in text
    assert "was greeting/tr, now null/tr (topic)" in text
    page = render_html(result)
    assert "<script>" not in page and f'<bdi dir="auto">{ARABIC_MISS}</bdi>' in page


def test_confusion_uses_the_same_labels_on_both_axes() -> None:
    matrix = stats.confusion(results()["cases"])
    assert matrix.rows == matrix.columns
    # topics alphabetically, then the outcomes
    assert matrix.rows.index("null") > matrix.rows.index("greeting") > matrix.rows.index("social-benefits")


def test_eval_command_with_json_and_report_keeps_the_results_format(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.evaluation
    from bot.__main__ import main

    monkeypatch.setattr(bot.evaluation, "evaluate", lambda cases_file, settings: results())
    out, report = tmp_path / "out.json", tmp_path / "report"
    assert main(["eval", "cases.yml", "--json", str(out), "--report", str(report)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert set(written) >= {"cases", "summary"} and written["cases"][0]["answer"]["topic"] == "residence-registration"
    assert (report / "index.html").is_file()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "eval", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)


def test_cli_report_and_compare_from_results_files(tmp_path: Path) -> None:
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(results(), ensure_ascii=False), encoding="utf-8")
    after.write_text(json.dumps(_after(), ensure_ascii=False), encoding="utf-8")

    done = _run("report", str(before), "--out", str(tmp_path / "report"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report" / "index.html").is_file()
    assert re.search(r"^ar\s+3\s+2\s+66\.7%\s+1$", done.stdout, re.M)

    done = _run("compare", str(before), str(after), "--html", str(tmp_path / "compare.html"))
    assert done.returncode == 0, done.stderr
    assert "fixed (1):" in done.stdout and "broken (1):" in done.stdout
    assert "+33.3 pp" in done.stdout and "Merhaba" in done.stdout
    assert (tmp_path / "compare.html").is_file()

    done = _run("report", str(tmp_path / "missing.json"))
    assert done.returncode != 0 and "cannot read results" in done.stderr
