#!/usr/bin/env python3
"""Quality bench: boilerstrip against text-only baselines on sh181, tf-dev and dragnet-dev.

    python bench/quality.py                      # everything, about a minute + the CLI's time
    python bench/quality.py --corpus sh181 --rendering page --by-rule
    python bench/quality.py --command "python bench/fake_boilerstrip.py" --by-rule
    python bench/quality.py --json > results.json

For every corpus and rendering it scores the rows `identity` (the input untouched),
`c4`, `justext-text` (bench/baselines.py), `boilerstrip` (the installed CLI, run in a
subprocess) and, on the `page` rendering, `boilerstrip --profile page`.
Metrics are each benchmark's own (bench/scoring.py); see bench/README.md.
Under every row, `half 0` and `half 1` score the two halves of the documents split by
a hash of their web site (bench/sites.py): a setting tuned to some sites shows as a gap.
dragnet-dev (AGPLv3) is read from ../shared/corpus next to the checkout, never copied
into the repository, and skipped when it is absent.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import baselines, scoring, sites  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
#: corpora outside the repository (licence), looked up here and skipped when absent
SHARED_DIR = BENCH_DIR.parent.parent / "shared" / "corpus"
CORPORA = ("sh181", "tf-dev", "dragnet-dev")
SHARED_CORPORA = ("dragnet-dev",)
#: the corpora scored as sh181 is (a gold text per document, shingle metric)
GOLD_CORPORA = ("sh181", "dragnet-dev")
RENDERINGS = ("extract-trafilatura", "extract-readability", "page")
DEFAULT_COMMAND = "boilerstrip clean"
PAGE_PROFILE = "page"

METRICS_NOTE = """\
sh181, dragnet-dev: 4-token shingles of \\w+ tokens; P and R per document, averaged (P only over
       non-empty outputs); F = harmonic mean of the two means; accuracy = share of
       documents whose tokens equal the gold's; empty = outputs without a token.
tf-dev: snippets matched as substrings after whitespace collapsing, summed over
       documents (micro): P = TP/(TP+FP), R = TP/(TP+FN), F = 2TP/(2TP+FP+FN),
       accuracy = (TP+TN)/snippets; empty = blank outputs.
kept = output characters / input characters.  s = wall seconds of the cleaning
       alone (for boilerstrip: the whole subprocess, start-up included)."""

BY_RULE_NOTE = """\
by rule: one report line = one removal. hits = removals, docs = documents touched,
chars = characters removed (len of `text`), judged = removals the labels can judge,
wrong/right among them:
  sh181: a removal of >= 4 tokens is wrong when > 50% of its 4-shingles (with
         multiplicity) occur in the document's gold; one of 1-3 tokens is wrong when
         its tokens are exactly those of a whole gold line (e.g. a subheading).
         Every judged removal that is not wrong is right. Removals without a \\w token
         are not judged.
  tf-dev: every occurrence of a snippet in the input is located (whitespace-collapsed,
         as the scorer matches). A removal is wrong when its span [start, end)
         intersects an occurrence of a `with` snippet (it cuts text a clean output
         must keep), right when it intersects an occurrence of a `without` snippet;
         both can hold. Removals that touch no snippet, or only whitespace, are not judged.
  offsets: `start`/`end` are taken as code-point offsets into the input file; when
         input[start:end] != text the first occurrence of `text` is used instead and
         the removal is counted under `offset mismatches`."""


# ------------------------------------------------------------------ corpora

class Corpus:
    def __init__(self, name: str, root: Path) -> None:
        self.name, self.root = name, root / name
        self.gold = name in GOLD_CORPORA
        if self.gold:
            self.labels = scoring.load_gold(self.root)
        else:
            self.labels = scoring.load_snippets(self.root)
        self.ids = sorted(self.labels)
        self.sites = sites.load_sites(name, self.root, self.ids)
        self.halves = sites.halves(self.sites)

    def score(self, outputs: dict[str, str], ids=None) -> dict:
        """The corpus's own scores of `outputs`, over `ids` (default: every document)."""
        labels = self.labels if ids is None else {i: self.labels[i] for i in ids}
        if self.gold:
            return scoring.score_sh181(labels, outputs)
        return scoring.score_tf990(labels, outputs)

    def half_scores(self, outputs: dict[str, str]) -> list[dict]:
        """Precision, recall and F of each split half (by site) of the corpus."""
        return [{k: res[k] for k in ("documents", "precision", "recall", "f1")}
                for res in (self.score(outputs, ids) for ids in self.halves)]

    def inputs(self, rendering: str) -> dict[str, str]:
        return scoring.read_texts(self.root / rendering, self.ids)


