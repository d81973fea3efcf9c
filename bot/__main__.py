"""Command line: python -m bot run | shell | train | eval [report | compare] | kb | i18n | tickets | privacy | desk."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import uuid
from dataclasses import replace
from pathlib import Path

from bot.evalreport.cli import main as eval_tool
from bot.evalreport.cli import wants_tool
from bot.settings import get_settings

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _cmd_train(args: argparse.Namespace) -> int:
    from bot.training import train

    train(get_settings(), force=args.force)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import Stack, chat

    settings = get_settings()
    stack = Stack(settings, with_desk=True)
    stack.start()
    interactive = sys.stdin.isatty() and not args.no_shell and not settings.telegram_token
    if interactive:
        try:
            chat(stack.rest_url, sender=f"shell-{uuid.uuid4().hex[:8]}")
        finally:
            stack.stop()
        return 0
    return stack.wait()


def _cmd_shell(args: argparse.Namespace) -> int:
    from bot.runner import Stack, _healthy, chat

    settings = get_settings()
    if _healthy(f"http://{settings.host}:{settings.rasa_port}/"):
        chat(f"http://{settings.host}:{settings.rasa_port}/webhooks/rest/webhook", sender=f"shell-{uuid.uuid4().hex[:8]}")
        return 0
    stack = Stack(settings, quiet=True)
    stack.start()
    try:
        chat(stack.rest_url, sender=f"shell-{uuid.uuid4().hex[:8]}")
    finally:
        stack.stop()
    return 0


def _cmd_nlu_bench(args: argparse.Namespace) -> int:
    from bot.bench.nlu import run, table

    settings = get_settings()
    shared = Path(args.shared).resolve()
    if not (shared / "benchmarks").is_dir():
        print(f"no benchmarks under {shared} (pass --shared DIR)", file=sys.stderr)
        return 2
    config_file = Path(args.config).resolve() if args.config else None
    if config_file and not config_file.is_file():
        print(f"no such pipeline file: {config_file}", file=sys.stderr)
        return 2
    results = run(settings, shared, args.benchmark, quick=args.quick, config_file=config_file)
    out = Path(args.json or f"reports/nlu-bench-{args.benchmark}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"==> results in {out}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from bot.bench import BenchOptions, print_table, run_bench, write_json
    from bot.training import train

    settings = get_settings()
    train(settings)
    options = BenchOptions.quick() if args.quick else BenchOptions(turns=args.turns)
    if args.no_reference:
        options = replace(options, reference=False)
    if args.no_scratch:
        options = replace(options, scratch_training=False)
    results = run_bench(settings, options)
    write_json(results, Path(args.json))
    print_table(results)
    print(f"==> results in {args.json}")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from bot.evaluation import evaluate, print_summary, write_json

    report = evaluate(Path(args.cases), get_settings())
    if args.json:
        write_json(report, Path(args.json))
    print_summary(report)
    if args.report:
        from bot.evalreport.page import write_report

        print(f"\nreport: {write_report(report, Path(args.report))}")
    return 0


def _cmd_kb(args: argparse.Namespace) -> int:
    from bot.knowledge.cli import run_kb

    return run_kb(args)


def _cmd_i18n(args: argparse.Namespace) -> int:
    from bot.i18n.catalogs import compile_all, missing_messages, update

    settings = get_settings()
    source = settings.root / "bot"
    if args.action == "update":
        update(settings.locales_dir, source)
        print(f"updated catalogs in {settings.locales_dir}")
        return 0
    problems = compile_all(settings.locales_dir)
    missing = missing_messages(settings.locales_dir, source)
    for lang, ids in missing.items():
        for msgid in ids:
            problems.append(f"{lang}: not translated: {msgid!r}")
    for problem in problems:
        print(f"i18n: {problem}", file=sys.stderr)
    if args.action == "check" and problems:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m bot", description="Wegweiser assistant")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="start the Rasa server and action server (and a terminal chat)")
    p.add_argument("--no-shell", action="store_true", help="do not open the terminal chat")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("shell", help="terminal chat with the assistant")
    p.set_defaults(func=_cmd_shell)

    p = sub.add_parser("train", help="train the model if its inputs changed")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("bench", help="latency, throughput, training time, memory and reload vs bare Rasa")
    p.add_argument("--json", default="reports/bench.json", help="where to write the results")
    p.add_argument("--turns", type=int, default=500, help="timed turns for latency (default 500)")
    p.add_argument("--quick", action="store_true", help="a few turns only, to check that the bench works")
    p.add_argument("--no-reference", action="store_true", help="skip the bare Rasa reference")
    p.add_argument("--no-scratch", action="store_true", help="skip training from scratch")
    p.set_defaults(func=_cmd_bench)

    p = sub.add_parser("nlu-bench", help="the NLU featurizers and classifier on xSID or CLINC150 (outside benchmarks)")
    p.add_argument("benchmark", choices=["xsid", "clinc"])
    p.add_argument("--shared", default=str(Path(__file__).resolve().parent.parent.parent / "shared"),
                   help="the shared folder with benchmarks/ (default ../shared)")
    p.add_argument("--quick", action="store_true", help="5 examples per intent, 60 test cases: checks the bench works")
    p.add_argument("--json", help="where to write the results (default reports/nlu-bench-NAME.json)")
    p.add_argument("--config", help="another pipeline file to measure instead of config.yml (alternatives side by side)")
    p.set_defaults(func=_cmd_nlu_bench)

    p = sub.add_parser("eval", help="run evaluation cases through the whole assistant (also: eval report, "
                       "eval compare)", epilog="From results files, without the model: `python -m bot eval report "
                       "RESULTS.json --out DIR` (HTML report), `python -m bot eval compare BEFORE.json AFTER.json "
                       "[--html FILE]` (what got better and worse).")
    p.add_argument("cases", help="YAML file of cases (see shared/eval/README.md)")
    p.add_argument("--json", help="write the results to this JSON file")
    p.add_argument("--report", metavar="DIR", help="also write the HTML quality report to DIR/index.html")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("kb", help="knowledge base tools")
    kb = p.add_subparsers(dest="kb_command", required=True)
    c = kb.add_parser("check", help="validate knowledge/ and print path:line findings")
    c.add_argument("directory", nargs="?")
    c.add_argument("--verbose", action="store_true", help="also list unverified entries")
    v = kb.add_parser("coverage", help="topic x language x region matrix (terminal and HTML)")
    v.add_argument("--html", default="reports/kb-coverage.html", help="where to write the HTML page")
    s = kb.add_parser("show", help="the exact reply a person would get")
    s.add_argument("topic")
    s.add_argument("--lang", default="de")
    s.add_argument("--region")
    p.set_defaults(func=_cmd_kb)

    p = sub.add_parser("i18n", help="gettext catalogs")
    p.add_argument("action", choices=["update", "compile", "check"])
    p.set_defaults(func=_cmd_i18n)

    from bot.tickets.cli import add_parsers as add_ticket_parsers

    add_ticket_parsers(sub)

    from bot.desk.cli import add_parsers as add_desk_parsers

    add_desk_parsers(sub)

    arguments = sys.argv[1:] if argv is None else argv
    if wants_tool(arguments):
        return eval_tool(arguments[1:])
    args = parser.parse_args(arguments)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
