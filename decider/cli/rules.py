"""``decider rules list|show|lint|fields``: the rule catalogue from the command line."""

from __future__ import annotations

import argparse
import json
import sys

from decider.cli.arguments import EXIT_OK, add_rules_option, ruleset_from
from decider.errors import Problem, UsageError, nearest, quoted
from decider.rules.computed import computed_rule, computed_rules, rule_ids
from decider.rules.fields import FIELDS
from decider.rules.loader import load_ruleset
from decider.rules.location import default_rules_dir
from decider.rules.model import CATEGORIES


def define_rules(rules: argparse.ArgumentParser) -> None:
    """Add the actions of ``decider rules`` to its parser."""
    rules_commands = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    listing = rules_commands.add_parser("list", help="list rules")
    listing.add_argument("--category", choices=CATEGORIES)
    listing.add_argument("--target")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    add_rules_option(listing)
    listing.set_defaults(handler=_rules_list)
    show = rules_commands.add_parser("show", help="show one rule")
    show.add_argument("id")
    add_rules_option(show)
    show.set_defaults(handler=_rules_show)
    lint = rules_commands.add_parser("lint", help="check the shipped rules plus extra rule directories")
    lint.add_argument(
        "dirs", nargs="*", help=f"extra rule directories (the shipped ones, {default_rules_dir()}, are always read)"
    )
    add_rules_option(lint)
    lint.set_defaults(handler=_rules_lint)
    fields = rules_commands.add_parser("fields", help="list the field names and derived facts rules may use")
    fields.set_defaults(handler=_rules_fields)


def _rules_list(args: argparse.Namespace) -> int:
    ruleset = ruleset_from(args)
    if args.target and args.target not in ruleset.target_ids:
        raise UsageError(
            [
                Problem(
                    "--target",
                    f"unknown target {args.target!r}; valid: {', '.join(ruleset.target_ids)}",
                    nearest(args.target, ruleset.target_ids),
                )
            ]
        )
    rows = [
        rule
        for rule in ruleset.rules
        if (not args.category or rule.category == args.category) and (not args.target or args.target in rule.targets)
    ]
    computed = [
        data
        for data in computed_rules(ruleset)
        if (not args.category or data["category"] == args.category)
        and (not args.target or args.target in data["targets"])
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps([*(rule.to_dict() for rule in rows), *computed], indent=2) + "\n")
        return EXIT_OK
    width = max((len(rule.id) for rule in rows), default=10)
    for rule in rows:
        effect = (
            "exclude " + ",".join(rule.targets) + (f" mode {rule.mode}" if rule.mode else "")
            if rule.effect == "exclude"
            else "score " + " ".join(f"{target}{points:+g}" for target, points in rule.impacts.items())
        )
        sys.stdout.write(f"{rule.id:<{width}}  {rule.category:<8} {effect}\n")
    for data in computed:
        sys.stdout.write(
            f"{data['id']:<{width}}  {data['category']:<8} score computed from the bills ({data['file']})\n"
        )
    sys.stdout.write(f"{len(rows) + len(computed)} rule(s); ruleset {ruleset.version} {ruleset.digest}\n")
    return EXIT_OK


def _rules_show(args: argparse.Namespace) -> int:
    ruleset = ruleset_from(args)
    rule = ruleset.rule(args.id)
    found = computed_rule(ruleset, args.id) if rule is None else rule.to_dict()
    if found is None:
        ids = rule_ids(ruleset)
        said = "no rule with this id; `decider rules list` shows them all"
        raise UsageError([Problem(quoted(args.id), said, nearest(args.id, ids))])
    sys.stdout.write(json.dumps(found, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _rules_lint(args: argparse.Namespace) -> int:
    ruleset = load_ruleset([*args.rules, *args.dirs])
    counts = {category: sum(rule.category == category for rule in ruleset.rules) for category in CATEGORIES}
    detail = ", ".join(f"{count} {category}" for category, count in counts.items())
    sys.stdout.write(
        f"ok: {len(ruleset.rules)} rules ({detail}) over {len(ruleset.targets)} targets from "
        f"{', '.join(ruleset.sources)}\nruleset {ruleset.version} {ruleset.digest}\n"
    )
    return EXIT_OK


def _rules_fields(args: argparse.Namespace) -> int:
    for spec in FIELDS.values():
        choices = f" [{', '.join(spec.choices)}]" if spec.choices else ""
        sys.stdout.write(f"{spec.path:<36} {spec.kind}{choices}\n")
    return EXIT_OK
