"""Rule hygiene audit: rule examples and descriptions must not copy the corpora.

A rule's examples are meant to be written by hand, in the phrasing family the
rule describes. An example that repeats a sentence of a development document
fits that document and hides whether the rule generalises, and for dragnet-dev
(AGPLv3) it would bring the corpus's text into the repository.

This script reports every description or example line of a rule that shares
a run of N (default 8) consecutive words with one corpus document: any
rendering, the gold text, or a document's snippets. Words are ``\\w+`` runs
(apostrophes inside a word kept), compared case-insensitively.

    python bench/rule_audit.py                   # bundled rules, every corpus found
    python bench/rule_audit.py --rules DIR --corpus DIR --words 12

Exit 0 when nothing is copied, 1 when something is (one line per copied line).
``tests/test_rule_hygiene.py`` runs the same check on the bundled rules.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPORA = ROOT / "bench" / "data"
SHARED_CORPORA = ROOT.parent / "shared" / "corpus"
RUN_WORDS = 8

_WORD = re.compile(r"\w+(?:'\w+)*")
# curly apostrophes and quotes are the same word as straight ones
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@dataclass(frozen=True)
class RuleLine:
    """One line of a rule's description or of one of its examples."""

    rule_id: str
    source: str  # file:line of the rule or example
    field: str  # "description", "remove", "keep" or "output"
    text: str


@dataclass(frozen=True)
class Copy:
    """A rule line that shares a run of words with one corpus document."""

    line: RuleLine
    document: str  # corpus-relative path of the first document found
    words: str  # the first shared run

    def message(self) -> str:
        return (f"{self.line.source}: {self.line.rule_id}: {self.line.field} line copies "
                f"{self.document}: {self.words!r}")


def words(text: str) -> list[str]:
    """The words of TEXT, lower-cased, apostrophes unified."""
    return _WORD.findall(text.translate(_APOSTROPHES).lower())


def rule_lines(rules: Iterable) -> Iterator[RuleLine]:
    """Every non-blank line of each rule's description and examples."""
    for rule in rules:
        where = f"{rule.source}:{rule.line}" if rule.line else rule.source
        yield from _split(rule.id, where, "description", rule.description)
        for field, examples in (("remove", rule.remove_examples), ("keep", rule.keep_examples)):
            for ex in examples:
                at = f"{rule.source}:{ex.line}" if ex.line else where
                yield from _split(rule.id, at, field, ex.text)
                if ex.output:
                    yield from _split(rule.id, at, "output", ex.output)


def _split(rule_id: str, source: str, field: str, text: str) -> Iterator[RuleLine]:
    """One RuleLine per non-blank line of TEXT."""
    for line in text.splitlines():
        if line.strip():
            yield RuleLine(rule_id, source, field, line.strip())


def corpus_documents(root: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every document under the corpora folder ROOT.

    A corpus is a folder of renderings and gold (``*/*.txt``); a corpus labelled
    by snippets (``snippets.json``) counts each document's snippets as one text.
    """
    for corpus in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(corpus.glob("*/*.txt")):
            yield (str(path.relative_to(root)),
                   path.read_text(encoding="utf-8", errors="replace"))
        snippets = corpus / "snippets.json"
        if snippets.is_file():
            for doc, labels in json.loads(snippets.read_text(encoding="utf-8")).items():
                texts = [s for key in ("with", "without") for s in labels.get(key, [])]
                yield f"{corpus.name}/snippets.json#{doc}", "\n".join(texts)


def find_copies(lines: Iterable[RuleLine], documents: Iterable[tuple[str, str]],
                run: int = RUN_WORDS) -> list[Copy]:
    """The LINES sharing RUN consecutive words with one of DOCUMENTS (first hit each)."""
    wanted: dict[tuple[str, ...], list[RuleLine]] = {}
    for line in lines:
        ws = words(line.text)
        for i in range(len(ws) - run + 1):
            wanted.setdefault(tuple(ws[i:i + run]), []).append(line)
    firsts = {key[0] for key in wanted}
    found: dict[RuleLine, Copy] = {}
    for name, text in documents:
        ws = words(text)
        for i in range(len(ws) - run + 1):
            if ws[i] not in firsts:
                continue
            key = tuple(ws[i:i + run])
            for line in wanted.get(key, ()):
                found.setdefault(line, Copy(line, name, " ".join(key)))
    return sorted(found.values(), key=lambda c: (c.line.source, c.line.rule_id, c.line.text))


def default_corpus_roots() -> list[Path]:
    """The bundled corpora, and the shared ones when they are there."""
    return [p for p in (BUNDLED_CORPORA, SHARED_CORPORA) if p.is_dir()]


def audit(rules: Iterable, roots: Iterable[Path], run: int = RUN_WORDS) -> list[Copy]:
    """Copies of every corpus under ROOTS in the description and examples of RULES."""
    docs = (doc for root in roots for doc in corpus_documents(root))
    return find_copies(list(rule_lines(rules)), docs, run)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", type=Path, help="rule folder or file (default: the bundled rules)")
    ap.add_argument("--corpus", type=Path, action="append",
                    help="a folder of corpora (repeatable; default bench/data and ../shared/corpus)")
    ap.add_argument("--words", type=int, default=RUN_WORDS, help="length of a copied run (default 8)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    import boilerstrip

    rules = boilerstrip.load_rules(args.rules or boilerstrip.bundled_rules_dir())
    copies = audit(rules, args.corpus or default_corpus_roots(), args.words)
    for c in copies:
        print(c.message())
    print(f"{len(copies)} copied lines in {len({c.line.rule_id for c in copies})} rules",
          file=sys.stderr)
    return 1 if copies else 0


if __name__ == "__main__":
    sys.exit(main())
