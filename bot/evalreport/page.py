"""The HTML quality report: accuracy tables and bars, confusion per language, misses, language errors."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from bot.evalreport import stats, svg

REPLY_LIMIT = 280

STYLE = """
body{font-family:sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
.meta{color:#555} .headline{font-size:1.6em;margin:.4em 0}
table{border-collapse:collapse;margin:.5em 0} th,td{border:1px solid #ddd;padding:4px 8px;vertical-align:top}
th{background:#f4f4f4;text-align:left} td.num{text-align:right;font-variant-numeric:tabular-nums}
.side{display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start}
.grid{display:flex;flex-wrap:wrap;gap:2em} figure{margin:0}
.ok{color:#2e7d32} .bad{color:#c62828;font-weight:bold}
.reply{max-width:34em;white-space:pre-wrap;color:#444;font-size:.9em}
.text{max-width:24em} code{background:#f4f4f4;padding:0 3px}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _bidi(text: object) -> str:
    """Text a person wrote or read, isolated so right-to-left scripts display correctly."""
    return f'<bdi dir="auto">{_e(text)}</bdi>'


def _score_table(scores: dict[str, stats.Score], first: str, total: stats.Score | None) -> str:
    rows = [f"<tr><th>{_e(first)}</th><th>cases</th><th>correct</th><th>accuracy</th><th>misses</th></tr>"]
    items = list(scores.items()) + ([("all", total)] if total else [])
    for name, s in items:
        css = "bad" if s.misses else "ok"
        rows.append(f"<tr><td>{_e(name)}</td><td class=num>{s.total}</td><td class=num>{s.correct}</td>"
                    f"<td class=\"num {css}\">{s.accuracy:.1%}</td><td class=num>{s.misses}</td></tr>")
    return f"<table>{''.join(rows)}</table>"


def _flag(wrong: bool) -> str:
    return " class=bad" if wrong else ""


def _services(answer: dict[str, Any]) -> str:
    ids = [f"{s.get('id')} ({s.get('region')})" for s in answer.get("services") or [] if isinstance(s, dict)]
    return "<br>".join(_e(i) for i in ids) or "–"


def _region(case: dict[str, Any]) -> str:
    if case.get("region"):
        return f"<br><small>region: {_e(case['region'])}</small>"
    if case.get("known_region"):
        return f"<br><small>known region: {_e(case['known_region'])}</small>"
    return ""


def _reply(answer: dict[str, Any]) -> str:
    lang = _e(answer.get("lang") or "")
    text = stats.shorten(str(answer.get("text") or ""), REPLY_LIMIT)
    return f'<div class="reply" dir="auto" lang="{lang}">{_e(text) or "(no reply)"}</div>'


def _misses_section(cases: list[dict[str, Any]]) -> str:
    missed = stats.misses(cases)
    if not missed:
        return "<h2 id=misses>Missed cases</h2><p class=ok>None: every case was answered correctly.</p>"
    rows = ["<tr><th>#</th><th>lang</th><th>text</th><th>expected</th><th>answered</th><th>language</th>"
            "<th>services</th><th>reply (shortened)</th><th>problems</th></tr>"]
    for index, case in enumerate(cases, 1):
        if stats.is_correct(case):
            continue
        answer = case.get("answer") or {}
        problems = ", ".join(_e(p) for p in case.get("problems") or []) or "–"
        rows.append(f'<tr class="miss"><td class=num>{index}</td><td>{_e(case.get("lang"))}</td>'
                    f'<td class="text">{_bidi(case.get("text"))}</td>'
                    f'<td>{_e(stats.label(case.get("expect")))}{_region(case)}</td>'
                    f'<td{_flag(stats.answered(case) != stats.label(case.get("expect")))}>{_e(stats.answered(case))}</td>'
                    f'<td{_flag(answer.get("lang") != case.get("lang"))}>{_e(answer.get("lang"))}</td>'
                    f'<td>{_services(answer)}</td><td>{_reply(answer)}</td><td>{problems}</td></tr>')
    return f"<h2 id=misses>Missed cases ({len(missed)})</h2><table>{''.join(rows)}</table>"


def _language_section(cases: list[dict[str, Any]]) -> str:
    errors = stats.language_errors(cases)
    head = "<h2 id=language>Reply-language errors</h2>"
    if not errors:
        return head + "<p class=ok>None: every reply was in the expected language.</p>"
    rows = ["<tr><th>text</th><th>expected language</th><th>answered in</th><th>reply text reads as</th>"
            "<th>topic</th><th>reply (shortened)</th></tr>"]
    for case in errors:
        answer = case.get("answer") or {}
        detected = stats.detected_language(case)
        rows.append(f'<tr class="lang-error"><td class="text">{_bidi(case.get("text"))}</td>'
                    f'<td>{_e(case.get("lang"))}</td><td class=bad>{_e(answer.get("lang"))}</td>'
                    f'<td>{_e(detected) if detected else "–"}</td><td>{_e(stats.answered(case))}</td>'
                    f'<td>{_reply(answer)}</td></tr>')
    return f"{head}<p>{len(errors)} case(s).</p><table>{''.join(rows)}</table>"


def _meta(results: dict[str, Any]) -> str:
    meta = results.get("meta")
    if not isinstance(meta, dict) or not meta:
        return ""
    return "<p class=meta>" + " · ".join(f"{_e(k)}: <code>{_e(v)}</code>" for k, v in meta.items()) + "</p>"


def render_report(results: dict[str, Any]) -> str:
    """The whole report as one self-contained HTML page (inline CSS and SVG)."""
    cases: list[dict[str, Any]] = results.get("cases") or []
    total = stats.overall(cases)
    per_lang = stats.by_language(cases)
    per_topic = stats.by_topic(cases)
    figures = []
    for lang in per_lang:
        matrix = stats.confusion([c for c in cases if str(c.get("lang")) == lang])
        figures.append(f'<figure id="confusion-{_e(lang)}">{svg.confusion_matrix(matrix, f"{lang}: expected vs answered")}'
                       f"</figure>")
    css = "ok" if not total.misses else "bad"
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Wegweiser evaluation report</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>Wegweiser evaluation report</h1>" + _meta(results) +
        f'<p class="headline">Accuracy <span class="{css}" id="overall">{total.accuracy:.1%}</span> '
        f"({total.correct} of {total.total} cases, {total.misses} missed, "
        f"{len(stats.language_errors(cases))} reply-language errors)</p>"
        "<p>A case is correct when the reply answers the expected topic or outcome, in the expected language "
        "(also as detected in the reply text), and names a service of the case's region for local topics.</p>"
        "<h2 id=by-language>Accuracy per language</h2><div class=side>"
        f"{_score_table(per_lang, 'language', total)}{svg.bar_chart(per_lang, 'Accuracy per language')}</div>"
        "<h2 id=by-topic>Accuracy per expected topic or outcome</h2><div class=side>"
        f"{_score_table(per_topic, 'expected', None)}{svg.bar_chart(per_topic, 'Accuracy per topic')}</div>"
        "<h2 id=confusion>Confusion per language</h2>"
        "<p>Rows: the expected topic or outcome; columns: what was answered (<code>null</code>: a clarifying "
        "question or fallback). Green on the diagonal is right, red elsewhere is a confusion; darker means "
        "more cases. Only topics that occur are shown.</p>"
        f"<div class=grid>{''.join(figures)}</div>"
        + _misses_section(cases) + _language_section(cases) + "</body></html>"
    )


def write_report(results: dict[str, Any], directory: Path) -> Path:
    """Write DIR/index.html and a copy of the results (DIR/results.json); returns the page's path."""
    directory.mkdir(parents=True, exist_ok=True)
    page = directory / "index.html"
    page.write_text(render_report(results), encoding="utf-8")
    (directory / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return page
