"""`python -m bot kb check|show`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.i18n.catalogs import compile_if_needed
from bot.knowledge.loader import ERROR, INFO, WARNING, load_knowledge
from bot.knowledge.render import render_topic
from bot.settings import get_settings


def run_kb(args: argparse.Namespace) -> int:
    """Dispatch the kb subcommands."""
    settings = get_settings()
    directory = Path(args.directory).resolve() if getattr(args, "directory", None) else settings.knowledge_dir
    kb, findings = load_knowledge(directory)
    if args.kb_command == "check":
        shown = [f for f in findings if args.verbose or f.level != INFO]
        for finding in shown:
            print(finding.format(Path.cwd()))
        counts = {level: sum(1 for f in findings if f.level == level) for level in (ERROR, WARNING, INFO)}
        print(f"{counts[ERROR]} error(s), {counts[WARNING]} warning(s), {counts[INFO]} unverified entries"
              + ("" if args.verbose else " (list them with --verbose)"), file=sys.stderr)
        errors = counts[ERROR]
        return 1 if errors else 0
    if compile_if_needed(settings.locales_dir):  # a fresh checkout: the replies need the compiled catalogs
        print(f"compiled the message catalogs in {settings.locales_dir}", file=sys.stderr)
    if kb is None:
        for finding in findings:
            print(finding.format(Path.cwd()), file=sys.stderr)
        return 1
    if args.kb_command == "coverage":
        from bot.knowledge.coverage import coverage, render_html, render_text

        cov = coverage(kb)
        print(render_text(cov))
        out = Path(args.html)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(cov), encoding="utf-8")
        print(f"HTML page with the picture: {out}", file=sys.stderr)
        return 0 if cov.complete else 1
    if args.topic not in kb.scope.topics:
        print(f"unknown topic {args.topic!r}; topics: {', '.join(kb.scope.topics)}", file=sys.stderr)
        return 2
    reply = render_topic(kb, args.topic, args.lang, args.region)
    print("\n\n---\n\n".join(reply.messages))
    return 0
