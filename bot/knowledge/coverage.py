"""The topic × language × region coverage matrix, for the terminal and as an HTML page with a picture."""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.knowledge.model import SOURCE_LANGUAGE, KnowledgeBase
from bot.lang.registry import supported_languages

# cell states and their colours in the picture
OK, STALE, MISSING, INHERITED, NOT_LOCAL = "ok", "stale", "missing", "inherited", "n/a"
COLOURS = {OK: "#2e7d32", STALE: "#f9a825", MISSING: "#c62828", INHERITED: "#81c784", NOT_LOCAL: "#e0e0e0"}
SYMBOLS = {OK: "✓", STALE: "~", MISSING: "✗", INHERITED: "↑", NOT_LOCAL: "·"}


@dataclass(frozen=True)
class Coverage:
    """State per (topic, column): columns are the languages, then the regions."""

    topics: list[str]
    languages: list[str]
    regions: list[str]
    cells: dict[tuple[str, str], str]

    @property
    def complete(self) -> bool:
        """No missing translation and no local topic without a service."""
        return MISSING not in self.cells.values()


def coverage(kb: KnowledgeBase) -> Coverage:
    """Compute the matrix."""
    topics = list(kb.scope.topics)
    regions = list(kb.scope.regions)
    cells: dict[tuple[str, str], str] = {}
    for topic in topics:
        for lang in supported_languages():
            text = kb.texts.get((topic, lang))
            cells[(topic, lang)] = MISSING if text is None else STALE if kb.is_stale(text) else OK
        for region in regions:
            if not kb.scope.topics[topic].local:
                cells[(topic, region)] = NOT_LOCAL
                continue
            services = kb.local_services(topic, region)
            if not services:
                cells[(topic, region)] = MISSING
            else:
                cells[(topic, region)] = OK if any(s.region == region for s in services) else INHERITED
    return Coverage(topics, list(supported_languages()), regions, cells)


def render_text(cov: Coverage) -> str:
    """A table for the terminal."""
    columns = cov.languages + cov.regions
    width = max(len(t) for t in cov.topics)
    head = " " * width + " | " + " ".join(f"{c[:4]:>4}" for c in cov.languages) + " | " + \
        " ".join(f"{c[:6]:>6}" for c in cov.regions)
    lines = [head, "-" * len(head)]
    for topic in cov.topics:
        langs = " ".join(f"{SYMBOLS[cov.cells[(topic, c)]]:>4}" for c in cov.languages)
        regs = " ".join(f"{SYMBOLS[cov.cells[(topic, c)]]:>6}" for c in cov.regions)
        lines.append(f"{topic:<{width}} | {langs} | {regs}")
    missing = sum(1 for c in columns for t in cov.topics if cov.cells[(t, c)] == MISSING)
    lines.append("")
    lines.append("✓ present  ~ stale translation  ✗ missing  ↑ served by the parent region  · topic not local")
    lines.append("coverage complete" if cov.complete else f"{missing} gap(s)")
    return "\n".join(lines)


def render_html(cov: Coverage) -> str:
    """A standalone HTML page with an SVG heat map an editor can look at."""
    cell, left, top = 34, 230, 120
    columns = cov.languages + cov.regions
    width = left + cell * len(columns) + 20
    height = top + cell * len(cov.topics) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
             f'font-size="12" role="img" aria-label="coverage">']
    for i, column in enumerate(columns):
        x = left + i * cell + cell / 2
        parts.append(f'<text transform="translate({x},{top - 8}) rotate(-60)">{html.escape(column)}</text>')
    for j, topic in enumerate(cov.topics):
        y = top + j * cell
        parts.append(f'<text x="{left - 8}" y="{y + cell / 2 + 4}" text-anchor="end">{html.escape(topic)}</text>')
        for i, column in enumerate(columns):
            state = cov.cells[(topic, column)]
            parts.append(f'<rect x="{left + i * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="{COLOURS[state]}"><title>{html.escape(topic)} / {html.escape(column)}: '
                         f'{state}</title></rect>')
    parts.append("</svg>")
    legend = " ".join(f'<span style="background:{COLOURS[s]};padding:2px 8px;margin-right:6px">{s}</span>'
                      for s in COLOURS)
    status = "Coverage complete." if cov.complete else "There are gaps (red)."
    return ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Wegweiser knowledge coverage</title>"
            "<body style=\"font-family:sans-serif\"><h1>Knowledge coverage</h1>"
            f"<p>Topics × languages ({SOURCE_LANGUAGE} is the source) and × regions. {html.escape(status)}</p>"
            f"<p>{legend}</p>{''.join(parts)}</body></html>")
