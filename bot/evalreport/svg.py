"""Pictures as inline SVG: accuracy bars and confusion matrices (no plotting library needed)."""

from __future__ import annotations

import html
import math

from bot.evalreport.stats import Confusion, Score

GOOD, FAIR, POOR = "#2e7d32", "#f9a825", "#c62828"
CHAR_WIDTH = 7.0  # a rough advance of a 12 px sans-serif character, to size label margins


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _svg_open(width: float, height: float, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12" role="img" '
            f'aria-label="{html.escape(label)}">')


def accuracy_colour(value: float) -> str:
    """Green from 90 %, amber from 70 %, red below."""
    return GOOD if value >= 0.9 else FAIR if value >= 0.7 else POOR


def bar_chart(scores: dict[str, Score], title: str) -> str:
    """Horizontal bars of accuracy per label, each with its percentage and counts."""
    row, bar, left = 22, 300, max(_text_width(k) for k in scores) + 16 if scores else 40
    right = 120
    width, height = left + bar + right, 28 + row * len(scores) + 8
    parts = [_svg_open(width, height, title),
             f'<text x="0" y="14" font-weight="bold">{html.escape(title)}</text>']
    for tick in (0.5, 0.9, 1.0):
        x = left + bar * tick
        parts.append(f'<line x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="{height - 6}" stroke="#bbb" '
                     f'stroke-dasharray="3,3"/>')
    for i, (name, score) in enumerate(scores.items()):
        y = 26 + i * row
        length = bar * score.accuracy
        parts.append(f'<text x="{left - 8:.0f}" y="{y + 14}" text-anchor="end">{html.escape(name)}</text>')
        parts.append(f'<rect x="{left:.0f}" y="{y + 2}" width="{bar}" height="{row - 6}" fill="#eee"/>')
        parts.append(f'<rect x="{left:.0f}" y="{y + 2}" width="{length:.1f}" height="{row - 6}" '
                     f'fill="{accuracy_colour(score.accuracy)}"><title>{html.escape(name)}: '
                     f'{score.correct}/{score.total}</title></rect>')
        parts.append(f'<text x="{left + bar + 6:.0f}" y="{y + 14}">{score.accuracy:.1%} '
                     f'({score.correct}/{score.total})</text>')
    parts.append("</svg>")
    return "".join(parts)


def confusion_matrix(matrix: Confusion, title: str) -> str:
    """Expected (rows) against answered (columns); green on the diagonal, red off it, darker = more."""
    cell = 30
    longest_column = max((_text_width(c) for c in matrix.columns), default=0.0)
    left = max((_text_width(r) for r in matrix.rows), default=0.0) + 24
    top = 40 + longest_column * math.sin(math.radians(50)) + 10
    width = max(left + cell * len(matrix.columns) + longest_column * 0.7 + 10, _text_width(title) + 10)
    height = top + cell * len(matrix.rows) + 10
    peak = max(matrix.counts.values(), default=1)
    parts = [_svg_open(width, height, title),
             f'<text x="0" y="14" font-weight="bold">{html.escape(title)}</text>',
             '<text x="0" y="30" fill="#555">rows: expected · columns: answered</text>']
    for i, column in enumerate(matrix.columns):
        x = left + i * cell + cell / 2
        parts.append(f'<text transform="translate({x:.1f},{top - 6:.1f}) rotate(-50)">{html.escape(column)}</text>')
    for j, row in enumerate(matrix.rows):
        y = top + j * cell
        parts.append(f'<text x="{left - 8:.1f}" y="{y + cell / 2 + 4:.1f}" text-anchor="end">{html.escape(row)}</text>')
        for i, column in enumerate(matrix.columns):
            x = left + i * cell
            count = matrix.counts.get((row, column), 0)
            if not count:
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell - 2}" height="{cell - 2}" fill="#f4f4f4"/>')
                continue
            strength = 0.25 + 0.75 * count / peak
            colour = GOOD if row == column else POOR
            ink = "#fff" if strength > 0.55 else "#000"
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell - 2}" height="{cell - 2}" fill="{colour}" '
                         f'fill-opacity="{strength:.2f}"><title>expected {html.escape(row)}, answered '
                         f'{html.escape(column)}: {count}</title></rect>')
            parts.append(f'<text x="{x + (cell - 2) / 2:.1f}" y="{y + cell / 2 + 3:.1f}" text-anchor="middle" '
                         f'fill="{ink}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
