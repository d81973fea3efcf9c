"""Compare two evaluation results (before and after a change): accuracy deltas, fixed and broken cases."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from bot.evalreport import stats

Case = dict[str, Any]


@dataclass(frozen=True)
class LanguageDelta:
    """Accuracy of one language before and after (None where the language has no cases)."""

    lang: str
    before: stats.Score | None
    after: stats.Score | None

    @property
    def delta(self) -> float | None:
        """After minus before, as a fraction; None when one side is missing."""
        if self.before is None or self.after is None:
            return None
        return self.after.accuracy - self.before.accuracy


@dataclass(frozen=True)
class Comparison:
    """What changed between two results files; cases are matched by text and language."""

    languages: list[LanguageDelta]
    fixed: list[tuple[Case, Case]]
    broken: list[tuple[Case, Case]]
    changed: list[tuple[Case, Case]]
    only_before: list[Case]
    only_after: list[Case]


def _key(case: Case) -> tuple[str, str]:
    return str(case.get("text")), str(case.get("lang"))


def compare(before: dict[str, Any], after: dict[str, Any]) -> Comparison:
    """Match the cases of two results and sort them into fixed, broken and still-missed-but-changed."""
    old: list[Case] = before.get("cases") or []
    new: list[Case] = after.get("cases") or []
    old_by_key = {_key(c): c for c in old}
    new_keys = {_key(c) for c in new}
    old_langs, new_langs = stats.by_language(old), stats.by_language(new)
    langs = stats.order_languages(set(old_langs) | set(new_langs))
    deltas = [LanguageDelta(lang, old_langs.get(lang), new_langs.get(lang)) for lang in langs]
    deltas.append(LanguageDelta("all", stats.overall(old), stats.overall(new)))
    fixed, broken, changed = [], [], []
    for case in new:
        previous = old_by_key.get(_key(case))
        if previous is None:
            continue
        was, now = stats.is_correct(previous), stats.is_correct(case)
        if now and not was:
            fixed.append((previous, case))
        elif was and not now:
            broken.append((previous, case))
        elif not now and _outcome(previous) != _outcome(case):
            changed.append((previous, case))
    return Comparison(deltas, fixed, broken, changed, [c for c in old if _key(c) not in new_keys],
                      [c for c in new if _key(c) not in old_by_key])


def _outcome(case: Case) -> str:
    """What a case answered, as topic/language plus its problems."""
    answer = case.get("answer") or {}
    problems = ",".join(str(p) for p in case.get("problems") or [])
    return f"{stats.answered(case)}/{answer.get('lang')}" + (f" ({problems})" if problems else "")


def _pct(score: stats.Score | None) -> str:
    return "–" if score is None else f"{score.accuracy:.1%}"


def _delta(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.1f} pp"


def render_text(cmp: Comparison) -> str:
    """The comparison for the terminal."""
    width = max(len("language"), *(len(d.lang) for d in cmp.languages))
    head = f"{'language':<{width}}  {'before':>7}  {'after':>7}  {'delta':>9}"
    lines = [head, "-" * len(head)]
    for d in cmp.languages:
        if d.lang == "all":
            lines.append("-" * len(head))
        lines.append(f"{d.lang:<{width}}  {_pct(d.before):>7}  {_pct(d.after):>7}  {_delta(d.delta):>9}")
    for title, pairs in (("fixed", cmp.fixed), ("broken", cmp.broken), ("still missed, answered differently",
                                                                          cmp.changed)):
        lines.append("")
        lines.append(f"{title} ({len(pairs)})" + (":" if pairs else ""))
        for was, now in pairs:
            lines.append(f"  [{now.get('lang')}] expect {stats.label(now.get('expect'))}: was {_outcome(was)}, "
                         f"now {_outcome(now)}  {stats.shorten(str(now.get('text', '')), 60)}")
    if cmp.only_before or cmp.only_after:
        lines.append("")
        lines.append(f"not matched: {len(cmp.only_before)} case(s) only before, {len(cmp.only_after)} only after")
    return "\n".join(lines)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render_html(cmp: Comparison) -> str:
    """The comparison as a small self-contained HTML page."""
    rows = ["<tr><th>language</th><th>before</th><th>after</th><th>delta</th></tr>"]
    for d in cmp.languages:
        css = "" if not d.delta else ' class="ok"' if d.delta > 0 else ' class="bad"'
        rows.append(f"<tr><td>{_e(d.lang)}</td><td>{_pct(d.before)}</td><td>{_pct(d.after)}</td>"
                    f"<td{css}>{_delta(d.delta)}</td></tr>")
    sections = []
    for title, anchor, pairs in (("Fixed", "fixed", cmp.fixed), ("Broken", "broken", cmp.broken),
                                 ("Still missed, answered differently", "changed", cmp.changed)):
        items = "".join(f"<tr><td>{_e(now.get('lang'))}</td><td><bdi dir=\"auto\">{_e(now.get('text'))}</bdi></td>"
                        f"<td>{_e(stats.label(now.get('expect')))}</td><td>{_e(_outcome(was))}</td>"
                        f"<td>{_e(_outcome(now))}</td></tr>" for was, now in pairs)
        table = ("<table><tr><th>lang</th><th>text</th><th>expected</th><th>before</th><th>after</th></tr>"
                 f"{items}</table>") if pairs else "<p>None.</p>"
        sections.append(f"<h2 id={anchor}>{title} ({len(pairs)})</h2>{table}")
    style = ("body{font-family:sans-serif;margin:2em auto;max-width:1100px;padding:0 1em}"
             "table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}"
             "th{background:#f4f4f4}.ok{color:#2e7d32}.bad{color:#c62828;font-weight:bold}")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Wegweiser evaluation: before "
            f"and after</title><style>{style}</style></head><body><h1>Before and after</h1>"
            f"<table>{''.join(rows)}</table>{''.join(sections)}</body></html>")
