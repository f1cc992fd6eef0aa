"""Mining a corpus for the debris the rules still leave.

:func:`mine` cleans every document (bundled rules unless told otherwise) and
counts, per line and per short block of consecutive short lines, how many
documents and how many web sites still contain it. What recurs across many
documents after cleaning is nearly always boilerplate nobody wrote a rule for
yet ("Share this article", "Photo: 0 of 0", a site's footer). :func:`suggest`
turns findings into draft YAML rules for a person to review.

Normalisation (the key lines are counted under): surrounding whitespace
stripped, runs of whitespace collapsed to one space, every run of digits
replaced by ``0`` (so "12 comments" and "3 comments" count together), and the
case folded: rules match case-insensitively by default, so "Comments" and
"COMMENTS" are one rule's business. The first spelling seen is shown.

Ranking: findings are sorted by the number of sites (when any document says
its site), then by the number of documents. A line on twelve sites is a
phrasing family worth a rule; forty documents of one site are one template.
Documents whose site is unknown count together as one site.

Memory stays bounded whatever the corpus size: counts live in an on-disk
SQLite table keyed by a 64-bit hash of the normalised key and the site (one
row per key and site; SQLite's page cache is capped), not in a Python dict.
A count-min sketch would use less disk but over-counts rare keys and cannot
count distinct sites; SQLite gives exact document and site counts and is in
the standard library. Exact duplicate documents (same cleaned text) are
counted once. Examples and contexts are not stored: the few documents behind
the reported findings are read and cleaned again at the end.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sqlite3
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from .errors import InputError
from .io.compressed import open_decompressed
from .io.limits import BoundedLines, max_document_bytes, over_limit, too_large
from .io.records import BadRecord, parse_object
from .io.text import (abandon_write, atomic_write, begin_write, decode, finish_write, open_binary,
                      read_regular)

__all__ = ["Finding", "MineReport", "mine", "normalise_line", "suggest", "format_findings"]

_WS = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_TEXT_SUFFIXES = (".txt", ".text")
MAX_LINE_CHARS = 400      # longer lines are prose, or whole duplicated paragraphs
BLOCK_LINE_WORDS = 15     # a block is made of short lines only


def normalise_line(line: str) -> str:
    """The counting key of a line: whitespace collapsed, digit runs -> 0, case folded."""
    return _DIGITS.sub("0", _WS.sub(" ", line.strip())).casefold()


def _hash(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "big", signed=True)


def site_of(url: str) -> str | None:
    """The host of URL without a leading ``www.`` (None when there is none)."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass
class Finding:
    """A line (or a block of short lines) that recurs across documents after cleaning."""

    text: str                 # first spelling seen; block lines joined with "\n"
    key: str                  # the normalised form counted
    lines: int                # 1 for a line, 2+ for a block
    documents: int
    sites: int | None         # None when no document said its site
    example: str = ""         # name of the first document that has it
    line: int = 0             # its 1-based line in that document's cleaned text
    before: str = ""          # the non-blank line before it there
    after: str = ""           # and after it
    spellings: list[str] = field(default_factory=list)  # up to 3, from different sites/documents

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "key": self.key, "lines": self.lines,
                "documents": self.documents, "sites": self.sites,
                "example": {"document": self.example, "line": self.line,
                            "before": self.before, "after": self.after},
                "spellings": self.spellings}


@dataclass
class MineReport:
    """What :func:`mine` found, with the counts behind it."""

    documents: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)
    sites: int | None = None
    min_docs: int = 0
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "duplicates": self.duplicates,
                "skipped": self.skipped, "sites": self.sites, "min_docs": self.min_docs,
                "findings": [f.to_dict() for f in self.findings]}


@dataclass
class _Doc:
    name: str
    text: str
    site: str | None
    src: str
    loc: int  # byte offset of the JSONL line, -1 for a whole file


# ------------------------------------------------------------------ input

