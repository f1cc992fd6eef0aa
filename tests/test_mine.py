"""Corpus mining: recurring debris after cleaning is found and ranked; drafts are refused until reviewed."""

from __future__ import annotations

import json
import random
import re

import pytest

from boilerstrip import InputError, RuleError
from boilerstrip.mine import format_findings, mine, normalise_line, suggest
from boilerstrip.rules import parse_rule_text
from boilerstrip.rules.selftest import check_rule

WORDS = ("river market council budget school winter harbour station museum farmer "
         "vote bridge doctor village engine garden storm courtroom ferry library "
         "minister teacher orchard tunnel festival reporter province factory").split()


def prose(rng: random.Random, sentences: int = 6) -> list[str]:
    """Unique-looking paragraphs: no line recurs by chance."""
    out = []
    for _ in range(sentences):
        n = rng.randint(12, 22)
        words = [rng.choice(WORDS) for _ in range(n)]
        out.append(" ".join(words).capitalize() + f" on day {rng.randint(1, 10**6)}.")
    return out


def write_corpus(root, *, planted: bool, sites: int = 6, per_site: int = 5, seed: int = 7):
    rng = random.Random(seed)
    for s in range(sites):
        for d in range(per_site):
            paras = prose(rng)
            if planted:
                # Cross-site debris, with varying digits and case.
                paras.insert(2, f"Share this story: {rng.randint(2, 99)} comments")
                if d % 2 == 1:
                    paras.insert(1, "SHARE THIS STORY: 0 COMMENTS".lower().capitalize())
                # A two-line block of one site's template, in every document of site 0.
                if s == 0:
                    paras += ["Harbour desk bulletin", "Filed for the weekly digest"]
            # Debris the bundled rules already remove: must not be reported.
            paras.append("Already a subscriber? Log in.")
            (root / f"site{s}").mkdir(parents=True, exist_ok=True)
            (root / f"site{s}" / f"doc{d}.txt").write_text("\n\n".join(paras) + "\n",
                                                          encoding="utf-8")


def test_normalisation():
    assert normalise_line("  Share   THIS\tstory: 12 comments ") == "share this story: 0 comments"
    assert normalise_line("Page 3 of 10") == normalise_line("page 12 of 4")


def test_planted_debris_is_found_and_ranked_first(tmp_path):
    write_corpus(tmp_path, planted=True)
    rep = mine([tmp_path], min_docs=3, top=10)
    assert rep.documents == 30 and rep.sites == 6
    first = rep.findings[0]
    assert first.key == "share this story: 0 comments"
    assert (first.documents, first.sites, first.lines) == (30, 6, 1)
    assert first.example.endswith(".txt") and first.line >= 1 and first.before and first.after
    assert len(first.spellings) >= 2  # different digits seen
    # The one-site block comes next, as one block (its lines are not listed again).
    second = rep.findings[1]
    assert second.key == "harbour desk bulletin\nfiled for the weekly digest"
    assert (second.documents, second.sites, second.lines) == (5, 1, 2)
    assert [f.key for f in rep.findings] == [first.key, second.key]
    # Cleaning ran first: the log-in prompt in every document is not debris.
    assert all("subscriber" not in f.key for f in rep.findings)
    text = format_findings(rep)
    assert "30 documents on 6 sites" in text and "share this story" in text.lower()


def test_uncleaned_input_counts_what_the_rules_would_remove(tmp_path):
    write_corpus(tmp_path, planted=False)
    rep = mine([tmp_path], min_docs=3, clean=False)
    assert [f.key for f in rep.findings] == ["already a subscriber? log in."]


def test_clean_corpus_has_nothing_above_threshold(tmp_path):
    write_corpus(tmp_path, planted=False)
    rep = mine([tmp_path], min_docs=2, top=10)
    assert rep.documents == 30 and rep.findings == []
    assert "0 lines or blocks" in format_findings(rep)


def test_files_clean_would_refuse_are_skipped_with_a_note(tmp_path):
    write_corpus(tmp_path, planted=False)
    # A binary file, invalid UTF-8 and UTF-16 text beside the 30 documents:
    # none of them is counted (before, each was mined as a replaced-byte text).
    (tmp_path / "site0" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 40)
    (tmp_path / "site1" / "latin1.txt").write_bytes("Caf\u00e9 au lait\n".encode("latin-1") * 5)
    (tmp_path / "site2" / "wide.txt").write_bytes("Hello\n".encode("utf-16"))
    bom = tmp_path / "site3" / "bom.txt"  # a UTF-8 BOM is fine: counted
    bom.write_bytes(b"\xef\xbb\xbf" + "One more line of prose here.\n".encode("utf-8"))
    rep = mine([tmp_path], min_docs=2, top=10)
    assert rep.documents == 31
    notes = sorted(rep.skipped)
    assert len(notes) == 3
    assert notes[0].startswith(str(tmp_path / "site0" / "image.txt") + ": binary file (NUL byte")
    assert notes[1].startswith(str(tmp_path / "site1" / "latin1.txt") + ": not valid UTF-8 (byte 0xE9")
    assert notes[2].startswith(str(tmp_path / "site2" / "wide.txt") + ": UTF-16-LE text")


