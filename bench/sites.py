"""Which web site each benchmark document comes from, and the split-half check.

A threshold chosen on the development pages must also hold on sites it never saw.
The split-half check puts every *site* (never single pages) into one of two halves
by a hash of the site's key, so that a setting that only fits some sites shows up
as a gap between the halves.

* sh181 and tf-dev: the host of the page's URL (``urls.json`` / ``ids.json``).
* dragnet-dev has no URLs; its SOURCE.md says the pages were grouped into sites by
  the page lines they share. :func:`sites_by_shared_lines` rebuilds such groups from
  the ``page`` rendering: two pages are of one site when they share at least
  ``min_shared`` distinct long lines that few pages carry (menus, footers, the
  site's name). A group's key is its smallest document id, so it does not depend
  on the order the files are read in.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit


def host_of(url: str) -> str:
    """The host of `url` without a leading ``www.`` (the site key of a URL)."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def half_of(site: str) -> int:
    """0 or 1: the half a site falls in (a stable hash, not Python's salted one)."""
    return hashlib.sha1(site.encode("utf-8")).digest()[0] & 1


def _find(parent: dict[str, str], x: str) -> str:
    """Union-find root of `x` (with path halving)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def sites_by_shared_lines(pages: dict[str, str], min_len: int = 20, max_pages: int = 60,
                          min_shared: int = 3) -> dict[str, str]:
    """{doc id: site key}: pages joined when they share `min_shared` distinct lines of
    at least `min_len` characters that occur on at most `max_pages` pages (a line on
    more pages is boilerplate of the web at large, not of one site)."""
    holders: dict[str, set[str]] = defaultdict(set)
    for doc_id, text in pages.items():
        for line in {ln.strip() for ln in text.splitlines()}:
            if len(line) >= min_len:
                holders[line].add(doc_id)
    shared: Counter = Counter()
    for ids in holders.values():
        if 2 <= len(ids) <= max_pages:
            first, *rest = sorted(ids)
            for other in rest:
                shared[first, other] += 1
    parent = {doc_id: doc_id for doc_id in pages}
    for (a, b), n in shared.items():
        if n >= min_shared:
            ra, rb = _find(parent, a), _find(parent, b)
            parent[max(ra, rb)] = min(ra, rb)
    return {doc_id: _find(parent, doc_id) for doc_id in pages}


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def load_sites(name: str, root: Path, ids: list[str]) -> dict[str, str]:
    """{doc id: site key} of a corpus folder `root` (see the module docstring)."""
    if (root / "urls.json").is_file():  # sh181
        urls = json.loads(_read(root / "urls.json"))
        return {i: host_of(urls.get(i, "")) or i for i in ids}
    if (root / "ids.json").is_file():  # tf-dev
        meta = json.loads(_read(root / "ids.json"))
        return {i: host_of(meta.get(i, {}).get("url", "")) or i for i in ids}
    pages = {i: _read(root / "page" / f"{i}.txt") if (root / "page" / f"{i}.txt").is_file()
             else "" for i in ids}
    return sites_by_shared_lines(pages)


def halves(sites: dict[str, str]) -> tuple[list[str], list[str]]:
    """The document ids of the two halves, each sorted."""
    split: tuple[list[str], list[str]] = ([], [])
    for doc_id in sorted(sites):
        split[half_of(sites[doc_id])].append(doc_id)
    return split