# ------------------------------------------------------------------ rows

def _row(corpus, rendering, system, inputs, outputs, seconds, **extra) -> dict:
    row = {"corpus": corpus.name, "rendering": rendering, "system": system, "status": "ok",
           "seconds": round(seconds, 3)}
    row.update(corpus.score(outputs))
    row["halves"] = corpus.half_scores(outputs)
    n_in = sum(len(t) for t in inputs.values())
    row["kept"] = sum(len(t) for t in outputs.values()) / n_in if n_in else 0.0
    row.update(extra)
    return row


def _failed_row(corpus, rendering, system, status, **extra) -> dict:
    return {"corpus": corpus.name, "rendering": rendering, "system": system,
            "status": status, **extra}


def run_baseline(name, corpus, rendering, inputs, keep_dir):
    if name == "justext-text" and not baselines.justext_available():
        return _failed_row(corpus, rendering, name,
                           "justext not installed (pip install justext lxml_html_clean)")
    fn = baselines.BASELINES[name]
    t0 = time.perf_counter()
    outputs = {doc_id: fn(text) for doc_id, text in inputs.items()}
    seconds = time.perf_counter() - t0
    if keep_dir:
        out = keep_dir / corpus.name / rendering / name
        out.mkdir(parents=True, exist_ok=True)
        for doc_id, text in outputs.items():
            (out / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return _row(corpus, rendering, name, inputs, outputs, seconds)


def _slug(system: str) -> str:
    return "-".join(w.lstrip("-") for w in system.split())


def cli_argv(command: str, profile: str | None, out_dir: Path, report: Path, in_dir: Path):
    argv = shlex.split(command)
    if profile:
        argv += ["--profile", profile]
    return argv + ["--output-dir", str(out_dir), "--report", str(report),
                   "--report-format", "jsonl", str(in_dir)]


def run_cli(command, profile, system, corpus, rendering, inputs, keep_dir, timeout, by_rule):
    """Run the CLI on a private copy of the rendering and score what it wrote."""
    exe = shlex.split(command)[0]
    if shutil.which(exe) is None:
        return _failed_row(corpus, rendering, system, f"{exe} not installed")
    with tempfile.TemporaryDirectory(prefix="boilerstrip-bench-") as tmp:
        tmp = Path(tmp)
        in_dir = tmp / "input"
        in_dir.mkdir()
        for doc_id in corpus.ids:  # a copy, so that a faulty CLI can't touch bench/data
            shutil.copyfile(corpus.root / rendering / f"{doc_id}.txt", in_dir / f"{doc_id}.txt")
        if keep_dir:
            out_dir = keep_dir / corpus.name / rendering / _slug(system)
            report = out_dir.with_name(out_dir.name + ".report.jsonl")
        else:
            out_dir, report = tmp / "output", tmp / "report.jsonl"
        if out_dir.exists():  # files of an earlier run would hide missing outputs
            shutil.rmtree(out_dir)
        out_dir.mkdir(parents=True)
        argv = cli_argv(command, profile, out_dir, report, in_dir)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            return _failed_row(corpus, rendering, system, f"{exe} not installed")
        except subprocess.TimeoutExpired:
            return _failed_row(corpus, rendering, system, f"timed out after {timeout} s")
        seconds = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            last = (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1]
            return _failed_row(corpus, rendering, system,
                               f"error: exit {proc.returncode}: {last[:200]}",
                               argv=argv)
        missing = [i for i in corpus.ids if not (out_dir / f"{i}.txt").is_file()]
        if len(missing) == len(corpus.ids):
            return _failed_row(corpus, rendering, system,
                               f"error: exit {proc.returncode} but no output file written "
                               f"(does it support `--output-dir`?)", argv=argv)
        outputs = scoring.read_texts(out_dir, corpus.ids)
        touched = sum(scoring.read_text(in_dir / f"{i}.txt") != inputs[i] for i in corpus.ids)
        row = _row(corpus, rendering, system, inputs, outputs, seconds,
                   exit_code=proc.returncode, missing_outputs=len(missing),
                   inputs_modified=touched)
        if by_rule:
            if report.is_file():
                row["by_rule"] = rule_stats(report, corpus, inputs)
            else:
                row["by_rule"] = {"error": "no report file written"}
        return row


# ------------------------------------------------------------------ by rule

_NON_SPACE = re.compile(r"\S+")


def _collapsed_with_offsets(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed, stripped text and, per character, its offset in `text`."""
    parts, offsets = [], []
    prev_end = None
    for m in _NON_SPACE.finditer(text):
        if prev_end is not None:
            parts.append(" ")
            offsets.append(prev_end)
        parts.append(m.group())
        offsets.extend(range(m.start(), m.end()))
        prev_end = m.end()
    return "".join(parts), offsets


def snippet_spans(text: str, snippets: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of every snippet in `text` as an [start, end) span of `text`."""
    flat, offsets = _collapsed_with_offsets(text)
    spans = []
    for s in snippets:
        s = scoring.collapse_ws(s)
        if not s:
            continue
        i = flat.find(s)
        while i >= 0:
            spans.append((offsets[i], offsets[i + len(s) - 1] + 1))
            i = flat.find(s, i + 1)
    return spans


class _Judge:
    """Says whether a removal from one document is right, wrong or not judgeable."""

    def __init__(self, corpus: Corpus, doc_id: str, text: str) -> None:
        self.gold = corpus.gold
        if self.gold:
            gold = corpus.labels[doc_id]
            self.gold_shingles = set(scoring.shingles(scoring.tokens(gold)))
            self.gold_lines = {tuple(scoring.tokens(line)) for line in gold.splitlines()}
        else:
            item = corpus.labels[doc_id]
            self.keep = snippet_spans(text, item["with"])
            self.drop = snippet_spans(text, item["without"])

    def __call__(self, start: int, end: int, removed: str) -> tuple[bool, bool, bool]:
        """(judged, wrong, right)"""
        toks = scoring.tokens(removed)
        if not toks:
            return False, False, False
        if self.gold:
            if len(toks) >= scoring.SHINGLE:
                sh = scoring.shingles(toks)
                inside = sum(n for s, n in sh.items() if s in self.gold_shingles)
                wrong = inside > 0.5 * sum(sh.values())
            else:
                wrong = tuple(toks) in self.gold_lines
            return True, wrong, not wrong
        wrong = any(start < b and a < end for a, b in self.keep)
        right = any(start < b and a < end for a, b in self.drop)
        return wrong or right, wrong, right


def rule_stats(report: Path, corpus: Corpus, inputs: dict[str, str]) -> dict:
    rules: dict[str, dict] = {}
    docs = defaultdict(set)
    # the sites a rule was wrong / right on: ten pages of one template are one
    # piece of evidence about a rule, not ten
    wrong_sites, right_sites = defaultdict(set), defaultdict(set)
    categories = defaultdict(Counter)
    judges: dict[str, _Judge] = {}
    problems = Counter()
    for line in report.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            problems["lines that are not JSON"] += 1
            continue
        if not isinstance(rec, dict) or "rule" not in rec or "file" not in rec:
            problems["lines without rule/file (ignored)"] += 1
            continue
        doc_id = Path(str(rec["file"])).stem
        if doc_id not in inputs:
            problems["removals in unknown files"] += 1
            continue
        text, removed = inputs[doc_id], str(rec.get("text", ""))
        start, end = rec.get("start"), rec.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and text[start:end] == removed):
            problems["offset mismatches"] += 1
            start = text.find(removed)
            end = start + len(removed)
            if start < 0 or not removed:
                problems["removed text not found in input"] += 1
                start = end = -1
        rule = str(rec["rule"])
        st = rules.setdefault(rule, {"rule": rule, "hits": 0, "chars": 0, "judged": 0,
                                     "wrong": 0, "right": 0})
        st["hits"] += 1
        st["chars"] += len(removed)
        docs[rule].add(doc_id)
        categories[rule][str(rec.get("category", ""))] += 1
        if start >= 0:
            if doc_id not in judges:
                judges[doc_id] = _Judge(corpus, doc_id, text)
            judged, wrong, right = judges[doc_id](start, end, removed)
            st["judged"] += judged
            st["wrong"] += wrong
            st["right"] += right
            site = f"{corpus.name}:{corpus.sites.get(doc_id, doc_id)}"
            if wrong:
                wrong_sites[rule].add(site)
            if right:
                right_sites[rule].add(site)
    for rule, st in rules.items():
        st["docs"] = len(docs[rule])
        st["wrong_sites"] = sorted(wrong_sites[rule])
        st["right_sites"] = sorted(right_sites[rule])
        st["category"] = categories[rule].most_common(1)[0][0]
    ordered = sorted(rules.values(), key=lambda s: (-s["hits"], s["rule"]))
    return {"rules": ordered, "problems": dict(problems)}


# ------------------------------------------------------------------ output

def _fmt_row(row: dict) -> str:
    name = f"{row['system']:<28}"
    if row["status"] != "ok":
        return name + row["status"]
    s = (f"{name}{row['precision']:>9.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}"
         f"{row['accuracy']:>10.3f}{row['empty']:>7d}{row['kept']:>7.1%}{row['seconds']:>8.2f}")
    notes = []
    if row.get("missing_outputs"):
        notes.append(f"{row['missing_outputs']} outputs missing (scored as empty)")
    if row.get("inputs_modified"):
        notes.append(f"MODIFIED {row['inputs_modified']} input files")
    s += "  " + "; ".join(notes) if notes else ""
    for n, half in enumerate(row.get("halves", ())):
        s += (f"\n  half {n} ({half['documents']:>3} docs){'':<11}{half['precision']:>9.3f}"
              f"{half['recall']:>8.3f}{half['f1']:>8.3f}")
    return s


def _fmt_by_rule(row: dict) -> list[str]:
    br = row.get("by_rule")
    if not br:
        return []
    if "error" in br:
        return [f"    by rule: {br['error']}"]
    lines = [f"    by rule ({row['system']}):",
             f"    {'rule':<40}{'category':<14}{'hits':>6}{'docs':>6}{'chars':>9}"
             f"{'judged':>8}{'wrong':>7}{'right':>7}"]
    for st in br["rules"]:
        lines.append(f"    {st['rule'][:39]:<40}{st['category'][:13]:<14}{st['hits']:>6}{st['docs']:>6}"
                     f"{st['chars']:>9}{st['judged']:>8}{st['wrong']:>7}{st['right']:>7}")
    if not br["rules"]:
        lines.append("    (no removals reported)")
    for what, n in sorted(br["problems"].items()):
        lines.append(f"    report problem: {n} {what}")
    return lines


def _fmt_by_rule_totals(rows: list[dict]) -> list[str]:
    """Per system, each rule's wrong and right removals summed over every corpus
    and rendering (the issue's test: no rule more wrong than right), and the
    rows where a rule alone was more wrong than right."""
    out = []
    for system in dict.fromkeys(r["system"] for r in rows):
        totals: dict[str, list[int]] = {}
        where: dict[str, tuple[set, set]] = {}
        local = []
        for row in rows:
            br = row.get("by_rule")
            if row["system"] != system or not br or "error" in br:
                continue
            for st in br["rules"]:
                t = totals.setdefault(st["rule"], [0, 0])
                t[0] += st["wrong"]
                t[1] += st["right"]
                w_sites, r_sites = where.setdefault(st["rule"], (set(), set()))
                w_sites.update(st.get("wrong_sites", ()))
                r_sites.update(st.get("right_sites", ()))
                if st["wrong"] > st["right"]:
                    local.append(f"{st['rule']} ({row['corpus']} {row['rendering']}: "
                                 f"{st['wrong']} wrong, {st['right']} right)")
        if not totals:
            continue
        worse = [f"{rule} ({w} wrong on {len(where[rule][0])} site(s), {r} right on "
                 f"{len(where[rule][1])} site(s))" for rule, (w, r) in sorted(totals.items())
                 if w > r]
        out += ["", f"by rule, every corpus and rendering together ({system}): "
                    f"{len(totals)} rules fired",
                f"    more wrong than right removals: {', '.join(worse) or 'no rule'}",
                f"    in a single row only: {'; '.join(local) or 'no rule'}"]
    return out


def render_table(meta: dict, rows: list[dict], by_rule: bool) -> str:
    out = [f"boilerstrip quality bench  {meta['date']}",
           f"run:         {meta['argv']}",
           f"cli:         {meta['cli']}",
           f"repo:        {meta['repo']}",
           f"environment: {meta['environment']}",
           "", METRICS_NOTE]
    if by_rule:
        out += ["", BY_RULE_NOTE]
    header = (f"{'system':<28}{'precision':>9}{'recall':>8}{'F':>8}{'accuracy':>10}"
              f"{'empty':>7}{'kept':>7}{'s':>8}")
    seen = []
    for row in rows:
        key = (row["corpus"], row["rendering"])
        if key not in seen:
            seen.append(key)
            docs = next((r["documents"] for r in rows
                         if (r["corpus"], r["rendering"]) == key and "documents" in r), "?")
            out += ["", f"== {key[0]} / {key[1]}  ({docs} documents)", header]
        out.append(_fmt_row(row))
        out += _fmt_by_rule(row)
    if by_rule:
        out += _fmt_by_rule_totals(rows)
    # F side by side: one column per corpus/rendering
    short = {"extract-trafilatura": "x-trafil", "extract-readability": "x-readab", "page": "page"}
    systems = list(dict.fromkeys(r["system"] for r in rows))
    out += ["", "F side by side (x- = extract-)",
            f"{'':<28}" + "".join(f"{c:>10}" for c, _ in seen),
            f"{'system':<28}" + "".join(f"{short[r]:>10}" for _, r in seen)]
    for system in systems:
        cells = []
        for key in seen:
            r = next((r for r in rows if (r["corpus"], r["rendering"]) == key
                      and r["system"] == system), None)
            cells.append("" if r is None else (f"{r['f1']:.3f}" if r["status"] == "ok" else "n/a"))
        out.append(f"{system:<28}" + "".join(f"{c:>10}" for c in cells))
    return "\n".join(out)


# ------------------------------------------------------------------ meta

def _git_state() -> str:
    try:
        head = subprocess.run(["git", "-C", str(BENCH_DIR), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(BENCH_DIR), "status", "--porcelain"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return head + (" + uncommitted changes" if dirty else "")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def describe_cli(command: str) -> str:
    exe = shlex.split(command)[0]
    path = shutil.which(exe)
    if path is None:
        return f"{command!r}: {exe} not installed"
    extra = f"boilerstrip package {_version('boilerstrip')}" if command == DEFAULT_COMMAND else ""
    return f"{command!r} -> {path}" + (f" ({extra})" if extra else "")


# ------------------------------------------------------------------ main

def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    ap.add_argument("--rendering", choices=[*RENDERINGS, "all"], action="append",
                    help="repeatable; default: all three")
    ap.add_argument("--command", default=DEFAULT_COMMAND,
                    help="what stands for `boilerstrip clean` (default: %(default)r); it gets "
                         "[--profile P] --output-dir OUT --report R --report-format jsonl IN_DIR")
    ap.add_argument("--profile", default=None,
                    help="profile of the `boilerstrip` row (default: the CLI's own default)")
    ap.add_argument("--by-rule", action="store_true", help="per-rule hits and wrong removals")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    ap.add_argument("--keep-outputs", type=Path, metavar="DIR",
                    help="keep every system's outputs (and boilerstrip's reports) under DIR")
    ap.add_argument("--no-baselines", action="store_true", help="only the boilerstrip rows")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per CLI run (default 900)")
    ap.add_argument("--guard", type=float, action="append", default=[], metavar="SHARE",
                    help="also run boilerstrip with --max-removed-share SHARE (repeatable; "
                         "1.0 turns the over-cleaning guard off): what the guard costs and saves")
    ap.add_argument("--data", type=Path, default=DATA_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--shared", type=Path, default=SHARED_DIR,
                    help="folder of the corpora kept outside the repository (default: %(default)s)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    raw_argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(raw_argv)
    corpora = CORPORA if args.corpus == "all" else (args.corpus,)
    renderings = RENDERINGS if not args.rendering or "all" in args.rendering else \
        tuple(r for r in RENDERINGS if r in args.rendering)
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "argv": shlex.join(["python", "bench/quality.py", *raw_argv]),
        "cli": describe_cli(args.command),
        "repo": _git_state(),
        "environment": f"python {platform.python_version()}, justext {_version('justext')}",
    }
    rows = []
    for name in corpora:
        root = args.shared if name in SHARED_CORPORA else args.data
        if not (root / name).is_dir():
            print(f"[bench] {name}: {root / name} is absent, skipped", file=sys.stderr, flush=True)
            continue
        corpus = Corpus(name, root)
        for rendering in renderings:
            inputs = corpus.inputs(rendering)
            print(f"[bench] {name}/{rendering} ...", file=sys.stderr, flush=True)
            if not args.no_baselines:
                for b in baselines.BASELINES:
                    rows.append(run_baseline(b, corpus, rendering, inputs, args.keep_outputs))
            runs = [("boilerstrip", args.profile)]
            if rendering == "page":
                runs.append((f"boilerstrip --profile {PAGE_PROFILE}", PAGE_PROFILE))
            for system, profile in runs:
                rows.append(run_cli(args.command, profile, system, corpus, rendering, inputs,
                                    args.keep_outputs, args.timeout, args.by_rule))
                # what the over-cleaning guard costs and saves: the same run with
                # other thresholds (1.0 = guard off) side by side
                for share in args.guard:
                    rows.append(run_cli(
                        f"{args.command} --max-removed-share {share}", profile,
                        f"{system} (guard {share})", corpus, rendering, inputs,
                        args.keep_outputs, args.timeout, False))
    if args.json:
        meta["metrics"] = METRICS_NOTE
        if args.by_rule:
            meta["by_rule"] = BY_RULE_NOTE
        print(json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=1))
    else:
        print(render_table(meta, rows, args.by_rule))
    return 0


if __name__ == "__main__":
    sys.exit(main())