def test_min_docs_and_top(tmp_path):
    write_corpus(tmp_path, planted=True)
    assert [f.documents for f in mine([tmp_path], min_docs=6).findings] == [30]
    assert len(mine([tmp_path], min_docs=3, top=1).findings) == 1
    with pytest.raises(InputError, match="min-docs"):
        mine([tmp_path], min_docs=1)


def test_jsonl_sites_from_urls_and_duplicates(tmp_path):
    rng = random.Random(3)
    path = tmp_path / "docs.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(12):
            body = "\n".join(prose(rng, 3) + ["Photo gallery: swipe for more"])
            fh.write(json.dumps({"content": body, "url": f"https://www.site{i % 4}.example/a/{i}"}) + "\n")
        fh.write(json.dumps({"content": body, "url": "https://site0.example/copy"}) + "\n")
        fh.write(json.dumps({"other": 1}) + "\n")
    rep = mine([path], text_field="content", min_docs=3)
    assert rep.duplicates == 1 and rep.documents == 12 and rep.sites == 4
    assert len(rep.skipped) == 1 and "no string field 'content'" in rep.skipped[0]
    f = rep.findings[0]
    assert (f.text, f.documents, f.sites) == ("Photo gallery: swipe for more", 12, 4)
    assert f.example.startswith(str(path))
    json.dumps(rep.to_dict())  # serialisable as --json prints it
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: not valid JSON"):
        mine([bad])
    with pytest.raises(InputError, match="no such file"):
        mine([tmp_path / "missing"])


def test_site_map_for_flat_folders(tmp_path):
    rng = random.Random(5)
    urls = {}
    for i in range(6):
        # a repeated line no bundled rule removes ("Listen to this article" is en.media.listen's)
        (tmp_path / f"p{i}.txt").write_text("\n".join(prose(rng, 3) + ["Photo gallery: swipe for more"]),
                                            encoding="utf-8")
        urls[f"p{i}"] = {"url": f"https://news{i % 3}.example/x"}
    rep = mine([tmp_path], urls=urls, min_docs=3)
    assert (rep.sites, rep.findings[0].sites, rep.findings[0].documents) == (3, 3, 6)
    assert mine([tmp_path], min_docs=3).findings[0].sites is None  # flat folder: site unknown


def test_suggest_writes_drafts_refused_until_reviewed(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, planted=True)
    rep = mine([corpus], min_docs=3)
    files = suggest(rep.findings, tmp_path / "drafts")
    assert len(files) == 2 and all(f.suffix == ".yml" for f in files)
    again = suggest(rep.findings, tmp_path / "drafts")
    assert not set(again) & set(files), "existing drafts are never overwritten"
    for path in files:
        text = path.read_text(encoding="utf-8")
        with pytest.raises(RuleError, match="draft rule"):
            parse_rule_text(text, str(path))
        # What a reviewer does: drop the flag, write real keep examples.
        reviewed = text.replace("    draft: true\n", "")
        reviewed = re.sub(r'"TODO: a sentence[^"]*"', '"We share this story with readers who write in."', reviewed)
        reviewed = re.sub(r'"TODO: another[^"]*"', '"The harbour desk bulletin was filed late on Friday evening."', reviewed)
        (rule,) = parse_rule_text(reviewed, str(path))
        assert rule.id.startswith("mined.") and len(rule.remove_examples) >= 2
        assert check_rule(rule) == [], f"{path.name}: its own examples must pass"
    line_rule = parse_rule_text(files[0].read_text().replace("    draft: true\n", ""), "x")[0]
    assert line_rule.kind == "line" and line_rule.category == "social-share"
    assert r"\d+" in line_rule.patterns[0]


def test_cli_mine_table_json_and_suggest(tmp_path, capsys):
    from boilerstrip.cli import main

    corpus = tmp_path / "corpus"
    write_corpus(corpus, planted=True)
    assert main(["mine", str(corpus), "--min-docs", "4", "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("30 documents on 6 sites; 2 lines or blocks in >= 4 documents")
    assert re.search(r"^\s+1\s+30\s+6\s+Share this story: \d+ comments$", out, re.M)
    assert main(["mine", str(corpus), "--json", "--top", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["documents"] == 30 and [f["documents"] for f in data["findings"]] == [30]
    drafts = tmp_path / "drafts"
    assert main(["mine", str(corpus), "--suggest", str(drafts), "-q"]) == 0
    capsys.readouterr()
    assert len(list(drafts.glob("*.yml"))) == 2
    assert main(["rules", "validate", str(drafts)]) == 2
    err = capsys.readouterr()
    assert "draft rule" in err.out + err.err


def test_cli_mine_errors_are_one_line(tmp_path, capsys):
    from boilerstrip.cli import main

    assert main(["mine", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "no such file or folder" in err
    bad = tmp_path / "urls.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    assert main(["mine", str(tmp_path), "--urls", str(bad)]) == 2
    assert "expected a JSON object" in capsys.readouterr().err
    assert main(["mine", str(tmp_path), "--min-docs", "1"]) == 2