def _open_text(path: Path):
    """PATH for reading bytes, decompressed (to seek back to a known record)."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _open_checked(path: Path):
    """PATH for reading bytes once through: a cut or damaged .gz is an InputError."""
    raw = open_binary(path)
    if path.name.endswith(".gz"):
        return open_decompressed("gzip", raw, str(path))
    return raw


def _jsonl_docs(path: Path, text_field: str, url_field: str,
                skipped: list[str]) -> Iterator[_Doc]:
    limit = max_document_bytes()
    with _open_checked(path) as fh:
        lines = BoundedLines(fh, limit)
        for lineno, raw in lines:
            loc = lines.start
            if not raw.strip():
                continue
            if over_limit(raw, limit):
                skipped.append(f"{path}:{lineno}: record {too_large(limit)}")
                continue
            try:
                obj, _ = parse_object(raw.rstrip(b"\r\n"))
            except BadRecord as exc:
                raise InputError(f"{path}:{lineno}: {exc}") from None
            text = obj.get(text_field)
            if not isinstance(text, str):
                skipped.append(f"{path}:{lineno}: no string field {text_field!r}")
                continue
            url = obj.get(url_field)
            name = str(obj.get("id", obj.get("file", f"{path}:{lineno}")))
            yield _Doc(name, text, site_of(url) if isinstance(url, str) else None,
                       str(path), loc)


def _read_file(path: Path) -> str:
    """The text of PATH, decoded as ``clean`` decodes it (raises its one-line errors)."""
    return decode(read_regular(path), str(path)).text


def _file_doc(path: Path, site: str | None, skipped: list[str]) -> Iterator[_Doc]:
    """PATH as one document; nothing but a note in SKIPPED for a binary file,
    invalid UTF-8 or UTF-16/32 text, which ``clean`` would refuse too (a file
    that cannot be read at all is still an error)."""
    data = read_regular(path)
    try:
        text = decode(data, str(path)).text
    except InputError as exc:
        skipped.append(str(exc).replace(": skipped: ", ": ", 1))
        return
    yield _Doc(str(path), text, site, str(path), -1)


def _site_from_urls(path: Path, urls: Mapping[str, Any]) -> str | None:
    for key in (path.stem, path.name, str(path)):
        v = urls.get(key)
        if isinstance(v, Mapping):
            v = v.get("url")
        if isinstance(v, str):
            return site_of(v)
    return None


def iter_documents(paths: Sequence[str | os.PathLike[str]], *, text_field: str = "text",
                   url_field: str = "url", urls: Mapping[str, Any] | None = None,
                   skipped: list[str] | None = None) -> Iterator[_Doc]:
    """The documents of PATHS: text files, JSONL files, or folders of both.

    The site of a document comes from URL_FIELD (JSONL), from URLS (a mapping
    of file stem or name to a URL, or to an object with a ``url``) or, for a
    file inside a folder given on the command line, from the first folder level
    below it (``corpus/site-a/page.txt`` -> ``site-a``).
    """
    skipped = skipped if skipped is not None else []
    urls = urls or {}
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file()
                           and not any(part.startswith(".") for part in f.relative_to(p).parts)
                           and (f.name.endswith(_TEXT_SUFFIXES) or f.name.endswith(_JSONL_SUFFIXES)))
            for f in files:
                if f.name.endswith(_JSONL_SUFFIXES):
                    yield from _jsonl_docs(f, text_field, url_field, skipped)
                    continue
                rel = f.relative_to(p).parts
                site = _site_from_urls(f, urls) or (rel[0] if len(rel) > 1 else None)
                yield from _file_doc(f, site, skipped)
        elif p.is_file():
            if p.name.endswith(_JSONL_SUFFIXES):
                yield from _jsonl_docs(p, text_field, url_field, skipped)
            else:
                yield from _file_doc(p, _site_from_urls(p, urls), skipped)
        else:
            raise InputError(f"{p}: no such file or folder")


def _reread(src: str, loc: int, text_field: str) -> str:
    p = Path(src)
    if loc < 0:
        return _read_file(p)
    with _open_text(p) as fh:
        fh.seek(loc)
        obj, _ = parse_object(fh.readline().rstrip(b"\r\n"))
    return obj[text_field]


# ----------------------------------------------------------------- keys

def _keys(lines: Sequence[str], max_block_lines: int) -> dict[int, tuple[str, int, int]]:
    """{hash: (normalised key, first line index, number of lines)} of one document.

    Blocks are runs of consecutive *non-blank* short lines: extractors differ
    in whether they put blank lines between short lines, the debris doesn't.
    """
    out: dict[int, tuple[str, int, int]] = {}
    norm = [(i, normalise_line(ln)) for i, ln in enumerate(lines) if ln.strip()]
    for p, (i, n) in enumerate(norm):
        if len(n) > MAX_LINE_CHARS or not _LETTER.search(n):
            continue
        out.setdefault(_hash(n), (n, i, 1))
        if len(n.split(" ")) > BLOCK_LINE_WORDS:
            continue
        block = [n]
        for _, m in norm[p + 1:p + max_block_lines]:
            if len(m.split(" ")) > BLOCK_LINE_WORDS or not _LETTER.search(m):
                break
            block.append(m)
            key = "\n".join(block)
            out.setdefault(_hash(key), (key, i, len(block)))
    return out


def _segment(lines: Sequence[str], first: int, count: int) -> list[str]:
    """COUNT non-blank lines from line FIRST on, stripped."""
    return [s.strip() for s in lines[first:] if s.strip()][:count]


# ----------------------------------------------------------------- mining

def mine(paths: Sequence[str | os.PathLike[str]], *, min_docs: int = 3, top: int = 30,
         cleaner: Any = None, clean: bool = True, max_block_lines: int = 3,
         text_field: str = "text", url_field: str = "url",
         urls: Mapping[str, Any] | None = None, db: str | os.PathLike[str] | None = None,
         cache_mb: int = 64, progress: Callable[[int], None] | None = None) -> MineReport:
    """Find lines and short blocks recurring in at least MIN_DOCS documents after cleaning.

    :param paths: text files, JSONL files (``TEXT_FIELD``, ``URL_FIELD``) or folders.
    :param cleaner: a :class:`~boilerstrip.Cleaner` (default: bundled rules).
    :param clean: False when the texts are cleaned already.
    :param max_block_lines: longest block of consecutive short lines counted (1 = lines only).
    :param urls: file stem -> URL (or ``{"url": ...}``), to tell each file's site.
    :param db: keep the counting database at this path (default: a temporary file).
    :param cache_mb: SQLite page cache size, the bound on counting memory.
    :param progress: called with the size in bytes of each document read (for a progress bar).
    Returns the TOP findings, most sites then most documents first.
    """
    if min_docs < 2:
        raise InputError("--min-docs must be at least 2")
    if top < 1:
        raise InputError("--top must be at least 1")
    if clean and cleaner is None:
        from .engine import Cleaner
        cleaner = Cleaner()
    report = MineReport(min_docs=min_docs)
    pending = None
    if db is not None:
        check_db_path(db, paths)
        # built under a random name beside DB and renamed over it at the end:
        # a failed run leaves an older database as it was
        pending = begin_write(db, named=True)
    with tempfile.TemporaryDirectory(prefix="boilerstrip-mine-") as tmp:
        path = pending.tmp if pending is not None else Path(tmp) / "counts.sqlite"
        try:
            con = sqlite3.connect(path)
            try:
                _count(con, report, paths, cleaner if clean else None, max_block_lines,
                       text_field, url_field, urls, cache_mb, progress)
                cands = _rank(con, report, min_docs, top)
                _examples(con, report, cands, top, cleaner if clean else None, text_field)
            finally:
                con.close()
        except BaseException:
            if pending is not None:
                abandon_write(pending)
            raise
        if pending is not None:
            finish_write(pending)
    return report


#: ``PRAGMA application_id`` of a mine database ("bstm"): an existing --db
#: file without it is not ours to replace.
DB_APPLICATION_ID = 0x6273746D


def check_db_path(db: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]) -> None:
    """Refuse a --db path that exists and is not a mine database, or is one of INPUTS.

    The database is replaced at the end of a run: a typo must not destroy the
    corpus or any other file. Only the SQLite header is read (the file itself
    is untrusted: it is never opened as a database before it is known).
    """
    try:
        st = os.lstat(db)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"{db}: --db: {exc.strerror or exc}") from None
    for src in inputs:
        try:
            other = os.stat(src)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            raise InputError(f"{db}: --db names one of the inputs ({src}); not replaced")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{db}: --db exists and is not a regular file; not replaced")
    try:
        with open(db, "rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise InputError(f"{db}: --db: cannot read: {exc.strerror or exc}") from None
    if not (head.startswith(b"SQLite format 3\x00") and len(head) == 100
            and int.from_bytes(head[68:72], "big") == DB_APPLICATION_ID):
        raise InputError(f"{db}: --db exists and is not a boilerstrip mine database; "
                         f"not replaced (remove it or name another file)")


def _count(con, report, paths, cleaner, max_block_lines, text_field, url_field, urls,
           cache_mb, progress=None) -> None:
    con.executescript(f"""
        PRAGMA application_id={DB_APPLICATION_ID};
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;
        PRAGMA cache_size=-{int(cache_mb) * 1024};
        CREATE TABLE docs(id INTEGER PRIMARY KEY, name TEXT, src TEXT, loc INTEGER);
        CREATE TABLE seen(h INTEGER PRIMARY KEY);
        CREATE TABLE ks(k INTEGER, site INTEGER, n INTEGER, doc INTEGER, line INTEGER,
                        nl INTEGER, PRIMARY KEY(k, site)) WITHOUT ROWID;
    """)
    upsert = ("INSERT INTO ks VALUES(?,?,1,?,?,?) "
              "ON CONFLICT(k, site) DO UPDATE SET n = n + 1")
    site_hashes: set[int] = set()  # only to say how many sites; bounded by 1e6 below
    any_site = False
    doc_id = 0
    for doc in iter_documents(paths, text_field=text_field, url_field=url_field, urls=urls,
                              skipped=report.skipped):
        if progress is not None:
            progress(len(doc.text.encode("utf-8", "surrogatepass")))
        text = cleaner.clean(doc.text).text if cleaner is not None else doc.text
        h = _hash(text)
        if con.execute("INSERT OR IGNORE INTO seen VALUES(?)", (h,)).rowcount == 0:
            report.duplicates += 1
            continue
        doc_id += 1
        con.execute("INSERT INTO docs VALUES(?,?,?,?)", (doc_id, doc.name, doc.src, doc.loc))
        site = _hash(doc.site) if doc.site else 0
        if doc.site:
            any_site = True
            if len(site_hashes) < 1_000_000:
                site_hashes.add(site)
        keys = _keys(text.splitlines(), max_block_lines)
        con.executemany(upsert, ((k, site, doc_id, i, nl) for k, (_, i, nl) in keys.items()))
        if doc_id % 2000 == 0:
            con.commit()
    con.commit()
    report.documents = doc_id
    report.sites = len(site_hashes) if any_site else None


def _contains(big: str, small: str) -> bool:
    return f"\n{small}\n" in f"\n{big}\n"


def _rank(con, report: MineReport, min_docs: int, top: int) -> list[tuple[Finding, int, int]]:
    """Candidates above the threshold, best first: (finding, key hash, example doc id).
    More than TOP, since blocks may absorb some lines."""
    order = "s DESC, d DESC" if report.sites is not None else "d DESC"
    rows = con.execute(f"""
        SELECT k, SUM(n) AS d, COUNT(*) AS s, MIN(doc), line, nl FROM ks
        GROUP BY k HAVING d >= ? ORDER BY {order}, nl DESC, k LIMIT ?""",
                       (min_docs, top * 4 + 20)).fetchall()
    return [(Finding(text="", key="", lines=nl, documents=d,
                     sites=s if report.sites is not None else None, line=line), k, doc)
            for k, d, s, doc, line, nl in rows]


def _examples(con, report: MineReport, cands: list[tuple[Finding, int, int]], top: int,
              cleaner, text_field: str) -> None:
    cache: dict[int, tuple[str, list[str]]] = {}

    def lines_of(doc_id: int) -> tuple[str, list[str]]:
        if doc_id not in cache:
            if len(cache) > 256:
                cache.clear()
            name, src, loc = con.execute("SELECT name, src, loc FROM docs WHERE id=?",
                                         (doc_id,)).fetchone()
            text = _reread(src, loc, text_field)
            text = cleaner.clean(text).text if cleaner is not None else text
            cache[doc_id] = (name, text.splitlines())
        return cache[doc_id]

    for f, _, doc_id in cands:
        name, lines = lines_of(doc_id)
        seg = _segment(lines, f.line, f.lines)
        f.text = "\n".join(seg)
        f.key = "\n".join(normalise_line(s) for s in seg)
        f.example = name
        before = [s for s in lines[:f.line] if s.strip()]
        after = _segment(lines, f.line, f.lines + 1)[f.lines:]
        f.before = before[-1].strip() if before else ""
        f.after = after[0] if after else ""
        f.line += 1
    # A line or a shorter block counted only inside a longer block that is
    # reported with the same counts adds nothing: keep the longest.
    kept = [(f, k) for f, k, _ in cands
            if not any(g.lines > f.lines and g.documents == f.documents and g.sites == f.sites
                       and _contains(g.key, f.key) for g, _, _ in cands)][:top]
    for f, k in kept:
        spellings = [f.text]
        for doc_id, line in con.execute("SELECT doc, line FROM ks WHERE k=? ORDER BY doc LIMIT 6",
                                        (k,)).fetchall():
            if len(spellings) >= 3:
                break
            _, other = lines_of(doc_id)
            s = "\n".join(_segment(other, line, f.lines))
            if s not in spellings:
                spellings.append(s)
        f.spellings = spellings
    report.findings = [f for f, _ in kept]


# ---------------------------------------------------------------- output

def _clip(s: str, n: int = 100) -> str:
    s = s.replace("\n", " \u23ce ")
    return s if len(s) <= n else s[:n - 1] + "\u2026"


def format_findings(report: MineReport) -> str:
    """The findings as the plain-text table ``boilerstrip mine`` prints."""
    out = []
    sites = f" on {report.sites:,} sites" if report.sites is not None else ""
    out.append(f"{report.documents:,} documents{sites}"
               + (f" ({report.duplicates:,} exact duplicates skipped)" if report.duplicates else "")
               + f"; {len(report.findings)} lines or blocks in >= {report.min_docs} documents"
               + " after cleaning")
    if not report.findings:
        return "\n".join(out) + "\n"
    out.append("")
    out.append(f"{'#':>3} {'docs':>6} {'sites':>6}  text")
    for i, f in enumerate(report.findings, 1):
        s = "-" if f.sites is None else f"{f.sites:,}"
        out.append(f"{i:>3} {f.documents:>6,} {s:>6}  {_clip(f.text)}")
        out.append(f"{'':>18}e.g. {f.example}:{f.line}")
        if f.before:
            out.append(f"{'':>20}| {_clip(f.before, 90)}")
        out.append(f"{'':>20}> {_clip(f.text, 90)}")
        if f.after:
            out.append(f"{'':>20}| {_clip(f.after, 90)}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------- drafts

_CATEGORY_HINTS = [
    (r"cookie|consent", "cookie-notice"),
    (r"newsletter|e-?mail|inbox", "newsletter"),
    (r"subscri|abonn|membership", "subscription-nag"),
    (r"log ?in|sign ?in|anmelden|connexion", "login-prompt"),
    (r"javascript|browser", "javascript-notice"),
    (r"share|facebook|twitter|whatsapp|linkedin|pinterest|follow us|teilen|partager", "social-share"),
    (r"advert|sponsor|anzeige|publicit", "advertisement"),
    (r"comment|kommentar|commentaire|reply", "comments"),
    (r"related|read more|more from|recommended|see also|weiterlesen|lire aussi", "related-links"),
    (r"^tags?\b|schlagw", "tag-cloud"),
    (r"photo|image|video|credit|getty|foto|bild", "media-credit"),
    (r"copyright|©|rights reserved|terms|privacy|datenschutz|impressum", "legal"),
    (r"source|quelle|via\b", "source-credit"),
]


def _guess_category(text: str) -> str:
    low = text.casefold()
    for pat, cat in _CATEGORY_HINTS:
        if re.search(pat, low):
            return cat
    return "navigation"


def _pattern(key: str) -> str:
    parts = []
    for token in re.split(r"(0| )", key):
        if token == "0":
            parts.append(r"\d+")
        elif token == " ":
            parts.append(r"\s+")
        elif token:
            parts.append(re.escape(token))
    return "".join(parts)


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.casefold())[:5]
    return "-".join(words) or "line"


def _sq(s: str) -> str:
    """A YAML single-quoted scalar (backslashes stay as they are)."""
    return "'" + s.replace("'", "''") + "'"


def _dq(s: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def suggest(findings: Iterable[Finding], folder: str | os.PathLike[str], *,
            pack: str = "mined") -> list[Path]:
    """Write one draft rule file per finding into FOLDER; return the files written.

    Each draft has ``draft: true`` (so ``boilerstrip rules validate`` and the
    engine refuse it until a person has reviewed it), a pattern made from the
    normalised text (digits as ``\\d+``, spaces as ``\\s+``), a guessed
    category, the spellings found as remove examples and a placeholder keep
    example to replace with real prose. Existing files are never overwritten.
    """
    out_dir = Path(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for f in findings:
        slug = _slug(f.key.replace("0", " "))
        name, n = slug, 2
        while name in used or os.path.lexists(out_dir / f"{name}.yml"):  # a dangling link too
            name, n = f"{slug}-{n}", n + 1
        used.add(name)
        keys = f.key.split("\n")
        kind = "line" if f.lines == 1 else "section"
        pattern = _pattern(keys[0])
        removes = list(dict.fromkeys(f.spellings or [f.text]))
        if len(removes) < 2:
            # A second example: the same text in its document's context.
            ctx = "\n".join(x for x in (f.before, f.text) if x)
            removes.append(ctx + "\n" if ctx != f.text else f.text + "\n")
        sites = (f", {f.sites} site{'' if f.sites == 1 else 's'}" if f.sites is not None else "")
        category = _guess_category(f.text)
        lines = [
            f"# Draft mined by `boilerstrip mine`: {f.documents} documents{sites}",
            f"# (e.g. {f.example}, line {f.line}).",
            "# Before use: make the pattern cover the phrasing family and nothing of one site,",
            "# check the category (guessed), replace the keep placeholders with real prose",
            "# that uses the same words, then delete `draft: true`.",
            "rules:",
            f"  - id: {pack}.{name}",
            "    draft: true",
            f"    kind: {kind}",
            f"    category: {category}",
            f"    order: {550 if kind == 'line' else 350}",
            f"    description: {_dq('Recurring ' + ('line' if kind == 'line' else 'block') + ': ' + _clip(f.text, 60))}",
            f"    pattern: {_sq(pattern)}",
            *([] if kind == "line" else [
                f"    # the header line, then the {f.lines - 1} short line(s) found below it",
                f"    section: {{min_lines: {f.lines - 1}, max_lines: {f.lines - 1}, "
                f"line_max_words: {max(len(k.split()) for k in keys[1:]) + 2}, stop_at_prose: true}}"]),
            "    examples:",
            "      remove:",
            *[f"        - {_dq(r)}" for r in removes],
            "      keep:",
            '        - "TODO: a sentence of real prose using these words, which must be kept."',
            '        - "TODO: another one, from a different context."',
            "",
        ]
        path = out_dir / f"{name}.yml"
        # through a temporary file: a symlink planted in DIR is refused, not followed
        atomic_write(path, "\n".join(lines).encode("utf-8"))
        written.append(path)
    return written
