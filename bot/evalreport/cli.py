"""`python -m bot eval report RESULTS.json` and `python -m bot eval compare BEFORE.json AFTER.json`."""

from __future__ import annotations

import argparse
from pathlib import Path

TOOLS = ("report", "compare")
DEFAULT_REPORT_DIR = "reports/eval"


def print_summary(results: dict[str, object]) -> None:
    """The per-language table and the missed cases on the terminal."""
    from bot.evalreport import stats

    cases = results.get("cases")
    assert isinstance(cases, list)
    total = stats.overall(cases)
    print(f"accuracy {total.accuracy:.1%} over {total.total} cases")
    print(stats.summary_table(cases))
    missed = stats.miss_lines(cases)
    if missed:
        print(f"\nmissed ({len(missed)}):")
        print("\n".join(missed))


def _report(args: argparse.Namespace) -> int:
    from bot.evalreport.page import write_report
    from bot.evalreport.stats import load_results

    results = load_results(Path(args.results))
    page = write_report(results, Path(args.out))
    print_summary(results)
    print(f"\nreport: {page}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from bot.evalreport.compare import compare, render_html, render_text
    from bot.evalreport.stats import load_results

    result = compare(load_results(Path(args.before)), load_results(Path(args.after)))
    print(render_text(result))
    if args.html:
        path = Path(args.html)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_html(result), encoding="utf-8")
        print(f"\ncomparison: {path}")
    return 0


def main(argv: list[str]) -> int:
    """Run `report` or `compare` (argv starts with the tool's name)."""
    parser = argparse.ArgumentParser(prog="python -m bot eval", description="evaluation reports from results files")
    sub = parser.add_subparsers(dest="tool", required=True)
    p = sub.add_parser("report", help="build the HTML report from a results JSON without running the model")
    p.add_argument("results", help="results JSON written by `python -m bot eval CASES --json OUT`")
    p.add_argument("--out", default=DEFAULT_REPORT_DIR, help=f"report directory (default {DEFAULT_REPORT_DIR})")
    p.set_defaults(func=_report)
    p = sub.add_parser("compare", help="accuracy before/after per language, the cases fixed and broken")
    p.add_argument("before", help="results JSON before the change")
    p.add_argument("after", help="results JSON after the change")
    p.add_argument("--html", help="also write the comparison as an HTML page")
    p.set_defaults(func=_compare)
    args = parser.parse_args(argv)
    return int(args.func(args))


def wants_tool(argv: list[str]) -> bool:
    """Whether `eval ...` arguments call a tool rather than name a cases file."""
    return len(argv) >= 2 and argv[0] == "eval" and argv[1] in TOOLS and not Path(argv[1]).is_file()
