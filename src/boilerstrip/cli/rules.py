"""``boilerstrip rules list|show|test|validate|categories|build-fast``."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import BoilerstripError
from .common import CONTEXT, Messages, Stdout, apply_config, check_rule_paths, exits
from .common import plural as _plural


@click.group(context_settings=CONTEXT)
def rules() -> None:
    """List, show, test and validate rules; prebuild the compiled prefilter."""


def _load_for_listing(ctx, p: dict[str, Any]):
    msg = Messages(p.get("quiet", False), p.get("verbose", False), False)
    apply_config(ctx, p, ["."], msg)
    check_rule_paths(p["rules"])
    from ..engine.cleaner import _bundled_rules
    from ..rules.loader import check_unique, load_rules

    loaded = [] if p["no_default_rules"] else list(_bundled_rules())
    for path in p["rules"]:
        loaded.extend(load_rules(path))
    check_unique(loaded)
    return loaded


def _listing_options(f):
    for d in reversed([
        click.option("--rules", "rules", multiple=True, metavar="PATH",
                     help="Also load the rules of this file or folder (repeatable)."),
        click.option("--no-default-rules", is_flag=True, help="Leave the bundled rules out."),
        click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
                     metavar="FILE", help="Configuration file."),
    ]):
        f = d(f)
    return f


@rules.command("list", context_settings=CONTEXT)
@click.option("--pack", multiple=True,
              help="Only rules of this pack: folder or first part of the id (repeatable).")
@click.option("--category", multiple=True, help="Only rules of this category (repeatable).")
@click.option("--kind", multiple=True, help="Only rules of this kind (repeatable).")
@click.option("--profile", type=click.Choice(["article", "page"]), default=None,
              help="Only rules that run in this profile.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_listing_options
@click.pass_context
@exits
def rules_list(ctx: click.Context, **p: Any) -> int:
    """List rules: id, category, kind, pack (opt-in rules are marked)."""
    from ..rules.categories import CATEGORIES
    from ..rules.loader import KINDS

    # a typo lists no rule, which reads as "there is none": name it instead
    for option, given, known in (("--category", p["category"], CATEGORIES),
                                 ("--kind", p["kind"], KINDS)):
        unknown = [v for v in given if v not in known]
        if unknown:
            raise click.BadParameter(f"no {option[2:]} is named {', '.join(map(repr, unknown))}",
                                     param_hint=f"'{option}'")
    rules_ = sorted(_load_for_listing(ctx, p), key=lambda r: r.sort_key())
    sel = [r for r in rules_
           if (not p["pack"] or r.pack in p["pack"] or r.id.split(".")[0] in p["pack"])
           and (not p["category"] or r.category in p["category"])
           and (not p["kind"] or r.kind in p["kind"])
           and (not p["profile"] or p["profile"] in r.profiles)]
    out = Stdout()
    if p["fmt"] == "json":
        import json

        data = [{"id": r.id, "category": r.category, "kind": r.kind, "pack": r.pack,
                 "order": r.order, "enabled": r.enabled, "profiles": list(r.profiles),
                 "description": r.description, "source": r.source, "line": r.line}
                for r in sel]
        out.write((json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        out.flush()
        return 0
    rows = [("ID", "CATEGORY", "KIND", "PACK", "ORDER", "")] + [
        (r.id, r.category, r.kind, r.pack, str(r.order), "" if r.enabled else "opt-in")
        for r in sel]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:5], widths)) + ("  " + row[5] if row[5]
                                                                      else "")
             for row in rows]
    out.write(("\n".join(x.rstrip() for x in lines) + "\n").encode("utf-8"))
    out.flush()
    if not p.get("quiet"):
        sys.stderr.write(f"{_plural(len(sel), 'rule')}\n")
    return 0


@rules.command("show", context_settings=CONTEXT)
@click.argument("rule_id", metavar="ID")
@_listing_options
@click.pass_context
@exits
def rules_show(ctx: click.Context, rule_id: str, **p: Any) -> int:
    """Show one rule: what it matches, where it is defined, and its examples."""
    import dataclasses
    import difflib

    rules_ = {r.id: r for r in _load_for_listing(ctx, p)}
    rule = rules_.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(rules_), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise BoilerstripError(f"no rule {rule_id!r}{hint}; `boilerstrip rules list` lists them")
    lines = [f"{rule.id}", f"  category:    {rule.category}", f"  kind:        {rule.kind}",
             f"  order:       {rule.order}", f"  pack:        {rule.pack}",
             f"  enabled:     {'yes' if rule.enabled else 'no (opt-in: --enable ' + rule.id + ')'}",
             f"  profiles:    {', '.join(rule.profiles)}",
             f"  defined at:  {rule.source}" + (f":{rule.line}" if rule.line else ""),
             f"  description: {rule.description}"]
    if rule.patterns:
        lines.append(f"  match:       {rule.match}   flags: {', '.join(rule.flags) or '(none)'}")
        lines.append("  patterns:")
        lines += [f"    {x}" for x in rule.patterns]
    if rule.unless:
        lines.append("  unless:")
        lines += [f"    {x}" for x in rule.unless]
    when = {k: v for k, v in dataclasses.asdict(rule.when).items()
            if v not in (None, False) and not (k == "prose_min_words" and v == 25)}
    if when:
        lines.append("  when:        " + ", ".join(f"{k}={v}" for k, v in when.items()))
    if rule.section is not None:
        lines.append("  section:     " + ", ".join(
            f"{k}={v}" for k, v in dataclasses.asdict(rule.section).items() if v is not None))
    if rule.kind in ("leading-fragment", "trailing-fragment"):
        lines.append(f"  remove:      {rule.remove}")
    if rule.params:
        lines.append("  params:      " + ", ".join(f"{k}={v!r}" for k, v in rule.params))
    if rule.remove_examples:
        lines.append("  examples, removed:")
        for ex in rule.remove_examples:
            lines.append(f"    - {ex.text!r}")
            if ex.output is not None:
                lines.append(f"      -> {ex.output!r}")
    if rule.keep_examples:
        lines.append("  examples, kept:")
        lines += [f"    - {ex.text!r}" for ex in rule.keep_examples]
    out = Stdout()
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    out.flush()
    return 0


@rules.command("test", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option("--select", multiple=True, metavar="ID|CATEGORY|PACK",
              help="Test only these rules (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only print failures.")
@click.pass_context
@exits
def rules_test(ctx: click.Context, paths: tuple[str, ...], select: tuple[str, ...],
               quiet: bool) -> int:
    """Run the examples of the bundled rules, or of the rules in PATH.

    Exit 1 if an example fails (each failure is shown with a diff), 2 if a
    rule file is invalid.
    """
    from ..engine.cleaner import _bundled_rules
    from ..rules.loader import check_unique, load_rules, selector_matches, unknown_selectors
    from ..rules.selftest import check_rule

    loaded = []
    if paths:
        for path in paths:
            loaded.extend(load_rules(path))
        check_unique(loaded)
    else:
        loaded = list(_bundled_rules())
    if select:
        unknown = unknown_selectors(select, loaded)
        if unknown:  # "0 rules: all passed" would read as a pass
            raise click.BadParameter(f"no rule, category or pack is named "
                                     f"{', '.join(map(repr, unknown))}", param_hint="'--select'")
        loaded = [r for r in loaded if any(selector_matches(s, r) for s in select)]
    out = Stdout()
    failed_rules = 0
    failures = 0
    examples = 0
    for rule in sorted(loaded, key=lambda r: r.sort_key()):
        examples += len(rule.remove_examples) + len(rule.keep_examples)
        fails = check_rule(rule)
        if fails:
            failed_rules += 1
            failures += len(fails)
        for f in fails:
            out.write(("FAIL " + f.message() + "\n" + _failure_diff(f) + "\n").encode("utf-8"))
    out.flush()
    if not quiet or failures:
        if failures:
            sys.stderr.write(f"{failures} of {_plural(examples, 'example')} failed "
                             f"({failed_rules} of {_plural(len(loaded), 'rule')})\n")
        else:
            sys.stderr.write(f"{_plural(len(loaded), 'rule')}, {_plural(examples, 'example')}: "
                             f"all passed\n")
    return 1 if failures else 0


def _failure_diff(f) -> str:
    import difflib

    from ..pipeline.clean import split_lines

    if f.expected == "removed":
        return "  the text came back unchanged:\n" + "".join(
            f"    | {ln}" if ln.endswith("\n") else f"    | {ln}\n"
            for ln in split_lines(f.got) or [""])
    expected = f.example.text if f.expected == "kept" else f.expected
    label = "kept text" if f.expected == "kept" else "expected"
    diff = difflib.unified_diff(split_lines(expected), split_lines(f.got),
                                fromfile=label, tofile="got", n=2)
    out = []
    for ln in diff:
        if not ln.endswith("\n"):
            ln += "\n\\ No newline at end of file\n"
        out.append("    " + ln.replace("\n", "\n    ", ln.count("\n") - 1))
    return "".join(out)


@rules.command("validate", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@exits
def rules_validate(paths: tuple[str, ...], quiet: bool) -> int:
    """Check rule files (no text needed): exit 2 with 'file:line: rule-id: message'.

    Without PATH, validates the bundled rules. Every file is checked and every
    fault in it reported, one line each, so all the problems show up at once.
    """
    from ..engine.cleaner import Cleaner, _bundled_rules
    from ..errors import RuleError
    from ..rules.loader import bundled_rules_dir, validate_rule_files

    targets = paths or (str(bundled_rules_dir()),)
    found = validate_rule_files(targets)
    faults = list(found.faults)
    warnings = [f"warning: {w}" for w in found.warnings]
    unique = {r.id: r for r in found.rules}  # duplicates are reported already
    for profile in ("article", "page"):  # compiles every pattern, runs the kind checks
        rules = [r for r in unique.values() if profile in r.profiles]
        try:
            Cleaner(profile=profile, default_rules=False, extra_rules=rules,
                    enable=[r.id for r in rules])
        except RuleError:  # find every rule at fault, not only the first
            for rule in rules:
                try:
                    Cleaner(profile=profile, default_rules=False, extra_rules=[rule],
                            enable=[rule.id])
                except RuleError as exc:
                    if str(exc) not in map(str, faults):
                        faults.append(exc)
    if paths:
        bundled = {r.id for r in _bundled_rules()}
        for r in found.rules:
            if r.id in bundled and not r.source.startswith(str(bundled_rules_dir())):
                same = r.error("same id as a bundled rule: use it with --no-default-rules "
                               "or rename it")
                warnings.append(f"warning: {same}")
    for line in [str(f) for f in faults] + warnings:
        sys.stderr.write(f"{line}\n")
    if faults:
        sys.stderr.write(f"{_plural(len(faults), 'error')} in {_plural(found.files, 'file')}\n")
        return 2
    if not quiet:
        sys.stderr.write(f"ok: {_plural(len(found.rules), 'rule')} in "
                         f"{_plural(found.files, 'file')}\n")
    return 0


@rules.command("build-fast", context_settings=CONTEXT)
@_listing_options
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when it worked.")
@click.pass_context
@exits
def rules_build_fast(ctx: click.Context, **p: Any) -> int:
    """Compile the rules' database for the compiled prefilter and cache it.

    Needs ``pip install 'boilerstrip[fast]'``. Takes seconds, once per rule
    set and release; every later run with the same rules (and --rules) loads
    it in milliseconds and runs the fast engine. Outputs never change.
    """
    import time

    from ..engine.fast import engine

    if not engine.available():
        raise BoilerstripError("the compiled prefilter needs hyperscan: "
                               "pip install 'boilerstrip[fast]'")
    from ..engine.fast import database
    from ..rules.cache import cache_dir

    loaded = _load_for_listing(ctx, p)
    if cache_dir() is None:
        raise BoilerstripError("the cache is off (BOILERSTRIP_NO_CACHE): nowhere to keep "
                               "the database")
    start = time.perf_counter()
    try:
        accel = database.build(loaded)
    except database.BuildError as exc:
        raise BoilerstripError(f"hyperscan could not compile the rules: {exc}") from None
    if accel.path is None:
        raise BoilerstripError(f"could not write the database to {cache_dir()}: "
                               f"{accel.store_error}")
    if not p["quiet"]:
        served = {r.id for r in database.served(loaded)}
        blocks = {r.id for r in loaded if r.kind == database.BLOCK and r.patterns}
        also = (f", {len(blocks & accel.rule_ids)} of {_plural(len(blocks), 'block rule')}"
                if blocks else "")
        sys.stderr.write(f"built in {time.perf_counter() - start:.1f} s: "
                         f"{len(served & accel.rule_ids)} of "
                         f"{_plural(len(served), 'line/section/inline rule')} served{also}, "
                         f"{_plural(len(accel.parts), 'part')} (by language pack), "
                         f"{accel.path}\n")
    return 0


@rules.command("categories", context_settings=CONTEXT)
@exits
def rules_categories() -> int:
    """List the rule categories (for --ignore/--select/--enable) with the bundled rule counts."""
    from collections import Counter

    from ..rules.categories import CATEGORIES, OPT_IN_CATEGORIES
    from ..engine.cleaner import _bundled_rules

    counts = Counter(r.category for r in _bundled_rules())
    width = max(len(c) for c in CATEGORIES)
    lines = []
    for cat, desc in CATEGORIES.items():
        tag = "  (opt-in)" if cat in OPT_IN_CATEGORIES else ""
        lines.append(f"{cat.ljust(width)}  {counts.get(cat, 0):>3}  {desc}{tag}")
    out = Stdout()
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    out.flush()
    return 0
